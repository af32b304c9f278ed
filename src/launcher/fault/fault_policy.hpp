#pragma once
// What the launcher does when something of the study fails: decisions
// only, over the launcher's records and what the server last said, so that
// they are tested without processes. The study loop carries them out
// (submits, cancels, restarts, reports).
//  - a simulation that fails (error exit, killed, walltime, silent for
//    client_timeout) is relaunched with the same parameters up to
//    max_restarts times; then redrawn (on_max_restarts = "redraw") or
//    failed. A replacement is not replaced in turn: a command that fails
//    whatever its parameters must end the study, not loop.
//  - a server whose job ended, or one of whose ranks wrote no heartbeat for
//    server_timeout, is restarted from its last checkpoint, up to
//    max_server_restarts times, unless it records a dataset or saves no
//    checkpoints;
//  - completed simulations a restarted server lacks steps of run again.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/launcher_state.hpp"
#include "launcher/study/server_progress.hpp"

namespace apiary::launcher {

// A simulation's job that failed, or was cancelled for its silence.
struct ClientFailure {
  std::uint32_t id = 0;
  int exit_code = 0;
  std::string detail;  // the scheduler's words, or why it was cancelled
};

enum class ClientOutcome { relaunch, redraw, fail };

struct ClientDecision {
  ClientOutcome outcome = ClientOutcome::fail;
  std::uint32_t restarts = 0;  // the simulation's relaunches, this one included
};

class FaultPolicy {
 public:
  // `recording`: the server records a dataset for apiary offline.
  FaultPolicy(const config::FaultToleranceSection& faults, int server_ranks, bool recording);

  const config::FaultToleranceSection& settings() const { return faults_; }

  // Decides what follows a failure of simulation `id` and books it in
  // `state`: a relaunch counts a restart and makes it pending again; a
  // failure marks it failed; a redraw leaves it to record_redraw, which
  // needs the replacement's id.
  ClientDecision client_failed(LauncherState& state, std::uint32_t id) const;

  // How long a running client has been silent when that is over
  // client_timeout (counted from `started` while it has no step yet);
  // nothing while it is within it, still queued (started 0) or without
  // a limit.
  std::optional<double> silence_to_cancel(double started, double last_step, double now) const;

  // Why the server is taken for dead: its job ended without finishing, or
  // its oldest heartbeat (its start, while not every rank reports) is older
  // than server_timeout; nothing while it lives.
  std::optional<std::string> server_loss(const JobStatus& status, const ServerProgress& progress, double server_started,
                                         double now) const;

  // Why a lost server is not restarted, after `restarts` restarts; nothing
  // when it is.
  std::optional<std::string> refusal_to_restart_server(std::uint64_t restarts) const;

 private:
  config::FaultToleranceSection faults_;
  int server_ranks_;
  bool recording_;
};

// Marks `failed` redrawn by `replacement` and adds the replacement's
// record, pending. References to records of `state` are invalid afterwards.
void record_redraw(LauncherState& state, std::uint32_t failed, std::uint32_t replacement);

// Replacements drawn so far for simulations of `role`.
std::uint64_t redraws_of(const LauncherState& state, plan::Role role);

// Completed simulations the restarted server holds fewer than
// `time_steps` steps of go back to pending (they replay every step; the
// server drops those it has as duplicates). Returns how many.
std::size_t requeue_unaccounted(LauncherState& state, const ServerProgress& progress, std::uint64_t time_steps);

// A new record, pending.
SimulationRecord new_record(std::uint32_t id, plan::Role role);

}  // namespace apiary::launcher
