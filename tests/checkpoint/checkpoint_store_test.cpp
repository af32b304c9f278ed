// Checkpoints become visible atomically: `latest` names a complete one or
// nothing, a checkpoint being written (.tmp) is never used, and commits
// keep the previous checkpoint and remove older ones.
#include "server/checkpoint/checkpoint_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "checkpoint/checkpoint_test_support.hpp"
#include "common/error.hpp"

namespace apiary::server::testing {
namespace {

namespace fs = std::filesystem;
using CheckpointStore = TemporaryDirectoryTest;

fs::path commit(const fs::path& run_dir, std::uint64_t batch) {
  prepare_staging(run_dir, batch);
  std::ofstream(staging_dir(run_dir, batch) / "rank-0.bin") << "state";
  return commit_checkpoint(run_dir, {batch, 2, 1790000000.5});
}

TEST_F(CheckpointStore, NoLatestMeansNoCheckpoint) { EXPECT_FALSE(latest_checkpoint(dir_).has_value()); }

TEST_F(CheckpointStore, CommitRenamesAndPointsLatestAtIt) {
  const auto committed = commit(dir_, 1000);
  EXPECT_EQ(committed, checkpoints_dir(dir_) / "batch-00001000");
  EXPECT_FALSE(fs::exists(staging_dir(dir_, 1000)));
  ASSERT_EQ(latest_checkpoint(dir_), committed);
  const auto meta = read_checkpoint_meta(committed);
  EXPECT_EQ(meta.batch, 1000u);
  EXPECT_EQ(meta.ranks, 2);
  EXPECT_DOUBLE_EQ(meta.time, 1790000000.5);
  EXPECT_TRUE(fs::exists(committed / "rank-0.bin"));
}

TEST_F(CheckpointStore, UnfinishedCheckpointIsIgnored) {
  const auto committed = commit(dir_, 1000);
  // A crash while writing batch 2000: its .tmp stays, latest still names 1000.
  prepare_staging(dir_, 2000);
  std::ofstream(staging_dir(dir_, 2000) / "rank-0.bin") << "half";
  EXPECT_EQ(latest_checkpoint(dir_), committed);
  // The restarted server writes it again from scratch.
  EXPECT_EQ(commit(dir_, 2000), checkpoints_dir(dir_) / "batch-00002000");
  EXPECT_EQ(latest_checkpoint(dir_), checkpoints_dir(dir_) / "batch-00002000");
}

TEST_F(CheckpointStore, CommitKeepsThePreviousCheckpointOnly) {
  commit(dir_, 1000);
  commit(dir_, 2000);
  commit(dir_, 3000);
  EXPECT_FALSE(fs::exists(checkpoints_dir(dir_) / "batch-00001000"));
  EXPECT_TRUE(fs::exists(checkpoints_dir(dir_) / "batch-00002000"));
  EXPECT_TRUE(fs::exists(checkpoints_dir(dir_) / "batch-00003000"));
}

TEST_F(CheckpointStore, LatestNamingAMissingCheckpointIsAnError) {
  fs::create_directories(checkpoints_dir(dir_));
  std::ofstream(checkpoints_dir(dir_) / "latest") << "batch-00000500\n";
  try {
    latest_checkpoint(dir_);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("batch-00000500"), std::string::npos) << error.what();
  }
}

TEST_F(CheckpointStore, InvalidMetadataIsAnErrorNamingTheFile) {
  const auto committed = commit(dir_, 1000);
  std::ofstream(committed / "meta.json") << "{\"batch\": 1000}";
  try {
    latest_checkpoint(dir_);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("meta.json"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace apiary::server::testing
