// What the Slurm back ends read from Slurm's commands, and how they map
// Slurm's job states, without a cluster.
#include "launcher/scheduler/slurm_commands.hpp"

#include <gtest/gtest.h>

namespace apiary::launcher::slurm {
namespace {

using std::chrono::milliseconds;

TEST(SlurmCommands, SbatchIds) {
  EXPECT_EQ(parse_sbatch_id("123\n"), "123");
  EXPECT_EQ(parse_sbatch_id("123;cluster-a\n"), "123");
  EXPECT_EQ(parse_sbatch_id("sbatch: warning: something\n4567\n\n"), "4567");
  EXPECT_EQ(parse_sbatch_id(""), std::nullopt);
  EXPECT_EQ(parse_sbatch_id("Submitted batch job 12\n"), std::nullopt);
  EXPECT_EQ(parse_sbatch_id("12a\n"), std::nullopt);
}

TEST(SlurmCommands, SqueueLines) {
  int unparsed = -1;
  const auto records =
      parse_squeue("18|CANCELLED|15|None\n16|FAILED|9|JobLaunchFailure\n19|COMPLETED|0|None   \n\n", &unparsed);
  EXPECT_EQ(unparsed, 0);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records.at("18").state, "CANCELLED");
  EXPECT_EQ(records.at("18").raw_status, 15);
  EXPECT_EQ(records.at("16").reason, "JobLaunchFailure");
  EXPECT_EQ(records.at("19").reason, "None");

  parse_squeue("20|RUNNING|0|None\nslurm_load_jobs error\n21|RUNNING|x|None\n", &unparsed);
  EXPECT_EQ(unparsed, 2);
}

TEST(SlurmCommands, StatesInProgress) {
  for (const char* state : {"PENDING", "CONFIGURING", "REQUEUED"}) {
    EXPECT_EQ(status_of_state(state, 0, "None").state, JobState::queued) << state;
  }
  for (const char* state : {"RUNNING", "COMPLETING", "SUSPENDED", "STAGE_OUT"}) {
    EXPECT_EQ(status_of_state(state, 0, "None").state, JobState::running) << state;
  }
}

TEST(SlurmCommands, EndStatesAndExitCodes) {
  EXPECT_EQ(status_of_state("COMPLETED", 0, "None").state, JobState::succeeded);

  const auto failed = status_of_state("FAILED", 3 << 8, "NonZeroExitCode");
  EXPECT_EQ(failed.state, JobState::failed);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(failed.detail, "Slurm state FAILED (NonZeroExitCode)");

  const auto cancelled = status_of_state("CANCELLED", 15, "None");
  EXPECT_EQ(cancelled.state, JobState::failed);
  EXPECT_EQ(cancelled.exit_code, 128 + 15);
  EXPECT_EQ(cancelled.detail, "Slurm state CANCELLED");

  const auto timeout = status_of_state("TIMEOUT", 0, "TimeLimit");
  EXPECT_EQ(timeout.state, JobState::failed);
  EXPECT_EQ(timeout.exit_code, -1);
  EXPECT_EQ(timeout.detail, "Slurm state TIMEOUT (TimeLimit)");

  for (const char* state : {"NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE"}) {
    EXPECT_EQ(status_of_state(state, 0, "None").state, JobState::failed) << state;
  }
}

TEST(SlurmCommands, SacctRecords) {
  const auto done = parse_sacct("42|COMPLETED|0:0\n", "42");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, JobState::succeeded);
  const auto cancelled = parse_sacct("41|COMPLETED|0:0\n42|CANCELLED by 0|0:15\n", "42");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, JobState::failed);
  EXPECT_EQ(cancelled->exit_code, 143);
  const auto failed = parse_sacct("42|FAILED|2:0\n", "42");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->exit_code, 2);
  EXPECT_FALSE(parse_sacct("", "42"));
  EXPECT_FALSE(parse_sacct("42|FAILED|two\n", "42"));
}

TEST(SlurmCommands, StepMarker) {
  EXPECT_EQ(find_step_marker("srun: Step created for job 31\napiary: job step 31.2 started on node7\nhello\n"), "31.2");
  EXPECT_FALSE(find_step_marker("srun: error: Unable to create step\n"));
  EXPECT_FALSE(find_step_marker("apiary: job step 31. started on x\n"));
  EXPECT_NE(step_marker_command().find("exec \"$@\""), std::string::npos);
}

TEST(SlurmCommands, BackoffDoublesUpToItsLongestDelay) {
  const Backoff backoff{milliseconds(500), milliseconds(3000), 6};
  EXPECT_EQ(backoff.delay(1), milliseconds(500));
  EXPECT_EQ(backoff.delay(2), milliseconds(1000));
  EXPECT_EQ(backoff.delay(3), milliseconds(2000));
  EXPECT_EQ(backoff.delay(4), milliseconds(3000));
  EXPECT_EQ(backoff.delay(40), milliseconds(3000));
}

TEST(SlurmCommands, WalltimeAndMpiOptions) {
  config::SchedulerSection section;
  section.time = "10:00";
  section.server_time = "2-00";
  JobSpec client;
  JobSpec server;
  server.role = JobRole::server;
  EXPECT_EQ(walltime(section, client), "10:00");
  EXPECT_EQ(walltime(section, server), "2-00");
  EXPECT_EQ(srun_mpi_options(section, 4),
            (std::vector<std::string>{"--mpi=pmix", "--ntasks=4", "--kill-on-bad-exit=1"}));
  section.mpi = "";
  EXPECT_EQ(srun_mpi_options(section, 1), (std::vector<std::string>{"--ntasks=1", "--kill-on-bad-exit=1"}));
}

}  // namespace
}  // namespace apiary::launcher::slurm
