// extern "C" adapters of the client API: each checks its arguments, calls
// the C++ core and maps any exception to a status in one place
// (run_guarded); the message goes to the calling thread's last error.
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "apiary/client.h"
#include "client/environment.hpp"
#include "client/session.hpp"
#include "common/error.hpp"

#define APIARY_EXPORT __attribute__((visibility("default")))

namespace {

thread_local std::string last_error;
std::unique_ptr<apiary::client::Session> session;  // one per process

template <typename Call>
apiary_status_t run_guarded(Call&& call) noexcept {
  try {
    last_error.clear();
    call();
    return APIARY_STATUS_OK;
  } catch (const apiary::Error& error) {
    last_error = error.what();
    return error.status();
  } catch (const zmq::error_t& error) {
    last_error = std::string("ZeroMQ: ") + error.what();
    return APIARY_STATUS_CONNECTION;
  } catch (const std::exception& error) {
    last_error = error.what();
    return APIARY_STATUS_INTERNAL;
  } catch (...) {
    last_error = "unknown exception";
    return APIARY_STATUS_INTERNAL;
  }
}

void require(bool condition, const char* message) {
  if (!condition) throw apiary::Error(message, APIARY_STATUS_INVALID_ARGUMENT);
}

void add_field(const char* field_name, size_t local_size, std::unique_ptr<apiary::client::RankGroup> group) {
  require(field_name != nullptr, "field_name is NULL");
  // A first apiary_init that fails leaves no session behind: the next one
  // reads the environment again (a fixed key file, a server now up).
  const bool first = !session;
  if (first) session = std::make_unique<apiary::client::Session>(apiary::client::read_environment());
  try {
    session->add_field(field_name, local_size, std::move(group));
  } catch (...) {
    if (first) session.reset();
    throw;
  }
}

apiary::client::Session& current_session() {
  if (!session) throw apiary::Error("apiary_init was not called", APIARY_STATUS_NOT_INITIALIZED);
  return *session;
}

}  // namespace

extern "C" {

APIARY_EXPORT const char* apiary_last_error(void) { return last_error.c_str(); }

#if APIARY_WITH_MPI
APIARY_EXPORT apiary_status_t apiary_init(const char* field_name, size_t local_size, MPI_Comm comm) {
  return run_guarded([&] { add_field(field_name, local_size, std::make_unique<apiary::client::RankGroup>(comm)); });
}
#endif

APIARY_EXPORT apiary_status_t apiary_init_serial(const char* field_name, size_t local_size) {
  return run_guarded([&] { add_field(field_name, local_size, std::make_unique<apiary::client::RankGroup>()); });
}

APIARY_EXPORT apiary_status_t apiary_send(const char* field_name, const double* values) {
  return run_guarded([&] {
    require(field_name != nullptr, "field_name is NULL");
    current_session().send(field_name, values, apiary::protocol::DType::float64);
  });
}

APIARY_EXPORT apiary_status_t apiary_send_float(const char* field_name, const float* values) {
  return run_guarded([&] {
    require(field_name != nullptr, "field_name is NULL");
    current_session().send(field_name, values, apiary::protocol::DType::float32);
  });
}

APIARY_EXPORT apiary_status_t apiary_finalize(void) {
  return run_guarded([&] {
    current_session().finalize();
    session.reset();
  });
}

APIARY_EXPORT apiary_status_t apiary_parameters(double* out, size_t capacity, size_t* count) {
  return run_guarded([&] {
    require(count != nullptr, "count is NULL");
    require(out != nullptr || capacity == 0, "out is NULL");
    const auto values = apiary::client::read_parameters();
    *count = values.size();
    if (values.size() > capacity) {
      throw apiary::Error(
          "APIARY_PARAMETERS has " + std::to_string(values.size()) + " values, capacity is " + std::to_string(capacity),
          APIARY_STATUS_INVALID_ARGUMENT);
    }
    std::memcpy(out, values.data(), values.size() * sizeof(double));
  });
}

}  // extern "C"
