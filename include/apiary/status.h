#ifndef APIARY_STATUS_H
#define APIARY_STATUS_H
/* Status codes returned by every function of Apiary's C API. */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum apiary_status {
  APIARY_STATUS_OK = 0,
  APIARY_STATUS_INVALID_ARGUMENT = 1, /* a NULL pointer, an empty name, a zero size */
  APIARY_STATUS_NOT_INITIALIZED = 2,  /* send or finalize before init, or an unknown field */
  APIARY_STATUS_ENVIRONMENT = 3,      /* a required APIARY_* variable is missing or malformed */
  APIARY_STATUS_CONNECTION = 4,       /* the server could not be reached in time */
  APIARY_STATUS_REFUSED = 5,          /* the server refused the registration (reason in last error) */
  APIARY_STATUS_SIZE_MISMATCH = 6,    /* the field's size differs from the study's */
  APIARY_STATUS_VERSION_MISMATCH = 7, /* the server speaks another protocol version */
  APIARY_STATUS_MPI = 8,              /* an MPI call failed */
  APIARY_STATUS_TOO_MANY_STEPS = 9,   /* more time steps sent than the study expects */
  APIARY_STATUS_INTERNAL = 10,        /* anything else; the last error says what */
  APIARY_STATUS_AUTHENTICATION = 11   /* the server refused this client's key (APIARY_KEY_FILE) */
} apiary_status_t;

/* A constant, human-readable name of a status ("ok", "refused", ...). */
const char* apiary_status_string(apiary_status_t status);

/* The message of the last error raised by an Apiary call in this thread,
 * or an empty string. Valid until the next Apiary call in the thread. */
const char* apiary_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* APIARY_STATUS_H */
