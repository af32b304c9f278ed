// Whether a study's launcher still runs, seen from its own host (its pid)
// and from another node of the cluster (the heartbeat of launcher.json).
#include "launcher/study/launcher_presence.hpp"

#include <gtest/gtest.h>

namespace apiary::launcher {
namespace {

constexpr double kNow = 1'000'000.0;

LauncherState running_on(const std::string& host, double updated) {
  LauncherState state;
  state.state = "running";
  state.launcher_pid = 4242;
  state.launcher_host = host;
  state.updated = updated;
  return state;
}

bool pid_alive(long pid) { return pid == 4242; }
bool pid_dead(long) { return false; }

TEST(LauncherPresence, OnItsOwnHostThePidDecides) {
  const auto state = running_on("node0", kNow - 3600);  // an old heartbeat does not matter here
  EXPECT_TRUE(launcher_presence(state, "node0", kNow, pid_alive).alive);
  EXPECT_FALSE(launcher_presence(state, "node0", kNow, pid_dead).alive);
  EXPECT_TRUE(launcher_presence(state, "node0", kNow, pid_dead).judged_by_pid);
}

TEST(LauncherPresence, FromAnotherHostTheHeartbeatDecidesNotAPidThatMeansNothingThere) {
  // node1 happens to have a live process with the launcher's pid.
  const auto fresh = launcher_presence(running_on("node0", kNow - 4), "node1", kNow, pid_alive);
  EXPECT_TRUE(fresh.alive);
  EXPECT_FALSE(fresh.judged_by_pid);
  EXPECT_FALSE(
      launcher_presence(running_on("node0", kNow - kLauncherSilenceSeconds - 1), "node1", kNow, pid_alive).alive);
  // ...and a pid dead on node1 says nothing of node0's launcher.
  EXPECT_TRUE(launcher_presence(running_on("node0", kNow - 4), "node1", kNow, pid_dead).alive);
}

TEST(LauncherPresence, AStateWithoutAHostIsJudgedByItsPid) {
  EXPECT_TRUE(launcher_presence(running_on("", kNow - 3600), "node1", kNow, pid_alive).alive);
  EXPECT_FALSE(launcher_presence(running_on("", kNow), "node1", kNow, pid_dead).alive);
}

TEST(LauncherPresence, AStudyThatIsNotRunningHasNoLauncher) {
  auto state = running_on("node0", kNow);
  for (const char* ended : {"finished", "failed", "interrupted"}) {
    state.state = ended;
    EXPECT_FALSE(launcher_presence(state, "node0", kNow, pid_alive).alive) << ended;
  }
}

}  // namespace
}  // namespace apiary::launcher
