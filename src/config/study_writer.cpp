// to_toml: the study as a complete TOML file, sections in the order of
// StudyConfig and every key written, defaults included, so that the run
// directory records exactly what ran and parse_study reads it back equal.
#include <concepts>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "config/study_config.hpp"
#include "config/value_text.hpp"

namespace apiary::config {

namespace {

class TomlWriter {
 public:
  void table(std::string_view header) {
    out_ << (out_.tellp() > 0 ? "\n" : "") << header << '\n';
    header_ = header;
  }

  void key(std::string_view name, const std::string& value) { line(name, string_text(value)); }
  void key(std::string_view name, double value) { line(name, float_text(value)); }
  // Not the integral template: a bool is integral, and would be written 0 or 1.
  void key(std::string_view name, bool value) { line(name, value ? "true" : "false"); }

  template <std::integral Int>
  void key(std::string_view name, Int value) {
    line(name, integer_text(name, value));
  }

  void key(std::string_view name, const std::vector<std::string>& values) {
    std::string array = "[";
    for (const std::string& value : values) array += (array.size() > 1 ? ", " : "") + string_text(value);
    line(name, array + "]");
  }

  template <std::integral Int>
  void key(std::string_view name, const std::vector<Int>& values) {
    std::string array = "[";
    for (const Int value : values) array += (array.size() > 1 ? ", " : "") + integer_text(name, value);
    line(name, array + "]");
  }

  std::string text() const { return out_.str(); }

 private:
  // TOML integers are signed 64-bit; a larger one would not read back.
  template <std::integral Int>
  std::string integer_text(std::string_view name, Int value) const {
    if (std::cmp_greater(value, std::numeric_limits<std::int64_t>::max())) {
      throw ConfigError("to_toml: " + header_ + " " + std::string(name) + ": " + std::to_string(value) +
                        " does not fit a TOML integer");
    }
    return std::to_string(value);
  }

  void line(std::string_view name, const std::string& value) { out_ << name << " = " << value << '\n'; }

  std::ostringstream out_;
  std::string header_;
};

}  // namespace

std::string to_toml(const StudyConfig& config) {
  TomlWriter out;
  out.table("[study]");
  out.key("name", config.study.name);
  out.key("seed", config.study.seed);
  out.key("simulations", config.study.simulations);
  out.key("validation_simulations", config.study.validation_simulations);
  out.key("validation_seed", config.study.validation_seed);
  out.key("sampler", config.study.sampler);
  out.key("max_concurrent_clients", config.study.max_concurrent_clients);
  out.key("run_dir", config.study.run_dir);

  out.table("[client]");
  out.key("command", config.client.command);
  out.key("ranks", config.client.ranks);
  out.key("field", config.client.field);
  out.key("field_size", config.client.field_size);
  out.key("time_steps", config.client.time_steps);

  for (const ParameterRange& parameter : config.parameters) {
    out.table("[[parameters]]");
    out.key("name", parameter.name);
    out.key("min", parameter.min);
    out.key("max", parameter.max);
  }

  out.table("[server]");
  out.key("host", config.server.host);
  out.key("ranks", config.server.ranks);
  out.key("bind_simulation", config.server.bind_simulation);
  out.key("receive_queue", config.server.receive_queue);
  out.key("threads", config.server.threads);
  out.key("metrics_every", config.server.metrics_every);
  out.key("device", config.server.device);
  out.key("security", config.server.security);
  out.key("max_connections", config.server.max_connections);
  out.key("non_finite", config.server.non_finite);

  out.table("[buffer]");
  out.key("kind", config.buffer.kind);
  out.key("capacity", config.buffer.capacity);
  out.key("watermark", config.buffer.watermark);
  out.key("pseudo_epochs", config.buffer.pseudo_epochs);
  out.key("max_serves", config.buffer.max_serves);

  out.table("[training]");
  out.key("model", config.training.model);
  out.key("hidden", config.training.hidden);
  out.key("batch_size", config.training.batch_size);
  out.key("batches", config.training.batches);
  out.key("learning_rate", config.training.learning_rate);
  out.key("weight_decay", config.training.weight_decay);
  out.key("schedule", config.training.schedule);
  out.key("milestones", config.training.milestones);
  out.key("gamma", config.training.gamma);
  out.key("validation_every", config.training.validation_every);
  out.key("seed", config.training.seed);
  out.key("max_seconds", config.training.max_seconds);

  out.table("[scheduler]");
  out.key("kind", config.scheduler.kind);
  out.key("mode", config.scheduler.mode);
  out.key("partition", config.scheduler.partition);
  out.key("account", config.scheduler.account);
  out.key("time", config.scheduler.time);
  out.key("server_time", config.scheduler.server_time);
  out.key("extra_args", config.scheduler.extra_args);
  out.key("mpi", config.scheduler.mpi);
  out.key("poll_seconds", config.scheduler.poll_seconds);

  out.table("[fault_tolerance]");
  out.key("client_timeout", config.fault_tolerance.client_timeout);
  out.key("max_restarts", config.fault_tolerance.max_restarts);
  out.key("on_max_restarts", config.fault_tolerance.on_max_restarts);
  out.key("checkpoint_every", config.fault_tolerance.checkpoint_every);
  out.key("server_timeout", config.fault_tolerance.server_timeout);
  out.key("max_server_restarts", config.fault_tolerance.max_server_restarts);
  return out.text();
}

}  // namespace apiary::config
