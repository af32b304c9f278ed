#include "server/buffer/latency_window.hpp"

#include <gtest/gtest.h>

namespace apiary::server {
namespace {

TEST(BufferLatencyWindow, EmptyWindowSummarisesToZeros) {
  const LatencyWindow window;
  EXPECT_EQ(window.summary().median, 0.0);
  EXPECT_EQ(window.summary().p99, 0.0);
  EXPECT_EQ(window.calls(), 0u);
}

TEST(BufferLatencyWindow, NearestRankPercentilesOfASmallWindow) {
  LatencyWindow window;
  for (double seconds : {0.4, 0.1, 0.3, 0.2}) {
    window.record(seconds);
  }
  EXPECT_EQ(window.summary().median, 0.2);  // the 2nd of 4
  EXPECT_EQ(window.summary().p99, 0.4);     // the 4th of 4
  EXPECT_EQ(window.calls(), 4u);
}

TEST(BufferLatencyWindow, BeyondTheBoundPercentilesStillDescribeTheWholeWindow) {
  // 100,000 calls, 1 ms to 100 ms in order: a window keeping only the last
  // calls would report a median near 98 ms; the uniform sample, near 50 ms.
  LatencyWindow window;
  constexpr int kCalls = 100'000;
  for (int call = 1; call <= kCalls; ++call) {
    window.record(call * 1e-6);
  }
  EXPECT_EQ(window.calls(), static_cast<std::uint64_t>(kCalls));
  EXPECT_NEAR(window.summary().median, 0.050, 0.005);
  EXPECT_NEAR(window.summary().p99, 0.099, 0.001);
}

TEST(BufferLatencyWindow, ResetStartsAnEmptyWindow) {
  LatencyWindow window;
  window.record(1.0);
  window.reset();
  EXPECT_EQ(window.calls(), 0u);
  EXPECT_EQ(window.summary().p99, 0.0);
  window.record(0.5);
  EXPECT_EQ(window.summary().median, 0.5);
}

}  // namespace
}  // namespace apiary::server
