#pragma once
// What the launcher tells a client through its environment.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "security/curve_keys.hpp"

namespace apiary::client {

struct Environment {
  std::string server;                        // APIARY_SERVER: control endpoint
  std::uint32_t simulation_id = 0;           // APIARY_SIMULATION_ID
  std::chrono::milliseconds timeout{60000};  // APIARY_TIMEOUT_MS
  // APIARY_KEY_FILE: the study's client keys (server.security = "curve");
  // unset when the study runs without security.
  std::optional<security::ClientKeys> keys;
  std::string key_file;
};

// Reads the variables; throws apiary::Error(APIARY_STATUS_ENVIRONMENT)
// naming the missing or malformed variable.
Environment read_environment();

// APIARY_PARAMETERS as numbers (empty if unset); throws on a malformed list.
std::vector<double> read_parameters();

}  // namespace apiary::client
