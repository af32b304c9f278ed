#pragma once
// What the launcher tells a client through its environment.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace apiary::client {

struct Environment {
  std::string server;                        // APIARY_SERVER: control endpoint
  std::uint32_t simulation_id = 0;           // APIARY_SIMULATION_ID
  std::chrono::milliseconds timeout{60000};  // APIARY_TIMEOUT_MS
};

// Reads the variables; throws apiary::Error(APIARY_STATUS_ENVIRONMENT)
// naming the missing or malformed variable.
Environment read_environment();

// APIARY_PARAMETERS as numbers (empty if unset); throws on a malformed list.
std::vector<double> read_parameters();

}  // namespace apiary::client
