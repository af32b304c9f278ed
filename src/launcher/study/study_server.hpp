#pragma once
// The study's server as the study loop sees it: started (again, from its
// last checkpoint), watched through the fault policy, asked for what the
// study needs. A server the policy takes for dead is reported by throwing
// ServerLost, which the loop answers by restarting it.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "launcher/fault/fault_policy.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/server_handle.hpp"
#include "launcher/study/server_progress.hpp"
#include "security/curve_keys.hpp"

namespace apiary::launcher {

// The server died or hung; what() says how.
class ServerLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerLaunch {
  std::filesystem::path executable;
  std::filesystem::path run_dir;
  int ranks = 1;
  std::optional<security::ClientKeys> keys;  // the launcher talks to the server as a client does
  std::filesystem::path record_dataset;      // apiary offline's recording; empty otherwise
};

class StudyServer {
 public:
  StudyServer(Scheduler& scheduler, MpiSessions& sessions, const FaultPolicy& policy, ServerLaunch launch);

  // Starts the server and waits until it is ready; throws apiary::Error
  // if it is not. From its last checkpoint with `from_checkpoint`: returns
  // what every rank restored (wait_for_every_rank), for the simulations
  // it lacks steps of to run again.
  std::optional<ServerProgress> start(bool from_checkpoint, const std::function<void()>& while_waiting);

  ServerHandle& handle() { return *handle_; }
  const std::string& control_endpoint() const { return handle_->control_endpoint(); }
  bool started() const { return handle_ != nullptr; }
  ServerProgress progress() const;

  // Throws ServerLost when the policy takes the server for dead.
  void check(const ServerProgress& progress);
  void check() { check(progress()); }
  // Runs `request` (a call on handle()); when it fails because the server
  // died or hung, throws ServerLost instead of the request's error.
  template <class Request>
  void request(Request request) {
    try {
      request(*handle_);
    } catch (const Error&) {
      check();
      throw;
    }
  }

  void cancel();
  // The scheduler's handle of the server's job while it runs, else empty.
  std::string job_handle();
  const std::filesystem::path& log() const { return log_; }

 private:
  // The first progress files of every rank of the server (written once it
  // restored its checkpoint, before it says it is ready); calls
  // `while_waiting` between reads. Throws apiary::Error after
  // fault_tolerance.server_timeout.
  ServerProgress wait_for_every_rank(const std::function<void()>& while_waiting);

  Scheduler& scheduler_;
  MpiSessions& sessions_;
  const FaultPolicy& policy_;
  ServerLaunch launch_;
  std::filesystem::path log_;
  std::unique_ptr<ServerHandle> handle_;
  double started_ = 0.0;  // unix seconds; older progress files are a previous server's
};

}  // namespace apiary::launcher
