#pragma once
// Where a server rank's samples come from, behind one interface so that
// the server trains from either the same way: the clients' streams
// (StreamSource, online training) or a recorded dataset (DatasetSource,
// the second phase of `apiary offline`). A source owns what it fills: the
// rank's training buffer, validation set and field statistics.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/study_config.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/parallel/communicator.hpp"
#include "server/samples/field_statistics.hpp"
#include "server/samples/validation_set.hpp"
#include "server/server_summary.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

// What a rank trains from.
struct RankSamples {
  RankSamples(std::unique_ptr<TrainingBuffer> training_buffer, std::size_t field_size)
      : buffer(std::move(training_buffer)), statistics(field_size) {}
  std::unique_ptr<TrainingBuffer> buffer;
  ValidationSet validation;
  FieldStatistics statistics;
};

// The checkpoint training continues from: none (an empty path) to start
// afresh.
struct Resumption {
  std::filesystem::path checkpoint;
  std::optional<std::uint64_t> batch;  // the optimizer steps it holds
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  SampleSource(const SampleSource&) = delete;
  SampleSource& operator=(const SampleSource&) = delete;

  RankSamples& samples() { return samples_; }
  const RankSamples& samples() const { return samples_; }

  virtual Resumption resumption() const = 0;
  // Starts filling samples() from a thread of its own. batches_done: the
  // trainer's count, which a source that reports progress reads.
  virtual void start(const std::atomic<std::uint64_t>& batches_done) = 0;
  // Waits for that thread (rethrows what it threw) once training ended.
  virtual void join() = 0;

  // This rank's counters, added to its metrics records.
  virtual nlohmann::json metrics() const = 0;
  // What this rank's reception saw, and the training samples it refused
  // once training had stopped, for its summary.
  virtual ReceptionOutcome outcome() const = 0;
  virtual std::uint64_t samples_refused_after_training() const = 0;
  // A source's own parts of its rank's summary and of the combined one.
  virtual void add_to_rank_summary(nlohmann::json& /*summary*/) const {}
  virtual void add_to_summary(nlohmann::json& /*summary*/, const std::vector<nlohmann::json>& /*ranks*/) const {}
  // The buffer's kind, as the summary names it.
  virtual config::BufferKind buffer_kind() const = 0;

  // Whether a full buffer makes the ranks step without a rank's batch
  // (TrainerOptions::full_buffer_forces_step says why).
  virtual bool full_buffer_forces_step() const = 0;
  // Checkpoints every this many batches (0: never), and how the rank's
  // part of one is saved (empty with none).
  virtual std::uint64_t checkpoint_every() const = 0;
  virtual RankStateSaver rank_state_saver() = 0;

 protected:
  SampleSource(std::unique_ptr<TrainingBuffer> buffer, std::size_t field_size)
      : samples_(std::move(buffer), field_size) {}

 private:
  RankSamples samples_;
};

struct SampleSourceOptions {
  std::filesystem::path plan_file;    // online: the study plan
  std::filesystem::path run_dir;      // online: where checkpoints and progress go
  std::filesystem::path dataset_dir;  // offline: the recorded dataset; empty online
  bool resume = false;                // continue from the run directory's latest checkpoint, if any
};

// A DatasetSource when options.dataset_dir is given, else a StreamSource.
// Collective.
std::unique_ptr<SampleSource> open_sample_source(Communicator& communicator, const config::StudyConfig& study,
                                                 const SampleSourceOptions& options);

}  // namespace apiary::server
