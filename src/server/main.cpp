// apiary-server: receives the clients' time steps, buffers them and trains
// the surrogate, all at once. Started by the launcher with the run
// directory it prepared (the study as run and its plan).
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/atomic_file.hpp"
#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "protocol/frame.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/ingest/ingest.hpp"
#include "server/ingest/receiver.hpp"
#include "server/trainer/trainer.hpp"

namespace fs = std::filesystem;
using namespace apiary;

namespace {

// glibc maps and unmaps the large temporaries of every training step
// (page-fault storms); keeping freed memory in the heap made training
// 1.15x-2.3x faster here (shared/reference/platform.md).
void tune_allocator() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

nlohmann::json reception_metrics(const server::Ingest& ingest) {
  const auto& c = ingest.counters();
  return {{"messages", c.messages.load()},
          {"bytes", c.bytes.load()},
          {"time_steps_received", c.time_steps_received.load()},
          {"training_samples", c.training_samples.load()},
          {"validation_samples", c.validation_samples.load()},
          {"duplicates_dropped", c.duplicates_dropped.load()},
          {"messages_rejected", c.messages_rejected()},
          {"pending_steps", ingest.pending_steps()}};
}

nlohmann::json rejections_by_reason(const server::IngestCounters& counters) {
  nlohmann::json json = nlohmann::json::object();
  for (int r = 0; r < protocol::kRejectReasonCount; ++r) {
    if (const auto n = counters.rejected[static_cast<std::size_t>(r)].load()) {
      json[std::string(protocol::reject_reason_name(static_cast<protocol::RejectReason>(r)))] = n;
    }
  }
  return json;
}

int serve(const fs::path& study_file, const fs::path& plan_file, const fs::path& run_dir) {
  tune_allocator();
  const auto study = config::load_study(study_file);
  const auto plan = plan::read_plan(plan_file);

  server::Receiver receiver(study.server.host);
  auto buffer = server::make_buffer({study.buffer.kind, study.buffer.capacity, study.buffer.watermark,
                                     study.buffer.pseudo_epochs, study.training.seed});
  server::FieldStatistics statistics(study.client.field_size);
  server::ValidationSet validation;
  std::atomic<std::uint64_t> refused_after_training{0};

  server::IngestOptions ingest_options{study.client.field,
                                       study.client.field_size,
                                       static_cast<std::uint32_t>(study.client.time_steps),
                                       {receiver.endpoints().data}};
  server::Ingest ingest(ingest_options, plan, [&](server::SamplePtr sample, plan::Role role) {
    if (role == plan::Role::validation) return validation.add(std::move(sample));
    statistics.add(*sample);
    if (!buffer->put(std::move(sample))) ++refused_after_training;
  });

  write_file_atomically(run_dir / "server.json", nlohmann::json{{"control", receiver.endpoints().control},
                                                                {"data", {receiver.endpoints().data}},
                                                                {"pid", ::getpid()}}
                                                     .dump(1));
  spdlog::info("listening: control {}, data {}", receiver.endpoints().control, receiver.endpoints().data);
  receiver.start(ingest, [&] { buffer->close(); });

  server::MetricsLog metrics(run_dir / "metrics.jsonl");
  server::TrainerOptions options;
  options.training = study.training;
  if (study.training.model != "mlp") options.model_source = study.training.model;
  for (const auto& p : study.parameters) options.parameter_ranges.emplace_back(p.min, p.max);
  options.time_steps = static_cast<std::uint32_t>(study.client.time_steps);
  options.output_size = study.client.field_size;
  options.threads = study.server.threads;
  options.metrics_every = study.server.metrics_every;
  options.model_output = run_dir / "model.pt";
  options.probe_output = run_dir / "validation_probe.json";
  server::Trainer trainer(options,
                          {*buffer, validation, statistics, metrics, [&] { return reception_metrics(ingest); }});
  const auto result = trainer.run();
  receiver.join();

  const auto& c = ingest.counters();
  const auto stats = buffer->stats();
  nlohmann::json summary = {
      {"validation_rel_l2", result.validation.rel_l2},
      {"validation_mse", result.validation.mse},
      {"validation_samples", result.validation.samples},
      {"samples_trained", result.samples_trained},
      {"batches", result.batches},
      {"training_seconds", result.seconds},
      {"samples_per_second", result.samples_per_second},
      {"time_steps_received", c.time_steps_received.load()},
      {"training_samples_received", c.training_samples.load()},
      {"validation_samples_received", c.validation_samples.load()},
      {"samples_not_trained_after_training_ended", refused_after_training.load()},
      {"duplicates_dropped", c.duplicates_dropped.load()},
      {"duplicate_slices", c.duplicate_slices.load()},
      {"messages_rejected", c.messages_rejected()},
      {"rejections", rejections_by_reason(c)},
      {"registrations_refused", c.registrations_refused.load()},
      {"messages_received", c.messages.load()},
      {"bytes_received", c.bytes.load()},
      {"buffer",
       {{"kind", study.buffer.kind}, {"puts", stats.puts}, {"gets", stats.gets}, {"held_at_end", stats.size}}},
  };
  metrics.write("summary", summary);
  write_file_atomically(run_dir / "server_summary.json", summary.dump(1) + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Apiary training server (normally started by 'apiary run')"};
  fs::path study_file, plan_file, run_dir;
  app.add_option("--study", study_file, "the study file as run")->required()->check(CLI::ExistingFile);
  app.add_option("--plan", plan_file, "the study plan (plan.json)")->required()->check(CLI::ExistingFile);
  app.add_option("--run-dir", run_dir, "where to write metrics, model and summary")
      ->required()
      ->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [server] [%l] %v");
  try {
    return serve(study_file, plan_file, run_dir);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
}
