#include "server/trainer/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "server/checkpoint/checkpoint_store.hpp"
#include "server/parallel/step_agreement.hpp"
#include "server/trainer/compute_device.hpp"
#include "server/trainer/gradient_averager.hpp"
#include "server/trainer/learning_rate.hpp"
#include "server/trainer/model_state.hpp"
#include "server/trainer/surrogate_model.hpp"
#include "server/trainer/trainer_state.hpp"
#include "server/trainer/training_metrics.hpp"

namespace apiary::server {
namespace {

using Clock = std::chrono::steady_clock;

// Gradient buckets of a few MB: the last layer's gradient (computed first)
// is summed while backward computes the earlier layers.
constexpr std::size_t kBucketBytes = 4u << 20;
// How long a rank waits for its own data before asking the others again.
constexpr auto kWaitForData = std::chrono::milliseconds(10);

// Copies the samples' inputs and fields into two contiguous tensors on
// the host, then to the device. For a GPU the host tensors are pinned
// (libtorch caches pinned blocks), so the copies run asynchronously.
std::pair<torch::Tensor, torch::Tensor> assemble(const std::vector<SamplePtr>& samples, std::size_t inputs,
                                                 std::size_t outputs, torch::Device device) {
  const auto n = static_cast<long>(samples.size());
  const auto host = torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(!device.is_cpu());
  auto x = torch::empty({n, static_cast<long>(inputs)}, host);
  auto y = torch::empty({n, static_cast<long>(outputs)}, host);
  float* xs = x.data_ptr<float>();
  float* ys = y.data_ptr<float>();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    std::memcpy(xs + i * inputs, samples[i]->inputs.data(), inputs * sizeof(float));
    std::memcpy(ys + i * outputs, samples[i]->field.data(), outputs * sizeof(float));
  }
  if (device.is_cpu()) return {x, y};
  return {x.to(device, /*non_blocking=*/true), y.to(device, /*non_blocking=*/true)};
}

torch::Tensor tensor_of(const std::vector<float>& values, torch::Device device = torch::kCPU) {
  return torch::from_blob(const_cast<float*>(values.data()), {static_cast<long>(values.size())}, torch::kFloat32)
      .to(device, /*non_blocking=*/false, /*copy=*/true);
}

}  // namespace

struct Trainer::Impl {
  TrainerOptions options;
  TrainerInputs io;
  Communicator& communicator;
  std::size_t input_size;
  std::size_t local_batch;
  torch::Device device;
  torch::jit::Module net;
  std::unique_ptr<torch::optim::Adam> optimizer;
  std::unique_ptr<GradientAverager> averager;  // with more than one rank
  LearningRateSchedule schedule;
  Normalization normalization;
  torch::Tensor input_shift, input_scale, output_mean;
  float output_std = 1.0F;
  RankMetrics rank_metrics;
  TrainerState restored;  // from resume_from, or zeros

  Impl(TrainerOptions opts, TrainerInputs inputs)
      : options(std::move(opts)),
        io(inputs),
        communicator(inputs.communicator),
        input_size(options.parameter_ranges.size() + 1),
        local_batch(options.training.batch_size / static_cast<std::size_t>(communicator.size())),
        device(choose_device(options.device, communicator.rank_on_node())),
        rank_metrics(communicator.rank()) {
    if (options.threads > 0) torch::set_num_threads(options.threads);
    const auto& t = options.training;
    if (local_batch == 0 || t.batch_size % static_cast<std::size_t>(communicator.size()) != 0)
      throw Error("training.batch_size (" + std::to_string(t.batch_size) + ") must be a multiple of the " +
                  std::to_string(communicator.size()) + " server ranks");
    net = options.model_source.empty() ? make_mlp(input_size, t.hidden, options.output_size, t.seed)
                                       : load_model(options.model_source, input_size, options.output_size);
    net.to(device);
    net.train();
    spdlog::info("rank {} trains on {}", communicator.rank(), device.str());
    if (communicator.size() > 1) {
      averager = std::make_unique<GradientAverager>(trainable_parameters(net), communicator, kBucketBytes);
      averager->broadcast_parameters();
    }
    optimizer = std::make_unique<torch::optim::Adam>(
        trainable_parameters(net), torch::optim::AdamOptions(t.learning_rate).weight_decay(t.weight_decay));
    schedule = {t.schedule, t.learning_rate, t.batches, t.milestones, t.gamma};
    if (options.checkpoint_every > 0 && !io.save_rank_state)
      throw Error("checkpoints need the rank's state: TrainerInputs::save_rank_state is missing");
    if (!options.resume_from.empty()) resume();
  }

  // Every rank reads the model and optimizer rank 0 saved (identical on
  // every rank) and its own counters.
  void resume() {
    load_model_state(model_state_file(options.resume_from), net, *optimizer);
    restored = load_trainer_state(options.resume_from, communicator.rank());
    normalization = restored.normalization;
    set_normalization_tensors();
    if (is_root())
      spdlog::info("resumed from checkpoint {} (optimizer step {})", options.resume_from.filename().string(),
                   adam_steps(*optimizer));
  }

  void set_normalization_tensors() {
    input_shift = tensor_of(normalization.input_shift, device);
    input_scale = tensor_of(normalization.input_scale, device);
    output_mean = tensor_of(normalization.output_mean, device);
    output_std = normalization.output_std;
  }

  // Collective, at a batch boundary: rank 0 prepares the staging
  // directory, every rank writes its files, and rank 0 commits once all
  // have written (the byte sum is the barrier).
  void save_checkpoint(const TrainResult& result, double seconds) {
    const auto started = Clock::now();
    const auto& run_dir = options.checkpoint_run_dir;
    std::array<std::int64_t, 1> bytes{0};
    if (is_root()) prepare_staging(run_dir, result.batches);
    if (communicator.size() > 1) communicator.sum(bytes);
    const auto dir = staging_dir(run_dir, result.batches);
    TrainerState state{result.batches, result.samples_trained, result.local_samples_trained, seconds, normalization};
    bytes[0] = static_cast<std::int64_t>(io.save_rank_state(dir) + save_trainer_state(dir, communicator.rank(), state));
    if (is_root()) bytes[0] += static_cast<std::int64_t>(save_model_state(model_state_file(dir), net, *optimizer));
    if (communicator.size() > 1) communicator.sum(bytes);
    if (!is_root()) return;
    const double now = unix_seconds();
    const auto committed = commit_checkpoint(run_dir, {result.batches, communicator.size(), now});
    spdlog::info("checkpoint {}: {} bytes in {:.2f} s", committed.filename().string(), bytes[0],
                 seconds_since(started));
  }

  bool is_root() const { return communicator.rank() == 0; }

  // Inputs: parameter ranges and time-step range mapped to [-1, 1].
  // Outputs: statistics of the training samples every rank received so far.
  void freeze_normalization() {
    for (const auto& [low, high] : options.parameter_ranges) {
      normalization.input_shift.push_back(static_cast<float>((low + high) / 2));
      normalization.input_scale.push_back(static_cast<float>(2 / (high - low)));
    }
    const double last_step = std::max<double>(options.time_steps - 1, 1);
    normalization.input_shift.push_back(static_cast<float>(last_step / 2));
    normalization.input_scale.push_back(static_cast<float>(2 / last_step));
    FieldStatistics::Reduce reduce;
    if (communicator.size() > 1) reduce = [this](std::span<double> values) { communicator.sum(values); };
    std::tie(normalization.output_mean, normalization.output_std) = io.statistics.freeze(reduce);
    set_normalization_tensors();
    if (is_root())
      spdlog::info("output normalisation from {} samples: global standard deviation {:.4g}", io.statistics.count(),
                   output_std);
  }

  // One optimizer step on the global batch, of which this rank holds
  // `samples` (possibly none). Returns this rank's mean loss.
  float train_step(const std::vector<SamplePtr>& samples, std::size_t batch, std::uint64_t global_samples) {
    const double rate = schedule.at(batch);
    for (auto& group : optimizer->param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
    }
    if (averager) {
      averager->begin_step();
    } else {
      optimizer->zero_grad();
    }
    float loss_value = 0.0F;
    if (!samples.empty()) {
      auto [x, y] = assemble(samples, input_size, options.output_size, device);
      x = (x - input_shift) * input_scale;
      y = (y - output_mean) / output_std;
      auto loss = torch::mse_loss(net.forward({x}).toTensor(), y);
      loss_value = loss.item<float>();
      if (averager) loss = loss * GradientAverager::loss_scale(samples.size(), global_samples);
      loss.backward();
    }
    if (averager) averager->finish_step();
    optimizer->step();
    return loss_value;
  }

  // Every rank evaluates the validation samples it received; the sums
  // cover the whole validation set.
  Validation validate() {
    const auto samples = io.validation.snapshot();
    torch::NoGradGuard no_grad;
    constexpr std::size_t kChunk = 256;
    std::array<double, 3> sums{0.0, 0.0, static_cast<double>(samples.size())};  // error², reference², samples
    for (std::size_t begin = 0; begin < samples.size(); begin += kChunk) {
      const std::vector<SamplePtr> chunk(samples.begin() + static_cast<long>(begin),
                                         samples.begin() + static_cast<long>(std::min(samples.size(), begin + kChunk)));
      auto [x, y] = assemble(chunk, input_size, options.output_size, device);
      auto prediction = net.forward({(x - input_shift) * input_scale}).toTensor() * output_std + output_mean;
      sums[0] += (prediction - y).pow(2).sum().item<double>();
      sums[1] += y.pow(2).sum().item<double>();
    }
    if (communicator.size() > 1) communicator.sum(sums);
    Validation result;
    result.samples = static_cast<std::size_t>(sums[2]);
    if (result.samples == 0) return result;
    result.mse = sums[0] / (sums[2] * static_cast<double>(options.output_size));
    result.rel_l2 = sums[1] > 0 ? std::sqrt(sums[0] / sums[1]) : 0.0;
    return result;
  }

  // Collective: every rank's record goes to rank 0, which writes them.
  void write_training_metrics(const TrainingProgress& progress) {
    const auto local = rank_metrics.record(io.buffer.take_window_stats(), progress,
                                           io.reception_metrics ? io.reception_metrics() : nlohmann::json::object());
    const auto texts = communicator.gather(local.dump(), 0);
    if (!is_root()) return;
    std::vector<nlohmann::json> ranks;
    for (const auto& text : texts) ranks.push_back(nlohmann::json::parse(text));
    auto record = aggregate_rank_metrics(ranks);
    record["batch"] = progress.batches;
    record["learning_rate"] = schedule.at(progress.batches);
    record["training_seconds"] = progress.seconds;
    io.metrics->write("train", std::move(record));
  }

  // seconds and samples_trained locate the record on a learning curve:
  // training time before this validation, samples trained by every rank.
  void record_validation(std::size_t batch, double seconds, std::uint64_t samples_trained, const Validation& v) {
    if (!is_root()) return;
    io.metrics->write("validation", {{"batch", batch},
                                     {"training_seconds", seconds},
                                     {"samples_trained", samples_trained},
                                     {"validation_mse", v.mse},
                                     {"validation_rel_l2", v.rel_l2},
                                     {"validation_samples", v.samples}});
    spdlog::info("batch {}: validation mse {:.4g}, relative L2 {:.4g} over {} samples", batch, v.mse, v.rel_l2,
                 v.samples);
  }

  // Collective: rank 0 exports the model; the first rank holding a
  // validation sample writes the probe.
  void export_model() {
    net.eval();
    // Exported for the CPU, so that the file loads on any machine.
    auto surrogate = with_normalization(net, normalization);
    surrogate.to(torch::kCPU);
    if (is_root()) surrogate.save(options.model_output.string());
    const auto samples = io.validation.snapshot();
    std::vector<std::int64_t> holders(static_cast<std::size_t>(communicator.size()), 0);
    holders[static_cast<std::size_t>(communicator.rank())] = samples.empty() ? 0 : 1;
    if (communicator.size() > 1) communicator.sum(holders);
    const auto writer = std::find(holders.begin(), holders.end(), 1) - holders.begin();
    if (writer != communicator.rank() || options.probe_output.empty()) return;
    // One validation sample through the exported module, kept so that any
    // other runtime can check it reproduces the server's prediction.
    torch::NoGradGuard no_grad;
    const auto& probe = samples.front();
    auto x = tensor_of(probe->inputs).unsqueeze(0);
    auto prediction = surrogate.forward({x}).toTensor().squeeze(0).contiguous();
    const float* p = prediction.data_ptr<float>();
    nlohmann::json json = {{"simulation_id", probe->simulation_id},
                           {"time_step", probe->time_step},
                           {"inputs", probe->inputs},
                           {"prediction", std::vector<float>(p, p + prediction.numel())}};
    std::ofstream(options.probe_output) << json.dump() << '\n';
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
    float loss = 0.0F;
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
        freeze_normalization();
        start = window_start = Clock::now();
      }
      loss = train_step(held, result.batches, agreement.total_samples);
      if (!std::isfinite(loss))
        throw Error("training diverged: loss is " + std::to_string(loss) + " at batch " +
                    std::to_string(result.batches + 1) + " on rank " + std::to_string(communicator.rank()));
      ++result.batches;
      result.samples_trained += agreement.total_samples;
      result.local_samples_trained += held.size();
      progress.window_samples += held.size();
      progress.last_batch_samples = held.size();
      held.clear();
      if (result.batches % options.metrics_every == 0) {
        const auto now = Clock::now();
        progress.batches = result.batches;
        progress.samples_trained = result.local_samples_trained;
        progress.loss = loss;
        progress.seconds = seconds_between(start, now);
        progress.window_seconds = seconds_between(window_start, now);
        progress.window_batches = options.metrics_every;
        progress.window_gradient_wait_seconds = averager ? averager->take_wait_seconds() : 0.0;
        write_training_metrics(progress);
        window_start = now;
        progress.window_samples = 0;
      }
      if (result.batches % t.validation_every == 0)
        record_validation(result.batches, seconds_since(start), result.samples_trained, validate());
      if (io.batches_done != nullptr) *io.batches_done = result.batches;
      if (options.checkpoint_every > 0 && result.batches % options.checkpoint_every == 0)
        save_checkpoint(result, seconds_since(start));
    }
    result.samples_drawn_not_trained = held.size();
    result.optimizer_steps = adam_steps(*optimizer);
    result.device = device.str();
    // Reception must never block on a trainer that stopped: from here on
    // the buffer refuses samples (they are counted, not stored).
    io.buffer.close();
    if (result.batches == 0) {
      if (is_root()) spdlog::warn("the stream ended before any training sample arrived: nothing to train");
      return result;
    }
    result.seconds = seconds_since(start);
    result.samples_per_second = result.seconds > 0 ? static_cast<double>(result.samples_trained) / result.seconds : 0;
    result.validation = validate();
    record_validation(result.batches, result.seconds, result.samples_trained, result.validation);
    export_model();
    spdlog::info(
        "rank {}: trained {} batches, {} of {} samples in {:.1f} s ({:.0f} samples/s in all), last loss {:.4g}",
        communicator.rank(), result.batches, result.local_samples_trained, result.samples_trained, result.seconds,
        result.samples_per_second, loss);
    return result;
  }
};

Trainer::Trainer(TrainerOptions options, TrainerInputs inputs)
    : impl_(std::make_unique<Impl>(std::move(options), inputs)) {}
Trainer::~Trainer() = default;
TrainResult Trainer::run() { return impl_->run(); }

}  // namespace apiary::server
