#pragma once
// The clients of one measurement: N processes of one program, each started
// like the launcher starts a simulation (APIARY_SIMULATION_ID,
// APIARY_PARAMETERS and, when given, APIARY_SERVER; an isolated MPI
// singleton with its own session directory), then let through a start gate
// together (start_gate.hpp), to stream during the same interval.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "arrival_log.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "plan/study_plan.hpp"

namespace apiary::bench {

// The benchmark's study: clients training simulations 0 .. clients-1 with
// five parameters each, as distinct as a study's draws would be.
plan::StudyPlan make_plan(std::size_t clients);

struct FleetOptions {
  std::vector<std::string> argv;   // the client's command line; --gate is added
  std::string server;              // APIARY_SERVER; empty: not set
  std::filesystem::path key_file;  // APIARY_KEY_FILE; empty: not set
  std::filesystem::path log_dir;   // client-<id>.log, and the gate
};

class ClientFleet {
 public:
  // Starts one client per simulation of the plan. Its destruction ends the
  // clients still running.
  ClientFleet(const plan::StudyPlan& plan, const FleetOptions& options);

  // Waits until every client is ready, then lets them through the gate;
  // returns when. Throws apiary::Error if a client exits first, or after
  // timeout.
  Clock::time_point start(std::chrono::seconds timeout);
  // Tells the clients to send no more steps.
  void stop();

  // True while a client is still running.
  bool running();
  // Waits until every client exited; returns the simulations whose client
  // succeeded. Throws apiary::Error after timeout (the clients are cancelled).
  std::vector<std::uint32_t> wait(std::chrono::seconds timeout);

 private:
  std::size_t still_running();

  launcher::MpiSessions sessions_;  // outlives the clients: destroyed after the scheduler ends them
  std::unique_ptr<launcher::Scheduler> scheduler_;
  std::filesystem::path gate_;
  std::vector<std::pair<std::uint32_t, launcher::JobId>> jobs_;  // simulation id, job
};

}  // namespace apiary::bench
