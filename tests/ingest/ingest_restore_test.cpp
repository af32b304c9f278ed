// A restarted server restores each rank's Ingest from its checkpoint: a
// relaunched client's replays of saved steps are dropped as duplicates,
// steps that were not saved are accepted anew, and counters are totals.
#include <gtest/gtest.h>

#include "ingest/ingest_fixture.hpp"

namespace apiary::server::testing {
namespace {

using IngestRestore = IngestTest;

TEST_F(IngestRestore, RestoredIngestDropsSavedStepsAndAcceptsTheOthers) {
  ingest_.handle_control(hello_message(0, kSize));
  send_step(0, 0);
  send_step(0, 1);
  send_step(1, 0);
  // A partial step is not saved: its client replays it.
  ingest_.handle_data(data_message({.simulation = 2, .step = 0, .rank = 0, .offset = 0}, ramp(4)));
  const auto saved = ingest_.snapshot();
  EXPECT_EQ(saved.counters.time_steps_received, 3u);
  EXPECT_EQ(saved.client_ranks.at(0), 2u);

  std::vector<SamplePtr> accepted;
  Ingest restored(options(), two_parameter_plan(), [&](SamplePtr sample, plan::Role) { accepted.push_back(sample); });
  restored.restore(saved);
  for (const auto& [simulation, step] : {std::pair{0u, 0u}, {0u, 1u}, {1u, 0u}, {0u, 2u}, {2u, 0u}}) {
    restored.handle_data(data_message({.simulation = simulation, .step = step, .rank = 0, .offset = 0}, ramp(4)));
    restored.handle_data(data_message({.simulation = simulation, .step = step, .rank = 1, .offset = 4}, ramp(4, 2)));
  }

  const auto& c = restored.counters();
  EXPECT_EQ(c.duplicates_dropped.load(), 3u);
  EXPECT_EQ(c.time_steps_received.load(), 5u);  // 3 restored + 2 new
  EXPECT_EQ(c.training_samples.load(), 4u);
  EXPECT_EQ(c.validation_samples.load(), 1u);
  EXPECT_EQ(c.messages.load(), saved.counters.messages + 10);
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[0]->simulation_id, 0u);
  EXPECT_EQ(accepted[0]->time_step, 2u);
  EXPECT_EQ(accepted[1]->simulation_id, 2u);

  const auto progress = restored.simulation_progress();
  EXPECT_EQ(progress.at(0).steps, 3u);
  EXPECT_EQ(progress.at(1).steps, 1u);
  EXPECT_EQ(progress.at(2).steps, 1u);
  EXPECT_GT(progress.at(0).last, 0.0);
}

TEST_F(IngestRestore, EndedAndFailedSimulationsCarryOver) {
  ingest_.handle_control(hello_message(0, kSize));
  send_step(0, 0);
  ingest_.handle_data(end_message(0, 0, 2, 1));
  ingest_.handle_data(end_message(0, 1, 2, 1));
  const auto saved = ingest_.snapshot();
  EXPECT_EQ(saved.simulations_ended, std::set<std::uint32_t>{0});

  Ingest restored(options(), two_parameter_plan(), [](SamplePtr, plan::Role) {});
  restored.restore(saved);
  restored.handle_control(study_end_message({0}));
  EXPECT_TRUE(restored.finished());
}

}  // namespace
}  // namespace apiary::server::testing
