/* win-min: IPv4 socket address types (ws2def.h / inaddr.h). See win-min-base.h. */
#ifndef WIN_MIN_WS2DEF_H
#define WIN_MIN_WS2DEF_H
#include "win-min-base.h"

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 23

typedef struct in_addr {
    union {
        struct { UCHAR s_b1, s_b2, s_b3, s_b4; } S_un_b;
        struct { USHORT s_w1, s_w2; } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR;

typedef struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN;

typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[6];
    LONG64 __ss_align;
    CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE;

#endif /* WIN_MIN_WS2DEF_H */
