#pragma once
// The network as a TorchScript module: the built-in MLP is defined in
// TorchScript so that the built-in and a user's scripted model train the
// same way and both export as one file that Python loads. Only the
// trainer's sources include this header (it pulls libtorch).
#include <torch/script.h>

#include <filesystem>
#include <vector>

#include "server/trainer/normalization.hpp"

namespace apiary::server {

// MLP inputs -> hidden... -> outputs, ReLU between layers, none at the end;
// PyTorch's default (Kaiming-uniform) initialisation, seeded.
torch::jit::Module make_mlp(std::size_t inputs, const std::vector<int>& hidden, std::size_t outputs,
                            std::uint64_t seed);

// A user's TorchScript model; checked to map [1, inputs] to [1, outputs].
torch::jit::Module load_model(const std::filesystem::path& file, std::size_t inputs, std::size_t outputs);

std::vector<torch::Tensor> trainable_parameters(const torch::jit::Module& net);

// The network wrapped with its normalisation: raw inputs -> raw field.
torch::jit::Module with_normalization(const torch::jit::Module& net, const Normalization& normalization);

}  // namespace apiary::server
