#pragma once
// This machine's name and the IPv4 addresses of its network interfaces:
// what a server rank may bind on a cluster node (server.host = "auto",
// server.interface), and where the launcher records that it runs.
#include <string>
#include <vector>

namespace apiary {

struct InterfaceAddress {
  std::string interface;  // "eth0", "ib0", "lo"
  std::string address;    // dotted IPv4
  bool loopback = false;

  bool operator==(const InterfaceAddress&) const = default;
};

// Of the interfaces that are up, in the order the kernel lists them.
std::vector<InterfaceAddress> interface_addresses();

// gethostname(); "" when it fails.
std::string host_name();

// The IPv4 addresses this machine's host name resolves to (/etc/hosts,
// DNS); empty when it does not resolve.
std::vector<std::string> host_name_addresses();

}  // namespace apiary
