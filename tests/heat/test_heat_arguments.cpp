// Bad inputs are rejected with a message naming them: the command-line
// parser and validate() in-process, heat-dump and apiary-heat as processes
// (exit status 2 and the usage text).
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "heat_mpi.hpp"
#include "heat_reference.hpp"
#include "heat_solver.hpp"

namespace heat {
namespace {

using testing::run_command;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// The message of the std::invalid_argument that parsing then validating
// (with `ranks` ranks) throws, or "" when the arguments are accepted.
std::string rejection(const std::string& arguments, int ranks = 1) {
  try {
    validate(parse_command_line(split(arguments)), ranks);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(HeatArguments, ParsesPositionalArgumentsAndOptionsAnywhere) {
  const HeatProblem p =
      parse_command_line(split("40 --snapshots 7 30 100 250.5 100 200 400 500 --final-time=2.5 --tolerance 1e-6"));
  EXPECT_EQ(p.nx, 40);
  EXPECT_EQ(p.ny, 30);
  EXPECT_EQ(p.nsteps, 100);
  EXPECT_EQ(p.t0, 250.5);
  EXPECT_EQ(p.walls[kLeft], 100);
  EXPECT_EQ(p.walls[kRight], 200);
  EXPECT_EQ(p.walls[kBottom], 400);
  EXPECT_EQ(p.walls[kTop], 500);
  EXPECT_EQ(p.snapshots, 7);
  EXPECT_EQ(p.final_time, 2.5);
  EXPECT_EQ(p.tolerance, 1e-6);
  const HeatProblem defaults = parse_command_line(split("4 4 1 -5 0 0 0 0"));
  EXPECT_EQ(defaults.t0, -5);
  EXPECT_EQ(defaults.snapshots, 100);
  EXPECT_EQ(defaults.final_time, 1);
  EXPECT_EQ(defaults.tolerance, 1e-4);
  EXPECT_EQ(rejection("4 4 1 -5 0 0 0 0", 4), "");
}

TEST(HeatArguments, RejectsBadArgumentsWithAMessageNamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected 8 arguments"},
      {"10 10 10 300 100 200 400", "expected 8 arguments (nx ny nsteps T0 T1 T2 T3 T4), got 7"},
      {"10 10 10 300 100 200 400 500 600", "got 9"},
      {"ten 10 10 300 100 200 400 500", "nx must be an integer (got 'ten')"},
      {"10 10.5 10 300 100 200 400 500", "ny must be an integer (got '10.5')"},
      {"10 10 10 300 100 200 4OO 500", "T3 must be a number (got '4OO')"},
      {"10 10 10 300 100 200 400 500 --snapshots", "option --snapshots needs a value"},
      {"10 10 10 300 100 200 400 500 --steps 3", "unknown option --steps"},
      {"10 10 10 300 100 200 400 500 --snapshots x", "--snapshots must be an integer (got 'x')"},
      {"0 10 10 300 100 200 400 500", "nx must be at least 1 (got 0)"},
      {"10 -1 10 300 100 200 400 500", "ny must be at least 1 (got -1)"},
      {"10 10 0 300 100 200 400 500", "nsteps must be at least 1 (got 0)"},
      {"10 10 10 300 100 200 400 500 --snapshots 0", "snapshots must be at least 1 (got 0)"},
      {"10 10 10 300 100 200 400 500 --final-time 0", "final time must be positive (got 0)"},
      {"10 10 10 300 100 200 400 500 --tolerance 0", "tolerance must lie in (0, 1) (got 0)"},
      {"10 10 10 nan 100 200 400 500", "T0 must be finite"},
      {"10 10 10 300 100 inf 400 500", "T2 must be finite"},
  };
  for (const auto& [arguments, message] : cases) {
    EXPECT_NE(rejection(arguments).find(message), std::string::npos)
        << "arguments '" << arguments << "' gave '" << rejection(arguments) << "', expected '" << message << "'";
  }
  EXPECT_EQ(rejection("10 3 10 300 100 200 400 500", 4),
            "the number of ranks (4) must not exceed ny (3): each rank needs at least one row");
}

TEST(HeatArguments, SolveValidatesItsProblem) {
  HeatProblem p;
  p.nx = 4;
  p.ny = 0;
  p.walls = {1, 2, 3, 4};
  testing::ensure_mpi();
  EXPECT_THROW(solve(p, MPI_COMM_SELF, {}), std::invalid_argument);
}

// A program's answer to bad arguments: exit status 2, the reason, the usage.
void expect_usage_error(const std::string& command, const std::string& message, const std::string& program) {
  std::string output;
  EXPECT_EQ(run_command(command, output), 2) << command << "\n" << output;
  EXPECT_NE(output.find(program + ": " + message), std::string::npos) << command << "\n" << output;
  EXPECT_NE(output.find("usage: " + program), std::string::npos) << command << "\n" << output;
}

TEST(HeatArguments, HeatDumpExitsWithStatus2AndTheUsage) {
  const std::string dump = APIARY_BIN_DIR "/heat-dump /dev/null ";
  expect_usage_error(dump + "10 10 10 300 100 200 400", "expected 8 arguments", "heat-dump");
  expect_usage_error(std::string(testing::kMpirun) + " -n 4 " + dump + "10 3 10 300 100 200 400 500",
                     "the number of ranks (4) must not exceed ny (3)", "heat-dump");
}

TEST(HeatArguments, ApiaryHeatExitsWithStatus2AndTheUsage) {
  const std::string program = APIARY_BIN_DIR "/apiary-heat";
  if (!std::filesystem::exists(program)) GTEST_SKIP() << program << " is not built (needs apiary::client)";
  expect_usage_error(program + " 10 10 abc 300 100 200 400 500", "nsteps must be an integer (got 'abc')",
                     "apiary-heat");
  expect_usage_error(std::string(testing::kMpirun) + " -n 2 " + program + " 10 10 10 300 100 200 400 500 --snapshots 0",
                     "the number of snapshots must be at least 1 (got 0)", "apiary-heat");
}

// Valid arguments but no server in the environment: the Apiary error is
// reported as "apiary-heat: <status>: <reason>", exit status 1.
TEST(HeatArguments, ApiaryHeatReportsApiaryErrorsWithStatus1) {
  const std::string program = APIARY_BIN_DIR "/apiary-heat";
  if (!std::filesystem::exists(program)) GTEST_SKIP() << program << " is not built (needs apiary::client)";
  std::string output;
  const std::string command =
      "env -u APIARY_SERVER -u APIARY_SIMULATION_ID APIARY_TIMEOUT_MS=2000 " + program + " 8 8 10 300 100 200 400 500";
  EXPECT_EQ(run_command(command, output), 1) << output;
  EXPECT_EQ(output.rfind("apiary-heat: ", 0), 0U) << output;
  EXPECT_EQ(output.find("usage:"), std::string::npos) << output;
}

}  // namespace
}  // namespace heat
