// What a user sees when something is wrong: a broken study file, a client
// whose field does not match the study.
#include <gtest/gtest.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

TEST(StudyErrors, BrokenStudyFileNamesTheKey) {
  const auto dir = fresh_directory("broken");
  SmallStudy study;
  study.extra = "weight_decay = -1.0\n";
  const auto result = run_study(dir, study);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("training.weight_decay"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "run" / "server.log"));  // nothing started
  std::filesystem::remove_all(dir);
}

TEST(StudyErrors, TomlSyntaxErrorNamesTheLine) {
  const auto dir = fresh_directory("syntax");
  write_text(dir / "study.toml", "[study]\nname = \"x\"\nsimulations = = 3\n");
  const auto result = run_command(std::string(APIARY_BIN_DIR) + "/apiary run " + (dir / "study.toml").string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("line 3"), std::string::npos) << result.output;
  std::filesystem::remove_all(dir);
}

TEST(StudyErrors, ClientWithWrongFieldSizeFailsWithAClearReason) {
  const auto dir = fresh_directory("mismatch");
  SmallStudy study;
  study.field_size = 16 * 12 + 1;  // the clients have 16 x 12
  study.simulations = 2;
  study.validation_simulations = 0;
  // Relaunching cannot help: each simulation fails once, for good.
  study.extra = "\n[fault_tolerance]\nmax_restarts = 0\non_max_restarts = \"fail\"\n";
  const auto result = run_study(dir, study);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("field size mismatch"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("193"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("192"), std::string::npos) << result.output;
  const auto summary = read_json(dir / "run" / "summary.json");
  EXPECT_EQ(summary["simulations_failed"], 2);
  EXPECT_EQ(summary["registrations_refused"], 2);
  EXPECT_EQ(summary["time_steps_received"], 0);
  std::filesystem::remove_all(dir);
}

TEST(StudyErrors, OverrideIsValidatedLikeTheFile) {
  const auto dir = fresh_directory("override");
  const auto result = run_study(dir, SmallStudy{}, "--set buffer.kind=lifo");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("buffer.kind"), std::string::npos) << result.output;
  std::filesystem::remove_all(dir);
}

// CI's libtorch has no CUDA: asking for a GPU must fail the study and say
// why. Where libtorch does see a GPU, the same study trains on it.
TEST(StudyErrors, CudaDeviceWithoutAGpuIsRefusedWithTheReason) {
  const auto dir = fresh_directory("cuda");
  const auto result = run_study(dir, SmallStudy{}, "--set server.device=cuda");
  if (result.exit_code == 0) {
    EXPECT_EQ(read_json(dir / "run" / "summary.json")["device"].get<std::string>().rfind("cuda:", 0), 0u);
  } else {
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("libtorch sees no CUDA GPU"), std::string::npos) << result.output;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace apiary::testing
