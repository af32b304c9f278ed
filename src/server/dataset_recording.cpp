#include "server/dataset_recording.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "server/dataset/dataset_recorder.hpp"
#include "server/metrics/resident_memory.hpp"
#include "server/progress_file.hpp"
#include "server/server_summary.hpp"
#include "server/stream_reception.hpp"

namespace apiary::server {

int record_dataset(Communicator& communicator, const config::StudyConfig& study, plan::StudyPlan plan,
                   const std::filesystem::path& run_dir, const std::filesystem::path& dataset_dir) {
  const auto start = std::chrono::steady_clock::now();
  auto manifest = manifest_for(study);
  DatasetRecorder recorder(dataset_dir, manifest.layout, communicator.rank());
  // The sink runs on the receiver thread: writes are buffered, and a slow
  // disk slows reception, then (through ZeroMQ's bounded queues) the
  // clients; nothing is dropped. A failed write stops reception.
  std::exception_ptr write_error;
  std::unique_ptr<StreamReception> stream;
  const auto sink = [&](SamplePtr sample, plan::Role role) {
    if (write_error) return;
    try {
      recorder.add(*sample, role);
    } catch (...) {
      write_error = std::current_exception();
      stream->stop();
    }
  };
  stream = std::make_unique<StreamReception>(communicator, study, std::move(plan), run_dir, sink);
  stream->start([] { return true; }, [] {});
  {
    // The launcher's heartbeat and per-simulation progress, as when training.
    ProgressFile progress(run_dir, communicator.rank(),
                          [&] { return describe_progress(stream->ingest(), 0, std::nullopt); });
    stream->join();
  }
  if (write_error) std::rethrow_exception(write_error);
  const auto shards = recorder.finish();

  auto mine = reception_summary(stream->outcome());
  mine["rank"] = communicator.rank();
  mine["shards"] = nlohmann::json::array();
  for (const auto& shard : shards) mine["shards"].push_back(shard_to_json(shard));
  mine["peak_resident_bytes"] = resident_memory().peak_bytes;
  const auto parts = communicator.gather(mine.dump(), 0);
  if (communicator.rank() != 0) return 0;
  std::vector<nlohmann::json> ranks;
  for (const auto& part : parts) {
    ranks.push_back(nlohmann::json::parse(part));
    for (const auto& shard : ranks.back()["shards"])
      manifest.shards.push_back(shard_from_json(shard, manifest.shards.size()));
  }
  // Last: a dataset with a manifest is complete.
  write_manifest(dataset_dir, manifest);
  const double seconds = seconds_since(start);
  auto summary = combine_reception_summaries(ranks);
  summary["dataset"] = {{"dir", std::filesystem::absolute(dataset_dir).string()},
                        {"training_records", manifest.records(plan::Role::training)},
                        {"validation_records", manifest.records(plan::Role::validation)},
                        {"record_bytes", manifest.layout.bytes()},
                        {"bytes", manifest.bytes()},
                        {"shards", manifest.shards.size()}};
  summary["recording_seconds"] = seconds;
  summary["server_ranks"] = ranks.size();
  summary["ranks"] = ranks;
  write_file_atomically(run_dir / "server_summary.json", summary.dump(1) + "\n");
  spdlog::info("dataset {}: {} training and {} validation records, {} bytes, in {:.1f} s", dataset_dir.string(),
               manifest.records(plan::Role::training), manifest.records(plan::Role::validation), manifest.bytes(),
               seconds);
  return 0;
}

}  // namespace apiary::server
