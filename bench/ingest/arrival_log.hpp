#pragma once
// When each data message of one measurement arrived, and from which client;
// from that, the throughput while every client was streaming.
//
// The clients start together (start_gate.hpp) but not exactly: on two cores
// sixteen clients of 8 MB fields take a good second to all get their first
// message through. The steady window, from the last client's first message
// to the moment the clients were told to stop (or, without a stop, to the
// first client's last message), is the time during which all of them were
// sending: its rate is the rate at that concurrency. What arrives after the
// stop was queued before it and is not counted.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace apiary::bench {

using Clock = std::chrono::steady_clock;

// Messages that arrived after a window's start, up to and including its
// end, over its length: the first message only opens the window.
struct Window {
  double seconds = 0.0;
  std::size_t messages = 0;

  double messages_per_s() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0.0; }
};

struct ArrivalSummary {
  std::size_t messages = 0;     // data messages received, all clients
  Window steady;                // while every client was streaming
  Window whole;                 // first message to last
  double start_spread_s = 0.0;  // between the first and the last client's first message
  Clock::time_point last{};     // arrival of the last message
};

class ArrivalLog {
 public:
  // Clients are numbered 0 .. clients-1; the log is sized up front for up
  // to expected messages, so that recording seldom allocates.
  ArrivalLog(std::size_t clients, std::size_t expected);

  // From one thread at a time.
  void record(std::uint32_t client);
  std::size_t size() const { return arrivals_.size(); }
  // How many clients sent something yet; any thread may ask.
  std::size_t clients_heard() const { return clients_heard_; }

  // stopped: when the clients were told to stop, if they were. Throws
  // apiary::Error if a message came from an unknown client, or if a client
  // sent nothing (the windows would be meaningless).
  ArrivalSummary summarize(std::optional<Clock::time_point> stopped) const;

 private:
  struct Arrival {
    std::uint32_t client;
    Clock::time_point time;
  };
  std::size_t clients_;
  std::vector<Arrival> arrivals_;
  std::vector<bool> heard_;  // by client
  std::atomic<std::size_t> clients_heard_{0};
};

}  // namespace apiary::bench
