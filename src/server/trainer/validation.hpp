#pragma once
// Validation on the held-out simulations: every rank evaluates the
// validation samples it received, and the sums cover the whole validation
// set. Included only by the trainer's libtorch translation units.
#include "server/parallel/communicator.hpp"
#include "server/samples/validation_set.hpp"
#include "server/trainer/device_model.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

// Collective: mean squared error and relative L2 error of the raw fields.
Validation validate(DeviceModel& model, const ValidationSet& validation, Communicator& communicator);

}  // namespace apiary::server
