#include "launcher/scheduler/slurm_commands.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace apiary::launcher::slurm {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(trimmed(part));
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

std::optional<int> integer(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool only_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A failed job's exit code: its own, 128 + the signal that killed it, or -1.
int failed_exit_code(int code, int signal) {
  if (signal != 0) return 128 + signal;
  return code != 0 ? code : -1;
}

}  // namespace

std::chrono::milliseconds Backoff::delay(int failures) const {
  auto delay = first;
  for (int i = 1; i < failures && delay < longest; ++i) delay *= 2;
  return std::min(delay, longest);
}

std::string job_name(const JobSpec& job) { return "apiary-" + (job.name.empty() ? std::string("job") : job.name); }

const std::string& walltime(const config::SchedulerSection& section, const JobSpec& job) {
  return job.role == JobRole::server ? section.server_time : section.time;
}

std::vector<std::string> srun_mpi_options(const config::SchedulerSection& section, int ranks) {
  std::vector<std::string> options;
  if (!section.mpi.empty()) options.push_back("--mpi=" + section.mpi);
  options.push_back("--ntasks=" + std::to_string(ranks));
  // One rank that fails ends the others, as mpirun does.
  options.emplace_back("--kill-on-bad-exit=1");
  return options;
}

std::optional<std::string> parse_sbatch_id(const std::string& out) {
  // The id is on the last non-empty line (sbatch may print warnings before it).
  std::string last;
  for (const auto& line : split(out, '\n')) {
    if (!line.empty()) last = line;
  }
  const std::string id = last.substr(0, last.find(';'));
  if (!only_digits(id)) return std::nullopt;
  return id;
}

std::map<std::string, SqueueRecord> parse_squeue(const std::string& out, int* unparsed) {
  std::map<std::string, SqueueRecord> records;
  int bad = 0;
  for (const auto& line : split(out, '\n')) {
    if (line.empty()) continue;
    const auto fields = split(line, '|');
    const auto status = fields.size() >= 3 ? integer(fields[2]) : std::nullopt;
    if (fields.size() < 3 || fields[0].empty() || fields[1].empty() || !status) {
      ++bad;
      continue;
    }
    records[fields[0]] = {fields[1], *status, fields.size() > 3 ? fields[3] : ""};
  }
  if (unparsed != nullptr) *unparsed = bad;
  return records;
}

JobStatus status_of_state(const std::string& state_text, int raw_status, const std::string& reason) {
  // sacct writes "CANCELLED by 0"; squeue may append a "+" to some states.
  std::string state = state_text.substr(0, state_text.find_first_of(" +"));
  static const std::vector<std::string> queued = {"PENDING",      "CONFIGURING", "REQUEUED",
                                                  "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"};
  static const std::vector<std::string> running = {"RUNNING",   "COMPLETING", "SUSPENDED", "STOPPED",
                                                   "SIGNALING", "STAGE_OUT",  "RESIZING"};
  auto among = [&state](const std::vector<std::string>& states) {
    return std::find(states.begin(), states.end(), state) != states.end();
  };
  if (among(queued)) return {JobState::queued, 0, ""};
  if (among(running) || state.empty()) return {JobState::running, 0, ""};
  const int code = (raw_status >> 8) & 0xff;
  const int signal = raw_status & 0x7f;
  if (state == "COMPLETED" && code == 0 && signal == 0) return {JobState::succeeded, 0, ""};
  std::string detail = "Slurm state " + state;
  if (!reason.empty() && reason != "None") detail += " (" + reason + ")";
  return {JobState::failed, failed_exit_code(code, signal), detail};
}

std::optional<JobStatus> parse_sacct(const std::string& out, const std::string& id) {
  for (const auto& line : split(out, '\n')) {
    const auto fields = split(line, '|');
    if (fields.size() < 3 || fields[0] != id) continue;
    const auto codes = split(fields[2], ':');
    const auto code = codes.size() == 2 ? integer(codes[0]) : std::nullopt;
    const auto signal = codes.size() == 2 ? integer(codes[1]) : std::nullopt;
    if (!code || !signal) return std::nullopt;
    JobStatus status = status_of_state(fields[1], (*code << 8) | (*signal & 0x7f), "");
    if (status.state == JobState::failed) status.detail += " (from sacct)";
    return status;
  }
  return std::nullopt;
}

std::string step_marker_command() {
  // Rank 0 only; the shell then becomes the program (exec).
  return R"([ "${SLURM_PROCID:-0}" = 0 ] && echo "apiary: job step ${SLURM_JOB_ID}.${SLURM_STEP_ID} started on ${SLURMD_NODENAME:-?}"; exec "$@")";
}

std::optional<std::string> find_step_marker(const std::string& log_text) {
  static const std::string prefix = "apiary: job step ";
  const auto at = log_text.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + prefix.size();
  const auto end = log_text.find(' ', start);
  if (end == std::string::npos) return std::nullopt;
  const std::string id = log_text.substr(start, end - start);
  const auto dot = id.find('.');
  if (dot == std::string::npos || !only_digits(id.substr(0, dot)) || !only_digits(id.substr(dot + 1))) {
    return std::nullopt;
  }
  return id;
}

}  // namespace apiary::launcher::slurm
