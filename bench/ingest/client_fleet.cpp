#include "client_fleet.hpp"

#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "start_gate.hpp"

namespace apiary::bench {
namespace {

constexpr std::size_t kParameters = 5;
constexpr auto kPollPeriod = std::chrono::milliseconds(2);

std::string parameters_text(const std::vector<double>& parameters) {
  std::ostringstream text;
  text.precision(17);
  for (std::size_t k = 0; k < parameters.size(); ++k) text << (k > 0 ? "," : "") << parameters[k];
  return text.str();
}

}  // namespace

plan::StudyPlan make_plan(std::size_t clients) {
  plan::StudyPlan plan;
  for (std::size_t k = 0; k < kParameters; ++k) plan.parameter_names.push_back("p" + std::to_string(k));
  for (std::size_t id = 0; id < clients; ++id) {
    plan::PlannedSimulation simulation;
    simulation.id = static_cast<std::uint32_t>(id);
    // Decreasing amplitudes, shifted per simulation: smooth, finite fields.
    for (std::size_t k = 0; k < kParameters; ++k) {
      simulation.parameters.push_back((1.0 + 0.1 * static_cast<double>(id)) / static_cast<double>(k + 1));
    }
    plan.simulations.push_back(std::move(simulation));
  }
  return plan;
}

ClientFleet::ClientFleet(const plan::StudyPlan& plan, const FleetOptions& options)
    : scheduler_(launcher::make_scheduler(config::SchedulerSection{}, {})), gate_(options.log_dir / "gate") {
  std::filesystem::remove_all(gate_);
  std::filesystem::create_directories(gate_);
  launcher::JobSpec spec;
  spec.argv = options.argv;
  spec.argv.insert(spec.argv.end(), {"--gate", gate_.string()});
  for (const auto& simulation : plan.simulations) {
    const auto name = "client-" + std::to_string(simulation.id);
    spec.name = name;
    spec.environment = sessions_.environment(name);
    spec.environment["APIARY_SIMULATION_ID"] = std::to_string(simulation.id);
    spec.environment["APIARY_PARAMETERS"] = parameters_text(simulation.parameters);
    if (!options.server.empty()) spec.environment["APIARY_SERVER"] = options.server;
    if (!options.key_file.empty()) spec.environment["APIARY_KEY_FILE"] = options.key_file.string();
    spec.log = options.log_dir / (name + ".log");
    jobs_.emplace_back(simulation.id, scheduler_->submit(spec));
  }
}

Clock::time_point ClientFleet::start(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (clients_ready(gate_) < jobs_.size()) {
    if (still_running() < jobs_.size())
      throw Error("a client exited before it was ready: see " + gate_.parent_path().string());
    if (Clock::now() > deadline)
      throw Error("the clients were not ready after " + std::to_string(timeout.count()) + " s");
    std::this_thread::sleep_for(kPollPeriod);
  }
  open_gate(gate_);
  return Clock::now();
}

void ClientFleet::stop() { signal_stop(gate_); }

std::size_t ClientFleet::still_running() {
  std::size_t running = 0;
  for (const auto& [id, job] : jobs_) running += !launcher::finished(scheduler_->poll(job));
  return running;
}

bool ClientFleet::running() { return still_running() > 0; }

std::vector<std::uint32_t> ClientFleet::wait(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() > deadline) {
      throw Error("the clients were still running after " + std::to_string(timeout.count()) + " s");
    }
    std::this_thread::sleep_for(kPollPeriod);
  }
  std::vector<std::uint32_t> succeeded;
  for (const auto& [id, job] : jobs_) {
    if (scheduler_->poll(job).state == launcher::JobState::succeeded) succeeded.push_back(id);
  }
  return succeeded;
}

}  // namespace apiary::bench
