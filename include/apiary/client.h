#ifndef APIARY_CLIENT_H
#define APIARY_CLIENT_H
/* Apiary's client API: three calls stream a simulation's fields to the
 * training server.
 *
 *   apiary_init("temperature", local_size, MPI_COMM_WORLD);   once per field
 *   apiary_send("temperature", values);                       once per time step
 *   apiary_finalize();                                        once, before MPI_Finalize
 *
 * Each MPI rank passes the size of its own slice; slices are laid out in
 * rank order in the global field (rank 0 first). Nothing is gathered on the
 * client: every rank sends its slice directly to the server.
 *
 * The launcher sets the environment the library reads:
 *   APIARY_SERVER          control endpoint of the server (tcp://host:port)
 *   APIARY_SIMULATION_ID   this simulation's id (a non-negative integer)
 *   APIARY_PARAMETERS      optional: the simulation's parameters, comma separated
 *   APIARY_TIMEOUT_MS      optional: how long to wait for the server (default 60000)
 *
 * Every function returns a status; apiary_last_error() gives the reason.
 * The functions are not thread safe: call them from one thread per rank. */

#include <stddef.h>

#include "apiary/config.h"
#include "apiary/status.h"

#if APIARY_WITH_MPI
#include <mpi.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if APIARY_WITH_MPI
/* Collective over comm: registers field_name with local_size values on this
 * rank. The first call also connects to the server. MPI must be initialised. */
apiary_status_t apiary_init(const char* field_name, size_t local_size, MPI_Comm comm);
#endif

/* The same for a serial (non-MPI) program: one rank holding the whole field. */
apiary_status_t apiary_init_serial(const char* field_name, size_t local_size);

/* Sends this rank's slice of the field's next time step (local_size values,
 * copied before the call returns). */
apiary_status_t apiary_send(const char* field_name, const double* values);
apiary_status_t apiary_send_float(const char* field_name, const float* values);

/* Tells the server that this rank sent its last time step, flushes every
 * pending message and disconnects. Collective when initialised with MPI. */
apiary_status_t apiary_finalize(void);

/* The simulation's parameters from APIARY_PARAMETERS: writes up to capacity
 * values to out and their number to count. */
apiary_status_t apiary_parameters(double* out, size_t capacity, size_t* count);

#ifdef __cplusplus
}
#endif

#endif /* APIARY_CLIENT_H */
