// libFuzzer target: drives apiary::server::Ingest (registration, validation
// against the study, reassembly, deduplication, accounting) with a sequence
// of messages read from the input (reassembly_input.hpp), and traps as soon
// as an invariant breaks:
//  - every sample reaching the sink is a known simulation's, at a step in
//    range, with the plan's role and inputs, exactly field_size finite
//    values, and (unless a raw or mutated message touched that step) the
//    values every slice carried at their positions;
//  - no (simulation, time step) reaches the sink twice;
//  - each data message has exactly one outcome: rejected under one reason
//    (the reason decode() or the study gives, when they reject it), a
//    duplicate slice, a duplicate step, a new sample, or nothing (a partial
//    step, an end); the counters agree with what the sink received;
//  - the steps being reassembled are exactly those the outcomes leave
//    pending (a partial step waits, a whole or rejected one is gone, the
//    last end of a simulation, and every end after it, drops its partial
//    steps);
//  - a whole step sent while none of its slices is pending yields its
//    sample, or a dropped duplicate when it was complete before;
//  - control messages get a reply that decodes, of the expected type;
//  - finished() is true exactly when the launcher's study_end came and every
//    simulation it listed ended on all its ranks (as many as its hello
//    registered, else as its end messages say);
//  - with server.non_finite = "fail_simulation" (one input in two), a
//    not_finite step fails its simulation: its partial steps are dropped,
//    its later data are rejected (simulation_failed) once they pass the
//    plan and field checks, its ends are still taken, and
//    failed_simulations() is exactly the simulations that failed.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apiary/status.h"
#include "fuzz/reassembly_input.hpp"
#include "protocol/welcome.hpp"

namespace apiary::fuzz {
namespace {

using protocol::MessageType;
using protocol::RejectReason;

#define FUZZ_CHECK(condition)                                                                                     \
  do {                                                                                                            \
    if (!(condition)) {                                                                                           \
      std::fprintf(stderr, "reassembly_fuzzer: invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      __builtin_trap();                                                                                           \
    }                                                                                                             \
  } while (0)

using Key = std::pair<std::uint32_t, std::uint32_t>;  // (simulation, time step)

// APIARY_FUZZ_TRACE=1 prints what became of each message (reproducers).
bool trace = false;

const char* type_name(const protocol::DecodeResult& decoded) {
  if (!decoded.frame) return "garbage";
  constexpr const char* names[] = {"?", "hello", "welcome", "refused", "data", "end", "study_end", "ack"};
  return names[static_cast<int>(decoded.frame->header.type)];
}

const plan::StudyPlan& the_plan() {
  static const plan::StudyPlan plan = study_plan();
  return plan;
}

// The counters that say what became of a message, read before and after it.
struct Snapshot {
  std::uint64_t messages, bytes, time_steps, training, validation, duplicate_steps, duplicate_slices, incomplete,
      refused, rejected_total;
  std::array<std::uint64_t, protocol::kRejectReasonCount> rejected;
  std::size_t pending;
  bool finished;

  explicit Snapshot(const server::Ingest& ingest) {
    const auto& c = ingest.counters();
    messages = c.messages.load();
    bytes = c.bytes.load();
    time_steps = c.time_steps_received.load();
    training = c.training_samples.load();
    validation = c.validation_samples.load();
    duplicate_steps = c.duplicates_dropped.load();
    duplicate_slices = c.duplicate_slices.load();
    incomplete = c.incomplete_steps_dropped.load();
    refused = c.registrations_refused.load();
    rejected_total = 0;
    for (int i = 0; i < protocol::kRejectReasonCount; ++i) {
      rejected[i] = c.rejected[i].load();
      rejected_total += rejected[i];
    }
    pending = ingest.pending_steps();
    finished = ingest.finished();
  }
  std::uint64_t outcomes() const { return rejected_total + duplicate_slices + duplicate_steps + time_steps; }

  // What changed from `before` to this snapshot, in words.
  std::string change_from(const Snapshot& before) const {
    std::string out;
    for (int i = 0; i < protocol::kRejectReasonCount; ++i) {
      if (rejected[i] != before.rejected[i]) {
        out += " rejected:" + std::string(protocol::reject_reason_name(static_cast<RejectReason>(i)));
      }
    }
    if (duplicate_slices != before.duplicate_slices) out += " duplicate_slice";
    if (duplicate_steps != before.duplicate_steps) out += " duplicate_step";
    if (time_steps != before.time_steps) out += " sample";
    if (refused != before.refused) out += " refused";
    if (incomplete != before.incomplete) out += " incomplete_dropped:" + std::to_string(incomplete - before.incomplete);
    if (finished != before.finished) out += finished ? " finished" : " unfinished";
    return out + " pending:" + std::to_string(pending);
  }
};

void trace_message(const char* socket, const protocol::DecodeResult& decoded, const Snapshot& before,
                   const Snapshot& after) {
  std::string what = type_name(decoded);
  if (decoded.frame) {
    const auto& h = decoded.frame->header;
    what += " sim " + std::to_string(h.simulation_id) + " step " + std::to_string(h.time_step) + " rank " +
            std::to_string(h.client_rank) + "/" + std::to_string(h.client_ranks);
    if (h.type == MessageType::data) {
      what +=
          " [" + std::to_string(h.offset) + ", +" + std::to_string(h.length) + ") of " + std::to_string(h.global_size);
    }
    if (!decoded.frame->name.empty()) what += " '" + std::string(decoded.frame->name) + "'";
  }
  std::fprintf(stderr, "%-7s %s ->%s\n", socket, what.c_str(), after.change_from(before).c_str());
}

class Harness {
 public:
  Harness(std::uint64_t field_size, bool fail_simulations)
      : field_size_(field_size),
        fail_simulations_(fail_simulations),
        ingest_(ingest_options(field_size, fail_simulations), the_plan(),
                [this](server::SamplePtr sample, plan::Role role) { on_sample(std::move(sample), role); }) {}

  // Where a data-socket message comes from: clean and poisoned ones are a
  // record's message as built, whose values are value_of() at their
  // positions (but one, not finite, when poisoned); foreign ones are raw or
  // mutated bytes.
  enum class Origin { clean, poisoned, foreign };

  void data(const std::vector<std::byte>& message, Origin origin) {
    data_outcome(message, origin);
    check_state();
  }

  void data_outcome(const std::vector<std::byte>& message, Origin origin) {
    const auto decoded = protocol::decode(message);
    if (origin == Origin::foreign && decoded.frame && decoded.frame->header.type == MessageType::data) {
      tainted_.insert({decoded.frame->header.simulation_id, decoded.frame->header.time_step});
    }
    const Snapshot before(ingest_);
    const std::size_t sunk_before = samples_;
    in_data_ = true;
    ingest_.handle_data(message);
    in_data_ = false;
    const Snapshot after(ingest_);
    const std::uint64_t new_samples = samples_ - sunk_before;
    if (trace) trace_message("data", decoded, before, after);

    FUZZ_CHECK(after.messages == before.messages + 1);
    FUZZ_CHECK(after.bytes == before.bytes + message.size());
    FUZZ_CHECK(after.refused == before.refused);
    FUZZ_CHECK(after.outcomes() - before.outcomes() <= 1);
    FUZZ_CHECK(after.time_steps - before.time_steps == new_samples);
    FUZZ_CHECK(new_samples <= 1);
    FUZZ_CHECK(after.training + after.validation == after.time_steps);
    FUZZ_CHECK(after.pending <= the_plan().simulations.size() * kTimeSteps);

    const auto expected = expected_rejection(decoded);
    if (expected) {
      // Rejected before reassembly: counted under that reason, nothing else.
      FUZZ_CHECK(after.rejected_total == before.rejected_total + 1);
      FUZZ_CHECK(after.rejected[static_cast<int>(*expected)] == before.rejected[static_cast<int>(*expected)] + 1);
      FUZZ_CHECK(new_samples == 0);
      FUZZ_CHECK(after.incomplete == before.incomplete);
      if (*expected == RejectReason::field_size_mismatch) {
        // A slice that does not fit the study drops its step's partial
        // reassembly, like any inconsistent slice.
        const Key key{decoded.frame->header.simulation_id, decoded.frame->header.time_step};
        FUZZ_CHECK(after.pending + (pending_.erase(key) ? 1 : 0) == before.pending);
      } else {
        FUZZ_CHECK(after.pending == before.pending);
      }
      FUZZ_CHECK(after.pending == pending_.size());
      return;
    }
    const auto& h = decoded.frame->header;
    const Key key{h.simulation_id, h.time_step};
    if (h.type == MessageType::end) {
      // An end completes nothing, even a failed simulation's; once every
      // rank of its simulation ended (as many as its hello registered, else
      // as the end says), each end drops the simulation's partial steps,
      // all of them.
      FUZZ_CHECK(after.outcomes() == before.outcomes());
      FUZZ_CHECK(after.pending <= before.pending);
      const std::uint64_t dropped = after.incomplete - before.incomplete;
      FUZZ_CHECK(dropped == before.pending - after.pending);
      const auto registered = registered_ranks_.find(key.first);
      const std::uint32_t ranks = registered != registered_ranks_.end() ? registered->second : h.client_ranks;
      auto& ended_ranks = ended_ranks_[key.first];
      ended_ranks.insert(h.client_rank);
      std::size_t partial = 0;
      if (ended_ranks.size() >= ranks) {
        ended_.insert(key.first);
        partial = std::erase_if(pending_, [&](const Key& k) { return k.first == key.first; });
      }
      FUZZ_CHECK(dropped == partial);
      FUZZ_CHECK(after.pending == pending_.size());
      return;
    }

    // A data message that reached reassembly: exactly one outcome.
    FUZZ_CHECK(after.incomplete == before.incomplete);
    const bool was_pending = pending_.contains(key);
    const std::size_t pending_if_gone = before.pending - (was_pending ? 1 : 0);
    if (after.outcomes() == before.outcomes()) {  // partial: the step waits for more slices
      FUZZ_CHECK(after.pending == pending_if_gone + 1);
      pending_.insert(key);
    } else if (after.duplicate_slices > before.duplicate_slices) {  // this rank's slice was there already
      FUZZ_CHECK(was_pending && after.pending == before.pending);
    } else if (after.rejected_total > before.rejected_total) {
      // The slice and the step's partial reassembly are dropped.
      const auto grew = [&](RejectReason reason) {
        return after.rejected[static_cast<int>(reason)] - before.rejected[static_cast<int>(reason)];
      };
      FUZZ_CHECK(grew(RejectReason::inconsistent_ranks) + grew(RejectReason::not_finite) == 1);
      FUZZ_CHECK(origin != Origin::clean || grew(RejectReason::not_finite) == 0);
      pending_.erase(key);
      std::size_t others_dropped = 0;
      if (grew(RejectReason::not_finite) == 1 && fail_simulations_) {
        // server.non_finite = "fail_simulation": the simulation fails and
        // its other partial steps go too, counted nowhere; the steps it
        // completed before stay.
        FUZZ_CHECK(failed_.insert(key.first).second);
        others_dropped = std::erase_if(pending_, [&](const Key& k) { return k.first == key.first; });
      }
      FUZZ_CHECK(after.pending == pending_if_gone - others_dropped);
    } else if (after.duplicate_steps > before.duplicate_steps) {  // whole again: a replay, dropped
      FUZZ_CHECK(sunk_.contains(key) && after.pending == pending_if_gone);
      pending_.erase(key);
    } else {  // whole and new: a sample
      FUZZ_CHECK(new_samples == 1 && last_sample_ == key && after.pending == pending_if_gone);
      pending_.erase(key);
    }
    FUZZ_CHECK(after.pending == pending_.size());
  }

  void control(const std::vector<std::byte>& message) {
    control_reply(message);
    check_state();
  }

  void control_reply(const std::vector<std::byte>& message) {
    const auto decoded = protocol::decode(message);
    const Snapshot before(ingest_);
    const std::size_t sunk_before = samples_;
    const auto reply_bytes = ingest_.handle_control(message);
    const Snapshot after(ingest_);
    if (trace) trace_message("control", decoded, before, after);

    FUZZ_CHECK(samples_ == sunk_before);
    FUZZ_CHECK(after.messages == before.messages && after.bytes == before.bytes);
    FUZZ_CHECK(after.time_steps == before.time_steps && after.pending == before.pending);
    FUZZ_CHECK(after.duplicate_slices == before.duplicate_slices);
    FUZZ_CHECK(after.duplicate_steps == before.duplicate_steps);
    const auto reply = protocol::decode(reply_bytes);
    FUZZ_CHECK(reply.frame.has_value());
    const auto& r = reply.frame->header;

    if (!decoded.frame) {
      FUZZ_CHECK(r.type == MessageType::refused);
      FUZZ_CHECK(r.status == (decoded.reason == RejectReason::unsupported_version
                                  ? static_cast<std::uint32_t>(APIARY_STATUS_VERSION_MISMATCH)
                                  : static_cast<std::uint32_t>(APIARY_STATUS_REFUSED)));
      FUZZ_CHECK(after.rejected_total == before.rejected_total + 1);
      FUZZ_CHECK(after.rejected[static_cast<int>(decoded.reason)] ==
                 before.rejected[static_cast<int>(decoded.reason)] + 1);
      FUZZ_CHECK(after.refused == before.refused);
      return;
    }
    const auto& h = decoded.frame->header;
    if (h.type == MessageType::hello) {
      FUZZ_CHECK(after.rejected_total == before.rejected_total);
      const bool welcome =
          the_plan().find(h.simulation_id) != nullptr && decoded.frame->name == kField && h.global_size == field_size_;
      if (welcome) {
        FUZZ_CHECK(r.type == MessageType::welcome);
        FUZZ_CHECK(after.refused == before.refused);
        FUZZ_CHECK(r.simulation_id == h.simulation_id && r.global_size == field_size_);
        const auto payload = protocol::welcome_payload(*reply.frame);
        FUZZ_CHECK(payload.steps_expected == kTimeSteps && payload.routing == protocol::Routing::round_robin);
        FUZZ_CHECK(
            (payload.data_endpoints == std::vector<std::string>{"tcp://fuzz-rank0:5556", "tcp://fuzz-rank1:5557"}));
        registered_ranks_[h.simulation_id] = h.client_ranks;
      } else {
        FUZZ_CHECK(r.type == MessageType::refused);
        FUZZ_CHECK(after.refused == before.refused + 1);
        FUZZ_CHECK(!reply.frame->payload.empty());
      }
      return;
    }
    FUZZ_CHECK(after.refused == before.refused);
    if (h.type == MessageType::study_end) {
      FUZZ_CHECK(r.type == MessageType::ack);
      FUZZ_CHECK(after.rejected_total == before.rejected_total);
      FUZZ_CHECK(ingest_.study_ended());
      // The simulations the launcher saw complete, the last study_end's.
      study_ended_ = true;
      awaited_.resize(decoded.frame->payload.size() / sizeof(std::uint32_t));
      if (!awaited_.empty()) {
        std::memcpy(awaited_.data(), decoded.frame->payload.data(), awaited_.size() * sizeof(std::uint32_t));
      }
      return;
    }
    FUZZ_CHECK(r.type == MessageType::refused);
    FUZZ_CHECK(after.rejected[static_cast<int>(RejectReason::unknown_type)] ==
               before.rejected[static_cast<int>(RejectReason::unknown_type)] + 1);
    FUZZ_CHECK(after.rejected_total == before.rejected_total + 1);
  }

  // Every slice of a step. When the step fits the study and none of its
  // slices is pending, it must complete: a new sample, or a dropped
  // duplicate if it was complete before.
  void step(const StepRecord& record) {
    const Key key{simulation_of(record.simulation), step_of(record.step)};
    const bool known = the_plan().find(key.first) != nullptr && (record.flags & kWrongName) == 0;
    const bool failed = known && failed_.contains(key.first);
    const bool fits = known && !failed && key.second < kTimeSteps && (record.flags & kWrongSize) == 0;
    const bool idle = !pending_.contains(key);
    const bool had_sample = sunk_.contains(key);
    const std::uint64_t duplicates = ingest_.counters().duplicates_dropped.load();
    const std::size_t samples = samples_;
    const std::uint64_t refused = ingest_.counters().rejected[static_cast<int>(RejectReason::simulation_failed)].load();
    const auto slices = step_slices(record);
    for (const auto& slice : slices) data(slice_message(slice, field_size_), Origin::clean);
    if (failed) {  // every slice refused, whatever its step or size
      FUZZ_CHECK(samples_ == samples && ingest_.counters().duplicates_dropped.load() == duplicates);
      FUZZ_CHECK(ingest_.counters().rejected[static_cast<int>(RejectReason::simulation_failed)].load() ==
                 refused + slices.size());
    }
    if (fits && idle) {
      FUZZ_CHECK(!pending_.contains(key));
      if (had_sample) {
        FUZZ_CHECK(samples_ == samples);
        FUZZ_CHECK(ingest_.counters().duplicates_dropped.load() == duplicates + 1);
      } else {
        FUZZ_CHECK(samples_ == samples + 1 && last_sample_ == key);
        FUZZ_CHECK(ingest_.counters().duplicates_dropped.load() == duplicates);
      }
    }
  }

  void finish() const {
    const auto& c = ingest_.counters();
    FUZZ_CHECK(c.time_steps_received.load() == samples_ && sunk_.size() == samples_);
    FUZZ_CHECK(c.training_samples.load() == training_samples_);
    FUZZ_CHECK(c.validation_samples.load() == samples_ - training_samples_);
    FUZZ_CHECK(!ingest_.finished() || ingest_.study_ended());
    FUZZ_CHECK(fail_simulations_ || failed_.empty());
    check_state();
  }

 private:
  // What outlives a message: the failed simulations, the end of the study.
  void check_state() const {
    FUZZ_CHECK(ingest_.failed_simulations() == failed_);
    FUZZ_CHECK(ingest_.study_ended() == study_ended_);
    const bool finished = study_ended_ && std::all_of(awaited_.begin(), awaited_.end(),
                                                      [&](std::uint32_t id) { return ended_.contains(id); });
    FUZZ_CHECK(ingest_.finished() == finished);
  }

  // The reason a data-socket message must be rejected before reassembly,
  // from its bytes and the study alone (docs/protocol.md, "Validation").
  std::optional<RejectReason> expected_rejection(const protocol::DecodeResult& decoded) {
    if (!decoded.frame) return decoded.reason;
    const auto& h = decoded.frame->header;
    if (h.type != MessageType::data && h.type != MessageType::end) return RejectReason::unknown_type;
    if (the_plan().find(h.simulation_id) == nullptr) return RejectReason::unknown_simulation;
    if (decoded.frame->name != kField) return RejectReason::unknown_field;
    if (h.type == MessageType::end) return std::nullopt;  // taken even from a failed simulation
    // A failed simulation's data are refused before any check of the slice.
    if (failed_.contains(h.simulation_id)) return RejectReason::simulation_failed;
    if (h.global_size != field_size_) return RejectReason::field_size_mismatch;
    if (h.time_step >= kTimeSteps) return RejectReason::time_step_out_of_range;
    return std::nullopt;
  }

  void on_sample(server::SamplePtr sample, plan::Role role) {
    FUZZ_CHECK(in_data_);
    FUZZ_CHECK(sample != nullptr);
    const Key key{sample->simulation_id, sample->time_step};
    const plan::PlannedSimulation* simulation = the_plan().find(key.first);
    FUZZ_CHECK(simulation != nullptr);
    FUZZ_CHECK(role == simulation->role);
    FUZZ_CHECK(key.second < kTimeSteps);
    FUZZ_CHECK(sunk_.insert(key).second);  // never twice
    FUZZ_CHECK(sample->inputs.size() == simulation->parameters.size() + 1);
    for (std::size_t i = 0; i < simulation->parameters.size(); ++i) {
      FUZZ_CHECK(sample->inputs[i] == static_cast<float>(simulation->parameters[i]));
    }
    FUZZ_CHECK(sample->inputs.back() == static_cast<float>(key.second));
    FUZZ_CHECK(sample->field.size() == field_size_);
    const bool pristine = !tainted_.contains(key);
    for (std::uint64_t i = 0; i < field_size_; ++i) {
      FUZZ_CHECK(std::isfinite(sample->field[i]));
      if (pristine) FUZZ_CHECK(sample->field[i] == value_of(key.first, key.second, i));
    }
    ++samples_;
    training_samples_ += role == plan::Role::training;
    last_sample_ = key;
  }

  const std::uint64_t field_size_;
  const bool fail_simulations_;  // server.non_finite = "fail_simulation"
  server::Ingest ingest_;
  std::set<Key> sunk_;     // every (simulation, step) the sink received
  std::set<Key> tainted_;  // steps a raw or mutated message may have filled
  std::set<Key> pending_;  // steps being reassembled, as the outcomes tell
  // Simulations a not_finite step failed (only with fail_simulations_).
  std::set<std::uint32_t> failed_;
  // What finished() depends on: the ranks each hello registered (the
  // authority on how many must end), the ranks that ended, the simulations
  // all of whose ranks ended, the launcher's study_end and what it listed.
  std::map<std::uint32_t, std::uint32_t> registered_ranks_;
  std::map<std::uint32_t, std::set<std::uint32_t>> ended_ranks_;
  std::set<std::uint32_t> ended_;
  bool study_ended_ = false;
  std::vector<std::uint32_t> awaited_;
  std::size_t samples_ = 0;
  std::size_t training_samples_ = 0;
  Key last_sample_{0, 0};
  bool in_data_ = false;
};

}  // namespace
}  // namespace apiary::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // rejections are the point here
  apiary::fuzz::trace = std::getenv("APIARY_FUZZ_TRACE") != nullptr;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace apiary::fuzz;
  Reader in({data, size});
  const std::uint8_t study = in.byte();
  const std::uint64_t field_size = study_field_size(study);
  Harness harness(field_size, study_fails_simulations(study));
  if (trace) {
    std::fprintf(stderr, "study: field of %llu values, non_finite = %s\n", static_cast<unsigned long long>(field_size),
                 study_fails_simulations(study) ? "fail_simulation" : "drop");
  }
  while (!in.done()) {
    switch (static_cast<RecordKind>(in.byte() % kRecordKinds)) {
      case RecordKind::slice: {
        const auto slice = read_slice(in);
        harness.data(slice_message(slice, field_size),
                     (slice.flags & kPoisoned) ? Harness::Origin::poisoned : Harness::Origin::clean);
        break;
      }
      case RecordKind::step:
        harness.step(read_step(in));
        break;
      case RecordKind::end:
        harness.data(end_message(read_end(in)), Harness::Origin::clean);
        break;
      case RecordKind::hello:
        harness.control(hello_message(read_hello(in), field_size));
        break;
      case RecordKind::study_end:
        harness.control(study_end_message(read_study_end(in)));
        break;
      case RecordKind::raw_data:
        harness.data(read_raw(in), Harness::Origin::foreign);
        break;
      case RecordKind::raw_control:
        harness.control(read_raw(in));
        break;
      case RecordKind::mutated_slice: {
        auto message = slice_message(read_slice(in), field_size);
        mutate(message, read_mutation(in));
        harness.data(message, Harness::Origin::foreign);
        break;
      }
    }
  }
  harness.finish();
  if (apiary::fuzz::trace) std::fprintf(stderr, "--\n");
  return 0;
}
