#include "launcher/study/offline_runner.hpp"

#include <spdlog/fmt/fmt.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "launcher/study/every.hpp"
#include "launcher/study/interruption.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/progress.hpp"
#include "launcher/study/reporter.hpp"
#include "launcher/study/run_directory.hpp"
#include "launcher/study/server_handle.hpp"
#include "server/dataset/dataset_manifest.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
constexpr auto kProgressPeriod = std::chrono::seconds(2);

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string());
  return nlohmann::json::parse(in);
}

// The generation run's figures that matter next to the training's.
nlohmann::json generation_figures(const nlohmann::json& summary) {
  nlohmann::json figures = nlohmann::json::object();
  for (const char* key :
       {"wall_seconds", "recording_seconds", "simulations_planned", "simulations_completed", "simulations_failed",
        "time_steps_expected", "time_steps_received", "duplicates_dropped", "messages_rejected", "bytes_received"}) {
    if (summary.contains(key)) figures[key] = summary[key];
  }
  return figures;
}

class OfflineRun {
 public:
  OfflineRun(const OfflineOptions& options, config::StudyConfig study, fs::path run_dir)
      : options_(options),
        study_(std::move(study)),
        run_dir_(std::move(run_dir)),
        reporter_(options_.run.quiet),
        scheduler_(make_scheduler(study_.scheduler, [this](const std::string& line) { reporter_.warning(line); })) {}

  int run() {
    const auto start = Clock::now();
    int exit_code = 0;
    fs::path dataset = options_.dataset.empty() ? run_dir_ / "dataset" : fs::absolute(options_.dataset);
    nlohmann::json generation = nullptr;  // none when training from a given dataset
    if (options_.dataset.empty()) {
      RunOptions generate = options_.run;
      generate.record_dataset = dataset;
      exit_code = run_study_in(generate, study_, run_dir_ / "generate");
      generation = generation_figures(read_json(run_dir_ / "generate" / "summary.json"));
    }
    const auto manifest = server::read_manifest(dataset);
    server::require_matching_study(manifest, study_, dataset);

    const auto train_start = Clock::now();
    const auto train_dir = run_dir_ / "train";
    fs::create_directories(train_dir);
    write_file_atomically(train_dir / "study.toml", config::to_toml(study_));
    train(dataset, train_dir, start);

    auto summary = read_json(train_dir / "server_summary.json");
    summary["study"] = study_.study.name;
    summary["mode"] = "offline";
    summary["run_dir"] = run_dir_.string();
    summary["generation"] = generation;
    summary["dataset"]["bytes"] = manifest.bytes();
    summary["dataset"]["record_bytes"] = manifest.layout.bytes();
    summary["training_wall_seconds"] = seconds_since(train_start);
    summary["wall_seconds"] = seconds_since(start);
    write_file_atomically(run_dir_ / "summary.json", summary.dump(1) + "\n");
    reporter_.say(fmt::format(
        "offline study {} finished in {:.1f} s: validation relative L2 {:.4g}, MSE {:.4g}; {} samples trained "
        "({:.0f}/s) in {:.1f} s, {} epochs of {} training samples",
        study_.study.name, summary["wall_seconds"].get<double>(), summary["validation_rel_l2"].get<double>(),
        summary["validation_mse"].get<double>(), summary["samples_trained"].get<std::uint64_t>(),
        summary["samples_per_second"].get<double>(), summary["training_seconds"].get<double>(),
        summary["dataset"]["epochs"].get<std::uint64_t>(), manifest.records(plan::Role::training)));
    reporter_.say("summary: " + (run_dir_ / "summary.json").string());
    return exit_code;
  }

 private:
  // The second phase: a server job that reads the dataset and trains.
  void train(const fs::path& dataset, const fs::path& train_dir, Clock::time_point start) {
    MpiSessions sessions;
    JobSpec spec;
    spec.name = "training-server";
    spec.role = JobRole::server;
    spec.argv = {(options_.run.bin_dir / "apiary-server").string(),
                 "--study",
                 (train_dir / "study.toml").string(),
                 "--run-dir",
                 train_dir.string(),
                 "--dataset",
                 dataset.string()};
    spec.log = train_dir / "server.log";
    spec.ranks = study_.server.ranks;
    spec.environment = sessions.environment("server");
    const auto job = scheduler_->submit(spec);
    reporter_.say(fmt::format("training from {} in {}", dataset.string(), train_dir.string()));
    MetricsFollower metrics(train_dir / "metrics.jsonl");
    Every report(kProgressPeriod);
    JobStatus status;
    while (!finished(status = scheduler_->poll(job))) {
      if (interruption()) {
        scheduler_->cancel(job);
        throw Error("interrupted by signal " + std::to_string(interruption()));
      }
      if (report.due()) {
        metrics.update();
        reporter_.say(training_progress_line(seconds_since(start), metrics));
      }
      std::this_thread::sleep_for(kPollPeriod);
    }
    if (status.state != JobState::succeeded) {
      throw Error("the training server failed (exit code " + std::to_string(status.exit_code) +
                  (status.detail.empty() ? "" : ", " + status.detail) + "):\n" + tail_of(spec.log, 15));
    }
  }

  const OfflineOptions& options_;
  config::StudyConfig study_;
  fs::path run_dir_;
  Reporter reporter_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace

int run_offline(const OfflineOptions& options) {
  RunOptions run = options.run;
  if (options.train_seconds) run.overrides.push_back(fmt::format("training.max_seconds={}", *options.train_seconds));
  auto study = load_study_as_run(run);
  // A given dataset is checked before anything starts.
  if (!options.dataset.empty())
    server::require_matching_study(server::read_manifest(options.dataset), study, options.dataset);
  require_usable_scheduler(study.scheduler);
  const fs::path run_dir = choose_run_dir(options.run.run_dir, study, "-offline");
  prepare_run_dir(run_dir);
  catch_interruptions();
  OfflineOptions resolved = options;
  resolved.run = run;
  return OfflineRun(resolved, std::move(study), fs::absolute(run_dir)).run();
}

}  // namespace apiary::launcher
