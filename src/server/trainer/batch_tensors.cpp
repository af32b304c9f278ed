#include "server/trainer/batch_tensors.hpp"

#include <cstring>

namespace apiary::server {

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

torch::Tensor tensor_of(const std::vector<float>& values, torch::Device device) {
  return torch::from_blob(const_cast<float*>(values.data()), {static_cast<long>(values.size())}, torch::kFloat32)
      .to(device, /*non_blocking=*/false, /*copy=*/true);
}

}  // namespace apiary::server
