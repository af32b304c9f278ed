// Whole studies on a server of two MPI ranks: launcher, mpirun, server
// ranks, heat clients, over ZeroMQ.
#include <gtest/gtest.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

std::vector<nlohmann::json> train_records(const std::filesystem::path& run_dir) {
  std::vector<nlohmann::json> records;
  std::ifstream metrics(run_dir / "metrics.jsonl");
  for (std::string line; std::getline(metrics, line);) {
    auto record = nlohmann::json::parse(line);
    if (record["event"] == "train") records.push_back(std::move(record));
  }
  return records;
}

TEST(DataParallelStudy, TwoServerRanksShareTheStreamAndTrainOneModel) {
  const auto dir = fresh_directory("two-ranks");
  SmallStudy study;
  study.batches = 40;
  const auto result = run_study(dir, study, "--set server.ranks=2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(dir / "run" / "summary.json");
  EXPECT_EQ(summary["server_ranks"], 2);
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]);
  EXPECT_EQ(summary["batches"], 40);
  EXPECT_EQ(summary["samples_trained"], 40 * 8);
  const auto per_rank = summary["samples_trained_per_rank"].get<std::vector<std::uint64_t>>();
  ASSERT_EQ(per_rank.size(), 2u);
  EXPECT_EQ(per_rank[0] + per_rank[1], 40u * 8u);
  EXPECT_GT(per_rank[0], 0u);
  EXPECT_GT(per_rank[1], 0u);
  for (const auto& rank : summary["ranks"]) {
    EXPECT_EQ(rank["batches"], 40);
    EXPECT_GT(rank["time_steps_received"].get<std::uint64_t>(), 0u);  // round-robin over (simulation, step)
  }
  const double error = summary["validation_rel_l2"];
  EXPECT_GT(error, 0.0);
  EXPECT_LT(error, 1.0);
  const auto records = train_records(dir / "run");
  ASSERT_FALSE(records.empty());
  for (const auto& record : records) {
    ASSERT_EQ(record["ranks"].size(), 2u);
    EXPECT_EQ(record["samples_trained"].get<std::uint64_t>(),
              record["ranks"][0]["samples_trained"].get<std::uint64_t>() +
                  record["ranks"][1]["samples_trained"].get<std::uint64_t>());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "model.pt"));
  std::filesystem::remove_all(dir);
}

TEST(DataParallelStudy, UnbalancedRanksFinishTogetherAndTrainEveryStepOnce) {
  // Every step of a simulation to rank (id mod 2): rank 0 gets simulations
  // 0 and 2, rank 1 only simulation 1. A FIFO serves each sample once;
  // training runs until both buffers are exhausted.
  const auto dir = fresh_directory("unbalanced");
  SmallStudy study;
  study.simulations = 3;
  study.validation_simulations = 0;
  study.batches = 100000;
  study.buffer = "kind = \"fifo\"\ncapacity = 200\nwatermark = 8\n";
  const auto result = run_study(dir, study, "--set server.ranks=2 --set server.bind_simulation=true");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = read_json(dir / "run" / "summary.json");
  EXPECT_EQ(summary["time_steps_received"], 30);
  EXPECT_EQ(summary["samples_trained"], 30);
  EXPECT_EQ(summary["buffer"]["seen_histogram"], nlohmann::json({{"1", 30}}));
  const auto& ranks = summary["ranks"];
  ASSERT_EQ(ranks.size(), 2u);
  EXPECT_EQ(ranks[0]["time_steps_received"], 20);  // simulations 0 and 2
  EXPECT_EQ(ranks[1]["time_steps_received"], 10);  // simulation 1
  EXPECT_EQ(ranks[0]["samples_trained_by_rank"], 20);
  EXPECT_EQ(ranks[1]["samples_trained_by_rank"], 10);
  EXPECT_EQ(ranks[0]["batches"], ranks[1]["batches"]);
  EXPECT_EQ(ranks[0]["batches"], summary["batches"]);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace apiary::testing
