#pragma once
// The launcher's own account of a study, RUN_DIR/launcher.json: every
// simulation's state and restarts, the server's restarts. Rewritten
// atomically whenever it changes, so that `apiary status` can show it and
// `apiary run --resume` can continue from it after the launcher stopped.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plan/study_plan.hpp"

namespace apiary::launcher {

enum class SimulationState { pending, running, completed, failed, redrawn };

struct SimulationRecord {
  std::uint32_t id = 0;
  plan::Role role = plan::Role::training;
  SimulationState state = SimulationState::pending;
  std::uint32_t restarts = 0;                // relaunches after failures of its own
  std::optional<std::uint32_t> replaces;     // the simulation this one was redrawn for
  std::optional<std::uint32_t> replaced_by;  // redrawn: the simulation drawn in its place
  std::string job;                           // running: the scheduler's handle of its job (Scheduler::handle)
};

struct LauncherState {
  std::string study;
  std::string source_dir;  // the study file's directory: relative client commands resolve there
  // `apiary offline`'s first phase: the dataset the server records into
  // (such a run is not resumed: offline starts over); empty otherwise.
  std::string record_dataset;
  std::string state = "running";  // "running", "finished", "failed", "interrupted"
  long launcher_pid = 0;
  std::string launcher_host;  // the node it runs on: its pid means something only there
  double started = 0.0;  // unix seconds
  double updated = 0.0;
  std::uint64_t time_steps_per_simulation = 0;
  std::string server_job;  // the scheduler's handle of the server's job, while it runs
  std::uint64_t server_restarts = 0;
  std::uint64_t client_restarts = 0;
  std::uint64_t simulations_redrawn = 0;
  std::vector<SimulationRecord> simulations;

  std::size_t count(SimulationState state) const;
  std::vector<std::uint32_t> ids(SimulationState state) const;  // in record order
  SimulationRecord& record(std::uint32_t id);                   // throws apiary::Error when unknown
};

std::string state_name(SimulationState state);

// Atomic; sets state.updated.
void write_launcher_state(const std::filesystem::path& file, LauncherState& state);
// Throws apiary::Error naming the file and the problem.
LauncherState read_launcher_state(const std::filesystem::path& file);

}  // namespace apiary::launcher
