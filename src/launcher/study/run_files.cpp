#include "launcher/study/run_files.hpp"

#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "launcher/fault/fault_policy.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/launcher_presence.hpp"
#include "launcher/study/plan_builder.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

constexpr auto kStateSavePeriod = std::chrono::seconds(1);
// Saved even without changes this often: the heartbeat by which other
// nodes judge that the launcher runs (launcher_presence.hpp).
constexpr auto kHeartbeatPeriod = std::chrono::duration<double>(kLauncherHeartbeatSeconds);

}  // namespace

RunFiles::RunFiles(fs::path run_dir) : dir_(std::move(run_dir)), last_save_(std::chrono::steady_clock::now()) {}

fs::path RunFiles::client_log(std::uint32_t id) const {
  return dir_ / "clients" / fmt::format("simulation-{:06d}.log", id);
}

RunStart RunFiles::create(const config::StudyConfig& study, const fs::path& record_dataset) const {
  RunStart start;
  fs::create_directories(dir_ / "clients");
  start.plan = build_plan(study);
  plan::write_plan(dir_ / "plan.json", start.plan);
  write_file_atomically(dir_ / "study.toml", config::to_toml(study));
  // The server reads its own keys from the run directory, the clients are
  // told where theirs are.
  if (study.server.security != config::Security::none) {
    start.keys.file = security::write_study_keys(dir_).client;
    start.keys.keys = security::read_client_keys(start.keys.file);
  }
  auto& state = start.state;
  state.study = study.study.name;
  state.source_dir = fs::absolute(study.source_dir).string();
  state.record_dataset = record_dataset.string();
  state.started = unix_seconds();
  state.time_steps_per_simulation = study.client.time_steps;
  for (const auto& simulation : start.plan.simulations)
    state.simulations.push_back(new_record(simulation.id, simulation.role));
  return start;
}

RunStart RunFiles::reopen(const config::StudyConfig& study) const {
  RunStart start;
  auto& state = start.state;
  state = read_launcher_state(dir_ / "launcher.json");
  // This process's own pid: the recorded launcher's pid was reused.
  if (const auto presence = launcher_presence_here(state);
      presence.alive && !(presence.judged_by_pid && state.launcher_pid == ::getpid())) {
    throw Error(
        presence.judged_by_pid
            ? fmt::format("the launcher of {} (pid {}) still runs; stop it first", dir_.string(), state.launcher_pid)
            : fmt::format("the launcher of {} still runs on {} (pid {}; it rewrote launcher.json {:.0f} s "
                          "ago): stop it first, or wait {:.0f} s after it died",
                          dir_.string(), state.launcher_host, state.launcher_pid, unix_seconds() - state.updated,
                          kLauncherSilenceSeconds));
  }
  start.plan = plan::read_plan(dir_ / "plan.json");
  if (study.server.security != config::Security::none) {
    start.keys.file = security::key_files_of(dir_).client;
    start.keys.keys = security::read_client_keys(start.keys.file);
  }
  if (!state.server_job.empty()) cancel_leftover(state.server_job);
  for (auto& record : state.simulations) {
    if (!record.job.empty()) cancel_leftover(record.job);
    record.job.clear();
    if (record.state == SimulationState::running) record.state = SimulationState::pending;
  }
  return start;
}

LauncherState RunFiles::resumable_state() const {
  if (!fs::is_regular_file(dir_ / "launcher.json")) {
    throw ConfigError(dir_.string() + " is not the run directory of a study started by apiary run (no launcher.json)");
  }
  auto state = read_launcher_state(dir_ / "launcher.json");
  if (!state.record_dataset.empty()) {
    throw Error(dir_.string() + " recorded a dataset for apiary offline (" + state.record_dataset +
                "); such a run is not resumed: run apiary offline again");
  }
  return state;
}

void RunFiles::add_to_plan(const plan::PlannedSimulation& simulation) const {
  plan::add_to_plan_file(dir_ / "plan.json", simulation);
}

bool RunFiles::state_save_due() const {
  const auto since = std::chrono::steady_clock::now() - last_save_;
  return (state_changed_ && since > kStateSavePeriod) || since > kHeartbeatPeriod;
}

void RunFiles::save_state(LauncherState& state) {
  write_launcher_state(dir_ / "launcher.json", state);
  state_changed_ = false;
  last_save_ = std::chrono::steady_clock::now();
}

}  // namespace apiary::launcher
