#pragma once
// welcome's payload (protocol version 2, docs/protocol.md "welcome"): what
// a registered client needs to stream, in fields of its own rather than in
// header fields that mean something else in other messages.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/frame.hpp"

namespace apiary::protocol {

inline constexpr std::size_t kWelcomeFixedBytes = 12;  // steps, routing, endpoint count
inline constexpr std::size_t kMaxEndpointLength = 1024;

struct WelcomePayload {
  std::uint32_t steps_expected = 0;  // time steps the study expects per field
  Routing routing = Routing::round_robin;
  std::vector<std::string> data_endpoints;  // one per server rank, in rank order

  bool operator==(const WelcomePayload&) const = default;
};

// A whole welcome message: the registration's simulation and field size in
// the header, the payload as above.
std::vector<std::byte> encode_welcome(std::uint32_t simulation_id, std::uint64_t global_size,
                                      const WelcomePayload& payload);

// The payload's encoding alone: u32 steps, u32 routing, u32 endpoint count,
// then each endpoint as u16 length and its characters.
std::vector<std::byte> encode_welcome_payload(const WelcomePayload& payload);

struct WelcomePayloadDecode {
  std::optional<WelcomePayload> payload;  // set when the bytes are a valid payload
  RejectReason reason = RejectReason::length_mismatch;
  std::string detail;
};

// Reads a welcome payload, strictly: exactly the bytes the fields announce,
// a known routing, at least one endpoint, each 1 to kMaxEndpointLength
// printable ASCII characters. decode() applies it to every welcome.
WelcomePayloadDecode decode_welcome_payload(std::span<const std::byte> bytes);

// The payload of a welcome frame that decode() accepted.
WelcomePayload welcome_payload(const Frame& frame);

}  // namespace apiary::protocol
