#include "server/trainer/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "common/error.hpp"
#include "server/trainer/learning_rate.hpp"
#include "server/trainer/surrogate_model.hpp"

namespace apiary::server {
namespace {

using Clock = std::chrono::steady_clock;

// Copies the samples' inputs and fields into two contiguous tensors.
std::pair<torch::Tensor, torch::Tensor> assemble(const std::vector<SamplePtr>& samples, std::size_t inputs,
                                                 std::size_t outputs) {
  const auto n = static_cast<long>(samples.size());
  auto x = torch::empty({n, static_cast<long>(inputs)}, torch::kFloat32);
  auto y = torch::empty({n, static_cast<long>(outputs)}, torch::kFloat32);
  float* xs = x.data_ptr<float>();
  float* ys = y.data_ptr<float>();
  for (std::size_t i = 0; i < samples.size(); ++i) {
    std::memcpy(xs + i * inputs, samples[i]->inputs.data(), inputs * sizeof(float));
    std::memcpy(ys + i * outputs, samples[i]->field.data(), outputs * sizeof(float));
  }
  return {x, y};
}

torch::Tensor tensor_of(const std::vector<float>& values) {
  return torch::from_blob(const_cast<float*>(values.data()), {static_cast<long>(values.size())}, torch::kFloat32)
      .clone();
}

nlohmann::json histogram_json(const std::map<std::uint32_t, std::uint64_t>& histogram) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [seen, count] : histogram) json[std::to_string(seen)] = count;
  return json;
}

}  // namespace

struct Trainer::Impl {
  TrainerOptions options;
  TrainerInputs io;
  std::size_t input_size;
  torch::jit::Module net;
  std::unique_ptr<torch::optim::Adam> optimizer;
  LearningRateSchedule schedule;
  Normalization normalization;
  torch::Tensor input_shift, input_scale, output_mean;
  float output_std = 1.0F;

  Impl(TrainerOptions opts, TrainerInputs inputs)
      : options(std::move(opts)), io(inputs), input_size(options.parameter_ranges.size() + 1) {
    if (options.threads > 0) torch::set_num_threads(options.threads);
    const auto& t = options.training;
    net = options.model_source.empty() ? make_mlp(input_size, t.hidden, options.output_size, t.seed)
                                       : load_model(options.model_source, input_size, options.output_size);
    net.train();
    optimizer = std::make_unique<torch::optim::Adam>(
        trainable_parameters(net), torch::optim::AdamOptions(t.learning_rate).weight_decay(t.weight_decay));
    schedule = {t.schedule, t.learning_rate, t.batches, t.milestones, t.gamma};
  }

  // Inputs: parameter ranges and time-step range mapped to [-1, 1].
  // Outputs: statistics of the training samples received so far.
  void freeze_normalization() {
    for (const auto& [low, high] : options.parameter_ranges) {
      normalization.input_shift.push_back(static_cast<float>((low + high) / 2));
      normalization.input_scale.push_back(static_cast<float>(2 / (high - low)));
    }
    const double last_step = std::max<double>(options.time_steps - 1, 1);
    normalization.input_shift.push_back(static_cast<float>(last_step / 2));
    normalization.input_scale.push_back(static_cast<float>(2 / last_step));
    std::tie(normalization.output_mean, normalization.output_std) = io.statistics.freeze();
    input_shift = tensor_of(normalization.input_shift);
    input_scale = tensor_of(normalization.input_scale);
    output_mean = tensor_of(normalization.output_mean);
    output_std = normalization.output_std;
    spdlog::info("output normalisation from {} samples: global standard deviation {:.4g}", io.statistics.count(),
                 output_std);
  }

  float train_step(const std::vector<SamplePtr>& samples, std::size_t batch) {
    auto [x, y] = assemble(samples, input_size, options.output_size);
    x = (x - input_shift) * input_scale;
    y = (y - output_mean) / output_std;
    const double rate = schedule.at(batch);
    for (auto& group : optimizer->param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
    }
    optimizer->zero_grad();
    auto loss = torch::mse_loss(net.forward({x}).toTensor(), y);
    loss.backward();
    optimizer->step();
    return loss.item<float>();
  }

  Validation validate() {
    const auto samples = io.validation.snapshot();
    Validation result;
    if (samples.empty()) return result;
    torch::NoGradGuard no_grad;
    constexpr std::size_t kChunk = 256;
    double squared_error = 0.0, squared_reference = 0.0;
    for (std::size_t begin = 0; begin < samples.size(); begin += kChunk) {
      const std::vector<SamplePtr> chunk(samples.begin() + static_cast<long>(begin),
                                         samples.begin() + static_cast<long>(std::min(samples.size(), begin + kChunk)));
      auto [x, y] = assemble(chunk, input_size, options.output_size);
      auto prediction = net.forward({(x - input_shift) * input_scale}).toTensor() * output_std + output_mean;
      squared_error += (prediction - y).pow(2).sum().item<double>();
      squared_reference += y.pow(2).sum().item<double>();
    }
    result.samples = samples.size();
    result.mse = squared_error / static_cast<double>(samples.size() * options.output_size);
    result.rel_l2 = squared_reference > 0 ? std::sqrt(squared_error / squared_reference) : 0.0;
    return result;
  }

  void write_training_metrics(std::size_t batch, std::uint64_t samples_trained, float loss, double seconds,
                              const std::pair<std::uint64_t, double>& window) {
    const auto stats = io.buffer.stats();
    nlohmann::json record = {
        {"batch", batch},
        {"samples_trained", samples_trained},
        {"loss", loss},
        {"learning_rate", schedule.at(batch)},
        {"samples_per_s", window.second > 0 ? static_cast<double>(window.first) / window.second : 0.0},
        {"batches_per_s", window.second > 0 ? static_cast<double>(options.metrics_every) / window.second : 0.0},
        {"training_seconds", seconds},
        {"buffer_size", stats.size},
        {"buffer_capacity", stats.capacity},
        {"puts", stats.puts},
        {"gets", stats.gets},
        {"put_get_inc", static_cast<std::int64_t>(stats.puts) - static_cast<std::int64_t>(stats.gets)},
        {"seen_histogram", histogram_json(stats.seen_histogram)},
    };
    if (io.reception_metrics) record["reception"] = io.reception_metrics();
    io.metrics.write("train", std::move(record));
  }

  void record_validation(std::size_t batch, const Validation& v) {
    io.metrics.write("validation", {{"batch", batch},
                                    {"validation_mse", v.mse},
                                    {"validation_rel_l2", v.rel_l2},
                                    {"validation_samples", v.samples}});
    spdlog::info("batch {}: validation mse {:.4g}, relative L2 {:.4g} over {} samples", batch, v.mse, v.rel_l2,
                 v.samples);
  }

  void export_model() {
    net.eval();
    auto surrogate = with_normalization(net, normalization);
    surrogate.save(options.model_output.string());
    // One validation sample through the exported module, kept so that any
    // other runtime can check it reproduces the server's prediction.
    const auto samples = io.validation.snapshot();
    if (samples.empty() || options.probe_output.empty()) return;
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

  TrainResult run() {
    TrainResult result;
    const auto& t = options.training;
    auto first = io.buffer.get(t.batch_size);  // blocks until the buffer is ready to serve
    if (first.empty()) {
      spdlog::warn("the stream ended before any training sample arrived: nothing to train");
      io.buffer.close();
      return result;
    }
    freeze_normalization();
    const auto start = Clock::now();
    auto window_start = start;
    std::uint64_t window_samples = 0;
    float loss = 0.0F;
    std::vector<SamplePtr> samples = std::move(first);
    while (true) {
      loss = train_step(samples, result.batches);
      ++result.batches;
      result.samples_trained += samples.size();
      window_samples += samples.size();
      if (!std::isfinite(loss))
        throw Error("training diverged: loss is " + std::to_string(loss) + " at batch " +
                    std::to_string(result.batches));
      if (result.batches % options.metrics_every == 0) {
        const auto now = Clock::now();
        write_training_metrics(result.batches, result.samples_trained, loss,
                               std::chrono::duration<double>(now - start).count(),
                               {window_samples, std::chrono::duration<double>(now - window_start).count()});
        window_start = now;
        window_samples = 0;
      }
      if (result.batches % t.validation_every == 0) record_validation(result.batches, validate());
      if (result.batches >= t.batches) break;
      samples = io.buffer.get(t.batch_size);
      if (samples.empty()) break;
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.samples_per_second = result.seconds > 0 ? static_cast<double>(result.samples_trained) / result.seconds : 0;
    // Reception must never block on a trainer that stopped: from here on
    // the buffer refuses samples (they are counted, not stored).
    io.buffer.close();
    result.validation = validate();
    record_validation(result.batches, result.validation);
    export_model();
    spdlog::info("trained {} batches, {} samples in {:.1f} s ({:.0f} samples/s), last loss {:.4g}", result.batches,
                 result.samples_trained, result.seconds, result.samples_per_second, loss);
    return result;
  }
};

Trainer::Trainer(TrainerOptions options, TrainerInputs inputs)
    : impl_(std::make_unique<Impl>(std::move(options), inputs)) {}
Trainer::~Trainer() = default;
TrainResult Trainer::run() { return impl_->run(); }

}  // namespace apiary::server
