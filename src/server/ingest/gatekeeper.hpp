#pragma once
// Who may connect to a server rank. The Gatekeeper is the ZAP handler of
// the rank's ZeroMQ context, on a thread of its own: with security on, it
// admits only peers that present the study's client key; in every mode it
// refuses connections beyond the rank's limit. It also watches the
// sockets' handshakes, since a peer without a key (or with another
// mechanism) fails before ZAP is asked. Every refusal is counted by
// reason; the first few of each reason are logged.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "security/curve_keys.hpp"
#include "security/socket_events.hpp"

namespace apiary::server {

enum class Refusal {
  wrong_key,  // CURVE with a key that is not the study's client key
  no_key,     // seen to use another mechanism: no CURVE (or CURVE where security is off)
  // A handshake that broke off or did not verify. A peer without a key
  // lands here when it hangs up on seeing CURVE before the server saw its
  // mechanism: which side notices first is a race.
  handshake_failed,
  too_many_connections,  // over server.max_connections
};
inline constexpr int kRefusalCount = static_cast<int>(Refusal::too_many_connections) + 1;
std::string_view refusal_name(Refusal refusal);

struct ConnectionCounters {
  std::atomic<std::uint64_t> admitted{0};
  std::array<std::atomic<std::uint64_t>, kRefusalCount> refused{};
};
std::uint64_t total_refused(const ConnectionCounters& counters);

struct GatekeeperOptions {
  std::optional<security::ServerKeys> keys;  // none: security off, any peer is admitted
  std::size_t max_connections = 0;           // open connections over the guarded sockets; 0: no limit
};

class Gatekeeper {
 public:
  // Binds the context's ZAP endpoint: construct it before any socket of
  // the context binds, or ZeroMQ would admit peers without asking.
  Gatekeeper(zmq::context_t& context, GatekeeperOptions options);
  ~Gatekeeper();
  Gatekeeper(const Gatekeeper&) = delete;
  Gatekeeper& operator=(const Gatekeeper&) = delete;

  // Applies the security settings to a server socket and watches its
  // connections; call before the socket binds, and before start().
  void guard(zmq::socket_t& socket, const std::string& name);
  // Serves ZAP requests and watches the sockets until destruction.
  void start();

  const ConnectionCounters& counters() const { return counters_; }

 private:
  struct Watched {
    std::string name;
    std::unique_ptr<security::SocketEvents> events;
  };
  void run();
  void drain_events();
  void answer_zap_request();
  void refuse(Refusal refusal, const std::string& where, const std::string& why);

  zmq::context_t& context_;
  GatekeeperOptions options_;
  std::array<std::uint8_t, 32> client_key_{};  // binary form of options_.keys->client_public_key
  zmq::socket_t zap_;
  std::vector<Watched> watched_;
  std::int64_t open_connections_ = 0;  // accepted minus closed, over the guarded sockets
  ConnectionCounters counters_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace apiary::server
