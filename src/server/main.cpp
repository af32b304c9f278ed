// apiary-server: receives the clients' time steps, buffers them and trains
// the surrogate, all at once. An MPI job of server.ranks ranks: each rank
// receives, reassembles and buffers its share of the time steps, and the
// ranks train one model with data parallelism. Started by the launcher
// with the run directory it prepared (the study as run and its plan).
#include <sched.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/atomic_file.hpp"
#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "protocol/frame.hpp"
#include "server/allocator_tuning.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/ingest/ingest.hpp"
#include "server/ingest/receiver.hpp"
#include "server/parallel/mpi_communicator.hpp"
#include "server/server_summary.hpp"
#include "server/trainer/trainer.hpp"

namespace fs = std::filesystem;
using namespace apiary;

namespace {

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

// Torch threads of this rank: the study's, or this rank's share of the
// cores it may run on (all of the node's unless the MPI launcher bound it).
int torch_threads(int configured, const server::Communicator& communicator) {
  if (configured > 0) return configured;
  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  const int usable = sched_getaffinity(0, sizeof(affinity), &affinity) == 0 ? CPU_COUNT(&affinity) : 1;
  const int node = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const bool bound = usable < node;
  return std::max(1, bound ? usable : usable / communicator.ranks_on_node());
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

int serve(server::Communicator& communicator, const fs::path& study_file, const fs::path& plan_file,
          const fs::path& run_dir) {
  server::tune_allocator();
  const auto study = config::load_study(study_file);
  const auto plan = plan::read_plan(plan_file);
  const bool root = communicator.rank() == 0;
  if (communicator.size() != study.server.ranks) {
    spdlog::warn("the study asks for {} server ranks (server.ranks) and {} were started", study.server.ranks,
                 communicator.size());
  }

  server::Receiver receiver({study.server.host, study.server.receive_queue});
  // Every rank learns every rank's data endpoint: any rank may answer a
  // registration with the whole list.
  const auto data_endpoints =
      split_lines(communicator.broadcast(join_lines(communicator.gather(receiver.endpoints().data, 0)), 0));
  const auto control_endpoints = communicator.gather(receiver.endpoints().control, 0);

  auto buffer =
      server::make_buffer({study.buffer.kind, study.buffer.capacity, study.buffer.watermark, study.buffer.pseudo_epochs,
                           study.training.seed + communicator.rank(), study.buffer.max_serves});
  server::FieldStatistics statistics(study.client.field_size);
  server::ValidationSet validation;
  std::atomic<std::uint64_t> refused_after_training{0};

  server::IngestOptions ingest_options{
      study.client.field, study.client.field_size, static_cast<std::uint32_t>(study.client.time_steps), data_endpoints,
      study.server.bind_simulation ? protocol::Routing::by_simulation : protocol::Routing::round_robin};
  server::Ingest ingest(ingest_options, plan, [&](server::SamplePtr sample, plan::Role role) {
    if (role == plan::Role::validation) return validation.add(std::move(sample));
    statistics.add(*sample);
    if (!buffer->put(std::move(sample))) ++refused_after_training;
  });

  if (root) {
    write_file_atomically(run_dir / "server.json", nlohmann::json{{"control", control_endpoints.front()},
                                                                  {"controls", control_endpoints},
                                                                  {"data", data_endpoints},
                                                                  {"ranks", communicator.size()},
                                                                  {"pid", ::getpid()}}
                                                       .dump(1));
  }
  spdlog::info("rank {} of {} listening: control {}, data {}", communicator.rank(), communicator.size(),
               receiver.endpoints().control, receiver.endpoints().data);
  // has_room() holds once the buffer is closed too: put() then refuses at
  // once, so reading never blocks the receiver.
  receiver.start(
      ingest, [&] { return buffer->has_room(); }, [&] { buffer->close(); });

  std::unique_ptr<server::MetricsLog> metrics;
  if (root) metrics = std::make_unique<server::MetricsLog>(run_dir / "metrics.jsonl");
  server::TrainerOptions options;
  options.training = study.training;
  if (study.training.model != "mlp") options.model_source = study.training.model;
  for (const auto& p : study.parameters) options.parameter_ranges.emplace_back(p.min, p.max);
  options.time_steps = static_cast<std::uint32_t>(study.client.time_steps);
  options.output_size = study.client.field_size;
  options.threads = torch_threads(study.server.threads, communicator);
  options.metrics_every = study.server.metrics_every;
  options.model_output = run_dir / "model.pt";
  options.probe_output = run_dir / "validation_probe.json";
  server::Trainer trainer(options, {*buffer, validation, statistics, metrics.get(),
                                    [&] { return reception_metrics(ingest); }, communicator});
  const auto result = trainer.run();
  receiver.join();

  const auto stats = buffer->stats();
  const auto mine =
      server::rank_summary({communicator.rank(), result, ingest.counters(), stats, refused_after_training.load()});
  const auto parts = communicator.gather(mine.dump(), 0);
  if (!root) return 0;
  std::vector<nlohmann::json> ranks;
  for (const auto& part : parts) ranks.push_back(nlohmann::json::parse(part));
  auto summary = server::combine_rank_summaries(ranks, result, study.buffer.kind);
  metrics->write("summary", summary);
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
  const auto communicator = server::make_mpi_communicator(&argc, &argv);
  spdlog::set_pattern(fmt::format("[%Y-%m-%d %H:%M:%S.%e] [server {}] [%l] %v", communicator->rank()));
  try {
    return serve(*communicator, study_file, plan_file, run_dir);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    // The other ranks would wait for this one in their next collective.
    if (communicator->size() > 1) communicator->abort(1);
    return 1;
  }
}
