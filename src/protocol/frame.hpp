#pragma once
// Apiary's wire format: every message is one ZeroMQ frame made of a fixed
// 64-byte little-endian header, the field name, then the payload.
// docs/protocol.md is the specification; this file is its implementation.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apiary::protocol {

inline constexpr std::uint32_t kMagic = 0x59525041;  // "APRY" read as little-endian bytes
// Version 2 moved welcome's steps and routing out of the header into its
// payload (welcome.hpp); decode refuses every other version.
inline constexpr std::uint16_t kVersion = 2;
inline constexpr std::size_t kHeaderSize = 64;
inline constexpr std::size_t kMaxNameLength = 64;

enum class MessageType : std::uint16_t {
  hello = 1,      // client rank 0 -> server control: registers one field of a simulation
  welcome = 2,    // server -> client: registration accepted; payload: steps, routing, data endpoints
  refused = 3,    // server -> client: registration refused; payload is the reason
  data = 4,       // client rank -> server data: one slice of one time step
  end = 5,        // client rank -> server data: the rank sent its last time step
  study_end = 6,  // launcher -> server control: no more clients; payload lists completed simulations
  ack = 7,        // server -> launcher: reply to study_end and simulation_added
  // launcher -> server control: a simulation joins the plan (a redrawn one);
  // offset = role, payload = its parameters (float64)
  simulation_added = 8,
};

// simulation_added's offset field.
enum class AddedRole : std::uint64_t { training = 0, validation = 1 };

enum class DType : std::uint8_t { none = 0, float32 = 1, float64 = 2 };

// Which server rank receives a time step, told to clients in welcome's
// payload. All slices of one step go to one rank, which reassembles it.
enum class Routing : std::uint64_t {
  round_robin = 0,    // step t of simulation s to rank (s + t) mod ranks
  by_simulation = 1,  // every step of simulation s to rank s mod ranks
};

inline std::uint32_t server_rank_of(Routing routing, std::uint32_t simulation_id, std::uint32_t time_step,
                                    std::uint32_t ranks) {
  const std::uint64_t key =
      routing == Routing::by_simulation ? simulation_id : static_cast<std::uint64_t>(simulation_id) + time_step;
  return static_cast<std::uint32_t>(key % ranks);
}

std::size_t dtype_size(DType dtype);

struct Header {
  MessageType type = MessageType::data;
  std::uint32_t simulation_id = 0;
  std::uint32_t time_step = 0;  // data: step index; end: steps sent
  std::uint32_t client_rank = 0;
  std::uint32_t client_ranks = 1;
  std::uint64_t offset = 0;       // first value of the slice in the global field
  std::uint64_t length = 0;       // values in the slice
  std::uint64_t global_size = 0;  // values in the whole field
  DType dtype = DType::none;
  std::uint32_t status = 0;  // refused: the apiary_status_t of the refusal
  std::uint64_t payload_bytes = 0;
};

// Why a message was rejected. Each reason is counted under its name.
enum class RejectReason {
  truncated,  // shorter than its header says
  oversized,  // longer than its header says, or over the size limit
  bad_magic,
  unsupported_version,
  unknown_type,
  bad_name,  // empty, too long or not printable ASCII
  bad_dtype,
  bad_rank,             // client_ranks == 0 or client_rank >= client_ranks
  bad_size,             // zero global size or zero-length slice
  offset_out_of_range,  // offset + length beyond the global field
  length_mismatch,      // payload bytes != length * dtype size
  reserved_nonzero,     // the reserved byte, or a field the message type does not use, is not zero
  bad_role,             // simulation_added: a role other than training (0) or validation (1)
  bad_routing,          // welcome: a routing other than round robin (0) or by simulation (1)
  bad_endpoint,         // welcome: an empty, too long or not printable data endpoint
  // Checks that need the server's state (ingest), kept in the same table so
  // that every rejection is counted in one place.
  unknown_simulation,
  unknown_field,
  field_size_mismatch,
  time_step_out_of_range,
  inconsistent_ranks,  // a step's slices disagree on client_ranks or overlap
  not_finite,          // NaN or infinity in the payload (also decode's, for simulation_added's parameters)
  simulation_failed,   // data of a simulation the server failed (server.non_finite = "fail_simulation")
};
inline constexpr int kRejectReasonCount = static_cast<int>(RejectReason::simulation_failed) + 1;

std::string_view reject_reason_name(RejectReason reason);

// A decoded message: views into the bytes it was decoded from.
struct Frame {
  Header header;
  std::string_view name;
  std::span<const std::byte> payload;
};

struct DecodeResult {
  std::optional<Frame> frame;  // set when the message is valid
  RejectReason reason = RejectReason::truncated;
  std::string detail;  // what exactly was wrong, for the log
};

// Validates every header field for the message's type and returns the frame
// or the reason it was rejected. Never reads outside bytes.
DecodeResult decode(std::span<const std::byte> bytes);

std::size_t encoded_size(std::string_view name, std::size_t payload_bytes);

// Writes header, name and payload into out (encoded_size bytes). The
// header's payload_bytes is taken from payload.size().
void encode_into(std::span<std::byte> out, Header header, std::string_view name, std::span<const std::byte> payload);

std::vector<std::byte> encode(const Header& header, std::string_view name, std::span<const std::byte> payload = {});

// A whole simulation_added message (docs/protocol.md, "Messages").
std::vector<std::byte> encode_simulation_added(std::uint32_t simulation_id, AddedRole role,
                                               std::span<const double> parameters);
// The parameters of a decoded simulation_added frame (its payload may be
// unaligned, so they are copied out).
std::vector<double> added_parameters(const Frame& frame);

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

}  // namespace apiary::protocol
