/*
 * ovpn_km.h - the C that the Windows driver's C# (driver/OvpnDco.Driver.Kernel on runtime-kernel/OvpnDco.Wdk) still
 * imports from runtime-kernel/km. Everything else of the platform - memory, locks, time, BCrypt AEAD and HKDF, the
 * timer, request queues and completion, DriverEntry and the WDF callbacks, the NetAdapterCx tx and rx rings and the
 * link state - is C#.
 *
 * - the WDF context slot: WDF_DECLARE_CONTEXT_TYPE is a macro that defines static type information, which C# cannot
 *   declare (ovpn_km.c);
 * The WSK transport is C# too (driver/OvpnDco.Driver.Kernel/WskTransport.cs on the bindings of wsk.cs).
 */
#ifndef OVPN_KM_H
#define OVPN_KM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Gives WDF_OBJECT_ATTRIBUTES a context of one pointer (the DeviceContext); the slot holds it. */
struct _WDF_OBJECT_ATTRIBUTES;
void ovpn_km_context_attributes_init(struct _WDF_OBJECT_ATTRIBUTES *attributes);
void **ovpn_km_context_slot(void *wdf_object);


#ifdef __cplusplus
}
#endif

#endif /* OVPN_KM_H */
