#pragma once
// A period of the launcher's waiting loops: something done every so often
// (a progress line, a look at the heartbeats) while they poll faster.
#include <chrono>

namespace apiary::launcher {

class Every {
 public:
  using Clock = std::chrono::steady_clock;
  // `due_at_once`: the first due() is true; else it is one period away.
  explicit Every(Clock::duration period, bool due_at_once = false)
      : period_(period), last_(due_at_once ? Clock::time_point{} : Clock::now()) {}

  // True, and the period starts again, when it has passed.
  bool due() {
    if (Clock::now() - last_ <= period_) return false;
    last_ = Clock::now();
    return true;
  }

 private:
  Clock::duration period_;
  Clock::time_point last_;
};

}  // namespace apiary::launcher
