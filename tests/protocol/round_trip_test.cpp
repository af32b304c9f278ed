// encode() then decode() gives back the header, name and payload of every
// message type, every header field with a distinctive value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "protocol/protocol_test_support.hpp"
#include "protocol/welcome.hpp"

namespace apiary::protocol::testing {
namespace {

struct RoundTripCase {
  std::string label;
  Header header;
  std::string name;
  std::vector<std::byte> payload;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.label; }

std::vector<std::byte> text(std::string_view s) {
  const auto bytes = as_bytes(s);
  return {bytes.begin(), bytes.end()};
}

std::vector<std::byte> ids(std::vector<std::uint32_t> values) {
  std::vector<std::byte> bytes(values.size() * sizeof(std::uint32_t));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

Header control(MessageType type) {
  Header h;
  h.type = type;
  h.simulation_id = 0xA1B2C3D4u;
  h.time_step = 0x01020304u;
  h.client_rank = 7;
  h.client_ranks = 9;
  h.offset = 0x1122334455667788ull;
  h.length = 0x0102030405060708ull;
  h.global_size = 0xF0E0D0C0B0A09080ull;
  h.dtype = DType::float64;
  h.status = 0xDEADBEEFu;
  return h;
}

std::vector<RoundTripCase> cases() {
  std::vector<RoundTripCase> all;

  Header hello = control(MessageType::hello);
  all.push_back({"hello", hello, "temperature", {}});

  // welcome is strict (welcome_test.cpp): only its simulation and field size in the header.
  Header welcome;
  welcome.type = MessageType::welcome;
  welcome.simulation_id = 0xA1B2C3D4u;
  welcome.client_ranks = 0;
  welcome.global_size = 0xF0E0D0C0B0A09080ull;
  all.push_back({"welcome", welcome, "",
                 encode_welcome_payload({100, Routing::by_simulation, {"tcp://node1:5556", "tcp://node2:5556"}})});

  Header refused = control(MessageType::refused);
  refused.status = 6;
  all.push_back({"refused", refused, "", text("field 'temperature' has 100 values, the client has 99")});

  all.push_back({"data_float32", data_header(), std::string(kFieldName), float32_payload(4)});

  Header data64 = data_header();
  data64.simulation_id = std::numeric_limits<std::uint32_t>::max();
  data64.time_step = std::numeric_limits<std::uint32_t>::max();
  data64.client_rank = 0;
  data64.client_ranks = std::numeric_limits<std::uint32_t>::max();
  data64.offset = 0;
  data64.length = 3;
  data64.global_size = std::numeric_limits<std::uint64_t>::max();
  data64.dtype = DType::float64;
  data64.status = 42;
  all.push_back({"data_float64", data64, std::string(kMaxNameLength, 'x'), float32_payload(6)});  // 24 bytes

  Header end;
  end.type = MessageType::end;
  end.simulation_id = 12;
  end.time_step = 100;
  end.client_rank = 3;
  end.client_ranks = 4;
  all.push_back({"end", end, "~!field_name.with-punctuation~", {}});

  all.push_back({"study_end", control(MessageType::study_end), "", ids({0, 5, 0xFFFFFFFFu})});
  all.push_back({"study_end_empty", control(MessageType::study_end), "", {}});
  all.push_back({"ack", control(MessageType::ack), "", {}});
  return all;
}

class ProtocolRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ProtocolRoundTrip, DecodeGivesBackWhatWasEncoded) {
  const RoundTripCase& c = GetParam();
  const std::vector<std::byte> bytes = encode(c.header, c.name, c.payload);
  ASSERT_EQ(bytes.size(), kHeaderSize + c.name.size() + c.payload.size());
  ASSERT_EQ(bytes.size(), encoded_size(c.name, c.payload.size()));

  const DecodeResult result = decode(bytes);
  ASSERT_TRUE(result.frame.has_value()) << reject_reason_name(result.reason) << ": " << result.detail;
  const Header& h = result.frame->header;
  EXPECT_EQ(h.type, c.header.type);
  EXPECT_EQ(h.simulation_id, c.header.simulation_id);
  EXPECT_EQ(h.time_step, c.header.time_step);
  EXPECT_EQ(h.client_rank, c.header.client_rank);
  EXPECT_EQ(h.client_ranks, c.header.client_ranks);
  EXPECT_EQ(h.offset, c.header.offset);
  EXPECT_EQ(h.length, c.header.length);
  EXPECT_EQ(h.global_size, c.header.global_size);
  EXPECT_EQ(h.dtype, c.header.dtype);
  EXPECT_EQ(h.status, c.header.status);
  EXPECT_EQ(h.payload_bytes, c.payload.size());

  EXPECT_EQ(result.frame->name, c.name);
  const auto& payload = result.frame->payload;
  ASSERT_EQ(payload.size(), c.payload.size());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), c.payload.begin()));
}

TEST_P(ProtocolRoundTrip, EncodeIntoWritesTheSameBytesAsEncode) {
  const RoundTripCase& c = GetParam();
  Header stale = c.header;
  stale.payload_bytes = 12345;  // encode_into takes the size from the payload, not the header
  std::vector<std::byte> out(encoded_size(c.name, c.payload.size()), std::byte{0xCC});
  encode_into(out, stale, c.name, c.payload);
  EXPECT_EQ(out, encode(c.header, c.name, c.payload));
}

INSTANTIATE_TEST_SUITE_P(EveryType, ProtocolRoundTrip, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace apiary::protocol::testing
