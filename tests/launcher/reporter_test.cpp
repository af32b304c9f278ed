// What the user sees of the launcher: progress on stdout unless quiet,
// faults on stderr always, in the words the integration tests look for.
#include "launcher/study/reporter.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace apiary::launcher {
namespace {

namespace fs = std::filesystem;

TEST(Reporter, QuietSilencesProgressButNotFaults) {
  std::ostringstream out, err;
  Reporter quiet(true, out, err);
  quiet.say("[   2.0s] simulations 0/4 done");
  quiet.simulations_requeued(2);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "2 completed simulations have time steps the server lost with its restart; running them again\n");

  std::ostringstream loud_out, loud_err;
  Reporter(false, loud_out, loud_err).say("first\nsecond");
  EXPECT_EQ(loud_out.str(), "first\nsecond\n");
}

TEST(Reporter, ClientFaultsNameTheSimulationTheDecisionAndTheEndOfItsLog) {
  const auto log = fs::temp_directory_path() / ("apiary-reporter-" + std::to_string(::getpid()) + ".log");
  std::ofstream(log) << "one\ntwo\nthree\nfour\nfive\nsix\n";
  std::ostringstream out, err;
  Reporter reporter(false, out, err);
  reporter.client_relaunched({3, 1, ""}, 1, 3, log);
  EXPECT_EQ(err.str(), "simulation 3 failed (exit code 1); relaunching it (restart 1 of 3); the end of " +
                           log.string() + ":\n  | two\n  | three\n  | four\n  | five\n  | six\n");
  err.str("");
  reporter.client_redrawn({3, 3, ""}, 1, 8);
  EXPECT_EQ(err.str(),
            "simulation 3 failed (exit code 3) after 1 restarts; simulation 8 takes its place with new "
            "parameters\n");
  err.str("");
  reporter.client_failed({5, -1, "no time step for 31 s (fault_tolerance.client_timeout)"}, 2, log);
  EXPECT_EQ(err.str().rfind("simulation 5 failed (exit code -1, no time step for 31 s "
                            "(fault_tolerance.client_timeout)) after 2 restarts; the end of " +
                                log.string() + ":\n  | two\n",
                            0),
            0u)
      << err.str();
  err.str("");
  reporter.server_restarting("the server exited (code 9)", 1, 3, log);
  EXPECT_EQ(err.str().rfind("the server exited (code 9); restarting it from its last checkpoint (restart 1 of 3)", 0),
            0u);
  EXPECT_EQ(out.str(), "");
  fs::remove(log);
}

}  // namespace
}  // namespace apiary::launcher
