#pragma once
// Intervals of the steady clock in seconds: what metrics, summaries,
// progress lines and benchmarks report; and the wall-clock time, for what
// other processes read (heartbeats, launcher.json).
#include <chrono>

namespace apiary {

inline double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return seconds_between(start, std::chrono::steady_clock::now());
}

// Now, in seconds since the Unix epoch (the system clock).
inline double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace apiary
