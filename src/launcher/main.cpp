// apiary: the launcher. `apiary run STUDY.toml` runs a whole study;
// `apiary offline STUDY.toml` runs it into a dataset, then trains from it;
// `apiary status RUN_DIR` tells how a study is doing.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"
#include "launcher/status/study_status.hpp"
#include "launcher/study/offline_runner.hpp"
#include "launcher/study/study_runner.hpp"

namespace {

// The options `run` and `offline` share.
CLI::Option* add_study_options(CLI::App& command, apiary::launcher::RunOptions& options) {
  auto* study = command.add_option("study", options.study_file, "the study file (TOML)")->check(CLI::ExistingFile);
  command.add_option("--set", options.overrides, "override a study value: section.key=value (repeatable)");
  command.add_option("--run-dir", options.run_dir, "where to write the run (default runs/<study>-<timestamp>)");
  command.add_flag("--quiet", options.quiet, "no progress lines");
  return study;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Apiary: online training of deep surrogates from simulation ensembles"};
  app.require_subcommand(1);
  apiary::launcher::RunOptions options;
  auto* run = app.add_subcommand("run", "run a study: server, simulations, training, summary");
  auto* run_study_file = add_study_options(*run, options);
  std::filesystem::path resume_dir;
  auto* resume = run->add_option("--resume", resume_dir,
                                 "continue the study of this run directory, whose launcher stopped: the server "
                                 "restarts from its last checkpoint, unfinished simulations run again")
                     ->check(CLI::ExistingDirectory)
                     ->excludes(run_study_file);
  run->get_option("--set")->excludes(resume);
  run->get_option("--run-dir")->excludes(resume);
  run_study_file->excludes(resume);

  apiary::launcher::OfflineOptions offline_options;
  auto* offline = app.add_subcommand(
      "offline", "offline training: run the study's simulations into a dataset on disk, then train from it");
  add_study_options(*offline, offline_options.run)->required();
  double train_seconds = 0.0;
  auto* seconds_option = offline->add_option("--train-seconds", train_seconds,
                                             "stop training after this many seconds (sets training.max_seconds)");
  offline->add_option("--dataset", offline_options.dataset,
                      "train from this recorded dataset (a run's dataset/ directory) instead of running the "
                      "simulations");

  std::filesystem::path status_dir;
  bool status_json = false;
  auto* status = app.add_subcommand("status", "a study's progress, read from its run directory (running or not)");
  status->add_option("run_dir", status_dir, "the study's run directory")->required();
  status->add_flag("--json", status_json, "print the status as one JSON object");
  CLI11_PARSE(app, argc, argv);
  if (*run && run_study_file->count() == 0 && resume->count() == 0) {
    std::cerr << "apiary run: a study file, or --resume RUN_DIR, is required\n";
    return 2;
  }

  // Apiary's own executables (server, example clients) sit beside this one.
  const auto bin_dir = std::filesystem::canonical("/proc/self/exe").parent_path();
  options.bin_dir = offline_options.run.bin_dir = bin_dir;
  if (seconds_option->count() > 0) offline_options.train_seconds = train_seconds;
  try {
    if (*status) return apiary::launcher::print_study_status(status_dir, status_json, std::cout, std::cerr);
    if (*offline) return apiary::launcher::run_offline(offline_options);
    if (resume->count() > 0) return apiary::launcher::resume_study(options, resume_dir);
    return apiary::launcher::run_study(options);
  } catch (const apiary::ConfigError& error) {
    std::cerr << "apiary: error in the study: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "apiary: " << error.what() << "\n";
    return 1;
  }
}
