/*
 * ovpn_rt_km.c - the Windows kernel backend of the runtime (compiled by the WDK with OVPN_RT_KERNEL).
 * Declares the few kernel routines it needs itself, so that the generated C can be syntax-checked
 * in the MSVC dialect without the WDK headers.
 */
#include "ovpn_rt.h"

#ifdef OVPN_KM_WDK_HEADERS
/* The WDK build (and `wdk-cc` checks): the real declarations, and RtlSecureZeroMemory from wdm.h. */
#include <wdm.h>
typedef ULONG ovpn_km_ulong;
typedef ULONG_PTR ovpn_km_ulong_ptr;
#else
/* Header-less syntax check of the generated C in the MSVC dialect: the same routines declared by hand. */
typedef unsigned long ovpn_km_ulong;
typedef uintptr_t ovpn_km_ulong_ptr;
__declspec(noreturn) void KeBugCheckEx(ovpn_km_ulong code, ovpn_km_ulong_ptr p1, ovpn_km_ulong_ptr p2,
                                        ovpn_km_ulong_ptr p3, ovpn_km_ulong_ptr p4);
#endif

/* MANUALLY_INITIATED_CRASH is for people; a driver bugchecks with its own code: 'ovpn' in ASCII. */
#define OVPN_KM_BUGCHECK_CODE 0x6F76706EUL

void ovpn_rt_failfast(const char *reason)
{
    KeBugCheckEx(OVPN_KM_BUGCHECK_CODE, (ovpn_km_ulong_ptr)reason, 0, 0, 0);
}

/*
 * Zeroing of secrets (CryptographicOperations.ZeroMemory): RtlSecureZeroMemory, whose volatile stores the compiler
 * may not drop even when the memory is freed right after. Without the WDK headers: the same volatile stores.
 */
void ovpn_rt_secure_zero(void *dst, size_t n)
{
#ifdef OVPN_KM_WDK_HEADERS
    RtlSecureZeroMemory(dst, n);
#else
    volatile unsigned char *p = (volatile unsigned char *)dst;
    while (n != 0) {
        *p++ = 0;
        n--;
    }
#endif
}
