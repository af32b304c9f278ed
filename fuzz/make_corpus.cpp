// Writes the seed inputs of both fuzzers, deterministically:
//   make_fuzz_corpus DIR   ->  DIR/decode/seed-*, DIR/reassembly/seed-*
// The seeds in fuzz/corpus/ come from here (docs/fuzzing.md); the other
// files there are inputs libFuzzer found and kept (-merge=1).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/reassembly_input.hpp"
#include "protocol/welcome.hpp"

namespace apiary::fuzz {
namespace {

namespace fs = std::filesystem;
using protocol::DType;
using protocol::Header;
using protocol::MessageType;
using Bytes = std::vector<std::byte>;

void write_file(const fs::path& file, std::span<const std::byte> bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

template <typename T>
Bytes patched(Bytes bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof(T));
  return bytes;
}

Bytes floats(std::size_t count) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = 0.5f * static_cast<float>(i) - 1.0f;
  Bytes bytes(count * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

Bytes doubles(std::size_t count) {
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = 0.25 * static_cast<double>(i) + 3.0;
  Bytes bytes(count * sizeof(double));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

Bytes text(std::string_view s) {
  const auto bytes = protocol::as_bytes(s);
  return {bytes.begin(), bytes.end()};
}

Header data_header(DType dtype = DType::float32) {
  Header h;
  h.type = MessageType::data;
  h.simulation_id = 3;
  h.time_step = 5;
  h.client_rank = 1;
  h.client_ranks = 2;
  h.offset = 4;
  h.length = 4;
  h.global_size = 16;
  h.dtype = dtype;
  return h;
}

Header of_type(MessageType type) {
  Header h;
  h.type = type;
  return h;
}

// Byte offsets of the header fields (docs/protocol.md, "Header").
constexpr std::size_t kVersion = 4, kType = 6, kStep = 12, kRank = 16, kRanks = 20, kOffset = 24, kLength = 32,
                      kGlobal = 40, kDType = 48, kReserved = 49, kNameLength = 50, kStatus = 52, kPayloadBytes = 56;

void decode_seeds(const fs::path& dir) {
  const Bytes data = protocol::encode(data_header(), "temperature", floats(4));
  Header hello = of_type(MessageType::hello);
  hello.simulation_id = 12;
  hello.client_ranks = 4;
  hello.global_size = 10000;
  const Bytes welcome = protocol::encode_welcome(
      12, 10000, {100, protocol::Routing::by_simulation, {"tcp://node1:5556", "tcp://node2:5557"}});
  const std::size_t kWelcomeRouting = protocol::kHeaderSize + 4, kWelcomeCount = protocol::kHeaderSize + 8,
                    kWelcomeFirstLength = protocol::kHeaderSize + 12;
  Header refused = of_type(MessageType::refused);
  refused.status = 3;
  Header end = of_type(MessageType::end);
  end.simulation_id = 12;
  end.time_step = 100;
  end.client_rank = 3;
  end.client_ranks = 4;
  const std::vector<double> parameters = {0.25, -3.5, 1e300};
  const Bytes added = protocol::encode_simulation_added(61, protocol::AddedRole::validation, parameters);
  const std::vector<std::uint32_t> ids = {0, 1, 2, 7};
  Bytes id_bytes(ids.size() * sizeof(std::uint32_t));
  std::memcpy(id_bytes.data(), ids.data(), id_bytes.size());

  const std::vector<std::pair<std::string, Bytes>> seeds = {
      // One valid message of each type.
      {"hello", protocol::encode(hello, "temperature")},
      {"welcome", welcome},
      {"refused", protocol::encode(refused, "", text("simulation 12 is not in the study plan"))},
      {"data-float32", data},
      {"data-float64", protocol::encode(data_header(DType::float64), "temperature", doubles(4))},
      {"data-whole-field", protocol::encode(
                               [] {
                                 Header h = data_header();
                                 h.client_rank = 0;
                                 h.client_ranks = 1;
                                 h.offset = 0;
                                 h.length = 16;
                                 return h;
                               }(),
                               "temperature", floats(16))},
      {"end", protocol::encode(end, "temperature")},
      {"study-end", protocol::encode(of_type(MessageType::study_end), "", id_bytes)},
      {"study-end-empty", protocol::encode(of_type(MessageType::study_end), "")},
      {"ack", protocol::encode(of_type(MessageType::ack), "")},
      {"simulation-added", added},
      {"simulation-added-no-parameters", protocol::encode_simulation_added(3, protocol::AddedRole::training, {})},
      // Each way to be malformed, in decode's order of checks.
      {"truncated-header", Bytes(data.begin(), data.begin() + 40)},
      {"bad-magic", patched<std::uint32_t>(data, 0, 0x41505259)},
      {"unsupported-version", patched<std::uint16_t>(data, kVersion, 1)},
      {"unknown-type-0", patched<std::uint16_t>(data, kType, 0)},
      {"unknown-type-9", patched<std::uint16_t>(data, kType, 9)},
      {"reserved-nonzero", patched<std::uint8_t>(data, kReserved, 1)},
      {"name-too-long", patched<std::uint16_t>(data, kNameLength, 65)},
      {"truncated-body", Bytes(data.begin(), data.end() - 1)},
      {"payload-bytes-huge", patched<std::uint64_t>(data, kPayloadBytes, std::numeric_limits<std::uint64_t>::max())},
      {"oversized",
       [&] {
         Bytes b = data;
         b.push_back(std::byte{0});
         return b;
       }()},
      {"name-empty", protocol::encode(data_header(), "", floats(4))},
      {"name-not-printable", protocol::encode(data_header(), "temp erature", floats(4))},
      {"bad-rank", patched<std::uint32_t>(data, kRank, 2)},
      {"bad-rank-zero-ranks", patched<std::uint32_t>(data, kRanks, 0)},
      {"bad-dtype", patched<std::uint8_t>(data, kDType, 3)},
      {"bad-size-zero-global", patched<std::uint64_t>(data, kGlobal, 0)},
      {"bad-size-zero-length", protocol::encode(
                                   [] {
                                     Header h = data_header();
                                     h.length = 0;
                                     return h;
                                   }(),
                                   "temperature")},
      {"offset-out-of-range", patched<std::uint64_t>(data, kOffset, 13)},
      {"offset-overflow", patched<std::uint64_t>(data, kOffset, std::numeric_limits<std::uint64_t>::max() - 2)},
      {"length-mismatch", patched<std::uint64_t>(data, kLength, 3)},
      {"length-overflow", patched<std::uint64_t>(patched<std::uint64_t>(data, kLength, 1ull << 62), kGlobal,
                                                 std::numeric_limits<std::uint64_t>::max())},
      {"end-bad-rank", patched<std::uint32_t>(protocol::encode(end, "temperature"), kRank, 4)},
      {"hello-zero-ranks", patched<std::uint32_t>(protocol::encode(hello, "temperature"), kRanks, 0)},
      {"hello-zero-size", patched<std::uint64_t>(protocol::encode(hello, "temperature"), kGlobal, 0)},
      {"hello-no-name", protocol::encode(hello, "")},
      {"study-end-odd-payload", protocol::encode(of_type(MessageType::study_end), "", text("abcdef"))},
      {"simulation-added-named", patched<std::uint16_t>(data, kType, 8)},
      {"simulation-added-float32", patched<std::uint8_t>(added, kDType, 1)},
      {"simulation-added-step", patched<std::uint32_t>(added, kStep, 1)},
      {"simulation-added-ranks", patched<std::uint32_t>(added, kRanks, 1)},
      {"simulation-added-status", patched<std::uint32_t>(added, kStatus, 1)},
      {"simulation-added-bad-role", patched<std::uint64_t>(added, kOffset, 2)},
      {"simulation-added-length-mismatch", patched<std::uint64_t>(added, kLength, 2)},
      {"simulation-added-not-finite",
       patched<double>(added, protocol::kHeaderSize + 8, std::numeric_limits<double>::infinity())},
      {"welcome-named", patched<std::uint16_t>(protocol::encode(hello, "temperature"), kType, 2)},
      {"welcome-step", patched<std::uint32_t>(welcome, kStep, 100)},
      {"welcome-routing-in-offset", patched<std::uint64_t>(welcome, kOffset, 1)},
      {"welcome-bad-routing", patched<std::uint32_t>(welcome, kWelcomeRouting, 2)},
      {"welcome-no-endpoint", patched<std::uint32_t>(welcome, kWelcomeCount, 0)},
      {"welcome-too-many-endpoints", patched<std::uint32_t>(welcome, kWelcomeCount, 3)},
      {"welcome-endpoint-beyond-payload", patched<std::uint16_t>(welcome, kWelcomeFirstLength, 1000)},
      {"welcome-empty-endpoint", protocol::encode_welcome(12, 10000, {100, protocol::Routing::round_robin, {""}})},
      {"welcome-version-1",
       [] {
         // Version 1's welcome: steps in time_step, routing in offset, endpoints as lines.
         Header h = of_type(MessageType::welcome);
         h.simulation_id = 12;
         h.time_step = 100;
         h.global_size = 10000;
         h.offset = 1;
         return patched<std::uint16_t>(protocol::encode(h, "", text("tcp://node1:5556\n")), kVersion, 1);
       }()},
  };
  for (const auto& [name, bytes] : seeds) write_file(dir / ("seed-" + name), bytes);
}

// Reassembly seeds: the field size and non-finite policy, then records
// (reassembly_input.hpp). Simulation selectors: 0 -> 0 (training), 1 -> 1
// (validation), 2 -> 2 (training), 3 -> 7 (validation), 4 -> 3 (not in the
// plan). Ranks selector r -> r + 1 ranks.
struct Study {
  bool wide = false;              // a field of kWideField values, not kSmallField
  bool fail_simulations = false;  // server.non_finite = "fail_simulation"
};

class Seed {
 public:
  explicit Seed(Study study = {}) : field_size_(study.wide ? kWideField : kSmallField) {
    out_.byte(study_selector(study.wide, study.fail_simulations));
  }
  Seed& slice(SliceRecord s) {
    out_.kind(RecordKind::slice);
    write_slice(out_, s);
    return *this;
  }
  Seed& step(StepRecord s) {
    out_.kind(RecordKind::step);
    write_step(out_, s);
    return *this;
  }
  Seed& end(EndRecord e) {
    out_.kind(RecordKind::end);
    write_end(out_, e);
    return *this;
  }
  // Every rank of a simulation ends.
  Seed& end_all(std::uint8_t simulation, std::uint8_t ranks) {
    for (std::uint8_t r = 0; r < ranks_of(ranks); ++r) end({simulation, ranks, r, 0});
    return *this;
  }
  Seed& hello(HelloRecord r) {
    out_.kind(RecordKind::hello);
    write_hello(out_, r);
    return *this;
  }
  Seed& study_end(std::vector<std::uint8_t> simulations) {
    out_.kind(RecordKind::study_end);
    write_study_end(out_, simulations);
    return *this;
  }
  Seed& raw_data(std::span<const std::byte> message) {
    out_.kind(RecordKind::raw_data);
    write_raw(out_, message);
    return *this;
  }
  Seed& raw_control(std::span<const std::byte> message) {
    out_.kind(RecordKind::raw_control);
    write_raw(out_, message);
    return *this;
  }
  Seed& mutated(SliceRecord s, Mutation m) {
    out_.kind(RecordKind::mutated_slice);
    write_slice(out_, s);
    write_mutation(out_, m);
    return *this;
  }
  std::span<const std::byte> bytes() const { return std::as_bytes(std::span(out_.output())); }
  std::uint64_t field_size() const { return field_size_; }

 private:
  std::uint64_t field_size_;
  Writer out_;
};

// Rank `rank` of `ranks_selector + 1` ranks, its even share.
SliceRecord share(std::uint8_t simulation, std::uint8_t step, std::uint8_t ranks, std::uint8_t rank,
                  std::uint8_t flags = 0) {
  return {simulation, step, ranks, rank, flags, 0, 0, 0};
}
SliceRecord range(std::uint8_t simulation, std::uint8_t step, std::uint8_t ranks, std::uint8_t rank,
                  std::uint8_t offset, std::uint8_t length) {
  return {simulation, step, ranks, rank, kAnyRange, offset, length, 0};
}

void reassembly_seeds(const fs::path& dir) {
  std::vector<std::pair<std::string, Seed>> seeds;
  auto add = [&](std::string name, Study study = {}) -> Seed& {
    return seeds.emplace_back(std::move(name), Seed(study)).second;
  };

  // Whole steps from several ranks, in and out of order.
  add("two-ranks-step").slice(share(0, 0, 1, 0)).slice(share(0, 0, 1, 1));
  add("four-ranks-step-float64-out-of-order")
      .slice(share(1, 2, 3, 2, kFloat64))
      .slice(share(1, 2, 3, 0, kFloat64))
      .slice(share(1, 2, 3, 3, kFloat64))
      .slice(share(1, 2, 3, 1, kFloat64));
  add("three-ranks-uneven-shares").slice(share(3, 1, 2, 0)).slice(share(3, 1, 2, 2)).slice(share(3, 1, 2, 1));
  add("interleaved-steps")
      .slice(share(0, 0, 1, 0))
      .slice(share(0, 1, 1, 0))
      .slice(share(2, 0, 1, 1))
      .slice(share(0, 1, 1, 1))
      .slice(share(2, 0, 1, 0))
      .slice(share(0, 0, 1, 1));
  add("step-records-every-simulation")
      .step({0, 0, 0, 0})
      .step({1, 1, 1, kFloat64})
      .step({2, 2, 2, kReverse})
      .step({3, 3, 3, kFloat64 | kReverse});
  // A slice twice, a step twice (a restarted client replays it).
  add("duplicate-slice").slice(share(0, 1, 1, 0)).slice(share(0, 1, 1, 0)).slice(share(0, 1, 1, 1));
  add("replayed-step").step({0, 2, 1, 0}).step({0, 2, 1, 0});
  add("replay-with-other-ranks").step({2, 3, 0, 0}).step({2, 3, 3, kReverse}).step({2, 3, 1, kFloat64});
  add("replay-after-end").hello({0, 1, 0}).step({0, 0, 1, 0}).end_all(0, 1).step({0, 0, 1, 0});
  // Slices that cannot form a step.
  add("inconsistent-ranks").slice(share(0, 0, 1, 0)).slice(share(0, 0, 2, 1)).step({0, 0, 1, 0});
  add("gap").slice(range(0, 1, 1, 0, 0, 4)).slice(range(0, 1, 1, 1, 8, 8));
  add("overlap").slice(range(0, 1, 1, 0, 0, 10)).slice(range(0, 1, 1, 1, 6, 10));
  add("overlap-same-coverage")
      .slice(range(1, 0, 2, 0, 0, 8))
      .slice(range(1, 0, 2, 1, 4, 4))
      .slice(range(1, 0, 2, 2, 12, 4));
  add("any-ranges-tiling")
      .slice(range(2, 1, 2, 2, 0, 3))
      .slice(range(2, 1, 2, 0, 3, 12))
      .slice(range(2, 1, 2, 1, 15, 1));
  add("poisoned-nan-then-clean")
      .slice(share(0, 0, 1, 0))
      .slice({0, 0, 1, 1, kPoisoned, 0, 0, 4 * 3 + 0})
      .step({0, 0, 1, 0});
  add("poisoned-inf-float64").slice({1, 1, 0, 0, kPoisoned | kFloat64, 0, 0, 4 * 15 + 1});
  add("poisoned-overflow-float64").slice({2, 2, 1, 0, kPoisoned | kFloat64, 0, 0, 4 * 2 + 3}).slice(share(2, 2, 1, 1));
  add("poisoned-negative-inf").slice({3, 0, 0, 0, kPoisoned, 0, 0, 4 * 7 + 2});
  // Messages the study rejects.
  add("unknown-simulation").step({4, 0, 1, 0}).end_all(4, 1);
  add("time-step-out-of-range").step({0, 4, 1, 0});
  add("wrong-field").step({0, 0, 1, kWrongName}).end({0, 0, 0, kWrongName});
  add("wrong-field-size").slice(share(0, 0, 1, 0)).step({0, 0, 1, kWrongSize}).slice(share(0, 0, 1, 1));
  // A simulation's life: registration, its steps, its ends, the study's end.
  add("simulation-lifecycle")
      .hello({0, 1, 0})
      .hello({1, 0, 0})
      .step({0, 0, 1, 0})
      .step({1, 0, 0, 0})
      .step({0, 1, 1, kReverse})
      .step({1, 1, 0, kFloat64})
      .step({0, 2, 1, 0})
      .step({1, 2, 0, 0})
      .step({0, 3, 1, 0})
      .step({1, 3, 0, 0})
      .end_all(0, 1)
      .end_all(1, 0)
      .study_end({0, 1});
  add("incomplete-step-dropped-at-end").hello({2, 1, 0}).slice(share(2, 1, 1, 0)).end_all(2, 1);
  add("end-without-hello").slice(share(3, 2, 2, 0)).end({3, 2, 0, 0}).end({3, 2, 1, 0}).end({3, 2, 2, 0});
  add("registrations-refused").hello({4, 0, 0}).hello({0, 0, kWrongName}).hello({0, 0, kWrongSize});
  add("study-end-awaiting").study_end({0, 1, 4}).step({0, 0, 0, 0}).end_all(0, 0).end_all(1, 0);
  // Raw bytes and mutated messages.
  add("raw-valid-data").raw_data(slice_message(share(0, 0, 1, 0), kSmallField)).slice(share(0, 0, 1, 1));
  add("raw-garbage").raw_data(text("not an apiary message at all")).raw_control(text("\x41\x50\x52\x59"));
  add("raw-hello-on-data-socket").raw_data(hello_message({0, 0, 0}, kSmallField));
  add("raw-data-on-control-socket").raw_control(slice_message(share(0, 0, 0, 0), kSmallField));
  add("raw-bad-version-on-control-socket")
      .raw_control(patched<std::uint16_t>(hello_message({0, 0, 0}, kSmallField), kVersion, 1));
  add("mutated-rank").mutated(share(0, 1, 1, 0), {kRank, 0x01}).slice(share(0, 1, 1, 1));
  add("mutated-value").mutated(share(2, 0, 0, 0), {static_cast<std::uint16_t>(protocol::kHeaderSize + 11 + 2), 0x40});
  add("mutated-offset").mutated(share(1, 3, 1, 1), {kOffset, 0x0c}).slice(share(1, 3, 1, 0));

  // A field of 4112 values: slices cross reassembly's 4096-value blocks.
  add("wide-steps", {.wide = true})
      .slice(share(0, 0, 1, 0, kFloat64))
      .slice(share(0, 0, 1, 1, kFloat64))
      .step({0, 1, 0, 0})
      .step({1, 1, 0, kFloat64});
  add("wide-any-ranges-tiling", {.wide = true}).slice(range(1, 3, 1, 1, 1, 15)).slice(range(1, 3, 1, 0, 0, 1));
  add("wide-poisoned-past-first-block", {.wide = true})
      .slice({2, 1, 0, 0, kPoisoned, 0, 0, 4 * 63 + 0})
      .slice({2, 1, 0, 0, kPoisoned | kFloat64, 0, 0, 4 * 63 + 3})
      .step({2, 1, 3, kReverse});
  add("wide-mutated-last-value", {.wide = true})
      .mutated(share(3, 2, 0, 0),
               {static_cast<std::uint16_t>(protocol::kHeaderSize + 11 + 4 * (kWideField - 1)), 0x01});

  // server.non_finite = "fail_simulation": a not_finite step fails its
  // simulation, whose partial steps go and later data are refused
  // (simulation_failed, even a slice of the wrong size or step, but after
  // unknown_field); the steps it completed stay, its ends still count, the
  // other simulations go on.
  constexpr Study kFailing{.fail_simulations = true};
  add("fail-poisoned-then-same-and-other-simulation", kFailing)
      .step({0, 0, 1, 0})
      .slice(share(0, 1, 1, 0))
      .slice(share(2, 1, 1, 0))
      .slice({0, 2, 1, 0, kPoisoned, 0, 0, 4 * 10 + 0})
      .slice(share(0, 1, 1, 1))
      .step({0, 2, 1, 0})
      .step({0, 0, 1, 0})
      .slice(share(2, 1, 1, 1))
      .step({2, 2, 0, kFloat64});
  add("fail-then-checks-in-order", kFailing)
      .slice({1, 0, 0, 0, kPoisoned | kFloat64, 0, 0, 4 * 20 + 3})
      .step({1, 1, 0, kWrongSize})
      .step({1, 4, 0, 0})
      .slice(range(1, 2, 0, 0, 3, 12))
      .step({1, 1, 0, kWrongName})
      .step({4, 1, 0, 0})
      .slice({1, 3, 0, 0, kPoisoned, 0, 0, 0});
  add("fail-then-ends-and-study-end", kFailing)
      .hello({3, 1, 0})
      .step({3, 0, 1, kReverse})
      .slice(share(3, 1, 1, 0))
      .slice({3, 2, 1, 1, kPoisoned, 0, 0, 4 * 40 + 1})
      .step({3, 3, 1, 0})
      .step({0, 0, 0, 0})
      .study_end({3, 0})
      .end_all(3, 1)
      .end_all(0, 0);
  add("fail-mutated-to-infinite", kFailing)
      .slice(share(0, 1, 1, 0))
      .mutated(share(0, 0, 0, 0), {static_cast<std::uint16_t>(protocol::kHeaderSize + 11 + 3), 0x41})
      .slice(share(0, 1, 1, 1))
      .step({0, 0, 0, 0});
  add("wide-fail-poisoned-past-first-block", {.wide = true, .fail_simulations = true})
      .slice(share(2, 0, 1, 0, kFloat64))
      .slice({2, 1, 0, 0, kPoisoned, 0, 0, 4 * 63 + 2})
      .slice(share(2, 0, 1, 1, kFloat64))
      .step({1, 0, 1, 0});

  for (const auto& [name, seed] : seeds) write_file(dir / ("seed-" + name), seed.bytes());
}

}  // namespace
}  // namespace apiary::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR  (writes DIR/decode/seed-*, DIR/reassembly/seed-*)\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir / "decode");
  std::filesystem::create_directories(dir / "reassembly");
  apiary::fuzz::decode_seeds(dir / "decode");
  apiary::fuzz::reassembly_seeds(dir / "reassembly");
  return 0;
}
