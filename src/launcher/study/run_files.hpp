#pragma once
// The run directory as the launcher keeps it: plan.json (with the redrawn
// simulations added as they are drawn), study.toml (the study as run), the
// study's keys, launcher.json (LauncherState), the clients' logs.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "config/study_config.hpp"
#include "launcher/study/launcher_state.hpp"
#include "plan/study_plan.hpp"
#include "security/curve_keys.hpp"

namespace apiary::launcher {

// The clients' side of the study's keys; none with server.security = "none".
struct ClientKeyFile {
  std::filesystem::path file;  // told to the clients
  std::optional<security::ClientKeys> keys;
};

// What a run starts from.
struct RunStart {
  plan::StudyPlan plan;
  LauncherState state;
  ClientKeyFile keys;
};

class RunFiles {
 public:
  explicit RunFiles(std::filesystem::path run_dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path client_log(std::uint32_t id) const;

  // A new study (the directory exists and is empty): draws and writes its
  // plan, the study as run and its keys; every simulation pending.
  // `record_dataset`: apiary offline's recording, empty otherwise.
  RunStart create(const config::StudyConfig& study, const std::filesystem::path& record_dataset) const;
  // A study whose launcher stopped: its plan, keys and state as they were.
  // Jobs that outlived their launcher (killed, its node lost) would still
  // talk to the old server: they are cancelled, and simulations that ran
  // are pending again. Throws apiary::Error while its launcher still runs.
  RunStart reopen(const config::StudyConfig& study) const;

  // The state of a study apiary run --resume may continue. Throws
  // apiary::ConfigError when the directory has no launcher.json,
  // apiary::Error when it recorded a dataset for apiary offline (which
  // starts over instead).
  LauncherState resumable_state() const;

  // A redrawn simulation, so that a server started later knows it.
  void add_to_plan(const plan::PlannedSimulation& simulation) const;

  // launcher.json: saved at once by save_state; changes of launches and
  // ends are saved by the loop when state_save_due, at most once a second
  // (a study of thousands of simulations would rewrite the file thousands
  // of times), and without changes every kLauncherHeartbeatSeconds, the
  // heartbeat other nodes see.
  void state_changed() { state_changed_ = true; }
  bool state_save_due() const;
  void save_state(LauncherState& state);

 private:
  std::filesystem::path dir_;
  bool state_changed_ = false;
  std::chrono::steady_clock::time_point last_save_;
};

}  // namespace apiary::launcher
