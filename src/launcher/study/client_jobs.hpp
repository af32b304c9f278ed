#pragma once
// The simulations' jobs: the queue of those to run and those submitted,
// over a Scheduler. The records of the launcher's state follow the jobs:
// running once submitted, completed when the job succeeded. A job that
// failed, or is cancelled for its silence, is handed back as a failure for
// the fault policy to decide on.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "launcher/fault/fault_policy.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/launcher_state.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/server_progress.hpp"

namespace apiary::launcher {

class ClientJobs {
 public:
  // A simulation's job, but for its name and MPI session, added here.
  using SpecOf = std::function<JobSpec(std::uint32_t id)>;

  ClientJobs(Scheduler& scheduler, MpiSessions& sessions, LauncherState& state, SpecOf spec_of);
  ClientJobs(const ClientJobs&) = delete;
  ClientJobs& operator=(const ClientJobs&) = delete;

  // The queue becomes the pending records, in record order (validation
  // simulations first).
  void queue_pending();
  void queue(std::uint32_t id);        // last (a replacement)
  void queue_first(std::uint32_t id);  // next (a relaunch)
  bool idle() const { return queue_.empty() && running_.empty(); }
  std::size_t running() const { return running_.size(); }

  struct Round {
    bool changed = false;  // a record changed
    std::vector<ClientFailure> failures;
  };
  // Submits queued simulations while fewer than `max_running` run, then
  // polls the running ones.
  Round advance(std::size_t max_running);

  // Cancels the running simulations silent for longer than the policy
  // allows at `now` (unix seconds); returns them as failures.
  std::vector<ClientFailure> cancel_silent(const FaultPolicy& policy, const ServerProgress& progress, double now);

  // The server the clients talk to is gone: cancels every running job, and
  // every record still running (its failure perhaps not handled yet) is
  // pending again.
  void cancel_for_server_restart();
  // Interrupted: cancels every running job; the records stay running (and
  // their jobs named) for the launcher that resumes the study.
  void cancel_all();

  // The scheduler's handle of each record's running job, none for others.
  void name_jobs_in_records();

 private:
  struct Running {
    JobId job = 0;
    double started = 0.0;  // unix seconds when first seen running (0: still queued)
  };

  void submit(std::uint32_t id);
  // The job is over: its MPI session directory goes.
  void over(std::uint32_t id);

  Scheduler& scheduler_;
  MpiSessions& sessions_;
  LauncherState& state_;
  SpecOf spec_of_;
  std::deque<std::uint32_t> queue_;
  std::map<std::uint32_t, Running> running_;
};

}  // namespace apiary::launcher
