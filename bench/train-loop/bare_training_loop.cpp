#include "bare_training_loop.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "common/elapsed.hpp"
#include "server/trainer/compute_device.hpp"
#include "server/trainer/surrogate_model.hpp"

namespace apiary::bench {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

struct BareTrainingLoop::Impl {
  BareLoopOptions options;
  torch::Device device;
  torch::jit::Module net;
  std::unique_ptr<torch::optim::Adam> optimizer;
  torch::Tensor pool_inputs, pool_outputs;

  explicit Impl(const BareLoopOptions& opts) : options(opts), device(server::choose_device(opts.device, 0)) {
    torch::set_num_threads(options.threads);
    // The server's own model (same TorchScript definition) and optimizer.
    net = server::make_mlp(options.inputs, options.hidden, options.outputs, options.seed);
    net.to(device);
    net.train();
    optimizer = std::make_unique<torch::optim::Adam>(server::trainable_parameters(net),
                                                     torch::optim::AdamOptions(options.learning_rate));
    const auto pool = static_cast<long>(std::max(options.pool_samples, options.batch));
    // Inputs as the server feeds them after normalisation (in [-1, 1]),
    // targets standardised.
    const auto where = options.batches_from_host ? torch::Device(torch::kCPU) : device;
    pool_inputs = torch::rand({pool, static_cast<long>(options.inputs)}, where) * 2 - 1;
    pool_outputs = torch::randn({pool, static_cast<long>(options.outputs)}, where);
  }

  // A random batch gathered from the pool: one copy per sample, like the
  // server's assembly from its buffer; from the host through pinned memory
  // when batches_from_host.
  std::pair<torch::Tensor, torch::Tensor> draw_batch() {
    const auto batch = static_cast<long>(options.batch);
    const auto rows = torch::randint(pool_inputs.size(0), {batch}, pool_inputs.options().dtype(torch::kLong));
    if (pool_inputs.device() == device) return {pool_inputs.index_select(0, rows), pool_outputs.index_select(0, rows)};
    const auto pinned = torch::TensorOptions().dtype(torch::kFloat32).pinned_memory(true);
    auto x = torch::empty({batch, pool_inputs.size(1)}, pinned);
    auto y = torch::empty({batch, pool_outputs.size(1)}, pinned);
    torch::index_select_out(x, pool_inputs, 0, rows);
    torch::index_select_out(y, pool_outputs, 0, rows);
    return {x.to(device, /*non_blocking=*/true), y.to(device, /*non_blocking=*/true)};
  }

  // One optimizer step. Reading the loss (as the server does, to stop on
  // divergence) waits for the device, so the wall clock times whole steps.
  void step() {
    const auto [x, y] = draw_batch();
    optimizer->zero_grad();
    auto loss = torch::mse_loss(net.forward({x}).toTensor(), y);
    loss.backward();
    optimizer->step();
    if (!std::isfinite(loss.item<float>())) throw std::runtime_error("the bare training loop diverged");
  }

  TimedRun run(std::uint64_t min_batches, double seconds) {
    TimedRun result;
    const auto start = Clock::now();
    while (true) {
      step();
      ++result.batches;
      result.seconds = seconds_since(start);
      if (result.batches >= min_batches && result.seconds >= seconds) break;
    }
    result.samples = result.batches * options.batch;
    return result;
  }

  double matmul_flops_per_second(int n) const {
    torch::NoGradGuard no_grad;
    const auto a = torch::randn({n, n}, torch::TensorOptions(device)), b = torch::randn({n, n}, a.options());
    auto product = torch::mm(a, b);
    std::vector<double> rates;
    for (int repeat = 0; repeat < 7; ++repeat) {
      (void)product.sum().item<float>();  // the device is idle when the clock starts
      const auto start = Clock::now();
      constexpr int kProducts = 5;
      for (int k = 0; k < kProducts; ++k) product = torch::mm(a, b);
      (void)product.sum().item<float>();
      rates.push_back(kProducts * 2.0 * std::pow(static_cast<double>(n), 3) / seconds_since(start));
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
  }
};

BareTrainingLoop::BareTrainingLoop(const BareLoopOptions& options) : impl_(std::make_unique<Impl>(options)) {}
BareTrainingLoop::~BareTrainingLoop() = default;
TimedRun BareTrainingLoop::run(std::uint64_t min_batches, double seconds) { return impl_->run(min_batches, seconds); }
int BareTrainingLoop::torch_threads() const { return torch::get_num_threads(); }
std::string BareTrainingLoop::device() const { return impl_->device.str(); }
double BareTrainingLoop::matmul_flops_per_second(int n) const { return impl_->matmul_flops_per_second(n); }

}  // namespace apiary::bench
