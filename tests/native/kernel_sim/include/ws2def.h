/* The simulated WDK (sim_wdk.h): what uapi.h needs of ws2def.h and ws2ipdef.h and of winioctl's CTL_CODE. */
#ifndef SIM_WS2DEF_H
#define SIM_WS2DEF_H
#include "sim_wdk.h"

typedef int32_t LONG;
typedef uint32_t UINT32;
typedef USHORT ADDRESS_FAMILY;
typedef struct in_addr_sim {
    union {
        uint8_t s_b[4];
        ULONG S_addr;
    };
} IN_ADDR;
typedef struct in6_addr_sim {
    union {
        uint8_t Byte[16];
        USHORT Word[8];
    };
} IN6_ADDR;
typedef struct sockaddr_in_sim {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    char sin_zero[8];
} SOCKADDR_IN;
typedef struct sockaddr_in6_sim {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    ULONG sin6_scope_id;
} SOCKADDR_IN6;

typedef struct sockaddr_storage_sim {
    ADDRESS_FAMILY ss_family;
    char ss_pad1[6];
    int64_t ss_align;
    char ss_pad2[112];
} SOCKADDR_STORAGE;

#define FILE_DEVICE_UNKNOWN 0x00000022
#define METHOD_BUFFERED 0
#define FILE_ANY_ACCESS 0
#define CTL_CODE(type, function, method, access) (((type) << 16) | ((access) << 14) | ((function) << 2) | (method))
#endif
