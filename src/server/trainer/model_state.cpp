#include "server/trainer/model_state.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <mutex>
#include <sstream>
#include <string>
#include <type_traits>

#include "common/error.hpp"

namespace apiary::server {
namespace {

constexpr const char* kParameter = "parameter.";
constexpr const char* kBuffer = "buffer.";
constexpr const char* kOptimizer = "optimizer";
constexpr const char* kRandom = "cpu_random_state";

// The optimizer's state is keyed by the parameter's TensorImpl: a string of
// its address in libtorch 1.x, the address itself in 2.x.
template <class Optimizer>
const torch::optim::OptimizerParamState* state_of(const Optimizer& optimizer, const torch::Tensor& parameter) {
  using Key = typename std::decay_t<decltype(optimizer.state())>::key_type;
  auto* impl = parameter.unsafeGetTensorImpl();
  const auto& states = optimizer.state();
  typename std::decay_t<decltype(states)>::const_iterator found;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream key;
    key << impl;
    found = states.find(key.str());
  } else {
    found = states.find(impl);
  }
  return found == states.end() ? nullptr : found->second.get();
}

}  // namespace

std::filesystem::path model_state_file(const std::filesystem::path& checkpoint_dir) {
  return checkpoint_dir / "model.pt";
}

std::uint64_t save_model_state(const std::filesystem::path& file, const torch::jit::Module& net,
                               const torch::optim::Adam& optimizer) {
  torch::serialize::OutputArchive archive;
  for (const auto& parameter : net.named_parameters()) archive.write(kParameter + parameter.name, parameter.value);
  for (const auto& buffer : net.named_buffers()) archive.write(kBuffer + buffer.name, buffer.value, true);
  torch::serialize::OutputArchive optimizer_archive;
  optimizer.save(optimizer_archive);
  archive.write(kOptimizer, optimizer_archive);
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard lock(generator.mutex());
    archive.write(kRandom, generator.get_state(), true);
  }
  archive.save_to(file.string());
  return std::filesystem::file_size(file);
}

void load_model_state(const std::filesystem::path& file, torch::jit::Module& net, torch::optim::Adam& optimizer) {
  const auto parameters = net.parameters();
  const auto device = parameters.size() > 0 ? (*parameters.begin()).device() : torch::Device(torch::kCPU);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string(), device);
    torch::NoGradGuard no_grad;
    const auto restore = [&](const std::string& key, torch::Tensor target) {
      torch::Tensor saved;
      archive.read(key, saved, true);
      if (!saved.sizes().equals(target.sizes()))
        throw Error("checkpoint file " + file.string() + ": " + key + " has another shape than the model's");
      target.copy_(saved);
    };
    for (const auto& parameter : net.named_parameters()) restore(kParameter + parameter.name, parameter.value);
    for (const auto& buffer : net.named_buffers()) restore(kBuffer + buffer.name, buffer.value);
    torch::serialize::InputArchive optimizer_archive;
    archive.read(kOptimizer, optimizer_archive);
    optimizer.load(optimizer_archive);
    torch::Tensor random_state;
    archive.read(kRandom, random_state, true);
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard lock(generator.mutex());
    generator.set_state(random_state.to(torch::kCPU));
  } catch (const c10::Error& error) {
    throw Error("checkpoint file " + file.string() + " does not fit this model: " + error.what_without_backtrace());
  }
}

std::uint64_t adam_steps(const torch::optim::Adam& optimizer) {
  const auto& groups = optimizer.param_groups();
  if (groups.empty() || groups.front().params().empty()) return 0;
  const auto* state = state_of(optimizer, groups.front().params().front());
  return state == nullptr ? 0
                          : static_cast<std::uint64_t>(static_cast<const torch::optim::AdamParamState&>(*state).step());
}

}  // namespace apiary::server
