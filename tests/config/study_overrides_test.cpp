// "--set section.key=value" overrides change the study before validation:
// they meet the same checks, and their errors name the override.
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
using ::testing::HasSubstr;

StudyConfig parse_with(const std::vector<std::string>& overrides) {
  return parse_study(kMinimalStudy, "study.toml", overrides);
}

TEST(ConfigOverrides, ChangeValuesOfEveryType) {
  const StudyConfig config =
      parse_with({"training.batch_size=32", "training.learning_rate=2.5e-4", "training.hidden=[64, 64, 64]",
                  "buffer.kind=\"fifo\"", "study.seed = 9", "client.command=run {x} --fast"});
  EXPECT_EQ(config.training.batch_size, 32u);
  EXPECT_DOUBLE_EQ(config.training.learning_rate, 2.5e-4);
  EXPECT_EQ(config.training.hidden, (std::vector<int>{64, 64, 64}));
  EXPECT_EQ(config.buffer.kind, config::BufferKind::fifo);
  EXPECT_EQ(config.study.seed, 9u);
  EXPECT_EQ(config.client.command, "run {x} --fast");
}

TEST(ConfigOverrides, SchedulerFromTheCommandLine) {
  const StudyConfig config = parse_with({"scheduler.kind=slurm", "scheduler.poll_seconds=0.5",
                                         "scheduler.extra_args=[\"--qos=debug\", \"--exclude=node[1-3]\"]"});
  EXPECT_EQ(config.scheduler.kind, config::SchedulerKind::slurm);
  EXPECT_DOUBLE_EQ(config.scheduler.poll_seconds, 0.5);
  EXPECT_EQ(config.scheduler.extra_args, (std::vector<std::string>{"--qos=debug", "--exclude=node[1-3]"}));
}

TEST(ConfigOverrides, BareWordsAndPathsAreStrings) {
  const StudyConfig config =
      parse_with({"training.model=net.pt", "study.sampler=uniform", "study.run_dir=/tmp/my runs"});
  EXPECT_EQ(config.training.model, "net.pt");
  EXPECT_EQ(config.study.sampler, config::SamplerKind::uniform);
  EXPECT_EQ(config.study.run_dir, "/tmp/my runs");
}

TEST(ConfigOverrides, ReplaceFileValuesAndTheLastOneWins) {
  const StudyConfig config = parse_with({"client.field_size=20", "study.name=other", "study.name=third"});
  EXPECT_EQ(config.client.field_size, 20u);
  EXPECT_EQ(config.study.name, "third");
}

TEST(ConfigOverrides, AreValidatedAndNameTheOverride) {
  EXPECT_EQ(error_of(kMinimalStudy, {"buffer.capacity=-3"}),
            "--set buffer.capacity=-3: buffer.capacity: must be a positive integer, got -3");
  EXPECT_EQ(error_of(kMinimalStudy, {"buffer.capacity=2.0"}),
            "--set buffer.capacity=2.0: buffer.capacity: expected an integer, got float 2.0");
  EXPECT_THAT(error_of(kMinimalStudy, {"study.sampler=sobol"}),
              HasSubstr("--set study.sampler=sobol: study.sampler: must be one of uniform, halton"));
  EXPECT_THAT(error_of(kMinimalStudy, {"training.hidden=[8, -1]"}),
              HasSubstr("--set training.hidden=[8, -1]: training.hidden[1]: must be a positive integer, got -1"));
}

TEST(ConfigOverrides, RelationsBlameTheOverride) {
  EXPECT_THAT(error_of(kMinimalStudy + "[buffer]\ncapacity = 100\n", {"buffer.watermark=500"}),
              HasSubstr("--set buffer.watermark=500: buffer.watermark: must be at most buffer.capacity (100)"));
}

TEST(ConfigOverrides, FileErrorsStillNameTheFile) {
  EXPECT_THAT(error_of(kMinimalStudy + "[buffer]\ncapacity = 0\n", {"buffer.watermark=0"}),
              HasSubstr("study.toml: buffer.capacity: must be a positive integer, got 0"));
}

TEST(ConfigOverrides, UnknownKeysAndSectionsNameTheOverride) {
  EXPECT_THAT(error_of(kMinimalStudy, {"training.shedule=cosine"}),
              HasSubstr("--set training.shedule=cosine: training.shedule: unknown key (known keys of [training]"));
  EXPECT_THAT(error_of(kMinimalStudy, {"trainig.model=mlp"}),
              HasSubstr("--set trainig.model=mlp: trainig: unknown section (known sections:"));
}

TEST(ConfigOverrides, MalformedOverrides) {
  for (const std::string bad :
       {"training.batch_size", "batch_size=3", "=3", ".batch_size=3", "training.=3", "training.hidden.0=3"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(error_of(kMinimalStudy, {bad}),
              "--set " + bad + ": expected section.key=value, e.g. training.batch_size=32");
  }
}

TEST(ConfigOverrides, ParametersCannotBeOverridden) {
  EXPECT_THAT(error_of(kMinimalStudy, {"parameters.x=3"}),
              HasSubstr("--set parameters.x=3: parameters: cannot be overridden"));
}

TEST(ConfigOverrides, OverridingInsideANonTable) {
  EXPECT_THAT(error_of("server = 1\n" + kMinimalStudy, {"server.threads=2"}),
              HasSubstr("--set server.threads=2: server: is not a table in the study"));
}

}  // namespace
}  // namespace apiary::config
