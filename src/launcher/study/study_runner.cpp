#include "launcher/study/study_runner.hpp"

#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "common/host_network.hpp"
#include "launcher/fault/fault_policy.hpp"
#include "launcher/study/client_command.hpp"
#include "launcher/study/client_jobs.hpp"
#include "launcher/study/every.hpp"
#include "launcher/study/interruption.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/plan_builder.hpp"
#include "launcher/study/progress.hpp"
#include "launcher/study/reporter.hpp"
#include "launcher/study/run_directory.hpp"
#include "launcher/study/run_files.hpp"
#include "launcher/study/study_server.hpp"
#include "launcher/study/study_summary.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
constexpr auto kProgressPeriod = std::chrono::seconds(2);
// How often the server's progress files are read (client timeouts, the
// server's heartbeat): they change about once a second.
constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(500);
constexpr auto kRequestTimeout = std::chrono::seconds(60);

// The study loop: runs the simulations through ClientJobs and the server
// through StudyServer, and carries out what the FaultPolicy decides when
// either fails.
class StudyRun {
 public:
  StudyRun(const RunOptions& options, config::StudyConfig study, fs::path run_dir)
      : options_(options),
        study_(std::move(study)),
        files_(std::move(run_dir)),
        reporter_(options.quiet),
        scheduler_(make_scheduler(study_.scheduler, [this](const std::string& line) { reporter_.warning(line); })),
        policy_(study_.fault_tolerance, study_.server.ranks, recording()),
        clients_(*scheduler_, sessions_, state_, [this](std::uint32_t id) { return client_spec(id); }) {}

  int run(bool resume) {
    start_ = Clock::now();
    auto start = resume ? files_.reopen(study_) : files_.create(study_, options_.record_dataset);
    plan_ = std::move(start.plan);
    state_ = std::move(start.state);
    keys_ = std::move(start.keys);
    if (resume) {
      study_.source_dir = state_.source_dir;
      reporter_.say(fmt::format("resuming {}: {} of {} simulations completed", files_.dir().string(),
                                state_.count(SimulationState::completed), state_.simulations.size()));
    } else if (!keys_.keys) {
      reporter_.insecure_server();
    }
    server_.emplace(*scheduler_, sessions_, policy_,
                    ServerLaunch{options_.bin_dir / "apiary-server", files_.dir(), study_.server.ranks, keys_.keys,
                                 options_.record_dataset});
    try {
      return drive(resume);
    } catch (...) {
      state_.state = interruption() ? "interrupted" : "failed";
      save_state();
      throw;
    }
  }

 private:
  // A resumed study's server restarts from its last checkpoint; so does
  // every server restarted after it died.
  int drive(bool from_checkpoint) {
    clients_.queue_pending();
    state_.state = "running";
    state_.launcher_pid = ::getpid();
    state_.launcher_host = host_name();
    save_state();
    client_executable_ = client_executable(study_, options_.bin_dir);
    start_server(from_checkpoint);
    MetricsFollower metrics(files_.dir() / "metrics.jsonl");
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
    const int code = write_study_summary({files_.dir(), study_, state_, seconds_since(start_), recording()}, reporter_);
    // A finished study is never resumed, and its checkpoints hold a copy of
    // the whole buffer (1.3 GB for the demo).
    std::error_code ignored;
    fs::remove_all(files_.dir() / "checkpoints", ignored);
    return code;
  }

  void run_simulations(MetricsFollower& metrics) {
    Every report(kProgressPeriod), heartbeat(kHeartbeatPeriod, true);
    while (!clients_.idle()) {
      if (interruption()) interrupt();
      const auto round = clients_.advance(study_.study.max_concurrent_clients);
      if (round.changed) files_.state_changed();
      for (const auto& failure : round.failures) client_failed(failure);
      if (heartbeat.due()) {
        // One read of the heartbeats serves both checks.
        const auto progress = server_->progress();
        server_->check(progress);
        for (const auto& failure : clients_.cancel_silent(policy_, progress, unix_seconds())) client_failed(failure);
      }
      if (files_.state_save_due()) save_state();
      if (report.due()) report_progress(metrics, "");
      std::this_thread::sleep_for(kPollPeriod);
    }
  }

  // Tells the server the study is over, then waits for it to finish
  // training and write its summary.
  void finish_training(MetricsFollower& metrics) {
    save_state();
    server_->check();
    server_->request([&](ServerHandle& server) {
      server.announce_study_end(state_.ids(SimulationState::completed), kRequestTimeout);
    });
    Every report(kProgressPeriod), heartbeat(kHeartbeatPeriod);
    while (true) {
      if (interruption()) interrupt();
      const auto status = server_->handle().poll();
      if (status.state == JobState::succeeded) return;
      if (finished(status) || heartbeat.due()) server_->check();  // an ended server is lost
      if (report.due()) report_progress(metrics, recording() ? " (writing the dataset)" : " (training on)");
      std::this_thread::sleep_for(kPollPeriod);
    }
  }

  void client_failed(const ClientFailure& failure) {
    const auto decision = policy_.client_failed(state_, failure.id);
    const auto log = files_.client_log(failure.id);
    switch (decision.outcome) {
      case ClientOutcome::relaunch:
        clients_.queue_first(failure.id);
        reporter_.client_relaunched(failure, decision.restarts, policy_.settings().max_restarts, log);
        break;
      case ClientOutcome::redraw:
        reporter_.client_redrawn(failure, decision.restarts, redraw(failure.id));
        break;
      case ClientOutcome::fail:
        reporter_.client_failed(failure, decision.restarts, log);
        break;
    }
    files_.state_changed();
  }

  // A new simulation of the same role, with parameters drawn anew, added to
  // the plan (plan.json, so that a restarted server knows it) and to every
  // server rank before it runs. Returns the replacement's id.
  std::uint32_t redraw(std::uint32_t failed) {
    const auto role = state_.record(failed).role;
    const auto id = plan_.next_id();
    plan_.add(draw_replacement(study_, role, redraws_of(state_, role), id));
    files_.add_to_plan(plan_.simulations.back());
    record_redraw(state_, failed, id);
    clients_.queue(id);
    // A server that died meanwhile is restarted from plan.json, which has
    // the replacement already.
    server_->request([&](ServerHandle& server) { server.add_simulation(plan_.simulations.back(), kRequestTimeout); });
    return id;
  }

  void start_server(bool from_checkpoint) {
    const auto restored = server_->start(from_checkpoint, [this] {
      if (interruption()) interrupt();
    });
    // The checkpoint the server restored may lack steps of simulations
    // that ended after it was saved: they run again.
    if (restored) {
      const auto requeued = requeue_unaccounted(state_, *restored, study_.client.time_steps);
      if (requeued > 0) reporter_.simulations_requeued(requeued);
      clients_.queue_pending();
      save_state();
    }
    reporter_.say(fmt::format("run directory {}; server at {}", files_.dir().string(), server_->control_endpoint()));
  }

  // The server died: cancel the simulations that talked to it, start it
  // again from its last checkpoint, run again whatever it lacks.
  void restart_server(const std::string& why) {
    server_->cancel();
    if (const auto refusal = policy_.refusal_to_restart_server(state_.server_restarts)) {
      throw Error(fmt::format("{}; {}:\n{}", why, *refusal, tail_of(server_->log(), 15)));
    }
    ++state_.server_restarts;
    reporter_.server_restarting(why, state_.server_restarts, policy_.settings().max_server_restarts, server_->log());
    clients_.cancel_for_server_restart();
    save_state();
    start_server(true);
    clients_.queue_pending();
  }

  [[noreturn]] void interrupt() {
    clients_.cancel_all();
    server_->cancel();
    throw Error("interrupted by signal " + std::to_string(interruption()) + "; continue with apiary run --resume " +
                files_.dir().string());
  }

  void report_progress(MetricsFollower& metrics, const std::string& phase) {
    metrics.update();
    reporter_.say(progress_line(seconds_since(start_), simulation_counts(state_), metrics) + phase);
  }

  JobSpec client_spec(std::uint32_t id) const {
    return client_job(study_, *plan_.find(id), {client_executable_, server_->control_endpoint(), keys_.file},
                      files_.client_log(id));
  }

  void save_state() {
    clients_.name_jobs_in_records();
    state_.server_job = server_ ? server_->job_handle() : "";
    files_.save_state(state_);
  }

  bool recording() const { return !options_.record_dataset.empty(); }

  const RunOptions& options_;
  config::StudyConfig study_;
  RunFiles files_;
  Reporter reporter_;
  std::unique_ptr<Scheduler> scheduler_;
  MpiSessions sessions_;
  FaultPolicy policy_;
  plan::StudyPlan plan_;
  LauncherState state_;
  ClientKeyFile keys_;
  fs::path client_executable_;
  ClientJobs clients_;
  std::optional<StudyServer> server_;  // once the run directory gave its keys
  Clock::time_point start_;
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
  const auto state = RunFiles(run_dir).resumable_state();
  auto study = config::load_study(run_dir / "study.toml");
  if (state.state == "finished") {
    Reporter(options.quiet).say("study " + state.study + " in " + run_dir.string() + " has finished");
    return state.count(SimulationState::failed) == 0 ? 0 : 1;
  }
  require_usable_scheduler(study.scheduler);
  catch_interruptions();
  return StudyRun(options, std::move(study), fs::absolute(run_dir)).run(true);
}

}  // namespace apiary::launcher
