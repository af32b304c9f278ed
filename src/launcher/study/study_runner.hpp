#pragma once
// Runs a whole study: prepares the run directory, starts the server, runs
// the simulations (at most max_concurrent_clients at once), tells the
// server when they are over, waits for training to end, writes summary.json.
#include <filesystem>
#include <string>
#include <vector>

#include "config/study_config.hpp"

namespace apiary::launcher {

struct RunOptions {
  std::filesystem::path study_file;
  std::vector<std::string> overrides;  // --set section.key=value
  std::filesystem::path run_dir;       // empty: study.run_dir, or runs/<name>-<timestamp>
  std::filesystem::path bin_dir;       // where apiary-server and the example clients are
  bool quiet = false;                  // no progress lines
  // `apiary offline`'s first phase: the server records every sample it
  // accepts into this dataset directory instead of training.
  std::filesystem::path record_dataset;
};

// Returns the process exit code: 0 when the study completed with every
// simulation, 1 otherwise. Throws apiary::ConfigError for a bad study.
int run_study(const RunOptions& options);

// The study file with the overrides applied, its model path made absolute.
config::StudyConfig load_study_as_run(const RunOptions& options);
// Continues the study of run_dir, whose launcher stopped (interrupted,
// killed, its node lost): the server restarts from its last checkpoint, the
// simulations not completed run again. Returns as run_study does.
int resume_study(const RunOptions& options, const std::filesystem::path& run_dir);
// Runs a loaded study in run_dir (created, and empty).
int run_study_in(const RunOptions& options, config::StudyConfig study, const std::filesystem::path& run_dir);

}  // namespace apiary::launcher
