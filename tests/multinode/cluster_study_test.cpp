// Studies across the hosts of the test cluster (scripts/local-cluster.sh,
// started by a CTest fixture): network namespaces node0..node3, each a
// Slurm node with its own address and host name. node0 is the front host:
// the launcher runs there, and Slurm places jobs on the compute hosts
// node1..node3 only. Each server rank binds its own host's address
// (server.host = "auto"), CURVE is on. Then a client host dies, a client
// host is cut off and healed, and the server's host dies: each study must
// complete with every time step accounted for exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "integration/study_harness.hpp"

namespace apiary::testing {
namespace {

using ::testing::HasSubstr;

const std::string kCluster = std::string(APIARY_SOURCE_DIR) + "/scripts/local-cluster.sh";
const std::string kApiary = std::string(APIARY_BIN_DIR) + "/apiary";
const std::string kFront = "node0";
const std::vector<std::string> kComputeHosts = {"node1", "node2", "node3"};
// One rank per host: a 2-rank simulation spans two hosts.
const std::string kSpread = " --set 'scheduler.extra_args=[\"--ntasks-per-node=1\"]'";
const std::string kJobsMode = "--set scheduler.kind=slurm --set scheduler.poll_seconds=0.5" + kSpread;
const std::string kAllocationMode = "--set scheduler.kind=slurm --set scheduler.mode=allocation" + kSpread;

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// COMMAND (a shell command line) run on HOST of the cluster.
CommandResult on_host(const std::string& host, const std::string& command) {
  return run_command(kCluster + " exec " + host + " sh -c " + quoted(command));
}

// What runs a background launcher on the front host (it execs there).
std::string on_front() { return kCluster + " exec " + kFront; }

// Where every rank of every run of each simulation ran, as the wrapper
// where.sh wrote it ("SIMULATION RANK HOST" lines, one per rank and run).
struct Placement {
  std::map<int, std::vector<std::string>> runs;  // simulation -> the host of each rank's start, in order
  std::set<std::string> hosts;
};

Placement placement(const fs::path& dir) {
  Placement found;
  std::istringstream lines(text_of(dir / "hosts"));
  int simulation = 0, rank = 0;
  std::string host;
  while (lines >> simulation >> rank >> host) {
    found.runs[simulation].push_back(host);
    found.hosts.insert(host);
  }
  return found;
}

// A wrapper for client commands: records the host of each rank in DIR/hosts, then runs the client.
std::string where(const fs::path& dir) {
  const auto script = dir / "where.sh";
  write_text(script, "#!/bin/sh\necho \"$APIARY_SIMULATION_ID ${SLURM_PROCID:-0} $(hostname)\" >> " +
                         (dir / "hosts").string() + "\nexec \"$@\"\n");
  fs::permissions(script, fs::perms::owner_all);
  return script.string() + " ";
}

// The heat study with 2-rank simulations, trained long after its data are
// all in (FIRO, watermark = every training sample), so that its final error
// barely depends on where and in which order the steps arrived.
SmallStudy heat_study(const fs::path& dir) {
  SmallStudy study;
  study.ranks = 2;
  study.command =
      where(dir) + std::string(APIARY_BIN_DIR) + "/apiary-heat 16 12 20 {T0} {T1} {T2} {T3} {T4} --snapshots 10";
  study.batches = 600;
  study.buffer = "kind = \"firo\"\ncapacity = 200\nwatermark = 60\npseudo_epochs = 200\n";
  return study;
}

std::string server_host(const fs::path& run_dir) {
  std::ifstream in(run_dir / "server.json");
  const auto server = nlohmann::json::parse(in, nullptr, false);
  return server.is_object() ? server.value("host", "") : "";
}

void expect_complete(const fs::path& run_dir, const std::string& output) {
  ASSERT_TRUE(fs::exists(run_dir / "summary.json")) << output;
  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["simulations_completed"], summary["simulations_planned"]) << output;
  EXPECT_EQ(summary["simulations_failed"], 0) << output;
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]) << output;
  EXPECT_EQ(summary["time_steps_expected"], 80);
}

// Every simulation ran, a 2-rank one across two hosts, and the server and
// the clients together used every compute host and none but them.
void expect_spread(const fs::path& dir, const std::string& server) {
  const auto where_ran = placement(dir);
  EXPECT_EQ(where_ran.runs.size(), 8u);
  int spanning = 0;
  for (const auto& [simulation, hosts] : where_ran.runs) {
    spanning += std::set<std::string>(hosts.begin(), hosts.end()).size() == 2;
  }
  EXPECT_GE(spanning, 1) << "no 2-rank simulation spanned two hosts";
  auto used = where_ran.hosts;
  used.insert(server);
  EXPECT_EQ(used, std::set<std::string>(kComputeHosts.begin(), kComputeHosts.end()));
  std::cout << "server on " << server << "; " << spanning << " of 8 simulations spanned two hosts\n";
}

double rel_l2(const fs::path& run_dir) { return read_json(run_dir / "summary.json")["validation_rel_l2"]; }

class ClusterStudy : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto status = run_command(kCluster + " status");
    if (status.exit_code != 0) {
      GTEST_SKIP() << "no test cluster (ctest starts one with scripts/local-cluster.sh start, which needs root, "
                      "network namespaces and slurm-wlm): "
                   << status.output;
    }
    dir_ = fresh_directory(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  void TearDown() override {
    // A host a test killed or cut off comes back for the next test (a
    // healed host is back once slurmctld hears from it again: seconds).
    if (killed_) run_command(kCluster + " revive " + *killed_);
    if (cut_) run_command(kCluster + " heal " + *cut_);
    if (killed_ || cut_) {
      EXPECT_TRUE(eventually([] { return run_command(kCluster + " status").exit_code == 0; }, 90s))
          << run_command(kCluster + " status").output;
    }
    if (!dir_.empty() && !HasFailure() && !std::getenv("APIARY_KEEP_TEST_DIRS")) fs::remove_all(dir_);
  }

  void kill_host(const std::string& host) {
    killed_ = host;
    const auto result = run_command(kCluster + " kill-host " + host);
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }

  // The same heat study on this one machine (local scheduler, mpirun):
  // the error a study across hosts must match.
  static double one_host_rel_l2() {
    static std::optional<double> reference;
    if (!reference) {
      const auto dir = fresh_directory("one-host-reference");
      const auto result = run_study(dir, heat_study(dir));
      if (result.exit_code != 0 || !fs::exists(dir / "run" / "summary.json")) {
        ADD_FAILURE() << "the one-host study failed:\n" << result.output;
        return 0.0;
      }
      reference = rel_l2(dir / "run");
      fs::remove_all(dir);
    }
    return *reference;
  }

  fs::path dir_;
  std::optional<std::string> killed_, cut_;
};

TEST_F(ClusterStudy, JobsModeSpreadsServerAndClientsOverTheHosts) {
  const double reference = one_host_rel_l2();
  const auto run_dir = dir_ / "run";
  auto launcher = start_study(dir_, heat_study(dir_), kJobsMode, on_front());
  // From another host, `apiary status` sees the launcher running on node0.
  ASSERT_TRUE(eventually([&] { return fs::exists(run_dir / "server.json") || !launcher.running(); }, 120s));
  const auto status = on_host("node2", kApiary + " status " + run_dir.string());
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir_ / "launcher.out");
  EXPECT_THAT(status.output, HasSubstr("on node0)")) << status.output;
  EXPECT_THAT(status.output, ::testing::Not(HasSubstr("launcher is gone"))) << status.output;

  expect_complete(run_dir, text_of(dir_ / "launcher.out"));
  const auto server = server_host(run_dir);
  EXPECT_THAT(text_of(run_dir / "server.log"), HasSubstr("the address of this node's name " + server));
  expect_spread(dir_, server);
  EXPECT_NEAR(rel_l2(run_dir), reference, 0.1 * reference);
  std::cout << "validation rel. L2 " << rel_l2(run_dir) << " across hosts, " << reference << " on one host\n";
}

TEST_F(ClusterStudy, AllocationModeRunsStepsOnEveryHostOfTheAllocation) {
  const double reference = one_host_rel_l2();
  const auto run_dir = dir_ / "run";
  write_text(dir_ / "study.toml", heat_study(dir_).toml());
  write_text(dir_ / "launch.sh", "#!/bin/sh\nexec " + kApiary + " run --quiet " + (dir_ / "study.toml").string() +
                                     " --run-dir " + run_dir.string() + " " + kAllocationMode + "\n");
  // Two CPUs on each of the three compute hosts: the server and two
  // 2-rank simulations at once.
  const auto result = on_host(kFront,
                              "sbatch --wait --nodes=3 --ntasks-per-node=2 --job-name=apiary-test-launcher "
                              "--output=" +
                                  (dir_ / "launcher.log").string() + " " + (dir_ / "launch.sh").string());
  const auto log = text_of(dir_ / "launcher.log");
  ASSERT_EQ(result.exit_code, 0) << result.output << log;
  expect_complete(run_dir, log);
  EXPECT_THAT(text_of(run_dir / "server.log"), HasSubstr("apiary: job step "));
  expect_spread(dir_, server_host(run_dir));
  EXPECT_NEAR(rel_l2(run_dir), reference, 0.1 * reference);
}

// Stepper clients, four at once, slow enough to be caught mid-study.
SmallStudy slow_stepper_study(const fs::path& dir, const std::string& faults) {
  auto study = stepper_study(400);
  study.command = where(dir) + study.command;
  study.concurrent = 4;
  study.extra = "\n[fault_tolerance]\nmax_restarts = 10\n" + faults;
  return study;
}

// A compute host that runs a client of the study and not its server, once one does.
std::optional<std::string> client_host_without_server(const fs::path& dir, BackgroundLauncher& launcher) {
  std::optional<std::string> victim;
  eventually(
      [&] {
        const auto server = server_host(dir / "run");
        for (const auto& host : placement(dir).hosts) {
          if (!server.empty() && host != server && host != kFront) victim = host;
        }
        return victim.has_value() || !launcher.running();
      },
      120s);
  return victim;
}

// The steps sent again by the runs after the first, over every simulation.
std::uint64_t replayed(const fs::path& run_dir, int simulations = 8) {
  std::uint64_t steps = 0;
  for (int id = 0; id < simulations; ++id) steps += replayed_steps(client_log(run_dir, id));
  return steps;
}

TEST_F(ClusterStudy, AClientHostThatDiesHasItsSimulationsRelaunchedElsewhere) {
  const auto run_dir = dir_ / "run";
  auto launcher = start_study(dir_, slow_stepper_study(dir_, ""), kJobsMode, on_front());
  const auto victim = client_host_without_server(dir_, launcher);
  ASSERT_TRUE(victim) << "no client ran on a host without the server:\n" << text_of(dir_ / "launcher.out");
  kill_host(*victim);
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir_ / "launcher.out");

  const auto summary = read_json(run_dir / "summary.json");
  expect_exact_accounting(summary, 6, 2, 12);
  EXPECT_GE(summary["client_restarts"].get<int>(), 1);
  EXPECT_THAT(text_of(dir_ / "launcher.out"), HasSubstr("NODE_FAIL"));
  // The simulations that were running on the dead host ran again elsewhere
  // (and every simulation completed: a run that ended there was relaunched).
  int relaunched = 0;
  for (const auto& [simulation, hosts] : placement(dir_).runs) {
    const auto first_there = std::find(hosts.begin(), hosts.end(), *victim);
    relaunched += first_there != hosts.end() && std::find_if(first_there, hosts.end(), [&](const std::string& host) {
                                                  return host != *victim;
                                                }) != hosts.end();
  }
  EXPECT_GE(relaunched, 1);
  // A step the dead host had sent (its log says so) but that died with it in
  // its process's queue is not a duplicate: at most every replay is dropped.
  EXPECT_LE(summary["duplicates_dropped"].get<std::uint64_t>(), replayed(run_dir));
  std::cout << "killed " << *victim << ": " << summary["client_restarts"] << " relaunches, "
            << summary["time_steps_received"] << " of " << summary["time_steps_expected"] << " steps received, "
            << summary["duplicates_dropped"] << " duplicates dropped of " << replayed(run_dir) << " replayed\n";
}

TEST_F(ClusterStudy, AClientHostCutOffLongerThanTheClientTimeoutLosesNothingWhenHealed) {
  const auto run_dir = dir_ / "run";
  // Long enough to go on after the heal: the cut-off clients, still
  // running, may then deliver what they sent into the void.
  auto study = slow_stepper_study(dir_, "client_timeout = 6\n");
  study.simulations = 22;
  auto launcher = start_study(dir_, study, kJobsMode, on_front());
  const auto victim = client_host_without_server(dir_, launcher);
  ASSERT_TRUE(victim) << "no client ran on a host without the server:\n" << text_of(dir_ / "launcher.out");
  cut_ = *victim;
  ASSERT_EQ(run_command(kCluster + " cut " + *victim).exit_code, 0);
  std::this_thread::sleep_for(20s);
  ASSERT_EQ(run_command(kCluster + " heal " + *victim).exit_code, 0);
  ASSERT_TRUE(launcher.running()) << "the study ended while the host was cut off";
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir_ / "launcher.out");

  const auto summary = read_json(run_dir / "summary.json");
  expect_exact_accounting(summary, 22, 2, 12);
  EXPECT_GE(summary["client_restarts"].get<int>(), 1);
  EXPECT_THAT(text_of(dir_ / "launcher.out"), HasSubstr("no time step for"));
  std::cout << "cut " << *victim << " for 20 s: " << summary["client_restarts"] << " relaunches, "
            << summary["time_steps_received"] << " of " << summary["time_steps_expected"] << " steps received, "
            << summary["duplicates_dropped"] << " duplicates dropped of " << replayed(run_dir, 24) << " replayed\n";
}

TEST_F(ClusterStudy, TheServersHostDyingRestartsTheServerFromItsCheckpointOnAnotherHost) {
  const auto run_dir = dir_ / "run";
  auto study = slow_stepper_study(dir_, "checkpoint_every = 10\nserver_timeout = 10\nmax_server_restarts = 5\n");
  study.batches = 400;
  auto launcher = start_study(dir_, study, kJobsMode, on_front());
  ASSERT_TRUE(eventually([&] { return fs::exists(run_dir / "checkpoints" / "latest") || !launcher.running(); }, 120s));
  const auto first = server_host(run_dir);
  ASSERT_TRUE(launcher.running() && !first.empty()) << text_of(dir_ / "launcher.out");
  ASSERT_NE(first, kFront);
  kill_host(first);
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir_ / "launcher.out");

  const auto summary = read_json(run_dir / "summary.json");
  expect_exact_accounting(summary, 6, 2, 12);
  EXPECT_GE(summary["server_restarts"].get<int>(), 1);
  EXPECT_GT(summary["resumed_from_batch"].get<int>(), 0);
  const auto second = server_host(run_dir);
  EXPECT_NE(second, first);
  EXPECT_THAT(text_of(run_dir / "server.log"), HasSubstr("resumed from checkpoint"));
  std::cout << "server on " << first << " killed; restarted on " << second << " from batch "
            << summary["resumed_from_batch"] << " after " << summary["server_restarts"] << " restarts\n";
}

}  // namespace
}  // namespace apiary::testing
