/* win-min: IPv6 socket address types (ws2ipdef.h / in6addr.h). See win-min-base.h. */
#ifndef WIN_MIN_WS2IPDEF_H
#define WIN_MIN_WS2IPDEF_H
#include "ws2def.h"

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR;

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    ULONG sin6_scope_id;
} SOCKADDR_IN6, *PSOCKADDR_IN6;

#endif /* WIN_MIN_WS2IPDEF_H */
