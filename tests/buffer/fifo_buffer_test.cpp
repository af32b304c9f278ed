#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "buffer_test_support.hpp"

namespace apiary::server::testing {
namespace {

using Ids = std::vector<std::uint32_t>;

TEST(BufferFifo, ServesInArrivalOrderEachSampleOnce) {
  auto buffer = make("fifo", 10);
  put_range(*buffer, 0, 10);
  EXPECT_EQ(ids_of(buffer->get(4)), (Ids{0, 1, 2, 3}));
  EXPECT_EQ(ids_of(buffer->get(4)), (Ids{4, 5, 6, 7}));
  EXPECT_EQ(buffer->stats().size, 2u);
  buffer->close();
  EXPECT_EQ(ids_of(buffer->get(4)), (Ids{8, 9}));  // closed: the remainder, a short batch
  EXPECT_TRUE(buffer->get(4).empty());

  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.puts, 10u);
  EXPECT_EQ(stats.gets, 10u);
  EXPECT_EQ(stats.evicted, 10u);
  EXPECT_EQ(stats.seen_histogram, (std::map<std::uint32_t, std::uint64_t>{{1, 10}}));
}

TEST(BufferFifo, GetWaitsForAFullBatch) {
  auto buffer = make("fifo", 10);
  put_range(*buffer, 0, 3);
  auto get = std::async(std::launch::async, [&] { return buffer->get(4); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(get));
  put_range(*buffer, 3, 1);
  ASSERT_TRUE(completes(get));
  EXPECT_EQ(ids_of(get.get()), (Ids{0, 1, 2, 3}));
}

TEST(BufferFifo, PutBlocksWhenFullUntilAGet) {
  auto buffer = make("fifo", 2);
  put_range(*buffer, 0, 2);
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(2)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(put));
  EXPECT_EQ(buffer->stats().puts, 2u);

  EXPECT_EQ(ids_of(buffer->get(1)), (Ids{0}));
  ASSERT_TRUE(completes(put));
  EXPECT_TRUE(put.get());
  EXPECT_EQ(ids_of(buffer->get(2)), (Ids{1, 2}));
}

TEST(BufferFifo, BatchLargerThanCapacityIsServedAtCapacity) {
  // Waiting for a batch that cannot fit would deadlock with reception.
  auto buffer = make("fifo", 3);
  put_range(*buffer, 0, 3);
  auto get = std::async(std::launch::async, [&] { return buffer->get(8); });
  CloseOnExit guard(*buffer);
  ASSERT_TRUE(completes(get));
  EXPECT_EQ(ids_of(get.get()), (Ids{0, 1, 2}));
}

TEST(BufferFifo, ConcurrentProducersAndConsumersServeEachSampleOnce) {
  constexpr std::uint32_t kProducers = 4;
  constexpr std::uint32_t kPerProducer = 500;
  auto buffer = make("fifo", 16);
  std::vector<std::thread> producers;
  for (std::uint32_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] { put_range(*buffer, p * kPerProducer, kPerProducer); });
  }
  auto first = std::async(std::launch::async, [&] { return drain(*buffer, 7); });
  auto second = std::async(std::launch::async, [&] { return drain(*buffer, 5); });
  for (std::thread& producer : producers) {
    producer.join();
  }
  buffer->close();
  ASSERT_TRUE(completes(first));
  ASSERT_TRUE(completes(second));

  std::map<std::uint32_t, int> served = first.get();
  for (const auto& [id, count] : second.get()) {
    served[id] += count;
  }
  ASSERT_EQ(served.size(), kProducers * kPerProducer);
  for (const auto& [id, count] : served) {
    EXPECT_EQ(count, 1) << "sample " << id;
  }
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.gets, kProducers * kPerProducer);
  EXPECT_EQ(histogram_total(stats), stats.puts);
}

}  // namespace
}  // namespace apiary::server::testing
