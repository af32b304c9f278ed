#include "config/study_reader.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "config/join.hpp"
#include "config/section_reader.hpp"

namespace apiary::config {

namespace {

const std::vector<std::string> kSections = {"study",  "client",   "parameters", "server",
                                            "buffer", "training", "scheduler", "fault_tolerance"};

void read_fields(SectionReader& reader, StudySection& study) {
  reader.read("name", study.name, Presence::required);
  reader.read("seed", study.seed, std::uint64_t{0});
  reader.read("simulations", study.simulations, std::size_t{1});
  reader.read("validation_simulations", study.validation_simulations, std::size_t{0});
  reader.read("validation_seed", study.validation_seed, std::uint64_t{0});
  reader.read("sampler", study.sampler);
  reader.read("max_concurrent_clients", study.max_concurrent_clients, std::size_t{1});
  reader.read("run_dir", study.run_dir);
}

void read_fields(SectionReader& reader, ClientSection& client) {
  reader.read("command", client.command, Presence::required);
  reader.read("ranks", client.ranks, 1);
  reader.read("field", client.field);
  reader.read("field_size", client.field_size, std::size_t{1}, Presence::required);
  reader.read("time_steps", client.time_steps, std::size_t{1});
}

void read_fields(SectionReader& reader, ServerSection& server) {
  reader.read("host", server.host);
  reader.read("ranks", server.ranks, 1);
  reader.read("bind_simulation", server.bind_simulation);
  reader.read("receive_queue", server.receive_queue, 1);
  reader.read("threads", server.threads, 0);
  reader.read("metrics_every", server.metrics_every, std::size_t{1});
  reader.read("device", server.device);
  reader.read("security", server.security);
  reader.read("max_connections", server.max_connections, std::size_t{0});
  reader.read("non_finite", server.non_finite);
}

void read_fields(SectionReader& reader, BufferSection& buffer) {
  reader.read("kind", buffer.kind);
  reader.read("capacity", buffer.capacity, std::size_t{1});
  reader.read("watermark", buffer.watermark, std::size_t{0});
  reader.read("pseudo_epochs", buffer.pseudo_epochs, std::size_t{1});
  reader.read("max_serves", buffer.max_serves, std::size_t{0});
}

void read_fields(SectionReader& reader, TrainingSection& training) {
  reader.read("model", training.model);
  reader.read("hidden", training.hidden, 1);
  reader.read("batch_size", training.batch_size, std::size_t{1});
  reader.read("batches", training.batches, std::size_t{1});
  reader.read("learning_rate", training.learning_rate);
  reader.read("weight_decay", training.weight_decay);
  reader.read("schedule", training.schedule);
  reader.read("milestones", training.milestones, std::size_t{1});
  reader.read("gamma", training.gamma);
  reader.read("validation_every", training.validation_every, std::size_t{1});
  reader.read("seed", training.seed, std::uint64_t{0});
  reader.read("max_seconds", training.max_seconds);
}

void read_fields(SectionReader& reader, SchedulerSection& scheduler) {
  reader.read("kind", scheduler.kind);
  reader.read("mode", scheduler.mode);
  reader.read("partition", scheduler.partition);
  reader.read("account", scheduler.account);
  reader.read("time", scheduler.time);
  reader.read("server_time", scheduler.server_time);
  reader.read("extra_args", scheduler.extra_args);
  reader.read("mpi", scheduler.mpi);
  reader.read("poll_seconds", scheduler.poll_seconds);
}

void read_fields(SectionReader& reader, FaultToleranceSection& faults) {
  reader.read("client_timeout", faults.client_timeout);
  reader.read("max_restarts", faults.max_restarts, std::size_t{0});
  reader.read("on_max_restarts", faults.on_max_restarts);
  reader.read("checkpoint_every", faults.checkpoint_every, std::size_t{0});
  reader.read("server_timeout", faults.server_timeout);
  reader.read("max_server_restarts", faults.max_server_restarts, std::size_t{0});
}

void read_fields(SectionReader& reader, ParameterRange& parameter) {
  reader.read("name", parameter.name, Presence::required);
  reader.read("min", parameter.min, Presence::required);
  reader.read("max", parameter.max, Presence::required);
}

void reject_unknown_sections(const toml::table& root, const ValueOrigins& origins) {
  for (const auto& [key, node] : root) {
    if (std::find(kSections.begin(), kSections.end(), key.str()) != kSections.end()) continue;
    const std::string what = node.is_table() ? "unknown section" : "unknown top-level key";
    origins.fail(key.str(), what + " (known sections: " + join(kSections) + ")");
  }
}

// A missing section reads as an empty one: every key keeps its default.
template <class Section>
void read_section(const toml::table& root, const std::string& name, const ValueOrigins& origins, Section& section) {
  static const toml::table empty;
  const toml::node* node = root.get(name);
  if (node != nullptr && !node->is_table()) {
    origins.fail(name, "expected a table ([" + name + "]), got " + describe(*node));
  }
  SectionReader reader(node != nullptr ? *node->as_table() : empty, name, "[" + name + "]", origins);
  read_fields(reader, section);
  reader.reject_unknown_keys();
}

std::vector<ParameterRange> read_parameters(const toml::table& root, const ValueOrigins& origins) {
  const toml::node* node = root.get("parameters");
  if (node == nullptr) origins.fail("parameters", "at least one [[parameters]] table is required");
  if (!node->is_array()) {
    origins.fail("parameters", "expected an array of tables ([[parameters]]), got " + describe(*node));
  }
  const toml::array& tables = *node->as_array();
  if (tables.empty()) origins.fail("parameters", "at least one [[parameters]] table is required");
  std::vector<ParameterRange> parameters(tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string path = "parameters[" + std::to_string(i) + "]";
    if (!tables[i].is_table()) {
      origins.fail(path, "expected a table ([[parameters]]), got " + describe(tables[i]));
    }
    SectionReader reader(*tables[i].as_table(), path, "[[parameters]]", origins);
    read_fields(reader, parameters[i]);
    reader.reject_unknown_keys();
  }
  return parameters;
}

}  // namespace

StudyConfig read_study(const toml::table& root, const ValueOrigins& origins) {
  reject_unknown_sections(root, origins);
  StudyConfig config;
  read_section(root, "study", origins, config.study);
  read_section(root, "client", origins, config.client);
  config.parameters = read_parameters(root, origins);
  read_section(root, "server", origins, config.server);
  read_section(root, "buffer", origins, config.buffer);
  read_section(root, "training", origins, config.training);
  read_section(root, "scheduler", origins, config.scheduler);
  read_section(root, "fault_tolerance", origins, config.fault_tolerance);
  return config;
}

}  // namespace apiary::config
