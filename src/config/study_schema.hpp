#pragma once
// Every key of the study file, listed once: its section, its name, its
// field, whether it is required and the least value an integer may take.
// The reader, the writer and the check of the README's table all visit
// these lists, so a key added here is read, written back, and must be
// documented. Rules between keys live in study_validation.cpp.
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "config/study_config.hpp"

namespace apiary::config {

enum class Presence { optional, required };

struct KeyRule {
  Presence presence = Presence::optional;
  std::int64_t min = 0;  // integers (and each integer of an array): the least value
};
inline constexpr KeyRule kRequired{Presence::required};
constexpr KeyRule at_least(std::int64_t min, Presence presence = Presence::optional) { return {presence, min}; }

// S is Plain or const Plain: the reader fills a section, the writer reads it.
template <class S, class Plain>
concept SectionOf = std::same_as<std::remove_const_t<S>, Plain>;

template <class Visit, SectionOf<StudySection> S>
void visit_keys(Visit&& key, S& study) {
  key("name", study.name, kRequired);
  key("seed", study.seed);
  key("simulations", study.simulations, at_least(1));
  key("validation_simulations", study.validation_simulations);
  key("validation_seed", study.validation_seed);
  key("sampler", study.sampler);
  key("max_concurrent_clients", study.max_concurrent_clients, at_least(1));
  key("run_dir", study.run_dir);
}

template <class Visit, SectionOf<ClientSection> S>
void visit_keys(Visit&& key, S& client) {
  key("command", client.command, kRequired);
  key("ranks", client.ranks, at_least(1));
  key("field", client.field);
  key("field_size", client.field_size, at_least(1, Presence::required));
  key("time_steps", client.time_steps, at_least(1));
}

template <class Visit, SectionOf<ParameterRange> S>
void visit_keys(Visit&& key, S& parameter) {
  key("name", parameter.name, kRequired);
  key("min", parameter.min, kRequired);
  key("max", parameter.max, kRequired);
}

template <class Visit, SectionOf<ServerSection> S>
void visit_keys(Visit&& key, S& server) {
  key("host", server.host);
  key("interface", server.interface);
  key("ranks", server.ranks, at_least(1));
  key("bind_simulation", server.bind_simulation);
  key("receive_queue", server.receive_queue, at_least(1));
  key("threads", server.threads);
  key("metrics_every", server.metrics_every, at_least(1));
  key("device", server.device);
  key("security", server.security);
  key("max_connections", server.max_connections);
  key("non_finite", server.non_finite);
}

template <class Visit, SectionOf<BufferSection> S>
void visit_keys(Visit&& key, S& buffer) {
  key("kind", buffer.kind);
  key("capacity", buffer.capacity, at_least(1));
  key("watermark", buffer.watermark);
  key("pseudo_epochs", buffer.pseudo_epochs, at_least(1));
  key("max_serves", buffer.max_serves);
}

template <class Visit, SectionOf<TrainingSection> S>
void visit_keys(Visit&& key, S& training) {
  key("model", training.model);
  key("hidden", training.hidden, at_least(1));
  key("batch_size", training.batch_size, at_least(1));
  key("batches", training.batches, at_least(1));
  key("learning_rate", training.learning_rate);
  key("weight_decay", training.weight_decay);
  key("schedule", training.schedule);
  key("milestones", training.milestones, at_least(1));
  key("gamma", training.gamma);
  key("validation_every", training.validation_every, at_least(1));
  key("seed", training.seed);
  key("max_seconds", training.max_seconds);
}

template <class Visit, SectionOf<SchedulerSection> S>
void visit_keys(Visit&& key, S& scheduler) {
  key("kind", scheduler.kind);
  key("mode", scheduler.mode);
  key("partition", scheduler.partition);
  key("account", scheduler.account);
  key("time", scheduler.time);
  key("server_time", scheduler.server_time);
  key("extra_args", scheduler.extra_args);
  key("mpi", scheduler.mpi);
  key("poll_seconds", scheduler.poll_seconds);
}

template <class Visit, SectionOf<FaultToleranceSection> S>
void visit_keys(Visit&& key, S& faults) {
  key("client_timeout", faults.client_timeout);
  key("max_restarts", faults.max_restarts);
  key("on_max_restarts", faults.on_max_restarts);
  key("checkpoint_every", faults.checkpoint_every);
  key("server_timeout", faults.server_timeout);
  key("max_server_restarts", faults.max_server_restarts);
}

// The sections in file order: section(name, s) for a table, tables(name,
// v) for an array of tables ([[parameters]]).
template <class Visitor, SectionOf<StudyConfig> C>
void visit_sections(Visitor& visitor, C& config) {
  visitor.section("study", config.study);
  visitor.section("client", config.client);
  visitor.tables("parameters", config.parameters);
  visitor.section("server", config.server);
  visitor.section("buffer", config.buffer);
  visitor.section("training", config.training);
  visitor.section("scheduler", config.scheduler);
  visitor.section("fault_tolerance", config.fault_tolerance);
}

// "study", "client", "parameters", ...: the sections in file order.
std::vector<std::string> section_names();

// Every key as "section.key" ("parameters.name" for [[parameters]]), in file order.
std::vector<std::string> key_paths();

}  // namespace apiary::config
