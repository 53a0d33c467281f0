/* win-min: kernel-mode wdm.h subset (base types, CTL_CODE). See win-min-base.h. */
#ifndef WIN_MIN_WDM_H
#define WIN_MIN_WDM_H
#include "win-min-base.h"
#endif
