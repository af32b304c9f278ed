// What BufferStats reports beyond the counters: occupancy, the put/get
// window (counts and latency percentiles) and the moments of the inputs
// of the samples held.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "buffer_test_support.hpp"

namespace apiary::server::testing {
namespace {

// Long enough to stand out from any uncontended call; the assertions only
// use its lower bound, so a slow machine cannot fail them.
constexpr std::chrono::milliseconds kControlledWait{60};
constexpr double kWaitedAtLeast = 0.04;  // seconds

// One get() of one sample that waits kControlledWait for the put feeding it.
void get_one_that_waits_for_a_put(TrainingBuffer& buffer) {
  auto get = std::async(std::launch::async, [&] { return buffer.get(1); });
  std::this_thread::sleep_for(kControlledWait);
  put_range(buffer, 0, 1);
  if (!completes(get)) buffer.close();  // releases the get: the future must not block the test
  ASSERT_EQ(get.get().size(), 1u);
}

TEST(BufferStats, OccupancyIsSizeOverCapacity) {
  auto buffer = make("fifo", 4);
  EXPECT_DOUBLE_EQ(buffer->stats().occupancy, 0.0);
  put_range(*buffer, 0, 3);
  EXPECT_DOUBLE_EQ(buffer->stats().occupancy, 0.75);
}

TEST(BufferStats, WindowCountsResetOnlyWhenTaken) {
  auto buffer = make("fifo", 10);
  put_range(*buffer, 0, 5);
  ASSERT_EQ(buffer->get(2).size(), 2u);
  for (int twice = 0; twice < 2; ++twice) {  // stats() must not reset the window
    const BufferStats stats = buffer->stats();
    EXPECT_EQ(stats.puts_in_window, 5u);
    EXPECT_EQ(stats.gets_in_window, 2u);
  }
  const BufferStats taken = buffer->take_window_stats();
  EXPECT_EQ(taken.puts_in_window, 5u);
  EXPECT_EQ(taken.gets_in_window, 2u);

  put_range(*buffer, 5, 1);
  ASSERT_EQ(buffer->get(3).size(), 3u);
  const BufferStats next = buffer->take_window_stats();
  EXPECT_EQ(next.puts_in_window, 1u);
  EXPECT_EQ(next.gets_in_window, 3u);
  // The totals do not reset: put_get_inc stays puts - gets.
  EXPECT_EQ(next.puts, 6u);
  EXPECT_EQ(next.gets, 5u);
}

TEST(BufferStats, LatencyWindowsResetWhenTaken) {
  auto buffer = make("fifo", 10);
  put_range(*buffer, 0, 4);
  ASSERT_EQ(buffer->get(2).size(), 2u);
  const BufferStats before = buffer->take_window_stats();
  EXPECT_GT(before.put_latency.p99, 0.0);
  EXPECT_GT(before.get_latency.p99, 0.0);

  const BufferStats after = buffer->stats();
  EXPECT_EQ(after.put_latency.median, 0.0);
  EXPECT_EQ(after.put_latency.p99, 0.0);
  EXPECT_EQ(after.get_latency.median, 0.0);
  EXPECT_EQ(after.get_latency.p99, 0.0);
  EXPECT_EQ(after.puts_in_window, 0u);
  EXPECT_EQ(after.gets_in_window, 0u);
}

TEST(BufferStats, GetLatencyIncludesTheWaitForData) {
  auto buffer = make("fifo", 10);
  ASSERT_NO_FATAL_FAILURE(get_one_that_waits_for_a_put(*buffer));
  const BufferStats stats = buffer->stats();
  EXPECT_GE(stats.get_latency.p99, kWaitedAtLeast);
  EXPECT_GE(stats.get_latency.median, kWaitedAtLeast);  // the only get of the window
  EXPECT_LE(stats.get_latency.median, stats.get_latency.p99);
}

TEST(BufferStats, PutLatencyIncludesTheWaitForRoom) {
  auto buffer = make("fifo", 1);
  put_range(*buffer, 0, 1);
  buffer->take_window_stats();  // keep only the put that waits
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(1)); });
  CloseOnExit guard(*buffer);
  std::this_thread::sleep_for(kControlledWait);
  ASSERT_EQ(buffer->get(1).size(), 1u);
  ASSERT_TRUE(completes(put));
  ASSERT_TRUE(put.get());
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.puts_in_window, 1u);
  EXPECT_GE(stats.put_latency.p99, kWaitedAtLeast);
  EXPECT_GE(stats.put_latency.median, kWaitedAtLeast);
}

TEST(BufferStats, EmptyTryGetsAndRefusedPutsAreNotCounted) {
  auto buffer = make("fifo", 10);
  ASSERT_NO_FATAL_FAILURE(get_one_that_waits_for_a_put(*buffer));
  // 200 instant, empty try_gets: counted, they would pull the median to ~0.
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(buffer->try_get(1).empty());
  }
  buffer->close();
  EXPECT_FALSE(buffer->put(make_sample(1)));
  EXPECT_TRUE(buffer->get(1).empty());  // exhausted: no batch, not a get either
  const BufferStats stats = buffer->stats();
  EXPECT_GE(stats.get_latency.median, kWaitedAtLeast);
  EXPECT_EQ(stats.gets_in_window, 1u);
  EXPECT_EQ(stats.puts_in_window, 1u);
}

class BufferInputMoments : public ::testing::TestWithParam<const char*> {};

TEST_P(BufferInputMoments, MeanAndStdOfTheSamplesHeld) {
  auto buffer = make(GetParam(), 8, 4, 3);
  EXPECT_TRUE(buffer->stats().input_mean.empty());
  EXPECT_TRUE(buffer->stats().input_std.empty());
  // Inputs: two parameters, then the time-step index.
  buffer->put(make_sample(0, {1.0F, -2.0F, 0.0F}));
  buffer->put(make_sample(1, {3.0F, -2.0F, 1.0F}));
  buffer->put(make_sample(2, {5.0F, 2.0F, 2.0F}));
  buffer->put(make_sample(3, {7.0F, 2.0F, 3.0F}));

  const BufferStats stats = buffer->stats();
  ASSERT_EQ(stats.input_mean.size(), 3u);
  ASSERT_EQ(stats.input_std.size(), 3u);
  EXPECT_DOUBLE_EQ(stats.input_mean[0], 4.0);
  EXPECT_DOUBLE_EQ(stats.input_mean[1], 0.0);
  EXPECT_DOUBLE_EQ(stats.input_mean[2], 1.5);
  // Population deviations: sqrt(20 / 4), sqrt(16 / 4), sqrt(5 / 4).
  EXPECT_DOUBLE_EQ(stats.input_std[0], std::sqrt(5.0));
  EXPECT_DOUBLE_EQ(stats.input_std[1], 2.0);
  EXPECT_DOUBLE_EQ(stats.input_std[2], std::sqrt(1.25));

  // Drained: nothing held, nothing to describe.
  buffer->close();
  drain(*buffer, 4);
  EXPECT_TRUE(buffer->stats().input_mean.empty());
  EXPECT_TRUE(buffer->stats().input_std.empty());
}

INSTANTIATE_TEST_SUITE_P(AllKinds, BufferInputMoments, ::testing::Values("fifo", "firo", "reservoir"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

TEST(BufferInputMoments, DescribeOnlyTheSamplesStillHeld) {
  auto buffer = make("fifo", 8);
  buffer->put(make_sample(0, {100.0F}));
  buffer->put(make_sample(1, {200.0F}));
  buffer->put(make_sample(2, {1.0F}));
  buffer->put(make_sample(3, {3.0F}));
  ASSERT_EQ(ids_of(buffer->get(2)), (std::vector<std::uint32_t>{0, 1}));  // FIFO serves them out
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.input_mean, (std::vector<double>{2.0}));
  EXPECT_EQ(stats.input_std, (std::vector<double>{1.0}));
}

}  // namespace
}  // namespace apiary::server::testing
