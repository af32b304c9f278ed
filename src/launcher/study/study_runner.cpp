#include "launcher/study/study_runner.hpp"

#include <signal.h>
#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "launcher/study/client_command.hpp"
#include "launcher/study/interruption.hpp"
#include "launcher/study/launcher_state.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/plan_builder.hpp"
#include "launcher/study/progress.hpp"
#include "launcher/study/run_directory.hpp"
#include "launcher/study/server_handle.hpp"
#include "launcher/study/server_progress.hpp"
#include "launcher/study/study_summary.hpp"
#include "security/curve_keys.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
constexpr auto kProgressPeriod = std::chrono::seconds(2);
// How often the server's progress files are read (client timeouts, the
// server's heartbeat): they change about once a second.
constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(500);
constexpr auto kServerReadyTimeout = std::chrono::seconds(120);
constexpr auto kStateSavePeriod = std::chrono::seconds(1);

struct Running {
  JobId job;
  double started = 0.0;  // unix seconds when first seen running (0: still queued)
};

// Why the loop over the simulations stopped before they were all over.
class ServerLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StudyRun {
 public:
  StudyRun(const RunOptions& options, config::StudyConfig study, fs::path run_dir)
      : options_(options),
        study_(std::move(study)),
        run_dir_(std::move(run_dir)),
        scheduler_(make_scheduler(study_.scheduler)) {}

  int run(bool resume) {
    start_ = Clock::now();
    resume ? load_run() : prepare_run();
    try {
      return drive();
    } catch (...) {
      state_.state = interruption() ? "interrupted" : "failed";
      save_state();
      throw;
    }
  }

 private:
  // A new study: the plan, the study as run, the keys, the state.
  void prepare_run() {
    fs::create_directories(run_dir_ / "clients");
    plan_ = build_plan(study_);
    plan::write_plan(run_dir_ / "plan.json", plan_);
    write_file_atomically(run_dir_ / "study.toml", config::to_toml(study_));
    make_keys();
    state_.study = study_.study.name;
    state_.source_dir = fs::absolute(study_.source_dir).string();
    state_.record_dataset = options_.record_dataset.string();
    state_.started = unix_seconds();
    state_.time_steps_per_simulation = study_.client.time_steps;
    for (const auto& simulation : plan_.simulations)
      state_.simulations.push_back(new_record(simulation.id, simulation.role));
    start_with_checkpoint_ = false;
  }

  // A study whose launcher stopped: its plan, keys and state as they were.
  // Simulations it ran are run again; those it completed stay completed
  // unless the server, restored from its checkpoint, lacks some of their
  // steps (checked once it is up).
  void load_run() {
    state_ = read_launcher_state(run_dir_ / "launcher.json");
    if (state_.state == "running" && state_.launcher_pid != ::getpid() && ::kill(state_.launcher_pid, 0) == 0 &&
        fs::exists("/proc/" + std::to_string(state_.launcher_pid))) {
      throw Error(
          fmt::format("the launcher of {} (pid {}) still runs; stop it first", run_dir_.string(), state_.launcher_pid));
    }
    plan_ = plan::read_plan(run_dir_ / "plan.json");
    study_.source_dir = state_.source_dir;
    if (study_.server.security != config::Security::none) {
      client_key_file_ = security::key_files_of(run_dir_).client;
      client_keys_ = security::read_client_keys(client_key_file_);
    }
    // Jobs that outlived their launcher (killed, its node lost) would
    // still talk to the old server.
    if (!state_.server_job.empty()) cancel_leftover(state_.server_job);
    for (auto& record : state_.simulations) {
      if (!record.job.empty()) cancel_leftover(record.job);
      record.job.clear();
      if (record.state == SimulationState::running) record.state = SimulationState::pending;
    }
    say(fmt::format("resuming {}: {} of {} simulations completed", run_dir_.string(),
                    state_.count(SimulationState::completed), state_.simulations.size()));
    start_with_checkpoint_ = true;
  }

  int drive() {
    catch_up_pending();
    state_.state = "running";
    state_.launcher_pid = ::getpid();
    save_state();
    client_executable_ = resolve_executable(config_argv0(), study_.source_dir, {options_.bin_dir});
    start_server();
    MetricsFollower metrics(run_dir_ / "metrics.jsonl");
    while (true) {
      try {
        run_simulations(metrics);
        finish_training(metrics);
        break;
      } catch (const ServerLost& lost) {
        restart_server(lost.what());
      }
    }
    state_.state = "finished";
    save_state();
    const int code = write_study_summary(summary_inputs());
    // A finished study is never resumed, and its checkpoints hold a copy of
    // the whole buffer (1.3 GB for the demo).
    std::error_code ignored;
    fs::remove_all(run_dir_ / "checkpoints", ignored);
    return code;
  }

  // The queue of simulations to run, in id order (validation first).
  void catch_up_pending() {
    pending_.clear();
    for (const auto& record : state_.simulations) {
      if (record.state == SimulationState::pending) pending_.push_back(record.id);
    }
  }

  void run_simulations(MetricsFollower& metrics) {
    auto last_progress = Clock::now();
    auto last_heartbeat = Clock::time_point{};
    while (!pending_.empty() || !running_.empty()) {
      if (interruption()) interrupt();
      while (!pending_.empty() && running_.size() < study_.study.max_concurrent_clients) {
        launch(pending_.front());
        pending_.pop_front();
      }
      for (auto it = running_.begin(); it != running_.end();) {
        const auto status = scheduler_->poll(it->second.job);
        if (status.state == JobState::running && it->second.started == 0.0) it->second.started = unix_seconds();
        if (finished(status)) {
          const auto id = it->first;
          it = running_.erase(it);
          client_ended(id, status);
        } else {
          ++it;
        }
      }
      if (Clock::now() - last_heartbeat > kHeartbeatPeriod) {
        // One read of the heartbeats serves both checks.
        const auto progress = current_progress();
        check_server(progress);
        cancel_silent_clients(progress);
        last_heartbeat = Clock::now();
      }
      if (state_changed_ && Clock::now() - last_save_ > kStateSavePeriod) save_state();
      if (Clock::now() - last_progress > kProgressPeriod) {
        metrics.update();
        say(progress_line(seconds_since(start_), counts(), metrics));
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(kPollPeriod);
    }
  }

  // Tells the server the study is over, then waits for it to finish
  // training and write its summary.
  void finish_training(MetricsFollower& metrics) {
    save_state();
    check_server();
    unless_server_lost(
        [&] { server_->announce_study_end(state_.ids(SimulationState::completed), std::chrono::seconds(60)); });
    auto last_progress = Clock::now();
    auto last_heartbeat = Clock::now();
    while (true) {
      if (interruption()) interrupt();
      const auto status = server_->poll();
      if (status.state == JobState::succeeded) return;
      if (finished(status) || Clock::now() - last_heartbeat > kHeartbeatPeriod) {
        check_server();
        last_heartbeat = Clock::now();
      }
      if (Clock::now() - last_progress > kProgressPeriod) {
        metrics.update();
        say(progress_line(seconds_since(start_), counts(), metrics) +
            (recording() ? " (writing the dataset)" : " (training on)"));
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(kPollPeriod);
    }
  }

  void launch(std::uint32_t id) {
    const auto* simulation = plan_.find(id);
    JobSpec spec;
    spec.name = session_name(id);
    spec.argv = client_argv(study_, *simulation);
    spec.argv[0] = client_executable_.string();
    spec.ranks = study_.client.ranks;
    spec.log = client_log(id);
    std::string parameters;
    for (double value : simulation->parameters) parameters += (parameters.empty() ? "" : ",") + format_parameter(value);
    spec.environment = {{"APIARY_SERVER", server_->control_endpoint()},
                        {"APIARY_SIMULATION_ID", std::to_string(id)},
                        {"APIARY_PARAMETERS", parameters}};
    if (!client_key_file_.empty()) spec.environment["APIARY_KEY_FILE"] = fs::absolute(client_key_file_).string();
    spec.environment.merge(mpi_sessions_.environment(session_name(id)));
    running_[id] = {scheduler_->submit(spec)};
    state_.record(id).state = SimulationState::running;
    state_changed_ = true;
  }

  void client_ended(std::uint32_t id, const JobStatus& status) {
    mpi_sessions_.release(session_name(id));
    auto& record = state_.record(id);
    if (status.state == JobState::succeeded) {
      record.state = SimulationState::completed;
    } else {
      client_failed(record, status.exit_code, status.detail);
    }
    state_changed_ = true;
  }

  // A failure of the simulation's own (not one of the server's): relaunch
  // with the same parameters, up to max_restarts; then redraw or fail.
  void client_failed(SimulationRecord& record, int exit_code, const std::string& detail) {
    const auto& faults = study_.fault_tolerance;
    const std::string what =
        fmt::format("simulation {} failed (exit code {}{})", record.id, exit_code, detail.empty() ? "" : ", " + detail);
    if (record.restarts < faults.max_restarts) {
      ++record.restarts;
      ++state_.client_restarts;
      record.state = SimulationState::pending;
      pending_.push_front(record.id);
      std::cerr << fmt::format("{}; relaunching it (restart {} of {}); the end of {}:\n{}", what, record.restarts,
                               faults.max_restarts, client_log(record.id).string(), tail_of(client_log(record.id), 5));
      return;
    }
    // A replacement that fails as often is not replaced in turn: a command
    // that fails whatever its parameters must end the study, not loop.
    if (faults.on_max_restarts == config::OnMaxRestarts::redraw && !record.replaces) {
      // redraw() adds a record: `record` may not outlive the call.
      const auto restarts = record.restarts;
      const auto replacement = redraw(record);
      std::cerr << fmt::format("{} after {} restarts; simulation {} takes its place with new parameters\n", what,
                               restarts, replacement);
      return;
    }
    record.state = SimulationState::failed;
    std::cerr << fmt::format("{} after {} restarts; the end of {}:\n{}", what, record.restarts,
                             client_log(record.id).string(), tail_of(client_log(record.id), 5));
  }

  // A new simulation of the same role, with parameters drawn anew, added to
  // the plan (plan.json, so that a restarted server knows it) and to every
  // server rank before it runs.
  // Returns the replacement's id; `record` is invalid afterwards.
  std::uint32_t redraw(SimulationRecord& record) {
    const auto id = plan_.next_id();
    plan_.add(draw_replacement(study_, record.role, redraws_of(record.role), id));
    plan::add_to_plan_file(run_dir_ / "plan.json", plan_.simulations.back());
    record.state = SimulationState::redrawn;
    record.replaced_by = id;
    ++state_.simulations_redrawn;
    auto replacement = new_record(id, record.role);
    replacement.replaces = record.id;
    state_.simulations.push_back(replacement);
    pending_.push_back(id);
    // A server that died meanwhile is restarted from plan.json, which
    // has the replacement already.
    unless_server_lost([&] { server_->add_simulation(plan_.simulations.back(), std::chrono::seconds(60)); });
    return id;
  }

  // Runs a request to the server; if it fails because the server died or
  // hung, throws ServerLost instead of the request's error.
  template <class Request>
  void unless_server_lost(Request request) {
    try {
      request();
    } catch (const Error&) {
      check_server();
      throw;
    }
  }

  std::uint64_t redraws_of(plan::Role role) const {
    return static_cast<std::uint64_t>(std::count_if(state_.simulations.begin(), state_.simulations.end(),
                                                    [&](const auto& r) { return r.replaces && r.role == role; }));
  }

  // Simulations that delivered no time step for client_timeout seconds
  // (counted from their start while they have none) are cancelled and
  // count as failed.
  void cancel_silent_clients(const ServerProgress& progress) {
    const double timeout = study_.fault_tolerance.client_timeout;
    if (timeout <= 0.0 || running_.empty()) return;
    const double now = unix_seconds();
    for (auto it = running_.begin(); it != running_.end();) {
      const double since = std::max(it->second.started, progress.last_step_of(it->first));
      if (it->second.started == 0.0 || now - since <= timeout) {
        ++it;
        continue;
      }
      const auto id = it->first;
      scheduler_->cancel(it->second.job);
      it = running_.erase(it);
      mpi_sessions_.release(session_name(id));
      client_failed(state_.record(id), -1,
                    fmt::format("no time step for {:.0f} s (fault_tolerance.client_timeout)", now - since));
      state_changed_ = true;
    }
  }

  // Throws ServerLost when the server's job ended without finishing, or a
  // rank's heartbeat is older than server_timeout.
  void check_server() { check_server(current_progress()); }
  void check_server(const ServerProgress& progress) {
    const auto status = server_->poll();
    if (status.state == JobState::succeeded) return;
    if (finished(status)) {
      throw ServerLost(fmt::format("the server exited (code {}{})", status.exit_code,
                                   status.detail.empty() ? "" : ", " + status.detail));
    }
    const double last = progress.ranks_reporting == study_.server.ranks ? progress.oldest_heartbeat : server_started_;
    const double silent = unix_seconds() - last;
    if (silent > study_.fault_tolerance.server_timeout) {
      throw ServerLost(
          fmt::format("no heartbeat from the server for {:.0f} s (fault_tolerance.server_timeout)", silent));
    }
  }

  // The current server's heartbeats (older files are a previous server's).
  ServerProgress current_progress() const {
    return read_server_progress(run_dir_, study_.server.ranks, server_started_);
  }

  void start_server() {
    std::vector<std::string> arguments;
    if (recording()) arguments = {"--record-dataset", options_.record_dataset.string()};
    if (start_with_checkpoint_) arguments.push_back("--resume");
    fs::remove(run_dir_ / "server.json");
    server_started_ = unix_seconds();
    server_ =
        std::make_unique<ServerHandle>(*scheduler_, options_.bin_dir / "apiary-server", run_dir_, study_.server.ranks,
                                       mpi_sessions_.environment("server"), client_keys_, arguments);
    server_->wait_ready(kServerReadyTimeout);
    // The checkpoint the server restored may lack steps of simulations
    // that ended after it was saved: they run again.
    if (start_with_checkpoint_) requeue_unaccounted();
    server_started_ = unix_seconds();
    say(fmt::format("run directory {}; server at {}", run_dir_.string(), server_->control_endpoint()));
  }

  // The server died: cancel the simulations that talked to it, start it
  // again from its last checkpoint, run again whatever it lacks.
  void restart_server(const std::string& why) {
    const auto& faults = study_.fault_tolerance;
    server_->cancel();
    if (recording() || faults.checkpoint_every == 0 || state_.server_restarts >= faults.max_server_restarts) {
      throw Error(fmt::format("{}; {}:\n{}", why,
                              recording()                    ? "a recording server is not restarted"
                              : faults.checkpoint_every == 0 ? "no checkpoints to restart it from "
                                                               "(fault_tolerance.checkpoint_every = 0)"
                                                             : fmt::format("it was restarted {} times already "
                                                                           "(fault_tolerance.max_server_restarts)",
                                                                           state_.server_restarts),
                              tail_of(run_dir_ / "server.log", 15)));
    }
    ++state_.server_restarts;
    std::cerr << fmt::format("{}; restarting it from its last checkpoint (restart {} of {}); the end of {}:\n{}", why,
                             state_.server_restarts, faults.max_server_restarts, (run_dir_ / "server.log").string(),
                             tail_of(run_dir_ / "server.log", 5));
    for (const auto& [id, client] : running_) {
      scheduler_->cancel(client.job);
      mpi_sessions_.release(session_name(id));
      state_.record(id).state = SimulationState::pending;
    }
    running_.clear();
    mpi_sessions_.release("server");
    start_with_checkpoint_ = true;
    save_state();
    start_server();
    catch_up_pending();
  }

  // Completed simulations the restarted server holds fewer steps of than
  // it should go back to pending; they will replay every step, and the
  // server drops those it has as duplicates.
  void requeue_unaccounted() {
    const auto progress = wait_for_progress();
    std::size_t requeued = 0;
    for (auto& record : state_.simulations) {
      if (record.state != SimulationState::completed) continue;
      if (progress.steps_of(record.id) >= study_.client.time_steps) continue;
      record.state = SimulationState::pending;
      ++requeued;
    }
    if (requeued > 0) {
      std::cerr << fmt::format(
          "{} completed simulations have time steps the server lost with its restart; running them again\n", requeued);
    }
    catch_up_pending();
    save_state();
  }

  // The restarted server's first progress files (written once it restored
  // its checkpoint, before it says it is ready).
  ServerProgress wait_for_progress() {
    const auto deadline = Clock::now() + std::chrono::duration<double>(study_.fault_tolerance.server_timeout);
    while (true) {
      auto progress = current_progress();
      if (progress.ranks_reporting == study_.server.ranks) return progress;
      if (Clock::now() > deadline) {
        throw Error("the restarted server wrote no progress within fault_tolerance.server_timeout:\n" +
                    tail_of(run_dir_ / "server.log", 15));
      }
      if (interruption()) interrupt();
      std::this_thread::sleep_for(kPollPeriod);
    }
  }

  [[noreturn]] void interrupt() {
    for (const auto& [id, client] : running_) scheduler_->cancel(client.job);
    if (server_) server_->cancel();
    throw Error("interrupted by signal " + std::to_string(interruption()) + "; continue with apiary run --resume " +
                run_dir_.string());
  }

  bool recording() const { return !options_.record_dataset.empty(); }

  // The study's keys (server.security = "curve"): the server reads its own
  // from the run directory, the clients are told where theirs is.
  void make_keys() {
    if (study_.server.security == config::Security::none) {
      std::cerr << "warning: server.security = \"none\": any process that can reach the server's ports may send it "
                   "data; use it on trusted single-user machines only\n";
      return;
    }
    client_key_file_ = security::write_study_keys(run_dir_).client;
    client_keys_ = security::read_client_keys(client_key_file_);
  }

  std::string config_argv0() const {
    std::istringstream words(study_.client.command);
    std::string first;
    words >> first;
    return first;
  }

  void say(const std::string& line) const {
    if (!options_.quiet) std::cout << line << std::endl;
  }

  void save_state() {
    for (auto& record : state_.simulations) {
      const auto it = running_.find(record.id);
      record.job = it == running_.end() ? "" : scheduler_->handle(it->second.job);
    }
    state_.server_job = server_ && !finished(server_->poll()) ? server_->handle() : "";
    write_launcher_state(run_dir_ / "launcher.json", state_);
    state_changed_ = false;
    last_save_ = Clock::now();
  }

  fs::path client_log(std::uint32_t id) const {
    return run_dir_ / "clients" / fmt::format("simulation-{:06d}.log", id);
  }

  static SimulationRecord new_record(std::uint32_t id, plan::Role role) {
    SimulationRecord record;
    record.id = id;
    record.role = role;
    return record;
  }

  static std::string session_name(std::uint32_t simulation_id) { return "simulation-" + std::to_string(simulation_id); }

  SimulationCounts counts() const {
    return {state_.simulations.size() - state_.count(SimulationState::redrawn), state_.count(SimulationState::pending),
            state_.count(SimulationState::running), state_.count(SimulationState::completed),
            state_.count(SimulationState::failed)};
  }

  StudySummaryInputs summary_inputs() const {
    StudySummaryInputs inputs{run_dir_, study_, state_};
    inputs.wall_seconds = seconds_since(start_);
    inputs.recording = recording();
    inputs.quiet = options_.quiet;
    return inputs;
  }

  const RunOptions& options_;
  config::StudyConfig study_;
  fs::path run_dir_;
  std::unique_ptr<Scheduler> scheduler_;
  MpiSessions mpi_sessions_;
  plan::StudyPlan plan_;
  LauncherState state_;
  fs::path client_key_file_;  // empty with security off
  std::optional<security::ClientKeys> client_keys_;
  fs::path client_executable_;
  std::unique_ptr<ServerHandle> server_;
  bool start_with_checkpoint_ = false;
  double server_started_ = 0.0;  // unix seconds; older progress files are a previous server's
  std::deque<std::uint32_t> pending_;
  std::map<std::uint32_t, Running> running_;
  Clock::time_point start_;
  // Launches and ends are saved at most every kStateSavePeriod (a study of
  // thousands of simulations would rewrite the file thousands of times);
  // restarts of the server and the study's end are saved at once.
  bool state_changed_ = false;
  Clock::time_point last_save_;
};

}  // namespace

config::StudyConfig load_study_as_run(const RunOptions& options) {
  auto study = config::load_study(options.study_file, options.overrides);
  // The run directory keeps the study as run; paths in it must not depend
  // on where the study file was.
  if (!study.training.uses_builtin_model())
    study.training.model = fs::absolute(study.source_dir / study.training.model).string();
  return study;
}

int run_study(const RunOptions& options) {
  auto study = load_study_as_run(options);
  // A scheduler that cannot work here stops the study before it leaves a run directory.
  require_usable_scheduler(study.scheduler);
  const fs::path run_dir = choose_run_dir(options.run_dir, study);
  prepare_run_dir(run_dir);
  return run_study_in(options, std::move(study), run_dir);
}

int run_study_in(const RunOptions& options, config::StudyConfig study, const fs::path& run_dir) {
  catch_interruptions();
  return StudyRun(options, std::move(study), fs::absolute(run_dir)).run(false);
}

int resume_study(const RunOptions& options, const fs::path& run_dir) {
  if (!fs::is_regular_file(run_dir / "launcher.json")) {
    throw ConfigError(run_dir.string() +
                      " is not the run directory of a study started by apiary run (no launcher.json)");
  }
  auto study = config::load_study(run_dir / "study.toml");
  const auto state = read_launcher_state(run_dir / "launcher.json");
  if (!state.record_dataset.empty()) {
    throw Error(run_dir.string() + " recorded a dataset for apiary offline (" + state.record_dataset +
                "); such a run is not resumed: run apiary offline again");
  }
  if (state.state == "finished") {
    if (!options.quiet) std::cout << "study " << state.study << " in " << run_dir.string() << " has finished\n";
    return state.count(SimulationState::failed) == 0 ? 0 : 1;
  }
  require_usable_scheduler(study.scheduler);
  catch_interruptions();
  return StudyRun(options, std::move(study), fs::absolute(run_dir)).run(true);
}

}  // namespace apiary::launcher
