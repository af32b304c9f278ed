#include "server/trainer/compute_device.hpp"

#include "common/error.hpp"

namespace apiary::server {

torch::Device choose_device(config::ComputeDevice setting, int rank_on_node) {
  if (setting == config::ComputeDevice::cpu) return torch::kCPU;
  const bool has_gpu = torch::cuda::is_available();
  if (setting == config::ComputeDevice::automatic && !has_gpu) return torch::kCPU;
  if (!has_gpu)
    throw Error(
        "server.device = \"cuda\", but libtorch sees no CUDA GPU (a CPU-only libtorch, or no GPU visible to this "
        "process): use \"auto\" or \"cpu\"");
  // Ranks of one node share its GPUs round-robin: one rank per GPU when
  // the study starts as many ranks as the node has GPUs.
  const auto gpus = static_cast<int>(torch::cuda::device_count());
  return {torch::kCUDA, static_cast<c10::DeviceIndex>(rank_on_node % gpus)};
}

}  // namespace apiary::server
