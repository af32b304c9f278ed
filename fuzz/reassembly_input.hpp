#pragma once
// The input language of reassembly_fuzzer, shared with the seed generator
// (make_corpus.cpp) so that the seeds mean what the fuzzer reads.
//
// A fuzz input is one byte that picks the field's size (study_field_size)
// and the non-finite policy (study_fails_simulations), then a sequence of
// records. The first byte of a record picks
// its kind (modulo kRecordKinds); the next bytes pick header fields among
// the values that matter to the fixed study below (a known or unknown
// simulation, a step in or out of range, one of 1-4 client ranks, an even
// share of the field or any range), so that mutations mostly make valid,
// interleaved slices and the fuzzer reaches deep reassembly states quickly.
// Raw records carry arbitrary bytes, mutated records flip bits of a slice.
// Past the end of the input every byte reads 0.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plan/study_plan.hpp"
#include "protocol/frame.hpp"
#include "server/ingest/ingest.hpp"

namespace apiary::fuzz {

// The study every input runs against.
inline constexpr std::string_view kField = "temperature";
inline constexpr std::string_view kOtherField = "pressure";
// The field has 16 values, or 4112 (one input in eight), so that slices
// also cross reassembly's blocks of 4096 values.
inline constexpr std::uint64_t kSmallField = 16;
inline constexpr std::uint64_t kWideField = 4096 + 16;
inline std::uint64_t study_field_size(std::uint8_t selector) { return selector % 8 == 7 ? kWideField : kSmallField; }
// Bit 3 of the same byte (one input in two, whatever the field's size):
// server.non_finite = "fail_simulation", a not_finite step fails its
// simulation (IngestOptions::fail_simulation_on_non_finite).
inline bool study_fails_simulations(std::uint8_t selector) { return (selector / 8) % 2 == 1; }
// The first byte of an input with that field size and policy.
inline std::uint8_t study_selector(bool wide_field, bool fail_simulations) {
  return static_cast<std::uint8_t>((wide_field ? 7 : 0) | (fail_simulations ? 8 : 0));
}
inline constexpr std::uint32_t kTimeSteps = 4;
inline constexpr std::uint32_t kMaxClientRanks = 4;
// The simulations a record can name: the plan's four, then one not in it.
inline constexpr std::array<std::uint32_t, 5> kSimulations = {0, 1, 2, 7, 3};
inline constexpr std::uint32_t kUnknownSimulation = 3;

inline plan::StudyPlan study_plan() {
  plan::StudyPlan plan;
  plan.parameter_names = {"conductivity", "source"};
  plan.simulations = {
      {0, plan::Role::training, {0.25, 1.5}},
      {1, plan::Role::validation, {2.0, -0.75}},
      {2, plan::Role::training, {8.0, 0.125}},
      {7, plan::Role::validation, {0.5, 3.0}},
  };
  return plan;
}

inline server::IngestOptions ingest_options(std::uint64_t field_size, bool fail_simulations) {
  server::IngestOptions options;
  options.fail_simulation_on_non_finite = fail_simulations;
  options.field = std::string(kField);
  options.field_size = field_size;
  options.time_steps = kTimeSteps;
  options.data_endpoints = {"tcp://fuzz-rank0:5556", "tcp://fuzz-rank1:5557"};
  options.routing = protocol::Routing::round_robin;
  return options;
}

// Value `index` of step `step` of simulation `simulation`, as every
// well-formed slice carries it: distinct per position, step and simulation
// of the plan, never zero, exact in float32 and float64.
inline float value_of(std::uint32_t simulation, std::uint32_t step, std::uint64_t index) {
  return static_cast<float>(((simulation % 8) * 8 + step % 8) * 8192 + index % 8192) + 0.25f;
}

enum class RecordKind : std::uint8_t {
  slice,          // one data message built from a SliceRecord
  step,           // every slice of a step, evenly split over its client ranks
  end,            // an end message
  hello,          // a hello on the control socket
  study_end,      // the launcher's study_end on the control socket
  raw_data,       // arbitrary bytes on the data socket
  raw_control,    // arbitrary bytes on the control socket
  mutated_slice,  // a SliceRecord's message with one byte xor-ed
};
inline constexpr int kRecordKinds = 8;

// Flags of a slice, step, end or hello record.
inline constexpr std::uint8_t kFloat64 = 1 << 0;     // slice, step: float64 values
inline constexpr std::uint8_t kAnyRange = 1 << 1;    // slice: offset and length bytes follow; step: reverse order
inline constexpr std::uint8_t kWrongName = 1 << 2;   // the field is kOtherField
inline constexpr std::uint8_t kWrongSize = 1 << 3;   // global size one more than the study's
inline constexpr std::uint8_t kPoisoned = 1 << 4;    // slice: one value is not finite; a poison byte follows
inline constexpr std::uint8_t kReverse = kAnyRange;  // step: slices sent last rank first

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> input) : input_(input) {}
  bool done() const { return at_ >= input_.size(); }
  std::uint8_t byte() { return at_ < input_.size() ? input_[at_++] : 0; }
  std::uint16_t u16() {
    const std::uint16_t low = byte();
    return static_cast<std::uint16_t>(low | (byte() << 8));
  }
  // Up to n bytes, fewer at the end of the input.
  std::span<const std::uint8_t> bytes(std::size_t n) {
    const std::size_t count = std::min(n, input_.size() - std::min(at_, input_.size()));
    const auto out = input_.subspan(std::min(at_, input_.size()), count);
    at_ += count;
    return out;
  }

 private:
  std::span<const std::uint8_t> input_;
  std::size_t at_ = 0;
};

class Writer {
 public:
  void byte(std::uint8_t value) { out_.push_back(value); }
  void kind(RecordKind kind) { byte(static_cast<std::uint8_t>(kind)); }
  void u16(std::uint16_t value) {
    byte(static_cast<std::uint8_t>(value & 0xff));
    byte(static_cast<std::uint8_t>(value >> 8));
  }
  void bytes(std::span<const std::byte> values) {
    for (auto b : values) out_.push_back(static_cast<std::uint8_t>(b));
  }
  const std::vector<std::uint8_t>& output() const { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

// Selectors (indices taken modulo what they choose from) of one data message.
struct SliceRecord {
  std::uint8_t simulation = 0;  // kSimulations[simulation % 5]
  std::uint8_t step = 0;        // step % (kTimeSteps + 1): the last is out of range
  std::uint8_t ranks = 0;       // client ranks 1 + ranks % kMaxClientRanks
  std::uint8_t rank = 0;        // rank % client ranks
  std::uint8_t flags = 0;
  std::uint8_t offset = 0;  // kAnyRange: offset % 17 sixteenths of the field
  std::uint8_t length = 0;  // kAnyRange: length % 17 sixteenths of the field, 0 included
  std::uint8_t poison = 0;  // kPoisoned: what (poison % 4) and where (poison / 4 sixty-thirds of the slice)
};

inline SliceRecord read_slice(Reader& in) {
  SliceRecord s;
  s.simulation = in.byte();
  s.step = in.byte();
  s.ranks = in.byte();
  s.rank = in.byte();
  s.flags = in.byte();
  if (s.flags & kAnyRange) {
    s.offset = in.byte();
    s.length = in.byte();
  }
  if (s.flags & kPoisoned) s.poison = in.byte();
  return s;
}

inline void write_slice(Writer& out, const SliceRecord& s) {
  out.byte(s.simulation);
  out.byte(s.step);
  out.byte(s.ranks);
  out.byte(s.rank);
  out.byte(s.flags);
  if (s.flags & kAnyRange) {
    out.byte(s.offset);
    out.byte(s.length);
  }
  if (s.flags & kPoisoned) out.byte(s.poison);
}

inline std::uint32_t simulation_of(std::uint8_t selector) { return kSimulations[selector % kSimulations.size()]; }
inline std::uint32_t step_of(std::uint8_t selector) { return selector % (kTimeSteps + 1); }
inline std::uint32_t ranks_of(std::uint8_t selector) { return 1 + selector % kMaxClientRanks; }

// Rank `rank` of `ranks`' even share of the field: never empty (a field has
// at least kMaxClientRanks values).
inline std::uint64_t share_begin(std::uint64_t field_size, std::uint32_t rank, std::uint32_t ranks) {
  return rank * field_size / ranks;
}
inline std::uint64_t sixteenths(std::uint64_t field_size, std::uint8_t selector) {
  return selector % 17 * field_size / 16;
}

inline std::vector<std::byte> slice_message(const SliceRecord& s, std::uint64_t field_size) {
  protocol::Header h;
  h.type = protocol::MessageType::data;
  h.simulation_id = simulation_of(s.simulation);
  h.time_step = step_of(s.step);
  h.client_ranks = ranks_of(s.ranks);
  h.client_rank = s.rank % h.client_ranks;
  if (s.flags & kAnyRange) {
    h.offset = sixteenths(field_size, s.offset);
    h.length = sixteenths(field_size, s.length);
  } else {
    h.offset = share_begin(field_size, h.client_rank, h.client_ranks);
    h.length = share_begin(field_size, h.client_rank + 1, h.client_ranks) - h.offset;
  }
  h.global_size = (s.flags & kWrongSize) ? field_size + 1 : field_size;
  h.dtype = (s.flags & kFloat64) ? protocol::DType::float64 : protocol::DType::float32;

  std::vector<double> values(h.length);
  for (std::uint64_t i = 0; i < h.length; ++i) values[i] = value_of(h.simulation_id, h.time_step, h.offset + i);
  if ((s.flags & kPoisoned) && h.length > 0) {
    constexpr std::array<double, 4> poisons = {std::numeric_limits<double>::quiet_NaN(),
                                               std::numeric_limits<double>::infinity(),
                                               -std::numeric_limits<double>::infinity(), 1e300};
    values[std::min<std::uint64_t>(h.length - 1, (s.poison / 4) * h.length / 63)] = poisons[s.poison % 4];
  }
  std::vector<std::byte> payload;
  if (h.dtype == protocol::DType::float64) {
    payload.resize(values.size() * sizeof(double));
    if (!values.empty()) std::memcpy(payload.data(), values.data(), payload.size());
  } else {
    std::vector<float> narrow(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      // 1e300 as float32 is infinite: write the infinity itself.
      narrow[i] = std::isfinite(values[i]) && std::fabs(values[i]) > std::numeric_limits<float>::max()
                      ? std::numeric_limits<float>::infinity()
                      : static_cast<float>(values[i]);
    }
    payload.resize(narrow.size() * sizeof(float));
    if (!narrow.empty()) std::memcpy(payload.data(), narrow.data(), payload.size());
  }
  return protocol::encode(h, (s.flags & kWrongName) ? kOtherField : kField, payload);
}

// Step record: simulation, step, ranks and flags selectors; every rank's
// even share, in rank order or (kReverse) the other way round.
struct StepRecord {
  std::uint8_t simulation = 0, step = 0, ranks = 0, flags = 0;
};
inline StepRecord read_step(Reader& in) {
  StepRecord s;
  s.simulation = in.byte();
  s.step = in.byte();
  s.ranks = in.byte();
  s.flags = in.byte();
  return s;
}
inline void write_step(Writer& out, const StepRecord& s) {
  out.byte(s.simulation);
  out.byte(s.step);
  out.byte(s.ranks);
  out.byte(s.flags);
}
inline std::vector<SliceRecord> step_slices(const StepRecord& s) {
  std::vector<SliceRecord> slices;
  const std::uint32_t ranks = ranks_of(s.ranks);
  for (std::uint32_t i = 0; i < ranks; ++i) {
    const std::uint32_t rank = (s.flags & kReverse) ? ranks - 1 - i : i;
    SliceRecord slice;
    slice.simulation = s.simulation;
    slice.step = s.step;
    slice.ranks = s.ranks;
    slice.rank = static_cast<std::uint8_t>(rank);
    slice.flags = s.flags & (kFloat64 | kWrongName | kWrongSize);
    slices.push_back(slice);
  }
  return slices;
}

// End record: simulation, ranks, rank, flags (kWrongName).
struct EndRecord {
  std::uint8_t simulation = 0, ranks = 0, rank = 0, flags = 0;
};
inline EndRecord read_end(Reader& in) {
  EndRecord e;
  e.simulation = in.byte();
  e.ranks = in.byte();
  e.rank = in.byte();
  e.flags = in.byte();
  return e;
}
inline void write_end(Writer& out, const EndRecord& e) {
  out.byte(e.simulation);
  out.byte(e.ranks);
  out.byte(e.rank);
  out.byte(e.flags);
}
inline std::vector<std::byte> end_message(const EndRecord& e) {
  protocol::Header h;
  h.type = protocol::MessageType::end;
  h.simulation_id = simulation_of(e.simulation);
  h.time_step = kTimeSteps;
  h.client_ranks = ranks_of(e.ranks);
  h.client_rank = e.rank % h.client_ranks;
  return protocol::encode(h, (e.flags & kWrongName) ? kOtherField : kField);
}

// Hello record: simulation, ranks, flags (kWrongName, kWrongSize).
struct HelloRecord {
  std::uint8_t simulation = 0, ranks = 0, flags = 0;
};
inline HelloRecord read_hello(Reader& in) {
  HelloRecord r;
  r.simulation = in.byte();
  r.ranks = in.byte();
  r.flags = in.byte();
  return r;
}
inline void write_hello(Writer& out, const HelloRecord& r) {
  out.byte(r.simulation);
  out.byte(r.ranks);
  out.byte(r.flags);
}
inline std::vector<std::byte> hello_message(const HelloRecord& r, std::uint64_t field_size) {
  protocol::Header h;
  h.type = protocol::MessageType::hello;
  h.simulation_id = simulation_of(r.simulation);
  h.client_ranks = ranks_of(r.ranks);
  h.global_size = (r.flags & kWrongSize) ? field_size + 1 : field_size;
  return protocol::encode(h, (r.flags & kWrongName) ? kOtherField : kField);
}

// Study-end record: a count (modulo 6), then that many simulation selectors.
inline std::vector<std::uint32_t> read_study_end(Reader& in) {
  std::vector<std::uint32_t> ids(in.byte() % (kSimulations.size() + 1));
  for (auto& id : ids) id = simulation_of(in.byte());
  return ids;
}
inline void write_study_end(Writer& out, std::span<const std::uint8_t> simulation_selectors) {
  out.byte(static_cast<std::uint8_t>(simulation_selectors.size()));
  for (auto s : simulation_selectors) out.byte(s);
}
inline std::vector<std::byte> study_end_message(const std::vector<std::uint32_t>& ids) {
  protocol::Header h;
  h.type = protocol::MessageType::study_end;
  std::vector<std::byte> payload(ids.size() * sizeof(std::uint32_t));
  if (!ids.empty()) std::memcpy(payload.data(), ids.data(), payload.size());
  return protocol::encode(h, "", payload);
}

// Raw record: a little-endian 16-bit length (modulo kMaxRaw), then that many
// bytes (fewer at the end of the input).
inline constexpr std::size_t kMaxRaw = 2048;
inline std::vector<std::byte> read_raw(Reader& in) {
  const auto bytes = in.bytes(in.u16() % kMaxRaw);
  std::vector<std::byte> out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}
inline void write_raw(Writer& out, std::span<const std::byte> message) {
  out.u16(static_cast<std::uint16_t>(message.size()));
  out.bytes(message);
}

// Mutated slice record: a slice record, then a 16-bit position (modulo the
// message's size) and the byte xor-ed there.
struct Mutation {
  std::uint16_t position = 0;
  std::uint8_t mask = 0;
};
inline Mutation read_mutation(Reader& in) {
  Mutation m;
  m.position = in.u16();
  m.mask = in.byte();
  return m;
}
inline void write_mutation(Writer& out, const Mutation& m) {
  out.u16(m.position);
  out.byte(m.mask);
}
inline void mutate(std::vector<std::byte>& message, const Mutation& m) {
  message[m.position % message.size()] ^= static_cast<std::byte>(m.mask);
}

}  // namespace apiary::fuzz
