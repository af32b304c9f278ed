#pragma once
// Helpers shared by the reassembler and ingest tests: slices of a field
// encoded as data messages, and a small study plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "plan/study_plan.hpp"
#include "protocol/frame.hpp"
#include "server/ingest/reassembler.hpp"

// Readable outcomes and reasons in failure messages.
namespace apiary::protocol {
inline void PrintTo(RejectReason reason, std::ostream* os) { *os << reject_reason_name(reason); }
}  // namespace apiary::protocol

namespace apiary::server {
inline void PrintTo(Reassembler::Outcome outcome, std::ostream* os) {
  constexpr const char* names[] = {"partial", "complete", "duplicate_slice", "duplicate_step", "rejected"};
  *os << names[static_cast<int>(outcome)];
}
// A sample's field against expected values (found through the field's
// allocator, which lives here).
inline bool operator==(const FieldValues& field, const std::vector<float>& expected) {
  return std::equal(field.begin(), field.end(), expected.begin(), expected.end());
}
}  // namespace apiary::server

namespace apiary::server::testing {

inline constexpr std::string_view kField = "temperature";
// The field of the tests: 8 values, 3 time steps per simulation.
inline constexpr std::uint64_t kSize = 8;
inline constexpr std::uint32_t kSteps = 3;

template <typename T, typename Allocator>
std::vector<std::byte> to_bytes(const std::vector<T, Allocator>& values) {
  std::vector<std::byte> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// 0, 0.5, 1, ... : exact in float32 and float64.
inline std::vector<float> ramp(std::size_t count, float start = 0.0f) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = start + 0.5f * static_cast<float>(i);
  return values;
}

struct Slice {
  std::uint32_t simulation = 0;
  std::uint32_t step = 0;
  std::uint32_t rank = 0;
  std::uint32_t ranks = 2;
  std::uint64_t offset = 0;
  std::uint64_t global_size = 8;
  std::string name = std::string(kField);
};

inline protocol::Header slice_header(const Slice& s, std::uint64_t length, protocol::DType dtype) {
  protocol::Header h;
  h.type = protocol::MessageType::data;
  h.simulation_id = s.simulation;
  h.time_step = s.step;
  h.client_rank = s.rank;
  h.client_ranks = s.ranks;
  h.offset = s.offset;
  h.length = length;
  h.global_size = s.global_size;
  h.dtype = dtype;
  return h;
}

// The encoded message of a slice; values in float32 or float64.
inline std::vector<std::byte> data_message(const Slice& s, const std::vector<float>& values) {
  return protocol::encode(slice_header(s, values.size(), protocol::DType::float32), s.name, to_bytes(values));
}
inline std::vector<std::byte> data_message(const Slice& s, const std::vector<double>& values) {
  return protocol::encode(slice_header(s, values.size(), protocol::DType::float64), s.name, to_bytes(values));
}

inline std::vector<std::byte> end_message(std::uint32_t simulation, std::uint32_t rank, std::uint32_t ranks,
                                          std::uint32_t steps_sent, std::string_view name = kField) {
  protocol::Header h;
  h.type = protocol::MessageType::end;
  h.simulation_id = simulation;
  h.time_step = steps_sent;
  h.client_rank = rank;
  h.client_ranks = ranks;
  return protocol::encode(h, name);
}

// An encoded message and its decoded frame, which views the message's bytes:
// keep the Message alive as long as the frame is used.
class Message {
 public:
  explicit Message(std::vector<std::byte> bytes) : bytes_(std::move(bytes)) {
    const auto decoded = protocol::decode(bytes_);
    if (!decoded.frame) {
      throw std::invalid_argument("test message does not decode: " + decoded.detail);
    }
    frame_ = *decoded.frame;
  }
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
  const protocol::Frame& frame() const { return frame_; }

 private:
  std::vector<std::byte> bytes_;
  protocol::Frame frame_;
};

// Simulation 0 trains, 1 validates, 2 trains; two parameters each.
inline plan::StudyPlan two_parameter_plan() {
  plan::StudyPlan plan;
  plan.parameter_names = {"conductivity", "source"};
  plan.simulations = {
      {0, plan::Role::training, {0.25, 1.5}},
      {1, plan::Role::validation, {2.0, -0.75}},
      {2, plan::Role::training, {8.0, 0.125}},
  };
  return plan;
}

}  // namespace apiary::server::testing
