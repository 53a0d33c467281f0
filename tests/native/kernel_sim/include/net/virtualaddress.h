/* The simulated WDK (sim_wdk.h) under the name the generated C includes. */
#include "../sim_wdk.h"
