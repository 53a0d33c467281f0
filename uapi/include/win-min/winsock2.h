/* win-min: user-mode winsock2.h subset. See win-min-base.h. */
#ifndef WIN_MIN_WINSOCK2_H
#define WIN_MIN_WINSOCK2_H
#include "ws2def.h"
#endif
