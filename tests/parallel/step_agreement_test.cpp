// The rule by which the server's ranks decide, each round, to step, wait
// or stop (src/server/parallel/step_agreement.hpp).
#include "server/parallel/step_agreement.hpp"

#include <gtest/gtest.h>

namespace apiary::server {
namespace {

ReadinessSums sums(std::int64_t ranks, std::int64_t samples, std::int64_t waiting, std::int64_t full,
                   std::int64_t exhausted, std::int64_t out_of_time = 0) {
  return {ranks, samples, waiting, full, exhausted, out_of_time};
}

TEST(StepAgreement, StepsWhenEveryRankHoldsABatch) {
  const auto agreement = decide(sums(2, 128, 0, 0, 0));
  EXPECT_EQ(agreement.decision, StepDecision::step);
  EXPECT_EQ(agreement.total_samples, 128u);
}

TEST(StepAgreement, WaitsWhileOneRankStillExpectsData) {
  EXPECT_EQ(decide(sums(2, 64, 1, 0, 0)).decision, StepDecision::wait);
}

TEST(StepAgreement, StepsWithoutTheWaitingRankWhenAnotherBufferIsFull) {
  // A full buffer blocks its clients, which may be the ones that would feed
  // the waiting rank: waiting could deadlock.
  const auto agreement = decide(sums(2, 64, 1, 1, 0));
  EXPECT_EQ(agreement.decision, StepDecision::step);
  EXPECT_EQ(agreement.total_samples, 64u);
}

TEST(StepAgreement, RanksWhoseStreamEndedDoNotHoldTheOthersBack) {
  // One rank drained its buffer after its stream ended; the other trains on.
  const auto agreement = decide(sums(2, 64, 0, 0, 1));
  EXPECT_EQ(agreement.decision, StepDecision::step);
  EXPECT_EQ(agreement.total_samples, 64u);
}

TEST(StepAgreement, StopsOnlyWhenEveryRankIsExhausted) {
  EXPECT_EQ(decide(sums(3, 0, 0, 0, 3)).decision, StepDecision::stop);
  EXPECT_EQ(decide(sums(3, 0, 1, 0, 2)).decision, StepDecision::wait);
}

TEST(StepAgreement, NeverStepsOnAnEmptyGlobalBatch) {
  EXPECT_EQ(decide(sums(2, 0, 0, 0, 1)).decision, StepDecision::wait);
  EXPECT_EQ(decide(sums(2, 0, 2, 0, 0)).decision, StepDecision::wait);
}

TEST(StepAgreement, OneRankOutOfTimeStopsEveryRank) {
  // training.max_seconds: each rank reads its own clock; the first one past
  // the limit stops all of them in the same round, whatever they hold.
  EXPECT_EQ(decide(sums(2, 128, 0, 0, 0, 1)).decision, StepDecision::stop);
  EXPECT_EQ(decide(sums(2, 0, 2, 0, 0, 2)).decision, StepDecision::stop);
  EXPECT_EQ(decide(sums(1, 10, 0, 0, 0, 1)).decision, StepDecision::stop);
}

TEST(StepAgreement, ASingleRankStepsOnItsOwnBatch) {
  EXPECT_EQ(decide(sums(1, 10, 0, 0, 0)).decision, StepDecision::step);
  EXPECT_EQ(decide(sums(1, 0, 1, 0, 0)).decision, StepDecision::wait);
  EXPECT_EQ(decide(sums(1, 0, 0, 0, 1)).decision, StepDecision::stop);
}

}  // namespace
}  // namespace apiary::server
