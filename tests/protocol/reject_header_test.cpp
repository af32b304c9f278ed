// The fixed header fields every message type shares: magic, version, type
// and the reserved byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

TEST(ProtocolHeader, BadMagicIsRejected) {
  for (std::size_t at = 0; at < 4; ++at) {
    SCOPED_TRACE(at);
    auto bytes = valid_data_message();
    bytes[at] ^= std::byte{0x20};
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_magic));
  }
}

TEST(ProtocolHeader, MagicIsAPRYInByteOrder) {
  const auto bytes = valid_data_message();
  EXPECT_EQ(bytes[0], std::byte{'A'});
  EXPECT_EQ(bytes[1], std::byte{'P'});
  EXPECT_EQ(bytes[2], std::byte{'R'});
  EXPECT_EQ(bytes[3], std::byte{'Y'});
}

TEST(ProtocolHeader, OtherVersionsAreUnsupported) {
  // Version 1 included: its welcome is laid out otherwise (docs/protocol.md).
  for (std::uint16_t version :
       {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{3}, std::uint16_t{0x0200}, std::uint16_t{0xFFFF}}) {
    SCOPED_TRACE(version);
    auto bytes = valid_data_message();
    patch<std::uint16_t>(bytes, kOffVersion, version);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::unsupported_version));
  }
}

TEST(ProtocolHeader, VersionTwoIsWrittenAtOffsetFour) {
  const auto bytes = valid_data_message();
  EXPECT_EQ(bytes[kOffVersion], std::byte{2});
  EXPECT_EQ(bytes[kOffVersion + 1], std::byte{0});
}

TEST(ProtocolHeader, UnknownTypesAreRejected) {
  for (std::uint16_t type : {std::uint16_t{0}, std::uint16_t{9}, std::uint16_t{0x0104}, std::uint16_t{0xFFFF}}) {
    SCOPED_TRACE(type);
    auto bytes = valid_data_message();
    patch<std::uint16_t>(bytes, kOffType, type);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::unknown_type));
  }
}

TEST(ProtocolHeader, ReservedByteMustBeZero) {
  for (std::uint8_t value : {std::uint8_t{1}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
    SCOPED_TRACE(static_cast<int>(value));
    auto bytes = valid_data_message();
    patch<std::uint8_t>(bytes, kOffReserved, value);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
  }
}

TEST(ProtocolHeader, ReservedByteIsCheckedForControlMessagesToo) {
  Header h;
  h.type = MessageType::ack;
  auto bytes = encode(h, "");
  ASSERT_TRUE(accepted(bytes));
  patch<std::uint8_t>(bytes, kOffReserved, 1);
  EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
}

}  // namespace
}  // namespace apiary::protocol::testing
