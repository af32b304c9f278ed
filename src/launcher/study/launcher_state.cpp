#include "launcher/study/launcher_state.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"

namespace apiary::launcher {
namespace {

constexpr int kVersion = 1;
const std::vector<std::pair<SimulationState, std::string>> kStateNames = {{SimulationState::pending, "pending"},
                                                                          {SimulationState::running, "running"},
                                                                          {SimulationState::completed, "completed"},
                                                                          {SimulationState::failed, "failed"},
                                                                          {SimulationState::redrawn, "redrawn"}};

SimulationState state_of(const std::string& name, const std::filesystem::path& file) {
  for (const auto& [state, known] : kStateNames) {
    if (known == name) return state;
  }
  throw Error(file.string() + ": unknown simulation state \"" + name + "\"");
}

}  // namespace

std::string state_name(SimulationState state) {
  for (const auto& [known, name] : kStateNames) {
    if (known == state) return name;
  }
  return "unknown";
}

std::size_t LauncherState::count(SimulationState wanted) const {
  return static_cast<std::size_t>(std::count_if(simulations.begin(), simulations.end(),
                                                [&](const SimulationRecord& r) { return r.state == wanted; }));
}

std::vector<std::uint32_t> LauncherState::ids(SimulationState wanted) const {
  std::vector<std::uint32_t> found;
  for (const auto& r : simulations) {
    if (r.state == wanted) found.push_back(r.id);
  }
  return found;
}

SimulationRecord& LauncherState::record(std::uint32_t id) {
  const auto found =
      std::find_if(simulations.begin(), simulations.end(), [&](const SimulationRecord& r) { return r.id == id; });
  if (found == simulations.end()) throw Error("simulation " + std::to_string(id) + " is not in the launcher's state");
  return *found;
}

void write_launcher_state(const std::filesystem::path& file, LauncherState& state) {
  state.updated = unix_seconds();
  nlohmann::json simulations = nlohmann::json::array();
  for (const auto& r : state.simulations) {
    nlohmann::json entry = {
        {"id", r.id}, {"role", plan::role_name(r.role)}, {"state", state_name(r.state)}, {"restarts", r.restarts}};
    if (r.replaces) entry["replaces"] = *r.replaces;
    if (r.replaced_by) entry["replaced_by"] = *r.replaced_by;
    if (!r.job.empty()) entry["job"] = r.job;
    simulations.push_back(std::move(entry));
  }
  const nlohmann::json out = {{"version", kVersion},
                              {"study", state.study},
                              {"source_dir", state.source_dir},
                              {"record_dataset", state.record_dataset},
                              {"state", state.state},
                              {"launcher_pid", state.launcher_pid},
                              {"launcher_host", state.launcher_host},
                              {"started", state.started},
                              {"updated", state.updated},
                              {"time_steps_per_simulation", state.time_steps_per_simulation},
                              {"server_job", state.server_job},
                              {"server_restarts", state.server_restarts},
                              {"client_restarts", state.client_restarts},
                              {"simulations_redrawn", state.simulations_redrawn},
                              {"simulations", simulations}};
  write_file_atomically(file, out.dump(1) + "\n");
}

LauncherState read_launcher_state(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read " + file.string() + ": not the run directory of a study started by apiary run");
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object()) throw Error(file.string() + ": not valid JSON");
  if (json.value("version", 0) != kVersion) {
    throw Error(file.string() + ": version " + std::to_string(json.value("version", 0)) + ", this launcher reads " +
                std::to_string(kVersion));
  }
  try {
    LauncherState state;
    state.study = json.at("study").get<std::string>();
    state.source_dir = json.at("source_dir").get<std::string>();
    state.record_dataset = json.value("record_dataset", "");
    state.state = json.at("state").get<std::string>();
    state.launcher_pid = json.at("launcher_pid").get<long>();
    state.launcher_host = json.value("launcher_host", "");
    state.started = json.at("started").get<double>();
    state.updated = json.at("updated").get<double>();
    state.time_steps_per_simulation = json.at("time_steps_per_simulation").get<std::uint64_t>();
    state.server_job = json.value("server_job", "");
    state.server_restarts = json.at("server_restarts").get<std::uint64_t>();
    state.client_restarts = json.at("client_restarts").get<std::uint64_t>();
    state.simulations_redrawn = json.at("simulations_redrawn").get<std::uint64_t>();
    for (const auto& entry : json.at("simulations")) {
      SimulationRecord r;
      r.id = entry.at("id").get<std::uint32_t>();
      r.role = plan::role_named(entry.at("role").get<std::string>());
      r.state = state_of(entry.at("state").get<std::string>(), file);
      r.restarts = entry.at("restarts").get<std::uint32_t>();
      if (entry.contains("replaces")) r.replaces = entry["replaces"].get<std::uint32_t>();
      if (entry.contains("replaced_by")) r.replaced_by = entry["replaced_by"].get<std::uint32_t>();
      r.job = entry.value("job", "");
      state.simulations.push_back(r);
    }
    return state;
  } catch (const nlohmann::json::exception& error) {
    throw Error(file.string() + ": " + error.what());
  }
}

}  // namespace apiary::launcher
