#include "launcher/study/study_summary.hpp"

#include <spdlog/fmt/fmt.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "launcher/study/server_progress.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

std::string recording_line(const StudySummaryInputs& in, const nlohmann::json& summary) {
  const auto& dataset = summary["dataset"];
  return fmt::format(
      "study {} recorded in {:.1f} s: {} training and {} validation samples, {:.1f} MB in {}; time "
      "steps received {}/{}; {} of {} simulations completed",
      in.study.study.name, in.wall_seconds, dataset["training_records"].get<std::uint64_t>(),
      dataset["validation_records"].get<std::uint64_t>(), dataset["bytes"].get<double>() / 1e6,
      dataset["dir"].get<std::string>(), summary["time_steps_received"].get<std::uint64_t>(),
      summary["time_steps_expected"].get<std::uint64_t>(), summary["simulations_completed"].get<std::size_t>(),
      summary["simulations_planned"].get<std::size_t>());
}

std::string training_lines(const StudySummaryInputs& in, const nlohmann::json& summary) {
  std::uint64_t connections_refused = 0;
  for (const auto& [reason, count] : summary["connections_refused"].items())
    connections_refused += count.get<std::uint64_t>();
  std::string faults;
  if (in.state.client_restarts + in.state.server_restarts + in.state.simulations_redrawn > 0) {
    faults = fmt::format("; {} client restarts, {} server restarts, {} simulations redrawn", in.state.client_restarts,
                         in.state.server_restarts, in.state.simulations_redrawn);
  }
  return fmt::format(
             "study {} finished in {:.1f} s: validation relative L2 {:.4g}, MSE {:.4g}; {} samples trained "
             "({:.0f}/s); time steps received {}/{}; {} duplicates dropped, {} messages rejected, {} "
             "connections refused; {} of {} simulations completed{}",
             in.study.study.name, in.wall_seconds, summary["validation_rel_l2"].get<double>(),
             summary["validation_mse"].get<double>(), summary["samples_trained"].get<std::uint64_t>(),
             summary["samples_per_second"].get<double>(), summary["time_steps_received"].get<std::uint64_t>(),
             summary["time_steps_expected"].get<std::uint64_t>(), summary["duplicates_dropped"].get<std::uint64_t>(),
             summary["messages_rejected"].get<std::uint64_t>(), connections_refused,
             summary["simulations_completed"].get<std::size_t>(), summary["simulations_planned"].get<std::size_t>(),
             faults) +
         "\nsummary: " + (in.run_dir / "summary.json").string();
}

}  // namespace

int write_study_summary(const StudySummaryInputs& in, Reporter& reporter) {
  std::ifstream server_summary(in.run_dir / "server_summary.json");
  if (!server_summary) throw Error("the server ended without writing " + (in.run_dir / "server_summary.json").string());
  auto summary = nlohmann::json::parse(server_summary);
  const auto completed = in.state.ids(SimulationState::completed);
  const auto failed = in.state.ids(SimulationState::failed);
  const auto progress = read_server_progress(in.run_dir, in.study.server.ranks);
  std::uint64_t received_of_completed = 0;
  for (const auto id : completed) received_of_completed += progress.steps_of(id);

  summary["study"] = in.study.study.name;
  summary["run_dir"] = fs::absolute(in.run_dir).string();
  summary["wall_seconds"] = in.wall_seconds;
  summary["simulations_planned"] = in.study.study.simulations + in.study.study.validation_simulations;
  summary["simulations_completed"] = completed.size();
  summary["simulations_failed"] = failed.size();
  summary["failed_simulation_ids"] = failed;
  summary["redrawn_simulation_ids"] = in.state.ids(SimulationState::redrawn);
  summary["client_restarts"] = in.state.client_restarts;
  summary["server_restarts"] = in.state.server_restarts;
  summary["simulations_redrawn"] = in.state.simulations_redrawn;
  // Every completed simulation sent each of its steps, some perhaps more
  // than once (relaunched); the server counts each distinct one once.
  summary["time_steps_expected"] = completed.size() * in.study.client.time_steps;
  summary["time_steps_received_from_completed"] = received_of_completed;
  write_file_atomically(in.run_dir / "summary.json", summary.dump(1) + "\n");
  // Quiet, the lines are not made, so that a figure missing from the
  // server's summary fails only a run that shows it.
  if (!reporter.quiet()) reporter.say(in.recording ? recording_line(in, summary) : training_lines(in, summary));
  return failed.empty() ? 0 : 1;
}

}  // namespace apiary::launcher
