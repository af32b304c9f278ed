#pragma once
// Turns the study's client command template into an argv for one
// simulation: "{NAME}" becomes parameter NAME's value, "{simulation_id}"
// the simulation's id. The command is split on whitespace (no shell).
#include <filesystem>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "plan/study_plan.hpp"

namespace apiary::launcher {

std::vector<std::string> client_argv(const config::StudyConfig& study, const plan::PlannedSimulation& simulation);

// Finds an executable: a name with a '/' is taken relative to base_dir;
// a bare name is searched in search_dirs, then in PATH. Throws
// apiary::ConfigError naming what was looked for and where.
std::filesystem::path resolve_executable(const std::string& name, const std::filesystem::path& base_dir,
                                         const std::vector<std::filesystem::path>& search_dirs);

// The client's executable: client.command's first word, resolved against
// the study's directory, bin_dir and PATH (resolve_executable).
std::filesystem::path client_executable(const config::StudyConfig& study, const std::filesystem::path& bin_dir);

// What every client of the study is told.
struct ClientContext {
  std::filesystem::path executable;  // client_executable
  std::string server;                // the server's control endpoint
  std::filesystem::path key_file;    // the clients' keys; empty with security off
};

// A simulation's job, but for its name: its command, the variables the
// client library reads (the server, the simulation's id and parameters,
// the key file), `log` for its output.
JobSpec client_job(const config::StudyConfig& study, const plan::PlannedSimulation& simulation,
                   const ClientContext& context, const std::filesystem::path& log);

// Shortest text that reads back as the same double: what the client's
// command line and the server's inputs must agree on.
std::string format_parameter(double value);

}  // namespace apiary::launcher
