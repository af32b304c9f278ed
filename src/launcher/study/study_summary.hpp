#pragma once
// The study's summary.json: the server's summary (server_summary.json)
// with the launcher's accounting added (simulations, restarts, redraws,
// the time steps expected of the simulations that completed), and the
// study's last line on the terminal.
#include <filesystem>

#include "config/study_config.hpp"
#include "launcher/study/launcher_state.hpp"
#include "launcher/study/reporter.hpp"

namespace apiary::launcher {

struct StudySummaryInputs {
  std::filesystem::path run_dir;
  const config::StudyConfig& study;
  const LauncherState& state;
  double wall_seconds = 0.0;
  bool recording = false;  // the server recorded a dataset instead of training
};

// Writes RUN_DIR/summary.json and tells `reporter` the study's last line;
// returns the launcher's exit code: 0 when no simulation failed for good,
// 1 otherwise.
int write_study_summary(const StudySummaryInputs& inputs, Reporter& reporter);

}  // namespace apiary::launcher
