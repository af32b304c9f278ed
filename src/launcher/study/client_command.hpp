#pragma once
// Turns the study's client command template into an argv for one
// simulation: "{NAME}" becomes parameter NAME's value, "{simulation_id}"
// the simulation's id. The command is split on whitespace (no shell).
#include <filesystem>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "plan/study_plan.hpp"

namespace apiary::launcher {

std::vector<std::string> client_argv(const config::StudyConfig& study, const plan::PlannedSimulation& simulation);

// Finds an executable: a name with a '/' is taken relative to base_dir;
// a bare name is searched in search_dirs, then in PATH. Throws
// apiary::ConfigError naming what was looked for and where.
std::filesystem::path resolve_executable(const std::string& name, const std::filesystem::path& base_dir,
                                         const std::vector<std::filesystem::path>& search_dirs);

// Shortest text that reads back as the same double: what the client's
// command line and the server's inputs must agree on.
std::string format_parameter(double value);

}  // namespace apiary::launcher
