#include "server/trainer/gradient_averager.hpp"

#include <chrono>

#include "common/error.hpp"

namespace apiary::server {

GradientAverager::GradientAverager(std::vector<torch::Tensor> parameters, Communicator& communicator,
                                   std::size_t bucket_bytes)
    : parameters_(std::move(parameters)), communicator_(communicator) {
  // Backward meets the parameters roughly in reverse order of definition:
  // filling buckets in that order lets the first buckets start early.
  const std::size_t bucket_values = std::max<std::size_t>(1, bucket_bytes / sizeof(float));
  std::vector<std::size_t> offsets(parameters_.size());
  slots_.resize(parameters_.size());
  for (std::size_t k = parameters_.size(); k-- > 0;) {
    const auto values = static_cast<std::size_t>(parameters_[k].numel());
    if (buckets_.empty() ||
        (buckets_.back().values.size() > 0 && buckets_.back().values.size() + values > bucket_values))
      buckets_.emplace_back();
    Bucket& bucket = buckets_.back();
    offsets[k] = bucket.values.size();
    bucket.values.resize(bucket.values.size() + values);
    ++bucket.parameters;
    slots_[k].bucket = buckets_.size() - 1;
  }
  // Views are made once the buckets stopped growing.
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    auto& values = buckets_[slots_[k].bucket].values;
    slots_[k].view = torch::from_blob(values.data() + offsets[k], parameters_[k].sizes(), torch::kFloat32);
    parameters_[k].register_hook([this, k](const torch::Tensor& gradient) { on_gradient(k, gradient); });
  }
}

void GradientAverager::broadcast_parameters() {
  torch::NoGradGuard no_grad;
  for (auto& parameter : parameters_) {
    if (!parameter.is_contiguous() || parameter.scalar_type() != torch::kFloat32)
      throw Error("data-parallel training needs contiguous float32 parameters");
    // MPI moves host memory: a GPU's parameters go through a host copy.
    auto host = parameter.to(torch::kCPU);
    communicator_.broadcast(std::span(host.data_ptr<float>(), static_cast<std::size_t>(host.numel())), 0);
    if (!parameter.is_cpu()) parameter.copy_(host);
  }
}

void GradientAverager::begin_step() {
  for (auto& parameter : parameters_) parameter.mutable_grad() = torch::Tensor();
  for (auto& bucket : buckets_) bucket.ready = 0;
  next_to_start_ = 0;
}

void GradientAverager::on_gradient(std::size_t parameter, const torch::Tensor& gradient) {
  slots_[parameter].view.copy_(gradient);
  ++buckets_[slots_[parameter].bucket].ready;
  if (std::this_thread::get_id() != owner_) return;
  start_ready_buckets();
  communicator_.progress();
}

void GradientAverager::start_ready_buckets() {
  // In bucket order only: collectives must be issued in the same order on
  // every rank, whatever order this rank's gradients came in.
  while (next_to_start_ < buckets_.size() && buckets_[next_to_start_].ready == buckets_[next_to_start_].parameters) {
    auto& values = buckets_[next_to_start_].values;
    communicator_.start_sum(std::span(values.data(), values.size()));
    ++next_to_start_;
  }
}

void GradientAverager::finish_step() {
  // A parameter that got no gradient (a rank without samples, or a branch
  // the model did not use) contributes zeros.
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    if (parameters_[k].grad().defined()) continue;
    slots_[k].view.zero_();
    ++buckets_[slots_[k].bucket].ready;
  }
  start_ready_buckets();
  const auto waiting = std::chrono::steady_clock::now();
  communicator_.wait_all();
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - waiting).count();
  // On a GPU each summed slice goes back to the parameter's device.
  for (std::size_t k = 0; k < parameters_.size(); ++k)
    parameters_[k].mutable_grad() = slots_[k].view.to(parameters_[k].device());
}

}  // namespace apiary::server
