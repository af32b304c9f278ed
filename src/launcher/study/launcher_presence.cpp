#include "launcher/study/launcher_presence.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "common/elapsed.hpp"
#include "common/host_network.hpp"

namespace apiary::launcher {

LauncherPresence launcher_presence(const LauncherState& state, const std::string& this_host, double now,
                                   const std::function<bool(long pid)>& process_alive) {
  if (state.state != "running") return {false, true};
  if (state.launcher_host.empty() || state.launcher_host == this_host) {
    return {process_alive(state.launcher_pid), true};
  }
  return {now - state.updated < kLauncherSilenceSeconds, false};
}

LauncherPresence launcher_presence_here(const LauncherState& state) {
  return launcher_presence(state, host_name(), unix_seconds(), [](long pid) {
    // EPERM: the process exists under another user.
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
  });
}

}  // namespace apiary::launcher
