#include "server/trainer/surrogate_model.hpp"

#include <torch/torch.h>

#include <sstream>

#include "common/error.hpp"

namespace apiary::server {
namespace {

torch::Tensor to_tensor(const std::vector<float>& values) {
  return torch::from_blob(const_cast<float*>(values.data()), {static_cast<long>(values.size())}, torch::kFloat32)
      .clone();
}

}  // namespace

torch::jit::Module make_mlp(std::size_t inputs, const std::vector<int>& hidden, std::size_t outputs,
                            std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::jit::Module net("ApiaryMlp");
  std::vector<long> widths{static_cast<long>(inputs)};
  for (int h : hidden) widths.push_back(h);
  widths.push_back(static_cast<long>(outputs));

  std::ostringstream forward;
  forward << "def forward(self, x):\n    h = x\n";
  for (std::size_t layer = 0; layer + 1 < widths.size(); ++layer) {
    torch::nn::Linear linear(widths[layer], widths[layer + 1]);  // for its default initialisation
    const auto w = "w" + std::to_string(layer), b = "b" + std::to_string(layer);
    net.register_parameter(w, linear->weight.detach().clone(), false);
    net.register_parameter(b, linear->bias.detach().clone(), false);
    forward << "    h = torch.linear(h, self." << w << ", self." << b << ")\n";
    if (layer + 2 < widths.size()) forward << "    h = torch.relu(h)\n";
  }
  forward << "    return h\n";
  net.define(forward.str());
  return net;
}

torch::jit::Module load_model(const std::filesystem::path& file, std::size_t inputs, std::size_t outputs) {
  torch::jit::Module net;
  try {
    net = torch::jit::load(file.string());
  } catch (const c10::Error& error) {
    throw Error("training.model: cannot load TorchScript model " + file.string() + ": " +
                error.what_without_backtrace());
  }
  torch::NoGradGuard no_grad;
  torch::Tensor out;
  try {
    out = net.forward({torch::zeros({1, static_cast<long>(inputs)})}).toTensor();
  } catch (const std::exception& error) {
    throw Error("training.model: " + file.string() + " does not accept a [1, " + std::to_string(inputs) +
                "] float tensor: " + error.what());
  }
  if (out.dim() != 2 || out.size(0) != 1 || out.size(1) != static_cast<long>(outputs)) {
    std::ostringstream shape;
    shape << out.sizes();
    throw Error("training.model: " + file.string() + " maps [1, " + std::to_string(inputs) + "] to " + shape.str() +
                ", the study needs [1, " + std::to_string(outputs) + "]");
  }
  return net;
}

std::vector<torch::Tensor> trainable_parameters(const torch::jit::Module& net) {
  std::vector<torch::Tensor> parameters;
  for (auto parameter : net.parameters()) {
    parameter.set_requires_grad(true);
    parameters.push_back(parameter);
  }
  if (parameters.empty()) throw Error("training.model: the model has no parameters to train");
  return parameters;
}

torch::jit::Module with_normalization(const torch::jit::Module& net, const Normalization& normalization) {
  torch::jit::Module surrogate("ApiarySurrogate");
  surrogate.register_module("net", net.clone());
  surrogate.register_buffer("input_shift", to_tensor(normalization.input_shift));
  surrogate.register_buffer("input_scale", to_tensor(normalization.input_scale));
  surrogate.register_buffer("output_mean", to_tensor(normalization.output_mean));
  surrogate.register_buffer("output_std", torch::tensor({normalization.output_std}));
  surrogate.define(R"(
def forward(self, x):
    y = self.net.forward((x - self.input_shift) * self.input_scale)
    return y * self.output_std + self.output_mean
)");
  for (auto parameter : surrogate.parameters()) parameter.set_requires_grad(false);
  return surrogate;
}

}  // namespace apiary::server
