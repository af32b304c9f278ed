/* A C program built against an installed Apiary only (tests/install): it
 * links the client library and calls it. Without a study's environment,
 * apiary_init_serial must fail with APIARY_STATUS_ENVIRONMENT and say why. */
#include <apiary/apiary.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  if (strcmp(apiary_status_string(APIARY_STATUS_REFUSED), "refused by server") != 0) {
    fprintf(stderr, "c_consumer: unexpected status name '%s'\n", apiary_status_string(APIARY_STATUS_REFUSED));
    return 1;
  }
  const apiary_status_t status = apiary_init_serial("temperature", 16);
  printf("c_consumer: Apiary %s, apiary_init_serial without a study: %s: %s\n", APIARY_VERSION,
         apiary_status_string(status), apiary_last_error());
  return status == APIARY_STATUS_ENVIRONMENT && apiary_last_error()[0] != '\0' ? 0 : 1;
}
