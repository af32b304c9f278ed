// A whole study through real processes: launcher, server, heat clients,
// over ZeroMQ; then what it left in its run directory.
#include <gtest/gtest.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

class StudyEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(fresh_directory("e2e"));
    result_ = new CommandResult(run_study(*dir_, SmallStudy{}));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete result_;
  }
  static std::filesystem::path run_dir() { return *dir_ / "run"; }
  static std::filesystem::path* dir_;
  static CommandResult* result_;
};
std::filesystem::path* StudyEndToEnd::dir_ = nullptr;
CommandResult* StudyEndToEnd::result_ = nullptr;

TEST_F(StudyEndToEnd, CompletesWithEveryTimeStepReceived) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto summary = read_json(run_dir() / "summary.json");
  EXPECT_EQ(summary["simulations_completed"], 8);
  EXPECT_EQ(summary["simulations_failed"], 0);
  EXPECT_EQ(summary["time_steps_expected"], 80);
  EXPECT_EQ(summary["time_steps_received"], 80);
  EXPECT_EQ(summary["validation_samples_received"], 20);
  EXPECT_EQ(summary["duplicates_dropped"], 0);
  EXPECT_EQ(summary["messages_rejected"], 0);
  EXPECT_EQ(summary["batches"], 60);
  EXPECT_TRUE(summary["device"] == "cpu" || summary["device"].get<std::string>().rfind("cuda:", 0) == 0);
  EXPECT_EQ(summary["samples_trained"], 60 * 8);
  EXPECT_GT(summary["wall_seconds"].get<double>(), 0.0);
  const double error = summary["validation_rel_l2"];
  EXPECT_GT(error, 0.0);
  EXPECT_LT(error, 1.0);
}

TEST_F(StudyEndToEnd, KeepsTheStudyPlanLogsMetricsAndModel) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  for (const char* file : {"study.toml", "plan.json", "server.log", "metrics.jsonl", "model.pt",
                           "validation_probe.json", "clients/simulation-000000.log"}) {
    EXPECT_TRUE(std::filesystem::exists(run_dir() / file)) << file;
  }
  std::ifstream metrics(run_dir() / "metrics.jsonl");
  int train = 0, validation = 0;
  for (std::string line; std::getline(metrics, line);) {
    const auto record = nlohmann::json::parse(line);
    if (record["event"] == "train") {
      ++train;
      for (const char* key :
           {"loss", "samples_per_s", "batches_per_s", "buffer_size", "puts", "gets", "put_get_inc", "seen_histogram"}) {
        EXPECT_TRUE(record.contains(key)) << key;
      }
      EXPECT_EQ(record["put_get_inc"].get<std::int64_t>(),
                record["puts"].get<std::int64_t>() - record["gets"].get<std::int64_t>());
    }
    if (record["event"] == "validation") {
      ++validation;
      // Learning curves: where each validation falls in time and samples.
      EXPECT_TRUE(record.contains("training_seconds"));
      EXPECT_EQ(record["samples_trained"].get<int>(), record["batch"].get<int>() * 8);
    }
  }
  EXPECT_EQ(train, 6);       // every 10 of 60 batches
  EXPECT_EQ(validation, 4);  // every 20, plus the final one
}

TEST_F(StudyEndToEnd, ValidationSimulationsNeverEnterTraining) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto summary = read_json(run_dir() / "summary.json");
  EXPECT_EQ(summary["training_samples_received"], 60);
  EXPECT_EQ(summary["buffer"]["puts"].get<std::uint64_t>() +
                summary["samples_not_trained_after_training_ended"].get<std::uint64_t>(),
            60);
}

TEST_F(StudyEndToEnd, PythonReproducesTheServersPrediction) {
  ASSERT_EQ(result_->exit_code, 0) << result_->output;
  const auto check =
      run_command("/usr/bin/python3 " APIARY_SOURCE_DIR "/tests/integration/check_model.py " + run_dir().string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace
}  // namespace apiary::testing
