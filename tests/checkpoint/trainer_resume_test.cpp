// A trainer that checkpoints at batch K, and a new one resuming from that
// checkpoint, together train exactly as one uninterrupted run: the same
// total batches, Adam's step count going on from K, and (one rank, one
// thread, deterministic draws) the same parameters, seen through the
// exported model's prediction on a validation sample.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint_test_support.hpp"
#include "server/checkpoint/checkpoint_store.hpp"
#include "server/checkpoint/rank_state.hpp"
#include "server/parallel/single_process_communicator.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kField = 6;
constexpr std::size_t kBatch = 4;
constexpr std::size_t kCheckpointAt = 5;
constexpr std::size_t kBatches = 12;

SamplePtr sample(std::uint32_t simulation, std::uint32_t step) {
  auto s = std::make_shared<Sample>();
  s->simulation_id = simulation;
  s->time_step = step;
  const float parameter = 0.1F * static_cast<float>(simulation);
  s->inputs = {parameter, static_cast<float>(step)};
  s->field.resize(kField);
  for (std::size_t i = 0; i < kField; ++i) s->field[i] = parameter * static_cast<float>(i) + 0.01F * step;
  return s;
}

const BufferOptions kFifo{.kind = config::BufferKind::fifo, .capacity = 1000, .watermark = 0};

// A server rank's components, filled with every sample the run will see.
struct Rank {
  std::unique_ptr<TrainingBuffer> buffer = make_buffer(kFifo);
  ValidationSet validation;
  FieldStatistics statistics{kField};
  SingleProcessCommunicator communicator;
  RankState state() { return {*buffer, validation, statistics, nullptr}; }

  // The statistics see every sample (they are frozen at the first batch,
  // as if all had arrived by then); the buffer gets steps [first, last).
  void fill(std::uint32_t first, std::uint32_t last) {
    if (first == 0)
      for (std::uint32_t step = 0; step < kBatches * kBatch; ++step) statistics.add(*sample(step % 5, step));
    for (std::uint32_t step = first; step < last; ++step) buffer->put(sample(step % 5, step));
    if (first == 0) validation.add(sample(7, 3));
    buffer->close();
  }
};

class TrainerResume : public TemporaryDirectoryTest {
 protected:
  TrainerOptions options(const std::string& run, std::size_t batches) const {
    fs::create_directories(dir_ / run);
    TrainerOptions o;
    o.training.hidden = {16};
    o.training.batch_size = kBatch;
    o.training.batches = batches;
    o.training.validation_every = 1000;
    o.training.schedule = config::ScheduleKind::cosine;
    o.training.seed = 5;
    o.parameter_ranges = {{0.0, 1.0}};
    o.time_steps = kBatches * kBatch;
    o.output_size = kField;
    o.threads = 1;
    o.device = config::ComputeDevice::cpu;
    o.metrics_every = 1000;
    o.model_output = dir_ / run / "model.pt";
    o.probe_output = dir_ / run / "probe.json";
    return o;
  }

  TrainResult run(Rank& rank, const TrainerOptions& o) {
    MetricsLog metrics(o.model_output.parent_path() / "metrics.jsonl");
    const auto save = [&rank](const fs::path& dir) { return save_rank_state(dir, 0, rank.state()); };
    TrainerInputs inputs{*rank.buffer, rank.validation, rank.statistics, &metrics, {}, rank.communicator,
                         save,         nullptr};
    Trainer trainer(o, inputs);
    return trainer.run();
  }

  std::vector<float> prediction(const std::string& run) const {
    std::ifstream in(dir_ / run / "probe.json");
    return nlohmann::json::parse(in).at("prediction").get<std::vector<float>>();
  }
};

TEST_F(TrainerResume, ResumedRunContinuesTheOptimizerAndMatchesAnUninterruptedOne) {
  spdlog::set_level(spdlog::level::warn);
  constexpr auto kAll = static_cast<std::uint32_t>(kBatches * kBatch);
  constexpr auto kFirstLife = static_cast<std::uint32_t>(kCheckpointAt * kBatch);
  Rank whole;
  whole.fill(0, kAll);
  const auto uninterrupted = run(whole, options("whole", kBatches));
  ASSERT_EQ(uninterrupted.batches, kBatches);
  EXPECT_EQ(uninterrupted.optimizer_steps, kBatches);

  // The first life: its data run out right after its checkpoint (the same
  // total batches, so the same learning-rate schedule).
  Rank first;
  first.fill(0, kFirstLife);
  auto with_checkpoints = options("first", kBatches);
  with_checkpoints.checkpoint_every = kCheckpointAt;
  with_checkpoints.checkpoint_run_dir = dir_ / "first";
  const auto before = run(first, with_checkpoints);
  EXPECT_EQ(before.batches, kCheckpointAt);
  EXPECT_EQ(before.optimizer_steps, kCheckpointAt);
  const auto checkpoint = latest_checkpoint(dir_ / "first");
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_EQ(read_checkpoint_meta(*checkpoint).batch, kCheckpointAt);

  // The second life: a new rank restored from the checkpoint, then the
  // rest of the stream.
  Rank second;
  restore_rank_state(*checkpoint, 0, second.state());
  second.fill(kFirstLife, kAll);
  auto resumed = options("second", kBatches);
  resumed.resume_from = *checkpoint;
  const auto after = run(second, resumed);
  EXPECT_EQ(after.batches, kBatches);
  EXPECT_EQ(after.optimizer_steps, kBatches);
  EXPECT_EQ(after.samples_trained, uninterrupted.samples_trained);
  EXPECT_EQ(after.local_samples_trained, uninterrupted.local_samples_trained);

  const auto expected = prediction("whole");
  const auto actual = prediction("second");
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(actual[i], expected[i]) << "value " << i;
  spdlog::set_level(spdlog::level::info);
}

}  // namespace
}  // namespace apiary::server::testing
