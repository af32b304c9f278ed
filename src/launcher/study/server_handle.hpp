#pragma once
// The launcher's side of the server: start it as a job (an MPI job of
// server.ranks ranks), learn its endpoints, tell it of redrawn simulations
// and when the study is over.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"
#include "plan/study_plan.hpp"
#include "security/curve_keys.hpp"

namespace apiary::launcher {

class ServerHandle {
 public:
  // Starts the server as a job of `ranks` MPI ranks, with `environment`
  // added to the launcher's and `arguments` after the usual ones.
  // The launcher talks to the server as a client does: with the study's
  // client keys when security is on.
  ServerHandle(Scheduler& scheduler, const std::filesystem::path& server_executable,
               const std::filesystem::path& run_dir, int ranks, JobEnvironment environment,
               std::optional<security::ClientKeys> keys, const std::vector<std::string>& arguments = {});

  // Waits until the server published its endpoints (server.json); throws
  // apiary::Error with the end of server.log if it died, or did not publish
  // them within `timeout` of its job's start (a queued job may wait first),
  // or if the launcher was interrupted.
  void wait_ready(std::chrono::seconds timeout);
  const std::string& control_endpoint() const { return control_; }
  JobStatus poll() { return scheduler_.poll(job_); }
  void cancel() { scheduler_.cancel(job_); }
  std::string handle() const { return scheduler_.handle(job_); }

  // Sends study_end with the simulations that completed to every server
  // rank; waits for their acks.
  void announce_study_end(const std::vector<std::uint32_t>& completed, std::chrono::seconds timeout);

  // Adds a simulation to every server rank's plan (simulation_added), so
  // that they accept its data; waits for each rank's ack. Throws
  // apiary::Error naming the rank and its reason if one refuses, or does
  // not answer within `timeout`. Safe to retry: a rank that already has
  // the simulation acks again.
  void add_simulation(const plan::PlannedSimulation& simulation, std::chrono::seconds timeout);

 private:
  // Sends `message` to every rank's control socket in turn and waits for
  // an ack; `what` names the request in errors.
  void request_every_rank(const std::vector<std::byte>& message, const std::string& what, std::chrono::seconds timeout);

  Scheduler& scheduler_;
  std::filesystem::path run_dir_;
  JobId job_ = 0;
  std::optional<security::ClientKeys> keys_;
  std::string control_;                // rank 0's: where clients register
  std::vector<std::string> controls_;  // every rank's
};

// The last lines of a log file, for error messages.
std::string tail_of(const std::filesystem::path& file, std::size_t lines);

}  // namespace apiary::launcher
