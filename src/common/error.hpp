#pragma once
// Apiary's exceptions. Each carries the C API status it maps to, so the
// extern "C" adapters translate any of them in one place.
#include <stdexcept>
#include <string>

#include "apiary/status.h"

namespace apiary {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, apiary_status_t status = APIARY_STATUS_INTERNAL)
      : std::runtime_error(message), status_(status) {}
  apiary_status_t status() const noexcept { return status_; }

 private:
  apiary_status_t status_;
};

// A study file or command-line value that is wrong; the message names the
// file, the key and what is wrong with it.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(message, APIARY_STATUS_INVALID_ARGUMENT) {}
};

}  // namespace apiary
