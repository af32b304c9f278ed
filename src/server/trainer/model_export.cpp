#include "server/trainer/model_export.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "server/trainer/batch_tensors.hpp"
#include "server/trainer/surrogate_model.hpp"

namespace apiary::server {

void export_model(DeviceModel& model, const ValidationSet& validation, Communicator& communicator,
                  const std::filesystem::path& model_output, const std::filesystem::path& probe_output) {
  model.net().eval();
  // Exported for the CPU, so that the file loads on any machine.
  auto surrogate = with_normalization(model.net(), model.normalization());
  surrogate.to(torch::kCPU);
  if (communicator.rank() == 0) surrogate.save(model_output.string());
  const auto samples = validation.snapshot();
  std::vector<std::int64_t> holders(static_cast<std::size_t>(communicator.size()), 0);
  holders[static_cast<std::size_t>(communicator.rank())] = samples.empty() ? 0 : 1;
  if (communicator.size() > 1) communicator.sum(holders);
  const auto writer = std::find(holders.begin(), holders.end(), 1) - holders.begin();
  if (writer != communicator.rank() || probe_output.empty()) return;
  torch::NoGradGuard no_grad;
  const auto& probe = samples.front();
  auto x = tensor_of(probe->inputs).unsqueeze(0);
  auto prediction = surrogate.forward({x}).toTensor().squeeze(0).contiguous();
  const float* p = prediction.data_ptr<float>();
  const nlohmann::json json = {{"simulation_id", probe->simulation_id},
                               {"time_step", probe->time_step},
                               {"inputs", probe->inputs},
                               {"prediction", std::vector<float>(p, p + prediction.numel())}};
  std::ofstream(probe_output) << json.dump() << '\n';
}

}  // namespace apiary::server
