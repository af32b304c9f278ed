#include "launcher/study/launcher_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("apiary-launcher-state-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string error_of(const fs::path& file) {
  try {
    read_launcher_state(file);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(LauncherState, ReadsBackWhatItWrote) {
  const auto dir = scratch("round-trip");
  LauncherState state;
  state.study = "heat";
  state.source_dir = "/studies/heat";
  state.record_dataset = "/data/heat";
  state.launcher_pid = 4242;
  state.started = 1790000000.5;
  state.time_steps_per_simulation = 100;
  state.server_job = "local:77:123456";
  state.server_restarts = 1;
  state.client_restarts = 3;
  state.simulations_redrawn = 1;
  SimulationRecord redrawn;
  redrawn.id = 3;
  redrawn.state = SimulationState::redrawn;
  redrawn.restarts = 3;
  redrawn.replaced_by = 9;
  SimulationRecord replacement;
  replacement.id = 9;
  replacement.role = plan::Role::validation;
  replacement.state = SimulationState::running;
  replacement.replaces = 3;
  replacement.job = "slurm:1234";
  state.simulations = {redrawn, replacement};
  write_launcher_state(dir / "launcher.json", state);
  EXPECT_GT(state.updated, 0.0);

  const auto read = read_launcher_state(dir / "launcher.json");
  EXPECT_EQ(read.study, "heat");
  EXPECT_EQ(read.source_dir, "/studies/heat");
  EXPECT_EQ(read.record_dataset, "/data/heat");
  EXPECT_EQ(read.launcher_pid, 4242);
  EXPECT_DOUBLE_EQ(read.started, 1790000000.5);
  EXPECT_DOUBLE_EQ(read.updated, state.updated);
  EXPECT_EQ(read.server_job, "local:77:123456");
  EXPECT_EQ(read.server_restarts, 1u);
  EXPECT_EQ(read.client_restarts, 3u);
  EXPECT_EQ(read.simulations_redrawn, 1u);
  ASSERT_EQ(read.simulations.size(), 2u);
  EXPECT_EQ(read.simulations[0].state, SimulationState::redrawn);
  EXPECT_EQ(read.simulations[0].replaced_by, 9u);
  EXPECT_FALSE(read.simulations[0].replaces);
  EXPECT_EQ(read.simulations[1].role, plan::Role::validation);
  EXPECT_EQ(read.simulations[1].replaces, 3u);
  EXPECT_EQ(read.simulations[1].job, "slurm:1234");
  EXPECT_EQ(read.count(SimulationState::running), 1u);
  fs::remove_all(dir);
}

TEST(LauncherState, BadFilesAreNamedWithTheirProblem) {
  const auto dir = scratch("bad");
  EXPECT_THAT(error_of(dir / "launcher.json"), HasSubstr("not the run directory of a study started by apiary run"));
  std::ofstream(dir / "broken.json") << "{\"version\": 1, \"study\": ";
  EXPECT_THAT(error_of(dir / "broken.json"), HasSubstr("broken.json: not valid JSON"));
  std::ofstream(dir / "future.json") << "{\"version\": 7}";
  EXPECT_THAT(error_of(dir / "future.json"), HasSubstr("future.json: version 7, this launcher reads 1"));
  std::ofstream(dir / "partial.json") << "{\"version\": 1, \"study\": \"heat\"}";
  EXPECT_THAT(error_of(dir / "partial.json"), HasSubstr("partial.json: "));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace apiary::launcher
