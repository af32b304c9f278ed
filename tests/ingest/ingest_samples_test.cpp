// Data from every rank of a step becomes one sample: the plan's parameters
// and the step index as inputs, the role the plan gave the simulation.
#include <gtest/gtest.h>

#include <vector>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

TEST_F(IngestTest, TwoRanksOfAStepGiveExactlyOneSample) {
  ingest_.handle_data(data_message({.simulation = 0, .step = 2, .rank = 0, .offset = 0}, ramp(4)));
  EXPECT_TRUE(samples_.empty());
  EXPECT_EQ(ingest_.pending_steps(), 1u);
  ingest_.handle_data(data_message({.simulation = 0, .step = 2, .rank = 1, .offset = 4}, ramp(4, 2.0f)));

  ASSERT_EQ(samples_.size(), 1u);
  const auto& [sample, role] = samples_.front();
  EXPECT_EQ(role, plan::Role::training);
  EXPECT_EQ(sample->simulation_id, 0u);
  EXPECT_EQ(sample->time_step, 2u);
  EXPECT_EQ(sample->inputs, (std::vector<float>{0.25f, 1.5f, 2.0f}));
  EXPECT_EQ(sample->field, ramp(kSize));
  EXPECT_EQ(ingest_.pending_steps(), 0u);
}

TEST_F(IngestTest, ValidationSimulationGivesAValidationSample) {
  send_step(1, 0, -4.0f);
  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().second, plan::Role::validation);
  EXPECT_EQ(samples_.front().first->inputs, (std::vector<float>{2.0f, -0.75f, 0.0f}));
  EXPECT_EQ(samples_.front().first->field, ramp(kSize, -4.0f));
  EXPECT_EQ(ingest_.counters().validation_samples.load(), 1u);
  EXPECT_EQ(ingest_.counters().training_samples.load(), 0u);
}

TEST_F(IngestTest, CountersFollowStepsDuplicatesAndRejections) {
  send_step(0, 0);
  send_step(0, 1);
  send_step(1, 0);
  send_step(2, 2);
  send_step(0, 0);  // a replay: dropped when whole again
  ingest_.handle_data(data_message({.simulation = 0, .step = 2, .rank = 0, .offset = 0}, ramp(4)));
  ingest_.handle_data(data_message({.simulation = 0, .step = 2, .rank = 0, .offset = 0}, ramp(4)));  // same slice
  ingest_.handle_data(data_message({.simulation = 2, .step = kSteps, .rank = 0, .offset = 0}, ramp(4)));

  const auto& c = ingest_.counters();
  EXPECT_EQ(samples_.size(), 4u);
  EXPECT_EQ(c.messages.load(), 13u);
  EXPECT_EQ(c.time_steps_received.load(), 4u);
  EXPECT_EQ(c.training_samples.load(), 3u);
  EXPECT_EQ(c.validation_samples.load(), 1u);
  EXPECT_EQ(c.duplicates_dropped.load(), 1u);
  EXPECT_EQ(c.duplicate_slices.load(), 1u);
  EXPECT_EQ(rejected(protocol::RejectReason::time_step_out_of_range), 1u);
  EXPECT_EQ(c.messages_rejected(), 1u);
  EXPECT_GT(c.bytes.load(), 13u * protocol::kHeaderSize);
}

TEST_F(IngestTest, SampleInputsEndWithTheStepIndex) {
  for (std::uint32_t step = 0; step < kSteps; ++step) send_step(2, step);
  ASSERT_EQ(samples_.size(), kSteps);
  for (std::uint32_t step = 0; step < kSteps; ++step) {
    SCOPED_TRACE(step);
    EXPECT_EQ(samples_[step].first->time_step, step);
    EXPECT_EQ(samples_[step].first->inputs, (std::vector<float>{8.0f, 0.125f, static_cast<float>(step)}));
  }
}

}  // namespace
}  // namespace apiary::server::testing
