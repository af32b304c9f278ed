// apiary-bench-ingest: how fast the server ingests, against bare ZeroMQ
// between the same processes and against memcpy (bench/ingest/README.md).
//
//   apiary-bench-ingest --mode apiary --client build/bin/apiary-synthetic
//       --clients 4 --values 262144 --stream-ms 1500 [--json FILE]
//   apiary-bench-ingest --mode raw --client build/bin/apiary-bench-raw-client
//       --clients 4 --values 262144 --stream-ms 1500 [--json FILE]
//   apiary-bench-ingest --mode memcpy [--memcpy-mb 256] [--json FILE]
//
// apiary and raw start --clients client processes that stream fields of
// --values float32 together for --stream-ms (or --steps each), and write
// the throughput while all clients were streaming to --json (and one line
// to stdout).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "measurement.hpp"
#include "memcpy_bandwidth.hpp"
#include "server/allocator_tuning.hpp"

using namespace apiary::bench;

namespace {

nlohmann::json window_json(const Window& window, std::size_t message_bytes) {
  return {{"seconds", window.seconds},
          {"messages", window.messages},
          {"messages_per_s", window.messages_per_s()},
          {"gb_per_s", window.messages_per_s() * static_cast<double>(message_bytes) / 1e9}};
}

nlohmann::json measurement_json(const std::string& mode, const MeasurementOptions& options, const Measurement& m) {
  return {{"mode", mode},
          {"clients", options.clients},
          {"values", options.values},
          {"max_steps", options.steps},
          {"fixed_field", options.fixed_field},
          {"stream_seconds", std::chrono::duration<double>(options.stream_time).count()},
          {"message_bytes", m.message_bytes},
          {"messages", m.arrivals.messages},
          {"steady", window_json(m.arrivals.steady, m.message_bytes)},
          {"whole", window_json(m.arrivals.whole, m.message_bytes)},
          {"start_spread_seconds", m.arrivals.start_spread_s},
          {"startup_seconds", m.startup_seconds},
          {"wall_seconds", m.wall_seconds},
          {"receive_queue", options.receive_queue},
          {"receiver", m.details}};
}

nlohmann::json memcpy_json(const MemcpyBandwidth& bandwidth) {
  return {{"mode", "memcpy"},
          {"bytes", bandwidth.bytes},
          {"gb_per_s", bandwidth.gb_per_s},
          {"median_gb_per_s", bandwidth.median_gb_per_s}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Apiary's ingest benchmark: the server's reception vs bare ZeroMQ vs memcpy"};
  std::string mode;
  MeasurementOptions options;
  std::filesystem::path json_file;
  std::size_t memcpy_mb = 256;
  int memcpy_repeats = 5;
  int stream_ms = 0;
  app.add_option("--mode", mode, "apiary: the server's ingest stack; raw: a bare PULL socket; memcpy")
      ->required()
      ->check(CLI::IsMember({"apiary", "raw", "memcpy"}));
  app.add_option("--client", options.client,
                 "the client program: apiary-synthetic (apiary), apiary-bench-raw-client (raw)");
  app.add_option("--clients", options.clients, "concurrent client processes")->check(CLI::PositiveNumber);
  app.add_option("--values", options.values, "float32 values per field")->check(CLI::PositiveNumber);
  app.add_option("--steps", options.steps, "fields each client sends, at most")->check(CLI::PositiveNumber);
  app.add_option("--stream-ms", stream_ms, "how long the clients stream; 0: until each sent its --steps")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("!--fill-each-step", options.fixed_field,
               "the clients compute every step's field rather than resend the first");
  app.add_option("--receive-queue", options.receive_queue, "ZeroMQ receive high-water mark (server.receive_queue)")
      ->check(CLI::PositiveNumber);
  app.add_option("--buffer-capacity", options.buffer_capacity, "apiary: FIFO training buffer capacity, samples")
      ->check(CLI::PositiveNumber);
  app.add_option("--drain-batch", options.drain_batch, "apiary: samples the drain takes out at once")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-dir", options.log_dir, "where the clients' logs go")->default_val("bench-ingest-logs");
  app.add_flag("--curve", options.curve, "apiary: CURVE on every connection (server.security = \"curve\")");
  app.add_option("--memcpy-mb", memcpy_mb, "memcpy: MB copied per repeat")->check(CLI::PositiveNumber);
  app.add_option("--memcpy-repeats", memcpy_repeats, "memcpy: repeats (the median is reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", json_file, "write the result there");
  CLI11_PARSE(app, argc, argv);

  // The server's malloc settings, in every mode: both receivers allocate
  // as apiary-server would.
  apiary::server::tune_allocator();
  try {
    nlohmann::json result;
    if (mode == "memcpy") {
      const auto bandwidth = measure_memcpy(memcpy_mb << 20, memcpy_repeats);
      result = memcpy_json(bandwidth);
      std::cout << "memcpy: " << bandwidth.median_gb_per_s << " GB/s\n";
    } else {
      if (options.client.empty()) throw apiary::Error("--client is required with --mode " + mode);
      options.stream_time = std::chrono::milliseconds(stream_ms);
      const auto m = mode == "apiary" ? measure_apiary(options) : measure_raw(options);
      result = measurement_json(mode, options, m);
      const auto& steady = result["steady"];
      std::cout << mode << ": " << options.clients << " clients, " << m.message_bytes
                << " B messages: " << steady["gb_per_s"].get<double>() << " GB/s, "
                << steady["messages_per_s"].get<double>() << " messages/s\n";
    }
    if (!json_file.empty()) std::ofstream(json_file) << result.dump(1) << "\n";
    return 0;
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
}
