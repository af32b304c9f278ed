// Short commands run to completion with their output, or are killed at
// their time limit.
#include "launcher/scheduler/process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace apiary::launcher {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(RunCommand, CapturesOutputErrorsAndExitCode) {
  const auto result = run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(10000));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_EQ(result.describe(milliseconds(10000)), "exit code 3: err");
}

TEST(RunCommand, PassesTheEnvironment) {
  const auto result = run_command({"/bin/sh", "-c", "echo \"$APIARY_TEST_VALUE\""}, milliseconds(10000),
                                  {{"APIARY_TEST_VALUE", "a,b c"}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "a,b c\n");
}

TEST(RunCommand, KillsACommandAtItsTimeLimit) {
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_command({"/bin/sh", "-c", "sleep 20"}, milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.describe(milliseconds(300)), HasSubstr("no answer within 0.3 s"));
}

TEST(RunCommand, AMissingCommandIsAResultNotAnException) {
  const auto result = run_command({"apiary-no-such-command"}, milliseconds(1000));
  EXPECT_EQ(result.exit_code, -1);
  EXPECT_THAT(result.describe(milliseconds(1000)), HasSubstr("could not start"));
}

TEST(ShellQuoted, SurvivesQuotesAndBlanks) {
  const std::string word = "it's a \"test\" $HOME `x`";
  const auto result = run_command({"/bin/sh", "-c", "printf %s " + shell_quoted(word)}, milliseconds(10000));
  EXPECT_EQ(result.out, word);
}

}  // namespace
}  // namespace apiary::launcher
