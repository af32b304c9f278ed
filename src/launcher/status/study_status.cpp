#include "launcher/status/study_status.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "config/study_config.hpp"
#include "launcher/study/launcher_presence.hpp"
#include "launcher/study/launcher_state.hpp"
#include "launcher/study/server_progress.hpp"
#include "plan/study_plan.hpp"

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A JSON object from a file; nothing when the file is missing or not (yet)
// a JSON object.
std::optional<json> read_object(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  auto value = json::parse(in, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

// object[key] as T; nothing when it is missing, null or of another type,
// so that one odd field does not hide the rest of the status.
template <typename T>
std::optional<T> field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return std::nullopt;
  try {
    return object[key].get<T>();
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// The last record of each event in metrics.jsonl, read backwards: the file
// grows for the whole study, and only its end matters. A line still being
// written does not parse and is skipped.
std::map<std::string, json> last_records(const fs::path& file, const std::set<std::string>& events) {
  std::map<std::string, json> found;
  std::ifstream in(file, std::ios::binary);
  if (!in) return found;
  in.seekg(0, std::ios::end);
  std::streamoff end = in.tellg();
  constexpr std::streamoff kChunk = 1 << 16;
  std::string carry;  // the start of a line cut by the previous chunk
  const auto take = [&](std::string_view line) {
    const auto record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) return;
    const auto event = field<std::string>(record, "event");
    if (event && events.contains(*event) && !found.contains(*event)) found[*event] = record;
  };
  while (end > 0 && found.size() < events.size()) {
    const auto start = std::max<std::streamoff>(0, end - kChunk);
    std::string text(static_cast<std::size_t>(end - start), '\0');
    in.seekg(start);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text += carry;
    end = start;
    // Complete lines follow the first newline, unless the chunk starts the file.
    const auto first = start == 0 ? std::string::npos : text.find('\n');
    if (start != 0 && first == std::string::npos) {
      carry = std::move(text);
      continue;
    }
    const std::size_t from = start == 0 ? 0 : first + 1;
    std::size_t stop = text.size();
    while (stop > from && found.size() < events.size()) {
      const auto newline = text.rfind('\n', stop - 1);
      const std::size_t begin = newline == std::string::npos || newline < from ? from : newline + 1;
      take(std::string_view(text).substr(begin, stop - begin));
      stop = begin > from ? begin - 1 : from;
    }
    carry = start == 0 ? std::string() : text.substr(0, first);
  }
  return found;
}

json simulation_figures(const LauncherState& launcher) {
  std::uint64_t planned = 0, replacements = 0, restarted = 0, restarts = 0;
  for (const auto& simulation : launcher.simulations) {
    ++(simulation.replaces ? replacements : planned);
    restarted += simulation.restarts > 0;
    restarts += simulation.restarts;
  }
  return {{"planned", planned},
          {"replacements", replacements},
          {"pending", launcher.count(SimulationState::pending)},
          {"running", launcher.count(SimulationState::running)},
          {"completed", launcher.count(SimulationState::completed)},
          {"failed", launcher.count(SimulationState::failed)},
          {"redrawn", launcher.count(SimulationState::redrawn)},
          {"restarted", restarted},
          {"restarts", restarts}};
}

// Every rank's heartbeat (progress/rank-R.json) together, however many
// ranks the server has.
json server_heartbeats(const fs::path& run_dir, double now, json& notes) {
  std::optional<double> latest;
  std::optional<std::uint64_t> batches, resumed;
  std::uint64_t received = 0, ranks = 0;
  for (const auto& file : rank_progress_files(run_dir)) {
    const auto progress = read_rank_progress(file);
    if (!progress) {
      notes.push_back("progress/" + file.filename().string() + " is not readable JSON");
      continue;
    }
    ++ranks;
    if (progress->time) latest = std::max(latest.value_or(*progress->time), *progress->time);
    if (progress->batches) batches = std::max(batches.value_or(0), *progress->batches);
    if (!resumed) resumed = progress->resumed_from_batch;
    received += progress->time_steps_received;
  }
  return {{"ranks_reporting", ranks},
          {"heartbeat_seconds_ago", latest ? json(now - *latest) : json(nullptr)},
          {"batches", or_null(batches)},
          {"resumed_from_batch", or_null(resumed)},
          {"time_steps_received", ranks > 0 ? json(received) : json(nullptr)}};
}

json training_status(const fs::path& run_dir, const json& server, const std::optional<json>& summary) {
  const auto records = last_records(run_dir / "metrics.jsonl", {"train", "validation"});
  const json train = records.contains("train") ? records.at("train") : json::object();
  const json validation = records.contains("validation") ? records.at("validation") : json::object();
  // summary.json, once there, has the final figures; before, the freshest
  // of the heartbeats and the metrics.
  const json end = summary.value_or(json::object());
  auto batches = field<std::uint64_t>(end, "batches");
  if (!batches) {
    const auto beat = field<std::uint64_t>(server, "batches");
    const auto metric = field<std::uint64_t>(train, "batch");
    if (beat || metric) batches = std::max(beat.value_or(0), metric.value_or(0));
  }
  const auto pick = [&](const char* key, const json& record) {
    const auto final_value = field<double>(end, key);
    return or_null(final_value ? final_value : field<double>(record, key));
  };
  auto samples = field<std::uint64_t>(end, "samples_trained");
  if (!samples) samples = field<std::uint64_t>(train, "samples_trained");
  return {{"samples_trained", or_null(samples)},
          {"batches", or_null(batches)},
          {"loss", or_null(field<double>(train, "loss"))},
          {"validation_rel_l2", pick("validation_rel_l2", validation)},
          {"validation_mse", pick("validation_mse", validation)}};
}

std::string study_name_of(const fs::path& run_dir) {
  try {
    return config::load_study(run_dir / "study.toml").study.name;
  } catch (const std::exception&) {
    return fs::absolute(run_dir).lexically_normal().filename().string();
  }
}

}  // namespace

json read_study_status(const fs::path& run_dir, double now) {
  const bool has_launcher = fs::exists(run_dir / "launcher.json");
  if (!has_launcher && !fs::exists(run_dir / "study.toml")) {
    throw Error(run_dir.string() + " is not a run directory (it has neither launcher.json nor study.toml)");
  }
  json notes = json::array();
  std::optional<LauncherState> launcher;
  if (!has_launcher) {
    notes.push_back("no launcher.json yet");
  } else {
    try {
      launcher = read_launcher_state(run_dir / "launcher.json");
    } catch (const Error& error) {
      notes.push_back(error.what());
    }
  }
  const auto summary = read_object(run_dir / "summary.json");

  json status;
  status["run_dir"] = run_dir.string();
  status["study"] = launcher ? launcher->study : study_name_of(run_dir);
  status["state"] = launcher ? launcher->state : "unknown";
  status["launcher_pid"] = launcher ? json(launcher->launcher_pid) : json(nullptr);
  status["launcher_host"] = launcher ? json(launcher->launcher_host) : json(nullptr);
  status["launcher_alive"] = launcher ? json(launcher_presence_here(*launcher).alive) : json(nullptr);
  status["updated_seconds_ago"] = launcher ? json(now - launcher->updated) : json(nullptr);

  json simulations = launcher ? simulation_figures(*launcher) : json::object();
  if (!launcher) {
    try {
      simulations["planned"] = plan::read_plan(run_dir / "plan.json").simulations.size();
    } catch (const Error&) {
      simulations["planned"] = nullptr;
    }
  }
  status["simulations"] = simulations;

  const json server = server_heartbeats(run_dir, now, notes);
  status["server"] = {{"restarts", launcher ? json(launcher->server_restarts) : json(nullptr)},
                      {"ranks_reporting", server["ranks_reporting"]},
                      {"heartbeat_seconds_ago", server["heartbeat_seconds_ago"]},
                      {"resumed_from_batch", server["resumed_from_batch"]}};

  // Expected: the steps of the simulations that are to complete, i.e. not
  // of failed or redrawn ones; received counts every step the server
  // took, theirs included.
  json expected = nullptr, steps = nullptr;
  if (launcher) {
    steps = launcher->time_steps_per_simulation;
    expected = (launcher->count(SimulationState::completed) + launcher->count(SimulationState::running) +
                launcher->count(SimulationState::pending)) *
               launcher->time_steps_per_simulation;
  }
  json received = server["time_steps_received"];
  if (received.is_null() && summary) received = or_null(field<std::uint64_t>(*summary, "time_steps_received"));
  status["time_steps"] = {{"received", received}, {"expected", expected}, {"per_simulation", steps}};

  status["training"] = training_status(run_dir, server, summary);
  status["finished"] = summary.has_value();
  status["notes"] = notes;
  return status;
}

namespace {

std::string count_text(const json& value) { return value.is_null() ? "?" : value.dump(); }

// "1 restart", "3 restarts", "? restarts".
std::string counted(const json& value, const std::string& noun) {
  return count_text(value) + " " + noun + (value == 1 ? "" : "s");
}

std::string launcher_line(const json& s) {
  std::string line = fmt::format("study {}: {}", s["study"].get<std::string>(), s["state"].get<std::string>());
  if (s["state"] == "running" && s["launcher_alive"] == false) {
    return line + fmt::format(", but the launcher is gone (pid {}): resume with `apiary run --resume {}`",
                              s["launcher_pid"].get<std::int64_t>(), s["run_dir"].get<std::string>());
  }
  if (s["launcher_pid"].is_number() && s["state"] == "running") {
    line += fmt::format(" (launcher pid {}{})", s["launcher_pid"].get<std::int64_t>(),
                        s["launcher_host"].is_string() && !s["launcher_host"].get<std::string>().empty()
                            ? " on " + s["launcher_host"].get<std::string>()
                            : "");
  }
  if (s["updated_seconds_ago"].is_number()) {
    line += fmt::format(", updated {:.1f} s ago", s["updated_seconds_ago"].get<double>());
  }
  return line;
}

std::string simulations_line(const json& c) {
  if (!c.contains("pending")) return "simulations: " + count_text(c["planned"]) + " planned";
  return fmt::format(
      "simulations: {} planned{}: {} pending, {} running, {} completed, {} failed, {} redrawn; {} restarted ({})",
      count_text(c["planned"]),
      c["replacements"] == 0 ? std::string() : " + " + c["replacements"].dump() + " drawn again",
      count_text(c["pending"]), count_text(c["running"]), count_text(c["completed"]), count_text(c["failed"]),
      count_text(c["redrawn"]), count_text(c["restarted"]), counted(c["restarts"], "restart"));
}

std::string time_steps_line(const json& t) {
  std::string line = "time steps: " + count_text(t["received"]) + " received";
  if (t["expected"].is_null()) return line;
  return line + fmt::format(" of {} expected ((pending + running + completed simulations) x {} steps)",
                            count_text(t["expected"]), count_text(t["per_simulation"]));
}

std::string training_line(const json& t) {
  if (t["samples_trained"].is_null() && t["batches"].is_null()) return "training: no metrics yet";
  std::string line =
      "training: " + count_text(t["samples_trained"]) + " samples trained, " + count_text(t["batches"]) + " batches";
  if (t["loss"].is_number()) line += fmt::format(", last loss {:.4g}", t["loss"].get<double>());
  if (t["validation_rel_l2"].is_number()) {
    line += fmt::format(", validation rel. L2 {:.4g}", t["validation_rel_l2"].get<double>());
    if (t["validation_mse"].is_number()) line += fmt::format(" (MSE {:.4g})", t["validation_mse"].get<double>());
  }
  return line;
}

std::string server_line(const json& s) {
  std::string line = "server: " + counted(s["restarts"], "restart") + ", ";
  if (s["heartbeat_seconds_ago"].is_null()) {
    line += "no server heartbeat yet";
  } else {
    line += fmt::format("heartbeat {:.1f} s ago ({} reporting)", s["heartbeat_seconds_ago"].get<double>(),
                        counted(s["ranks_reporting"], "rank"));
  }
  if (s["resumed_from_batch"].is_number()) line += ", resumed from batch " + s["resumed_from_batch"].dump();
  return line;
}

std::string notes_lines(const json& notes) {
  std::string lines;
  for (const auto& note : notes) lines += "note: " + note.get<std::string>() + "\n";
  return lines;
}

}  // namespace

std::string format_study_status(const json& status) {
  return launcher_line(status) + "\n" + simulations_line(status["simulations"]) + "\n" +
         time_steps_line(status["time_steps"]) + "\n" + training_line(status["training"]) + "\n" +
         server_line(status["server"]) + "\n" + notes_lines(status["notes"]);
}

int print_study_status(const fs::path& run_dir, bool as_json, std::ostream& out, std::ostream& err) {
  const double now = unix_seconds();
  json status;
  try {
    status = read_study_status(run_dir, now);
  } catch (const Error& error) {
    err << "apiary status: " << error.what() << "\n";
    return 2;
  }
  out << (as_json ? status.dump(1) + "\n" : format_study_status(status));
  return 0;
}

}  // namespace apiary::launcher
