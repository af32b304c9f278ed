#pragma once
// Samples as libtorch tensors: a batch's inputs and fields stacked, and one
// vector copied. Included only by the trainer's libtorch translation units.
#include <torch/torch.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "server/samples/sample.hpp"

namespace apiary::server {

// The samples' inputs and fields as two [samples, size] tensors on the
// device. For a GPU the host tensors are pinned (libtorch caches pinned
// blocks), so the copies run asynchronously.
std::pair<torch::Tensor, torch::Tensor> assemble(const std::vector<SamplePtr>& samples, std::size_t inputs,
                                                 std::size_t outputs, torch::Device device);

// A copy of the values on the device.
torch::Tensor tensor_of(const std::vector<float>& values, torch::Device device = torch::kCPU);

}  // namespace apiary::server
