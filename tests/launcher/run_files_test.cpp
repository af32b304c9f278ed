// The run directory as the launcher keeps it: a new study's files, a
// stopped one reopened, launcher.json saved at most once a second.
#include "launcher/study/run_files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "common/error.hpp"

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;

config::StudyConfig small_study(config::Security security) {
  config::StudyConfig study;
  study.study.name = "small";
  study.study.simulations = 3;
  study.study.validation_simulations = 1;
  study.parameters = {{"a", 0.0, 1.0}};
  study.server.security = security;
  study.client.time_steps = 5;
  study.source_dir = fs::temp_directory_path();
  return study;
}

class RunFilesTest : public ::testing::Test {
 protected:
  RunFilesTest() : dir_(fs::temp_directory_path() / ("apiary-run-files-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~RunFilesTest() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(RunFilesTest, ANewStudyHasItsPlanItsStudyItsKeysAndEverySimulationPending) {
  RunFiles files(dir_);
  const auto start = files.create(small_study(config::Security::curve), "");
  EXPECT_EQ(start.plan.simulations.size(), 4u);
  EXPECT_EQ(plan::read_plan(dir_ / "plan.json").simulations.size(), 4u);
  EXPECT_TRUE(fs::exists(dir_ / "study.toml"));
  EXPECT_TRUE(fs::is_directory(dir_ / "clients"));
  EXPECT_TRUE(start.keys.keys);
  EXPECT_TRUE(fs::exists(start.keys.file));
  EXPECT_EQ(start.state.study, "small");
  EXPECT_EQ(start.state.time_steps_per_simulation, 5u);
  EXPECT_EQ(start.state.count(SimulationState::pending), 4u);
  EXPECT_EQ(files.client_log(12), dir_ / "clients" / "simulation-000012.log");

  const auto open = RunFiles(fs::temp_directory_path() / ("apiary-run-files-open-" + std::to_string(::getpid())));
  fs::create_directories(open.dir());
  EXPECT_FALSE(open.create(small_study(config::Security::none), "").keys.keys);
  fs::remove_all(open.dir());
}

TEST_F(RunFilesTest, AStoppedStudyIsReopenedWithItsRunningSimulationsPending) {
  RunFiles files(dir_);
  auto start = files.create(small_study(config::Security::none), "");
  start.state.simulations[0].state = SimulationState::completed;
  start.state.simulations[1].state = SimulationState::running;
  start.state.state = "interrupted";
  start.state.launcher_pid = ::getpid();
  files.save_state(start.state);
  const auto reopened = files.reopen(small_study(config::Security::none));
  EXPECT_EQ(reopened.state.simulations[0].state, SimulationState::completed);
  EXPECT_EQ(reopened.state.simulations[1].state, SimulationState::pending);
  EXPECT_EQ(reopened.plan.simulations.size(), 4u);
}

TEST_F(RunFilesTest, AStudyWhoseLauncherStillRunsIsNotReopened) {
  RunFiles files(dir_);
  auto start = files.create(small_study(config::Security::none), "");
  start.state.launcher_pid = ::getppid();  // a live process other than this one
  files.save_state(start.state);
  try {
    files.reopen(small_study(config::Security::none));
    FAIL() << "reopened";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("still runs; stop it first"));
  }
}

TEST_F(RunFilesTest, ChangesAreSavedAtMostOnceASecond) {
  RunFiles files(dir_);
  LauncherState state;
  EXPECT_FALSE(files.state_save_due());  // nothing changed
  files.state_changed();
  files.save_state(state);
  EXPECT_TRUE(fs::exists(dir_ / "launcher.json"));
  files.state_changed();
  EXPECT_FALSE(files.state_save_due());  // saved just now
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(files.state_save_due());
  files.save_state(state);
  EXPECT_FALSE(files.state_save_due());
}

}  // namespace
}  // namespace apiary::launcher
