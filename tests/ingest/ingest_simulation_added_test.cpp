// simulation_added: the launcher adds a redrawn simulation to the plan while
// the study runs. Its data are then accepted with the parameters the
// launcher sent as inputs; a conflicting addition is refused, and the same
// addition again is acknowledged (the launcher may retry).
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

using protocol::AddedRole;
using protocol::MessageType;

std::vector<std::byte> added(std::uint32_t id, AddedRole role, const std::vector<double>& parameters) {
  return protocol::encode_simulation_added(id, role, parameters);
}

TEST_F(IngestTest, DataOfAnAddedSimulationIsRejectedBeforeAndTrainedOnAfter) {
  send_step(61, 0);
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_simulation), 2u);

  const Message reply(ingest_.handle_control(added(61, AddedRole::training, {4.0, -0.5})));
  EXPECT_EQ(reply.frame().header.type, MessageType::ack);
  const Message welcome(ingest_.handle_control(hello_message(61, kSize)));
  EXPECT_EQ(welcome.frame().header.type, MessageType::welcome);
  send_step(61, 1);

  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().second, plan::Role::training);
  EXPECT_EQ(samples_.front().first->simulation_id, 61u);
  EXPECT_EQ(samples_.front().first->inputs, (std::vector<float>{4.0f, -0.5f, 1.0f}));
  EXPECT_EQ(ingest_.counters().training_samples.load(), 1u);
}

TEST_F(IngestTest, AnAddedValidationSimulationGivesValidationSamples) {
  (void)ingest_.handle_control(added(9, AddedRole::validation, {1.0, 2.0}));
  send_step(9, 0);
  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().second, plan::Role::validation);
  EXPECT_EQ(ingest_.counters().validation_samples.load(), 1u);
}

TEST_F(IngestTest, AddingTheSameSimulationAgainIsAcknowledged) {
  (void)ingest_.handle_control(added(61, AddedRole::training, {4.0, -0.5}));
  const Message again(ingest_.handle_control(added(61, AddedRole::training, {4.0, -0.5})));
  EXPECT_EQ(again.frame().header.type, MessageType::ack);
  // A planned simulation added again as it is planned: acknowledged too.
  const Message planned(ingest_.handle_control(added(1, AddedRole::validation, {2.0, -0.75})));
  EXPECT_EQ(planned.frame().header.type, MessageType::ack);
  send_step(61, 0);
  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().first->inputs, (std::vector<float>{4.0f, -0.5f, 0.0f}));
}

struct Refusal {
  std::uint32_t id;
  AddedRole role;
  std::vector<double> parameters;
  std::string reason;  // part of the refusal's text
};

class IngestSimulationAddedRefusal : public IngestTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(IngestSimulationAddedRefusal, IsRefusedWithItsReasonAndChangesNothing) {
  const auto& refusal = GetParam();
  const Message reply(ingest_.handle_control(added(refusal.id, refusal.role, refusal.parameters)));
  ASSERT_EQ(reply.frame().header.type, MessageType::refused);
  EXPECT_EQ(reply.frame().header.status, static_cast<std::uint32_t>(APIARY_STATUS_REFUSED));
  EXPECT_NE(payload_text(reply.frame()).find(refusal.reason), std::string::npos) << payload_text(reply.frame());

  // The plan kept what it had: simulation 0 still trains with its own
  // parameters, an unplanned id is still unknown.
  send_step(0, 0);
  send_step(refusal.id == 0 ? 70 : refusal.id, 1);
  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().first->inputs, (std::vector<float>{0.25f, 1.5f, 0.0f}));
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_simulation), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Conflicts, IngestSimulationAddedRefusal,
    ::testing::Values(Refusal{61, AddedRole::training, {1.0}, "has 1 parameters, the study has 2"},
                      Refusal{61, AddedRole::training, {1.0, 2.0, 3.0}, "has 3 parameters, the study has 2"},
                      Refusal{0, AddedRole::training, {0.25, 1.75}, "already planned with other parameters"},
                      Refusal{0, AddedRole::validation, {0.25, 1.5}, "already planned with another role (training)"}));

TEST_F(IngestTest, AMalformedSimulationAddedIsRefusedAndCounted) {
  const Message reply(
      ingest_.handle_control(added(61, AddedRole::training, {1.0, std::numeric_limits<double>::quiet_NaN()})));
  EXPECT_EQ(reply.frame().header.type, MessageType::refused);
  EXPECT_EQ(rejected(protocol::RejectReason::not_finite), 1u);
  send_step(61, 0);
  EXPECT_TRUE(samples_.empty());
}

TEST_F(IngestTest, SimulationAddedOnTheDataSocketIsRejected) {
  ingest_.handle_data(added(61, AddedRole::training, {1.0, 2.0}));
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_type), 1u);
  send_step(61, 0);
  EXPECT_TRUE(samples_.empty());
}

TEST_F(IngestTest, StudyEndWaitsForAnAddedSimulation) {
  (void)ingest_.handle_control(added(61, AddedRole::training, {4.0, -0.5}));
  (void)ingest_.handle_control(hello_message(61, kSize));
  (void)ingest_.handle_control(study_end_message({61}));
  EXPECT_FALSE(ingest_.finished());
  ingest_.handle_data(end_message(61, 0, 2, kSteps));
  ingest_.handle_data(end_message(61, 1, 2, kSteps));
  EXPECT_TRUE(ingest_.finished());
}

}  // namespace
}  // namespace apiary::server::testing
