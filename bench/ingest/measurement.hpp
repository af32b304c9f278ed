#pragma once
// One measurement of bench/ingest: N clients stream float32 fields of one
// size to this process, received either by the server's ingest stack or by
// a bare ZeroMQ PULL socket.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arrival_log.hpp"

namespace apiary::bench {

inline const std::string kField = "field";

struct MeasurementOptions {
  std::size_t clients = 1;
  std::size_t values = 10000;     // float32 values per field
  std::size_t steps = 1'000'000;  // per client, at most
  // How long the clients stream once every one of them has been heard
  // from; 0: until each sent its steps.
  std::chrono::milliseconds stream_time{0};
  std::filesystem::path client;  // apiary-synthetic (apiary) or apiary-bench-raw-client (raw)
  // The clients resend their first field (--fixed-field), so that their
  // only work per step is the copy into the message, as a simulation whose
  // field is ready; false: they compute each step's field.
  bool fixed_field = true;
  std::filesystem::path log_dir;  // the clients' logs and start gate
  std::chrono::seconds timeout{120};
  int receive_queue = 4;  // ZeroMQ receive high-water mark: server.receive_queue's default
  // apiary only: the training buffer (FIFO) and the drain's batch. A drain
  // of one sample at a time keeps few samples alive: with 8, glibc kept
  // unmapping and mapping again the per-thread heaps that 8 MB samples
  // fill (5x the page faults, bench/ingest/README.md).
  std::size_t buffer_capacity = 32;
  std::size_t drain_batch = 1;
  // apiary only: CURVE on every connection, with keys made in log_dir, as
  // `apiary run` does with server.security = "curve"; false: plain.
  bool curve = false;
};

struct Measurement {
  ArrivalSummary arrivals;
  std::size_t message_bytes = 0;  // one data message: header, field name, payload
  double startup_seconds = 0.0;   // from starting the clients to letting them through the gate
  double wall_seconds = 0.0;      // from the gate to the last message
  nlohmann::json details;         // what the receiver counted
};

// The bytes of one data message, the same in both modes.
std::size_t data_message_bytes(std::size_t values);

// The clients' command line, --gate aside.
std::vector<std::string> client_arguments(const MeasurementOptions& options);

class ClientFleet;
// Lets the clients stream for options.stream_time once every one of them
// has been heard from, then stops them; returns when. Throws apiary::Error
// if some client is never heard from.
Clock::time_point stop_after_stream(ClientFleet& fleet, const ArrivalLog& log, const MeasurementOptions& options);

// Throw apiary::Error when a client fails or what it sent does not arrive.
Measurement measure_apiary(const MeasurementOptions& options);
Measurement measure_raw(const MeasurementOptions& options);

}  // namespace apiary::bench
