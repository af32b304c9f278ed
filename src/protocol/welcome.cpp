#include "protocol/welcome.hpp"

#include <cstring>
#include <stdexcept>

namespace apiary::protocol {
namespace {

template <typename T>
void append(std::vector<std::byte>& out, T value) {
  const auto at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

// Reads the payload front to back; every read checks that its bytes exist.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::size_t left() const { return bytes_.size() - at_; }
  template <typename T>
  T next() {
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string text(std::size_t length) {
    std::string value(reinterpret_cast<const char*>(bytes_.data()) + at_, length);
    at_ += length;
    return value;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

WelcomePayloadDecode welcome_rejected(RejectReason reason, std::string detail) {
  WelcomePayloadDecode result;
  result.reason = reason;
  result.detail = "welcome: " + std::move(detail);
  return result;
}

bool printable(const std::string& text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::vector<std::byte> encode_welcome_payload(const WelcomePayload& payload) {
  std::vector<std::byte> out;
  append<std::uint32_t>(out, payload.steps_expected);
  append<std::uint32_t>(out, static_cast<std::uint32_t>(payload.routing));
  append<std::uint32_t>(out, static_cast<std::uint32_t>(payload.data_endpoints.size()));
  for (const auto& endpoint : payload.data_endpoints) {
    append<std::uint16_t>(out, static_cast<std::uint16_t>(endpoint.size()));
    const auto* characters = reinterpret_cast<const std::byte*>(endpoint.data());
    out.insert(out.end(), characters, characters + endpoint.size());
  }
  return out;
}

std::vector<std::byte> encode_welcome(std::uint32_t simulation_id, std::uint64_t global_size,
                                      const WelcomePayload& payload) {
  Header h;
  h.type = MessageType::welcome;
  h.simulation_id = simulation_id;
  h.client_ranks = 0;  // unused, and decode wants unused fields zero
  h.global_size = global_size;
  return encode(h, "", encode_welcome_payload(payload));
}

WelcomePayloadDecode decode_welcome_payload(std::span<const std::byte> bytes) {
  Reader in(bytes);
  if (in.left() < kWelcomeFixedBytes) {
    return welcome_rejected(RejectReason::length_mismatch,
                            std::to_string(bytes.size()) + " payload bytes, at least 12 needed");
  }
  WelcomePayload payload;
  payload.steps_expected = in.next<std::uint32_t>();
  const auto routing = in.next<std::uint32_t>();
  if (routing > static_cast<std::uint32_t>(Routing::by_simulation)) {
    return welcome_rejected(RejectReason::bad_routing, "routing " + std::to_string(routing) + ", expected 0 or 1");
  }
  payload.routing = static_cast<Routing>(routing);
  const auto count = in.next<std::uint32_t>();
  if (count == 0) return welcome_rejected(RejectReason::bad_size, "no data endpoint");
  for (std::uint32_t i = 0; i < count; ++i) {
    if (in.left() < sizeof(std::uint16_t)) {
      return welcome_rejected(RejectReason::length_mismatch, "the payload ends before endpoint " + std::to_string(i));
    }
    const auto length = in.next<std::uint16_t>();
    if (length > in.left()) {
      return welcome_rejected(RejectReason::length_mismatch, "endpoint " + std::to_string(i) + " of " +
                                                                 std::to_string(length) + " bytes, " +
                                                                 std::to_string(in.left()) + " left");
    }
    auto endpoint = in.text(length);
    if (length == 0 || length > kMaxEndpointLength || !printable(endpoint)) {
      return welcome_rejected(RejectReason::bad_endpoint,
                              "endpoint " + std::to_string(i) + " must be 1-1024 printable ASCII characters");
    }
    payload.data_endpoints.push_back(std::move(endpoint));
  }
  if (in.left() != 0) {
    return welcome_rejected(RejectReason::length_mismatch,
                            std::to_string(in.left()) + " bytes beyond the last endpoint");
  }
  WelcomePayloadDecode result;
  result.payload = std::move(payload);
  return result;
}

WelcomePayload welcome_payload(const Frame& frame) {
  auto decoded = decode_welcome_payload(frame.payload);
  if (!decoded.payload) throw std::invalid_argument("not a decoded welcome frame: " + decoded.detail);
  return std::move(*decoded.payload);
}

}  // namespace apiary::protocol
