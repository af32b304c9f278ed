#include "launcher/study/client_command.hpp"

#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "common/error.hpp"

namespace apiary::launcher {

std::string format_parameter(double value) { return fmt::format("{}", value); }

std::vector<std::string> client_argv(const config::StudyConfig& study, const plan::PlannedSimulation& simulation) {
  std::istringstream words(study.client.command);
  std::vector<std::string> argv;
  for (std::string word; words >> word;) {
    for (std::size_t i = 0; i < study.parameters.size(); ++i) {
      const std::string placeholder = "{" + study.parameters[i].name + "}";
      for (auto at = word.find(placeholder); at != std::string::npos; at = word.find(placeholder)) {
        word.replace(at, placeholder.size(), format_parameter(simulation.parameters[i]));
      }
    }
    for (auto at = word.find("{simulation_id}"); at != std::string::npos; at = word.find("{simulation_id}")) {
      word.replace(at, 15, std::to_string(simulation.id));
    }
    argv.push_back(word);
  }
  if (argv.empty()) throw ConfigError("client.command is empty");
  return argv;
}

std::filesystem::path resolve_executable(const std::string& name, const std::filesystem::path& base_dir,
                                         const std::vector<std::filesystem::path>& search_dirs) {
  auto executable = [](const std::filesystem::path& path) {
    return std::filesystem::is_regular_file(path) && ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    const auto path = std::filesystem::absolute(base_dir / name).lexically_normal();
    if (!executable(path)) throw ConfigError("client.command: '" + path.string() + "' is not an executable file");
    return path;
  }
  std::vector<std::filesystem::path> dirs = search_dirs;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream entries(path);
    for (std::string dir; std::getline(entries, dir, ':');) {
      if (!dir.empty()) dirs.emplace_back(dir);
    }
  }
  for (const auto& dir : dirs) {
    if (executable(dir / name)) return dir / name;
  }
  throw ConfigError("client.command: '" + name + "' was not found in Apiary's bin directory nor in PATH");
}

std::filesystem::path client_executable(const config::StudyConfig& study, const std::filesystem::path& bin_dir) {
  std::istringstream words(study.client.command);
  std::string first;
  words >> first;
  return resolve_executable(first, study.source_dir, {bin_dir});
}

JobSpec client_job(const config::StudyConfig& study, const plan::PlannedSimulation& simulation,
                   const ClientContext& context, const std::filesystem::path& log) {
  JobSpec spec;
  spec.argv = client_argv(study, simulation);
  spec.argv[0] = context.executable.string();
  spec.ranks = study.client.ranks;
  spec.log = log;
  std::string parameters;
  for (double value : simulation.parameters) parameters += (parameters.empty() ? "" : ",") + format_parameter(value);
  spec.environment = {{"APIARY_SERVER", context.server},
                      {"APIARY_SIMULATION_ID", std::to_string(simulation.id)},
                      {"APIARY_PARAMETERS", parameters}};
  if (!context.key_file.empty())
    spec.environment["APIARY_KEY_FILE"] = std::filesystem::absolute(context.key_file).string();
  return spec;
}

}  // namespace apiary::launcher
