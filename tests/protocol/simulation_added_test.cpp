// simulation_added (launcher -> server control): a simulation that joins
// the plan while the study runs. Its encoding is strict: every field is
// either used or zero, the payload is exactly the parameters, all finite.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "protocol/protocol_test_support.hpp"

namespace apiary::protocol::testing {
namespace {

// Header offsets of docs "Header" that only this message's tests patch.
constexpr std::size_t kOffSimulation = 8, kOffStep = 12, kOffRank = 16, kOffRanks = 20, kOffOffset = 24,
                      kOffLength = 32, kOffGlobal = 40, kOffStatus = 52;

const std::vector<double> kParameters = {0.25, -3.5, 1e300};

std::vector<std::byte> valid_message() { return encode_simulation_added(61, AddedRole::validation, kParameters); }

TEST(ProtocolSimulationAdded, RoundTripsIdRoleAndParameters) {
  const auto bytes = valid_message();
  ASSERT_EQ(bytes.size(), kHeaderSize + 3 * sizeof(double));
  const auto result = decode(bytes);
  ASSERT_TRUE(result.frame) << result.detail;
  const auto& h = result.frame->header;
  EXPECT_EQ(h.type, MessageType::simulation_added);
  EXPECT_EQ(h.simulation_id, 61u);
  EXPECT_EQ(h.offset, static_cast<std::uint64_t>(AddedRole::validation));
  EXPECT_EQ(h.length, 3u);
  EXPECT_EQ(h.dtype, DType::float64);
  EXPECT_TRUE(result.frame->name.empty());
  EXPECT_EQ(added_parameters(*result.frame), kParameters);
}

TEST(ProtocolSimulationAdded, WireLayoutIsTypeEightIdRoleCountAndFloat64Payload) {
  const auto bytes = encode_simulation_added(7, AddedRole::training, std::vector<double>{2.0});
  std::uint16_t type = 0;
  std::uint32_t id = 0;
  std::uint64_t role = 9, length = 0, payload_bytes = 0;
  double parameter = 0;
  std::memcpy(&type, bytes.data() + kOffType, sizeof type);
  std::memcpy(&id, bytes.data() + kOffSimulation, sizeof id);
  std::memcpy(&role, bytes.data() + kOffOffset, sizeof role);
  std::memcpy(&length, bytes.data() + kOffLength, sizeof length);
  std::memcpy(&payload_bytes, bytes.data() + kOffPayloadBytes, sizeof payload_bytes);
  std::memcpy(&parameter, bytes.data() + kHeaderSize, sizeof parameter);
  EXPECT_EQ(type, 8u);
  EXPECT_EQ(id, 7u);
  EXPECT_EQ(role, 0u);
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(bytes[kOffDType], std::byte{2});
  EXPECT_EQ(payload_bytes, 8u);
  EXPECT_EQ(parameter, 2.0);
}

TEST(ProtocolSimulationAdded, NoParametersIsAValidMessage) {
  // A study without parameters is the server's to refuse or accept.
  EXPECT_TRUE(accepted(encode_simulation_added(3, AddedRole::training, {})));
}

TEST(ProtocolSimulationAdded, ANameIsRejected) {
  Header h = decode(valid_message()).frame->header;
  EXPECT_TRUE(rejected_as(encode(h, "temperature", std::as_bytes(std::span(kParameters))), RejectReason::bad_name));
}

TEST(ProtocolSimulationAdded, DTypeOtherThanFloat64IsRejected) {
  for (std::uint8_t dtype : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{3}}) {
    SCOPED_TRACE(static_cast<int>(dtype));
    auto bytes = valid_message();
    patch<std::uint8_t>(bytes, kOffDType, dtype);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_dtype));
  }
}

TEST(ProtocolSimulationAdded, EveryUnusedFieldMustBeZero) {
  for (std::size_t at : {kOffStep, kOffRank, kOffRanks, kOffStatus}) {
    SCOPED_TRACE(at);
    auto bytes = valid_message();
    patch<std::uint32_t>(bytes, at, 1);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
  }
  auto bytes = valid_message();
  patch<std::uint64_t>(bytes, kOffGlobal, 1);
  EXPECT_TRUE(rejected_as(bytes, RejectReason::reserved_nonzero));
}

TEST(ProtocolSimulationAdded, RoleBeyondValidationIsRejected) {
  for (std::uint64_t role : {std::uint64_t{2}, std::uint64_t{1} << 32, std::numeric_limits<std::uint64_t>::max()}) {
    SCOPED_TRACE(role);
    auto bytes = valid_message();
    patch<std::uint64_t>(bytes, kOffOffset, role);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::bad_role));
  }
}

TEST(ProtocolSimulationAdded, ParameterCountMustMatchThePayloadExactly) {
  for (std::uint64_t length :
       {std::uint64_t{0}, std::uint64_t{2}, std::uint64_t{4}, std::uint64_t{1} << 61, std::uint64_t{1} << 63}) {
    SCOPED_TRACE(length);
    auto bytes = valid_message();
    patch<std::uint64_t>(bytes, kOffLength, length);
    EXPECT_TRUE(rejected_as(bytes, RejectReason::length_mismatch));
  }
  // A payload that is not whole float64 values, with a matching count.
  Header h = decode(valid_message()).frame->header;
  h.length = 0;
  EXPECT_TRUE(rejected_as(encode(h, "", as_bytes("abcd")), RejectReason::length_mismatch));
}

TEST(ProtocolSimulationAdded, NonFiniteParametersAreRejected) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    for (std::size_t i = 0; i < kParameters.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << bad << " at " << i);
      auto parameters = kParameters;
      parameters[i] = bad;
      EXPECT_TRUE(rejected_as(encode_simulation_added(1, AddedRole::training, parameters), RejectReason::not_finite));
    }
  }
}

TEST(ProtocolSimulationAdded, FramingChecksComeFirst) {
  auto bytes = valid_message();
  bytes.pop_back();
  EXPECT_TRUE(rejected_as(bytes, RejectReason::truncated));
  bytes = valid_message();
  bytes.push_back(std::byte{0});
  EXPECT_TRUE(rejected_as(bytes, RejectReason::oversized));
}

}  // namespace
}  // namespace apiary::protocol::testing
