#include "bare_training_loop.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "server/trainer/surrogate_model.hpp"

namespace apiary::bench {

struct BareTrainingLoop::Impl {
  BareLoopOptions options;
  torch::jit::Module net;
  std::unique_ptr<torch::optim::Adam> optimizer;
  torch::Tensor pool_inputs, pool_outputs;

  explicit Impl(const BareLoopOptions& opts) : options(opts) {
    torch::set_num_threads(options.threads);
    // The server's own model (same TorchScript definition) and optimizer.
    net = server::make_mlp(options.inputs, options.hidden, options.outputs, options.seed);
    net.train();
    optimizer = std::make_unique<torch::optim::Adam>(server::trainable_parameters(net),
                                                     torch::optim::AdamOptions(options.learning_rate));
    const auto pool = static_cast<long>(std::max(options.pool_samples, options.batch));
    // Inputs as the server feeds them after normalisation (in [-1, 1]),
    // targets standardised.
    pool_inputs = torch::rand({pool, static_cast<long>(options.inputs)}) * 2 - 1;
    pool_outputs = torch::randn({pool, static_cast<long>(options.outputs)});
  }

  // One optimizer step on a random batch gathered from the pool: one copy
  // per sample, like the server's assembly from its buffer.
  void step() {
    const auto rows = torch::randint(pool_inputs.size(0), {static_cast<long>(options.batch)}, torch::kLong);
    const auto x = pool_inputs.index_select(0, rows);
    const auto y = pool_outputs.index_select(0, rows);
    optimizer->zero_grad();
    auto loss = torch::mse_loss(net.forward({x}).toTensor(), y);
    loss.backward();
    optimizer->step();
    if (!std::isfinite(loss.item<float>())) throw std::runtime_error("the bare training loop diverged");
  }

  TimedRun run(std::uint64_t min_batches, double seconds) {
    using Clock = std::chrono::steady_clock;
    TimedRun result;
    const auto start = Clock::now();
    while (true) {
      step();
      ++result.batches;
      result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (result.batches >= min_batches && result.seconds >= seconds) break;
    }
    result.samples = result.batches * options.batch;
    return result;
  }
};

BareTrainingLoop::BareTrainingLoop(const BareLoopOptions& options) : impl_(std::make_unique<Impl>(options)) {}
BareTrainingLoop::~BareTrainingLoop() = default;
TimedRun BareTrainingLoop::run(std::uint64_t min_batches, double seconds) { return impl_->run(min_batches, seconds); }
int BareTrainingLoop::torch_threads() const { return torch::get_num_threads(); }

}  // namespace apiary::bench
