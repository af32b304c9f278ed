#pragma once
// When each data message of one measurement arrived, and from which client;
// from that, the throughput while every client was streaming.
//
// The clients start together (--start-at) but not exactly: the first to
// start streams alone for a moment, and the last ones finish alone. The
// steady window, from the last client's first message to the first
// client's last message, is the time during which all of them were
// sending: its rate is the rate at that concurrency.
#include <chrono>
#include <cstddef>
#include <cstdint>
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

  void record(std::uint32_t client) { arrivals_.push_back({client, Clock::now()}); }
  std::size_t size() const { return arrivals_.size(); }

  // Throws apiary::Error if a message came from an unknown client, or if a
  // client sent nothing (the windows would be meaningless).
  ArrivalSummary summarize() const;

 private:
  struct Arrival {
    std::uint32_t client;
    Clock::time_point time;
  };
  std::size_t clients_;
  std::vector<Arrival> arrivals_;
};

}  // namespace apiary::bench
