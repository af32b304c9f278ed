// A time step is rebuilt from the slices of a client's ranks, in any order,
// and converted to float32.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ingest/ingest_test_support.hpp"
#include "server/ingest/reassembler.hpp"

namespace apiary::server::testing {
namespace {

using Outcome = Reassembler::Outcome;

TEST(ReassemblerAssembly, TwoRanksInOrderGiveTheWholeField) {
  Reassembler reassembler(kSize, kSteps);
  const auto field = ramp(kSize);
  const Message low(
      data_message({.step = 1, .rank = 0, .offset = 0}, std::vector<float>(field.begin(), field.begin() + 4)));
  const Message high(
      data_message({.step = 1, .rank = 1, .offset = 4}, std::vector<float>(field.begin() + 4, field.end())));

  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_FALSE(reassembler.step_completed(0, 1));
  EXPECT_EQ(reassembler.add(high.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), field);
  EXPECT_TRUE(reassembler.step_completed(0, 1));
  EXPECT_EQ(reassembler.steps_completed(0), 1u);
  EXPECT_EQ(reassembler.pending_steps(), 0u);
}

TEST(ReassemblerAssembly, TwoRanksInReverseOrderGiveTheWholeField) {
  Reassembler reassembler(kSize, kSteps);
  const auto field = ramp(kSize, -3.0f);
  const Message low(data_message({.rank = 0, .offset = 0}, std::vector<float>(field.begin(), field.begin() + 4)));
  const Message high(data_message({.rank = 1, .offset = 4}, std::vector<float>(field.begin() + 4, field.end())));

  EXPECT_EQ(reassembler.add(high.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), field);
}

TEST(ReassemblerAssembly, UnevenSlicesTileTheField) {
  Reassembler reassembler(kSize, kSteps);
  const auto field = ramp(kSize, 1.0f);
  const Message a(
      data_message({.rank = 0, .ranks = 3, .offset = 0}, std::vector<float>(field.begin(), field.begin() + 1)));
  const Message b(
      data_message({.rank = 1, .ranks = 3, .offset = 1}, std::vector<float>(field.begin() + 1, field.begin() + 6)));
  const Message c(
      data_message({.rank = 2, .ranks = 3, .offset = 6}, std::vector<float>(field.begin() + 6, field.end())));
  EXPECT_EQ(reassembler.add(b.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(c.frame()), Outcome::partial);
  EXPECT_EQ(reassembler.add(a.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), field);
}

TEST(ReassemblerAssembly, Float64IsConvertedToFloat32Exactly) {
  Reassembler reassembler(kSize, kSteps);
  const std::vector<double> low = {0.0, -1.5, 1e-3, 3.0e38, -0.0, 0.25, 1024.0, 1.0 / 3.0};
  // 1e-3 and 1/3 are not float32 values: they are converted like static_cast<float> does: nearest float32.
  const Message first(data_message({.rank = 0, .offset = 0}, std::vector<double>(low.begin(), low.begin() + 4)));
  const Message second(data_message({.rank = 1, .offset = 4}, std::vector<double>(low.begin() + 4, low.end())));
  EXPECT_EQ(reassembler.add(first.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(second.frame()), Outcome::complete);
  const auto field = reassembler.take_field();
  ASSERT_EQ(field.size(), kSize);
  for (std::size_t i = 0; i < kSize; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(field[i], static_cast<float>(low[i]));
  }
  EXPECT_EQ(field[1], -1.5f);
  EXPECT_EQ(field[3], 3.0e38f);
  EXPECT_TRUE(std::signbit(field[4]));
  EXPECT_EQ(field[6], 1024.0f);
}

TEST(ReassemblerAssembly, Float32IsPassedThroughBitForBit) {
  Reassembler reassembler(kSize, kSteps);
  const std::vector<float> field = {std::numeric_limits<float>::denorm_min(),
                                    std::numeric_limits<float>::max(),
                                    -std::numeric_limits<float>::min(),
                                    0.1f,
                                    -0.0f,
                                    3.14159f,
                                    1e-30f,
                                    7.0f};
  const Message low(data_message({.rank = 0, .offset = 0}, std::vector<float>(field.begin(), field.begin() + 4)));
  const Message high(data_message({.rank = 1, .offset = 4}, std::vector<float>(field.begin() + 4, field.end())));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  const auto got = reassembler.take_field();
  EXPECT_EQ(to_bytes(got), to_bytes(field));
}

TEST(ReassemblerAssembly, MixedDTypesAcrossRanksAreAssembled) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.rank = 0, .offset = 0}, std::vector<double>{1.0, 2.0, 3.0, 4.0}));
  const Message high(data_message({.rank = 1, .offset = 4}, std::vector<float>{5.0f, 6.0f, 7.0f, 8.0f}));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  ASSERT_EQ(reassembler.add(high.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ReassemblerAssembly, PartialStepIsNotComplete) {
  Reassembler reassembler(kSize, kSteps);
  const Message low(data_message({.simulation = 4, .step = 2, .rank = 0, .offset = 0}, ramp(4)));
  EXPECT_EQ(reassembler.add(low.frame()), Outcome::partial);
  EXPECT_FALSE(reassembler.step_completed(4, 2));
  EXPECT_EQ(reassembler.steps_completed(4), 0u);
  EXPECT_EQ(reassembler.pending_steps(), 1u);
  EXPECT_TRUE(reassembler.take_field().empty());
}

TEST(ReassemblerAssembly, StepsAndSimulationsAreKeptApart) {
  Reassembler reassembler(kSize, kSteps);
  // Rank 0 of (sim 0, step 0), (sim 0, step 1) and (sim 1, step 0), then rank 1 of each.
  const Message a0(data_message({.simulation = 0, .step = 0, .rank = 0, .offset = 0}, ramp(4, 0)));
  const Message b0(data_message({.simulation = 0, .step = 1, .rank = 0, .offset = 0}, ramp(4, 10)));
  const Message c0(data_message({.simulation = 1, .step = 0, .rank = 0, .offset = 0}, ramp(4, 20)));
  const Message a1(data_message({.simulation = 0, .step = 0, .rank = 1, .offset = 4}, ramp(4, 2)));
  const Message b1(data_message({.simulation = 0, .step = 1, .rank = 1, .offset = 4}, ramp(4, 12)));
  const Message c1(data_message({.simulation = 1, .step = 0, .rank = 1, .offset = 4}, ramp(4, 22)));
  for (const Message* m : {&a0, &b0, &c0}) EXPECT_EQ(reassembler.add(m->frame()), Outcome::partial);
  EXPECT_EQ(reassembler.pending_steps(), 3u);
  ASSERT_EQ(reassembler.add(b1.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize, 10));
  ASSERT_EQ(reassembler.add(c1.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize, 20));
  ASSERT_EQ(reassembler.add(a1.frame()), Outcome::complete);
  EXPECT_EQ(reassembler.take_field(), ramp(kSize, 0));
  EXPECT_EQ(reassembler.steps_completed(0), 2u);
  EXPECT_EQ(reassembler.steps_completed(1), 1u);
  EXPECT_FALSE(reassembler.step_completed(1, 1));
}

}  // namespace
}  // namespace apiary::server::testing
