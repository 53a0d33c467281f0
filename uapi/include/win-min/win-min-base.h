/*
 * win-min: the few Windows SDK/WDK declarations that ovpn-dco/uapi.h needs, written for this project so the
 * generated header can be syntax-checked with clang for *-pc-windows-msvc targets on Linux (Debian's mingw-w64
 * headers do not parse in MSVC mode). Layouts follow the documented Windows types; nothing else is declared.
 * Not for production builds: real builds use the Windows SDK or WDK.
 */
#ifndef WIN_MIN_BASE_H
#define WIN_MIN_BASE_H

#if !defined(_WIN32)
#error "win-min targets Windows ABIs only (LLP64/ILP32: long is 32 bits)"
#endif

typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef long LONG;
typedef unsigned long ULONG;
typedef unsigned long DWORD;
typedef long long LONG64;
typedef unsigned long long ULONG64;
typedef signed int INT32;
typedef unsigned int UINT32;

typedef USHORT ADDRESS_FAMILY;

#define C_ASSERT(e) typedef char __C_ASSERT__[(e) ? 1 : -1]

#define FILE_DEVICE_UNKNOWN 0x00000022
#define METHOD_BUFFERED 0
#define FILE_ANY_ACCESS 0
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))

#endif /* WIN_MIN_BASE_H */
