// A valid study reads into the expected values; absent keys keep their
// defaults; files load with their directory; the shipped example parses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/study_config.hpp"
#include "study_text.hpp"

namespace apiary::config {
namespace {

using test::kFullStudy;
using test::kMinimalStudy;

TEST(ConfigParse, ReadsEveryKey) {
  const StudyConfig config = parse_study(kFullStudy, "study.toml");
  EXPECT_EQ(config.study.name, "heat-2d_v1.0");
  EXPECT_EQ(config.study.seed, 7u);
  EXPECT_EQ(config.study.simulations, 40u);
  EXPECT_EQ(config.study.validation_simulations, 4u);
  EXPECT_EQ(config.study.validation_seed, 99u);
  EXPECT_EQ(config.study.sampler, config::SamplerKind::uniform);
  EXPECT_EQ(config.study.max_concurrent_clients, 3u);
  EXPECT_EQ(config.study.run_dir, "/tmp/runs/heat");

  EXPECT_EQ(config.client.command, "solver --nx 10 {T0} {T1} {simulation_id}");
  EXPECT_EQ(config.client.ranks, 4);
  EXPECT_EQ(config.client.field, "temperature");
  EXPECT_EQ(config.client.field_size, 100u);
  EXPECT_EQ(config.client.time_steps, 20u);

  EXPECT_EQ(config.server.host, "10.0.0.2");
  EXPECT_EQ(config.server.ranks, 4);
  EXPECT_TRUE(config.server.bind_simulation);
  EXPECT_EQ(config.server.receive_queue, 16);
  EXPECT_EQ(config.server.threads, 8);
  EXPECT_EQ(config.server.metrics_every, 50u);
  EXPECT_EQ(config.server.device, config::ComputeDevice::cpu);

  EXPECT_EQ(config.buffer.kind, config::BufferKind::reservoir);
  EXPECT_EQ(config.buffer.capacity, 5000u);
  EXPECT_EQ(config.buffer.watermark, 100u);
  EXPECT_EQ(config.buffer.pseudo_epochs, 3u);
  EXPECT_EQ(config.buffer.max_serves, 2u);

  EXPECT_EQ(config.training.model, "models/net.pt");
  EXPECT_EQ(config.training.hidden, (std::vector<int>{64, 32, 16}));
  EXPECT_EQ(config.training.batch_size, 32u);
  EXPECT_EQ(config.training.batches, 2000u);
  EXPECT_DOUBLE_EQ(config.training.learning_rate, 0.0005);
  EXPECT_DOUBLE_EQ(config.training.weight_decay, 1e-4);
  EXPECT_EQ(config.training.schedule, config::ScheduleKind::milestones);
  EXPECT_EQ(config.training.milestones, (std::vector<std::size_t>{500, 1500}));
  EXPECT_DOUBLE_EQ(config.training.gamma, 0.1);
  EXPECT_EQ(config.training.validation_every, 250u);
  EXPECT_EQ(config.training.seed, 11u);
  EXPECT_DOUBLE_EQ(config.training.max_seconds, 90.5);

  EXPECT_EQ(config.scheduler.kind, config::SchedulerKind::slurm);
  EXPECT_EQ(config.scheduler.mode, config::SchedulerMode::allocation);
  EXPECT_EQ(config.scheduler.partition, "compute");
  EXPECT_EQ(config.scheduler.account, "proj-42");
  EXPECT_EQ(config.scheduler.time, "1-02:30:00");
  EXPECT_EQ(config.scheduler.server_time, "2-00");
  EXPECT_EQ(config.scheduler.extra_args, (std::vector<std::string>{"--qos=debug", "--constraint=haswell"}));
  EXPECT_EQ(config.scheduler.mpi, "pmi2");
  EXPECT_DOUBLE_EQ(config.scheduler.poll_seconds, 10.5);

  EXPECT_DOUBLE_EQ(config.fault_tolerance.client_timeout, 45.5);
  EXPECT_EQ(config.fault_tolerance.max_restarts, 2u);
  EXPECT_EQ(config.fault_tolerance.on_max_restarts, config::OnMaxRestarts::fail);
  EXPECT_EQ(config.fault_tolerance.checkpoint_every, 250u);
  EXPECT_DOUBLE_EQ(config.fault_tolerance.server_timeout, 30.0);
  EXPECT_EQ(config.fault_tolerance.max_server_restarts, 5u);
}

TEST(ConfigParse, KeepsParametersInInputOrderAndAcceptsIntegersAsFloats) {
  const StudyConfig config = parse_study(kFullStudy, "study.toml");
  ASSERT_EQ(config.parameters.size(), 2u);
  EXPECT_EQ(config.parameters[0], (ParameterRange{"T1", -1.5, 2.5}));
  EXPECT_EQ(config.parameters[1], (ParameterRange{"T0", 100.0, 500.0}));
}

TEST(ConfigParse, AbsentKeysKeepTheirDefaults) {
  const StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  StudyConfig expected;
  expected.study.name = "demo";
  expected.client.command = "simulate {x}";
  expected.client.field_size = 10;
  expected.parameters = {{"x", 0.0, 1.0}};
  expected.source_dir = config.source_dir;
  EXPECT_EQ(config, expected);
}

TEST(ConfigParse, ServerAndBufferDefaults) {
  const StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  EXPECT_EQ(config.server.ranks, 1);
  EXPECT_FALSE(config.server.bind_simulation);
  EXPECT_EQ(config.server.receive_queue, 4);
  EXPECT_EQ(config.server.threads, 0);
  EXPECT_EQ(config.server.device, config::ComputeDevice::automatic);
  EXPECT_EQ(config.buffer.max_serves, 0u);
}

TEST(ConfigParse, SchedulerDefaultsToLocalProcesses) {
  const StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  EXPECT_EQ(config.scheduler.kind, config::SchedulerKind::local);
  EXPECT_EQ(config.scheduler.mode, config::SchedulerMode::jobs);
  EXPECT_EQ(config.scheduler.partition, "");
  EXPECT_EQ(config.scheduler.time, "");
  EXPECT_TRUE(config.scheduler.extra_args.empty());
  EXPECT_EQ(config.scheduler.mpi, "pmix");
  EXPECT_DOUBLE_EQ(config.scheduler.poll_seconds, 2.0);
}

TEST(ConfigParse, SlurmTimesInEveryFormat) {
  for (const std::string time : {"30", "30:15", "12:30:15", "2-12", "2-12:30", "2-12:30:15", "UNLIMITED", ""}) {
    SCOPED_TRACE(time);
    EXPECT_EQ(parse_study(kMinimalStudy, "study.toml", {"scheduler.time=\"" + time + "\""}).scheduler.time, time);
  }
}

TEST(ConfigParse, GlobalBatchSplitsEvenlyOverServerRanks) {
  const StudyConfig config =
      parse_study(kMinimalStudy, "study.toml",
                  {"server.ranks=3", "training.batch_size=30", "buffer.capacity=10", "buffer.watermark=5"});
  EXPECT_EQ(config.server.ranks, 3);
  EXPECT_EQ(config.training.batch_size, 30u);  // 10 per rank: fits a 10-sample buffer
}

TEST(ConfigParse, SourceDirIsTheCurrentDirectoryForText) {
  EXPECT_EQ(parse_study(kMinimalStudy, "study.toml").source_dir, std::filesystem::current_path());
}

TEST(ConfigParse, LoadStudyReadsTheFileAndRecordsItsDirectory) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "apiary_config_load";
  std::filesystem::create_directories(dir);
  const auto file = dir / "study.toml";
  std::ofstream(file) << kMinimalStudy;

  const StudyConfig config = load_study(file, {"training.batch_size=4"});
  EXPECT_EQ(config.study.name, "demo");
  EXPECT_EQ(config.training.batch_size, 4u);
  EXPECT_TRUE(config.source_dir.is_absolute());
  EXPECT_EQ(std::filesystem::canonical(config.source_dir), std::filesystem::canonical(dir));
}

TEST(ConfigParse, LoadStudyNamesTheFileInErrors) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "apiary_config_errors";
  std::filesystem::create_directories(dir);
  const auto file = dir / "bad.toml";
  std::ofstream(file) << test::with(kMinimalStudy, "field_size = 10", "field_size = 0");
  try {
    load_study(file);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), file.string() + ": client.field_size: must be a positive integer, got 0");
  }
}

TEST(ConfigParse, LoadStudyReportsAMissingFile) {
  try {
    load_study("/nonexistent/apiary/study.toml");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/apiary/study.toml"), std::string::npos) << error.what();
  }
}

TEST(ConfigParse, TheHeatExampleParses) {
  const StudyConfig config = load_study(APIARY_SOURCE_DIR "/examples/heat-pde/study.toml");
  EXPECT_EQ(config.study.name, "heat-pde");
  EXPECT_EQ(config.study.sampler, config::SamplerKind::halton);
  EXPECT_EQ(config.client.field, "temperature");
  EXPECT_EQ(config.client.field_size, 10000u);
  ASSERT_EQ(config.parameters.size(), 5u);
  for (std::size_t i = 0; i < config.parameters.size(); ++i) {
    EXPECT_EQ(config.parameters[i].name, "T" + std::to_string(i));
    // Each parameter is a placeholder of the command.
    EXPECT_NE(config.client.command.find("{" + config.parameters[i].name + "}"), std::string::npos);
  }
  // The demo keeps every training sample: the buffer must hold them all.
  EXPECT_GE(config.buffer.capacity, config.study.simulations * config.client.time_steps);
  EXPECT_EQ(config.training.schedule, config::ScheduleKind::cosine);
}

}  // namespace
}  // namespace apiary::config
