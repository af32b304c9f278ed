#include "server/ingest/gatekeeper.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

#include "security/curve_sockets.hpp"

namespace apiary::server {
namespace {

constexpr auto kAuthenticationPollPeriod = std::chrono::milliseconds(100);
// Refusals logged per reason; the rest are only counted, so that a peer
// hammering the ports cannot flood the log.
constexpr std::uint64_t kLoggedPerReason = 5;
constexpr int kWatchedEvents = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;

std::string text_of(const zmq::message_t& frame) { return frame.to_string(); }

}  // namespace

std::string_view refusal_name(Refusal refusal) {
  switch (refusal) {
    case Refusal::wrong_key:
      return "wrong_key";
    case Refusal::no_key:
      return "no_key";
    case Refusal::handshake_failed:
      return "handshake_failed";
    case Refusal::too_many_connections:
      return "too_many_connections";
  }
  return "unknown";
}

std::uint64_t total_refused(const ConnectionCounters& counters) {
  std::uint64_t total = 0;
  for (const auto& count : counters.refused) total += count.load();
  return total;
}

Gatekeeper::Gatekeeper(zmq::context_t& context, GatekeeperOptions options)
    : context_(context), options_(std::move(options)), zap_(context, zmq::socket_type::rep) {
  if (options_.keys) zmq_z85_decode(client_key_.data(), options_.keys->client_public_key.c_str());
  zap_.set(zmq::sockopt::linger, 0);
  zap_.bind("inproc://zeromq.zap.01");
}

Gatekeeper::~Gatekeeper() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Gatekeeper::guard(zmq::socket_t& socket, const std::string& name) {
  if (options_.keys) {
    security::make_curve_server(socket, *options_.keys);
  } else {
    security::make_plain_server(socket);
  }
  watched_.push_back({name, std::make_unique<security::SocketEvents>(context_, socket, name, kWatchedEvents)});
}

void Gatekeeper::start() {
  thread_ = std::thread([this] { run(); });
}

void Gatekeeper::run() {
  std::vector<zmq::pollitem_t> items{{zap_.handle(), 0, ZMQ_POLLIN, 0}};
  for (auto& watched : watched_) items.push_back({watched.events->pollable().handle(), 0, ZMQ_POLLIN, 0});
  while (!stop_) {
    zmq::poll(items, kAuthenticationPollPeriod);
    // Connections first: a request is judged against the connections
    // ZeroMQ reported before it (the accept precedes the handshake).
    drain_events();
    if (items[0].revents & ZMQ_POLLIN) answer_zap_request();
  }
}

void Gatekeeper::drain_events() {
  for (auto& watched : watched_) {
    while (const auto event = watched.events->next()) {
      switch (event->event) {
        case ZMQ_EVENT_ACCEPTED:
          ++open_connections_;
          break;
        case ZMQ_EVENT_DISCONNECTED:
          open_connections_ = std::max<std::int64_t>(0, open_connections_ - 1);
          break;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
          ++counters_.admitted;
          break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
          refuse(
              event->value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH ? Refusal::no_key : Refusal::handshake_failed,
              "on the " + watched.name + " socket", security::describe_handshake_failure(*event));
          break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
          refuse(Refusal::handshake_failed, "on the " + watched.name + " socket",
                 security::describe_handshake_failure(*event));
          break;
        default:
          break;
      }
    }
  }
}

void Gatekeeper::answer_zap_request() {
  // RFC 27: version, request id, domain, address, routing id, mechanism,
  // then the mechanism's credentials (CURVE: the client's public key).
  std::vector<zmq::message_t> request;
  for (bool more = true; more;) {
    zmq::message_t frame;
    if (!zap_.recv(frame, zmq::recv_flags::none)) return;
    more = frame.more();
    request.push_back(std::move(frame));
  }
  std::string status = "200";
  std::string reason = "OK";
  if (request.size() >= 6) {
    const std::string peer = text_of(request[3]);
    const std::string mechanism = text_of(request[5]);
    const bool curve = mechanism == "CURVE";
    const bool keyed = curve && request.size() >= 7 && request[6].size() == client_key_.size() &&
                       std::memcmp(request[6].data(), client_key_.data(), client_key_.size()) == 0;
    auto deny = [&](Refusal refusal, const std::string& why) {
      status = "400";
      reason = why;
      refuse(refusal, "from " + peer, why);
    };
    if (options_.keys && !curve) {
      deny(Refusal::no_key, "mechanism " + mechanism + " where the study requires CURVE");
    } else if (options_.keys && !keyed) {
      deny(Refusal::wrong_key, "its CURVE key is not the study's client key");
    } else if (!options_.keys && curve) {
      deny(Refusal::no_key, "CURVE where the study has security off");
    } else if (options_.max_connections != 0 &&
               open_connections_ > static_cast<std::int64_t>(options_.max_connections)) {
      deny(Refusal::too_many_connections, std::to_string(open_connections_) + " connections open, over the limit of " +
                                              std::to_string(options_.max_connections) + " (server.max_connections)");
    }
  } else {
    status = "500";
    reason = "malformed ZAP request";
  }
  const auto version = request.empty() ? std::string("1.0") : text_of(request[0]);
  const auto id = request.size() > 1 ? text_of(request[1]) : std::string();
  zap_.send(zmq::buffer(version), zmq::send_flags::sndmore);
  zap_.send(zmq::buffer(id), zmq::send_flags::sndmore);
  zap_.send(zmq::buffer(status), zmq::send_flags::sndmore);
  zap_.send(zmq::buffer(reason), zmq::send_flags::sndmore);
  zap_.send(zmq::str_buffer(""), zmq::send_flags::sndmore);  // user id
  zap_.send(zmq::str_buffer(""), zmq::send_flags::none);     // metadata
}

void Gatekeeper::refuse(Refusal refusal, const std::string& where, const std::string& why) {
  const auto total = ++counters_.refused[static_cast<std::size_t>(refusal)];
  if (total <= kLoggedPerReason) {
    spdlog::warn("refused a connection ({}) {}: {}{}", refusal_name(refusal), where, why,
                 total == kLoggedPerReason ? "; further refusals of this kind are only counted" : "");
  }
}

}  // namespace apiary::server
