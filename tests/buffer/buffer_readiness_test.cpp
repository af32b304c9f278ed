// The non-blocking calls a data-parallel trainer and the receiver use:
// readiness(), try_get(), wait_until_servable() and has_room() must agree
// with what the blocking put() and get() would do.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "buffer_test_support.hpp"
#include "common/error.hpp"

namespace apiary::server::testing {
namespace {

using Ids = std::vector<std::uint32_t>;
using std::chrono::milliseconds;

class BufferReadinessAllKinds : public ::testing::TestWithParam<const char*> {
 protected:
  // Capacity 4, serving from 2 samples, FIRO removal after 2 serves.
  std::unique_ptr<TrainingBuffer> make_small() const { return make(GetParam(), 4, 2, 2); }
};

TEST_P(BufferReadinessAllKinds, EmptyOpenBufferCannotServeAndIsNotExhausted) {
  auto buffer = make_small();
  const BufferReadiness readiness = buffer->readiness(2);
  EXPECT_FALSE(readiness.can_serve);
  EXPECT_FALSE(readiness.closed);
  EXPECT_FALSE(readiness.full);
  EXPECT_FALSE(readiness.exhausted);
  EXPECT_EQ(readiness.size, 0u);
  EXPECT_TRUE(buffer->has_room());
  EXPECT_TRUE(buffer->try_get(2).empty());
  EXPECT_EQ(buffer->stats().gets, 0u);
}

TEST_P(BufferReadinessAllKinds, FullWithNothingServedIsFullAndServable) {
  auto buffer = make_small();
  put_range(*buffer, 0, 4);
  const BufferReadiness readiness = buffer->readiness(2);
  EXPECT_TRUE(readiness.full);
  EXPECT_FALSE(buffer->has_room());
  EXPECT_TRUE(readiness.can_serve);
  EXPECT_EQ(readiness.size, 4u);
  // What readiness promises, try_get delivers.
  EXPECT_EQ(buffer->try_get(2).size(), 2u);
}

TEST_P(BufferReadinessAllKinds, ClosingReleasesFullAndEndsInExhaustion) {
  auto buffer = make_small();
  put_range(*buffer, 0, 4);
  buffer->close();
  BufferReadiness readiness = buffer->readiness(3);
  EXPECT_TRUE(readiness.closed);
  EXPECT_FALSE(readiness.full);  // a put returns false at once
  EXPECT_TRUE(buffer->has_room());
  EXPECT_TRUE(readiness.can_serve);
  EXPECT_FALSE(readiness.exhausted);

  for (int batches = 0; !buffer->try_get(3).empty(); ++batches) {
    ASSERT_LT(batches, 100) << "the closed buffer never drained";
  }
  readiness = buffer->readiness(3);
  EXPECT_TRUE(readiness.exhausted);
  EXPECT_FALSE(readiness.can_serve);
  EXPECT_EQ(readiness.size, 0u);
  EXPECT_TRUE(buffer->wait_until_servable(3, milliseconds(0)));  // exhaustion needs no wait
}

TEST_P(BufferReadinessAllKinds, BatchSizeZeroIsRejected) {
  auto buffer = make_small();
  EXPECT_THROW(buffer->try_get(0), Error);
  EXPECT_THROW(buffer->readiness(0), Error);
  EXPECT_THROW(buffer->wait_until_servable(0, milliseconds(0)), Error);
}

TEST_P(BufferReadinessAllKinds, WaitUntilServableTimesOutOnAnEmptyOpenBuffer) {
  auto buffer = make_small();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(buffer->wait_until_servable(2, milliseconds(30)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(30));
}

TEST_P(BufferReadinessAllKinds, WaitUntilServableWakesOnThePutThatMakesABatch) {
  auto buffer = make_small();
  put_range(*buffer, 0, 1);
  auto wait = std::async(std::launch::async, [&] { return buffer->wait_until_servable(2, milliseconds(20'000)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(wait));
  put_range(*buffer, 1, 1);
  ASSERT_TRUE(completes(wait));
  EXPECT_TRUE(wait.get());
  EXPECT_TRUE(buffer->readiness(2).can_serve);
}

TEST_P(BufferReadinessAllKinds, WaitUntilServableWakesOnClose) {
  auto buffer = make_small();
  auto wait = std::async(std::launch::async, [&] { return buffer->wait_until_servable(2, milliseconds(20'000)); });
  CloseOnExit guard(*buffer);
  EXPECT_TRUE(is_blocked(wait));
  buffer->close();
  ASSERT_TRUE(completes(wait));
  EXPECT_TRUE(wait.get());  // exhausted: get() would return at once
}

TEST_P(BufferReadinessAllKinds, TryGetServesWhatGetWouldServe) {
  // Same seed, same puts: one buffer read with get(), the other with
  // try_get(), must serve the same samples in the same order.
  auto blocking = make(GetParam(), 6, 2, 2, 99);
  auto polling = make(GetParam(), 6, 2, 2, 99);
  std::uint32_t next = 0;
  for (int round = 0; round < 30; ++round) {
    while (blocking->has_room() && next < 60) {
      ASSERT_TRUE(polling->has_room());
      blocking->put(make_sample(next));
      polling->put(make_sample(next));
      ++next;
    }
    if (next == 60) {
      blocking->close();
      polling->close();
    }
    const std::vector<SamplePtr> expected = blocking->get(4);
    EXPECT_EQ(ids_of(polling->try_get(4)), ids_of(expected)) << "round " << round;
    if (expected.empty()) break;
  }
  EXPECT_EQ(blocking->stats().seen_histogram, polling->stats().seen_histogram);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, BufferReadinessAllKinds, ::testing::Values("fifo", "firo", "reservoir"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

TEST(BufferReadiness, FifoCanServeOnlyAFullBatch) {
  auto buffer = make("fifo", 10);
  put_range(*buffer, 0, 3);
  EXPECT_FALSE(buffer->readiness(4).can_serve);
  EXPECT_TRUE(buffer->try_get(4).empty());
  EXPECT_EQ(buffer->stats().size, 3u);  // a refused try_get takes nothing
  EXPECT_TRUE(buffer->readiness(3).can_serve);
  EXPECT_EQ(ids_of(buffer->try_get(3)), (Ids{0, 1, 2}));
}

TEST(BufferReadiness, WatermarkHoldsBackUntilReached) {
  for (const char* kind : {"firo", "reservoir"}) {
    SCOPED_TRACE(kind);
    auto buffer = make(kind, 10, 5);
    put_range(*buffer, 0, 4);
    EXPECT_FALSE(buffer->readiness(1).can_serve);
    EXPECT_TRUE(buffer->try_get(1).empty());
    put_range(*buffer, 4, 1);
    EXPECT_TRUE(buffer->readiness(1).can_serve);
    EXPECT_EQ(buffer->try_get(1).size(), 1u);
  }
}

TEST(BufferReadiness, ReservoirHasRoomOnceASampleWasSeen) {
  auto buffer = make("reservoir", 3, 3);
  put_range(*buffer, 0, 3);
  EXPECT_FALSE(buffer->has_room());  // full of unseen samples: a put would block
  EXPECT_TRUE(buffer->readiness(1).full);
  ASSERT_EQ(buffer->try_get(1).size(), 1u);
  EXPECT_TRUE(buffer->has_room());  // one seen sample to replace
  EXPECT_FALSE(buffer->readiness(1).full);
  auto put = std::async(std::launch::async, [&] { return buffer->put(make_sample(3)); });
  CloseOnExit guard(*buffer);
  ASSERT_TRUE(completes(put));
  EXPECT_TRUE(put.get());
  EXPECT_FALSE(buffer->has_room());
}

TEST(BufferReadiness, ReceiverThatChecksHasRoomNeverBlocksInPut) {
  // The receiver's pattern: put only when has_room(), else do other work
  // (here: yield); a trainer on another thread frees room. With one
  // producer, room seen stays room until that producer puts, so the puts
  // never wait and every sample gets through.
  auto buffer = make("firo", 4, 2, 1);
  auto trainer = std::async(std::launch::async, [&] { return drain(*buffer, 2); });
  CloseOnExit guard(*buffer);
  for (std::uint32_t next = 0; next < 300;) {
    if (buffer->has_room()) {
      ASSERT_TRUE(buffer->put(make_sample(next++)));
    } else {
      std::this_thread::yield();
    }
  }
  buffer->close();
  ASSERT_TRUE(completes(trainer));
  EXPECT_EQ(trainer.get().size(), 300u);
}

}  // namespace
}  // namespace apiary::server::testing
