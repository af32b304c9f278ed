#include "apiary/status.h"

extern "C" __attribute__((visibility("default"))) const char* apiary_status_string(apiary_status_t status) {
  switch (status) {
    case APIARY_STATUS_OK:
      return "ok";
    case APIARY_STATUS_INVALID_ARGUMENT:
      return "invalid argument";
    case APIARY_STATUS_NOT_INITIALIZED:
      return "not initialized";
    case APIARY_STATUS_ENVIRONMENT:
      return "bad environment";
    case APIARY_STATUS_CONNECTION:
      return "connection failed";
    case APIARY_STATUS_REFUSED:
      return "refused by server";
    case APIARY_STATUS_SIZE_MISMATCH:
      return "field size mismatch";
    case APIARY_STATUS_VERSION_MISMATCH:
      return "protocol version mismatch";
    case APIARY_STATUS_MPI:
      return "MPI error";
    case APIARY_STATUS_TOO_MANY_STEPS:
      return "too many time steps";
    case APIARY_STATUS_INTERNAL:
      return "internal error";
    case APIARY_STATUS_AUTHENTICATION:
      return "authentication failed";
  }
  return "unknown status";
}
