#pragma once
// Everything the launcher tells the person who runs it, and the only part
// of the launcher that writes to the terminal: progress and results on
// stdout (none with --quiet), faults and warnings on stderr (always: they
// explain what the study did with its simulations and its server).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "launcher/fault/fault_policy.hpp"

namespace apiary::launcher {

class Reporter {
 public:
  explicit Reporter(bool quiet);  // stdout and stderr
  Reporter(bool quiet, std::ostream& out, std::ostream& err);

  // A line of progress or a result (several with '\n' inside).
  void say(const std::string& lines);
  bool quiet() const { return quiet_; }  // say prints nothing

  // A line on stderr: a warning, or a scheduler's (SchedulerWarnings).
  void warning(const std::string& line);
  // The study's own warnings and faults.
  void insecure_server();
  // A failed simulation relaunched (restart `restart` of `max_restarts`),
  // replaced by `replacement`, or failed for good; `log` is its log file,
  // whose end is shown.
  void client_relaunched(const ClientFailure& failure, std::uint32_t restart, std::size_t max_restarts,
                         const std::filesystem::path& log);
  void client_redrawn(const ClientFailure& failure, std::uint32_t restarts, std::uint32_t replacement);
  void client_failed(const ClientFailure& failure, std::uint32_t restarts, const std::filesystem::path& log);
  // The server, lost for `why`, restarts from its checkpoint.
  void server_restarting(const std::string& why, std::uint64_t restart, std::size_t max_restarts,
                         const std::filesystem::path& log);
  void simulations_requeued(std::size_t count);

 private:
  void warn(const std::string& text);

  bool quiet_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace apiary::launcher
