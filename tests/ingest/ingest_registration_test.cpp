// hello on the control socket: welcome for a simulation and field of the
// study, refused (with the status a client reports) otherwise.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ingest_fixture.hpp"
#include "protocol/welcome.hpp"

namespace apiary::server::testing {
namespace {

using protocol::MessageType;

TEST_F(IngestTest, HelloForAPlannedSimulationIsWelcomed) {
  const Message reply(ingest_.handle_control(hello_message(1, kSize)));
  const auto& h = reply.frame().header;
  EXPECT_EQ(h.type, MessageType::welcome);
  EXPECT_EQ(h.simulation_id, 1u);
  EXPECT_EQ(h.global_size, kSize);
  const auto welcome = protocol::welcome_payload(reply.frame());
  EXPECT_EQ(welcome.steps_expected, kSteps);  // the steps the client is expected to send
  EXPECT_EQ(welcome.routing, protocol::Routing::round_robin);
  EXPECT_EQ(welcome.data_endpoints, (std::vector<std::string>{"tcp://node1:5556", "tcp://node2:5557"}));
  EXPECT_EQ(ingest_.counters().registrations_refused.load(), 0u);
}

TEST_F(IngestTest, HelloForAnUnknownSimulationIsRefused) {
  const Message reply(ingest_.handle_control(hello_message(99, kSize)));
  const auto& h = reply.frame().header;
  EXPECT_EQ(h.type, MessageType::refused);
  EXPECT_EQ(h.status, static_cast<std::uint32_t>(APIARY_STATUS_REFUSED));
  EXPECT_NE(payload_text(reply.frame()).find("99"), std::string::npos) << payload_text(reply.frame());
  EXPECT_EQ(ingest_.counters().registrations_refused.load(), 1u);
}

TEST_F(IngestTest, HelloForAnotherFieldIsRefused) {
  const Message reply(ingest_.handle_control(hello_message(0, kSize, "pressure")));
  EXPECT_EQ(reply.frame().header.type, MessageType::refused);
  EXPECT_EQ(reply.frame().header.status, static_cast<std::uint32_t>(APIARY_STATUS_REFUSED));
  EXPECT_NE(payload_text(reply.frame()).find("pressure"), std::string::npos);
  EXPECT_EQ(ingest_.counters().registrations_refused.load(), 1u);
}

TEST_F(IngestTest, HelloWithAnotherGlobalSizeIsASizeMismatch) {
  const Message reply(ingest_.handle_control(hello_message(0, 12345)));
  const auto& h = reply.frame().header;
  EXPECT_EQ(h.type, MessageType::refused);
  EXPECT_EQ(h.status, static_cast<std::uint32_t>(APIARY_STATUS_SIZE_MISMATCH));
  const std::string reason = payload_text(reply.frame());
  EXPECT_NE(reason.find("12345"), std::string::npos) << reason;                // the client's size
  EXPECT_NE(reason.find(std::to_string(kSize)), std::string::npos) << reason;  // the study's size
  EXPECT_EQ(ingest_.counters().registrations_refused.load(), 1u);
}

TEST_F(IngestTest, HelloOfAnotherVersionIsAVersionMismatch) {
  auto hello = hello_message(0, kSize);
  hello[4] = std::byte{1};  // version 1, whose welcome this build no longer writes
  const Message reply(ingest_.handle_control(hello));
  EXPECT_EQ(reply.frame().header.type, MessageType::refused);
  EXPECT_EQ(reply.frame().header.status, static_cast<std::uint32_t>(APIARY_STATUS_VERSION_MISMATCH));
  EXPECT_EQ(rejected(protocol::RejectReason::unsupported_version), 1u);
}

TEST_F(IngestTest, DataOnTheControlSocketIsRefused) {
  const Message reply(ingest_.handle_control(data_message({.rank = 0, .offset = 0}, ramp(4))));
  EXPECT_EQ(reply.frame().header.type, MessageType::refused);
  EXPECT_EQ(reply.frame().header.status, static_cast<std::uint32_t>(APIARY_STATUS_REFUSED));
  EXPECT_EQ(rejected(protocol::RejectReason::unknown_type), 1u);
}

}  // namespace
}  // namespace apiary::server::testing
