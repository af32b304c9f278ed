#ifndef APIARY_H
#define APIARY_H
/* Umbrella header of Apiary's C client API. */
#include "apiary/status.h"
#include "apiary/client.h"
#endif
