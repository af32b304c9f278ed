#include "protocol/frame.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>

#include "protocol/welcome.hpp"

namespace apiary::protocol {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the wire format is little-endian; a big-endian port needs byte swaps here");

// Byte offsets of the header fields (docs/protocol.md, "Header").
constexpr std::size_t kOffMagic = 0, kOffVersion = 4, kOffType = 6, kOffSimulation = 8, kOffStep = 12, kOffRank = 16,
                      kOffRanks = 20, kOffOffset = 24, kOffLength = 32, kOffGlobal = 40, kOffDType = 48,
                      kOffReserved8 = 49, kOffNameLength = 50, kOffStatus = 52, kOffPayload = 56;

template <typename T>
T load(std::span<const std::byte> bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

template <typename T>
void store(std::span<std::byte> bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof(T));
}

DecodeResult reject(RejectReason reason, std::string detail) {
  DecodeResult result;
  result.reason = reason;
  result.detail = std::move(detail);
  return result;
}

bool printable_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

bool known_type(std::uint16_t type) { return type >= 1 && type <= 8; }

// Checks that only concern data and end messages: a rank's slice of a field.
std::optional<DecodeResult> check_slice(const Header& h) {
  if (h.client_ranks == 0 || h.client_rank >= h.client_ranks) {
    return reject(RejectReason::bad_rank,
                  "client rank " + std::to_string(h.client_rank) + " of " + std::to_string(h.client_ranks) + " ranks");
  }
  if (h.type == MessageType::end) return std::nullopt;
  if (h.dtype != DType::float32 && h.dtype != DType::float64) {
    return reject(RejectReason::bad_dtype, "dtype " + std::to_string(static_cast<int>(h.dtype)));
  }
  if (h.global_size == 0 || h.length == 0) {
    return reject(RejectReason::bad_size,
                  "global size " + std::to_string(h.global_size) + ", slice length " + std::to_string(h.length));
  }
  if (h.offset > h.global_size || h.length > h.global_size - h.offset) {
    return reject(RejectReason::offset_out_of_range, "slice [" + std::to_string(h.offset) + ", +" +
                                                         std::to_string(h.length) + ") outside a field of " +
                                                         std::to_string(h.global_size) + " values");
  }
  if (h.payload_bytes / dtype_size(h.dtype) != h.length || h.payload_bytes % dtype_size(h.dtype) != 0) {
    return reject(RejectReason::length_mismatch,
                  std::to_string(h.payload_bytes) + " payload bytes for " + std::to_string(h.length) + " values");
  }
  return std::nullopt;
}

using UnusedFields = std::initializer_list<std::pair<const char*, std::uint64_t>>;

// Strict messages have each field either used or zero, so that a peer of
// another build cannot slip meaning into a field this one ignores.
std::optional<DecodeResult> check_unused(const char* message, UnusedFields fields) {
  for (const auto& [field, value] : fields) {
    if (value != 0) {
      return reject(RejectReason::reserved_nonzero,
                    std::string(message) + " does not use " + field + ", which must be 0");
    }
  }
  return std::nullopt;
}

std::optional<DecodeResult> check_simulation_added(const Header& h, std::string_view name,
                                                   std::span<const std::byte> payload) {
  if (!name.empty()) return reject(RejectReason::bad_name, "simulation_added has no name");
  if (h.dtype != DType::float64) {
    return reject(RejectReason::bad_dtype,
                  "simulation_added parameters are float64, dtype " + std::to_string(static_cast<int>(h.dtype)));
  }
  if (auto rejected = check_unused("simulation_added", {{"time_step", h.time_step},
                                                        {"client_rank", h.client_rank},
                                                        {"client_ranks", h.client_ranks},
                                                        {"global_size", h.global_size},
                                                        {"status", h.status}})) {
    return rejected;
  }
  if (h.offset > static_cast<std::uint64_t>(AddedRole::validation)) {
    return reject(RejectReason::bad_role, "role " + std::to_string(h.offset) + ", expected 0 or 1");
  }
  if (h.payload_bytes / sizeof(double) != h.length || h.payload_bytes % sizeof(double) != 0) {
    return reject(RejectReason::length_mismatch,
                  std::to_string(h.payload_bytes) + " payload bytes for " + std::to_string(h.length) + " parameters");
  }
  for (std::size_t i = 0; i < h.length; ++i) {
    const auto value = load<double>(payload, i * sizeof(double));
    if (!std::isfinite(value))
      return reject(RejectReason::not_finite, "parameter " + std::to_string(i) + " is not finite");
  }
  return std::nullopt;
}

// welcome (version 2): the registration's simulation and field size in the
// header, everything else in its payload (welcome.hpp).
std::optional<DecodeResult> check_welcome(const Header& h, std::string_view name, std::span<const std::byte> payload) {
  if (!name.empty()) return reject(RejectReason::bad_name, "welcome has no name");
  if (h.dtype != DType::none) {
    return reject(RejectReason::bad_dtype, "welcome has no dtype, got " + std::to_string(static_cast<int>(h.dtype)));
  }
  if (auto rejected = check_unused("welcome", {{"time_step", h.time_step},
                                               {"client_rank", h.client_rank},
                                               {"client_ranks", h.client_ranks},
                                               {"offset", h.offset},
                                               {"length", h.length},
                                               {"status", h.status}})) {
    return rejected;
  }
  auto decoded = decode_welcome_payload(payload);
  if (!decoded.payload) return reject(decoded.reason, std::move(decoded.detail));
  return std::nullopt;
}

}  // namespace

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return 4;
    case DType::float64:
      return 8;
    case DType::none:
      return 1;
  }
  return 1;
}

std::string_view reject_reason_name(RejectReason reason) {
  static constexpr std::array<std::string_view, kRejectReasonCount> names = {"truncated",
                                                                             "oversized",
                                                                             "bad_magic",
                                                                             "unsupported_version",
                                                                             "unknown_type",
                                                                             "bad_name",
                                                                             "bad_dtype",
                                                                             "bad_rank",
                                                                             "bad_size",
                                                                             "offset_out_of_range",
                                                                             "length_mismatch",
                                                                             "reserved_nonzero",
                                                                             "bad_role",
                                                                             "bad_routing",
                                                                             "bad_endpoint",
                                                                             "unknown_simulation",
                                                                             "unknown_field",
                                                                             "field_size_mismatch",
                                                                             "time_step_out_of_range",
                                                                             "inconsistent_ranks",
                                                                             "not_finite",
                                                                             "simulation_failed"};
  return names.at(static_cast<std::size_t>(reason));
}

DecodeResult decode(std::span<const std::byte> bytes) {
  if (bytes.size() < kHeaderSize) {
    return reject(RejectReason::truncated, std::to_string(bytes.size()) + " bytes, header needs 64");
  }
  if (load<std::uint32_t>(bytes, kOffMagic) != kMagic) return reject(RejectReason::bad_magic, "not an Apiary message");
  const auto version = load<std::uint16_t>(bytes, kOffVersion);
  if (version != kVersion) {
    return reject(RejectReason::unsupported_version,
                  "version " + std::to_string(version) + ", this build speaks " + std::to_string(kVersion));
  }
  const auto type = load<std::uint16_t>(bytes, kOffType);
  if (!known_type(type)) return reject(RejectReason::unknown_type, "type " + std::to_string(type));
  if (load<std::uint8_t>(bytes, kOffReserved8) != 0) {
    return reject(RejectReason::reserved_nonzero, "reserved byte 49 is not zero");
  }

  Header h;
  h.type = static_cast<MessageType>(type);
  h.simulation_id = load<std::uint32_t>(bytes, kOffSimulation);
  h.time_step = load<std::uint32_t>(bytes, kOffStep);
  h.client_rank = load<std::uint32_t>(bytes, kOffRank);
  h.client_ranks = load<std::uint32_t>(bytes, kOffRanks);
  h.offset = load<std::uint64_t>(bytes, kOffOffset);
  h.length = load<std::uint64_t>(bytes, kOffLength);
  h.global_size = load<std::uint64_t>(bytes, kOffGlobal);
  h.dtype = static_cast<DType>(load<std::uint8_t>(bytes, kOffDType));
  h.status = load<std::uint32_t>(bytes, kOffStatus);
  h.payload_bytes = load<std::uint64_t>(bytes, kOffPayload);
  const auto name_length = load<std::uint16_t>(bytes, kOffNameLength);

  if (name_length > kMaxNameLength) {
    return reject(RejectReason::bad_name, "name of " + std::to_string(name_length) + " bytes, limit 64");
  }
  const std::size_t body = bytes.size() - kHeaderSize;
  if (h.payload_bytes > body || name_length > body - h.payload_bytes) {
    return reject(RejectReason::truncated, std::to_string(body) + " bytes after the header, header announces " +
                                               std::to_string(name_length) + " + " + std::to_string(h.payload_bytes));
  }
  if (body != name_length + h.payload_bytes) {
    return reject(RejectReason::oversized,
                  std::to_string(body - name_length - h.payload_bytes) + " bytes beyond the announced payload");
  }

  Frame frame{h, std::string_view(reinterpret_cast<const char*>(bytes.data()) + kHeaderSize, name_length),
              bytes.subspan(kHeaderSize + name_length)};
  const bool named = h.type == MessageType::hello || h.type == MessageType::data || h.type == MessageType::end;
  if (named && !printable_name(frame.name)) {
    return reject(RejectReason::bad_name, "field name must be 1-64 printable ASCII characters");
  }
  if (h.type == MessageType::data || h.type == MessageType::end) {
    if (auto rejected = check_slice(h)) return std::move(*rejected);
  }
  if (h.type == MessageType::hello) {
    if (h.client_ranks == 0) return reject(RejectReason::bad_rank, "zero client ranks");
    if (h.global_size == 0) return reject(RejectReason::bad_size, "zero global size");
  }
  if (h.type == MessageType::study_end && h.payload_bytes % sizeof(std::uint32_t) != 0) {
    return reject(RejectReason::length_mismatch, "study_end payload is not a list of 32-bit ids");
  }
  if (h.type == MessageType::welcome) {
    if (auto rejected = check_welcome(h, frame.name, frame.payload)) return std::move(*rejected);
  }
  if (h.type == MessageType::simulation_added) {
    if (auto rejected = check_simulation_added(h, frame.name, frame.payload)) return std::move(*rejected);
  }
  DecodeResult result;
  result.frame = frame;
  return result;
}

std::size_t encoded_size(std::string_view name, std::size_t payload_bytes) {
  return kHeaderSize + name.size() + payload_bytes;
}

void encode_into(std::span<std::byte> out, Header h, std::string_view name, std::span<const std::byte> payload) {
  h.payload_bytes = payload.size();
  std::memset(out.data(), 0, kHeaderSize);
  store<std::uint32_t>(out, kOffMagic, kMagic);
  store<std::uint16_t>(out, kOffVersion, kVersion);
  store<std::uint16_t>(out, kOffType, static_cast<std::uint16_t>(h.type));
  store<std::uint32_t>(out, kOffSimulation, h.simulation_id);
  store<std::uint32_t>(out, kOffStep, h.time_step);
  store<std::uint32_t>(out, kOffRank, h.client_rank);
  store<std::uint32_t>(out, kOffRanks, h.client_ranks);
  store<std::uint64_t>(out, kOffOffset, h.offset);
  store<std::uint64_t>(out, kOffLength, h.length);
  store<std::uint64_t>(out, kOffGlobal, h.global_size);
  store<std::uint8_t>(out, kOffDType, static_cast<std::uint8_t>(h.dtype));
  store<std::uint16_t>(out, kOffNameLength, static_cast<std::uint16_t>(name.size()));
  store<std::uint32_t>(out, kOffStatus, h.status);
  store<std::uint64_t>(out, kOffPayload, h.payload_bytes);
  std::memcpy(out.data() + kHeaderSize, name.data(), name.size());
  if (!payload.empty()) std::memcpy(out.data() + kHeaderSize + name.size(), payload.data(), payload.size());
}

std::vector<std::byte> encode(const Header& header, std::string_view name, std::span<const std::byte> payload) {
  std::vector<std::byte> out(encoded_size(name, payload.size()));
  encode_into(out, header, name, payload);
  return out;
}

std::vector<std::byte> encode_simulation_added(std::uint32_t simulation_id, AddedRole role,
                                               std::span<const double> parameters) {
  Header h;
  h.type = MessageType::simulation_added;
  h.simulation_id = simulation_id;
  h.client_ranks = 0;  // unused, and decode wants unused fields zero
  h.offset = static_cast<std::uint64_t>(role);
  h.length = parameters.size();
  h.dtype = DType::float64;
  return encode(h, "", std::as_bytes(parameters));
}

std::vector<double> added_parameters(const Frame& frame) {
  std::vector<double> parameters(frame.payload.size() / sizeof(double));
  if (!parameters.empty()) std::memcpy(parameters.data(), frame.payload.data(), parameters.size() * sizeof(double));
  return parameters;
}

}  // namespace apiary::protocol
