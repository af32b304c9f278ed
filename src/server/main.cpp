// apiary-server: receives the clients' time steps, buffers them and trains
// the surrogate, all at once. An MPI job of server.ranks ranks: each rank
// receives, reassembles and buffers its share of the time steps, and the
// ranks train one model with data parallelism. Started by the launcher
// with the run directory it prepared (the study as run and its plan).
// `apiary offline` starts it twice: to record the stream into a dataset
// (--record-dataset), then to train from that dataset (--dataset).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "common/atomic_file.hpp"
#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "server/allocator_tuning.hpp"
#include "server/dataset_recording.hpp"
#include "server/metrics/metrics_log.hpp"
#include "server/parallel/mpi_communicator.hpp"
#include "server/server_summary.hpp"
#include "server/sources/sample_source.hpp"
#include "server/trainer/trainer.hpp"
#include "server/trainer_options.hpp"

namespace fs = std::filesystem;
using namespace apiary;

namespace {

struct ServerArguments {
  fs::path study_file, plan_file, run_dir, dataset_dir, record_dir;
  bool resume = false;
};

// Collective: every rank's part to rank 0, which writes the summary into
// the metrics and server_summary.json.
void write_summary(server::Communicator& communicator, const server::SampleSource& source,
                   const server::TrainResult& result, server::MetricsLog* metrics, const fs::path& run_dir) {
  const auto buffer = source.samples().buffer->stats();
  const auto reception = source.outcome();
  auto mine = server::rank_summary({.rank = communicator.rank(),
                                    .training = result,
                                    .reception = reception,
                                    .buffer = buffer,
                                    .samples_refused_after_training = source.samples_refused_after_training()});
  source.add_to_rank_summary(mine);
  const auto parts = communicator.gather(mine.dump(), 0);
  if (communicator.rank() != 0) return;
  std::vector<nlohmann::json> ranks;
  for (const auto& part : parts) ranks.push_back(nlohmann::json::parse(part));
  auto summary = server::combine_rank_summaries(ranks, result, config::name_of(source.buffer_kind()));
  source.add_to_summary(summary, ranks);
  const auto resumed_from = source.resumption().batch;
  summary["resumed_from_batch"] = resumed_from ? nlohmann::json(*resumed_from) : nlohmann::json(nullptr);
  metrics->write("summary", summary);
  write_file_atomically(run_dir / "server_summary.json", summary.dump(1) + "\n");
}

// Trains from the clients' streams (online), or from a recorded dataset
// when one is given (the second phase of `apiary offline`).
int serve(server::Communicator& communicator, const ServerArguments& arguments) {
  server::tune_allocator();
  const auto study = config::load_study(arguments.study_file);
  if (communicator.size() != study.server.ranks) {
    spdlog::warn("the study asks for {} server ranks (server.ranks) and {} were started", study.server.ranks,
                 communicator.size());
  }
  const auto source = server::open_sample_source(communicator, study,
                                                 {.plan_file = arguments.plan_file,
                                                  .run_dir = arguments.run_dir,
                                                  .dataset_dir = arguments.dataset_dir,
                                                  .resume = arguments.resume});
  std::atomic<std::uint64_t> batches_done{source->resumption().batch.value_or(0)};
  source->start(batches_done);
  std::unique_ptr<server::MetricsLog> metrics;
  if (communicator.rank() == 0) metrics = std::make_unique<server::MetricsLog>(arguments.run_dir / "metrics.jsonl");
  auto& samples = source->samples();
  server::Trainer trainer(server::trainer_options(study, communicator, arguments.run_dir, *source),
                          {.buffer = *samples.buffer,
                           .validation = samples.validation,
                           .statistics = samples.statistics,
                           .metrics = metrics.get(),
                           .reception_metrics = [&source] { return source->metrics(); },
                           .communicator = communicator,
                           .save_rank_state = source->rank_state_saver(),
                           .batches_done = &batches_done});
  const auto result = trainer.run();
  source->join();
  write_summary(communicator, *source, result, metrics.get(), arguments.run_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Apiary training server (normally started by 'apiary run' or 'apiary offline')"};
  ServerArguments arguments;
  app.add_option("--study", arguments.study_file, "the study file as run")->required()->check(CLI::ExistingFile);
  auto* plan = app.add_option("--plan", arguments.plan_file, "the study plan (plan.json); not with --dataset")
                   ->check(CLI::ExistingFile);
  app.add_option("--run-dir", arguments.run_dir, "where to write metrics, model and summary")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* record = app.add_option("--record-dataset", arguments.record_dir,
                                "record every accepted sample into this dataset directory instead of training");
  auto* dataset =
      app.add_option("--dataset", arguments.dataset_dir, "train from this recorded dataset instead of the clients")
          ->check(CLI::ExistingDirectory);
  app.add_flag("--resume", arguments.resume,
               "continue online training from the run directory's latest checkpoint, if there is one");
  record->needs(plan)->excludes(dataset);
  dataset->excludes(plan);
  CLI11_PARSE(app, argc, argv);
  if (arguments.plan_file.empty() && arguments.dataset_dir.empty()) {
    std::cerr << "--plan is required (unless training from --dataset)\n";
    return 2;
  }
  const auto communicator = server::make_mpi_communicator(&argc, &argv);
  spdlog::set_pattern(fmt::format("[%Y-%m-%d %H:%M:%S.%e] [server {}] [%l] %v", communicator->rank()));
  try {
    if (!arguments.record_dir.empty()) {
      server::tune_allocator();
      return server::record_dataset(*communicator, config::load_study(arguments.study_file),
                                    plan::read_plan(arguments.plan_file), arguments.run_dir, arguments.record_dir);
    }
    return serve(*communicator, arguments);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    // The other ranks would wait for this one in their next collective.
    if (communicator->size() > 1) communicator->abort(1);
    return 1;
  }
}
