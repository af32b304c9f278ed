#pragma once
// Helpers shared by the protocol tests: a valid data message to start from,
// byte patches at header offsets, and a check on the reject reason.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame.hpp"

namespace apiary::protocol::testing {

// Header offsets of docs "Header" (frame.cpp), patched by the tests.
inline constexpr std::size_t kOffVersion = 4, kOffType = 6, kOffDType = 48, kOffReserved = 49, kOffNameLength = 50,
                             kOffPayloadBytes = 56;

inline constexpr std::string_view kFieldName = "temperature";

inline std::vector<std::byte> float32_payload(std::size_t count) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = 0.5f * static_cast<float>(i) - 1.0f;
  std::vector<std::byte> bytes(count * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// Rank 1 of 2 sends values [4, 8) of a 16-value float32 field.
inline Header data_header() {
  Header h;
  h.type = MessageType::data;
  h.simulation_id = 3;
  h.time_step = 5;
  h.client_rank = 1;
  h.client_ranks = 2;
  h.offset = 4;
  h.length = 4;
  h.global_size = 16;
  h.dtype = DType::float32;
  return h;
}

inline std::vector<std::byte> valid_data_message() { return encode(data_header(), kFieldName, float32_payload(4)); }

template <typename T>
void patch(std::vector<std::byte>& bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof(T));
}

// Success when decode() rejects the bytes for exactly the expected reason
// and says why.
inline ::testing::AssertionResult rejected_as(std::span<const std::byte> bytes, RejectReason expected) {
  const DecodeResult result = decode(bytes);
  if (result.frame) {
    return ::testing::AssertionFailure() << "accepted, expected rejection as " << reject_reason_name(expected);
  }
  if (result.reason != expected) {
    return ::testing::AssertionFailure() << "rejected as " << reject_reason_name(result.reason) << " (" << result.detail
                                         << "), expected " << reject_reason_name(expected);
  }
  if (result.detail.empty()) return ::testing::AssertionFailure() << "rejected without a detail";
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult accepted(std::span<const std::byte> bytes) {
  const DecodeResult result = decode(bytes);
  if (!result.frame) {
    return ::testing::AssertionFailure() << "rejected as " << reject_reason_name(result.reason) << ": "
                                         << result.detail;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace apiary::protocol::testing
