#pragma once
// Offline training's data source: feeds one server rank's training buffer
// from a recorded dataset, epoch after epoch, each epoch in a new random
// order, from a thread of its own (as the receiver thread feeds it online).
// Shards are memory-mapped once; no file is opened per sample.
//
// Rank r of R takes every R-th record (r, r + R, ...) of the training
// records and of the validation records, in manifest order, so any number
// of server ranks can train from any recording.
#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "server/buffer/training_buffer.hpp"
#include "server/dataset/dataset_manifest.hpp"
#include "server/dataset/shard_reader.hpp"

namespace apiary::server {

class DatasetLoader {
 public:
  // Maps every shard listed in the manifest; throws apiary::Error naming a
  // shard that is missing or does not match its record count.
  DatasetLoader(const std::filesystem::path& dir, const DatasetManifest& manifest, int rank, int ranks,
                std::uint64_t seed);
  ~DatasetLoader();
  DatasetLoader(const DatasetLoader&) = delete;
  DatasetLoader& operator=(const DatasetLoader&) = delete;

  // This rank's share of the held-out samples.
  std::vector<SamplePtr> validation_samples() const;
  // This rank's training samples once, in record order (for statistics).
  void for_each_training_sample(const std::function<void(const Sample&)>& visit) const;
  std::uint64_t training_records() const { return training_.size(); }

  // Starts the thread. It puts this rank's training samples into buffer,
  // blocking while the buffer is full, until the buffer refuses them (the
  // trainer closed it); with no training sample it closes the buffer. The
  // buffer must outlive the loader, which closes it when destroyed.
  void start(TrainingBuffer& buffer);
  // Waits for the thread; rethrows what it threw.
  void join();

  // For the metrics and the summary: training records, samples put, epochs begun.
  nlohmann::json counters() const;

 private:
  struct RecordRef {
    std::uint32_t shard = 0;
    std::uint64_t index = 0;
  };
  std::vector<RecordRef> share(plan::Role role, int rank, int ranks) const;
  SamplePtr load(const RecordRef& ref) const;
  void feed(TrainingBuffer& buffer);

  const DatasetManifest manifest_;
  std::vector<std::unique_ptr<ShardReader>> shards_;  // manifest order
  std::vector<RecordRef> training_;
  std::vector<RecordRef> validation_;
  std::uint64_t seed_;
  TrainingBuffer* buffer_ = nullptr;  // the one fed, once started
  std::atomic<std::uint64_t> samples_loaded_{0};
  std::atomic<std::uint64_t> epochs_{0};
  std::thread thread_;
  std::exception_ptr error_;
};

}  // namespace apiary::server
