// Who may connect to a server rank: the study's clients, and nobody else;
// every refusal is counted by reason, and data from a refused peer never
// reaches ingest.
#include "security/security_fixture.hpp"

namespace apiary::server::testing {
namespace {

TEST_F(SecuredReception, TheStudyClientKeyIsAdmitted) {
  start();
  EXPECT_TRUE(registers(client_keys_));
  EXPECT_TRUE(eventually([&] { return receiver_->connections().admitted.load() >= 1; }));
  EXPECT_EQ(refused(Refusal::wrong_key) + refused(Refusal::no_key) + refused(Refusal::handshake_failed), 0u);
}

TEST_F(SecuredReception, AnotherClientKeyIsRefusedAsWrongKey) {
  start();
  EXPECT_FALSE(registers(stranger_keys()));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::wrong_key) >= 1; }));
  EXPECT_EQ(ingest_->counters().messages_rejected(), 0u);
}

// Which side notices the mismatch first is a race: the server either sees
// the peer's mechanism (no_key) or the peer hanging up (handshake_failed).
TEST_F(SecuredReception, APeerWithoutKeyIsRefused) {
  start();
  EXPECT_FALSE(registers(std::nullopt));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::no_key) + refused(Refusal::handshake_failed) >= 1; }));
  EXPECT_EQ(refused(Refusal::wrong_key), 0u);
}

TEST_F(SecuredReception, APeerWithAForgedServerKeyFailsTheHandshake) {
  start();
  auto forged = client_keys_;
  forged.server_public_key = security::generate_key_pair().public_key;
  EXPECT_FALSE(registers(forged));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::handshake_failed) >= 1; }));
}

TEST_F(SecuredReception, DataFromARefusedPeerNeverReachesIngest) {
  start();
  std::vector<zmq::socket_t> peers;  // open until the end: a closed socket would not even try
  for (const auto& keys : {std::optional<security::ClientKeys>{}, std::optional{stranger_keys()}}) {
    auto& data = peers.emplace_back(socket_of(zmq::socket_type::push, keys));
    data.connect(receiver_->endpoints().data);
    const auto step =
        data_message({.simulation = 0, .step = 0, .rank = 0, .ranks = 1, .global_size = kSize}, ramp(kSize));
    (void)data.send(zmq::buffer(step), zmq::send_flags::dontwait);
  }
  EXPECT_TRUE(eventually([&] {
    return refused(Refusal::no_key) + refused(Refusal::handshake_failed) >= 1 && refused(Refusal::wrong_key) >= 1;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ingest_->counters().messages.load(), 0u);
  EXPECT_EQ(samples_.load(), 0);
}

TEST_F(SecuredReception, TheStudyClientsDataIsReceived) {
  start();
  auto data = socket_of(zmq::socket_type::push, client_keys_);
  data.connect(receiver_->endpoints().data);
  const auto step =
      data_message({.simulation = 0, .step = 0, .rank = 0, .ranks = 1, .global_size = kSize}, ramp(kSize));
  data.send(zmq::buffer(step), zmq::send_flags::none);
  EXPECT_TRUE(eventually([&] { return samples_.load() == 1; }));
}

// A message over the size limit never gets allocated: ZeroMQ drops the
// sender's connection instead. Others go on.
TEST_F(SecuredReception, AMessageOverTheSizeLimitIsNeverReceived) {
  const auto step =
      data_message({.simulation = 0, .step = 0, .rank = 0, .ranks = 1, .global_size = kSize}, ramp(kSize));
  start(true, 0, static_cast<std::int64_t>(step.size()));
  auto oversized = socket_of(zmq::socket_type::push, client_keys_);
  oversized.connect(receiver_->endpoints().data);
  auto larger = step;
  larger.resize(step.size() + 4096);
  oversized.send(zmq::buffer(larger), zmq::send_flags::none);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(ingest_->counters().messages.load(), 0u);
  auto good = socket_of(zmq::socket_type::push, client_keys_);
  good.connect(receiver_->endpoints().data);
  good.send(zmq::buffer(step), zmq::send_flags::none);
  EXPECT_TRUE(eventually([&] { return samples_.load() == 1; }));
  EXPECT_EQ(ingest_->counters().messages.load(), 1u);
}

TEST_F(SecuredReception, ConnectionsBeyondTheLimitAreRefusedUntilOneCloses) {
  start(true, 2);
  std::vector<zmq::socket_t> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(socket_of(zmq::socket_type::push, client_keys_));
    open.back().connect(receiver_->endpoints().data);
  }
  ASSERT_TRUE(eventually([&] { return receiver_->connections().admitted.load() == 2; }));
  EXPECT_FALSE(registers(client_keys_));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::too_many_connections) >= 1; }));
  open.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the close reaches the server
  EXPECT_TRUE(registers(client_keys_));
}

TEST_F(SecuredReception, WithSecurityOffPlainPeersAreAdmittedAndCurvePeersRefused) {
  start(false);
  EXPECT_TRUE(registers(std::nullopt));
  EXPECT_FALSE(registers(client_keys_));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::no_key) + refused(Refusal::handshake_failed) >= 1; }));
}

TEST_F(SecuredReception, WithSecurityOffTheConnectionLimitStillHolds) {
  start(false, 1);
  auto data = socket_of(zmq::socket_type::push, std::nullopt);
  data.connect(receiver_->endpoints().data);
  ASSERT_TRUE(eventually([&] { return receiver_->connections().admitted.load() == 1; }));
  EXPECT_FALSE(registers(std::nullopt));
  EXPECT_TRUE(eventually([&] { return refused(Refusal::too_many_connections) >= 1; }));
}

}  // namespace
}  // namespace apiary::server::testing
