#include "server/trainer/validation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace apiary::server {

Validation validate(DeviceModel& model, const ValidationSet& validation, Communicator& communicator) {
  const auto samples = validation.snapshot();
  torch::NoGradGuard no_grad;
  constexpr std::size_t kChunk = 256;
  std::array<double, 3> sums{0.0, 0.0, static_cast<double>(samples.size())};  // error², reference², samples
  for (std::size_t begin = 0; begin < samples.size(); begin += kChunk) {
    const std::vector<SamplePtr> chunk(samples.begin() + static_cast<long>(begin),
                                       samples.begin() + static_cast<long>(std::min(samples.size(), begin + kChunk)));
    auto [x, y] = model.assemble(chunk);
    auto prediction = model.unscale_fields(model.net().forward({model.scale_inputs(x)}).toTensor());
    sums[0] += (prediction - y).pow(2).sum().item<double>();
    sums[1] += y.pow(2).sum().item<double>();
  }
  if (communicator.size() > 1) communicator.sum(sums);
  Validation result;
  result.samples = static_cast<std::size_t>(sums[2]);
  if (result.samples == 0) return result;
  result.mse = sums[0] / (sums[2] * static_cast<double>(model.output_size()));
  result.rel_l2 = sums[1] > 0 ? std::sqrt(sums[0] / sums[1]) : 0.0;
  return result;
}

}  // namespace apiary::server
