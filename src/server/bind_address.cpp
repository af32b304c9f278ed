#include "server/bind_address.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>

#include "common/error.hpp"

namespace apiary::server {
namespace {

constexpr const char* kLoopback = "127.0.0.1";

std::string listed(const std::vector<InterfaceAddress>& interfaces) {
  std::string text;
  for (const auto& entry : interfaces)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", entry.interface, entry.address);
  return text.empty() ? "none" : text;
}

BindAddress node_address(const NodeNetwork& node) {
  const auto is_local = [&node](const std::string& address) {
    return std::any_of(node.interfaces.begin(), node.interfaces.end(), [&address](const InterfaceAddress& entry) {
      return !entry.loopback && entry.address == address;
    });
  };
  // A name may resolve to an address of another machine (a stale
  // /etc/hosts, a container): only an address of this node can be bound.
  for (const auto& address : node.host_name_addresses) {
    if (is_local(address)) {
      return {address, fmt::format("server.host = \"auto\": the address of this node's name {}", node.host_name)};
    }
  }
  for (const auto& entry : node.interfaces) {
    if (!entry.loopback) {
      return {entry.address, fmt::format("server.host = \"auto\": the address of {}, this node's first interface "
                                         "that is up (its name {} does not resolve to one of its addresses)",
                                         entry.interface, node.host_name)};
    }
  }
  return {kLoopback, fmt::format("server.host = \"auto\": {} has no interface up but loopback, so clients on other "
                                 "nodes cannot reach this server",
                                 node.host_name)};
}

}  // namespace

NodeNetwork this_node_network() { return {host_name(), interface_addresses(), host_name_addresses()}; }

BindAddress bind_address(const config::StudyConfig& study, const NodeNetwork& node) {
  const auto& server = study.server;
  if (!server.interface.empty()) {
    const auto found =
        std::find_if(node.interfaces.begin(), node.interfaces.end(),
                     [&server](const InterfaceAddress& entry) { return entry.interface == server.interface; });
    if (found == node.interfaces.end()) {
      throw ConfigError(
          fmt::format("server.interface = \"{}\": {} has no interface of that name that is up with an "
                      "IPv4 address (it has: {})",
                      server.interface, node.host_name, listed(node.interfaces)));
    }
    return {found->address, fmt::format("server.interface = \"{}\"", server.interface)};
  }
  if (server.host != config::kAutomaticHost) return {server.host, "server.host"};
  if (study.scheduler.kind == config::SchedulerKind::local) {
    return {kLoopback, "server.host = \"auto\" with scheduler.kind = \"local\": every process runs on this machine"};
  }
  return node_address(node);
}

}  // namespace apiary::server
