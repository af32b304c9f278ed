#pragma once
// Header-only C++ wrapper over Apiary's C client API: a session object that
// finalizes on destruction and throws apiary::ClientError on failure.
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "apiary/client.h"

namespace apiary {

class ClientError : public std::runtime_error {
 public:
  ClientError(apiary_status_t status, const std::string& what) : std::runtime_error(what), status_(status) {}
  apiary_status_t status() const noexcept { return status_; }

 private:
  apiary_status_t status_;
};

namespace detail {
inline void check(apiary_status_t status) {
  if (status != APIARY_STATUS_OK) {
    throw ClientError(status, std::string(apiary_status_string(status)) + ": " + apiary_last_error());
  }
}
}  // namespace detail

// One connection of this process to the server. Fields are added with
// add_field(); the destructor finalizes (errors there are swallowed: call
// finalize() to see them).
class Session {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() {
    if (!finalized_) apiary_finalize();
  }

#if APIARY_WITH_MPI
  void add_field(const std::string& name, std::size_t local_size, MPI_Comm comm) {
    detail::check(apiary_init(name.c_str(), local_size, comm));
  }
#endif
  void add_field(const std::string& name, std::size_t local_size) {
    detail::check(apiary_init_serial(name.c_str(), local_size));
  }

  void send(const std::string& name, std::span<const double> values) {
    detail::check(apiary_send(name.c_str(), values.data()));
  }
  void send(const std::string& name, std::span<const float> values) {
    detail::check(apiary_send_float(name.c_str(), values.data()));
  }

  void finalize() {
    finalized_ = true;
    detail::check(apiary_finalize());
  }

  static std::vector<double> parameters() {
    std::vector<double> values(64);
    std::size_t count = 0;
    detail::check(apiary_parameters(values.data(), values.size(), &count));
    values.resize(count);
    return values;
  }

 private:
  bool finalized_ = false;
};

}  // namespace apiary
