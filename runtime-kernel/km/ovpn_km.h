/*
 * ovpn_km.h - the C that the Windows driver's C# (driver/OvpnDco.Driver.Kernel on runtime-kernel/OvpnDco.Wdk) still
 * imports from runtime-kernel/km. Everything else of the platform - memory, locks, time, BCrypt AEAD and HKDF, the
 * timer, request queues and completion, DriverEntry and the WDF callbacks, the NetAdapterCx tx and rx rings and the
 * link state - is C#.
 *
 * - the WDF context slot: WDF_DECLARE_CONTEXT_TYPE is a macro that defines static type information, which C# cannot
 *   declare (ovpn_km.c);
 * - not yet written (neither in C nor in C#): the WSK transport. Its bindings are in runtime-kernel/OvpnDco.Wdk (wsk.cs).
 * Addresses are the uapi's 28-byte SOCKADDR_IN/SOCKADDR_IN6 union; statuses are NTSTATUS values.
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


int32_t ovpn_km_transport_open(intptr_t context, int32_t proto, const void *local, const void *remote);
int32_t ovpn_km_transport_listen(intptr_t context, const void *listen, bool ipv6_only);
void ovpn_km_transport_close(intptr_t context);
uint8_t *ovpn_km_transport_buffer(intptr_t context, int32_t size);
void ovpn_km_transport_buffer_release(intptr_t context, uint8_t *buffer);
int32_t ovpn_km_transport_send(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length);

#ifdef __cplusplus
}
#endif

#endif /* OVPN_KM_H */
