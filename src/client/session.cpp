#include "client/session.hpp"

#include <array>
#include <utility>

#include "common/error.hpp"
#include "protocol/welcome.hpp"
#include "security/curve_sockets.hpp"
#include "security/socket_events.hpp"

namespace apiary::client {
namespace {

constexpr int kSendQueueMessages = 8;

using protocol::DType;
using protocol::Header;
using protocol::MessageType;

void check_name(const std::string& name) {
  if (name.empty() || name.size() > protocol::kMaxNameLength) {
    throw Error("field name must have 1 to 64 characters, got " + std::to_string(name.size()),
                APIARY_STATUS_INVALID_ARGUMENT);
  }
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) {
      throw Error("field name '" + name + "' must be printable ASCII without spaces", APIARY_STATUS_INVALID_ARGUMENT);
    }
  }
}

RegistrationReply failure(apiary_status_t status, std::string message) { return {status, std::move(message), {}}; }

}  // namespace

Session::Session(Environment environment) : environment_(std::move(environment)), context_(1) {}

void Session::secure(zmq::socket_t& socket) const {
  if (environment_.keys) security::make_curve_client(socket, *environment_.keys);
}

Session::~Session() {
  // Unsent messages must not be thrown away: closing waits (ZMQ_LINGER -1)
  // until ZeroMQ handed them to the kernel.
  data_sockets_.clear();
}

RegistrationReply Session::register_field(const std::string& name, const Field& field) {
  zmq::socket_t control(context_, zmq::socket_type::req);
  control.set(zmq::sockopt::linger, 0);
  secure(control);
  // A refused handshake is silent on a socket: its monitor says why, so
  // that a wrong key is reported as such rather than as a timeout.
  security::SocketEvents handshake(
      context_, control, "control-" + std::to_string(++registrations_),
      ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  control.connect(environment_.server);

  Header hello;
  hello.type = MessageType::hello;
  hello.simulation_id = environment_.simulation_id;
  hello.client_ranks = static_cast<std::uint32_t>(field.group->size());
  hello.global_size = field.global_size;
  const auto request = protocol::encode(hello, name);
  control.send(zmq::buffer(request), zmq::send_flags::none);

  std::array<zmq::pollitem_t, 2> items{
      {{control.handle(), 0, ZMQ_POLLIN, 0}, {handshake.pollable().handle(), 0, ZMQ_POLLIN, 0}}};
  if (zmq::poll(items.data(), items.size(), environment_.timeout) == 0) {
    return failure(APIARY_STATUS_CONNECTION, "no answer from the server at " + environment_.server + " within " +
                                                 std::to_string(environment_.timeout.count()) + " ms");
  }
  if (!(items[0].revents & ZMQ_POLLIN)) {
    const auto event = handshake.next();
    const std::string keys =
        environment_.keys ? "the key file " + environment_.key_file : "no key (APIARY_KEY_FILE is not set)";
    return failure(APIARY_STATUS_AUTHENTICATION,
                   "the server at " + environment_.server + " refused the connection, with " + keys + ": " +
                       (event ? security::describe_handshake_failure(*event) : std::string("handshake failed")));
  }
  zmq::message_t reply;
  (void)control.recv(reply);
  const auto decoded = protocol::decode(std::span(static_cast<const std::byte*>(reply.data()), reply.size()));
  if (!decoded.frame) {
    const auto status = decoded.reason == protocol::RejectReason::unsupported_version ? APIARY_STATUS_VERSION_MISMATCH
                                                                                      : APIARY_STATUS_CONNECTION;
    return failure(status, "unreadable answer from the server: " + decoded.detail);
  }
  const auto& frame = *decoded.frame;
  if (frame.header.type == MessageType::welcome) return {APIARY_STATUS_OK, "", protocol::welcome_payload(frame)};
  if (frame.header.type == MessageType::refused) {
    // A refusal is never a success, whatever status a faulty server sends.
    const auto status = frame.header.status == APIARY_STATUS_OK ? APIARY_STATUS_REFUSED
                                                                : static_cast<apiary_status_t>(frame.header.status);
    return failure(status, std::string(reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size()));
  }
  return failure(APIARY_STATUS_CONNECTION, "unexpected answer to registration");
}

void Session::connect_data(const std::vector<std::string>& endpoints) {
  if (!data_sockets_.empty()) return;  // the first field connected us already
  for (const auto& endpoint : endpoints) {
    zmq::socket_t socket(context_, zmq::socket_type::push);
    socket.set(zmq::sockopt::linger, -1);
    // A short send queue: when the server applies back-pressure, the
    // simulation waits instead of piling its time steps up in memory.
    socket.set(zmq::sockopt::sndhwm, kSendQueueMessages);
    secure(socket);
    socket.connect(endpoint);
    data_sockets_.push_back(std::move(socket));
  }
}

void Session::add_field(const std::string& name, std::uint64_t local_size, std::unique_ptr<RankGroup> group) {
  check_name(name);
  if (fields_.contains(name)) throw Error("field '" + name + "' is already registered", APIARY_STATUS_INVALID_ARGUMENT);

  Field field;
  field.local_size = local_size;
  field.offset = group->exclusive_prefix_sum(local_size);
  field.global_size = group->sum(local_size);
  field.group = std::move(group);
  if (field.global_size == 0)
    throw Error("field '" + name + "' has no values on any rank", APIARY_STATUS_INVALID_ARGUMENT);

  const auto outcome = decode_registration(field.group->broadcast(
      field.group->rank() == 0 ? encode_registration(register_field(name, field)) : std::vector<std::byte>{}));
  if (outcome.status != APIARY_STATUS_OK) {
    throw Error("registration of field '" + name + "' failed: " + outcome.message, outcome.status);
  }
  field.steps_expected = outcome.welcome.steps_expected;
  routing_ = outcome.welcome.routing;
  connect_data(outcome.welcome.data_endpoints);
  fields_.emplace(name, std::move(field));
}

void Session::send(const std::string& name, const void* values, DType dtype) {
  auto it = fields_.find(name);
  if (it == fields_.end())
    throw Error("field '" + name + "' was not registered with apiary_init", APIARY_STATUS_NOT_INITIALIZED);
  if (values == nullptr) throw Error("values is NULL", APIARY_STATUS_INVALID_ARGUMENT);
  Field& field = it->second;
  if (field.steps_expected != 0 && field.steps_sent >= field.steps_expected) {
    throw Error("field '" + name + "': time step " + std::to_string(field.steps_sent) + " is beyond the " +
                    std::to_string(field.steps_expected) + " the study expects",
                APIARY_STATUS_TOO_MANY_STEPS);
  }
  const std::uint32_t step = field.steps_sent++;
  if (field.local_size == 0) return;  // this rank owns no part of the field

  Header header;
  header.type = MessageType::data;
  header.simulation_id = environment_.simulation_id;
  header.time_step = step;
  header.client_rank = static_cast<std::uint32_t>(field.group->rank());
  header.client_ranks = static_cast<std::uint32_t>(field.group->size());
  header.offset = field.offset;
  header.length = field.local_size;
  header.global_size = field.global_size;
  header.dtype = dtype;
  const auto payload = std::span(static_cast<const std::byte*>(values), field.local_size * protocol::dtype_size(dtype));
  // One copy, straight into the message ZeroMQ sends: the caller may reuse
  // its array as soon as we return.
  zmq::message_t message(protocol::encoded_size(name, payload.size()));
  protocol::encode_into(std::span(static_cast<std::byte*>(message.data()), message.size()), header, name, payload);
  // Every slice of a time step goes to the same server rank, so that the
  // rank can reassemble it.
  auto& socket = data_sockets_[protocol::server_rank_of(routing_, environment_.simulation_id, step,
                                                        static_cast<std::uint32_t>(data_sockets_.size()))];
  socket.send(message, zmq::send_flags::none);
}

void Session::finalize() {
  for (const auto& [name, field] : fields_) {
    Header end;
    end.type = MessageType::end;
    end.simulation_id = environment_.simulation_id;
    end.time_step = field.steps_sent;
    end.client_rank = static_cast<std::uint32_t>(field.group->rank());
    end.client_ranks = static_cast<std::uint32_t>(field.group->size());
    const auto message = protocol::encode(end, name);
    for (auto& socket : data_sockets_) socket.send(zmq::buffer(message), zmq::send_flags::none);
  }
  data_sockets_.clear();  // waits until every message left this process
  fields_.clear();
}

}  // namespace apiary::client
