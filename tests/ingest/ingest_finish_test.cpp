// The study is over for the server once the launcher said so (study_end)
// and every simulation it listed has ended on all its ranks.
#include <gtest/gtest.h>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

using protocol::MessageType;

TEST_F(IngestTest, StudyEndIsAcknowledged) {
  const Message reply(ingest_.handle_control(study_end_message({0, 1})));
  EXPECT_EQ(reply.frame().header.type, MessageType::ack);
  EXPECT_TRUE(ingest_.study_ended());
}

TEST_F(IngestTest, NotFinishedBeforeStudyEnd) {
  EXPECT_FALSE(ingest_.finished());
  ingest_.handle_data(end_message(0, 0, 2, kSteps));
  ingest_.handle_data(end_message(0, 1, 2, kSteps));
  EXPECT_FALSE(ingest_.finished());
  (void)ingest_.handle_control(study_end_message({0}));
  EXPECT_TRUE(ingest_.finished());
}

TEST_F(IngestTest, NotFinishedUntilEveryRankOfEveryListedSimulationEnded) {
  (void)ingest_.handle_control(study_end_message({0, 1}));
  EXPECT_TRUE(ingest_.study_ended());
  EXPECT_FALSE(ingest_.finished());

  ingest_.handle_data(end_message(0, 0, 2, kSteps));
  ingest_.handle_data(end_message(0, 1, 2, kSteps));
  EXPECT_FALSE(ingest_.finished()) << "simulation 1 has not ended";

  ingest_.handle_data(end_message(1, 1, 2, kSteps));
  ingest_.handle_data(end_message(1, 1, 2, kSteps));  // the same rank twice is still one rank
  EXPECT_FALSE(ingest_.finished()) << "rank 0 of simulation 1 has not ended";

  ingest_.handle_data(end_message(1, 0, 2, kSteps));
  EXPECT_TRUE(ingest_.finished());
}

TEST_F(IngestTest, UnlistedSimulationsAreNotAwaited) {
  (void)ingest_.handle_control(study_end_message({2}));
  ingest_.handle_data(end_message(2, 0, 1, kSteps));
  EXPECT_TRUE(ingest_.finished()) << "simulations 0 and 1 were not reported complete";
}

TEST_F(IngestTest, EmptyStudyEndFinishesAtOnce) {
  (void)ingest_.handle_control(study_end_message({}));
  EXPECT_TRUE(ingest_.finished());
}

TEST_F(IngestTest, EndOfAnUnknownSimulationOrFieldDoesNotCount) {
  (void)ingest_.handle_control(study_end_message({0}));
  ingest_.handle_data(end_message(0, 0, 1, kSteps, "pressure"));
  EXPECT_FALSE(ingest_.finished());
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_field), 1u);
  ingest_.handle_data(end_message(7, 0, 1, kSteps));
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_simulation), 1u);
  EXPECT_FALSE(ingest_.finished());
}

TEST_F(IngestTest, PartialStepsOfAnEndedSimulationAreDropped) {
  // Rank 1's slice of step 2 never came (rejected, or lost with a crash):
  // once both ranks ended, the half step can never complete.
  ingest_.handle_data(data_message({.simulation = 0, .step = 2, .rank = 0, .offset = 0}, ramp(4)));
  ingest_.handle_data(data_message({.simulation = 1, .step = 2, .rank = 0, .offset = 0}, ramp(4)));
  EXPECT_EQ(ingest_.pending_steps(), 2u);
  ingest_.handle_data(end_message(0, 0, 2, kSteps));
  EXPECT_EQ(ingest_.pending_steps(), 2u) << "rank 1 of simulation 0 may still send";
  ingest_.handle_data(end_message(0, 1, 2, kSteps));
  EXPECT_EQ(ingest_.pending_steps(), 1u) << "only simulation 1's partial step is left";
  EXPECT_EQ(ingest_.counters().incomplete_steps_dropped.load(), 1u);
  EXPECT_TRUE(samples_.empty());
}

}  // namespace
}  // namespace apiary::server::testing
