#include "config/study_validation.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "config/value_text.hpp"

namespace apiary::config {

namespace {

void require_non_empty(const ValueOrigins& origins, const std::string& path, const std::string& value) {
  if (value.empty()) origins.fail(path, "must not be empty");
}

// NaN and infinities pass a "> 0" test one way or the other; refuse them once.
void require_finite(const ValueOrigins& origins, const std::string& path, double value) {
  if (!std::isfinite(value)) origins.fail(path, "must be a finite number, got " + float_text(value));
}

bool only_chars(const std::string& text, const std::string& extra) {
  return std::all_of(text.begin(), text.end(), [&extra](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string::npos;
  });
}

void validate(const StudySection& study, const ValueOrigins& origins) {
  // The run directory is runs/<name>-<timestamp>: no separators, no "..".
  if (study.name.empty() || !only_chars(study.name, "._-") || study.name == "." || study.name == "..") {
    origins.fail("study.name",
                 "must be usable in a directory name (letters, digits, '.', '_', '-'), got " + string_text(study.name));
  }
}

void validate(const ClientSection& client, const ValueOrigins& origins) {
  require_non_empty(origins, "client.command", client.command);
  require_non_empty(origins, "client.field", client.field);
}

void validate(const std::vector<ParameterRange>& parameters, const ValueOrigins& origins) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const ParameterRange& parameter = parameters[i];
    const std::string path = "parameters[" + std::to_string(i) + "]";
    // The name is a {NAME} placeholder of client.command; {simulation_id} is taken.
    const bool identifier = !parameter.name.empty() && only_chars(parameter.name, "_") &&
                            !(parameter.name[0] >= '0' && parameter.name[0] <= '9');
    if (!identifier || parameter.name == "simulation_id") {
      origins.fail(path + ".name", "must be an identifier (letters, digits, '_') other than simulation_id, got " +
                                       string_text(parameter.name));
    }
    if (!seen.insert(parameter.name).second) {
      origins.fail(path + ".name", "duplicate parameter name " + string_text(parameter.name));
    }
    require_finite(origins, path + ".min", parameter.min);
    require_finite(origins, path + ".max", parameter.max);
    if (!(parameter.min < parameter.max)) {
      origins.fail(path + ".min", "must be less than max (parameter " + parameter.name + ": min " +
                                      float_text(parameter.min) + ", max " + float_text(parameter.max) + ")");
    }
  }
}

void validate(const ServerSection& server, const ValueOrigins& origins) {
  require_non_empty(origins, "server.host", server.host);
  // The server tells its clients the address it bound: a wildcard is not
  // one they can connect to.
  if (server.host == "*" || server.host == "0.0.0.0") {
    origins.fail("server.host", "must be one address the clients can connect to, got " + string_text(server.host) +
                                    " (every interface): use \"auto\" or server.interface");
  }
  if (!server.interface.empty() && server.host != kAutomaticHost) {
    origins.fail("server.interface", "cannot be set together with server.host = " + string_text(server.host) +
                                         ": both say what to bind (leave server.host \"auto\" to bind "
                                         "server.interface's address)");
  }
}

void validate(const BufferSection& buffer, const ValueOrigins& origins) {
  // An error rather than a silent no-op: a study that sets it expects its
  // samples to be capped, which only the reservoir does.
  if (buffer.max_serves != 0 && buffer.kind != BufferKind::reservoir) {
    origins.fail("buffer.max_serves",
                 "applies only to buffer.kind \"reservoir\" (fifo serves each sample once, firo uses "
                 "buffer.pseudo_epochs), got buffer.kind " +
                     string_text(std::string(name_of(buffer.kind))));
  }
  // A watermark above the capacity would never be reached: training would
  // wait while reception waits for room. FIFO has no watermark, so a small
  // FIFO must not trip over the default one.
  if (buffer.kind != BufferKind::fifo && buffer.watermark > buffer.capacity) {
    origins.fail("buffer.watermark", "must be at most buffer.capacity (" + std::to_string(buffer.capacity) + "), got " +
                                         std::to_string(buffer.watermark));
  }
}

void validate(const TrainingSection& training, const ServerSection& server, const BufferSection& buffer,
              const ValueOrigins& origins) {
  require_non_empty(origins, "training.model", training.model);
  // The batch is global: each server rank draws an equal share of it.
  const auto ranks = static_cast<std::size_t>(server.ranks);
  if (training.batch_size % ranks != 0) {
    origins.fail("training.batch_size", "must be divisible by server.ranks (" + std::to_string(ranks) + "), got " +
                                            std::to_string(training.batch_size));
  }
  // A buffer that cannot hold a rank's share would never serve it before the end of the stream.
  if (training.batch_size / ranks > buffer.capacity) {
    const std::string times_ranks = ranks == 1 ? "" : " times server.ranks (" + std::to_string(ranks) + ")";
    origins.fail("training.batch_size", "must be at most buffer.capacity (" + std::to_string(buffer.capacity) + ")" +
                                            times_ranks + ", got " + std::to_string(training.batch_size));
  }
  require_finite(origins, "training.learning_rate", training.learning_rate);
  if (!(training.learning_rate > 0.0)) {
    origins.fail("training.learning_rate", "must be positive, got " + float_text(training.learning_rate));
  }
  require_finite(origins, "training.weight_decay", training.weight_decay);
  if (training.weight_decay < 0.0) {
    origins.fail("training.weight_decay", "must be zero or positive, got " + float_text(training.weight_decay));
  }
  if (training.schedule == ScheduleKind::milestones && training.milestones.empty()) {
    origins.fail("training.milestones", "must list at least one batch when training.schedule is \"milestones\"");
  }
  for (std::size_t i = 1; i < training.milestones.size(); ++i) {
    if (training.milestones[i] <= training.milestones[i - 1]) {
      origins.fail("training.milestones[" + std::to_string(i) + "]",
                   "must be greater than the milestone before it (" + std::to_string(training.milestones[i - 1]) +
                       "), got " + std::to_string(training.milestones[i]));
    }
  }
  require_finite(origins, "training.gamma", training.gamma);
  if (!(training.gamma > 0.0)) {
    origins.fail("training.gamma", "must be positive, got " + float_text(training.gamma));
  }
  require_finite(origins, "training.max_seconds", training.max_seconds);
  if (training.max_seconds < 0.0) {
    origins.fail("training.max_seconds",
                 "must be zero (no limit) or a positive number of seconds, got " + float_text(training.max_seconds));
  }
}

// Slurm's time formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
bool is_slurm_time(const std::string& text) {
  if (text == "UNLIMITED" || text == "INFINITE") return true;
  auto fields_of_digits = [](const std::string& part, std::size_t max_fields) {
    std::size_t fields = 1;
    bool digit_seen = false;
    for (char c : part) {
      if (c == ':') {
        if (!digit_seen) return false;
        ++fields;
        digit_seen = false;
      } else if (c >= '0' && c <= '9') {
        digit_seen = true;
      } else {
        return false;
      }
    }
    return digit_seen && fields <= max_fields;
  };
  const auto dash = text.find('-');
  if (dash == std::string::npos) return fields_of_digits(text, 3);
  return fields_of_digits(text.substr(0, dash), 1) && fields_of_digits(text.substr(dash + 1), 3);
}

void require_slurm_time(const ValueOrigins& origins, const std::string& path, const std::string& value) {
  if (!value.empty() && !is_slurm_time(value)) {
    origins.fail(path,
                 "must be empty or a Slurm time (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED), got " +
                     string_text(value));
  }
}

void require_no_blanks(const ValueOrigins& origins, const std::string& path, const std::string& value) {
  if (value.find_first_of(" \t\n\r") != std::string::npos) {
    origins.fail(path, "must not contain blanks, got " + string_text(value));
  }
}

void validate(const SchedulerSection& scheduler, const ValueOrigins& origins) {
  require_no_blanks(origins, "scheduler.partition", scheduler.partition);
  require_no_blanks(origins, "scheduler.account", scheduler.account);
  require_slurm_time(origins, "scheduler.time", scheduler.time);
  require_slurm_time(origins, "scheduler.server_time", scheduler.server_time);
  for (std::size_t i = 0; i < scheduler.extra_args.size(); ++i) {
    require_non_empty(origins, "scheduler.extra_args[" + std::to_string(i) + "]", scheduler.extra_args[i]);
  }
  if (!only_chars(scheduler.mpi, "_")) {
    origins.fail(
        "scheduler.mpi",
        "must be the name of a Slurm MPI plugin (letters, digits, '_': \"pmix\", \"pmi2\", ...) or empty, got " +
            string_text(scheduler.mpi));
  }
  require_finite(origins, "scheduler.poll_seconds", scheduler.poll_seconds);
  if (!(scheduler.poll_seconds >= 0.1)) {
    origins.fail("scheduler.poll_seconds", "must be at least 0.1 (seconds), got " + float_text(scheduler.poll_seconds));
  }
}

void validate(const FaultToleranceSection& faults, const ValueOrigins& origins) {
  require_finite(origins, "fault_tolerance.client_timeout", faults.client_timeout);
  if (!(faults.client_timeout == 0.0 || faults.client_timeout >= 1.0)) {
    origins.fail("fault_tolerance.client_timeout",
                 "must be 0 (no limit) or at least 1 (seconds), got " + float_text(faults.client_timeout));
  }
  require_finite(origins, "fault_tolerance.server_timeout", faults.server_timeout);
  if (!(faults.server_timeout >= 5.0)) {
    origins.fail("fault_tolerance.server_timeout",
                 "must be at least 5 (seconds), got " + float_text(faults.server_timeout));
  }
}

}  // namespace

void validate_study(const StudyConfig& config, const ValueOrigins& origins) {
  validate(config.study, origins);
  validate(config.client, origins);
  validate(config.parameters, origins);
  validate(config.server, origins);
  validate(config.buffer, origins);
  validate(config.training, config.server, config.buffer, origins);
  validate(config.scheduler, origins);
  validate(config.fault_tolerance, origins);
}

}  // namespace apiary::config
