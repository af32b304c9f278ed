// A server rank's trainer on known data, for the data-parallel equivalence
// test: run under mpirun with R ranks, rank r trains on samples r, r + R,
// r + 2R, ... of a fixed sequence, with a global batch of --batch samples.
// With one rank and batch 2b, or two ranks and batch 2b, every step sees
// the same samples, so the exported weights must agree.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "server/buffer/training_buffer.hpp"
#include "server/metrics/metrics_log.hpp"
#include "server/parallel/mpi_communicator.hpp"
#include "server/trainer/trainer.hpp"

using namespace apiary::server;

namespace {

constexpr std::size_t kFieldSize = 40;
constexpr std::uint32_t kSteps = 10;

SamplePtr sample_number(std::size_t i) {
  auto sample = std::make_shared<Sample>();
  sample->simulation_id = static_cast<std::uint32_t>(i / kSteps);
  sample->time_step = static_cast<std::uint32_t>(i % kSteps);
  const float a = static_cast<float>(std::sin(0.7 * static_cast<double>(i)));
  const float b = static_cast<float>(std::cos(1.3 * static_cast<double>(i)));
  sample->inputs = {a, b, static_cast<float>(sample->time_step)};
  for (std::size_t k = 0; k < kFieldSize; ++k) {
    sample->field.push_back(a * std::sin(0.2F * static_cast<float>(k)) + b * b +
                            0.1F * static_cast<float>(sample->time_step));
  }
  return sample;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"data-parallel trainer probe"};
  std::size_t batch = 8, batches = 6, samples = 96;
  std::filesystem::path out;
  app.add_option("--batch", batch, "global batch");
  app.add_option("--batches", batches, "optimizer steps");
  app.add_option("--samples", samples, "samples in the sequence");
  app.add_option("--out", out, "directory for model.pt")->required();
  CLI11_PARSE(app, argc, argv);
  const auto communicator = make_mpi_communicator(&argc, &argv);
  try {
    const auto rank = static_cast<std::size_t>(communicator->rank());
    const auto ranks = static_cast<std::size_t>(communicator->size());
    auto buffer = make_buffer({.kind = apiary::config::BufferKind::fifo, .capacity = samples, .watermark = 0});
    FieldStatistics statistics(kFieldSize);
    for (std::size_t i = rank; i < samples; i += ranks) {
      auto sample = sample_number(i);
      statistics.add(*sample);
      buffer->put(std::move(sample));
    }
    buffer->close();  // the stream is over: training draws exactly this data
    ValidationSet validation;
    std::unique_ptr<MetricsLog> metrics;
    if (rank == 0) metrics = std::make_unique<MetricsLog>(out / "metrics.jsonl");
    TrainerOptions options;
    options.training.hidden = {16};
    options.training.batch_size = batch;
    options.training.batches = batches;
    options.training.learning_rate = 1e-2;
    options.training.schedule = apiary::config::ScheduleKind::constant;
    options.training.validation_every = 1000;
    options.training.seed = 7;
    options.parameter_ranges = {{-1.0, 1.0}, {-1.0, 1.0}};
    options.time_steps = kSteps;
    options.output_size = kFieldSize;
    options.threads = 1;
    options.metrics_every = 1000;
    options.model_output = out / "model.pt";
    Trainer trainer(options, {*buffer, validation, statistics, metrics.get(), {}, *communicator});
    const auto result = trainer.run();
    if (rank == 0) std::cout << "batches " << result.batches << " samples " << result.samples_trained << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "rank " << communicator->rank() << ": " << error.what() << "\n";
    communicator->abort(1);
  }
}
