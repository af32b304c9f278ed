#include "server/trainer/training_step.hpp"

#include "server/trainer/surrogate_model.hpp"

namespace apiary::server {
namespace {

// Gradient buckets of a few MB: the last layer's gradient (computed first)
// is summed while backward computes the earlier layers.
constexpr std::size_t kBucketBytes = 4u << 20;

}  // namespace

TrainingStep::TrainingStep(DeviceModel& model, const config::TrainingSection& training, Communicator& communicator)
    : model_(model),
      schedule_{.kind = training.schedule,
                .initial = training.learning_rate,
                .total_batches = training.batches,
                .milestones = training.milestones,
                .gamma = training.gamma} {
  if (communicator.size() > 1) {
    averager_ = std::make_unique<GradientAverager>(trainable_parameters(model.net()), communicator, kBucketBytes);
    averager_->broadcast_parameters();
  }
  optimizer_ = std::make_unique<torch::optim::Adam>(
      trainable_parameters(model.net()),
      torch::optim::AdamOptions(training.learning_rate).weight_decay(training.weight_decay));
}

float TrainingStep::run(const std::vector<SamplePtr>& samples, std::size_t batch, std::uint64_t global_samples) {
  const double rate = schedule_.at(batch);
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
  }
  if (averager_) {
    averager_->begin_step();
  } else {
    optimizer_->zero_grad();
  }
  float loss_value = 0.0F;
  if (!samples.empty()) {
    auto [x, y] = model_.assemble(samples);
    x = model_.scale_inputs(x);
    y = model_.scale_fields(y);
    auto loss = torch::mse_loss(model_.net().forward({x}).toTensor(), y);
    loss_value = loss.item<float>();
    if (averager_) loss = loss * GradientAverager::loss_scale(samples.size(), global_samples);
    loss.backward();
  }
  if (averager_) averager_->finish_step();
  optimizer_->step();
  return loss_value;
}

}  // namespace apiary::server
