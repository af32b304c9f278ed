#include "client_fleet.hpp"

#include <sstream>
#include <thread>

#include "common/error.hpp"

namespace apiary::bench {
namespace {

constexpr std::size_t kParameters = 5;
constexpr auto kPollPeriod = std::chrono::milliseconds(5);

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
    : scheduler_(launcher::make_scheduler("local")) {
  const auto start_at = std::chrono::duration_cast<std::chrono::milliseconds>(
      (std::chrono::system_clock::now() + options.start_delay).time_since_epoch());
  launcher::JobSpec spec;
  spec.argv = options.argv;
  spec.argv.insert(spec.argv.end(), {"--start-at", std::to_string(start_at.count())});
  if (options.stream_time.count() > 0) {
    spec.argv.insert(spec.argv.end(), {"--stop-at", std::to_string((start_at + options.stream_time).count())});
  }
  std::filesystem::create_directories(options.log_dir);
  for (const auto& simulation : plan.simulations) {
    const auto name = "client-" + std::to_string(simulation.id);
    spec.environment = sessions_.environment(name);
    spec.environment["APIARY_SIMULATION_ID"] = std::to_string(simulation.id);
    spec.environment["APIARY_PARAMETERS"] = parameters_text(simulation.parameters);
    if (!options.server.empty()) spec.environment["APIARY_SERVER"] = options.server;
    spec.log = options.log_dir / (name + ".log");
    jobs_.emplace_back(simulation.id, scheduler_->submit(spec));
  }
}

bool ClientFleet::running() {
  for (const auto& [id, job] : jobs_) {
    if (scheduler_->poll(job).state == launcher::JobState::running) return true;
  }
  return false;
}

std::vector<std::uint32_t> ClientFleet::wait(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
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
