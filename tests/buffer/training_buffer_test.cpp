// What every policy shares through the TrainingBuffer base: closing, the
// argument checks and the seen histogram.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>

#include "buffer_test_support.hpp"
#include "common/error.hpp"

namespace apiary::server::testing {
namespace {

class BufferCommon : public ::testing::TestWithParam<const char*> {
 protected:
  // Capacity 4, serving from 2 samples, FIRO removal after 2 serves.
  std::unique_ptr<TrainingBuffer> make_small() const { return make(GetParam(), 4, 2, 2); }
};

TEST_P(BufferCommon, CloseReleasesABlockedGetWithAnEmptyBatch) {
  auto buffer = make_small();
  auto get = std::async(std::launch::async, [&] { return buffer->get(3); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(get));
  buffer->close();
  ASSERT_TRUE(completes(get));
  EXPECT_TRUE(get.get().empty());
  EXPECT_TRUE(buffer->stats().closed);
}

TEST_P(BufferCommon, CloseReleasesABlockedPutWithFalse) {
  auto buffer = make_small();
  put_range(*buffer, 0, 4);
  // A full buffer with nothing served blocks put in every policy.
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(4)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(put));
  buffer->close();
  ASSERT_TRUE(completes(put));
  EXPECT_FALSE(put.get());
  EXPECT_EQ(buffer->stats().puts, 4u);
}

TEST_P(BufferCommon, PutAfterCloseIsRefused) {
  auto buffer = make_small();
  buffer->close();
  EXPECT_FALSE(buffer->put(make_sample(0)));
  EXPECT_EQ(buffer->stats().puts, 0u);
  EXPECT_TRUE(buffer->get(1).empty());
}

TEST_P(BufferCommon, RejectsAZeroBatchAndANullSample) {
  auto buffer = make_small();
  EXPECT_THROW(buffer->get(0), Error);
  EXPECT_THROW(buffer->put(nullptr), Error);
}

TEST_P(BufferCommon, SeenHistogramCountsEverySampleHeldOrGone) {
  auto buffer = make_small();
  // Single-threaded, so a put must never block: the reservoir always has room
  // after a get (a seen sample to replace), the others only below capacity.
  const bool replaces = std::string(GetParam()) == "reservoir";
  put_range(*buffer, 0, 4);
  for (std::uint32_t next = 4; next < 40;) {
    ASSERT_FALSE(buffer->get(2).empty());
    if (replaces) {
      put_range(*buffer, next++, 1);
    }
    while (!replaces && next < 40 && buffer->stats().size < buffer->capacity()) {
      put_range(*buffer, next++, 1);
    }
    const BufferStats stats = buffer->stats();
    EXPECT_EQ(histogram_total(stats), stats.puts);
    EXPECT_EQ(stats.size + stats.evicted, stats.puts);
  }
  buffer->close();
  drain(*buffer, 3);
  const BufferStats stats = buffer->stats();
  EXPECT_EQ(stats.size, 0u);
  EXPECT_EQ(stats.evicted, 40u);
  EXPECT_EQ(histogram_total(stats), 40u);
}

TEST_P(BufferCommon, WaitingConsumersAllLearnOfExhaustion) {
  auto buffer = make_small();
  std::thread producer([&] {
    put_range(*buffer, 0, 200);
    buffer->close();
  });
  auto first = std::async(std::launch::async, [&] { return drain(*buffer, 3); });
  auto second = std::async(std::launch::async, [&] { return drain(*buffer, 2); });
  producer.join();
  ASSERT_TRUE(completes(first));
  ASSERT_TRUE(completes(second));
  std::map<std::uint32_t, int> served = first.get();
  for (const auto& [id, count] : second.get()) {
    served[id] += count;
  }
  EXPECT_EQ(served.size(), 200u);  // every sample reached training
}

INSTANTIATE_TEST_SUITE_P(AllKinds, BufferCommon, ::testing::Values("fifo", "firo", "reservoir"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

}  // namespace
}  // namespace apiary::server::testing
