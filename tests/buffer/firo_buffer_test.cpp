#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "buffer_test_support.hpp"

namespace apiary::server::testing {
namespace {

using Histogram = std::map<std::uint32_t, std::uint64_t>;

TEST(BufferFiro, EachSampleIsServedExactlyPseudoEpochsTimes) {
  constexpr std::uint32_t kSamples = 300;
  auto buffer = make("firo", 12, 6, 3);
  std::thread producer([&] {
    put_range(*buffer, 0, kSamples);
    buffer->close();
  });
  std::map<std::uint32_t, int> served;
  for (auto batch = buffer->get(5); !batch.empty(); batch = buffer->get(5)) {
    EXPECT_TRUE(all_distinct(batch));
    for (std::uint32_t id : ids_of(batch)) {
      ++served[id];
    }
  }
  producer.join();

  ASSERT_EQ(served.size(), kSamples);
  for (const auto& [id, count] : served) {
    EXPECT_EQ(count, 3) << "sample " << id;
  }
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.size, 0u);
  EXPECT_EQ(stats.gets, 3u * kSamples);
  EXPECT_EQ(stats.evicted, kSamples);
  EXPECT_EQ(stats.seen_histogram, (Histogram{{3, kSamples}}));
}

TEST(BufferFiro, DoesNotServeBeforeTheWatermark) {
  auto buffer = make("firo", 10, 4, 1);
  put_range(*buffer, 0, 3);
  auto get = std::async(std::launch::async, [&] { return buffer->get(2); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(get));
  put_range(*buffer, 3, 1);
  ASSERT_TRUE(completes(get));
  EXPECT_EQ(get.get().size(), 2u);
}

TEST(BufferFiro, SampleLeavesRightAfterItsLastServe) {
  auto buffer = make("firo", 2, 2, 2);
  put_range(*buffer, 0, 2);
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(2)); });
  CloseOnExit guard(*buffer);

  EXPECT_EQ(buffer->get(2).size(), 2u);  // each sample served once: both stay
  EXPECT_EQ(buffer->stats().evicted, 0u);
  EXPECT_TRUE(is_blocked(put));

  EXPECT_EQ(buffer->get(2).size(), 2u);  // second serve: both leave, room for the put
  ASSERT_TRUE(completes(put));
  EXPECT_TRUE(put.get());
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.evicted, 2u);
  EXPECT_EQ(stats.size, 1u);
  EXPECT_EQ(stats.seen_histogram, (Histogram{{0, 1}, {2, 2}}));
}

TEST(BufferFiro, DrainAfterCloseCompletesEveryPseudoEpoch) {
  auto buffer = make("firo", 10, 10, 3);
  put_range(*buffer, 0, 4);  // below the watermark: nothing served yet
  buffer->close();
  const std::map<std::uint32_t, int> served = drain(*buffer, 3);
  ASSERT_EQ(served.size(), 4u);
  for (const auto& [id, count] : served) {
    EXPECT_EQ(count, 3) << "sample " << id;
  }
  EXPECT_TRUE(buffer->get(3).empty());
}

TEST(BufferFiro, BatchHasNoRepeatsWhileDistinctSamplesRemain) {
  auto buffer = make("firo", 50, 50, 100);
  put_range(*buffer, 0, 50);
  for (int round = 0; round < 10; ++round) {
    const auto batch = buffer->get(50);
    ASSERT_EQ(batch.size(), 50u);
    EXPECT_TRUE(all_distinct(batch));
  }
}

}  // namespace
}  // namespace apiary::server::testing
