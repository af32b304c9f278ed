#include "launcher/study/server_progress.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;

fs::path run_dir_with(const std::vector<std::string>& rank_files) {
  const auto dir = fs::temp_directory_path() / ("apiary-progress-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "progress");
  for (std::size_t rank = 0; rank < rank_files.size(); ++rank) {
    std::ofstream(dir / "progress" / ("rank-" + std::to_string(rank) + ".json")) << rank_files[rank];
  }
  return dir;
}

TEST(ServerProgress, SumsStepsOverRanksAndKeepsTheLatestStepAndTheOldestHeartbeat) {
  const auto dir =
      run_dir_with({R"({"rank": 0, "time": 200.0, "batches": 40, "resumed_from_batch": 30, "time_steps_received": 5,
          "simulations": {"1": {"steps": 3, "last": 150.0}, "2": {"steps": 2, "last": 120.0}}})",
                    R"({"rank": 1, "time": 190.0, "batches": 40, "resumed_from_batch": null, "time_steps_received": 4,
          "simulations": {"1": {"steps": 4, "last": 160.0}}})"});
  const auto progress = read_server_progress(dir, 2);
  EXPECT_EQ(progress.ranks_reporting, 2);
  EXPECT_DOUBLE_EQ(progress.oldest_heartbeat, 190.0);
  EXPECT_EQ(progress.batches, 40u);
  EXPECT_EQ(progress.resumed_from_batch, 30u);
  EXPECT_EQ(progress.time_steps_received, 9u);
  EXPECT_EQ(progress.steps_of(1), 7u);
  EXPECT_DOUBLE_EQ(progress.last_step_of(1), 160.0);
  EXPECT_EQ(progress.steps_of(2), 2u);
  EXPECT_EQ(progress.steps_of(3), 0u);
  EXPECT_DOUBLE_EQ(progress.last_step_of(3), 0.0);
  fs::remove_all(dir);
}

TEST(ServerProgress, MissingPartialAndOlderFilesDoNotReport) {
  const auto dir = run_dir_with(
      {R"({"rank": 0, "time": 100.0, "simulations": {"1": {"steps": 3, "last": 90.0}}})", R"({"rank": 1, "time": )"});
  EXPECT_EQ(read_server_progress(dir, 3).ranks_reporting, 1);  // rank 1 half written, rank 2 absent
  const auto since = read_server_progress(dir, 1, 150.0);      // rank 0's is a previous server's
  EXPECT_EQ(since.ranks_reporting, 0);
  EXPECT_EQ(since.steps_of(1), 0u);
  fs::remove_all(dir);
}

TEST(ServerProgress, IgnoresEntriesThatAreNotSimulations) {
  const auto dir = run_dir_with({R"({"time": 100.0, "simulations": {"x": {"steps": 3}, "4": 7, "5": {"steps": 1}}})"});
  const auto progress = read_server_progress(dir, 1);
  EXPECT_EQ(progress.simulations.size(), 1u);
  EXPECT_EQ(progress.steps_of(5), 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace apiary::launcher
