#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <vector>

#include "buffer_test_support.hpp"

namespace apiary::server::testing {
namespace {

using Histogram = std::map<std::uint32_t, std::uint64_t>;
using IdSet = std::set<std::uint32_t>;

IdSet id_set(const std::vector<SamplePtr>& batch) {
  const std::vector<std::uint32_t> ids = ids_of(batch);
  return IdSet(ids.begin(), ids.end());
}

IdSet keys_of(const std::map<std::uint32_t, int>& served) {
  IdSet keys;
  for (const auto& [id, count] : served) {
    keys.insert(id);
  }
  return keys;
}

IdSet range_set(std::uint32_t first, std::uint32_t count) {
  IdSet ids;
  for (std::uint32_t id = first; id < first + count; ++id) {
    ids.insert(id);
  }
  return ids;
}

TEST(BufferReservoir, DoesNotServeBeforeTheWatermark) {
  auto buffer = make("reservoir", 10, 5);
  put_range(*buffer, 0, 4);
  auto get = std::async(std::launch::async, [&] { return buffer->get(2); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(get));
  EXPECT_EQ(buffer->stats().gets, 0u);
  put_range(*buffer, 4, 1);
  ASSERT_TRUE(completes(get));
  EXPECT_EQ(get.get().size(), 2u);
}

TEST(BufferReservoir, DrawsDoNotRemoveAndBatchesHaveNoRepeats) {
  auto buffer = make("reservoir", 8, 8);
  put_range(*buffer, 0, 8);
  for (int round = 0; round < 5; ++round) {
    const auto batch = buffer->get(8);
    ASSERT_EQ(batch.size(), 8u);
    EXPECT_EQ(id_set(batch), range_set(0, 8));
  }
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.size, 8u);
  EXPECT_EQ(stats.gets, 40u);
  EXPECT_EQ(stats.evicted, 0u);
  EXPECT_EQ(stats.seen_histogram, (Histogram{{5, 8}}));
}

TEST(BufferReservoir, EvictionReplacesOnlySeenSamples) {
  auto buffer = make("reservoir", 10, 10);
  put_range(*buffer, 0, 10);
  const IdSet seen = id_set(buffer->get(4));
  ASSERT_EQ(seen.size(), 4u);

  // Four seen slots: four puts go through without blocking.
  auto puts = std::async(std::launch::async, [&] { put_range(*buffer, 10, 4); });
  CloseOnExit guard(*buffer);
  ASSERT_TRUE(completes(puts));
  BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.size, 10u);
  EXPECT_EQ(stats.evicted, 4u);
  EXPECT_EQ(stats.seen_histogram, (Histogram{{0, 10}, {1, 4}}));

  buffer->close();
  IdSet expected = range_set(0, 14);
  for (std::uint32_t id : seen) {
    expected.erase(id);
  }
  EXPECT_EQ(keys_of(drain(*buffer, 3)), expected);
}

TEST(BufferReservoir, PutBlocksWhenFullAndEverySampleIsUnseen) {
  auto buffer = make("reservoir", 3, 3);
  put_range(*buffer, 0, 3);
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(3)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(put));
  EXPECT_EQ(buffer->stats().puts, 3u);

  const IdSet served = id_set(buffer->get(1));
  ASSERT_TRUE(completes(put));
  EXPECT_TRUE(put.get());

  buffer->close();
  IdSet expected{0, 1, 2, 3};
  expected.erase(*served.begin());
  EXPECT_EQ(keys_of(drain(*buffer, 2)), expected);
}

TEST(BufferReservoir, DrainAfterCloseServesEachSampleOnceThenEmpty) {
  auto buffer = make("reservoir", 20, 5);
  put_range(*buffer, 0, 12);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(buffer->get(5).size(), 5u);
  }
  buffer->close();
  const std::map<std::uint32_t, int> served = drain(*buffer, 5);
  EXPECT_EQ(keys_of(served), range_set(0, 12));
  for (const auto& [id, count] : served) {
    EXPECT_EQ(count, 1) << "sample " << id;
  }
  EXPECT_TRUE(buffer->get(5).empty());
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.size, 0u);
  EXPECT_EQ(stats.evicted, 12u);
  EXPECT_EQ(stats.gets, 15u + 12u);
  EXPECT_EQ(histogram_total(stats), 12u);
}

TEST(BufferReservoir, SameSeedGivesSameDraws) {
  auto first = make("reservoir", 30, 30, 1, 42);
  auto second = make("reservoir", 30, 30, 1, 42);
  put_range(*first, 0, 30);
  put_range(*second, 0, 30);
  for (int round = 0; round < 5; ++round) {
    EXPECT_EQ(ids_of(first->get(7)), ids_of(second->get(7)));
    put_range(*first, 100 + round, 1);
    put_range(*second, 100 + round, 1);
  }
}

TEST(BufferReservoir, EvictionStaysFastOnLargeBuffers) {
  // 50,000 replacements in a 100,000-sample reservoir: a scan of the slots
  // per put would take seconds; the seen-slot index takes milliseconds.
  constexpr std::uint32_t kCapacity = 100'000;
  constexpr std::uint32_t kServed = 50'000;
  auto buffer = make("reservoir", kCapacity, kCapacity);
  put_range(*buffer, 0, kCapacity);
  const IdSet seen = id_set(buffer->get(kServed));
  ASSERT_EQ(seen.size(), kServed);

  const auto start = std::chrono::steady_clock::now();
  put_range(*buffer, kCapacity, kServed);  // every seen sample gets replaced
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(buffer->stats().evicted, kServed);

  // Every held sample is now unseen: the next put must wait.
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(0)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(put));
}

}  // namespace
}  // namespace apiary::server::testing
