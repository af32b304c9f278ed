// to_toml writes the whole study, defaults included, and parse_study reads
// it back to an equal config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/study_config.hpp"
#include "study_text.hpp"

namespace apiary::config {
namespace {

using test::kFullStudy;
using test::kMinimalStudy;
using ::testing::HasSubstr;

StudyConfig round_trip(const StudyConfig& config) { return parse_study(to_toml(config), "to_toml"); }

TEST(ConfigRoundTrip, EveryKeySet) {
  const StudyConfig config = parse_study(kFullStudy, "study.toml");
  EXPECT_EQ(round_trip(config), config) << to_toml(config);
}

TEST(ConfigRoundTrip, DefaultsAreWrittenOut) {
  const StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  const std::string text = to_toml(config);
  for (const std::string expected :
       {"[study]", "[client]", "[[parameters]]", "[server]", "[buffer]", "[training]", "host = \"auto\"",
        "kind = \"reservoir\"", "hidden = [256, 256]", "milestones = []", "learning_rate = 0.001", "gamma = 0.5",
        "ranks = 1", "bind_simulation = false", "receive_queue = 4", "max_serves = 0", "max_seconds = 0.0"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  for (const std::string expected : {"[scheduler]\nkind = \"local\"\nmode = \"jobs\"\n", "extra_args = []\n",
                                     "mpi = \"pmix\"\n", "poll_seconds = 2.0\n"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  EXPECT_EQ(round_trip(config), config) << text;
}

TEST(ConfigRoundTrip, AwkwardStringsAndNumbers) {
  StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  config.client.command = "sh -c 'echo \"{x}\" \\\\ done'\ttab\nnewline";
  config.client.field = "température";
  config.parameters = {{"a", -1e-300, 0.1}, {"b", 1.0 / 3.0, 1e300}, {"c", -7.0, -6.999999999999}};
  config.training.learning_rate = 3e-7;
  config.study.seed = 9223372036854775807u;
  EXPECT_EQ(round_trip(config), config) << to_toml(config);
}

TEST(ConfigRoundTrip, SchedulerArguments) {
  StudyConfig config = parse_study(kFullStudy, "study.toml");
  config.scheduler.extra_args = {"--comment=a \"quoted\" word", "--x=\\", "é"};
  EXPECT_EQ(round_trip(config), config) << to_toml(config);
}

TEST(ConfigRoundTrip, BooleansAreWrittenAsTomlBooleans) {
  StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  config.server.bind_simulation = true;
  EXPECT_THAT(to_toml(config), HasSubstr("bind_simulation = true\n"));
  EXPECT_EQ(round_trip(config), config);
}

TEST(ConfigRoundTrip, KeepsParameterOrder) {
  const StudyConfig config = parse_study(kFullStudy, "study.toml");
  const std::string text = to_toml(config);
  EXPECT_LT(text.find("name = \"T1\""), text.find("name = \"T0\"")) << text;
}

TEST(ConfigRoundTrip, RefusesASeedTomlCannotHold) {
  StudyConfig config = parse_study(kMinimalStudy, "study.toml");
  config.study.seed = 9223372036854775808u;
  EXPECT_THROW(to_toml(config), ConfigError);
}

}  // namespace
}  // namespace apiary::config
