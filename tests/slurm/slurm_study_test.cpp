// The heat study through a real Slurm cluster (scripts/local-slurm.sh, a
// CTest fixture): in jobs mode (a batch job per simulation and for the
// server), in allocation mode (job steps inside salloc, or inside an sbatch
// script), with Slurm's commands failing once, and interrupted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kApiary = std::string(APIARY_BIN_DIR) + "/apiary";
// The cluster is this one machine (node localhost at 127.0.0.1): the server
// binds loopback, not the machine's own address that "auto" would choose.
const std::string kSlurmOptions =
    "--set scheduler.kind=slurm --set scheduler.poll_seconds=0.5 --set server.host=127.0.0.1";
const std::string kAllocationOptions =
    "--set scheduler.kind=slurm --set scheduler.mode=allocation --set server.host=127.0.0.1";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A command that fails on its first call, then is the REAL one.
const char* kFailingOnce = R"(#!/bin/sh
echo call >> 'COUNTER'
if mkdir 'COUNTER.first' 2>/dev/null; then
  echo 'COMMAND: error: Unable to contact slurm controller (injected)' >&2
  exit 1
fi
exec REAL "$@"
)";

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string slurm_dir() {
  const char* dir = std::getenv("APIARY_SLURM_DIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp/apiary-slurm";
}

// Every simulation completed, every time step received, exit code 0.
void expect_complete(const fs::path& run_dir, const CommandResult& result) {
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(fs::exists(run_dir / "summary.json")) << result.output;
  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(summary["simulations_completed"], summary["simulations_planned"]) << result.output;
  EXPECT_EQ(summary["simulations_failed"], 0);
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]) << result.output;
  EXPECT_EQ(summary["time_steps_expected"], 80);
}

// The highest job id Slurm lists, 0 if none: the jobs of a test are above it.
long last_job_id() {
  const auto result = run_command("squeue -h -t all -o %i | sort -n | tail -n 1");
  return result.output.empty() ? 0 : std::stol(result.output);
}

// Jobs above `after` with that name and state.
int jobs_named(const std::string& name, const std::string& state, long after) {
  const auto result = run_command("squeue -h -t all -o '%i %j %T' | awk '$1 > " + std::to_string(after) +
                                  " && $2 == \"" + name + "\" && $3 == \"" + state + "\"' | wc -l");
  return std::stoi(result.output);
}

class SlurmStudy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ::setenv("SLURM_CONF", (slurm_dir() + "/slurm.conf").c_str(), 1); }

  void SetUp() override {
    const auto status = run_command(std::string(APIARY_SOURCE_DIR) + "/scripts/local-slurm.sh status");
    if (status.exit_code != 0) {
      GTEST_SKIP() << "no local Slurm cluster (ctest starts one with scripts/local-slurm.sh start, which needs root "
                      "and slurm-wlm): "
                   << status.output;
    }
    dir_ = fresh_directory(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  // A directory first on PATH whose `commands` fail on their first call
  // (exit 1, a message on stderr), then run the real ones; NAME.calls has
  // a line per call. Calls may run at once (srun): mkdir decides which is
  // the first, and each call appends its own line.
  std::string failing_once(const std::vector<std::string>& commands) {
    const auto wrappers = dir_ / "wrappers";
    fs::create_directories(wrappers);
    for (const auto& command : commands) {
      const auto real = run_command("command -v " + command).output;
      const auto counter = (wrappers / (command + ".calls")).string();
      std::string script = kFailingOnce;
      replace_all(script, "COUNTER", counter);
      replace_all(script, "COMMAND", command);
      replace_all(script, "REAL", real.substr(0, real.find('\n')));
      write_text(wrappers / command, script);
      fs::permissions(wrappers / command, fs::perms::owner_all);
    }
    return "PATH=" + wrappers.string() + ":$PATH ";
  }

  int calls(const std::string& command) const {
    std::ifstream in(dir_ / "wrappers" / (command + ".calls"));
    int count = 0;
    for (std::string line; std::getline(in, line);) ++count;
    return count;
  }

  fs::path dir_;
};

TEST_F(SlurmStudy, JobsModeCompletesWithEveryTimeStep) {
  const long before = last_job_id();
  const auto result = run_study(dir_, SmallStudy{}, kSlurmOptions);
  expect_complete(dir_ / "run", result);
  // Each simulation and the server were Slurm batch jobs.
  EXPECT_EQ(jobs_named("apiary-server", "COMPLETED", before), 1);
  int simulations = 0;
  for (int id = 0; id < 8; ++id)
    simulations += jobs_named("apiary-simulation-" + std::to_string(id), "COMPLETED", before);
  EXPECT_EQ(simulations, 8);
  EXPECT_THAT(read_json(dir_ / "run" / "summary.json").dump(), HasSubstr("\"validation_rel_l2\""));
}

TEST_F(SlurmStudy, JobsModeRunsMpiClientsAndServer) {
  SmallStudy study;
  study.ranks = 2;
  const auto result = run_study(dir_, study, kSlurmOptions + " --set server.ranks=2");
  expect_complete(dir_ / "run", result);
  const auto server_log = read_text(dir_ / "run" / "server.log");
  EXPECT_THAT(server_log, HasSubstr("rank 1 of 2"));
}

TEST_F(SlurmStudy, AllocationModeInsideSallocCompletesWithEveryTimeStep) {
  write_text(dir_ / "study.toml", SmallStudy{}.toml());
  const auto result =
      run_command("salloc --ntasks=2 --job-name=apiary-test-launcher " + kApiary + " run --quiet " +
                  (dir_ / "study.toml").string() + " --run-dir " + (dir_ / "run").string() + " " + kAllocationOptions);
  expect_complete(dir_ / "run", result);
  // Every simulation and the server ran as a job step of the allocation.
  for (const auto& log : {dir_ / "run" / "server.log", dir_ / "run" / "clients" / "simulation-000003.log"}) {
    EXPECT_THAT(read_text(log), HasSubstr("apiary: job step ")) << log;
  }
}

TEST_F(SlurmStudy, AllocationModeFromAnSbatchScriptRunsMpiSteps) {
  SmallStudy study;
  study.ranks = 2;
  write_text(dir_ / "study.toml", study.toml());
  // Two CPUs for a 2-rank server and 2-rank simulations: the steps share them (--overlap).
  const std::string launcher = kApiary + " run --quiet " + (dir_ / "study.toml").string() + " --run-dir " +
                               (dir_ / "run").string() + " " + kAllocationOptions +
                               " --set server.ranks=2 --set 'scheduler.extra_args=[\\\"--overlap\\\"]'";
  const auto result = run_command("sbatch --wait --ntasks=2 --job-name=apiary-test-launcher --output=" +
                                  (dir_ / "launcher.log").string() + " --wrap \"" + launcher + "\"");
  EXPECT_EQ(result.exit_code, 0) << result.output << read_text(dir_ / "launcher.log");
  expect_complete(dir_ / "run", {result.exit_code, read_text(dir_ / "launcher.log")});
  EXPECT_THAT(read_text(dir_ / "run" / "server.log"), HasSubstr("rank 1 of 2"));
}

TEST_F(SlurmStudy, TransientFailuresOfSbatchAndSqueueDoNotStopTheStudy) {
  const std::string path = failing_once({"sbatch", "squeue"});
  write_text(dir_ / "study.toml", SmallStudy{}.toml());
  const auto result = run_command(path + kApiary + " run --quiet " + (dir_ / "study.toml").string() + " --run-dir " +
                                  (dir_ / "run").string() + " " + kSlurmOptions);
  expect_complete(dir_ / "run", result);
  EXPECT_THAT(result.output, HasSubstr("warning: sbatch failed for server (exit code 1: sbatch: error: Unable to "
                                       "contact slurm controller (injected)); trying again in 1 s"));
  EXPECT_THAT(result.output, HasSubstr("warning: squeue failed (exit code 1: squeue: error:"));
  EXPECT_EQ(calls("sbatch"), 10);  // the server, 8 simulations, and the failed try
  EXPECT_GT(calls("squeue"), 2);
}

TEST_F(SlurmStudy, TransientFailureOfSrunDoesNotStopTheStudy) {
  const std::string path = failing_once({"srun"});
  write_text(dir_ / "study.toml", SmallStudy{}.toml());
  const auto result =
      run_command(path + "salloc --ntasks=2 --job-name=apiary-test-launcher " + kApiary + " run --quiet " +
                  (dir_ / "study.toml").string() + " --run-dir " + (dir_ / "run").string() + " " + kAllocationOptions);
  expect_complete(dir_ / "run", result);
  EXPECT_THAT(result.output, HasSubstr("warning: srun failed for server before its step started (exit code 1: srun: "
                                       "error: Unable to contact slurm controller (injected)); trying again in 1 s"));
  EXPECT_EQ(calls("srun"), 10);
}

// SIGTERM to the launcher while simulations run: it cancels its jobs (or
// steps) and Slurm is left with none of them (the launcher waits until
// squeue no longer lists a step it cancelled; the test still gives Slurm a
// minute, and a step the launcher lost would stay until the allocation ends).
TEST_F(SlurmStudy, AnInterruptedLauncherLeavesNoJobsBehind) {
  SmallStudy study;
  study.command = "sleep 120";
  write_text(dir_ / "study.toml", study.toml());
  const std::string run = kApiary + " run --quiet " + (dir_ / "study.toml").string() + " --run-dir ";
  const std::string wait_for_simulations =
      "for i in $(seq 300); do squeue -h -t R -o %j | grep -q apiary-simulation && break; sleep 0.1; done; ";

  const auto jobs = run_command("(" + run + (dir_ / "jobs").string() + " " + kSlurmOptions + " & launcher=$!; " +
                                wait_for_simulations + "kill -TERM $launcher; wait $launcher; echo launcher exit $?; " +
                                "squeue -h -t PD,R -o %j | grep apiary- || true)");
  EXPECT_THAT(jobs.output, HasSubstr("interrupted by signal 15"));
  EXPECT_THAT(jobs.output, HasSubstr("launcher exit 1"));
  EXPECT_THAT(jobs.output, ::testing::Not(HasSubstr("apiary-simulation"))) << "jobs left running";
  EXPECT_THAT(jobs.output, ::testing::Not(HasSubstr("apiary-server"))) << "jobs left running";

  write_text(
      dir_ / "steps.sh",
      run + (dir_ / "steps").string() + " " + kAllocationOptions + " & launcher=$!\n" +
          "for i in $(seq 300); do squeue -h -s -j $SLURM_JOB_ID -o %j | grep -q "
          "apiary-simulation && break; sleep 0.1; done\n" +
          "kill -TERM $launcher; wait $launcher; echo launcher exit $?\n" +
          // Until Slurm lists none of the study's steps, or a minute: a
          // step the launcher failed to end stays until the allocation ends.
          "for i in $(seq 600); do squeue -h -s -j $SLURM_JOB_ID -o %j | grep -q apiary- || break; sleep 0.1; done\n" +
          "echo steps left: $(squeue -h -s -j $SLURM_JOB_ID -o %j | grep apiary-)\n");
  const auto steps =
      run_command("salloc --ntasks=2 --job-name=apiary-test-launcher sh " + (dir_ / "steps.sh").string());
  EXPECT_THAT(steps.output, HasSubstr("interrupted by signal 15"));
  EXPECT_THAT(steps.output, HasSubstr("launcher exit 1"));
  EXPECT_THAT(steps.output, HasSubstr("steps left:\n"));
}

TEST_F(SlurmStudy, AllocationModeOutsideAnAllocationIsRefusedBeforeAnythingStarts) {
  write_text(dir_ / "study.toml", SmallStudy{}.toml());
  const auto result = run_command("env -u SLURM_JOB_ID " + kApiary + " run --quiet " + (dir_ / "study.toml").string() +
                                  " --run-dir " + (dir_ / "run").string() + " " + kAllocationOptions);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("scheduler.mode = \"allocation\": the launcher is not inside a Slurm allocation "
                                       "(SLURM_JOB_ID is not set); start it with salloc or from an sbatch script"));
  EXPECT_FALSE(fs::exists(dir_ / "run"));
}

}  // namespace
}  // namespace apiary::testing
