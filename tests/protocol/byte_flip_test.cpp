// Corrupting any byte of a valid data message gives either a frame that
// satisfies every rule decode() promises, or a rejection: never a crash, never
// a view outside the bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

// Rules of a valid data frame, checked on what decode() accepted.
::testing::AssertionResult consistent(const Frame& frame, std::span<const std::byte> bytes) {
  const Header& h = frame.header;
  const auto* begin = reinterpret_cast<const char*>(bytes.data());
  const auto* end = begin + bytes.size();
  const auto* name = frame.name.data();
  const auto* payload = reinterpret_cast<const char*>(frame.payload.data());
  if (name != begin + kHeaderSize || name + frame.name.size() > end) {
    return ::testing::AssertionFailure() << "name outside the message";
  }
  if (payload != name + frame.name.size() || payload + frame.payload.size() != end) {
    return ::testing::AssertionFailure() << "payload is not the rest of the message";
  }
  if (frame.payload.size() != h.payload_bytes) return ::testing::AssertionFailure() << "payload_bytes";
  if (frame.name.empty() || frame.name.size() > kMaxNameLength) return ::testing::AssertionFailure() << "name size";
  for (char c : frame.name) {
    if (c < 0x21 || c > 0x7e) return ::testing::AssertionFailure() << "non-printable name";
  }
  if (h.type != MessageType::data && h.type != MessageType::end) return ::testing::AssertionSuccess();
  if (h.client_ranks == 0 || h.client_rank >= h.client_ranks) return ::testing::AssertionFailure() << "rank";
  if (h.type == MessageType::end) return ::testing::AssertionSuccess();
  if (h.dtype != DType::float32 && h.dtype != DType::float64) return ::testing::AssertionFailure() << "dtype";
  if (h.length == 0 || h.global_size == 0) return ::testing::AssertionFailure() << "size";
  if (h.offset > h.global_size || h.length > h.global_size - h.offset) {
    return ::testing::AssertionFailure() << "slice outside the field";
  }
  if (frame.payload.size() % dtype_size(h.dtype) != 0 || frame.payload.size() / dtype_size(h.dtype) != h.length) {
    return ::testing::AssertionFailure() << "payload is not length values";
  }
  return ::testing::AssertionSuccess();
}

// Reasons decode() may give; the others need the server's state, but for
// not_finite, which decode gives for simulation_added's parameters.
bool decode_reason(RejectReason reason) {
  const int index = static_cast<int>(reason);
  return (index >= 0 && index <= static_cast<int>(RejectReason::bad_endpoint)) || reason == RejectReason::not_finite;
}

TEST(ProtocolByteFlip, EveryCorruptedByteDecodesConsistentlyOrIsRejected) {
  const auto original = valid_data_message();
  std::size_t rejected = 0, accepted_count = 0;
  for (std::size_t at = 0; at < original.size(); ++at) {
    for (std::uint8_t mask : {0x01, 0x02, 0x10, 0x40, 0x80, 0xFF}) {
      SCOPED_TRACE(::testing::Message() << "byte " << at << " xor " << static_cast<int>(mask));
      auto bytes = original;
      bytes[at] ^= std::byte{mask};
      const DecodeResult result = decode(bytes);
      if (result.frame) {
        ++accepted_count;
        EXPECT_TRUE(consistent(*result.frame, bytes));
      } else {
        ++rejected;
        EXPECT_TRUE(decode_reason(result.reason)) << reject_reason_name(result.reason);
        EXPECT_FALSE(result.detail.empty());
      }
      // Magic, version and the reserved byte accept one value only.
      if (at < kOffType || at == kOffReserved) {
        EXPECT_FALSE(result.frame.has_value());
      }
    }
  }
  // Payload bytes are opaque: corrupting them keeps the frame valid.
  EXPECT_GE(accepted_count, 16u * 6u);
  EXPECT_GT(rejected, 0u);
}

TEST(ProtocolByteFlip, EveryByteValueAtEveryHeaderOffsetIsHandled) {
  const auto original = valid_data_message();
  for (std::size_t at = 0; at < kHeaderSize; ++at) {
    for (int value = 0; value < 256; ++value) {
      auto bytes = original;
      bytes[at] = static_cast<std::byte>(value);
      const DecodeResult result = decode(bytes);
      if (result.frame) {
        ASSERT_TRUE(consistent(*result.frame, bytes)) << "byte " << at << " = " << value;
      } else {
        ASSERT_TRUE(decode_reason(result.reason)) << "byte " << at << " = " << value;
      }
    }
  }
}

}  // namespace
}  // namespace apiary::protocol::testing
