#pragma once
// The trained model as the user gets it: model.pt, the network with its
// normalisation, for the CPU, and the probe, one validation prediction of
// that file that any other runtime can check it reproduces. Included only
// by the trainer's libtorch translation units.
#include <filesystem>

#include "server/parallel/communicator.hpp"
#include "server/samples/validation_set.hpp"
#include "server/trainer/device_model.hpp"

namespace apiary::server {

// Collective: rank 0 exports the model to model_output; the first rank
// holding a validation sample writes the probe to probe_output (none when
// empty). Leaves the network in evaluation mode.
void export_model(DeviceModel& model, const ValidationSet& validation, Communicator& communicator,
                  const std::filesystem::path& model_output, const std::filesystem::path& probe_output);

}  // namespace apiary::server
