#include "server/sources/dataset_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "plan/study_plan.hpp"
#include "server/dataset/dataset_manifest.hpp"

namespace apiary::server {
namespace {

// A FIFO a few batches deep between the loader, which shuffles each epoch,
// and the trainer, so that every sample is trained once per epoch in the
// loader's order.
std::unique_ptr<TrainingBuffer> prefetch_buffer(const config::StudyConfig& study, const Communicator& communicator) {
  constexpr std::size_t kPrefetchBatches = 8;
  const auto local_batch = study.training.batch_size / static_cast<std::size_t>(communicator.size());
  return make_buffer({.kind = config::BufferKind::fifo,
                      .capacity = kPrefetchBatches * std::max<std::size_t>(local_batch, 1),
                      .watermark = 0,
                      .pseudo_epochs = 1,
                      .seed = study.training.seed + communicator.rank(),
                      .max_serves = 0});
}

}  // namespace

DatasetSource::DatasetSource(Communicator& communicator, const config::StudyConfig& study,
                             const std::filesystem::path& dir, bool resume)
    : SampleSource(prefetch_buffer(study, communicator), study.client.field_size), dir_(dir) {
  if (resume) spdlog::info("--resume: offline training keeps no checkpoints, starting afresh");
  const auto manifest = read_manifest(dir);
  require_matching_study(manifest, study, dir);
  loader_ = std::make_unique<DatasetLoader>(dir, manifest, communicator.rank(), communicator.size(),
                                            study.training.seed + communicator.rank());
  auto& rank = samples();
  for (auto& sample : loader_->validation_samples()) rank.validation.add(std::move(sample));
  loader_->for_each_training_sample([&rank](const Sample& sample) { rank.statistics.add(sample); });
  spdlog::info("rank {}: training from dataset {}: {} training and {} validation records of {} in all",
               communicator.rank(), dir.string(), loader_->training_records(), rank.validation.snapshot().size(),
               manifest.records(plan::Role::training) + manifest.records(plan::Role::validation));
}

void DatasetSource::start(const std::atomic<std::uint64_t>& /*batches_done*/) { loader_->start(*samples().buffer); }

void DatasetSource::add_to_rank_summary(nlohmann::json& summary) const { summary["dataset"] = loader_->counters(); }

void DatasetSource::add_to_summary(nlohmann::json& summary, const std::vector<nlohmann::json>& ranks) const {
  summary["dataset"] = combine_dataset_counters(ranks, std::filesystem::absolute(dir_));
}

}  // namespace apiary::server
