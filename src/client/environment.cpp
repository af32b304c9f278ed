#include "client/environment.hpp"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "common/error.hpp"

namespace apiary::client {
namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(what, APIARY_STATUS_ENVIRONMENT); }

std::uint64_t read_unsigned(const char* name, const char* text, std::uint64_t max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*text == '\0' || *text == '-' || *end != '\0' || errno == ERANGE || value > max) {
    bad(std::string(name) + "='" + text + "' is not an integer in [0, " + std::to_string(max) + "]");
  }
  return value;
}

}  // namespace

Environment read_environment() {
  Environment env;
  const char* server = std::getenv("APIARY_SERVER");
  if (server == nullptr || *server == '\0') {
    bad("APIARY_SERVER is not set: start the simulation with 'apiary run', or set it to the server's "
        "control endpoint (tcp://host:port)");
  }
  env.server = server;
  const char* id = std::getenv("APIARY_SIMULATION_ID");
  if (id == nullptr) bad("APIARY_SIMULATION_ID is not set");
  env.simulation_id = static_cast<std::uint32_t>(read_unsigned("APIARY_SIMULATION_ID", id, UINT32_MAX));
  if (const char* timeout = std::getenv("APIARY_TIMEOUT_MS")) {
    env.timeout = std::chrono::milliseconds(read_unsigned("APIARY_TIMEOUT_MS", timeout, 86'400'000));
  }
  if (const char* key_file = std::getenv("APIARY_KEY_FILE"); key_file != nullptr && *key_file != '\0') {
    env.key_file = key_file;
    env.keys = security::read_client_keys(key_file);  // names the file and the problem
  }
  return env;
}

std::vector<double> read_parameters() {
  std::vector<double> values;
  const char* text = std::getenv("APIARY_PARAMETERS");
  if (text == nullptr || *text == '\0') return values;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    char* end = nullptr;
    const double value = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0') bad("APIARY_PARAMETERS: '" + item + "' is not a number");
    values.push_back(value);
  }
  return values;
}

}  // namespace apiary::client
