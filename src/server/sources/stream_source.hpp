#pragma once
// Online training's source of samples: the clients' streams, received by
// this rank's StreamReception into the training buffer configured by the
// study ([buffer]). Keeps checkpoints (fault_tolerance.checkpoint_every)
// and the rank's progress file, which the launcher watches.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "server/progress_file.hpp"
#include "server/sources/sample_source.hpp"
#include "server/stream_reception.hpp"

namespace apiary::server {

class StreamSource final : public SampleSource {
 public:
  // Collective: binds the rank's sockets and publishes them. With resume,
  // restores the rank's state from the run directory's latest checkpoint,
  // if there is one.
  StreamSource(Communicator& communicator, const config::StudyConfig& study, const std::filesystem::path& plan_file,
               const std::filesystem::path& run_dir, bool resume);

  Resumption resumption() const override { return resumption_; }
  void start(const std::atomic<std::uint64_t>& batches_done) override;
  // Also writes the progress file a last time, with the final counts.
  void join() override;

  nlohmann::json metrics() const override { return stream_->metrics(); }
  ReceptionOutcome outcome() const override { return stream_->outcome(); }
  std::uint64_t samples_refused_after_training() const override { return refused_after_training_.load(); }
  config::BufferKind buffer_kind() const override { return buffer_kind_; }

  bool full_buffer_forces_step() const override { return true; }
  std::uint64_t checkpoint_every() const override { return checkpoint_every_; }
  RankStateSaver rank_state_saver() override;

 private:
  Communicator& communicator_;
  std::filesystem::path run_dir_;
  config::BufferKind buffer_kind_;
  std::uint64_t checkpoint_every_;
  Resumption resumption_;
  std::atomic<std::uint64_t> refused_after_training_{0};
  std::unique_ptr<StreamReception> stream_;
  std::unique_ptr<ProgressFile> progress_;  // from start() to join()
};

}  // namespace apiary::server
