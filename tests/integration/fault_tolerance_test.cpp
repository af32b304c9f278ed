// Fault injection through real processes: clients SIGKILLed at random
// moments, a client that always fails and one that hangs, the server
// SIGKILLed mid-training, the launcher SIGKILLed mid-study; each study must
// complete with every time step accounted for exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "common/elapsed.hpp"
#include "integration/study_harness.hpp"

namespace apiary::testing {
namespace {

TEST(FaultTolerance, ClientsKilledAtRandomMomentsAreRelaunchedAndEveryStepEntersTrainingOnce) {
  const auto dir = fresh_directory("kill-clients");
  const auto run_dir = dir / "run";
  auto study = stepper_study(150);
  study.extra = "\n[fault_tolerance]\nmax_restarts = 20\n";
  auto launcher = start_study(dir, study);

  // Kills land between a step's "sent" line and the next send (150 ms
  // later), at least 40 ms after the line, when the step has long left the
  // process: the client logs then tell exactly which steps each run
  // delivered.
  std::mt19937 random(12345);
  int kills = 0;
  while (launcher.running() && kills < 6) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + random() % 600));
    auto clients = processes_with("environ", {"APIARY_SIMULATION_ID=", "APIARY_KEY_FILE=" + run_dir.string()});
    if (clients.empty()) continue;
    const pid_t victim = clients[random() % clients.size()];
    const auto environment = proc_text(victim, "environ");
    const auto at = environment.find("APIARY_SIMULATION_ID=");
    const int id = std::stoi(environment.substr(at + 21));
    const auto log = client_log(run_dir, id);
    std::error_code error;
    const auto since = fs::file_time_type::clock::now() - fs::last_write_time(log, error);
    const auto lines = text_of(log);
    if (error || lines.size() < 2 || lines.rfind("sent ") == std::string::npos || since < 40ms || since > 110ms ||
        lines.substr(lines.rfind('\n', lines.size() - 2) + 1).rfind("sent ", 0) != 0) {
      continue;
    }
    if (::kill(victim, SIGKILL) == 0) ++kills;
  }
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir / "launcher.out");
  ASSERT_GE(kills, 3) << "the study ended before the test could kill clients";

  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["client_restarts"], kills);
  EXPECT_EQ(summary["simulations_redrawn"], 0);
  expect_exact_accounting(summary, 6, 2, 12);
  std::uint64_t replayed = 0;
  for (int id = 0; id < 8; ++id) replayed += replayed_steps(client_log(run_dir, id));
  EXPECT_EQ(summary["duplicates_dropped"], replayed) << text_of(dir / "launcher.out");
  std::cout << "killed " << kills << " clients; " << replayed << " steps replayed, " << summary["duplicates_dropped"]
            << " dropped as duplicates\n";
  if (!::testing::Test::HasFailure() && !std::getenv("APIARY_KEEP_TEST_DIRS")) fs::remove_all(dir);
}

TEST(FaultTolerance, AFailingSimulationIsRedrawnAndAHangingOneRelaunched) {
  const auto dir = fresh_directory("redraw");
  const auto run_dir = dir / "run";
  auto study = stepper_study(0, " --fail 3 --hang-once 5 " + dir.string());
  study.extra = "\n[fault_tolerance]\nmax_restarts = 1\nclient_timeout = 5\n";
  const auto result = run_study(dir, study);
  ASSERT_EQ(result.exit_code, 0) << result.output;

  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["simulations_redrawn"], 1);
  EXPECT_EQ(summary["redrawn_simulation_ids"], nlohmann::json::array({3}));
  EXPECT_EQ(summary["client_restarts"], 2);  // 3 once, then redrawn; 5 once, after its timeout
  EXPECT_EQ(summary["simulations_completed"], 8);
  EXPECT_EQ(summary["simulations_failed"], 0);
  EXPECT_EQ(summary["time_steps_received"], 8 * 12);
  EXPECT_EQ(summary["time_steps_received_from_completed"], summary["time_steps_expected"]);
  EXPECT_THAT(result.output, ::testing::HasSubstr("simulation 3 failed (exit code 3) after 1 restarts; simulation 8 "
                                                  "takes its place with new parameters"));
  EXPECT_THAT(result.output, ::testing::HasSubstr("simulation 5 failed (exit code -1, no time step for"));

  const auto state = read_json(run_dir / "launcher.json");
  EXPECT_EQ(state["simulations"][3]["state"], "redrawn");
  EXPECT_EQ(state["simulations"][3]["replaced_by"], 8);
  EXPECT_EQ(state["simulations"][8]["replaces"], 3);
  EXPECT_EQ(state["simulations"][8]["state"], "completed");
  EXPECT_EQ(state["simulations"][8]["role"], state["simulations"][3]["role"]);
  const auto plan = read_json(run_dir / "plan.json");
  ASSERT_EQ(plan["simulations"].size(), 9u);
  EXPECT_EQ(plan["simulations"][8]["id"], 8);
  for (int id = 0; id < 8; ++id) {
    EXPECT_NE(plan["simulations"][8]["parameters"], plan["simulations"][id]["parameters"]) << id;
  }
  if (!::testing::Test::HasFailure() && !std::getenv("APIARY_KEEP_TEST_DIRS")) fs::remove_all(dir);
}

// A study that trains well after its data are all in (FIRO, watermark =
// every training sample), so that its final error barely depends on
// arrival order and a run with a fault can be compared with one without.
SmallStudy checkpointed_study() {
  auto study = stepper_study(0);
  study.field_size = 4096;
  study.command = stepper(study.field_size, study.time_steps, 0);
  study.hidden = "[256, 256]";
  study.batches = 1000;
  study.buffer = "kind = \"firo\"\ncapacity = 200\nwatermark = 72\npseudo_epochs = 200\n";
  study.extra = "\n[fault_tolerance]\ncheckpoint_every = 100\n";
  return study;
}

double final_rel_l2(const fs::path& run_dir) { return read_json(run_dir / "summary.json")["validation_rel_l2"]; }

TEST(FaultTolerance, AServerKilledMidTrainingRestartsFromItsCheckpoint) {
  const auto dir = fresh_directory("kill-server");
  const auto clean_dir = dir / "clean";
  fs::create_directories(clean_dir);
  const auto clean_run = run_study(clean_dir, checkpointed_study());
  ASSERT_EQ(clean_run.exit_code, 0) << clean_run.output;

  const auto run_dir = dir / "run";
  auto launcher = start_study(dir, checkpointed_study());
  // The metrics stream says where training is every 10 batches.
  const auto batches_done = [&] {
    int batch = 0;
    std::istringstream lines(text_of(run_dir / "metrics.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      const auto record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_object() && record.value("event", "") == "train") batch = record.value("batch", 0);
    }
    return batch;
  };
  ASSERT_TRUE(eventually([&] { return batches_done() >= 350 || !launcher.running(); }, 300s));
  const auto servers = processes_with("cmdline", {"apiary-server", run_dir.string()});
  ASSERT_EQ(servers.size(), 1u) << "the study ended before the test could kill its server:\n"
                                << text_of(dir / "launcher.out");
  ::kill(servers[0], SIGKILL);
  ASSERT_EQ(launcher.wait(), 0) << text_of(dir / "launcher.out");

  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["server_restarts"], 1);
  const auto resumed = summary["resumed_from_batch"].get<int>();
  EXPECT_GE(resumed, 300);
  EXPECT_LT(resumed, 1000) << "the server was killed after training ended";
  EXPECT_EQ(resumed % 100, 0);
  EXPECT_EQ(summary["batches"], 1000);
  EXPECT_EQ(summary["optimizer_steps"], 1000);
  EXPECT_EQ(summary["time_steps_received"], 8 * 12);
  EXPECT_EQ(summary["duplicates_dropped"], 0);
  char resumed_line[96];
  std::snprintf(resumed_line, sizeof resumed_line, "resumed from checkpoint batch-%08d (optimizer step %d)", resumed,
                resumed);
  EXPECT_THAT(text_of(run_dir / "server.log"), ::testing::HasSubstr(resumed_line));
  EXPECT_THAT(text_of(dir / "launcher.out"), ::testing::HasSubstr("restarting it from its last checkpoint"));
  const double clean = final_rel_l2(clean_dir / "run");
  const double faulty = final_rel_l2(run_dir);
  EXPECT_NEAR(faulty, clean, 0.1 * clean) << "without fault " << clean << ", with " << faulty;
  std::cout << "resumed from batch " << resumed << "; validation relative L2 " << faulty << " against " << clean
            << " without the fault\n";
  if (!::testing::Test::HasFailure() && !std::getenv("APIARY_KEEP_TEST_DIRS")) fs::remove_all(dir);
}

TEST(FaultTolerance, ALauncherKilledMidStudyIsResumed) {
  const auto dir = fresh_directory("kill-launcher");
  const auto run_dir = dir / "run";
  auto study = stepper_study(100);
  study.extra = "\n[fault_tolerance]\ncheckpoint_every = 5\n";
  auto launcher = start_study(dir, study);
  const auto completed = [&] {
    std::ifstream in(run_dir / "launcher.json");
    const auto state = nlohmann::json::parse(in, nullptr, false);
    int count = 0;
    if (state.is_object()) {
      for (const auto& simulation : state["simulations"]) count += simulation["state"] == "completed";
    }
    return count;
  };
  ASSERT_TRUE(eventually([&] { return completed() >= 3 || !launcher.running(); }, 120s));
  ASSERT_TRUE(launcher.running()) << "the study ended before the test could kill its launcher:\n"
                                  << text_of(dir / "launcher.out");
  const auto servers = processes_with("cmdline", {"apiary-server", run_dir.string()});
  ::kill(launcher.pid(), SIGKILL);
  launcher.wait();
  const auto status = run_command(std::string(APIARY_BIN_DIR) + "/apiary status " + run_dir.string());
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, ::testing::HasSubstr("launcher is gone"));
  EXPECT_THAT(status.output, ::testing::HasSubstr("apiary run --resume " + run_dir.string()));

  const auto resumed = run_command(std::string(APIARY_BIN_DIR) + "/apiary run --resume " + run_dir.string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, ::testing::HasSubstr("resuming " + run_dir.string()));
  for (const pid_t server : servers) EXPECT_FALSE(alive(server)) << "the first launcher's server outlived the resume";
  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["simulations_completed"], 8);
  EXPECT_EQ(summary["simulations_failed"], 0);
  EXPECT_EQ(summary["time_steps_expected"], 8 * 12);
  EXPECT_EQ(summary["time_steps_received_from_completed"], 8 * 12);
  EXPECT_EQ(read_json(run_dir / "launcher.json")["state"], "finished");

  const auto again = run_command(std::string(APIARY_BIN_DIR) + "/apiary run --resume " + run_dir.string());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, ::testing::HasSubstr("has finished"));
  const auto finished_status = run_command(std::string(APIARY_BIN_DIR) + "/apiary status " + run_dir.string());
  EXPECT_THAT(finished_status.output, ::testing::HasSubstr("study small: finished"));
  if (!::testing::Test::HasFailure() && !std::getenv("APIARY_KEEP_TEST_DIRS")) fs::remove_all(dir);
}

TEST(FaultTolerance, ResumeRefusesWhatItCannotContinue) {
  const auto dir = fresh_directory("resume-refusals");
  const auto apiary = std::string(APIARY_BIN_DIR) + "/apiary run --resume ";
  const auto not_a_run = run_command(apiary + dir.string());
  EXPECT_EQ(not_a_run.exit_code, 2) << not_a_run.output;
  EXPECT_THAT(not_a_run.output, ::testing::HasSubstr("is not the run directory of a study started by apiary run"));

  // A recording run of `apiary offline`, and a run whose launcher still
  // runs (this test's own process stands for it).
  write_text(dir / "study.toml", SmallStudy{}.toml());
  nlohmann::json state = {{"version", 1},
                          {"study", "small"},
                          {"source_dir", dir.string()},
                          {"state", "running"},
                          {"launcher_pid", ::getpid()},
                          {"started", 1.0},
                          {"updated", 2.0},
                          {"time_steps_per_simulation", 10},
                          {"server_restarts", 0},
                          {"client_restarts", 0},
                          {"simulations_redrawn", 0},
                          {"simulations", nlohmann::json::array()},
                          {"record_dataset", "/data/small"}};
  write_text(dir / "launcher.json", state.dump());
  const auto recording = run_command(apiary + dir.string());
  EXPECT_EQ(recording.exit_code, 1) << recording.output;
  EXPECT_THAT(recording.output, ::testing::HasSubstr("such a run is not resumed: run apiary offline again"));
  state["record_dataset"] = "";
  write_text(dir / "launcher.json", state.dump());
  const auto alive = run_command(apiary + dir.string());
  EXPECT_EQ(alive.exit_code, 1) << alive.output;
  EXPECT_THAT(alive.output, ::testing::HasSubstr("(pid " + std::to_string(::getpid()) + ") still runs; stop it first"));
  // A launcher on another node of the cluster: its heartbeat, not a pid, says it runs.
  state["launcher_host"] = "another-node";
  state["launcher_pid"] = 1;
  state["updated"] = unix_seconds();
  write_text(dir / "launcher.json", state.dump());
  const auto elsewhere = run_command(apiary + dir.string());
  EXPECT_EQ(elsewhere.exit_code, 1) << elsewhere.output;
  EXPECT_THAT(elsewhere.output, ::testing::HasSubstr("still runs on another-node (pid 1; it rewrote launcher.json"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace apiary::testing
