#pragma once
// Which device a server rank trains on (server.device). Included only by
// the trainer's libtorch translation units.
#include <torch/torch.h>

#include "config/options.hpp"

namespace apiary::server {

// cpu; cuda: the node's GPU rank_on_node mod the GPUs libtorch sees (an
// apiary::Error when it sees none); automatic: cuda when there is a GPU,
// else cpu.
torch::Device choose_device(config::ComputeDevice setting, int rank_on_node);

}  // namespace apiary::server
