#pragma once
// The outcome of a field's registration. Rank 0 of the client talks to the
// server; every other rank learns the outcome from one broadcast of the
// bytes encode_registration writes.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "apiary/status.h"
#include "protocol/welcome.hpp"

namespace apiary::client {

struct RegistrationReply {
  apiary_status_t status = APIARY_STATUS_OK;  // OK: welcomed; else why it failed
  std::string message;                        // the reason, when status is not OK
  protocol::WelcomePayload welcome;           // when OK: steps expected, routing, data endpoints

  bool operator==(const RegistrationReply&) const = default;
};

// u32 status, u32 message length, the message, then (when OK) welcome's
// payload as on the wire (protocol/welcome.hpp).
std::vector<std::byte> encode_registration(const RegistrationReply& reply);

// The reply encode_registration wrote; throws apiary::Error
// (APIARY_STATUS_INTERNAL) on any other bytes.
RegistrationReply decode_registration(std::span<const std::byte> bytes);

}  // namespace apiary::client
