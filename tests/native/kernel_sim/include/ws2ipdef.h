/* The simulated WDK (sim_wdk.h) under the name uapi.h includes. */
#include "ws2def.h"
