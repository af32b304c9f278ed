#pragma once
// A start gate through files, between a benchmark that starts many clients
// (bench/ingest/) and the clients, so that they all stream during the same
// interval instead of one by one as their start-ups end (MPI_Init,
// registration, the field's set-up), however loaded the machine:
//
//   each client, once ready, creates DIR/ready.<pid> and waits for
//   DIR/start; the benchmark creates DIR/start once every client is ready,
//   and DIR/stop when they have streamed long enough; the clients then
//   send no more steps.
#include <chrono>
#include <cstddef>
#include <filesystem>

namespace apiary::bench {

// Client side: announces this process ready and waits until the gate opens.
void wait_at_gate(const std::filesystem::path& dir);

// Client side: whether the benchmark asked to stop. Looks at the file at
// most once per period, so that asking every step costs nothing.
class StopSignal {
 public:
  explicit StopSignal(std::filesystem::path dir);
  bool requested();

 private:
  std::filesystem::path stop_;
  std::chrono::steady_clock::time_point next_look_;
  bool requested_ = false;
};

// Benchmark side.
std::size_t clients_ready(const std::filesystem::path& dir);
void open_gate(const std::filesystem::path& dir);
void signal_stop(const std::filesystem::path& dir);

}  // namespace apiary::bench
