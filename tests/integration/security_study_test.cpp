// Security end to end: real studies through `apiary run`, with peers that
// are not the study's clients attacking every server port while the study
// runs (apiary-test-rogue opens the clients' start gate once it is done).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "integration/process.hpp"

namespace apiary::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kValues = 64;
constexpr std::size_t kSteps = 10;

// Synthetic clients that wait at a start gate before streaming.
SmallStudy gated_study(const fs::path& gate) {
  SmallStudy study;
  study.command = "apiary-synthetic --values " + std::to_string(kValues) + " --steps " + std::to_string(kSteps) +
                  " --field field --gate " + gate.string();
  study.field = "field";
  study.field_size = kValues;
  study.time_steps = kSteps;
  return study;
}

std::string rogue(const fs::path& run_dir, const std::string& as, const std::string& more = "") {
  return std::string(APIARY_BIN_DIR) + "/apiary-test-rogue --run-dir " + run_dir.string() + " --as " + as +
         " --field field --field-size " + std::to_string(kValues) + " --time-steps " + std::to_string(kSteps) + " " +
         more;
}

// Runs the study in dir/run with `attack` (a shell command) in the
// background; returns apiary's result once both are done.
CommandResult run_attacked_study(const fs::path& dir, const SmallStudy& study, const std::string& attack) {
  write_text(dir / "study.toml", study.toml());
  return run_command("(" + attack + ") > " + (dir / "rogue.log").string() + " 2>&1 & " + std::string(APIARY_BIN_DIR) +
                     "/apiary run --quiet " + (dir / "study.toml").string() + " --run-dir " + (dir / "run").string() +
                     "; code=$?; wait; exit $code");
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What must not change when others attack: what was received, dropped and
// rejected. (How much of it was stored depends on timing: samples that
// arrive once training has ended are counted, not stored.)
nlohmann::json accounting(const nlohmann::json& summary) {
  nlohmann::json a;
  for (const char* key :
       {"time_steps_received", "time_steps_expected", "training_samples_received", "validation_samples_received",
        "duplicates_dropped", "duplicate_slices", "incomplete_steps_dropped", "messages_rejected", "rejections",
        "registrations_refused", "simulations_completed", "simulations_failed"}) {
    a[key] = summary.at(key);
  }
  return a;
}

TEST(SecurityStudy, PeersWithoutTheStudyKeyReachNoBufferAndChangeNoAccounting) {
  const auto dir = fresh_directory("rogue");
  const auto quiet_dir = dir / "quiet", attacked_dir = dir / "attacked";
  for (const auto& d : {quiet_dir, attacked_dir}) fs::create_directories(d / "gate");

  // The same study, once undisturbed, once attacked.
  write_text(quiet_dir / "gate" / "start", "\n");
  const auto quiet = run_attacked_study(quiet_dir, gated_study(quiet_dir / "gate"), "true");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  const auto run_dir = attacked_dir / "run";
  const auto attacked = run_attacked_study(
      attacked_dir, gated_study(attacked_dir / "gate"),
      rogue(run_dir, "nokey") + " && " + rogue(run_dir, "wrongkey", "--gate " + (attacked_dir / "gate").string()));
  ASSERT_EQ(attacked.exit_code, 0) << attacked.output << read_text(attacked_dir / "rogue.log");

  const auto expected = read_json(quiet_dir / "run" / "summary.json");
  const auto summary = read_json(run_dir / "summary.json");
  EXPECT_EQ(accounting(summary), accounting(expected));
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]);
  EXPECT_EQ(summary["messages_rejected"], 0);
  // Every training sample received was stored, or counted as arriving after training ended.
  EXPECT_EQ(summary["buffer"]["puts"].get<int>() + summary["samples_not_trained_after_training_ended"].get<int>(),
            summary["training_samples_received"].get<int>());
  // Both kinds of peers were turned away, and the server said so. A
  // keyless peer is refused as no_key or, when it hangs up first, as
  // handshake_failed (gatekeeper.hpp).
  const auto& refused = summary["connections_refused"];
  EXPECT_GE(refused.value("no_key", 0) + refused.value("handshake_failed", 0), 1) << refused;
  EXPECT_GE(refused.value("wrong_key", 0), 1) << refused;
  EXPECT_EQ(expected["connections_refused"], nlohmann::json::object());
  const auto log = read_text(run_dir / "server.log");
  EXPECT_TRUE(log.find("refused a connection (no_key)") != std::string::npos ||
              log.find("refused a connection (handshake_failed)") != std::string::npos)
      << log;
  EXPECT_NE(log.find("refused a connection (wrong_key)"), std::string::npos) << log;
  const auto rogue_log = read_text(attacked_dir / "rogue.log");
  EXPECT_EQ(rogue_log.find("answered"), std::string::npos) << rogue_log;

  // The keys stayed private to their owner.
  struct stat status {};
  ASSERT_EQ(::stat((run_dir / "keys" / "client.key").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  fs::remove_all(dir);
}

TEST(SecurityStudy, MalformedMessagesFromAnAuthenticatedClientAreEachRejectedWithTheirReason) {
  const auto dir = fresh_directory("malformed");
  fs::create_directories(dir / "gate");
  const auto run_dir = dir / "run";
  const auto result =
      run_attacked_study(dir, gated_study(dir / "gate"), rogue(run_dir, "client", "--gate " + (dir / "gate").string()));
  ASSERT_EQ(result.exit_code, 0) << result.output << read_text(dir / "rogue.log");
  const auto summary = read_json(run_dir / "summary.json");
  const nlohmann::json expected_rejections = {
      {"truncated", 1},       {"oversized", 1},  {"unsupported_version", 1}, {"offset_out_of_range", 1},
      {"length_mismatch", 1}, {"not_finite", 1}, {"unknown_simulation", 1}};
  EXPECT_EQ(summary["rejections"], expected_rejections);
  EXPECT_EQ(summary["messages_rejected"], 7);
  // The server kept going: every step of the study arrived and training ran to its end.
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]);
  EXPECT_EQ(summary["batches"], SmallStudy{}.batches);
  const auto log = read_text(run_dir / "server.log");
  for (const auto& [reason, count] : expected_rejections.items()) {
    EXPECT_NE(log.find("rejected a message (" + reason + ")"), std::string::npos) << reason << "\n" << log;
  }
  fs::remove_all(dir);
}

TEST(SecurityStudy, SecurityOffRunsWithAWarningAndNoKeys) {
  const auto dir = fresh_directory("insecure");
  fs::create_directories(dir / "gate");
  write_text(dir / "gate" / "start", "\n");
  write_text(dir / "study.toml", gated_study(dir / "gate").toml());
  const auto result = run_command(std::string(APIARY_BIN_DIR) + "/apiary run --quiet " + (dir / "study.toml").string() +
                                  " --run-dir " + (dir / "run").string() + " --set server.security=none");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("server.security = \"none\""), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(dir / "run" / "keys"));
  EXPECT_EQ(read_json(dir / "run" / "summary.json")["time_steps_received"], 8 * kSteps);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace apiary::testing
