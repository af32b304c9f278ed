// server.non_finite: a time step with NaN or infinity is always dropped;
// "fail_simulation" also refuses the rest of that simulation's data, and
// no other simulation's.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

using protocol::RejectReason;

std::vector<float> poisoned() { return {0, std::numeric_limits<float>::quiet_NaN(), 0, 0}; }

TEST_F(IngestTest, ByDefaultANonFiniteStepIsDroppedAndTheSimulationGoesOn) {
  ingest_.handle_data(data_message({.simulation = 0, .step = 0, .rank = 0, .offset = 0}, poisoned()));
  send_step(0, 1);
  EXPECT_EQ(rejected(RejectReason::not_finite), 1u);
  EXPECT_EQ(samples_.size(), 1u);
  EXPECT_TRUE(ingest_.failed_simulations().empty());
}

class FailSimulationOnNonFinite : public IngestTest {
 protected:
  FailSimulationOnNonFinite()
      : failing_(with_failure(), two_parameter_plan(),
                 [this](SamplePtr sample, plan::Role role) { samples_.emplace_back(std::move(sample), role); }) {}

  static IngestOptions with_failure() {
    auto o = options();
    o.fail_simulation_on_non_finite = true;
    return o;
  }
  std::uint64_t rejected_by_failing(RejectReason reason) const {
    return failing_.counters().rejected[static_cast<std::size_t>(reason)].load();
  }
  void send_step_to_failing(std::uint32_t simulation, std::uint32_t step) {
    failing_.handle_data(data_message({.simulation = simulation, .step = step, .rank = 0, .offset = 0}, ramp(4)));
    failing_.handle_data(data_message({.simulation = simulation, .step = step, .rank = 1, .offset = 4}, ramp(4)));
  }

  Ingest failing_;
};

TEST_F(FailSimulationOnNonFinite, TheSimulationsLaterDataIsRefusedAndOthersAreNot) {
  send_step_to_failing(0, 0);  // a good step before the poison stays
  failing_.handle_data(data_message({.simulation = 0, .step = 1, .rank = 0, .offset = 0}, poisoned()));
  send_step_to_failing(0, 2);
  send_step_to_failing(2, 0);
  EXPECT_EQ(rejected_by_failing(RejectReason::not_finite), 1u);
  EXPECT_EQ(rejected_by_failing(RejectReason::simulation_failed), 2u);
  EXPECT_EQ(failing_.failed_simulations(), (std::set<std::uint32_t>{0}));
  ASSERT_EQ(samples_.size(), 2u);
  EXPECT_EQ(samples_[0].first->simulation_id, 0u);
  EXPECT_EQ(samples_[1].first->simulation_id, 2u);
  EXPECT_EQ(failing_.pending_steps(), 0u);
}

TEST_F(FailSimulationOnNonFinite, AFailedSimulationStillEnds) {
  failing_.handle_data(data_message({.simulation = 0, .step = 0, .rank = 0, .offset = 0}, poisoned()));
  failing_.handle_control(study_end_message({0}));
  for (std::uint32_t rank = 0; rank < 2; ++rank) {
    protocol::Header end;
    end.type = protocol::MessageType::end;
    end.simulation_id = 0;
    end.time_step = kSteps;
    end.client_rank = rank;
    end.client_ranks = 2;
    failing_.handle_data(protocol::encode(end, kField));
  }
  EXPECT_TRUE(failing_.finished());
}

// A replay is dropped unread (docs/protocol.md, "Duplicates"): whatever its
// values, it is a duplicate, never a non-finite step that fails its simulation.
TEST_F(FailSimulationOnNonFinite, AReplayedStepIsADuplicateWhateverItsValues) {
  send_step_to_failing(0, 0);
  failing_.handle_data(data_message({.simulation = 0, .step = 0, .rank = 0, .offset = 0}, poisoned()));
  failing_.handle_data(data_message({.simulation = 0, .step = 0, .rank = 1, .offset = 4}, poisoned()));
  EXPECT_EQ(failing_.counters().duplicates_dropped.load(), 1u);
  EXPECT_EQ(rejected_by_failing(RejectReason::not_finite), 0u);
  EXPECT_TRUE(failing_.failed_simulations().empty());
  send_step_to_failing(0, 1);
  EXPECT_EQ(samples_.size(), 2u);
}

}  // namespace
}  // namespace apiary::server::testing
