/* A serial C program using Apiary's C API, as a user's code would: it
 * sends a synthetic field (value = parameter sum + step) for each step.
 * Compiled as C to prove the public headers are C. Usage: c_client SIZE STEPS */
#include <stdio.h>
#include <stdlib.h>

#include "apiary/apiary.h"

static int check(apiary_status_t status) {
  if (status != APIARY_STATUS_OK) {
    fprintf(stderr, "c_client: %s: %s\n", apiary_status_string(status), apiary_last_error());
    exit(1);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: c_client SIZE STEPS\n");
    return 2;
  }
  const size_t size = (size_t)strtoul(argv[1], NULL, 10);
  const int steps = atoi(argv[2]);
  double parameters[16];
  size_t count = 0;
  check(apiary_parameters(parameters, 16, &count));
  double base = 0.0;
  for (size_t i = 0; i < count; ++i) base += parameters[i];

  float* field = malloc(size * sizeof(float));
  check(apiary_init_serial("field", size));
  for (int step = 0; step < steps; ++step) {
    for (size_t i = 0; i < size; ++i) field[i] = (float)(base + step + 0.001 * (double)i);
    check(apiary_send_float("field", field));
  }
  check(apiary_finalize());
  free(field);
  return 0;
}
