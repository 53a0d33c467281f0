/* win-min: user-mode winioctl.h subset (CTL_CODE and its arguments). See win-min-base.h. */
#ifndef WIN_MIN_WINIOCTL_H
#define WIN_MIN_WINIOCTL_H
#include "win-min-base.h"
#endif
