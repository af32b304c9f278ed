#ifndef APIARY_H
#define APIARY_H
/* Umbrella header of Apiary's C client API. */
#include "apiary/client.h"
#include "apiary/status.h"
#endif
