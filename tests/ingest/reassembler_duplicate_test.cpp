// A slice received twice is a duplicate; a whole step received again (a
// restarted client replays its steps) is dropped and counted once.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ingest/ingest_test_support.hpp"
#include "server/ingest/reassembler.hpp"

namespace apiary::server::testing {
namespace {

using Outcome = Reassembler::Outcome;

TEST(ReassemblerDuplicate, RepeatedSliceIsADuplicateSlice) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(4)));
  const Message low_again(data_message({.rank = 0, .offset = 0}, ramp(4, 100)));
  const Message high(data_message({.rank = 1, .offset = 4}, ramp(4, 2)));

  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::duplicate_slice);
  EXPECT_EQ(reassembler.add(low_again.frame()), Outcome::duplicate_slice);
  EXPECT_EQ(reassembler.duplicate_slices(), 2u);
  EXPECT_EQ(reassembler.duplicate_steps(), 0u);
  // The first copy is kept: the duplicate neither completed nor changed the step.
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize));
}

TEST(ReassemblerDuplicate, ReplayedStepIsADuplicateStepCountedOnce) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.step = 2, .rank = 0, .offset = 0}, ramp(4)));
  const Message high(data_message({.step = 2, .rank = 1, .offset = 4}, ramp(4, 2)));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize));

  // The replay: both slices again, in the other order.
  EXPECT_EQ(reassembler.add(high.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::duplicate_step);
  EXPECT_TRUE(reassembler.take_field().empty());
  EXPECT_EQ(reassembler.duplicate_steps(), 1u);
  EXPECT_EQ(reassembler.duplicate_slices(), 0u);
  EXPECT_EQ(reassembler.steps_completed(0), 1u);
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

// A replay is dropped from its first slice: its values are never copied,
// converted or checked, so even a slice whose values could not enter
// training (NaN, a float64 beyond float32's range) is part of the dropped
// replay rather than a rejection, and the step is counted once when whole.
TEST(ReassemblerDuplicate, ReplayedSlicesAreDroppedUnread) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(4)));
  const Message high(data_message({.rank = 1, .offset = 4}, ramp(4, 2)));
  ASSERT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize));

  const Message nan_low(data_message({.rank = 0, .offset = 0}, std::vector<float>(4, std::nanf(""))));
  const Message huge_high(data_message({.rank = 1, .offset = 4}, std::vector<double>(4, 1e300)));
  EXPECT_EQ(reassembler.add(nan_low.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(huge_high.frame()), Outcome::duplicate_step);
  EXPECT_TRUE(reassembler.take_field().empty());
  EXPECT_EQ(reassembler.duplicate_steps(), 1u);
  EXPECT_EQ(reassembler.steps_completed(0), 1u);
  EXPECT_EQ(reassembler.pending_steps(), 0u);

  // The same slices for a step not completed before are rejected, as always.
  const Message nan_new(data_message({.step = 1, .rank = 0, .offset = 0}, std::vector<float>(4, std::nanf(""))));
  EXPECT_EQ(reassembler.add(nan_new.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), protocol::RejectReason::not_finite);
}

// A replay's slices are still checked against each other: they must tile
// the field, as the first time.
TEST(ReassemblerDuplicate, AReplayThatDoesNotTileTheFieldIsRejected) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(4)));
  const Message high(data_message({.rank = 1, .offset = 4}, ramp(4, 2)));
  ASSERT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);

  const Message overlapping(data_message({.rank = 1, .offset = 2}, ramp(6)));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(overlapping.frame()), Outcome::rejected);
  EXPECT_EQ(reassembler.reason(), protocol::RejectReason::inconsistent_ranks);
  EXPECT_EQ(reassembler.duplicate_steps(), 0u);
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

TEST(ReassemblerDuplicate, EveryReplayIsDroppedAgain) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, ramp(4)));
  const Message high(data_message({.rank = 1, .offset = 4}, ramp(4, 2)));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  for (int replay = 1; replay <= 3; ++replay) {
    SCOPED_TRACE(replay);
    EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
    EXPECT_EQ(reassembler.add(high.frame()), Outcome::duplicate_step);
    EXPECT_EQ(reassembler.duplicate_steps(), static_cast<std::uint64_t>(replay));
  }
  EXPECT_EQ(reassembler.steps_completed(0), 1u);
}

TEST(ReassemblerDuplicate, SameStepOfAnotherSimulationIsNotAReplay) {
  Reassembler reassembler(kSize, kSteps);
  for (std::uint32_t simulation : {0u, 1u}) {
    SCOPED_TRACE(simulation);
    const Message low(data_message({.simulation = simulation, .rank = 0, .offset = 0}, ramp(4)));
    const Message high(data_message({.simulation = simulation, .rank = 1, .offset = 4}, ramp(4, 2)));
    EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
    EXPECT_EQ(reassembler.add(high.frame()), Outcome::complete);
  }
  EXPECT_EQ(reassembler.duplicate_steps(), 0u);
}

}  // namespace
}  // namespace apiary::server::testing
