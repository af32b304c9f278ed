// apiary-server: receives the clients' time steps, buffers them and trains
// the surrogate, all at once. An MPI job of server.ranks ranks: each rank
// receives, reassembles and buffers its share of the time steps, and the
// ranks train one model with data parallelism. Started by the launcher
// with the run directory it prepared (the study as run and its plan).
// `apiary offline` starts it twice: to record the stream into a dataset
// (--record-dataset), then to train from that dataset (--dataset).
#include <sched.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "common/atomic_file.hpp"
#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "server/allocator_tuning.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/checkpoint/checkpoint_store.hpp"
#include "server/checkpoint/rank_state.hpp"
#include "server/dataset/dataset_loader.hpp"
#include "server/dataset_recording.hpp"
#include "server/parallel/mpi_communicator.hpp"
#include "server/progress_file.hpp"
#include "server/resume.hpp"
#include "server/server_summary.hpp"
#include "server/stream_reception.hpp"
#include "server/trainer/trainer.hpp"

namespace fs = std::filesystem;
using namespace apiary;

namespace {

// Torch threads of this rank: the study's, or this rank's share of the
// cores it may run on (all of the node's unless the MPI launcher bound it).
int torch_threads(int configured, const server::Communicator& communicator) {
  if (configured > 0) return configured;
  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  const int usable = sched_getaffinity(0, sizeof(affinity), &affinity) == 0 ? CPU_COUNT(&affinity) : 1;
  const int node = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const bool bound = usable < node;
  return std::max(1, bound ? usable : usable / communicator.ranks_on_node());
}

// Offline training's data source: this rank's share of a recorded
// dataset. The output statistics come from every training sample of the
// share (online training has only those received before its first batch).
std::unique_ptr<server::DatasetLoader> open_dataset(const fs::path& dir, const config::StudyConfig& study,
                                                    const server::Communicator& communicator,
                                                    server::ValidationSet& validation,
                                                    server::FieldStatistics& statistics) {
  const auto manifest = server::read_manifest(dir);
  server::require_matching_study(manifest, study, dir);
  auto loader = std::make_unique<server::DatasetLoader>(dir, manifest, communicator.rank(), communicator.size(),
                                                        study.training.seed + communicator.rank());
  for (auto& sample : loader->validation_samples()) validation.add(std::move(sample));
  loader->for_each_training_sample([&](const server::Sample& sample) { statistics.add(sample); });
  spdlog::info("rank {}: training from dataset {}: {} training and {} validation records of {} in all",
               communicator.rank(), dir.string(), loader->training_records(), validation.snapshot().size(),
               manifest.records(plan::Role::training) + manifest.records(plan::Role::validation));
  return loader;
}

// Offline training's buffer: a FIFO a few batches deep between the loader,
// which shuffles each epoch, and the trainer, so that every sample is
// trained once per epoch in the loader's order.
std::unique_ptr<server::TrainingBuffer> make_prefetch_buffer(const config::StudyConfig& study,
                                                             const server::Communicator& communicator) {
  constexpr std::size_t kPrefetchBatches = 8;
  const auto local_batch = study.training.batch_size / static_cast<std::size_t>(communicator.size());
  return server::make_buffer({.kind = config::BufferKind::fifo,
                              .capacity = kPrefetchBatches * std::max<std::size_t>(local_batch, 1),
                              .watermark = 0,
                              .seed = study.training.seed + communicator.rank()});
}

// This rank's part of a checkpoint, taken while its receiver is held
// between two messages: reception, buffer, validation set and statistics
// then agree with each other.
std::uint64_t save_reception_state(server::StreamReception& stream, const fs::path& dir, int rank,
                                   const server::RankState& state) {
  stream.pause();
  struct ResumeReception {
    server::StreamReception& stream;
    ~ResumeReception() { stream.resume(); }
  } resume_reception{stream};
  return server::save_rank_state(dir, rank, state);
}

// Trains from the clients' streams (online), or from a recorded dataset
// when dataset_dir is given (the second phase of `apiary offline`).
// resume: continue online training from the run directory's latest
// checkpoint, if there is one.
int serve(server::Communicator& communicator, const fs::path& study_file, const fs::path& plan_file,
          const fs::path& run_dir, const fs::path& dataset_dir, bool resume) {
  server::tune_allocator();
  const auto study = config::load_study(study_file);
  const bool root = communicator.rank() == 0;
  if (communicator.size() != study.server.ranks) {
    spdlog::warn("the study asks for {} server ranks (server.ranks) and {} were started", study.server.ranks,
                 communicator.size());
  }
  const bool offline = !dataset_dir.empty();
  auto buffer = offline ? make_prefetch_buffer(study, communicator)
                        : server::make_buffer({.kind = study.buffer.kind,
                                               .capacity = study.buffer.capacity,
                                               .watermark = study.buffer.watermark,
                                               .pseudo_epochs = study.buffer.pseudo_epochs,
                                               .seed = study.training.seed + communicator.rank(),
                                               .max_serves = study.buffer.max_serves});
  server::FieldStatistics statistics(study.client.field_size);
  server::ValidationSet validation;
  std::atomic<std::uint64_t> refused_after_training{0};
  std::optional<fs::path> checkpoint;
  if (resume && offline) spdlog::info("--resume: offline training keeps no checkpoints, starting afresh");
  if (resume && !offline) checkpoint = server::checkpoint_to_resume(run_dir, communicator.size());
  std::optional<std::uint64_t> resumed_from;
  if (checkpoint) resumed_from = server::read_checkpoint_meta(*checkpoint).batch;
  std::atomic<std::uint64_t> batches_done{resumed_from.value_or(0)};

  std::unique_ptr<server::StreamReception> stream;  // online
  std::unique_ptr<server::DatasetLoader> loader;    // offline
  if (offline) {
    loader = open_dataset(dataset_dir, study, communicator, validation, statistics);
    loader->start(*buffer);
  } else {
    const auto sink = [&](server::SamplePtr sample, plan::Role role) {
      if (role == plan::Role::validation) return validation.add(std::move(sample));
      statistics.add(*sample);
      if (!buffer->put(std::move(sample))) ++refused_after_training;
    };
    stream = std::make_unique<server::StreamReception>(communicator, study, plan::read_plan(plan_file), run_dir, sink);
    if (checkpoint)
      server::restore_rank_state(*checkpoint, communicator.rank(),
                                 {*buffer, validation, statistics, &stream->ingest()});
    // has_room() holds once the buffer is closed too: put() then refuses at
    // once, so reading never blocks the receiver.
    stream->start([&] { return buffer->has_room(); }, [&] { buffer->close(); });
  }
  std::unique_ptr<server::ProgressFile> progress;
  if (!offline) {
    progress = std::make_unique<server::ProgressFile>(run_dir, communicator.rank(), [&] {
      return server::describe_progress(stream->ingest(), batches_done.load(), resumed_from);
    });
  }

  std::unique_ptr<server::MetricsLog> metrics;
  if (root) metrics = std::make_unique<server::MetricsLog>(run_dir / "metrics.jsonl");
  server::TrainerOptions options;
  options.training = study.training;
  if (!study.training.uses_builtin_model()) options.model_source = study.training.model;
  for (const auto& p : study.parameters) options.parameter_ranges.emplace_back(p.min, p.max);
  options.time_steps = static_cast<std::uint32_t>(study.client.time_steps);
  options.output_size = study.client.field_size;
  options.threads = torch_threads(study.server.threads, communicator);
  options.device = study.server.device;
  options.metrics_every = study.server.metrics_every;
  options.full_buffer_forces_step = !offline;
  options.model_output = run_dir / "model.pt";
  options.probe_output = run_dir / "validation_probe.json";
  if (!offline) {
    options.checkpoint_every = study.fault_tolerance.checkpoint_every;
    options.checkpoint_run_dir = run_dir;
  }
  if (checkpoint) options.resume_from = *checkpoint;
  const auto source_metrics = [&] { return offline ? loader->counters() : stream->metrics(); };
  server::TrainerInputs inputs{*buffer,        validation,   statistics, metrics.get(),
                               source_metrics, communicator, nullptr,    &batches_done};
  if (!offline) {
    inputs.save_rank_state = [&](const fs::path& dir) {
      return save_reception_state(*stream, dir, communicator.rank(),
                                  {*buffer, validation, statistics, &stream->ingest()});
    };
  }
  server::Trainer trainer(options, inputs);
  const auto result = trainer.run();
  if (offline) {
    loader->join();
  } else {
    stream->join();
  }
  progress.reset();  // its last write, with the final counts

  const auto stats = buffer->stats();
  // Offline, nothing came from the network.
  const server::IngestCounters no_messages;
  const server::ConnectionCounters no_connections;
  const std::set<std::uint32_t> no_failures;
  const auto reception =
      offline ? server::ReceptionOutcome{no_messages, no_connections, no_failures} : stream->outcome();
  auto mine = server::rank_summary({communicator.rank(), result, reception, stats, refused_after_training.load()});
  if (offline) mine["dataset"] = loader->counters();
  const auto parts = communicator.gather(mine.dump(), 0);
  if (!root) return 0;
  std::vector<nlohmann::json> ranks;
  for (const auto& part : parts) ranks.push_back(nlohmann::json::parse(part));
  auto summary = server::combine_rank_summaries(
      ranks, result, config::name_of(offline ? config::BufferKind::fifo : study.buffer.kind));
  if (offline) summary["dataset"] = server::combine_dataset_counters(ranks, fs::absolute(dataset_dir));
  summary["resumed_from_batch"] = resumed_from ? nlohmann::json(*resumed_from) : nlohmann::json(nullptr);
  metrics->write("summary", summary);
  write_file_atomically(run_dir / "server_summary.json", summary.dump(1) + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Apiary training server (normally started by 'apiary run' or 'apiary offline')"};
  fs::path study_file, plan_file, run_dir, dataset_dir, record_dir;
  app.add_option("--study", study_file, "the study file as run")->required()->check(CLI::ExistingFile);
  auto* plan =
      app.add_option("--plan", plan_file, "the study plan (plan.json); not with --dataset")->check(CLI::ExistingFile);
  app.add_option("--run-dir", run_dir, "where to write metrics, model and summary")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* record = app.add_option("--record-dataset", record_dir,
                                "record every accepted sample into this dataset directory instead of training");
  auto* dataset = app.add_option("--dataset", dataset_dir, "train from this recorded dataset instead of the clients")
                      ->check(CLI::ExistingDirectory);
  bool resume = false;
  app.add_flag("--resume", resume,
               "continue online training from the run directory's latest checkpoint, if there is one");
  record->needs(plan)->excludes(dataset);
  dataset->excludes(plan);
  CLI11_PARSE(app, argc, argv);
  if (plan_file.empty() && dataset_dir.empty()) {
    std::cerr << "--plan is required (unless training from --dataset)\n";
    return 2;
  }
  const auto communicator = server::make_mpi_communicator(&argc, &argv);
  spdlog::set_pattern(fmt::format("[%Y-%m-%d %H:%M:%S.%e] [server {}] [%l] %v", communicator->rank()));
  try {
    if (!record_dir.empty()) {
      server::tune_allocator();
      return server::record_dataset(*communicator, config::load_study(study_file), plan::read_plan(plan_file), run_dir,
                                    record_dir);
    }
    return serve(*communicator, study_file, plan_file, run_dir, dataset_dir, resume);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    // The other ranks would wait for this one in their next collective.
    if (communicator->size() > 1) communicator->abort(1);
    return 1;
  }
}
