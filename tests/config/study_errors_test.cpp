// Each kind of mistake in a study file gives a ConfigError naming the
// origin, the key as section.key, and what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "study_text.hpp"

namespace apiary::config {
namespace {

using test::error_of;
using test::kMinimalStudy;
using test::with;
using ::testing::HasSubstr;

// kMinimalStudy with extra sections appended.
std::string minimal_plus(const std::string& sections) { return kMinimalStudy + "\n" + sections; }

TEST(ConfigErrors, SyntaxErrorNamesFileLineAndColumn) {
  const std::string text = "[study]\nname = \"demo\"\n\nseed = = 3\n";
  const std::string message = error_of(text);
  EXPECT_THAT(message, HasSubstr("study.toml: line 4, column"));
  EXPECT_THAT(message, HasSubstr("invalid TOML"));
}

TEST(ConfigErrors, UnknownSectionListsTheKnownOnes) {
  const std::string message = error_of(minimal_plus("[trainig]\nmodel = \"mlp\"\n"));
  EXPECT_THAT(message, HasSubstr("study.toml: trainig: unknown section"));
  EXPECT_THAT(message, HasSubstr("study, client, parameters, server, buffer, training, scheduler, fault_tolerance"));
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_THAT(error_of("verbose = true\n" + kMinimalStudy), HasSubstr("study.toml: verbose: unknown top-level key"));
}

TEST(ConfigErrors, UnknownKeyListsTheKnownKeysOfItsSection) {
  const std::string message = error_of(minimal_plus("[training]\nshedule = \"cosine\"\n"));
  EXPECT_THAT(message, HasSubstr("study.toml: training.shedule: unknown key (known keys of [training]: model, hidden"));
  EXPECT_THAT(message, HasSubstr("schedule"));
}

TEST(ConfigErrors, UnknownKeyOfAParameter) {
  EXPECT_THAT(error_of(with(kMinimalStudy, "max = 1.0", "max = 1.0\nstep = 0.1")),
              HasSubstr("study.toml: parameters[0].step: unknown key (known keys of [[parameters]]: name, min, max)"));
}

TEST(ConfigErrors, WrongTypeSaysExpectedAndGiven) {
  EXPECT_THAT(error_of(minimal_plus("[buffer]\ncapacity = \"big\"\n")),
              HasSubstr("study.toml: buffer.capacity: expected an integer, got string \"big\""));
  EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"demo\"", "name = 3")),
              HasSubstr("study.toml: study.name: expected a string, got integer 3"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nlearning_rate = \"fast\"\n")),
              HasSubstr("study.toml: training.learning_rate: expected a number, got string \"fast\""));
  EXPECT_THAT(error_of(minimal_plus("[training]\nhidden = 256\n")),
              HasSubstr("study.toml: training.hidden: expected an array, got integer 256"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nhidden = [256, \"wide\"]\n")),
              HasSubstr("study.toml: training.hidden[1]: expected an integer, got string \"wide\""));
  EXPECT_THAT(error_of(minimal_plus("[server]\nhost = [\"a\"]\n")),
              HasSubstr("study.toml: server.host: expected a string, got an array"));
}

TEST(ConfigErrors, FloatWhereAnIntegerIsNeeded) {
  EXPECT_THAT(error_of(minimal_plus("[buffer]\ncapacity = 3.0\n")),
              HasSubstr("study.toml: buffer.capacity: expected an integer, got float 3.0"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "field_size = 10", "field_size = 1e4")),
              HasSubstr("study.toml: client.field_size: expected an integer, got float"));
}

TEST(ConfigErrors, SectionThatIsNotATable) {
  EXPECT_THAT(error_of("server = 3\n" + kMinimalStudy),
              HasSubstr("study.toml: server: expected a table ([server]), got integer 3"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "[[parameters]]", "[parameters]")),
              HasSubstr("study.toml: parameters: expected an array of tables ([[parameters]]), got a table"));
}

TEST(ConfigErrors, MissingRequiredKeys) {
  EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"demo\"", "")),
              HasSubstr("study.toml: study.name: missing required key"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "command = \"simulate {x}\"", "")),
              HasSubstr("study.toml: client.command: missing required key"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "field_size = 10", "")),
              HasSubstr("study.toml: client.field_size: missing required key"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "min = 0.0", "")),
              HasSubstr("study.toml: parameters[0].min: missing required key"));
}

TEST(ConfigErrors, AtLeastOneParameter) {
  const std::string without = with(kMinimalStudy, "[[parameters]]\nname = \"x\"\nmin = 0.0\nmax = 1.0\n", "");
  EXPECT_THAT(error_of(without), HasSubstr("study.toml: parameters: at least one [[parameters]] table is required"));
  EXPECT_THAT(error_of("parameters = []\n" + without), HasSubstr("parameters: at least one [[parameters]]"));
}

TEST(ConfigErrors, NamesOutsideTheirChoices) {
  EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"demo\"", "name = \"demo\"\nsampler = \"sobol\"")),
              HasSubstr("study.toml: study.sampler: must be one of uniform, halton, got \"sobol\""));
  EXPECT_THAT(error_of(minimal_plus("[buffer]\nkind = \"lifo\"\n")),
              HasSubstr("study.toml: buffer.kind: must be one of fifo, firo, reservoir, got \"lifo\""));
  EXPECT_THAT(error_of(minimal_plus("[training]\nschedule = \"step\"\n")),
              HasSubstr("study.toml: training.schedule: must be one of constant, cosine, milestones, got \"step\""));
  EXPECT_THAT(error_of(minimal_plus("[server]\ndevice = \"gpu\"\n")),
              HasSubstr("study.toml: server.device: must be one of auto, cpu, cuda, got \"gpu\""));
}

TEST(ConfigErrors, CountsMustBePositive) {
  EXPECT_EQ(error_of(minimal_plus("[buffer]\ncapacity = -3\n")),
            "study.toml: buffer.capacity: must be a positive integer, got -3");
  for (const std::string key :
       {"buffer.capacity", "training.batch_size", "training.batches", "client.time_steps", "client.field_size",
        "study.simulations", "study.max_concurrent_clients", "client.ranks", "training.validation_every",
        "server.metrics_every", "buffer.pseudo_epochs", "server.ranks", "server.receive_queue"}) {
    SCOPED_TRACE(key);
    EXPECT_THAT(error_of(kMinimalStudy, {key + "=0"}), HasSubstr(key + ": must be a positive integer, got 0"));
  }
  EXPECT_THAT(error_of(minimal_plus("[training]\nhidden = [256, 0]\n")),
              HasSubstr("study.toml: training.hidden[1]: must be a positive integer, got 0"));
}

TEST(ConfigErrors, CountsMayNotBeNegative) {
  EXPECT_THAT(error_of(minimal_plus("[server]\nthreads = -1\n")),
              HasSubstr("study.toml: server.threads: must be a non-negative integer, got -1"));
  EXPECT_THAT(error_of(minimal_plus("[buffer]\nmax_serves = -1\n")),
              HasSubstr("study.toml: buffer.max_serves: must be a non-negative integer, got -1"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"demo\"", "name = \"demo\"\nseed = -5")),
              HasSubstr("study.toml: study.seed: must be a non-negative integer, got -5"));
}

TEST(ConfigErrors, IntegersMustFitTheirField) {
  EXPECT_THAT(error_of(minimal_plus("[server]\nthreads = 3000000000\n")),
              HasSubstr("study.toml: server.threads: must be at most 2147483647, got 3000000000"));
}

TEST(ConfigErrors, WatermarkAtMostCapacity) {
  EXPECT_THAT(error_of(minimal_plus("[buffer]\ncapacity = 100\nwatermark = 101\n")),
              HasSubstr("study.toml: buffer.watermark: must be at most buffer.capacity (100), got 101"));
  EXPECT_NO_THROW(parse_study(minimal_plus("[buffer]\ncapacity = 100\nwatermark = 100\n"), "study.toml"));
  // FIFO has no watermark: a small FIFO ignores the default one.
  EXPECT_NO_THROW(parse_study(minimal_plus("[buffer]\nkind = \"fifo\"\ncapacity = 32\n"), "study.toml"));
}

TEST(ConfigErrors, BatchSizeAtMostCapacity) {
  EXPECT_THAT(error_of(minimal_plus("[buffer]\ncapacity = 10\nwatermark = 5\n[training]\nbatch_size = 11\n")),
              HasSubstr("study.toml: training.batch_size: must be at most buffer.capacity (10), got 11"));
}

TEST(ConfigErrors, GlobalBatchAtMostCapacityOfEveryRank) {
  // The capacity is per rank: 2 ranks of 10 samples hold a global batch of 20, not 22.
  const std::string study = minimal_plus("[server]\nranks = 2\n[buffer]\ncapacity = 10\nwatermark = 5\n");
  EXPECT_NO_THROW(parse_study(study, "study.toml", {"training.batch_size=20"}));
  EXPECT_THAT(error_of(study, {"training.batch_size=22"}),
              HasSubstr("training.batch_size: must be at most buffer.capacity (10) times server.ranks (2), got 22"));
}

TEST(ConfigErrors, BatchSizeDivisibleByServerRanks) {
  EXPECT_EQ(error_of(minimal_plus("[server]\nranks = 4\n[training]\nbatch_size = 10\n")),
            "study.toml: training.batch_size: must be divisible by server.ranks (4), got 10");
}

TEST(ConfigErrors, BooleanKeysTakeOnlyBooleans) {
  EXPECT_THAT(error_of(minimal_plus("[server]\nbind_simulation = 1\n")),
              HasSubstr("study.toml: server.bind_simulation: expected a boolean (true or false), got integer 1"));
  EXPECT_THAT(error_of(kMinimalStudy, {"server.bind_simulation=yes"}),
              HasSubstr("server.bind_simulation: expected a boolean (true or false), got string \"yes\""));
}

TEST(ConfigErrors, AServerAddressMustBeOneClientsCanConnectTo) {
  EXPECT_EQ(error_of(kMinimalStudy, {"server.host=*"}),
            "--set server.host=*: server.host: must be one address the clients can connect to, got \"*\" (every "
            "interface): use \"auto\" or server.interface");
  EXPECT_EQ(error_of(kMinimalStudy, {"server.interface=ib0", "server.host=10.0.0.1"}),
            "--set server.interface=ib0: server.interface: cannot be set together with server.host = \"10.0.0.1\": "
            "both say what to bind (leave server.host \"auto\" to bind server.interface's address)");
}

TEST(ConfigErrors, MaxServesOnlyForTheReservoir) {
  for (const std::string kind : {"fifo", "firo"}) {
    SCOPED_TRACE(kind);
    EXPECT_THAT(error_of(minimal_plus("[buffer]\nkind = \"" + kind + "\"\nmax_serves = 2\n")),
                HasSubstr("study.toml: buffer.max_serves: applies only to buffer.kind \"reservoir\" (fifo serves "
                          "each sample once, firo uses buffer.pseudo_epochs), got buffer.kind \"" +
                          kind + "\""));
    // 0, the default, is "no cap": fine with any kind.
    EXPECT_NO_THROW(parse_study(minimal_plus("[buffer]\nkind = \"" + kind + "\"\nmax_serves = 0\n"), "study.toml"));
  }
  EXPECT_NO_THROW(parse_study(minimal_plus("[buffer]\nkind = \"reservoir\"\nmax_serves = 2\n"), "study.toml"));
}

TEST(ConfigErrors, ParameterMinBelowMax) {
  EXPECT_THAT(error_of(with(kMinimalStudy, "max = 1.0", "max = 0.0")),
              HasSubstr("study.toml: parameters[0].min: must be less than max (parameter x: min 0.0, max 0.0)"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "max = 1.0", "max = -2.5")),
              HasSubstr("parameters[0].min: must be less than max (parameter x: min 0.0, max -2.5)"));
  EXPECT_THAT(error_of(with(kMinimalStudy, "max = 1.0", "max = inf")),
              HasSubstr("study.toml: parameters[0].max: must be a finite number, got inf"));
}

TEST(ConfigErrors, ParameterNamesAreUniqueIdentifiers) {
  const std::string twice = kMinimalStudy + "\n[[parameters]]\nname = \"x\"\nmin = 2.0\nmax = 3.0\n";
  EXPECT_THAT(error_of(twice), HasSubstr("study.toml: parameters[1].name: duplicate parameter name \"x\""));
  for (const std::string bad : {"", "T 0", "{x}", "0x", "simulation_id"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"x\"", "name = \"" + bad + "\"")),
                HasSubstr("study.toml: parameters[0].name: must be an identifier"));
  }
}

TEST(ConfigErrors, LearningRatePositiveWeightDecayNotNegative) {
  EXPECT_THAT(error_of(minimal_plus("[training]\nlearning_rate = 0\n")),
              HasSubstr("study.toml: training.learning_rate: must be positive, got 0.0"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nlearning_rate = -1e-3\n")),
              HasSubstr("training.learning_rate: must be positive, got -0.001"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nlearning_rate = nan\n")),
              HasSubstr("training.learning_rate: must be a finite number, got nan"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nweight_decay = -0.5\n")),
              HasSubstr("study.toml: training.weight_decay: must be zero or positive, got -0.5"));
  EXPECT_NO_THROW(parse_study(minimal_plus("[training]\nweight_decay = 0\n"), "study.toml"));
}

TEST(ConfigErrors, MilestonesAndGamma) {
  EXPECT_THAT(error_of(minimal_plus("[training]\nschedule = \"milestones\"\n")),
              HasSubstr("study.toml: training.milestones: must list at least one batch"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nmilestones = [100, 100]\n")),
              HasSubstr("study.toml: training.milestones[1]: must be greater than the milestone before it (100)"));
  EXPECT_THAT(error_of(minimal_plus("[training]\ngamma = 0.0\n")),
              HasSubstr("study.toml: training.gamma: must be positive, got 0.0"));
}

TEST(ConfigErrors, MaxSecondsIsZeroOrAPositiveDuration) {
  EXPECT_THAT(error_of(minimal_plus("[training]\nmax_seconds = -1\n")),
              HasSubstr("study.toml: training.max_seconds: must be zero (no limit) or a positive number of seconds, "
                        "got -1.0"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nmax_seconds = inf\n")),
              HasSubstr("training.max_seconds: must be a finite number, got inf"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nmax_seconds = \"1m\"\n")),
              HasSubstr("training.max_seconds: expected a number, got string \"1m\""));
  EXPECT_NO_THROW(parse_study(minimal_plus("[training]\nmax_seconds = 0\n"), "study.toml"));
  EXPECT_NO_THROW(parse_study(minimal_plus("[training]\nmax_seconds = 2.5\n"), "study.toml"));
}

TEST(ConfigErrors, StudyNameUsableAsADirectory) {
  for (const std::string bad : {"a/b", "..", ".", "my study", "", "é"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(error_of(with(kMinimalStudy, "name = \"demo\"", "name = \"" + bad + "\"")),
                HasSubstr("study.toml: study.name: must be usable in a directory name"));
  }
  EXPECT_NO_THROW(parse_study(with(kMinimalStudy, "name = \"demo\"", "name = \"Heat_2.d-3\""), "study.toml"));
}

TEST(ConfigErrors, SchedulerKeys) {
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nkind = \"pbs\"\n")),
              HasSubstr("study.toml: scheduler.kind: must be one of local, slurm, got \"pbs\""));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nmode = \"steps\"\n")),
              HasSubstr("study.toml: scheduler.mode: must be one of jobs, allocation, got \"steps\""));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nqueue = \"debug\"\n")),
              HasSubstr("study.toml: scheduler.queue: unknown key (known keys of [scheduler]: kind, mode, partition"));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nextra_args = \"--qos=debug\"\n")),
              HasSubstr("study.toml: scheduler.extra_args: expected an array, got string \"--qos=debug\""));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nextra_args = [\"--qos=debug\", 3]\n")),
              HasSubstr("study.toml: scheduler.extra_args[1]: expected a string, got integer 3"));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nextra_args = [\"\"]\n")),
              HasSubstr("study.toml: scheduler.extra_args[0]: must not be empty"));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\npartition = \"a b\"\n")),
              HasSubstr("study.toml: scheduler.partition: must not contain blanks, got \"a b\""));
  EXPECT_THAT(error_of(minimal_plus("[scheduler]\nmpi = \"--mpi=pmix\"\n")),
              HasSubstr("study.toml: scheduler.mpi: must be the name of a Slurm MPI plugin"));
  EXPECT_THAT(
      error_of(kMinimalStudy, {"scheduler.poll_seconds=0"}),
      HasSubstr("--set scheduler.poll_seconds=0: scheduler.poll_seconds: must be at least 0.1 (seconds), got 0.0"));
  EXPECT_THAT(error_of(kMinimalStudy, {"scheduler.poll_seconds=nan"}),
              HasSubstr("scheduler.poll_seconds: must be a finite number"));
}

TEST(ConfigErrors, FaultToleranceKeys) {
  EXPECT_THAT(error_of(kMinimalStudy, {"fault_tolerance.on_max_restarts=retry"}),
              HasSubstr("fault_tolerance.on_max_restarts: must be one of redraw, fail, got \"retry\""));
  EXPECT_THAT(error_of(kMinimalStudy, {"fault_tolerance.client_timeout=0.5"}),
              HasSubstr("fault_tolerance.client_timeout: must be 0 (no limit) or at least 1 (seconds), got 0.5"));
  EXPECT_THAT(error_of(kMinimalStudy, {"fault_tolerance.server_timeout=1"}),
              HasSubstr("fault_tolerance.server_timeout: must be at least 5 (seconds)"));
  EXPECT_THAT(error_of(kMinimalStudy, {"fault_tolerance.max_restarts=-1"}), HasSubstr("fault_tolerance.max_restarts"));
  EXPECT_THAT(error_of(minimal_plus("[fault_tolerance]\nretries = 3\n")),
              HasSubstr("fault_tolerance.retries: unknown key (known keys of [fault_tolerance]: client_timeout"));
}

TEST(ConfigErrors, SlurmTimeFormat) {
  for (const std::string key : {"time", "server_time"}) {
    for (const std::string bad : {"1h", "1:2:3:4", "-1", "1-", "1-2-3", ":30", "30:", "1.5", " 30"}) {
      SCOPED_TRACE(key + " = " + bad);
      EXPECT_THAT(error_of(kMinimalStudy, {"scheduler." + key + "=\"" + bad + "\""}),
                  HasSubstr("scheduler." + key + ": must be empty or a Slurm time (MM, MM:SS, HH:MM:SS"));
    }
  }
}

TEST(ConfigErrors, EmptyStringsWhereANameIsNeeded) {
  EXPECT_THAT(error_of(with(kMinimalStudy, "command = \"simulate {x}\"", "command = \"\"")),
              HasSubstr("study.toml: client.command: must not be empty"));
  EXPECT_THAT(error_of(minimal_plus("[training]\nmodel = \"\"\n")),
              HasSubstr("study.toml: training.model: must not be empty"));
}

}  // namespace
}  // namespace apiary::config
