// Field names (hello, data, end): 1 to 64 printable ASCII characters.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

Header end_header() {
  Header h;
  h.type = MessageType::end;
  h.client_rank = 0;
  h.client_ranks = 1;
  return h;
}

Header hello_header() {
  Header h;
  h.type = MessageType::hello;
  h.client_ranks = 2;
  h.global_size = 16;
  return h;
}

std::vector<std::byte> data_named(std::string_view name) { return encode(data_header(), name, float32_payload(4)); }

TEST(ProtocolName, SixtyFourCharactersAreAccepted) {
  const std::string name(kMaxNameLength, 'n');
  EXPECT_TRUE(accepted(data_named(name)));
  EXPECT_TRUE(accepted(encode(hello_header(), name)));
  EXPECT_TRUE(accepted(encode(end_header(), name)));
}

TEST(ProtocolName, NameLengthOverSixtyFourIsRejected) {
  // A complete message whose name is 65 bytes long.
  EXPECT_TRUE(rejected_as(data_named(std::string(kMaxNameLength + 1, 'n')), RejectReason::bad_name));
  // A name length beyond the limit is refused before the body is looked at.
  for (std::uint16_t length : {std::uint16_t{65}, std::uint16_t{1000}, std::uint16_t{0xFFFF}}) {
    SCOPED_TRACE(length);
    auto bytes = data_named(kFieldName);
    patch<std::uint16_t>(bytes, kOffNameLength, length);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_name));
  }
}

TEST(ProtocolName, EmptyNameIsRejectedWhereAFieldIsNamed) {
  EXPECT_TRUE(rejected_as(data_named(""), RejectReason::bad_name));
  EXPECT_TRUE(rejected_as(encode(hello_header(), ""), RejectReason::bad_name));
  EXPECT_TRUE(rejected_as(encode(end_header(), ""), RejectReason::bad_name));
}

TEST(ProtocolName, NonPrintableNamesAreRejected) {
  const std::vector<std::string> names = {
      "with space", "tab\there", std::string("nul\0inside", 10), "del\x7f", "high\x80", "\xff", "line\n", " "};
  for (const auto& name : names) {
    SCOPED_TRACE(::testing::PrintToString(name));
    EXPECT_TRUE(rejected_as(data_named(name), RejectReason::bad_name));
    EXPECT_TRUE(rejected_as(encode(hello_header(), name), RejectReason::bad_name));
    EXPECT_TRUE(rejected_as(encode(end_header(), name), RejectReason::bad_name));
  }
}

TEST(ProtocolName, PrintableEdgesAreAccepted) {
  EXPECT_TRUE(accepted(data_named("!")));
  EXPECT_TRUE(accepted(data_named("~")));
  EXPECT_TRUE(accepted(data_named("a.b-c_d/e:f")));
}

}  // namespace
}  // namespace apiary::protocol::testing
