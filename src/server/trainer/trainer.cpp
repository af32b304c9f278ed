// The training loop itself: agree with the other ranks whether to step,
// step, and at its intervals write metrics, validate and checkpoint. The
// parts it calls live in files of their own (training_step, validation,
// checkpoint_commit, model_export, trainer_metrics, normalization).
#include "server/trainer/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <string>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "server/parallel/step_agreement.hpp"
#include "server/trainer/checkpoint_commit.hpp"
#include "server/trainer/compute_device.hpp"
#include "server/trainer/device_model.hpp"
#include "server/trainer/model_export.hpp"
#include "server/trainer/model_state.hpp"
#include "server/trainer/normalization.hpp"
#include "server/trainer/trainer_metrics.hpp"
#include "server/trainer/trainer_state.hpp"
#include "server/trainer/training_step.hpp"
#include "server/trainer/validation.hpp"

namespace apiary::server {
namespace {

using Clock = std::chrono::steady_clock;

// How long a rank waits for its own data before asking the others again.
constexpr auto kWaitForData = std::chrono::milliseconds(10);

// The rank's device; the study's torch threads are set before the model
// is built on it.
torch::Device prepare_device(const TrainerOptions& options, const Communicator& communicator) {
  const auto device = choose_device(options.device, communicator.rank_on_node());
  if (options.threads > 0) torch::set_num_threads(options.threads);
  return device;
}

// This rank's share of training.batch_size, which the ranks split evenly.
std::size_t local_batch_size(std::size_t batch_size, int ranks) {
  const auto local = batch_size / static_cast<std::size_t>(ranks);
  if (local == 0 || batch_size % static_cast<std::size_t>(ranks) != 0)
    throw Error("training.batch_size (" + std::to_string(batch_size) + ") must be a multiple of the " +
                std::to_string(ranks) + " server ranks");
  return local;
}

}  // namespace

struct Trainer::Impl {
  TrainerOptions options;
  TrainerInputs io;
  Communicator& communicator;
  torch::Device device;
  std::size_t local_batch;
  DeviceModel model;
  TrainingStep step;
  TrainerMetrics metrics;
  TrainerState restored;  // from resume_from, or zeros

  Impl(TrainerOptions opts, TrainerInputs inputs)
      : options(std::move(opts)),
        io(inputs),
        communicator(inputs.communicator),
        device(prepare_device(options, communicator)),
        local_batch(local_batch_size(options.training.batch_size, communicator.size())),
        model(options, device),
        step(model, options.training, communicator),
        metrics(communicator, io.metrics, io.buffer, io.reception_metrics) {
    spdlog::info("rank {} trains on {}", communicator.rank(), device.str());
    if (options.checkpoint_every > 0 && !io.save_rank_state)
      throw Error("checkpoints need the rank's state: TrainerInputs::save_rank_state is missing");
    if (!options.resume_from.empty()) {
      restored = resume_from_checkpoint(options.resume_from, communicator, model.net(), step.optimizer());
      model.set_normalization(restored.normalization);
    }
  }

  // This rank's part of the next agreement: try to hold a batch, without
  // blocking, and say what the buffer looks like.
  LocalReadiness readiness(std::vector<SamplePtr>& held) {
    if (held.empty()) held = io.buffer.try_get(local_batch);
    const auto state = io.buffer.readiness(local_batch);
    return {held.size(), state.closed, state.full && options.full_buffer_forces_step, held.empty() && state.exhausted};
  }

  // training.max_seconds, counted from the first batch.
  bool out_of_time(Clock::time_point start) const {
    return options.training.max_seconds > 0 && seconds_since(start) >= options.training.max_seconds;
  }

  // After each step: metrics, validation and checkpoint at their intervals.
  void after_step(const TrainResult& result, TrainingProgress& progress, Clock::time_point start,
                  Clock::time_point& window_start) {
    if (result.batches % options.metrics_every == 0) {
      const auto now = Clock::now();
      progress.batches = result.batches;
      progress.samples_trained = result.local_samples_trained;
      progress.seconds = seconds_between(start, now);
      progress.window_seconds = seconds_between(window_start, now);
      progress.window_batches = options.metrics_every;
      progress.window_gradient_wait_seconds = step.take_gradient_wait_seconds();
      metrics.write_training(progress, step.learning_rate(progress.batches));
      window_start = now;
      progress.window_samples = 0;
    }
    if (result.batches % options.training.validation_every == 0)
      metrics.write_validation(result.batches, seconds_since(start), result.samples_trained,
                               validate(model, io.validation, communicator));
    if (io.batches_done != nullptr) *io.batches_done = result.batches;
    if (options.checkpoint_every > 0 && result.batches % options.checkpoint_every == 0)
      save_checkpoint(options.checkpoint_run_dir,
                      {.batches = result.batches,
                       .samples_trained = result.samples_trained,
                       .local_samples_trained = result.local_samples_trained,
                       .seconds = seconds_since(start),
                       .normalization = model.normalization()},
                      communicator, io.save_rank_state, model.net(), step.optimizer());
  }

  TrainResult run() {
    TrainResult result;
    result.batches = restored.batches;
    result.samples_trained = restored.samples_trained;
    result.local_samples_trained = restored.local_samples_trained;
    const auto& t = options.training;
    std::vector<SamplePtr> held;
    // Resumed: the training time before the checkpoint keeps counting.
    Clock::time_point start =
        Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(restored.seconds));
    TrainingProgress progress;
    auto window_start = Clock::now();
    while (result.batches < t.batches) {
      auto local = readiness(held);
      local.out_of_time = result.batches > 0 && out_of_time(start);
      const auto agreement = agree(communicator, local);
      if (agreement.decision == StepDecision::stop) {
        if (local.out_of_time)
          spdlog::info("training stopped at its wall-time limit (training.max_seconds = {} s) after {} batches",
                       t.max_seconds, result.batches);
        break;
      }
      if (agreement.decision == StepDecision::wait) {
        if (held.empty()) io.buffer.wait_until_servable(local_batch, kWaitForData);
        continue;
      }
      if (result.batches == 0) {
        model.set_normalization(
            freeze_normalization(options.parameter_ranges, options.time_steps, io.statistics, communicator));
        start = window_start = Clock::now();
      }
      progress.loss = step.run(held, result.batches, agreement.total_samples);
      if (!std::isfinite(progress.loss))
        throw Error("training diverged: loss is " + std::to_string(progress.loss) + " at batch " +
                    std::to_string(result.batches + 1) + " on rank " + std::to_string(communicator.rank()));
      ++result.batches;
      result.samples_trained += agreement.total_samples;
      result.local_samples_trained += held.size();
      progress.window_samples += held.size();
      progress.last_batch_samples = held.size();
      held.clear();
      after_step(result, progress, start, window_start);
    }
    result.samples_drawn_not_trained = held.size();
    result.optimizer_steps = adam_steps(step.optimizer());
    result.device = device.str();
    // Reception must never block on a trainer that stopped: from here on
    // the buffer refuses samples (they are counted, not stored).
    io.buffer.close();
    if (result.batches == 0) {
      if (communicator.rank() == 0)
        spdlog::warn("the stream ended before any training sample arrived: nothing to train");
      return result;
    }
    result.seconds = seconds_since(start);
    result.samples_per_second = result.seconds > 0 ? static_cast<double>(result.samples_trained) / result.seconds : 0;
    result.validation = validate(model, io.validation, communicator);
    metrics.write_validation(result.batches, result.seconds, result.samples_trained, result.validation);
    export_model(model, io.validation, communicator, options.model_output, options.probe_output);
    spdlog::info(
        "rank {}: trained {} batches, {} of {} samples in {:.1f} s ({:.0f} samples/s in all), last loss {:.4g}",
        communicator.rank(), result.batches, result.local_samples_trained, result.samples_trained, result.seconds,
        result.samples_per_second, progress.loss);
    return result;
  }
};

Trainer::Trainer(TrainerOptions options, TrainerInputs inputs)
    : impl_(std::make_unique<Impl>(std::move(options), inputs)) {}
Trainer::~Trainer() = default;
TrainResult Trainer::run() { return impl_->run(); }

}  // namespace apiary::server
