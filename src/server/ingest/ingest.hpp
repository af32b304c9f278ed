#pragma once
// The server's reception logic without sockets: registration of client
// fields, validation of every message against the study, reassembly,
// deduplication and accounting. The receiver thread drives it; tests call
// it directly with bytes.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/study_plan.hpp"
#include "protocol/frame.hpp"
#include "server/ingest/ingest_state.hpp"
#include "server/ingest/reassembler.hpp"
#include "server/ingest/simulation_progress.hpp"
#include "server/samples/sample.hpp"

namespace apiary::server {

struct IngestOptions {
  std::string field;  // the one field the study trains on
  std::uint64_t field_size = 0;
  std::uint32_t time_steps = 0;             // steps each simulation sends
  std::vector<std::string> data_endpoints;  // every server rank's, told to clients at registration
  protocol::Routing routing = protocol::Routing::round_robin;
  // A step with NaN or infinity is always dropped; true also fails its
  // simulation: its further data are rejected (simulation_failed).
  bool fail_simulation_on_non_finite = false;
};

struct IngestCounters {
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> time_steps_received{0};  // distinct (simulation, step) completed
  std::atomic<std::uint64_t> training_samples{0};
  std::atomic<std::uint64_t> validation_samples{0};
  std::atomic<std::uint64_t> duplicates_dropped{0};  // replayed steps, dropped when whole again
  std::atomic<std::uint64_t> duplicate_slices{0};
  std::atomic<std::uint64_t> incomplete_steps_dropped{0};  // slices missing when their simulation ended
  std::atomic<std::uint64_t> registrations_refused{0};
  std::array<std::atomic<std::uint64_t>, protocol::kRejectReasonCount> rejected{};

  std::uint64_t messages_rejected() const;
};

class Ingest {
 public:
  using SampleSink = std::function<void(SamplePtr, plan::Role)>;
  Ingest(IngestOptions options, plan::StudyPlan plan, SampleSink sink);

  // A message from a client's data socket (data or end).
  void handle_data(std::span<const std::byte> message);
  // A request on the control socket (hello, study_end, simulation_added);
  // returns the reply.
  std::vector<std::byte> handle_control(std::span<const std::byte> message);

  // True once the launcher announced the end of the study and every
  // simulation it reported as completed has ended on all its ranks.
  bool finished() const;
  bool study_ended() const { return study_ended_; }
  const IngestCounters& counters() const { return counters_; }
  std::size_t pending_steps() const { return reassembler_.pending_steps(); }
  // Simulations failed for sending NaN or infinity (fail_simulation_on_non_finite).
  const std::set<std::uint32_t>& failed_simulations() const { return failed_simulations_; }
  // Thread safe: steps completed per simulation, and when last.
  std::map<std::uint32_t, SimulationSteps> simulation_progress() const { return progress_.snapshot(); }

  // For checkpoints, while no other thread calls this Ingest (the receiver
  // paused or not started): the state to keep, and a restore of it, after
  // which replays of the saved steps are dropped as duplicates.
  IngestState snapshot() const;
  void restore(const IngestState& state);

 private:
  std::vector<std::byte> handle_hello(const protocol::Frame& frame);
  std::vector<std::byte> handle_simulation_added(const protocol::Frame& frame);
  void handle_end(const protocol::Frame& frame);
  void count_rejection(protocol::RejectReason reason, const std::string& detail);
  void fail_simulation(std::uint32_t simulation_id, std::uint32_t time_step);

  IngestOptions options_;
  plan::StudyPlan plan_;
  SampleSink sink_;
  Reassembler reassembler_;
  IngestCounters counters_;
  std::unordered_map<std::uint32_t, std::set<std::uint32_t>> ended_ranks_;  // simulation -> ranks that ended
  std::unordered_map<std::uint32_t, std::uint32_t> client_ranks_;           // simulation -> ranks
  std::set<std::uint32_t> simulations_ended_;
  std::set<std::uint32_t> failed_simulations_;
  bool study_ended_ = false;
  std::vector<std::uint32_t> awaited_;  // simulations the launcher saw complete
  SimulationProgress progress_;
};

}  // namespace apiary::server
