// The Slurm back ends against stand-in commands (fake_commands.hpp): what
// they submit, and how they survive Slurm's failures: retried with backoff,
// reported as states when they persist, never thrown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "common/error.hpp"
#include "fake_commands.hpp"
#include "launcher/scheduler/slurm_allocation_scheduler.hpp"
#include "launcher/scheduler/slurm_jobs_scheduler.hpp"

namespace apiary::launcher {
namespace {

using std::chrono::milliseconds;
using test::FakeCommands;
using ::testing::HasSubstr;

// Short delays, so that the tests take a fraction of a second.
slurm::Timing fast_timing() {
  slurm::Timing timing;
  timing.submit = {milliseconds(10), milliseconds(40), 3};
  timing.query = {milliseconds(10), milliseconds(40), 4};
  timing.cancel = {milliseconds(10), milliseconds(20), 2};
  timing.command_timeout = milliseconds(5000);
  timing.cancel_wait = milliseconds(500);
  return timing;
}

config::SchedulerSection slurm_section() {
  config::SchedulerSection section;
  section.kind = config::SchedulerKind::slurm;
  section.poll_seconds = 0.1;
  return section;
}

std::filesystem::path log_file(const FakeCommands& fake) { return fake.dir() / "job.log"; }

JobSpec job_spec(const FakeCommands& fake, std::vector<std::string> argv = {"/bin/true"}) {
  JobSpec spec;
  spec.name = "simulation-7";
  spec.argv = std::move(argv);
  spec.log = log_file(fake);
  return spec;
}

// Polls until the job is over (at most 20 s).
JobStatus wait_for(Scheduler& scheduler, JobId job) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  JobStatus status = scheduler.poll(job);
  while (!finished(status) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
    status = scheduler.poll(job);
  }
  return status;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(SlurmJobsScheduler, SbatchCommandLine) {
  FakeCommands fake;
  auto section = slurm_section();
  section.partition = "compute";
  section.account = "proj";
  section.time = "30:00";
  section.server_time = "1-00";
  section.extra_args = {"--qos=debug"};
  SlurmJobsScheduler scheduler(section, fast_timing());
  auto spec = job_spec(fake, {"/opt/heat", "it's", "2"});
  EXPECT_EQ(scheduler.sbatch_argv(spec),
            (std::vector<std::string>{"sbatch", "--parsable", "--job-name=apiary-simulation-7",
                                      "--output=" + log_file(fake).string(), "--open-mode=append", "--export=ALL",
                                      "--no-requeue", "--ntasks=1", "--partition=compute", "--account=proj", "--time=30:00",
                                      "--qos=debug", "--wrap=exec '/opt/heat' 'it'\\''s' '2'"}));
  spec.ranks = 4;
  spec.role = JobRole::server;
  const auto argv = scheduler.sbatch_argv(spec);
  EXPECT_THAT(argv, ::testing::Contains("--ntasks=4"));
  EXPECT_THAT(argv, ::testing::Contains("--time=1-00"));
  EXPECT_EQ(argv.back(),
            "--wrap=exec 'srun' '--mpi=pmix' '--ntasks=4' '--kill-on-bad-exit=1' '/opt/heat' 'it'\\''s' '2'");
}

TEST(SlurmJobsScheduler, SbatchGetsTheJobsEnvironment) {
  FakeCommands fake;
  fake.add("sbatch", "echo \"$APIARY_PARAMETERS\" > \"" + (fake.dir() / "seen").string() + "\"; echo 42");
  fake.add("squeue", "echo '42|COMPLETED|0|None'");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  auto spec = job_spec(fake);
  spec.environment = {{"APIARY_PARAMETERS", "1.5,2,300"}};
  const auto job = scheduler.submit(spec);
  EXPECT_EQ(scheduler.slurm_id(job), "42");
  EXPECT_EQ(wait_for(scheduler, job).state, JobState::succeeded);
  EXPECT_EQ(read_text(fake.dir() / "seen"), "1.5,2,300\n");
}

TEST(SlurmJobsScheduler, TransientFailuresOfSbatchAndSqueueAreRetried) {
  FakeCommands fake;
  fake.add("sbatch", "if [ $CALL -eq 1 ]; then echo 'sbatch: error: Socket timed out' >&2; exit 1; fi; echo 42");
  fake.add("squeue",
           "case $CALL in 1) echo 'squeue: error: slurmctld down' >&2; exit 1;; 2) echo 'garbage';; "
           "3) echo '42|PENDING|0|None';; 4) echo '42|RUNNING|0|None';; *) echo '42|COMPLETED|0|None';; esac");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  const auto job = scheduler.submit(job_spec(fake));
  EXPECT_EQ(scheduler.poll(job).state, JobState::queued);  // waiting to retry sbatch
  const auto status = wait_for(scheduler, job);
  EXPECT_EQ(status.state, JobState::succeeded) << status.detail;
  EXPECT_EQ(fake.calls("sbatch"), 2);
  EXPECT_EQ(fake.calls("squeue"), 5);
}

TEST(SlurmJobsScheduler, ASubmissionThatAlwaysFailsIsAFailedJob) {
  FakeCommands fake;
  fake.add("sbatch", "echo 'sbatch: error: invalid partition specified: nope' >&2; exit 1");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  JobId job = 0;
  EXPECT_NO_THROW(job = scheduler.submit(job_spec(fake)));
  const auto status = wait_for(scheduler, job);
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.exit_code, -1);
  EXPECT_THAT(status.detail, HasSubstr("sbatch failed 3 times"));
  EXPECT_THAT(status.detail, HasSubstr("invalid partition specified: nope"));
  EXPECT_EQ(fake.calls("sbatch"), 3);
}

TEST(SlurmJobsScheduler, SqueueFailingEveryTimeFailsTheJobsInTheEnd) {
  FakeCommands fake;
  fake.add("sbatch", "echo 42");
  fake.add("squeue", "echo 'squeue: error: Unable to contact slurm controller' >&2; exit 1");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake)));
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_THAT(status.detail, HasSubstr("squeue failed 4 times in a row"));
  EXPECT_THAT(status.detail, HasSubstr("Unable to contact slurm controller"));
}

TEST(SlurmJobsScheduler, ExitCodeOfAFailedJob) {
  FakeCommands fake;
  fake.add("sbatch", "echo 42");
  fake.add("squeue", "echo '42|FAILED|768|NonZeroExitCode'");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake)));
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.detail, "Slurm state FAILED (NonZeroExitCode)");
}

TEST(SlurmJobsScheduler, AJobSqueueForgotIsAskedToSacct) {
  FakeCommands fake;
  fake.add("sbatch", "echo 42");
  fake.add("squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1");
  fake.add("sacct", "echo '42|COMPLETED|0:0'");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  EXPECT_EQ(wait_for(scheduler, scheduler.submit(job_spec(fake))).state, JobState::succeeded);
  EXPECT_EQ(fake.calls("sacct"), 1);
}

TEST(SlurmJobsScheduler, AJobNobodyKnowsAnyMoreIsFailed) {
  FakeCommands fake;
  fake.add("sbatch", "echo 42");
  fake.add("squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1");
  fake.add("sacct", "echo 'sacct: error: Slurm accounting storage is disabled' >&2; exit 1");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake)));
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_THAT(status.detail, HasSubstr("Slurm no longer lists job 42"));
  EXPECT_THAT(status.detail, HasSubstr("accounting storage is disabled"));
}

TEST(SlurmJobsScheduler, CancelCallsScancelAndWaitsForTheEnd) {
  FakeCommands fake;
  const auto cancelled = (fake.dir() / "cancelled").string();
  fake.add("sbatch", "echo 42");
  fake.add("scancel", "echo \"$@\" > \"" + cancelled + "\"");
  fake.add("squeue",
           "if [ -e \"" + cancelled + "\" ]; then echo '42|CANCELLED|15|None'; else echo '42|RUNNING|0|None'; fi");
  SlurmJobsScheduler scheduler(slurm_section(), fast_timing());
  const auto job = scheduler.submit(job_spec(fake));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scheduler.poll(job).state != JobState::running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  scheduler.cancel(job);
  const auto status = scheduler.poll(job);
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.exit_code, 143);
  EXPECT_EQ(status.detail, "Slurm state CANCELLED");
  EXPECT_EQ(read_text(cancelled), "42\n");
}

// A stand-in for srun inside an allocation: skips its options, then runs
// the step's command as step CALL-1 of job 7.
const char* kFakeSrun =
    "while [ $# -gt 0 ] && [ \"${1#--}\" != \"$1\" ]; do shift; done\n"
    "export SLURM_JOB_ID=7 SLURM_STEP_ID=$((CALL - 1)) SLURM_PROCID=0 SLURMD_NODENAME=node1\n"
    "exec \"$@\"";

TEST(SlurmAllocationScheduler, SrunCommandLine) {
  FakeCommands fake;
  auto section = slurm_section();
  section.mode = config::SchedulerMode::allocation;
  section.time = "5";
  section.extra_args = {"--mem=1G"};
  SlurmAllocationScheduler scheduler(section, "7", fast_timing());
  auto spec = job_spec(fake, {"/opt/heat", "1"});
  spec.ranks = 2;
  const auto argv = scheduler.srun_argv(spec);
  const std::vector<std::string> expected = {"srun",
                                             "--jobid=7",
                                             "--job-name=apiary-simulation-7",
                                             "--exclusive",
                                             "--mpi=pmix",
                                             "--ntasks=2",
                                             "--kill-on-bad-exit=1",
                                             "--time=5",
                                             "--mem=1G",
                                             "/bin/sh",
                                             "-c"};
  ASSERT_GT(argv.size(), expected.size());
  EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.begin() + static_cast<long>(expected.size())), expected);
  EXPECT_EQ(std::vector<std::string>(argv.end() - 3, argv.end()),
            (std::vector<std::string>{"apiary-step", "/opt/heat", "1"}));

  section.extra_args = {"--overlap"};
  SlurmAllocationScheduler sharing(section, "7", fast_timing());
  EXPECT_THAT(sharing.srun_argv(spec), ::testing::Not(::testing::Contains("--exclusive")));
  EXPECT_THAT(sharing.srun_argv(spec), ::testing::Contains("--overlap"));
}

TEST(SlurmAllocationScheduler, AStepRunsAndPrintsItsIdFirst) {
  FakeCommands fake;
  fake.add("srun", kFakeSrun);
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake, {"/bin/echo", "hello"})));
  EXPECT_EQ(status.state, JobState::succeeded);
  EXPECT_EQ(read_text(log_file(fake)), "apiary: job step 7.0 started on node1\nhello\n");
}

TEST(SlurmAllocationScheduler, SrunFailingBeforeItsStepStartedIsRetried) {
  FakeCommands fake;
  fake.add("srun", std::string("if [ $CALL -eq 1 ]; then echo 'srun: error: Unable to create step' >&2; exit 1; fi\n") +
                       kFakeSrun);
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake)));
  EXPECT_EQ(status.state, JobState::succeeded) << status.detail;
  EXPECT_EQ(fake.calls("srun"), 2);
}

TEST(SlurmAllocationScheduler, AProgramThatFailsIsNotRetried) {
  FakeCommands fake;
  fake.add("srun", kFakeSrun);
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake, {"/bin/sh", "-c", "exit 3"})));
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.detail, "job step 7.0");
  EXPECT_EQ(fake.calls("srun"), 1);
}

TEST(SlurmAllocationScheduler, SrunThatNeverStartsAStepIsAFailedJob) {
  FakeCommands fake;
  fake.add("srun", "echo 'srun: error: Unable to allocate resources: Invalid job id specified' >&2; exit 1");
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto status = wait_for(scheduler, scheduler.submit(job_spec(fake)));
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_THAT(status.detail, HasSubstr("srun failed 3 times before its step started"));
  EXPECT_THAT(status.detail, HasSubstr("Invalid job id specified"));
}

TEST(SlurmAllocationScheduler, CancelEndsTheStep) {
  FakeCommands fake;
  fake.add("srun", kFakeSrun);
  fake.add("scancel", "exit 0");  // Slurm would end the step; srun is then killed
  fake.add("squeue", "exit 0");   // lists no step
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto job = scheduler.submit(job_spec(fake, {"/bin/sleep", "30"}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scheduler.poll(job).state != JobState::running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(scheduler.poll(job).state, JobState::running);
  const auto start = std::chrono::steady_clock::now();
  scheduler.cancel(job);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const auto status = scheduler.poll(job);
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.detail, "cancelled (job step 7.0)");
  EXPECT_EQ(fake.calls("scancel"), 1);
}

// An srun that writes its pid, so that a stand-in scancel can end it.
std::string srun_writing_pid(const FakeCommands& fake) {
  return "echo $$ > \"" + (fake.dir() / "srun.pid").string() + "\"\n" + kFakeSrun;
}
std::string kill_srun(const FakeCommands& fake) { return "kill $(cat \"" + (fake.dir() / "srun.pid").string() + "\")"; }

// A job whose step runs (its line is in the job's log).
JobId started_step(SlurmAllocationScheduler& scheduler, const FakeCommands& fake) {
  const auto job = scheduler.submit(job_spec(fake, {"/bin/sleep", "30"}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (scheduler.poll(job).state != JobState::running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(scheduler.poll(job).state, JobState::running);
  return job;
}

// Slurm drops a cancel that reaches a step still being launched: scancel
// is sent again until srun ends.
TEST(SlurmAllocationScheduler, CancelIsSentAgainUntilSrunEnds) {
  FakeCommands fake;
  fake.add("srun", srun_writing_pid(fake));
  fake.add("scancel", "if [ $CALL -ge 2 ]; then " + kill_srun(fake) + "; fi");
  fake.add("squeue", "exit 0");
  auto timing = fast_timing();
  timing.cancel_wait = std::chrono::seconds(8);
  SlurmAllocationScheduler scheduler(slurm_section(), "7", timing);
  const auto job = started_step(scheduler, fake);
  const auto start = std::chrono::steady_clock::now();
  scheduler.cancel(job);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(fake.calls("scancel"), 2);
  EXPECT_EQ(scheduler.poll(job).detail, "cancelled (job step 7.0)");
}

// The user who stops a study expects its steps gone: cancel returns once
// squeue no longer lists the step.
TEST(SlurmAllocationScheduler, CancelReturnsOnceSlurmNoLongerListsTheStep) {
  FakeCommands fake;
  fake.add("srun", srun_writing_pid(fake));
  fake.add("scancel", kill_srun(fake));
  fake.add("squeue", "if [ $CALL -le 2 ]; then echo 7.0; echo 7.1; else echo 7.1; fi");
  auto timing = fast_timing();
  timing.cancel_wait = std::chrono::seconds(8);
  SlurmAllocationScheduler scheduler(slurm_section(), "7", timing);
  const auto job = started_step(scheduler, fake);
  scheduler.cancel(job);
  EXPECT_EQ(fake.calls("squeue"), 3);
  EXPECT_EQ(fake.calls("scancel"), 1);
  EXPECT_EQ(scheduler.poll(job).state, JobState::failed);
}

// An srun still waiting for its step is stopped before Slurm is asked for
// its step, then killed: it cannot get a step in between (which a signal
// would leave behind), and there is nothing to scancel.
TEST(SlurmAllocationScheduler, AnSrunWithoutAStepIsStoppedThenKilled) {
  FakeCommands fake;
  fake.add("srun", "exec sleep 30");
  fake.add("scancel", "exit 0");
  fake.add("squeue", "exit 0");
  SlurmAllocationScheduler scheduler(slurm_section(), "7", fast_timing());
  const auto job = scheduler.submit(job_spec(fake));
  ASSERT_EQ(scheduler.poll(job).state, JobState::queued);
  scheduler.cancel(job);
  const auto status = scheduler.poll(job);
  EXPECT_EQ(status.state, JobState::failed);
  EXPECT_EQ(status.detail, "cancelled");
  EXPECT_EQ(status.exit_code, 128 + SIGKILL);
  EXPECT_EQ(fake.calls("scancel"), 0);
}

TEST(MakeScheduler, AllocationModeNeedsAnAllocation) {
  const char* job = std::getenv("SLURM_JOB_ID");
  const std::string saved = job == nullptr ? "" : job;
  ::unsetenv("SLURM_JOB_ID");
  auto section = slurm_section();
  section.mode = config::SchedulerMode::allocation;
  try {
    require_usable_scheduler(section);
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("scheduler.mode = \"allocation\": the launcher is not inside a Slurm "
                                        "allocation (SLURM_JOB_ID is not set)"));
  }
  if (!saved.empty()) ::setenv("SLURM_JOB_ID", saved.c_str(), 1);
}

TEST(MakeScheduler, SlurmNeedsItsCommands) {
  const char* path = std::getenv("PATH");
  const std::string saved = path == nullptr ? "" : path;
  ::setenv("PATH", "/nonexistent", 1);
  try {
    require_usable_scheduler(slurm_section());
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("scheduler.kind = \"slurm\": sbatch was not found in PATH"));
  }
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_NO_THROW(require_usable_scheduler(config::SchedulerSection{}));  // local
}

}  // namespace
}  // namespace apiary::launcher
