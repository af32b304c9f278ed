#include "server/trainer/device_model.hpp"

#include "server/trainer/batch_tensors.hpp"
#include "server/trainer/surrogate_model.hpp"

namespace apiary::server {

DeviceModel::DeviceModel(const TrainerOptions& options, torch::Device device)
    : input_size_(options.parameter_ranges.size() + 1), output_size_(options.output_size), device_(device) {
  const auto& t = options.training;
  net_ = options.model_source.empty() ? make_mlp(input_size_, t.hidden, output_size_, t.seed)
                                      : load_model(options.model_source, input_size_, output_size_);
  net_.to(device_);
  net_.train();
}

void DeviceModel::set_normalization(Normalization normalization) {
  normalization_ = std::move(normalization);
  input_shift_ = tensor_of(normalization_.input_shift, device_);
  input_scale_ = tensor_of(normalization_.input_scale, device_);
  output_mean_ = tensor_of(normalization_.output_mean, device_);
  output_std_ = normalization_.output_std;
}

std::pair<torch::Tensor, torch::Tensor> DeviceModel::assemble(const std::vector<SamplePtr>& samples) const {
  return server::assemble(samples, input_size_, output_size_, device_);
}

}  // namespace apiary::server
