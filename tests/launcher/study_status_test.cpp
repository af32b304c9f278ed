// `apiary status RUN_DIR`: run directories written here as the launcher
// and the server write them, at several moments of a study.
#include "launcher/status/study_status.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "integration/process.hpp"

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;
using apiary::testing::fresh_directory;
using apiary::testing::run_command;
using apiary::testing::write_text;
using nlohmann::json;

constexpr double kNow = 1790000020.0;

json launcher_file(std::int64_t pid, const std::string& state = "running") {
  return {{"version", 1},
          {"study", "heat"},
          {"source_dir", "/studies/heat"},
          {"state", state},
          {"launcher_pid", pid},
          {"started", 1790000000.0},
          {"updated", 1790000012.5},
          {"time_steps_per_simulation", 100},
          {"server_restarts", 1},
          {"client_restarts", 3},
          {"simulations_redrawn", 1},
          {"simulations",
           {{{"id", 0}, {"role", "training"}, {"state", "completed"}, {"restarts", 0}},
            {{"id", 3}, {"role", "training"}, {"state", "redrawn"}, {"restarts", 3}, {"replaced_by", 61}},
            {{"id", 4}, {"role", "validation"}, {"state", "pending"}, {"restarts", 0}},
            {{"id", 61}, {"role", "training"}, {"state", "running"}, {"restarts", 0}, {"replaces", 3}}}}};
}

json rank_file(int rank, double time, std::uint64_t batches, std::uint64_t received) {
  return {{"rank", rank},
          {"pid", 1234},
          {"time", time},
          {"batches", batches},
          {"resumed_from_batch", rank == 0 ? json(1000) : json(nullptr)},
          {"time_steps_received", received},
          {"simulations", {{"17", {{"steps", 40}, {"last", time}}}}}};
}

// A process id that is certainly not running: a child that exited and was
// reaped.
std::int64_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

class StudyStatus : public ::testing::Test {
 protected:
  StudyStatus() : dir_(fresh_directory("status")) {}
  ~StudyStatus() override { fs::remove_all(dir_); }

  void write_json(const fs::path& relative, const json& value) {
    fs::create_directories((dir_ / relative).parent_path());
    write_text(dir_ / relative, value.dump());
  }
  // Two ranks' heartbeats, metrics with a line still being written.
  void write_running_study(std::int64_t pid) {
    write_json("launcher.json", launcher_file(pid));
    write_json("progress/rank-0.json", rank_file(0, 1790000019.5, 1200, 150));
    write_json("progress/rank-1.json", rank_file(1, 1790000018.0, 1190, 90));
    write_text(dir_ / "metrics.jsonl",
               R"({"event":"validation","batch":1000,"validation_rel_l2":0.05,"validation_mse":0.002,"time":1})"
               "\n"
               R"({"event":"train","batch":1100,"samples_trained":88000,"loss":0.02,"time":2})"
               "\n"
               R"({"event":"train","batch":1150,"samples_trained":92000,"loss":0.0125,"time":3})"
               "\n"
               R"({"event":"train","batch":1200,"samp)");
  }
  std::string apiary() const { return std::string(APIARY_BIN_DIR) + "/apiary"; }

  fs::path dir_;
};

TEST_F(StudyStatus, RunningStudyCountsSimulationsStepsTrainingAndHeartbeat) {
  write_running_study(::getpid());
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["study"], "heat");
  EXPECT_EQ(status["state"], "running");
  EXPECT_EQ(status["launcher_alive"], true);
  EXPECT_DOUBLE_EQ(status["updated_seconds_ago"].get<double>(), 7.5);
  EXPECT_EQ(status["simulations"], (json{{"planned", 3},
                                         {"replacements", 1},
                                         {"pending", 1},
                                         {"running", 1},
                                         {"completed", 1},
                                         {"failed", 0},
                                         {"redrawn", 1},
                                         {"restarted", 1},
                                         {"restarts", 3}}));
  // Expected: completed + running + pending simulations, 100 steps each.
  EXPECT_EQ(status["time_steps"], (json{{"received", 240}, {"expected", 300}, {"per_simulation", 100}}));
  EXPECT_EQ(status["training"], (json{{"samples_trained", 92000},
                                      {"batches", 1200},
                                      {"loss", 0.0125},
                                      {"validation_rel_l2", 0.05},
                                      {"validation_mse", 0.002}}));
  EXPECT_EQ(status["server"]["restarts"], 1);
  EXPECT_EQ(status["server"]["ranks_reporting"], 2);
  EXPECT_DOUBLE_EQ(status["server"]["heartbeat_seconds_ago"].get<double>(), 0.5);
  EXPECT_EQ(status["server"]["resumed_from_batch"], 1000);
  EXPECT_EQ(status["finished"], false);
  EXPECT_TRUE(status["notes"].empty()) << status["notes"];
}

TEST_F(StudyStatus, TextNamesEveryFigure) {
  write_running_study(::getpid());
  EXPECT_EQ(format_study_status(read_study_status(dir_, kNow)),
            "study heat: running (launcher pid " + std::to_string(::getpid()) +
                "), updated 7.5 s ago\n"
                "simulations: 3 planned + 1 drawn again: 1 pending, 1 running, 1 completed, 0 failed, 1 redrawn; 1 "
                "restarted (3 restarts)\n"
                "time steps: 240 received of 300 expected ((pending + running + completed simulations) x 100 steps)\n"
                "training: 92000 samples trained, 1200 batches, last loss 0.0125, validation rel. L2 0.05 (MSE "
                "0.002)\n"
                "server: 1 restart, heartbeat 0.5 s ago (2 ranks reporting), resumed from batch 1000\n");
}

TEST_F(StudyStatus, DeadLauncherOfARunningStudyIsToldToResume) {
  const auto pid = dead_pid();
  write_running_study(pid);
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["launcher_alive"], false);
  EXPECT_NE(format_study_status(status).find("launcher is gone (pid " + std::to_string(pid) +
                                             "): resume with `apiary run --resume " + dir_.string() + "`"),
            std::string::npos)
      << format_study_status(status);
}

TEST_F(StudyStatus, JustStartedStudyHasNoHeartbeatAndNoMetricsYet) {
  write_text(dir_ / "study.toml", "[study]\n");
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["state"], "unknown");
  EXPECT_EQ(status["server"]["heartbeat_seconds_ago"], nullptr);
  EXPECT_EQ(status["time_steps"]["received"], nullptr);
  EXPECT_EQ(status["training"]["samples_trained"], nullptr);
  const auto text = format_study_status(status);
  EXPECT_NE(text.find("no server heartbeat yet"), std::string::npos) << text;
  EXPECT_NE(text.find("training: no metrics yet"), std::string::npos) << text;
  EXPECT_NE(text.find("note: no launcher.json yet"), std::string::npos) << text;
}

// launcher.json is read by the launcher's own reader: a file it cannot
// read is a note with the reader's reason, the rest of the status stays.
TEST_F(StudyStatus, UnreadableLauncherFileIsANoteWithTheReadersReason) {
  write_json("launcher.json", {{"version", 7}});
  write_json("progress/rank-0.json", rank_file(0, 1790000019.5, 1200, 150));
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["state"], "unknown");
  EXPECT_EQ(status["server"]["ranks_reporting"], 1);
  ASSERT_EQ(status["notes"].size(), 1u);
  EXPECT_NE(status["notes"][0].get<std::string>().find("launcher.json: version 7, this launcher reads 1"),
            std::string::npos)
      << status["notes"];
}

TEST_F(StudyStatus, LauncherWithoutServerYet) {
  write_json("launcher.json", launcher_file(::getpid()));
  fs::create_directories(dir_ / "progress");
  write_text(dir_ / "metrics.jsonl", "");
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["server"]["ranks_reporting"], 0);
  EXPECT_EQ(status["time_steps"]["received"], nullptr);
  EXPECT_EQ(status["time_steps"]["expected"], 300);
  EXPECT_NE(format_study_status(status).find("no server heartbeat yet"), std::string::npos);
}

TEST_F(StudyStatus, FinishedStudyTakesTheSummaryFigures) {
  write_running_study(::getpid());
  auto launcher = launcher_file(::getpid(), "finished");
  write_json("launcher.json", launcher);
  write_json("summary.json", {{"samples_trained", 96000},
                              {"batches", 1250},
                              {"validation_rel_l2", 0.04},
                              {"validation_mse", 0.0015},
                              {"time_steps_received", 250}});
  const auto status = read_study_status(dir_, kNow);
  EXPECT_EQ(status["finished"], true);
  EXPECT_EQ(status["training"]["samples_trained"], 96000);
  EXPECT_EQ(status["training"]["batches"], 1250);
  EXPECT_EQ(status["training"]["validation_rel_l2"], 0.04);
  EXPECT_EQ(status["training"]["loss"], 0.0125);
  EXPECT_EQ(format_study_status(status).rfind("study heat: finished, updated 7.5 s ago\n", 0), 0u);
}

TEST_F(StudyStatus, LastRecordsAreFoundFarFromTheEndOfALongMetricsFile) {
  write_json("launcher.json", launcher_file(::getpid()));
  std::ofstream metrics(dir_ / "metrics.jsonl");
  metrics << R"({"event":"validation","batch":0,"validation_rel_l2":0.9,"validation_mse":0.5})"
          << "\n";
  // Several read chunks of train records, lines of varied length so that
  // chunk boundaries cut lines anywhere.
  for (int i = 1; i <= 6000; ++i) {
    metrics << R"({"event":"train","batch":)" << i << R"(,"samples_trained":)" << i * 8 << R"(,"loss":)" << 1.0 / i
            << R"(,"pad":")" << std::string(static_cast<std::size_t>(i % 37), 'x') << "\"}\n";
  }
  metrics.close();
  const auto training = read_study_status(dir_, kNow)["training"];
  EXPECT_EQ(training["samples_trained"], 48000);
  EXPECT_EQ(training["batches"], 6000);
  EXPECT_EQ(training["validation_rel_l2"], 0.9);
}

TEST_F(StudyStatus, CommandPrintsTextAndJson) {
  write_running_study(::getpid());
  const auto text = run_command(apiary() + " status " + dir_.string());
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output.rfind("study heat: running (launcher pid ", 0), 0u) << text.output;
  EXPECT_NE(text.output.find("time steps: 240 received of 300 expected"), std::string::npos) << text.output;

  const auto as_json = run_command(apiary() + " status --json " + dir_.string());
  ASSERT_EQ(as_json.exit_code, 0) << as_json.output;
  const auto status = json::parse(as_json.output);
  EXPECT_EQ(status["study"], "heat");
  EXPECT_EQ(status["simulations"]["redrawn"], 1);
  EXPECT_EQ(status["training"]["samples_trained"], 92000);
  EXPECT_EQ(status["server"]["resumed_from_batch"], 1000);
}

TEST_F(StudyStatus, DirectoryThatIsNotARunDirectoryIsAnErrorNamingIt) {
  EXPECT_THROW(read_study_status(dir_, kNow), Error);
  const auto result = run_command(apiary() + " status " + dir_.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, "apiary status: " + dir_.string() +
                               " is not a run directory (it has neither launcher.json nor study.toml)\n");
  const auto missing = run_command(apiary() + " status " + (dir_ / "nowhere").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
}

}  // namespace
}  // namespace apiary::launcher
