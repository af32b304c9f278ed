#pragma once
// Whether the launcher that launcher.json names still runs, judged from
// wherever `apiary status` or `apiary run --resume` runs. On the launcher's
// own host its pid answers. From another node of the cluster (the run
// directory is on the shared file system) a pid means nothing, so the age
// of launcher.json does: a running launcher rewrites it at least every
// kLauncherHeartbeatSeconds.
#include <functional>
#include <string>

#include "launcher/study/launcher_state.hpp"

namespace apiary::launcher {

inline constexpr double kLauncherHeartbeatSeconds = 5.0;
// From another host: a launcher silent for this long is gone (several
// heartbeats, and room for the clocks of two nodes to differ a little).
inline constexpr double kLauncherSilenceSeconds = 30.0;
static_assert(3 * kLauncherHeartbeatSeconds <= kLauncherSilenceSeconds, "a slow save must not look like death");

struct LauncherPresence {
  bool alive = false;
  bool judged_by_pid = false;  // false: by the heartbeat, from another host
};

// A study that is not "running" has no launcher. A launcher.json without a
// host (written before launchers recorded theirs) is judged by its pid.
LauncherPresence launcher_presence(const LauncherState& state, const std::string& this_host, double now,
                                   const std::function<bool(long pid)>& process_alive);

// This host's view: host_name(), unix_seconds(), kill(pid, 0).
LauncherPresence launcher_presence_here(const LauncherState& state);

}  // namespace apiary::launcher
