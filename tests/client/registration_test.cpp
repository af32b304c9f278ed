// The registration reply that rank 0 broadcasts to the client's other
// ranks: encode_registration then decode_registration gives back every
// field, and other bytes are refused rather than misread.
#include "client/registration.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace apiary::client {
namespace {

RegistrationReply welcomed() {
  return {APIARY_STATUS_OK, "", {250, protocol::Routing::by_simulation, {"tcp://node1:5556", "tcp://node2:5557"}}};
}

TEST(ClientRegistration, AWelcomeRoundTrips) {
  const auto reply = welcomed();
  EXPECT_EQ(decode_registration(encode_registration(reply)), reply);
}

TEST(ClientRegistration, AFailureRoundTripsWithItsStatusAndMessage) {
  for (apiary_status_t status : {APIARY_STATUS_REFUSED, APIARY_STATUS_SIZE_MISMATCH, APIARY_STATUS_VERSION_MISMATCH,
                                 APIARY_STATUS_CONNECTION, APIARY_STATUS_AUTHENTICATION}) {
    SCOPED_TRACE(status);
    const RegistrationReply reply{status, "field 'temperature' has 100 values\nthe client has 99", {}};
    EXPECT_EQ(decode_registration(encode_registration(reply)), reply);
  }
}

TEST(ClientRegistration, AnEmptyMessageAndTheRoundRobinRoutingRoundTrip) {
  const RegistrationReply reply{APIARY_STATUS_OK, "", {0, protocol::Routing::round_robin, {"ipc:///tmp/apiary"}}};
  EXPECT_EQ(decode_registration(encode_registration(reply)), reply);
}

apiary_status_t status_of_decoding(const std::vector<std::byte>& bytes) {
  try {
    decode_registration(bytes);
  } catch (const Error& error) {
    return error.status();
  }
  return APIARY_STATUS_OK;
}

TEST(ClientRegistration, EveryTruncationIsRefused) {
  const auto bytes = encode_registration(welcomed());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(status_of_decoding({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)}),
              APIARY_STATUS_INTERNAL);
  }
}

TEST(ClientRegistration, TrailingBytesAreRefused) {
  for (const auto& reply : {welcomed(), RegistrationReply{APIARY_STATUS_REFUSED, "no", {}}}) {
    auto bytes = encode_registration(reply);
    bytes.push_back(std::byte{0});
    EXPECT_EQ(status_of_decoding(bytes), APIARY_STATUS_INTERNAL);
  }
}

TEST(ClientRegistration, AMessageLongerThanTheBytesIsRefused) {
  auto bytes = encode_registration({APIARY_STATUS_REFUSED, "why", {}});
  const std::uint32_t length = 1000;
  std::memcpy(bytes.data() + sizeof(std::uint32_t), &length, sizeof length);
  EXPECT_EQ(status_of_decoding(bytes), APIARY_STATUS_INTERNAL);
}

}  // namespace
}  // namespace apiary::client
