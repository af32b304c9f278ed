// buffer.max_serves on the reservoir: a sample leaves right after its
// max_serves-th serve, and removal in the middle of a batch neither repeats
// a sample nor upsets the room and serving checks.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <thread>
#include <vector>

#include "buffer_test_support.hpp"

namespace apiary::server::testing {
namespace {

using Histogram = std::map<std::uint32_t, std::uint64_t>;

std::uint32_t most_serves(const BufferStats& stats) {
  return stats.seen_histogram.empty() ? 0 : stats.seen_histogram.rbegin()->first;
}

TEST(BufferReservoirMaxServes, EmptiesOnceEverySampleWasServedTwice) {
  auto buffer = make_capped_reservoir(10, 1, 2);
  put_range(*buffer, 0, 10);
  std::map<std::uint32_t, int> served;
  for (int batches = 0; buffer->readiness(4).can_serve; ++batches) {
    ASSERT_LT(batches, 100) << "the buffer never emptied";
    const auto batch = buffer->try_get(4);
    EXPECT_TRUE(all_distinct(batch));
    for (std::uint32_t id : ids_of(batch)) {
      ++served[id];
    }
  }
  ASSERT_EQ(served.size(), 10u);
  for (const auto& [id, count] : served) {
    EXPECT_EQ(count, 2) << "sample " << id;
  }
  // Empty but open: not servable, not exhausted, room for more.
  const BufferReadiness readiness = buffer->readiness(4);
  EXPECT_EQ(readiness.size, 0u);
  EXPECT_FALSE(readiness.exhausted);
  EXPECT_FALSE(readiness.full);
  EXPECT_TRUE(buffer->has_room());
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.seen_histogram, (Histogram{{2, 10}}));
  EXPECT_EQ(stats.evicted, 10u);
  EXPECT_EQ(stats.gets, 20u);
}

TEST(BufferReservoirMaxServes, RemovalMidBatchNeverRepeatsASample) {
  // max_serves 1: every serve removes its sample, so each draw of a batch
  // meets a slot vector that changed under it.
  auto buffer = make_capped_reservoir(6, 6, 1);
  put_range(*buffer, 0, 6);
  const auto batch = buffer->get(6);
  ASSERT_EQ(batch.size(), 6u);
  EXPECT_TRUE(all_distinct(batch));
  EXPECT_EQ(buffer->stats().size, 0u);
  EXPECT_EQ(buffer->stats().seen_histogram, (Histogram{{1, 6}}));
}

TEST(BufferReservoirMaxServes, RemovalMakesRoomForAPut) {
  auto buffer = make_capped_reservoir(3, 3, 1);
  put_range(*buffer, 0, 3);
  EXPECT_FALSE(buffer->has_room());  // full, nothing seen
  ASSERT_EQ(buffer->get(1).size(), 1u);
  EXPECT_TRUE(buffer->has_room());
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(3)); });
  CloseOnExit guard(*buffer);
  ASSERT_TRUE(completes(put));
  EXPECT_TRUE(put.get());
  EXPECT_EQ(buffer->stats().size, 3u);
}

TEST(BufferReservoirMaxServes, NoSampleIsServedMoreThanMaxServesUnderConcurrency) {
  constexpr std::uint32_t kSamples = 400;
  auto buffer = make_capped_reservoir(8, 2, 2);
  std::thread producer([&] {
    put_range(*buffer, 0, kSamples);
    buffer->close();
  });
  std::map<std::uint32_t, int> served;
  for (auto batch = buffer->get(3); !batch.empty(); batch = buffer->get(3)) {
    EXPECT_TRUE(all_distinct(batch));
    for (std::uint32_t id : ids_of(batch)) {
      ++served[id];
    }
  }
  producer.join();

  for (const auto& [id, count] : served) {
    EXPECT_LE(count, 2) << "sample " << id;
  }
  const BufferStats stats = buffer->stats();
  EXPECT_LE(most_serves(stats), 2u);
  EXPECT_EQ(histogram_total(stats), kSamples);
  EXPECT_EQ(stats.size, 0u);
}

TEST(BufferReservoirMaxServes, DrainAfterCloseServesTheRestOnce) {
  auto buffer = make_capped_reservoir(10, 1, 3);
  put_range(*buffer, 0, 10);
  ASSERT_EQ(buffer->get(4).size(), 4u);
  buffer->close();
  const std::map<std::uint32_t, int> served = drain(*buffer, 4);
  EXPECT_EQ(served.size(), 10u);  // every sample, served once more
  EXPECT_TRUE(buffer->readiness(4).exhausted);
  EXPECT_EQ(buffer->stats().seen_histogram, (Histogram{{1, 6}, {2, 4}}));
}

TEST(BufferReservoirMaxServes, StaysConsistentThroughReplacementsAndRemovals) {
  // Single producer checking has_room() before each put, as the receiver
  // does: full buffers replace seen samples, served-out samples leave;
  // the counters must stay in balance and no put may block.
  auto buffer = make_capped_reservoir(5, 2, 3, 11);
  std::uint32_t next = 0;
  for (int step = 0; step < 2000; ++step) {
    if (step % 3 != 0 && buffer->has_room()) {
      ASSERT_TRUE(buffer->put(make_sample(next++)));
    } else {
      EXPECT_TRUE(all_distinct(buffer->try_get(2)));
    }
    const BufferStats stats = buffer->stats();
    ASSERT_EQ(stats.size + stats.evicted, stats.puts) << "step " << step;
    ASSERT_EQ(histogram_total(stats), stats.puts) << "step " << step;
    ASSERT_LE(most_serves(stats), 3u) << "step " << step;
  }
  EXPECT_GT(buffer->stats().evicted, 100u);
}

}  // namespace
}  // namespace apiary::server::testing
