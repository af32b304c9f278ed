// Slices that cannot form a trustworthy step are rejected with their reason.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "ingest/ingest_test_support.hpp"
#include "server/ingest/reassembler.hpp"

namespace apiary::server::testing {
namespace {

using Outcome = Reassembler::Outcome;
using protocol::RejectReason;

TEST(ReassemblerReject, OverlappingSlicesAreInconsistent) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(5)));      // [0, 5)
  const Message high(data_message({.rank = 1, .offset = 3}, ramp(5, 9)));  // [3, 8)
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(high.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::inconsistent_ranks);
  EXPECT_FALSE(reassembler.step_completed(0, 0));
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

TEST(ReassemblerReject, OverlapThatCoversTheSizeExactlyIsInconsistent) {
  Reassembler reassembler(kSize, kSteps);
  const Message a(data_message({.rank = 0, .ranks = 3, .offset = 0}, ramp(4)));  // [0, 4)
  const Message b(data_message({.rank = 1, .ranks = 3, .offset = 2}, ramp(2)));  // [2, 4) again
  const Message c(data_message({.rank = 2, .ranks = 3, .offset = 6}, ramp(2)));  // [6, 8): [4, 6) missing
  EXPECT_EQ(reassembler.add(a.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(b.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(c.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::inconsistent_ranks);
  EXPECT_FALSE(reassembler.step_completed(0, 0));
}

TEST(ReassemblerReject, GappedSlicesFromEveryRankAreInconsistent) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(3)));      // [0, 3)
  const Message high(data_message({.rank = 1, .offset = 5}, ramp(3, 5)));  // [5, 8): [3, 5) never comes
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  // Both of the step's 2 ranks have sent their slice: the step can never be whole.
  EXPECT_EQ(reassembler.add(high.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::inconsistent_ranks);
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

TEST(ReassemblerReject, MismatchingClientRanksAreInconsistent) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .ranks = 2, .offset = 0}, ramp(4)));
  const Message high(data_message({.rank = 1, .ranks = 3, .offset = 4}, ramp(4, 2)));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(high.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::inconsistent_ranks);
  EXPECT_FALSE(reassembler.step_completed(0, 0));
}

TEST(ReassemblerReject, NotFiniteValuesAreRejected) {
  const std::vector<std::vector<float>> poisoned = {
      {0.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f, 2.0f},
      {std::numeric_limits<float>::infinity(), 0.0f, 0.0f, 0.0f},
      {0.0f, 0.0f, 0.0f, -std::numeric_limits<float>::infinity()},
  };
  for (const auto& values : poisoned) {
    SCOPED_TRACE(::testing::PrintToString(values));
    Reassembler reassembler(kSize, kSteps);
    const Message low(data_message({.rank = 0, .offset = 0}, values));
    EXPECT_EQ(reassembler.add(low.frame()), Outcome::rejected);
    EXPECT_EQ(reassembler.reason(), RejectReason::not_finite);
  }
}

// The values are copied and checked by blocks of 4096, each in chunks of 16
// then the rest one by one: a bad value anywhere in a long slice is found,
// and finite ones pass.
TEST(ReassemblerReject, NotFiniteValuesAreFoundAnywhereInALongSlice) {
  constexpr std::uint64_t kLong = 2 * 4096 + 37;  // two whole blocks, then two chunks and 5
  for (const std::size_t position : {0UL, 15UL, 16UL, 4095UL, 4096UL, 8191UL, 8192UL, 8223UL, 8224UL, 8228UL}) {
    SCOPED_TRACE(position);
    auto values = ramp(kLong);
    values[position] = std::numeric_limits<float>::quiet_NaN();
    Reassembler reassembler(kLong, kSteps);
    const Message whole(data_message({.rank = 0, .ranks = 1, .offset = 0, .global_size = kLong}, values));
    EXPECT_EQ(reassembler.add(whole.frame()), Outcome::rejected);
    EXPECT_EQ(reassembler.reason(), RejectReason::not_finite);
  }
  Reassembler reassembler(kLong, kSteps);
  const Message finite(data_message({.rank = 0, .ranks = 1, .offset = 0, .global_size = kLong}, ramp(kLong)));
  EXPECT_EQ(reassembler.add(finite.frame()), Outcome::complete);
}

TEST(ReassemblerReject, NotFiniteFloat64IsRejected) {
  Reassembler reassembler(kSize, kSteps);
  const Message good(data_message({.rank = 0, .offset = 0}, std::vector<double>{1, 2, 3, 4}));
  const Message bad(
      data_message({.rank = 1, .offset = 4}, std::vector<double>{5, 6, 7, std::numeric_limits<double>::quiet_NaN()}));
  EXPECT_EQ(reassembler.add(good.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(bad.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::not_finite);
  EXPECT_FALSE(reassembler.step_completed(0, 0));
}

// A finite float64 that float32 cannot hold would become infinity in
// training: it is rejected like one; the largest float32 passes.
TEST(ReassemblerReject, Float64BeyondFloat32RangeIsRejected) {
  for (const double huge : {1e300, -1e39, static_cast<double>(std::numeric_limits<float>::max()) * 2}) {
    SCOPED_TRACE(huge);
    Reassembler reassembler(kSize, kSteps);
    const Message bad(
        data_message({.rank = 0, .ranks = 1, .offset = 0}, std::vector<double>{1, huge, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(reassembler.add(bad.frame()), Outcome::rejected);
    EXPECT_EQ(reassembler.reason(), RejectReason::not_finite);
  }
  Reassembler reassembler(kSize, kSteps);
  const double largest = std::numeric_limits<float>::max();
  const Message edge(
      data_message({.rank = 0, .ranks = 1, .offset = 0}, std::vector<double>{largest, -largest, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(reassembler.add(edge.frame()), Outcome::complete);
}

TEST(ReassemblerReject, GlobalSizeOtherThanTheFieldSizeIsRejected) {
  Reassembler reassembler(kSize, kSteps);
  const Message small(data_message({.rank = 0, .offset = 0, .global_size = 4}, ramp(4)));
  const Message large(data_message({.rank = 0, .offset = 0, .global_size = 16}, ramp(4)));
  EXPECT_EQ(reassembler.add(small.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::field_size_mismatch);
  EXPECT_EQ(reassembler.add(large.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), RejectReason::field_size_mismatch);
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

TEST(ReassemblerReject, TimeStepBeyondTheStudyIsRejected) {
  Reassembler reassembler(kSize, kSteps);
  for (std::uint32_t step : {kSteps, kSteps + 1, std::numeric_limits<std::uint32_t>::max()}) {
    SCOPED_TRACE(step);
    const Message late(data_message({.step = step, .rank = 0, .offset = 0}, ramp(4)));
    EXPECT_EQ(reassembler.add(late.frame()), Outcome::rejected);
    EXPECT_EQ(reassembler.reason(), RejectReason::time_step_out_of_range);
  }
  EXPECT_EQ(reassembler.pending_steps(), 0u);
  const Message last(data_message({.step = kSteps - 1, .rank = 0, .offset = 0}, ramp(4)));
  EXPECT_EQ(reassembler.add(last.frame()), Outcome::partial);
}

}  // namespace
}  // namespace apiary::server::testing
