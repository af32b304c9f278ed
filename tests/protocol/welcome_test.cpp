// welcome (server -> client, protocol version 2): the registration's
// simulation and field size in the header, the steps expected, the routing
// and the data endpoints in a payload of its own. Like simulation_added it
// is strict: every field is used or zero, the payload is exactly its fields.
#include "protocol/welcome.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

constexpr std::size_t kOffSimulation = 8, kOffStep = 12, kOffRank = 16, kOffRanks = 20, kOffOffset = 24,
                      kOffLength = 32, kOffGlobal = 40, kOffStatus = 52;

const WelcomePayload kPayload{100, Routing::by_simulation, {"tcp://node1:5556", "tcp://node2:5557"}};

std::vector<std::byte> valid_message() { return encode_welcome(12, 10000, kPayload); }

// A welcome header around any payload bytes.
std::vector<std::byte> welcome_with_payload(std::span<const std::byte> payload) {
  Header h = decode(valid_message()).frame->header;
  return encode(h, "", payload);
}

template <typename T>
void append(std::vector<std::byte>& bytes, T value) {
  const auto at = bytes.size();
  bytes.resize(at + sizeof(T));
  std::memcpy(bytes.data() + at, &value, sizeof(T));
}

TEST(ProtocolWelcome, RoundTripsSimulationSizeStepsRoutingAndEndpoints) {
  const auto message = valid_message();  // the decoded frame's payload points into it
  const auto result = decode(message);
  ASSERT_TRUE(result.frame) << result.detail;
  const auto& h = result.frame->header;
  EXPECT_EQ(h.type, MessageType::welcome);
  EXPECT_EQ(h.simulation_id, 12u);
  EXPECT_EQ(h.global_size, 10000u);
  EXPECT_EQ(h.time_step, 0u);  // version 1 kept the steps here
  EXPECT_EQ(h.offset, 0u);     // and the routing here
  EXPECT_TRUE(result.frame->name.empty());
  EXPECT_EQ(welcome_payload(*result.frame), kPayload);
}

TEST(ProtocolWelcome, PayloadRoundTripsEveryRoutingAndTheLongestEndpoint) {
  for (Routing routing : {Routing::round_robin, Routing::by_simulation}) {
    const WelcomePayload payload{
        std::numeric_limits<std::uint32_t>::max(), routing, {std::string(kMaxEndpointLength, 'e'), "ipc:///tmp/x"}};
    const auto decoded = decode_welcome_payload(encode_welcome_payload(payload));
    ASSERT_TRUE(decoded.payload) << decoded.detail;
    EXPECT_EQ(*decoded.payload, payload);
  }
}

TEST(ProtocolWelcome, WireLayoutIsStepsRoutingCountThenLengthPrefixedEndpoints) {
  const auto payload = encode_welcome_payload({7, Routing::by_simulation, {"ab", "c"}});
  std::vector<std::byte> expected;
  append<std::uint32_t>(expected, 7);
  append<std::uint32_t>(expected, 1);
  append<std::uint32_t>(expected, 2);
  append<std::uint16_t>(expected, 2);
  for (char c : std::string("ab")) expected.push_back(static_cast<std::byte>(c));
  append<std::uint16_t>(expected, 1);
  expected.push_back(std::byte{'c'});
  EXPECT_EQ(payload, expected);
  const auto bytes = encode_welcome(3, 16, {7, Routing::by_simulation, {"ab", "c"}});
  EXPECT_EQ(bytes[kOffType], std::byte{2});
  EXPECT_EQ(bytes[kOffSimulation], std::byte{3});
  EXPECT_EQ(bytes[kOffGlobal], std::byte{16});
  EXPECT_EQ(std::vector<std::byte>(bytes.begin() + kHeaderSize, bytes.end()), expected);
}

TEST(ProtocolWelcome, ANameIsRejected) {
  Header h = decode(valid_message()).frame->header;
  EXPECT_TRUE(rejected_as(encode(h, "temperature", encode_welcome_payload(kPayload)), RejectReason::bad_name));
}

TEST(ProtocolWelcome, ADTypeIsRejected) {
  for (std::uint8_t dtype : {std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{3}}) {
    SCOPED_TRACE(static_cast<int>(dtype));
    auto bytes = valid_message();
    patch<std::uint8_t>(bytes, kOffDType, dtype);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_dtype));
  }
}

TEST(ProtocolWelcome, EveryUnusedFieldMustBeZero) {
  for (std::size_t at : {kOffStep, kOffRank, kOffRanks, kOffStatus}) {
    SCOPED_TRACE(at);
    auto bytes = valid_message();
    patch<std::uint32_t>(bytes, at, 1);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
  }
  for (std::size_t at : {kOffOffset, kOffLength}) {
    SCOPED_TRACE(at);
    auto bytes = valid_message();
    patch<std::uint64_t>(bytes, at, 1);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
  }
}

TEST(ProtocolWelcome, UnknownRoutingIsRejected) {
  for (std::uint32_t routing : {2u, 0x100u, std::numeric_limits<std::uint32_t>::max()}) {
    SCOPED_TRACE(routing);
    auto payload = encode_welcome_payload(kPayload);
    patch<std::uint32_t>(payload, 4, routing);
    EXPECT_TRUE(rejected_as(welcome_with_payload(payload), RejectReason::bad_routing));
  }
}

TEST(ProtocolWelcome, NoEndpointIsABadSize) {
  EXPECT_TRUE(rejected_as(welcome_with_payload(encode_welcome_payload({100, Routing::round_robin, {}})),
                          RejectReason::bad_size));
}

TEST(ProtocolWelcome, EndpointsMustBePrintableAndOfBoundedLength) {
  for (const std::string& endpoint :
       {std::string(), std::string("tcp://node 1:5556"), std::string("tcp://\x7f"), std::string(1025, 'e')}) {
    SCOPED_TRACE(endpoint.size());
    EXPECT_TRUE(rejected_as(welcome_with_payload(encode_welcome_payload({1, Routing::round_robin, {endpoint}})),
                            RejectReason::bad_endpoint));
  }
}

TEST(ProtocolWelcome, ThePayloadMustBeExactlyItsFields) {
  const auto payload = encode_welcome_payload(kPayload);
  // Cut anywhere: inside the fixed fields, a length prefix or an endpoint.
  for (std::size_t size = 0; size < payload.size(); ++size) {
    SCOPED_TRACE(size);
    EXPECT_TRUE(rejected_as(welcome_with_payload(std::span(payload).first(size)), RejectReason::length_mismatch));
  }
  auto longer = payload;
  longer.push_back(std::byte{'x'});
  EXPECT_TRUE(rejected_as(welcome_with_payload(longer), RejectReason::length_mismatch));
  // More endpoints announced than the payload holds.
  auto counted = payload;
  patch<std::uint32_t>(counted, 8, std::numeric_limits<std::uint32_t>::max());
  EXPECT_TRUE(rejected_as(welcome_with_payload(counted), RejectReason::length_mismatch));
}

TEST(ProtocolWelcome, AVersionOneWelcomeIsUnsupported) {
  // Version 1's layout: steps in time_step, routing in offset, endpoints as lines.
  Header h;
  h.type = MessageType::welcome;
  h.simulation_id = 12;
  h.time_step = 100;
  h.global_size = 10000;
  h.offset = 1;
  auto bytes = encode(h, "", as_bytes("tcp://node1:5556\n"));
  patch<std::uint16_t>(bytes, kOffVersion, 1);
  EXPECT_TRUE(rejected_as(bytes, RejectReason::unsupported_version));
}

TEST(ProtocolWelcome, WelcomePayloadOfAnotherFrameThrows) {
  const auto data = valid_data_message();
  EXPECT_THROW(welcome_payload(*decode(data).frame), std::invalid_argument);
}

}  // namespace
}  // namespace apiary::protocol::testing
