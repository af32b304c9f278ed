// The message's size must be exactly header + name + payload as announced:
// shorter is truncated, longer is oversized.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

TEST(ProtocolFraming, ValidDataMessageIsAccepted) { EXPECT_TRUE(accepted(valid_data_message())); }

TEST(ProtocolFraming, ShorterThanTheHeaderIsTruncated) {
  const auto bytes = valid_data_message();
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{32}, kHeaderSize - 1}) {
    SCOPED_TRACE(size);
    EXPECT_TRUE(rejected_as(std::span(bytes).first(size), RejectReason::truncated));
  }
}

TEST(ProtocolFraming, EveryStrictPrefixIsTruncated) {
  const auto bytes = valid_data_message();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(size);
    EXPECT_TRUE(rejected_as(std::span(bytes).first(size), RejectReason::truncated));
  }
}

TEST(ProtocolFraming, PayloadShorterThanAnnouncedIsTruncated) {
  auto bytes = valid_data_message();
  patch<std::uint64_t>(bytes, kOffPayloadBytes, 20);  // 16 bytes are there
  EXPECT_TRUE(rejected_as(bytes, RejectReason::truncated));
}

TEST(ProtocolFraming, NameLongerThanTheBodyIsTruncated) {
  Header h;
  h.type = MessageType::hello;
  h.global_size = 10;
  auto bytes = encode(h, "abc");
  patch<std::uint16_t>(bytes, kOffNameLength, 10);  // at most 64, but only 3 bytes follow
  EXPECT_TRUE(rejected_as(bytes, RejectReason::truncated));
}

TEST(ProtocolFraming, HugeAnnouncedPayloadIsTruncatedNotWrapped) {
  auto bytes = valid_data_message();
  // name_length + payload_bytes wraps around to 5, less than the 27 body bytes.
  const std::uint64_t wrapping = std::numeric_limits<std::uint64_t>::max() - kFieldName.size() + 1 + 5;
  patch<std::uint64_t>(bytes, kOffPayloadBytes, wrapping);
  EXPECT_TRUE(rejected_as(bytes, RejectReason::truncated));
  patch<std::uint64_t>(bytes, kOffPayloadBytes, std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(rejected_as(bytes, RejectReason::truncated));
}

TEST(ProtocolFraming, TrailingBytesAreOversized) {
  for (std::size_t extra : {1, 3, 64}) {
    SCOPED_TRACE(extra);
    auto bytes = valid_data_message();
    bytes.resize(bytes.size() + extra, std::byte{0});
    EXPECT_TRUE(rejected_as(bytes, RejectReason::oversized));
  }
}

TEST(ProtocolFraming, PayloadShorterThanTheBodyIsOversized) {
  auto bytes = valid_data_message();
  patch<std::uint64_t>(bytes, kOffPayloadBytes, 12);  // 16 bytes are there
  EXPECT_TRUE(rejected_as(bytes, RejectReason::oversized));
}

}  // namespace
}  // namespace apiary::protocol::testing
