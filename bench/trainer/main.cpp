// apiary-bench-trainer: the server's own training loop (server::Trainer,
// the class apiary-server runs) on one rank, fed from memory instead of
// sockets: what the server's training costs once reception is out of the
// picture, on the CPU or a GPU (docs/benchmarks.md).
//
//   apiary-bench-trainer --outputs 1000000 --batch 10 --batches 300 --device cuda --json trainer.json
//
// A producer thread keeps a FIRO buffer full with copies of a pool of
// random samples (each drawn --pseudo-epochs times before it leaves), as
// a fast stream would; the trainer draws, normalises, trains with Adam,
// validates once at the end and exports the model, exactly as in a study.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "server/buffer/training_buffer.hpp"
#include "server/parallel/single_process_communicator.hpp"
#include "server/trainer/trainer.hpp"

namespace {

namespace fs = std::filesystem;
using apiary::server::Sample;
using apiary::server::SamplePtr;

struct Options {
  std::size_t outputs = 10000;
  std::size_t parameters = 5;
  std::vector<int> hidden = {256, 256};
  std::size_t batch = 64;
  std::size_t batches = 100;
  int threads = 2;
  apiary::config::ComputeDevice device = apiary::config::ComputeDevice::automatic;
  std::size_t capacity = 256;  // samples in the buffer
  std::size_t pseudo_epochs = 10;
  std::size_t pool = 64;  // distinct random samples the stream repeats
  fs::path work = fs::temp_directory_path() / "apiary-bench-trainer";
  std::string json_file;
};

// Random raw samples: parameters in [0, 1] (the study's range below), time
// steps in [0, 99], fields around 300 with a spread, like the heat study.
std::vector<Sample> make_pool(const Options& options) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> unit(0.0F, 1.0F);
  std::normal_distribution<float> field(300.0F, 50.0F);
  std::vector<Sample> pool(options.pool);
  for (std::size_t i = 0; i < pool.size(); ++i) {
    pool[i].simulation_id = static_cast<std::uint32_t>(i);
    pool[i].time_step = static_cast<std::uint32_t>(i % 100);
    for (std::size_t p = 0; p < options.parameters; ++p) pool[i].inputs.push_back(unit(rng));
    pool[i].inputs.push_back(static_cast<float>(pool[i].time_step));
    pool[i].field.resize(options.outputs);
    for (auto& value : pool[i].field) value = field(rng);
  }
  return pool;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"The server's Trainer fed from memory: Apiary's training loop without reception"};
  app.add_option("--outputs", options.outputs, "values in the field")->check(CLI::PositiveNumber);
  app.add_option("--inputs", options.parameters, "parameters of the study")->check(CLI::PositiveNumber);
  app.add_option("--hidden", options.hidden, "hidden layer widths")->delimiter(',');
  app.add_option("--batch", options.batch, "samples per batch")->check(CLI::PositiveNumber);
  app.add_option("--batches", options.batches, "optimizer steps")->check(CLI::PositiveNumber);
  app.add_option("--threads", options.threads, "libtorch threads")->check(CLI::PositiveNumber);
  app.add_option("--device", options.device, "as server.device: auto, cpu or cuda")
      ->transform(CLI::CheckedTransformer(apiary::config::option_map<apiary::config::ComputeDevice>()));
  app.add_option("--capacity", options.capacity, "FIRO buffer capacity, samples")->check(CLI::PositiveNumber);
  app.add_option("--pseudo-epochs", options.pseudo_epochs, "draws of a sample before it leaves")
      ->check(CLI::PositiveNumber);
  app.add_option("--pool", options.pool, "distinct random samples the stream repeats")->check(CLI::PositiveNumber);
  app.add_option("--work", options.work, "where the metrics and the model go");
  app.add_option("--json", options.json_file, "write the result here");
  CLI11_PARSE(app, argc, argv);

  try {
    fs::create_directories(options.work);
    const auto pool = make_pool(options);
    auto buffer = apiary::server::make_buffer({.kind = apiary::config::BufferKind::firo,
                                               .capacity = options.capacity,
                                               .watermark = std::min(options.capacity, options.batch),
                                               .pseudo_epochs = options.pseudo_epochs});
    apiary::server::FieldStatistics statistics(options.outputs);
    apiary::server::ValidationSet validation;
    for (std::size_t i = 0; i < std::min<std::size_t>(pool.size(), 8); ++i)
      validation.add(std::make_shared<const Sample>(pool[i]));
    // The stream: copies of the pool (a copy per put, as reception builds
    // each sample anew), while the buffer has room.
    std::atomic<bool> stop{false};
    std::thread producer([&] {
      for (std::size_t next = 0; !stop.load();) {
        if (!buffer->has_room()) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        auto sample = std::make_shared<const Sample>(pool[next++ % pool.size()]);
        statistics.add(*sample);
        if (!buffer->put(std::move(sample))) break;  // closed: training is over
      }
    });

    apiary::server::SingleProcessCommunicator communicator;
    apiary::server::MetricsLog metrics(options.work / "metrics.jsonl");
    apiary::server::TrainerOptions trainer_options;
    trainer_options.training.hidden = options.hidden;
    trainer_options.training.batch_size = options.batch;
    trainer_options.training.batches = options.batches;
    trainer_options.training.schedule = apiary::config::ScheduleKind::constant;
    trainer_options.training.validation_every = options.batches + 1;  // once, at the end
    trainer_options.parameter_ranges.assign(options.parameters, {0.0, 1.0});
    trainer_options.time_steps = 100;
    trainer_options.output_size = options.outputs;
    trainer_options.threads = options.threads;
    trainer_options.device = options.device;
    trainer_options.metrics_every = std::max<std::size_t>(1, options.batches / 10);
    trainer_options.model_output = options.work / "model.pt";
    apiary::server::Trainer trainer(trainer_options, {*buffer, validation, statistics, &metrics, {}, communicator});
    const auto result = trainer.run();
    stop = true;
    producer.join();

    const nlohmann::json json = {{"benchmark", "server_trainer"},
                                 {"device", result.device},
                                 {"outputs", options.outputs},
                                 {"batch", options.batch},
                                 {"batches", result.batches},
                                 {"threads", options.threads},
                                 {"seconds", result.seconds},
                                 {"samples_per_s", result.samples_per_second},
                                 {"validation_rel_l2", result.validation.rel_l2}};
    std::cout << "server trainer: " << result.batches << " batches of " << options.batch << " in " << result.seconds
              << " s, " << result.samples_per_second << " samples/s on " << result.device << "\n";
    if (!options.json_file.empty()) std::ofstream(options.json_file) << json.dump(1) << '\n';
  } catch (const std::exception& error) {
    std::cerr << "apiary-bench-trainer: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
