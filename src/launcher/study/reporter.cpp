#include "launcher/study/reporter.hpp"

#include <spdlog/fmt/fmt.h>

#include <iostream>

#include "launcher/study/server_handle.hpp"

namespace apiary::launcher {
namespace {

std::string failure_text(const ClientFailure& failure) {
  return fmt::format("simulation {} failed (exit code {}{})", failure.id, failure.exit_code,
                     failure.detail.empty() ? "" : ", " + failure.detail);
}

}  // namespace

Reporter::Reporter(bool quiet) : Reporter(quiet, std::cout, std::cerr) {}

Reporter::Reporter(bool quiet, std::ostream& out, std::ostream& err) : quiet_(quiet), out_(out), err_(err) {}

void Reporter::say(const std::string& lines) {
  if (!quiet_) out_ << lines << std::endl;
}

void Reporter::warn(const std::string& text) { err_ << text << std::flush; }

void Reporter::warning(const std::string& line) { warn(line + "\n"); }

void Reporter::insecure_server() {
  warn(
      "warning: server.security = \"none\": any process that can reach the server's ports may send it data; use it "
      "on trusted single-user machines only\n");
}

void Reporter::client_relaunched(const ClientFailure& failure, std::uint32_t restart, std::size_t max_restarts,
                                 const std::filesystem::path& log) {
  warn(fmt::format("{}; relaunching it (restart {} of {}); the end of {}:\n{}", failure_text(failure), restart,
                   max_restarts, log.string(), tail_of(log, 5)));
}

void Reporter::client_redrawn(const ClientFailure& failure, std::uint32_t restarts, std::uint32_t replacement) {
  warn(fmt::format("{} after {} restarts; simulation {} takes its place with new parameters\n", failure_text(failure),
                   restarts, replacement));
}

void Reporter::client_failed(const ClientFailure& failure, std::uint32_t restarts, const std::filesystem::path& log) {
  warn(fmt::format("{} after {} restarts; the end of {}:\n{}", failure_text(failure), restarts, log.string(),
                   tail_of(log, 5)));
}

void Reporter::server_restarting(const std::string& why, std::uint64_t restart, std::size_t max_restarts,
                                 const std::filesystem::path& log) {
  warn(fmt::format("{}; restarting it from its last checkpoint (restart {} of {}); the end of {}:\n{}", why, restart,
                   max_restarts, log.string(), tail_of(log, 5)));
}

void Reporter::simulations_requeued(std::size_t count) {
  warn(fmt::format("{} completed simulations have time steps the server lost with its restart; running them again\n",
                   count));
}

}  // namespace apiary::launcher
