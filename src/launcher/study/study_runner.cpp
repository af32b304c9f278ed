#include "launcher/study/study_runner.hpp"

#include <spdlog/fmt/fmt.h>

#include <deque>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "launcher/study/client_command.hpp"
#include "launcher/study/interruption.hpp"
#include "launcher/study/mpi_sessions.hpp"
#include "launcher/study/plan_builder.hpp"
#include "launcher/study/progress.hpp"
#include "launcher/study/run_directory.hpp"
#include "launcher/study/server_handle.hpp"
#include "security/curve_keys.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
constexpr auto kProgressPeriod = std::chrono::seconds(2);

struct Running {
  std::uint32_t simulation_id;
  JobId job;
};

class StudyRun {
 public:
  StudyRun(const RunOptions& options, config::StudyConfig study, fs::path run_dir)
      : options_(options),
        study_(std::move(study)),
        run_dir_(std::move(run_dir)),
        scheduler_(make_scheduler(study_.scheduler)) {}

  int run() {
    const auto start = Clock::now();
    fs::create_directories(run_dir_ / "clients");
    const auto plan = build_plan(study_);
    plan::write_plan(run_dir_ / "plan.json", plan);
    write_file_atomically(run_dir_ / "study.toml", config::to_toml(study_));
    const auto client_executable = resolve_executable(config_argv0(), study_.source_dir, {options_.bin_dir});

    const auto keys = make_keys();
    std::vector<std::string> server_arguments;
    if (recording()) server_arguments = {"--record-dataset", options_.record_dataset.string()};
    ServerHandle server(*scheduler_, options_.bin_dir / "apiary-server", run_dir_, study_.server.ranks,
                        mpi_sessions_.environment("server"), keys, server_arguments);
    server.wait_ready(std::chrono::seconds(120));
    say(fmt::format("run directory {}; server at {}", run_dir_.string(), server.control_endpoint()));

    std::deque<const plan::PlannedSimulation*> pending;
    for (const auto& simulation : plan.simulations) pending.push_back(&simulation);
    std::vector<Running> running;
    std::vector<std::uint32_t> completed;
    std::vector<std::uint32_t> failed;
    MetricsFollower metrics(run_dir_ / "metrics.jsonl");
    auto last_progress = Clock::now();

    while ((!pending.empty() || !running.empty()) && !interruption()) {
      while (!pending.empty() && running.size() < study_.study.max_concurrent_clients) {
        running.push_back({pending.front()->id, start_client(*pending.front(), client_executable, server)});
        pending.pop_front();
      }
      std::erase_if(running, [&](const Running& client) {
        const auto status = scheduler_->poll(client.job);
        if (!finished(status)) return false;
        mpi_sessions_.release(session_name(client.simulation_id));
        if (status.state == JobState::succeeded) {
          completed.push_back(client.simulation_id);
        } else {
          failed.push_back(client.simulation_id);
          report_failure(client.simulation_id, status);
        }
        return true;
      });
      if (finished(server.poll())) break;
      if (Clock::now() - last_progress > kProgressPeriod) {
        metrics.update();
        say(progress_line(seconds_since(start), counts(plan, pending, running, completed, failed), metrics));
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(kPollPeriod);
    }
    if (interruption()) {
      for (const auto& client : running) scheduler_->cancel(client.job);
      server.cancel();
      throw Error("interrupted by signal " + std::to_string(interruption()));
    }
    const auto server_status = wait_for_server(server, completed, start, plan, failed, metrics);
    return write_summary(plan, completed, failed, server_status, seconds_since(start));
  }

 private:
  bool recording() const { return !options_.record_dataset.empty(); }

  // The study's keys (server.security = "curve"): the server reads its own
  // from the run directory, the clients are told where theirs is.
  std::optional<security::ClientKeys> make_keys() {
    if (study_.server.security == "none") {
      std::cerr << "warning: server.security = \"none\": any process that can reach the server's ports may send it "
                   "data; use it on trusted single-user machines only\n";
      return std::nullopt;
    }
    client_key_file_ = security::write_study_keys(run_dir_).client;
    return security::read_client_keys(client_key_file_);
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

  JobId start_client(const plan::PlannedSimulation& simulation, const fs::path& executable,
                     const ServerHandle& server) {
    JobSpec spec;
    spec.name = session_name(simulation.id);
    spec.argv = client_argv(study_, simulation);
    spec.argv[0] = executable.string();
    spec.ranks = study_.client.ranks;
    spec.log = run_dir_ / "clients" / fmt::format("simulation-{:06d}.log", simulation.id);
    std::string parameters;
    for (double value : simulation.parameters) parameters += (parameters.empty() ? "" : ",") + format_parameter(value);
    spec.environment = {{"APIARY_SERVER", server.control_endpoint()},
                        {"APIARY_SIMULATION_ID", std::to_string(simulation.id)},
                        {"APIARY_PARAMETERS", parameters}};
    if (!client_key_file_.empty()) spec.environment["APIARY_KEY_FILE"] = fs::absolute(client_key_file_).string();
    spec.environment.merge(mpi_sessions_.environment(session_name(simulation.id)));
    return scheduler_->submit(spec);
  }

  static std::string session_name(std::uint32_t simulation_id) { return "simulation-" + std::to_string(simulation_id); }

  void report_failure(std::uint32_t id, const JobStatus& status) const {
    const auto log = run_dir_ / "clients" / fmt::format("simulation-{:06d}.log", id);
    std::cerr << fmt::format("simulation {} failed (exit code {}{}); the end of {}:\n{}", id, status.exit_code,
                             status.detail.empty() ? "" : ", " + status.detail, log.string(), tail_of(log, 5));
  }

  SimulationCounts counts(const plan::StudyPlan& plan, const std::deque<const plan::PlannedSimulation*>& pending,
                          const std::vector<Running>& running, const std::vector<std::uint32_t>& completed,
                          const std::vector<std::uint32_t>& failed) const {
    return {plan.simulations.size(), pending.size(), running.size(), completed.size(), failed.size()};
  }

  JobStatus wait_for_server(ServerHandle& server, const std::vector<std::uint32_t>& completed, Clock::time_point start,
                            const plan::StudyPlan& plan, const std::vector<std::uint32_t>& failed,
                            MetricsFollower& metrics) {
    if (!finished(server.poll())) {
      server.announce_study_end(completed, std::chrono::seconds(60));
    }
    auto last_progress = Clock::now();
    while (!finished(server.poll())) {
      if (interruption()) {
        server.cancel();
        throw Error("interrupted by signal " + std::to_string(interruption()));
      }
      if (Clock::now() - last_progress > kProgressPeriod) {
        metrics.update();
        say(progress_line(seconds_since(start), {plan.simulations.size(), 0, 0, completed.size(), failed.size()},
                          metrics) +
            (recording() ? " (writing the dataset)" : " (training on)"));
        last_progress = Clock::now();
      }
      std::this_thread::sleep_for(kPollPeriod);
    }
    return server.poll();
  }

  int write_summary(const plan::StudyPlan& plan, const std::vector<std::uint32_t>& completed,
                    const std::vector<std::uint32_t>& failed, const JobStatus& server_status, double wall_seconds) {
    if (server_status.state != JobState::succeeded) {
      throw Error("the server failed (exit code " + std::to_string(server_status.exit_code) +
                  (server_status.detail.empty() ? "" : ", " + server_status.detail) + "):\n" +
                  tail_of(run_dir_ / "server.log", 15));
    }
    auto summary = nlohmann::json::parse(std::ifstream(run_dir_ / "server_summary.json"));
    summary["study"] = study_.study.name;
    summary["run_dir"] = fs::absolute(run_dir_).string();
    summary["wall_seconds"] = wall_seconds;
    summary["simulations_planned"] = plan.simulations.size();
    summary["simulations_completed"] = completed.size();
    summary["simulations_failed"] = failed.size();
    summary["failed_simulation_ids"] = failed;
    summary["time_steps_expected"] = plan.simulations.size() * study_.client.time_steps;
    write_file_atomically(run_dir_ / "summary.json", summary.dump(1) + "\n");
    if (recording()) {
      const auto& dataset = summary["dataset"];
      say(
          fmt::format("study {} recorded in {:.1f} s: {} training and {} validation samples, {:.1f} MB in {}; time "
                      "steps received {}/{}; {} of {} simulations completed",
                      study_.study.name, wall_seconds, dataset["training_records"].get<std::uint64_t>(),
                      dataset["validation_records"].get<std::uint64_t>(), dataset["bytes"].get<double>() / 1e6,
                      dataset["dir"].get<std::string>(), summary["time_steps_received"].get<std::uint64_t>(),
                      summary["time_steps_expected"].get<std::uint64_t>(), completed.size(), plan.simulations.size()));
      return failed.empty() ? 0 : 1;
    }
    std::uint64_t connections_refused = 0;
    for (const auto& [reason, count] : summary["connections_refused"].items())
      connections_refused += count.get<std::uint64_t>();
    say(fmt::format(
        "study {} finished in {:.1f} s: validation relative L2 {:.4g}, MSE {:.4g}; {} samples trained "
        "({:.0f}/s); time steps received {}/{}; {} duplicates dropped, {} messages rejected, {} connections "
        "refused; {} of {} simulations completed",
        study_.study.name, wall_seconds, summary["validation_rel_l2"].get<double>(),
        summary["validation_mse"].get<double>(), summary["samples_trained"].get<std::uint64_t>(),
        summary["samples_per_second"].get<double>(), summary["time_steps_received"].get<std::uint64_t>(),
        summary["time_steps_expected"].get<std::uint64_t>(), summary["duplicates_dropped"].get<std::uint64_t>(),
        summary["messages_rejected"].get<std::uint64_t>(), connections_refused, completed.size(),
        plan.simulations.size()));
    say("summary: " + (run_dir_ / "summary.json").string());
    return failed.empty() ? 0 : 1;
  }

  const RunOptions& options_;
  config::StudyConfig study_;
  fs::path run_dir_;
  std::unique_ptr<Scheduler> scheduler_;
  MpiSessions mpi_sessions_;
  fs::path client_key_file_;  // empty with security off
};

}  // namespace

config::StudyConfig load_study_as_run(const RunOptions& options) {
  auto study = config::load_study(options.study_file, options.overrides);
  // The run directory keeps the study as run; paths in it must not depend
  // on where the study file was.
  if (study.training.model != "mlp")
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
  return StudyRun(options, std::move(study), fs::absolute(run_dir)).run();
}

}  // namespace apiary::launcher
