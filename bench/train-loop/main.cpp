// apiary-bench-train: the bare libtorch training loop that the server's
// training throughput is compared against (docs/benchmarks.md).
//
//   apiary-bench-train --outputs 10000 --inputs 5 --hidden 256,256 --batch 64 --threads 2
//                      --seconds 10 --repeats 3 --json bare.json
//
// Same model (the server's make_mlp), optimizer, learning rate, loss, batch,
// thread count, BLAS and allocator settings as apiary-server; the data are
// random tensors in memory. Prints and writes the median samples/s.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bare_training_loop.hpp"

namespace {

// The server's tune_allocator (src/server/main.cpp): glibc would otherwise
// map and unmap every step's large temporaries.
void tune_allocator_like_the_server() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

// The BLAS libtorch ended up with: the reference BLAS is 19x slower than the
// OpenMP OpenBLAS the RPATH selects, so the result records which one ran.
std::string loaded_blas() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto at = line.find('/');
    if (at != std::string::npos && line.find("libblas.so", at) != std::string::npos) return line.substr(at);
  }
  return "unknown";
}

// Multiply-adds of one sample through the MLP, forward (2 per weight) and
// backward (4: the gradients of the weights and of the layer's input).
double flops_per_sample(std::size_t inputs, const std::vector<int>& hidden, std::size_t outputs) {
  std::vector<double> widths{static_cast<double>(inputs)};
  for (int h : hidden) widths.push_back(h);
  widths.push_back(static_cast<double>(outputs));
  double weights = 0.0;
  for (std::size_t layer = 0; layer + 1 < widths.size(); ++layer) weights += widths[layer] * widths[layer + 1];
  return 6.0 * weights;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  apiary::bench::BareLoopOptions options;
  std::size_t parameters = 5;
  double seconds = 10.0, warmup_seconds = 2.0, pool_mb = 256.0;
  std::uint64_t batches = 0;
  int repeats = 3;
  int matmul_size = 0;
  std::string json_file;

  CLI::App app{"Bare libtorch training loop: the baseline of Apiary's training-throughput benchmark"};
  app.add_option("--outputs", options.outputs, "values in the field (the model's outputs)")
      ->required()
      ->check(CLI::PositiveNumber);
  app.add_option("--inputs", parameters, "parameters of the study (the model takes them and the time step)")
      ->check(CLI::PositiveNumber);
  app.add_option("--hidden", options.hidden, "hidden layer widths")->delimiter(',');
  app.add_option("--batch", options.batch, "samples per batch")->check(CLI::PositiveNumber);
  app.add_option("--threads", options.threads, "libtorch threads")->check(CLI::PositiveNumber);
  app.add_option("--learning-rate", options.learning_rate, "Adam's learning rate")->check(CLI::PositiveNumber);
  auto* seconds_option = app.add_option("--seconds", seconds, "length of one timed repeat")->check(CLI::PositiveNumber);
  app.add_option("--batches", batches, "length of one timed repeat in batches, instead of --seconds")
      ->excludes(seconds_option)
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup-seconds", warmup_seconds, "untimed training first")->check(CLI::NonNegativeNumber);
  app.add_option("--repeats", repeats, "timed repeats; the median is the result")->check(CLI::PositiveNumber);
  app.add_option("--pool-mb", pool_mb, "size of the in-memory random samples batches are drawn from")
      ->check(CLI::PositiveNumber);
  app.add_option("--device", options.device, "cpu, cuda or auto, as the study's server.device")
      ->transform(CLI::CheckedTransformer(apiary::config::option_map<apiary::config::ComputeDevice>()));
  app.add_flag("--batches-from-host", options.batches_from_host,
               "on a GPU: keep the samples on the host and copy each batch over, as the server does");
  app.add_option("--matmul-size", matmul_size,
                 "also time an n x n x n float32 matrix product on the device: the bound of the MLP's products")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", json_file, "write the result here");
  CLI11_PARSE(app, argc, argv);

  tune_allocator_like_the_server();
  options.inputs = parameters + 1;
  options.pool_samples = static_cast<std::size_t>(pool_mb * 1024 * 1024 / (4.0 * static_cast<double>(options.outputs)));
  try {
    apiary::bench::BareTrainingLoop loop(options);
    loop.run(3, warmup_seconds);
    nlohmann::json repeat_results = nlohmann::json::array();
    std::vector<double> rates;
    for (int r = 0; r < repeats; ++r) {
      const auto run = batches > 0 ? loop.run(batches, 0.0) : loop.run(1, seconds);
      rates.push_back(run.samples_per_second());
      repeat_results.push_back({{"batches", run.batches},
                                {"samples", run.samples},
                                {"seconds", run.seconds},
                                {"samples_per_s", run.samples_per_second()}});
      std::cout << "repeat " << r + 1 << ": " << run.batches << " batches in " << run.seconds << " s, "
                << run.samples_per_second() << " samples/s\n";
    }
    const double flops = flops_per_sample(options.inputs, options.hidden, options.outputs);
    nlohmann::json result = {
        {"benchmark", "bare_training_loop"},
        {"outputs", options.outputs},
        {"inputs", options.inputs},
        {"hidden", options.hidden},
        {"batch", options.batch},
        {"threads", loop.torch_threads()},
        {"device", loop.device()},
        {"batches_from_host", options.batches_from_host},
        {"learning_rate", options.learning_rate},
        {"pool_samples", std::max(options.pool_samples, options.batch)},
        {"blas", loaded_blas()},
        {"repeats", repeat_results},
        {"median_samples_per_s", median(rates)},
        {"flops_per_sample", flops},
        {"achieved_flops_per_s", flops * median(rates)},
    };
    if (matmul_size > 0) {
      const double bound = loop.matmul_flops_per_second(matmul_size);
      result["matmul_size"] = matmul_size;
      result["matmul_flops_per_s"] = bound;
      result["fraction_of_matmul_bound"] = flops * median(rates) / bound;
      std::cout << "float32 matrix product " << matmul_size << "^3: " << bound / 1e12 << " TFLOP/s; the loop reaches "
                << flops * median(rates) / 1e12 << " TFLOP/s, " << 100 * flops * median(rates) / bound << "% of it\n";
    }
    std::cout << "median: " << median(rates) << " samples/s (outputs " << options.outputs << ", batch " << options.batch
              << ", threads " << loop.torch_threads() << ", device " << loop.device() << ", BLAS " << loaded_blas()
              << ")\n";
    if (!json_file.empty()) {
      std::ofstream out(json_file);
      out << result.dump(1) << '\n';
      if (!out) throw std::runtime_error("cannot write " + json_file);
    }
  } catch (const std::exception& error) {
    std::cerr << "apiary-bench-train: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
