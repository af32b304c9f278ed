// libFuzzer target: apiary::protocol::decode on arbitrary bytes. Traps when
//  - decode accepts bytes that docs/protocol.md ("Validation") rejects, or
//    rejects them for another reason than the first rule they break (the
//    rules are re-read here from the bytes, independently of frame.cpp);
//  - a rejection has no detail, or a decode-level reason is out of range;
//  - an accepted frame's name and payload are not the views of the input
//    right after the header, payload size differs from payload_bytes, or a
//    field breaks the rules of its message type (a welcome's payload must
//    read back into fields that encode to the same bytes);
//  - encode() of the decoded frame does not give back exactly the input.
// ASan catches any read outside the input (libFuzzer passes a buffer of
// exactly `size` bytes).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/frame.hpp"
#include "protocol/welcome.hpp"

namespace apiary::fuzz {
namespace {

using protocol::DType;
using protocol::MessageType;
using protocol::RejectReason;

#define FUZZ_CHECK(condition)                                                                                 \
  do {                                                                                                        \
    if (!(condition)) {                                                                                       \
      std::fprintf(stderr, "decode_fuzzer: invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      __builtin_trap();                                                                                       \
    }                                                                                                         \
  } while (0)

template <typename T>
T field_at(const std::uint8_t* data, std::size_t offset) {
  T value;
  std::memcpy(&value, data + offset, sizeof(T));
  return value;
}

bool printable(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// welcome's rules (docs/protocol.md, "Validation"), on a frame whose
// framing is already known to be right.
std::optional<RejectReason> welcome_verdict(const std::uint8_t* data, std::uint16_t name_length,
                                            std::uint64_t payload_bytes) {
  if (name_length != 0) return RejectReason::bad_name;
  if (data[48] != 0) return RejectReason::bad_dtype;
  for (std::size_t at : {12, 16, 20, 52}) {
    if (field_at<std::uint32_t>(data, at) != 0) return RejectReason::reserved_nonzero;
  }
  for (std::size_t at : {24, 32}) {
    if (field_at<std::uint64_t>(data, at) != 0) return RejectReason::reserved_nonzero;
  }
  const std::uint8_t* payload = data + protocol::kHeaderSize;
  if (payload_bytes < 12) return RejectReason::length_mismatch;
  if (field_at<std::uint32_t>(payload, 4) > 1) return RejectReason::bad_routing;
  const auto endpoints = field_at<std::uint32_t>(payload, 8);
  if (endpoints == 0) return RejectReason::bad_size;
  std::uint64_t at = 12;
  for (std::uint32_t i = 0; i < endpoints; ++i) {
    if (payload_bytes - at < 2) return RejectReason::length_mismatch;
    const auto length = field_at<std::uint16_t>(payload, at);
    at += 2;
    if (length > payload_bytes - at) return RejectReason::length_mismatch;
    if (length == 0 || length > protocol::kMaxEndpointLength ||
        !printable(std::string_view(reinterpret_cast<const char*>(payload) + at, length))) {
      return RejectReason::bad_endpoint;
    }
    at += length;
  }
  if (at != payload_bytes) return RejectReason::length_mismatch;
  return std::nullopt;
}

// The verdict of docs/protocol.md, "Validation", on these bytes: nothing
// when they are a valid message, else the reason of the first rule broken.
// Hello's two checks (at least one client rank, a non-zero global size) are
// frame.cpp's; the document does not list them. simulation_added's and
// welcome's are the document's, in its order.
std::optional<RejectReason> expected_verdict(const std::uint8_t* data, std::size_t size) {
  if (size < protocol::kHeaderSize) return RejectReason::truncated;
  if (field_at<std::uint32_t>(data, 0) != protocol::kMagic) return RejectReason::bad_magic;
  if (field_at<std::uint16_t>(data, 4) != protocol::kVersion) return RejectReason::unsupported_version;
  const auto type = field_at<std::uint16_t>(data, 6);
  if (type < 1 || type > 8) return RejectReason::unknown_type;
  if (data[49] != 0) return RejectReason::reserved_nonzero;
  const auto name_length = field_at<std::uint16_t>(data, 50);
  if (name_length > protocol::kMaxNameLength) return RejectReason::bad_name;
  const auto payload_bytes = field_at<std::uint64_t>(data, 56);
  std::uint64_t announced = 0;  // header + name + payload, if that fits in 64 bits
  if (__builtin_add_overflow(protocol::kHeaderSize + name_length, payload_bytes, &announced) || announced > size) {
    return RejectReason::truncated;
  }
  if (announced < size) return RejectReason::oversized;

  const auto message = static_cast<MessageType>(type);
  const std::string_view name(reinterpret_cast<const char*>(data) + protocol::kHeaderSize, name_length);
  const auto time_step = field_at<std::uint32_t>(data, 12);
  const auto client_rank = field_at<std::uint32_t>(data, 16);
  const auto client_ranks = field_at<std::uint32_t>(data, 20);
  const auto offset = field_at<std::uint64_t>(data, 24);
  const auto length = field_at<std::uint64_t>(data, 32);
  const auto global_size = field_at<std::uint64_t>(data, 40);
  const auto dtype = data[48];
  const auto status = field_at<std::uint32_t>(data, 52);
  const bool named = message == MessageType::hello || message == MessageType::data || message == MessageType::end;
  if (named && !printable(name)) return RejectReason::bad_name;
  if (message == MessageType::data || message == MessageType::end) {
    if (client_ranks == 0 || client_rank >= client_ranks) return RejectReason::bad_rank;
  }
  if (message == MessageType::data) {
    if (dtype != 1 && dtype != 2) return RejectReason::bad_dtype;
    if (global_size == 0 || length == 0) return RejectReason::bad_size;
    std::uint64_t end = 0, bytes = 0;
    if (__builtin_add_overflow(offset, length, &end) || end > global_size) return RejectReason::offset_out_of_range;
    if (__builtin_mul_overflow(length, dtype == 1 ? 4u : 8u, &bytes) || bytes != payload_bytes) {
      return RejectReason::length_mismatch;
    }
  }
  if (message == MessageType::hello) {
    if (client_ranks == 0) return RejectReason::bad_rank;
    if (global_size == 0) return RejectReason::bad_size;
  }
  if (message == MessageType::study_end && payload_bytes % 4 != 0) return RejectReason::length_mismatch;
  if (message == MessageType::simulation_added) {
    if (name_length != 0) return RejectReason::bad_name;
    if (dtype != 2) return RejectReason::bad_dtype;
    if (time_step != 0 || client_rank != 0 || client_ranks != 0 || global_size != 0 || status != 0) {
      return RejectReason::reserved_nonzero;
    }
    if (offset > 1) return RejectReason::bad_role;
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(length, 8u, &bytes) || bytes != payload_bytes) return RejectReason::length_mismatch;
    for (std::uint64_t i = 0; i < length; ++i) {
      if (!std::isfinite(field_at<double>(data, protocol::kHeaderSize + i * 8))) return RejectReason::not_finite;
    }
  }
  if (message == MessageType::welcome) return welcome_verdict(data, name_length, payload_bytes);
  return std::nullopt;
}

void check(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data, size));
  const protocol::DecodeResult result = protocol::decode(bytes);
  const auto expected = expected_verdict(data, size);

  if (!result.frame) {
    // Decode's reasons, not_finite included (simulation_added's parameters).
    FUZZ_CHECK(static_cast<int>(result.reason) <= static_cast<int>(RejectReason::bad_endpoint) ||
               result.reason == RejectReason::not_finite);
    FUZZ_CHECK(!protocol::reject_reason_name(result.reason).empty());
    FUZZ_CHECK(!result.detail.empty());
    FUZZ_CHECK(expected.has_value());
    FUZZ_CHECK(result.reason == *expected);
    return;
  }
  FUZZ_CHECK(!expected.has_value());

  const protocol::Frame& frame = *result.frame;
  const protocol::Header& h = frame.header;
  // The views lie in the input, name right after the header, payload right
  // after the name, up to the last byte.
  FUZZ_CHECK(frame.name.size() <= protocol::kMaxNameLength);
  FUZZ_CHECK(reinterpret_cast<const std::uint8_t*>(frame.name.data()) == data + protocol::kHeaderSize);
  FUZZ_CHECK(reinterpret_cast<const std::uint8_t*>(frame.payload.data()) ==
             data + protocol::kHeaderSize + frame.name.size());
  FUZZ_CHECK(frame.payload.size() == h.payload_bytes);
  FUZZ_CHECK(protocol::encoded_size(frame.name, frame.payload.size()) == size);

  // Each type's rules hold.
  const auto type = static_cast<std::uint16_t>(h.type);
  FUZZ_CHECK(type >= 1 && type <= 8);
  if (h.type == MessageType::hello || h.type == MessageType::data || h.type == MessageType::end) {
    FUZZ_CHECK(printable(frame.name));
  }
  if (h.type == MessageType::data || h.type == MessageType::end) FUZZ_CHECK(h.client_rank < h.client_ranks);
  if (h.type == MessageType::data) {
    FUZZ_CHECK(h.dtype == DType::float32 || h.dtype == DType::float64);
    FUZZ_CHECK(h.length >= 1 && h.offset < h.global_size && h.length <= h.global_size - h.offset);
    FUZZ_CHECK(h.payload_bytes == h.length * protocol::dtype_size(h.dtype));
  }
  if (h.type == MessageType::hello) FUZZ_CHECK(h.client_ranks >= 1 && h.global_size >= 1);
  if (h.type == MessageType::study_end) FUZZ_CHECK(h.payload_bytes % sizeof(std::uint32_t) == 0);
  if (h.type == MessageType::simulation_added) {
    FUZZ_CHECK(frame.name.empty() && h.dtype == DType::float64 && h.offset <= 1);
    FUZZ_CHECK(h.time_step == 0 && h.client_rank == 0 && h.client_ranks == 0 && h.global_size == 0 && h.status == 0);
    FUZZ_CHECK(h.payload_bytes == h.length * sizeof(double));
    for (double parameter : protocol::added_parameters(frame)) FUZZ_CHECK(std::isfinite(parameter));
  }

  if (h.type == MessageType::welcome) {
    FUZZ_CHECK(frame.name.empty() && h.dtype == DType::none && h.time_step == 0 && h.client_rank == 0);
    FUZZ_CHECK(h.client_ranks == 0 && h.offset == 0 && h.length == 0 && h.status == 0);
    // The payload reads back into fields that encode to the same bytes.
    const protocol::WelcomePayload welcome = protocol::welcome_payload(frame);
    FUZZ_CHECK(!welcome.data_endpoints.empty());
    for (const auto& endpoint : welcome.data_endpoints) {
      FUZZ_CHECK(printable(endpoint) && endpoint.size() <= protocol::kMaxEndpointLength);
    }
    const auto payload = protocol::encode_welcome_payload(welcome);
    FUZZ_CHECK(payload.size() == frame.payload.size());
    FUZZ_CHECK(std::memcmp(payload.data(), frame.payload.data(), payload.size()) == 0);
  }

  // Decoding loses nothing: encoding the frame gives back the input.
  const std::vector<std::byte> again = protocol::encode(h, frame.name, frame.payload);
  FUZZ_CHECK(again.size() == size);
  FUZZ_CHECK(std::memcmp(again.data(), data, size) == 0);
  std::vector<std::byte> into(size);
  protocol::encode_into(into, h, frame.name, frame.payload);
  FUZZ_CHECK(into == again);
}

}  // namespace
}  // namespace apiary::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  apiary::fuzz::check(data, size);
  return 0;
}
