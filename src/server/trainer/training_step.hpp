#pragma once
// One optimizer step of a rank on the global batch: the learning rate of
// the schedule, the forward and backward passes on the rank's share, the
// gradients averaged over the ranks (with more than one), Adam's update.
// Included only by the trainer's libtorch translation units.
#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "config/study_config.hpp"
#include "server/parallel/communicator.hpp"
#include "server/samples/sample.hpp"
#include "server/trainer/device_model.hpp"
#include "server/trainer/gradient_averager.hpp"
#include "server/trainer/learning_rate.hpp"

namespace apiary::server {

class TrainingStep {
 public:
  // Collective with more than one rank: every rank starts from rank 0's
  // weights.
  TrainingStep(DeviceModel& model, const config::TrainingSection& training, Communicator& communicator);

  // One optimizer step on the global batch of global_samples, of which
  // this rank holds samples (possibly none); batch counts the steps done
  // before it. Returns this rank's mean loss.
  float run(const std::vector<SamplePtr>& samples, std::size_t batch, std::uint64_t global_samples);

  double learning_rate(std::size_t batch) const { return schedule_.at(batch); }
  torch::optim::Adam& optimizer() { return *optimizer_; }
  // Seconds waited for the other ranks' gradients since the last call.
  double take_gradient_wait_seconds() { return averager_ ? averager_->take_wait_seconds() : 0.0; }

 private:
  DeviceModel& model_;
  std::unique_ptr<GradientAverager> averager_;  // with more than one rank
  std::unique_ptr<torch::optim::Adam> optimizer_;
  LearningRateSchedule schedule_;
};

}  // namespace apiary::server
