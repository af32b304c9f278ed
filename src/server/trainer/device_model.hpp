#pragma once
// The network one rank trains, on the rank's device, with the
// normalisation it trains under kept as tensors on that device. The step,
// the validation and the export share it. Included only by the trainer's
// libtorch translation units.
#include <torch/script.h>
#include <torch/torch.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "server/samples/sample.hpp"
#include "server/trainer/normalization.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

class DeviceModel {
 public:
  // The built-in MLP (no options.model_source) or the user's TorchScript
  // model, on the device, in training mode.
  DeviceModel(const TrainerOptions& options, torch::Device device);

  torch::jit::Module& net() { return net_; }
  const torch::jit::Module& net() const { return net_; }
  torch::Device device() const { return device_; }

  const Normalization& normalization() const { return normalization_; }
  void set_normalization(Normalization normalization);

  // The samples' raw inputs and fields on the device.
  std::pair<torch::Tensor, torch::Tensor> assemble(const std::vector<SamplePtr>& samples) const;
  // Raw to normalised inputs, raw to normalised fields, and back.
  torch::Tensor scale_inputs(const torch::Tensor& x) const { return (x - input_shift_) * input_scale_; }
  torch::Tensor scale_fields(const torch::Tensor& y) const { return (y - output_mean_) / output_std_; }
  torch::Tensor unscale_fields(const torch::Tensor& y) const { return y * output_std_ + output_mean_; }

  std::size_t output_size() const { return output_size_; }

 private:
  std::size_t input_size_;
  std::size_t output_size_;
  torch::Device device_;
  torch::jit::Module net_;
  Normalization normalization_;
  torch::Tensor input_shift_, input_scale_, output_mean_;
  float output_std_ = 1.0F;
};

}  // namespace apiary::server
