#pragma once
// The clients of one measurement: N processes of one program, each started
// like the launcher starts a simulation (APIARY_SIMULATION_ID,
// APIARY_PARAMETERS and, when given, APIARY_SERVER; an isolated MPI
// singleton with its own session directory), and told to stream together
// during the same wall-clock interval (--start-at, --stop-at).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "plan/study_plan.hpp"

namespace apiary::bench {

// The benchmark's study: clients training simulations 0 .. clients-1 with
// five parameters each, as distinct as a study's draws would be.
plan::StudyPlan make_plan(std::size_t clients);

struct FleetOptions {
  std::vector<std::string> argv;  // the client's command line; --start-at and --stop-at are added
  std::string server;             // APIARY_SERVER; empty: not set
  std::filesystem::path log_dir;  // client-<id>.log
  // Start-up allowance: every client sends its first step this long after
  // the fleet started, once all have started and registered.
  std::chrono::milliseconds start_delay{1000};
  std::chrono::milliseconds stream_time{0};  // then they stop; 0: each sends all its steps
};

class ClientFleet {
 public:
  // Starts one client per simulation of the plan.
  // Its destruction ends the clients still running.
  ClientFleet(const plan::StudyPlan& plan, const FleetOptions& options);

  // True while a client is still running.
  bool running();
  // Waits until every client exited; returns the simulations whose client
  // succeeded. Throws apiary::Error after timeout (the clients are cancelled).
  std::vector<std::uint32_t> wait(std::chrono::seconds timeout);

 private:
  launcher::MpiSessions sessions_;  // outlives the clients: destroyed after the scheduler ends them
  std::unique_ptr<launcher::Scheduler> scheduler_;
  std::vector<std::pair<std::uint32_t, launcher::JobId>> jobs_;  // simulation id, job
};

}  // namespace apiary::bench
