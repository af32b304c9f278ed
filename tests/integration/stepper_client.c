/* A test client for fault injection, written against the public C API: it
 * sends STEPS time steps of a smooth synthetic field, printing "sent K"
 * after each send and then sleeping DELAY_MS, so that a test can tell from
 * its log which steps a killed run had delivered.
 * Usage: apiary-test-stepper SIZE STEPS DELAY_MS [--fail ID] [--hang-once ID DIR]
 *   --fail ID: simulation ID exits with an error before sending anything;
 *   --hang-once ID DIR: the first run of simulation ID (no DIR/hung-ID yet)
 *     creates DIR/hung-ID and then hangs without sending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apiary/apiary.h"

static void check(apiary_status_t status) {
  if (status != APIARY_STATUS_OK) {
    fprintf(stderr, "stepper: %s: %s\n", apiary_status_string(status), apiary_last_error());
    exit(1);
  }
}

static void sleep_ms(long ms) {
  struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&pause, &pause) != 0) {
  }
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: apiary-test-stepper SIZE STEPS DELAY_MS [--fail ID] [--hang-once ID DIR]\n");
    return 2;
  }
  const size_t size = (size_t)strtoul(argv[1], NULL, 10);
  const int steps = atoi(argv[2]);
  const long delay = atol(argv[3]);
  const char* id_text = getenv("APIARY_SIMULATION_ID");
  const long id = id_text != NULL ? atol(id_text) : -1;
  for (int i = 4; i < argc; ++i) {
    if (strcmp(argv[i], "--fail") == 0 && i + 1 < argc && atol(argv[++i]) == id) {
      fprintf(stderr, "stepper: simulation %ld fails on purpose\n", id);
      return 3;
    }
    if (strcmp(argv[i], "--hang-once") == 0 && i + 2 < argc) {
      const long hang_id = atol(argv[++i]);
      const char* dir = argv[++i];
      char marker[4096];
      snprintf(marker, sizeof marker, "%s/hung-%ld", dir, hang_id);
      FILE* seen = fopen(marker, "r");
      if (hang_id == id && seen == NULL) {
        fclose(fopen(marker, "w"));
        fprintf(stderr, "stepper: simulation %ld hangs on purpose\n", id);
        for (;;) sleep_ms(1000);
      }
      if (seen != NULL) fclose(seen);
    }
  }
  double parameters[16];
  size_t count = 0;
  check(apiary_parameters(parameters, 16, &count));
  float* field = malloc(size * sizeof(float));
  check(apiary_init_serial("field", size));
  for (int step = 0; step < steps; ++step) {
    const double a = count > 0 ? parameters[0] : 0.0;
    const double b = count > 1 ? parameters[1] : 0.0;
    for (size_t i = 0; i < size; ++i) {
      const double x = (double)i / (double)size;
      field[i] = (float)(a * x + b * (1.0 - x) * (1.0 + 0.05 * step));
    }
    check(apiary_send_float("field", field));
    printf("sent %d\n", step);
    fflush(stdout);
    sleep_ms(delay);
  }
  check(apiary_finalize());
  free(field);
  return 0;
}
