#pragma once
// The client library's core: one connection of a simulation process to the
// server, with the fields it registered. The C API holds one per process.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "client/environment.hpp"
#include "client/rank_group.hpp"
#include "client/registration.hpp"
#include "protocol/frame.hpp"

namespace apiary::client {

class Session {
 public:
  explicit Session(Environment environment);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers a field (collective over group): computes this rank's slice,
  // has rank 0 register it with the server, and connects to the data
  // endpoints the server names. Throws apiary::Error with the status.
  void add_field(const std::string& name, std::uint64_t local_size, std::unique_ptr<RankGroup> group);

  // Sends this rank's slice of the field's next time step.
  void send(const std::string& name, const void* values, protocol::DType dtype);

  // Announces the end of every field to every server rank and flushes.
  void finalize();

 private:
  struct Field {
    std::unique_ptr<RankGroup> group;
    std::uint64_t offset = 0;
    std::uint64_t local_size = 0;
    std::uint64_t global_size = 0;
    std::uint32_t steps_sent = 0;
    std::uint32_t steps_expected = 0;
  };

  // Rank 0's registration round trip: the welcome's payload or why the
  // registration failed, which every rank then learns through one broadcast.
  RegistrationReply register_field(const std::string& name, const Field& field);
  void connect_data(const std::vector<std::string>& endpoints);
  // CURVE with the study's client keys, when the environment has them.
  void secure(zmq::socket_t& socket) const;

  Environment environment_;
  zmq::context_t context_;
  std::vector<zmq::socket_t> data_sockets_;  // one per server rank
  protocol::Routing routing_ = protocol::Routing::round_robin;
  std::map<std::string, Field> fields_;
  int registrations_ = 0;  // names each registration's monitor uniquely
};

}  // namespace apiary::client
