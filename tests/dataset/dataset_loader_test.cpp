// The offline loader: the recorder's shards come back through a training
// buffer, every record once per epoch in a new order each epoch, shared
// among ranks without overlap; validation records apart.
#include "server/dataset/dataset_loader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/error.hpp"
#include "dataset/dataset_test_support.hpp"
#include "server/dataset/dataset_recorder.hpp"

namespace apiary::server {
namespace {

using testing::kLayout;
using testing::make_sample;
using testing::small_study;
using testing::TemporaryDirectory;

// Two ranks' recordings: 30 training samples (simulations 0-5, steps 0-4)
// and 5 validation samples (simulation 100), like a two-rank server.
DatasetManifest record(const std::filesystem::path& dir) {
  auto manifest = manifest_for(small_study());
  DatasetRecorder rank0(dir, kLayout, 0), rank1(dir, kLayout, 1);
  for (std::uint32_t s = 0; s < 6; ++s) {
    for (std::uint32_t t = 0; t < 5; ++t)
      ((s + t) % 2 == 0 ? rank0 : rank1).add(make_sample(s, t), plan::Role::training);
  }
  for (std::uint32_t t = 0; t < 5; ++t) (t % 2 == 0 ? rank0 : rank1).add(make_sample(100, t), plan::Role::validation);
  for (auto* recorder : {&rank0, &rank1}) {
    for (const auto& shard : recorder->finish()) manifest.shards.push_back(shard);
  }
  write_manifest(dir, manifest);
  return read_manifest(dir);
}

std::uint32_t key(const Sample& sample) { return sample.simulation_id * 100 + sample.time_step; }

// One epoch's worth of samples through a FIFO, as the offline server does.
std::vector<std::uint32_t> drain(TrainingBuffer& buffer, std::size_t samples) {
  std::vector<std::uint32_t> keys;
  while (keys.size() < samples) {
    for (const auto& sample : buffer.get(1)) keys.push_back(key(*sample));
  }
  return keys;
}

TEST(DatasetLoader, RecorderWritesOneShardPerRoleAndRank) {
  TemporaryDirectory dir("recorder");
  const auto manifest = record(dir.path());
  ASSERT_EQ(manifest.shards.size(), 4u);
  EXPECT_EQ(manifest.shards[0].file, "training-rank0000.bin");
  EXPECT_EQ(manifest.shards[1].file, "validation-rank0000.bin");
  EXPECT_EQ(manifest.shards[3].server_rank, 1);
  EXPECT_EQ(manifest.records(plan::Role::training), 30u);
  EXPECT_EQ(manifest.records(plan::Role::validation), 5u);
}

TEST(DatasetLoader, EveryTrainingRecordOncePerEpochInANewOrder) {
  TemporaryDirectory dir("epochs");
  const auto manifest = record(dir.path());
  auto buffer = make_buffer(
      {.kind = config::BufferKind::fifo, .capacity = 4, .watermark = 0});  // outlives the loader, which closes it
  DatasetLoader loader(dir.path(), manifest, 0, 1, 7);
  EXPECT_EQ(loader.training_records(), 30u);
  loader.start(*buffer);
  const auto first = drain(*buffer, 30);
  const auto second = drain(*buffer, 30);
  buffer->close();
  loader.join();
  std::set<std::uint32_t> expected;
  for (std::uint32_t s = 0; s < 6; ++s)
    for (std::uint32_t t = 0; t < 5; ++t) expected.insert(s * 100 + t);
  EXPECT_EQ(std::set(first.begin(), first.end()), expected);
  EXPECT_EQ(std::set(second.begin(), second.end()), expected);
  EXPECT_NE(first, second);  // reshuffled (30! orders: equal only by a bug)
  EXPECT_GE(loader.counters()["epochs"].get<int>(), 2);
  EXPECT_GE(loader.counters()["samples_loaded"].get<int>(), 60);
}

TEST(DatasetLoader, RanksShareTheRecordsWithoutOverlap) {
  TemporaryDirectory dir("ranks");
  const auto manifest = record(dir.path());
  std::multiset<std::uint32_t> training, validation;
  for (int rank = 0; rank < 3; ++rank) {
    const DatasetLoader loader(dir.path(), manifest, rank, 3, 0);
    EXPECT_EQ(loader.training_records(), 10u);
    loader.for_each_training_sample([&](const Sample& sample) { training.insert(key(sample)); });
    for (const auto& sample : loader.validation_samples()) validation.insert(key(*sample));
  }
  EXPECT_EQ(training.size(), 30u);
  EXPECT_EQ(std::set(training.begin(), training.end()).size(), 30u);
  EXPECT_EQ(validation, (std::multiset<std::uint32_t>{10000, 10001, 10002, 10003, 10004}));
}

TEST(DatasetLoader, ValuesSurviveTheTrip) {
  TemporaryDirectory dir("values");
  const auto manifest = record(dir.path());
  const DatasetLoader loader(dir.path(), manifest, 0, 1, 0);
  std::size_t checked = 0;
  loader.for_each_training_sample([&](const Sample& sample) {
    const auto expected = make_sample(sample.simulation_id, sample.time_step);
    EXPECT_EQ(sample.inputs, expected.inputs);
    EXPECT_EQ(sample.field, expected.field);
    ++checked;
  });
  EXPECT_EQ(checked, 30u);
}

TEST(DatasetLoader, ARankWithoutTrainingRecordsClosesItsBuffer) {
  TemporaryDirectory dir("none");
  const auto manifest = record(dir.path());
  auto buffer = make_buffer(
      {.kind = config::BufferKind::fifo, .capacity = 4, .watermark = 0});  // outlives the loader, which closes it
  DatasetLoader loader(dir.path(), manifest, 40, 41, 0);  // 30 records among 41 ranks: rank 40 has none
  loader.start(*buffer);
  EXPECT_TRUE(buffer->get(1).empty());  // exhausted, not blocked
  loader.join();
}

TEST(DatasetLoader, ADestroyedLoaderClosesItsBufferAndStops) {
  TemporaryDirectory dir("stop");
  const auto manifest = record(dir.path());
  auto buffer = make_buffer({.kind = config::BufferKind::fifo, .capacity = 2, .watermark = 0});
  {
    DatasetLoader loader(dir.path(), manifest, 0, 1, 0);
    loader.start(*buffer);
    EXPECT_EQ(buffer->get(2).size(), 2u);
  }  // destroyed while blocked on the full buffer: closes it and returns
  EXPECT_TRUE(buffer->readiness(1).closed);
}

TEST(DatasetLoader, AShardMissingFromTheDirectoryIsNamed) {
  TemporaryDirectory dir("missing-shard");
  const auto manifest = record(dir.path());
  std::filesystem::remove(dir.path() / "training-rank0001.bin");
  try {
    DatasetLoader(dir.path(), manifest, 0, 1, 0);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find((dir.path() / "training-rank0001.bin").string()), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace apiary::server
