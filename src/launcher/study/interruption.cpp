#include "launcher/study/interruption.hpp"

#include <atomic>
#include <csignal>

namespace apiary::launcher {
namespace {

std::atomic<int> interrupted{0};
extern "C" void on_signal(int signal) { interrupted = signal; }

}  // namespace

void catch_interruptions() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

int interruption() { return interrupted.load(); }

}  // namespace apiary::launcher
