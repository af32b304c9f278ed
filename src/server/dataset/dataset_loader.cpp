#include "server/dataset/dataset_loader.hpp"

#include <algorithm>
#include <random>
#include <utility>

namespace apiary::server {

DatasetLoader::DatasetLoader(const std::filesystem::path& dir, const DatasetManifest& manifest, int rank, int ranks,
                             std::uint64_t seed)
    : manifest_(manifest), seed_(seed) {
  for (const auto& shard : manifest_.shards) {
    shards_.push_back(std::make_unique<ShardReader>(dir / shard.file, manifest_.layout, shard.records));
  }
  training_ = share(plan::Role::training, rank, ranks);
  validation_ = share(plan::Role::validation, rank, ranks);
}

DatasetLoader::~DatasetLoader() {
  // A thread blocked on a full buffer returns once the buffer is closed
  // (after an error elsewhere, training may not have closed it).
  if (buffer_ != nullptr) buffer_->close();
  if (thread_.joinable()) thread_.join();
}

std::vector<DatasetLoader::RecordRef> DatasetLoader::share(plan::Role role, int rank, int ranks) const {
  std::vector<RecordRef> refs;
  std::uint64_t position = 0;  // among the records of this role
  for (std::uint32_t s = 0; s < manifest_.shards.size(); ++s) {
    if (manifest_.shards[s].role != role) continue;
    for (std::uint64_t i = 0; i < manifest_.shards[s].records; ++i, ++position) {
      if (position % static_cast<std::uint64_t>(ranks) == static_cast<std::uint64_t>(rank)) refs.push_back({s, i});
    }
  }
  return refs;
}

SamplePtr DatasetLoader::load(const RecordRef& ref) const {
  return std::make_shared<const Sample>(shards_[ref.shard]->read(ref.index));
}

std::vector<SamplePtr> DatasetLoader::validation_samples() const {
  std::vector<SamplePtr> samples;
  samples.reserve(validation_.size());
  for (const auto& ref : validation_) samples.push_back(load(ref));
  return samples;
}

void DatasetLoader::for_each_training_sample(const std::function<void(const Sample&)>& visit) const {
  for (const auto& ref : training_) visit(shards_[ref.shard]->read(ref.index));
}

void DatasetLoader::start(TrainingBuffer& buffer) {
  buffer_ = &buffer;
  thread_ = std::thread([this, &buffer] {
    try {
      feed(buffer);
    } catch (...) {
      error_ = std::current_exception();
      buffer.close();  // the trainer must not wait for samples that will never come
    }
  });
}

void DatasetLoader::feed(TrainingBuffer& buffer) {
  if (training_.empty()) {
    buffer.close();
    return;
  }
  std::mt19937_64 rng(seed_);
  auto order = training_;
  for (;;) {
    std::shuffle(order.begin(), order.end(), rng);
    ++epochs_;
    for (const auto& ref : order) {
      if (!buffer.put(load(ref))) return;  // closed: training is over
      ++samples_loaded_;
    }
  }
}

void DatasetLoader::join() {
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

nlohmann::json DatasetLoader::counters() const {
  return {{"training_records", training_.size()},
          {"validation_records", validation_.size()},
          {"samples_loaded", samples_loaded_.load()},
          {"epochs", epochs_.load()}};
}

}  // namespace apiary::server
