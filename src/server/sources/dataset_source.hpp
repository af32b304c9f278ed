#pragma once
// Offline training's source of samples: this rank's share of a recorded
// dataset, fed by a DatasetLoader, epoch after epoch, through a FIFO a few
// batches deep. The output statistics come from every training sample of
// the share (online training has only those received before its first
// batch). Nothing comes from the network; no checkpoints, no progress file.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "server/dataset/dataset_loader.hpp"
#include "server/ingest/gatekeeper.hpp"
#include "server/ingest/ingest.hpp"
#include "server/sources/sample_source.hpp"

namespace apiary::server {

class DatasetSource final : public SampleSource {
 public:
  // Throws apiary::Error when the dataset was recorded for another study.
  // resume is refused with a note: offline training keeps no checkpoints.
  DatasetSource(Communicator& communicator, const config::StudyConfig& study, const std::filesystem::path& dir,
                bool resume);

  Resumption resumption() const override { return {}; }
  void start(const std::atomic<std::uint64_t>& batches_done) override;
  void join() override { loader_->join(); }

  nlohmann::json metrics() const override { return loader_->counters(); }
  ReceptionOutcome outcome() const override {
    return {.ingest = no_messages_, .connections = no_connections_, .failed_simulations = no_failures_};
  }
  std::uint64_t samples_refused_after_training() const override { return 0; }
  void add_to_rank_summary(nlohmann::json& summary) const override;
  void add_to_summary(nlohmann::json& summary, const std::vector<nlohmann::json>& ranks) const override;
  config::BufferKind buffer_kind() const override { return config::BufferKind::fifo; }

  // The rank's own loader fills its buffer, which a full buffer cannot
  // deadlock: waiting keeps every rank's share of each epoch exact.
  bool full_buffer_forces_step() const override { return false; }
  std::uint64_t checkpoint_every() const override { return 0; }
  RankStateSaver rank_state_saver() override { return {}; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<DatasetLoader> loader_;
  const IngestCounters no_messages_{};
  const ConnectionCounters no_connections_{};
  const std::set<std::uint32_t> no_failures_{};
};

}  // namespace apiary::server
