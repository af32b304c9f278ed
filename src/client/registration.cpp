#include "client/registration.hpp"

#include <cstdint>
#include <cstring>

#include "common/error.hpp"

namespace apiary::client {
namespace {

constexpr std::size_t kFixedBytes = 2 * sizeof(std::uint32_t);  // status, message length

template <typename T>
void append(std::vector<std::byte>& out, T value) {
  const auto at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

template <typename T>
T load(std::span<const std::byte> bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

[[noreturn]] void malformed(const std::string& why) {
  throw Error("malformed registration reply between client ranks: " + why, APIARY_STATUS_INTERNAL);
}

}  // namespace

std::vector<std::byte> encode_registration(const RegistrationReply& reply) {
  std::vector<std::byte> out;
  append<std::uint32_t>(out, static_cast<std::uint32_t>(reply.status));
  append<std::uint32_t>(out, static_cast<std::uint32_t>(reply.message.size()));
  const auto* message = reinterpret_cast<const std::byte*>(reply.message.data());
  out.insert(out.end(), message, message + reply.message.size());
  if (reply.status == APIARY_STATUS_OK) {
    const auto welcome = protocol::encode_welcome_payload(reply.welcome);
    out.insert(out.end(), welcome.begin(), welcome.end());
  }
  return out;
}

RegistrationReply decode_registration(std::span<const std::byte> bytes) {
  if (bytes.size() < kFixedBytes) malformed(std::to_string(bytes.size()) + " bytes");
  RegistrationReply reply;
  reply.status = static_cast<apiary_status_t>(load<std::uint32_t>(bytes, 0));
  const auto message_length = load<std::uint32_t>(bytes, sizeof(std::uint32_t));
  if (message_length > bytes.size() - kFixedBytes) malformed("a message beyond the bytes");
  reply.message.assign(reinterpret_cast<const char*>(bytes.data()) + kFixedBytes, message_length);
  const auto rest = bytes.subspan(kFixedBytes + message_length);
  if (reply.status != APIARY_STATUS_OK) {
    if (!rest.empty()) malformed("bytes after a failure's message");
    return reply;
  }
  auto welcome = protocol::decode_welcome_payload(rest);
  if (!welcome.payload) malformed(welcome.detail);
  reply.welcome = std::move(*welcome.payload);
  return reply;
}

}  // namespace apiary::client
