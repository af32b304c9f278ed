#include "start_gate.hpp"

#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace apiary::bench {
namespace {

// How often a client looks at the gate's files: the clients start and stop
// within a few milliseconds of each other.
constexpr auto kLookPeriod = std::chrono::milliseconds(1);

// The files only signal by existing.
void touch(const std::filesystem::path& file) { std::ofstream{file}; }

}  // namespace

void wait_at_gate(const std::filesystem::path& dir) {
  touch(dir / ("ready." + std::to_string(::getpid())));
  while (!std::filesystem::exists(dir / "start")) std::this_thread::sleep_for(kLookPeriod);
}

StopSignal::StopSignal(std::filesystem::path dir) : stop_(std::move(dir) / "stop") {}

bool StopSignal::requested() {
  const auto now = std::chrono::steady_clock::now();
  if (!requested_ && now >= next_look_) {
    requested_ = std::filesystem::exists(stop_);
    next_look_ = now + kLookPeriod;
  }
  return requested_;
}

std::size_t clients_ready(const std::filesystem::path& dir) {
  std::size_t ready = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ready += entry.path().filename().string().starts_with("ready.");
  }
  return ready;
}

void open_gate(const std::filesystem::path& dir) { touch(dir / "start"); }

void signal_stop(const std::filesystem::path& dir) { touch(dir / "stop"); }

}  // namespace apiary::bench
