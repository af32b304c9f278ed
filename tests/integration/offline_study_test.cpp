// `apiary offline` through real processes: the heat clients' samples go to
// a dataset on disk, then a server with no sockets trains from it; a
// recorded dataset trains again under a wall-time limit; bad datasets fail
// with errors that name the file.
#include <gtest/gtest.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

CommandResult run_offline(const std::filesystem::path& study_file, const std::filesystem::path& run_dir,
                          const std::string& options = "") {
  return run_command(std::string(APIARY_BIN_DIR) + "/apiary offline --quiet " + study_file.string() + " --run-dir " +
                     run_dir.string() + " " + options);
}

class OfflineStudy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(fresh_directory("offline"));
    write_text(*dir_ / "study.toml", SmallStudy{}.toml());
    result_ = new CommandResult(run_offline(*dir_ / "study.toml", run_dir()));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete result_;
  }
  static std::filesystem::path run_dir() { return *dir_ / "run"; }
  static std::filesystem::path dataset() { return run_dir() / "dataset"; }
  static std::filesystem::path* dir_;
  static CommandResult* result_;
};
std::filesystem::path* OfflineStudy::dir_ = nullptr;
CommandResult* OfflineStudy::result_ = nullptr;

TEST_F(OfflineStudy, RecordsEveryAcceptedTimeStep) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto generation = read_json(run_dir() / "generate" / "summary.json");
  EXPECT_EQ(generation["simulations_completed"], 8);
  EXPECT_EQ(generation["time_steps_received"], 80);
  const auto manifest = read_json(dataset() / "manifest.json");
  EXPECT_EQ(manifest["training_records"].get<std::uint64_t>() + manifest["validation_records"].get<std::uint64_t>(),
            generation["time_steps_received"].get<std::uint64_t>());
  EXPECT_EQ(manifest["training_records"], generation["training_samples_received"]);
  EXPECT_EQ(manifest["validation_records"], 20);  // 2 held-out simulations x 10 steps, kept apart
  EXPECT_EQ(manifest["field_size"], 16 * 12);
  const std::uint64_t record_bytes = 8 + 4 * (6 + 16 * 12);
  EXPECT_EQ(manifest["record_bytes"], record_bytes);
  std::uint64_t on_disk = 0;
  for (const auto& shard : manifest["shards"]) on_disk += std::filesystem::file_size(dataset() / shard["file"]);
  EXPECT_EQ(on_disk, 80 * record_bytes);
  EXPECT_EQ(manifest["bytes"], on_disk);
}

TEST_F(OfflineStudy, TrainsFromDiskWithoutTheNetwork) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto summary = read_json(run_dir() / "summary.json");
  EXPECT_EQ(summary["mode"], "offline");
  EXPECT_EQ(summary["batches"], 60);
  EXPECT_EQ(summary["samples_trained"], 60 * 8);
  EXPECT_EQ(summary["time_steps_received"], 0);  // nothing came over ZeroMQ
  EXPECT_EQ(summary["dataset"]["training_records"], 60);
  EXPECT_EQ(summary["dataset"]["validation_records"], 20);
  EXPECT_GE(summary["dataset"]["epochs"].get<int>(), 8);  // 480 samples trained from 60 records
  EXPECT_GE(summary["dataset"]["samples_loaded"].get<int>(), 480);
  EXPECT_EQ(summary["validation_samples"], 20);
  EXPECT_EQ(summary["generation"]["time_steps_received"], 80);
  const double error = summary["validation_rel_l2"];
  EXPECT_GT(error, 0.0);
  EXPECT_LT(error, 1.0);
  for (const char* file : {"train/model.pt", "train/metrics.jsonl", "train/server.log", "train/study.toml"}) {
    EXPECT_TRUE(std::filesystem::exists(run_dir() / file)) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(run_dir() / "train" / "server.json"));  // no sockets
}

TEST_F(OfflineStudy, ValidationRecordsCarryTimeAndSamplesTrained) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  std::ifstream metrics(run_dir() / "train" / "metrics.jsonl");
  std::vector<nlohmann::json> validations;
  for (std::string line; std::getline(metrics, line);) {
    auto record = nlohmann::json::parse(line);
    if (record["event"] == "validation") validations.push_back(record);
  }
  ASSERT_EQ(validations.size(), 4u);  // every 20 of 60 batches, plus the final one
  EXPECT_EQ(validations[0]["samples_trained"], 20 * 8);
  EXPECT_EQ(validations[3]["samples_trained"], 60 * 8);
  for (std::size_t i = 1; i < validations.size(); ++i) {
    EXPECT_GE(validations[i]["training_seconds"].get<double>(), validations[i - 1]["training_seconds"].get<double>());
  }
}

TEST_F(OfflineStudy, TrainsAgainFromARecordedDatasetUntilTheWallTimeLimit) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto again = *dir_ / "again";
  const auto result =
      run_offline(*dir_ / "study.toml", again,
                  "--dataset " + dataset().string() + " --train-seconds 1 --set training.batches=100000000");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(again / "summary.json");
  EXPECT_TRUE(summary["generation"].is_null());
  EXPECT_FALSE(std::filesystem::exists(again / "generate"));
  EXPECT_LT(summary["batches"].get<std::uint64_t>(), 100000000u);
  EXPECT_GE(summary["training_seconds"].get<double>(), 1.0);
  EXPECT_LT(summary["training_seconds"].get<double>(), 30.0);
  const auto study = run_command("grep max_seconds " + (again / "train" / "study.toml").string());
  EXPECT_NE(study.output.find("max_seconds = 1.0"), std::string::npos) << study.output;
}

TEST_F(OfflineStudy, TwoServerRanksShareAOneRankRecording) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto two = *dir_ / "two-ranks";
  const auto result =
      run_offline(*dir_ / "study.toml", two, "--dataset " + dataset().string() + " --set server.ranks=2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(two / "summary.json");
  EXPECT_EQ(summary["batches"], 60);
  EXPECT_EQ(summary["samples_trained_per_rank"], nlohmann::json::array({240, 240}));
  EXPECT_EQ(summary["dataset"]["training_records"], 60);  // 30 each, no record twice
  EXPECT_EQ(summary["validation_samples"], 20);
}

TEST_F(OfflineStudy, RefusesADatasetOfAnotherStudy) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto result = run_offline(*dir_ / "study.toml", *dir_ / "mismatch",
                                  "--dataset " + dataset().string() + " --set client.field_size=100");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("dataset " + (dataset() / "manifest.json").string() +
                               " was recorded with client.field_size 192, the study has 100"),
            std::string::npos)
      << result.output;
}

TEST_F(OfflineStudy, ATruncatedShardFailsWithItsName) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto copy = *dir_ / "truncated-dataset";
  std::filesystem::copy(dataset(), copy);
  const auto shard = copy / "training-rank0000.bin";
  std::filesystem::resize_file(shard, std::filesystem::file_size(shard) - 100);
  const auto result = run_offline(*dir_ / "study.toml", *dir_ / "truncated", "--dataset " + copy.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("dataset shard " + shard.string() + " is truncated"), std::string::npos)
      << result.output;
}

TEST_F(OfflineStudy, AnIncompleteOrMissingDatasetIsNamed) {
  const auto empty = *dir_ / "no-manifest";
  std::filesystem::create_directories(empty);
  const auto result = run_offline(*dir_ / "study.toml", *dir_ / "incomplete", "--dataset " + empty.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(
      result.output.find("no dataset manifest " + (empty / "manifest.json").string() + " (an incomplete recording"),
      std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace apiary::testing
