#pragma once
// What a server rank binds and tells its clients (server.host,
// server.interface):
// - server.interface = "ib0": that interface's IPv4 address, so a cluster
//   with several networks carries the data on the one the user chose;
// - server.host = "auto" (the default): loopback when every process of the
//   study runs on this machine (scheduler.kind = "local"), so nothing is
//   reachable from elsewhere; on a cluster, this node's own address: the
//   one its host name resolves to, when that is an address of one of its
//   interfaces, else the first interface's that is up and not loopback;
// - any other server.host: itself, as the user wrote it.
// A study file therefore never needs a host name.
#include <string>
#include <vector>

#include "common/host_network.hpp"
#include "config/study_config.hpp"

namespace apiary::server {

struct NodeNetwork {
  std::string host_name;
  std::vector<InterfaceAddress> interfaces;
  std::vector<std::string> host_name_addresses;
};

NodeNetwork this_node_network();

struct BindAddress {
  std::string address;  // what ZeroMQ binds: "10.0.3.7", "127.0.0.1", or the user's server.host
  std::string why;      // one line for the log: how it was chosen
};

// Throws apiary::ConfigError when server.interface names no interface that
// is up with an IPv4 address here (listing the ones there are).
BindAddress bind_address(const config::StudyConfig& study, const NodeNetwork& node);

}  // namespace apiary::server
