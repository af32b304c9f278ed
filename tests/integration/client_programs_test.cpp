// Studies whose clients are the C and C++ example programs: the public API
// from both languages, and reassembly of a field sent by 2 MPI ranks.
#include <gtest/gtest.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

TEST(ClientPrograms, SerialCProgramStreamsAStudy) {
  const auto dir = fresh_directory("c-client");
  SmallStudy study;
  study.command = std::string(APIARY_BIN_DIR) + "/c_client 50 4";
  study.field = "field";
  study.field_size = 50;
  study.time_steps = 4;
  study.simulations = 3;
  study.validation_simulations = 1;
  study.batches = 5;
  const auto result = run_study(dir, study);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(dir / "run" / "summary.json");
  EXPECT_EQ(summary["time_steps_received"], 16);
  EXPECT_EQ(summary["messages_rejected"], 0);
  std::filesystem::remove_all(dir);
}

TEST(ClientPrograms, FieldFromTwoMpiRanksIsReassembled) {
  const auto dir = fresh_directory("cpp-client");
  SmallStudy study;
  study.command = std::string(APIARY_BIN_DIR) + "/cpp_client 101 5";
  study.ranks = 2;
  study.field = "field";
  study.field_size = 101;
  study.time_steps = 5;
  study.simulations = 2;
  study.validation_simulations = 1;
  study.batches = 3;
  const auto result = run_study(dir, study);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(dir / "run" / "summary.json");
  EXPECT_EQ(summary["time_steps_received"], 15);
  EXPECT_EQ(summary["duplicate_slices"], 0);
  EXPECT_EQ(summary["messages_rejected"], 0);
  // 2 ranks x 5 steps x 3 simulations data messages, plus one end per rank.
  EXPECT_EQ(summary["messages_received"], 36) << summary.dump(1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace apiary::testing
