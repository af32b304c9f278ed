#pragma once
// Runs a command line through the shell and captures its output, for
// tests that drive Apiary's real executables.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace apiary::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) result.output += chunk.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

inline std::filesystem::path fresh_directory(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("apiary-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_text(const std::filesystem::path& file, const std::string& text) { std::ofstream(file) << text; }

inline nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// A small study of the given client, written to dir/study.toml.
struct SmallStudy {
  std::string command = "apiary-heat 16 12 20 {T0} {T1} {T2} {T3} {T4} --snapshots 10";
  int ranks = 1;
  std::size_t field_size = 16 * 12;
  std::size_t time_steps = 10;
  std::string field = "temperature";
  std::size_t simulations = 6;
  std::size_t validation_simulations = 2;
  std::size_t concurrent = 2;  // study.max_concurrent_clients
  std::size_t batches = 60;
  std::string hidden = "[32, 32]";
  // FIRO with 10 draws per sample: enough draws for every batch however
  // fast the stream ends (a reservoir drains then, and training may stop
  // early on a loaded machine).
  std::string buffer = "kind = \"firo\"\ncapacity = 200\nwatermark = 8\npseudo_epochs = 10\n";
  std::string extra;  // appended verbatim

  std::string toml() const {
    std::ostringstream out;
    out << "[study]\nname = \"small\"\nsimulations = " << simulations
        << "\nvalidation_simulations = " << validation_simulations
        << "\nmax_concurrent_clients = " << concurrent << "\n\n"
        << "[client]\ncommand = \"" << command << "\"\nranks = " << ranks << "\nfield = \"" << field
        << "\"\nfield_size = " << field_size << "\ntime_steps = " << time_steps << "\n\n";
    for (const char* name : {"T0", "T1", "T2", "T3", "T4"}) {
      out << "[[parameters]]\nname = \"" << name << "\"\nmin = 100.0\nmax = 500.0\n\n";
    }
    out << "[server]\nthreads = 1\nmetrics_every = 10\n\n"
        << "[buffer]\n"
        << buffer << "\n"
        << "[training]\nhidden = " << hidden << "\nbatch_size = 8\nbatches = " << batches << "\nvalidation_every = 20\n"
        << extra;
    return out.str();
  }
};

inline CommandResult run_study(const std::filesystem::path& dir, const SmallStudy& study,
                               const std::string& options = "") {
  write_text(dir / "study.toml", study.toml());
  return run_command(std::string(APIARY_BIN_DIR) + "/apiary run --quiet " + (dir / "study.toml").string() +
                     " --run-dir " + (dir / "run").string() + " " + options);
}

}  // namespace apiary::testing
