/*
 * ovpn_host.h - what the hosted driver asks of the program that embeds it: transport, adapter, request completion
 * and the device timer. The embedding program (the ovpn-dcod daemon with TUN and sockets, or a test harness)
 * installs a table of callbacks; until it does, sends fail with STATUS_INVALID_DEVICE_STATE and the rest is a no-op.
 * Socket addresses are the uapi's 28-byte SOCKADDR_IN/SOCKADDR_IN6 union (Windows family values).
 */
#ifndef OVPN_HOST_H
#define OVPN_HOST_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ovpn_host_ops {
    int32_t (*transport_open)(intptr_t context, int32_t proto, const void *local, const void *remote);
    int32_t (*transport_listen)(intptr_t context, const void *listen, bool ipv6_only);
    void (*transport_close)(intptr_t context);
    int32_t (*transport_send)(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length);
    void (*adapter_deliver)(intptr_t context, const uint8_t *packet, int32_t length);
    void (*adapter_set_link)(intptr_t context, bool connected);
    void (*complete_read)(intptr_t context, intptr_t request, int32_t status, const uint8_t *data, int32_t length);
    void (*complete_pending)(intptr_t context, int32_t kind, int32_t status, const uint8_t *output, int32_t length);
    void (*timer_arm)(intptr_t context, int64_t due_ms);
    void (*timer_cancel)(intptr_t context);
};

/* Installs the callbacks (copied; NULL members stay no-ops). NULL uninstalls them. */
void ovpn_host_set_ops(const struct ovpn_host_ops *ops);

/* What the driver's HostedPlatform calls ([Import]); each forwards to the installed callback. */
int32_t ovpn_host_transport_open(intptr_t context, int32_t proto, const void *local, const void *remote);
int32_t ovpn_host_transport_listen(intptr_t context, const void *listen, bool ipv6_only);
void ovpn_host_transport_close(intptr_t context);
/* Packet buffers the driver writes in place: per-thread buffers of OVPN_HOST_BUFFER_SIZE bytes (one for tx, one for rx),
 * NULL for a larger size; release is a no-op. The embedding program's callbacks then see pointers into them. */
#define OVPN_HOST_BUFFER_SIZE 2176
uint8_t *ovpn_host_transport_buffer(intptr_t context, int32_t size);
void ovpn_host_transport_buffer_release(intptr_t context, uint8_t *buffer);
uint8_t *ovpn_host_adapter_buffer(intptr_t context, int32_t size);
void ovpn_host_adapter_buffer_release(intptr_t context, uint8_t *buffer);
int32_t ovpn_host_transport_send(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length);
void ovpn_host_adapter_deliver(intptr_t context, const uint8_t *packet, int32_t length);
void ovpn_host_adapter_set_link(intptr_t context, bool connected);
void ovpn_host_complete_read(intptr_t context, intptr_t request, int32_t status, const uint8_t *data, int32_t length);
void ovpn_host_complete_pending(intptr_t context, int32_t kind, int32_t status, const uint8_t *output, int32_t length);
void ovpn_host_timer_arm(intptr_t context, int64_t due_ms);
void ovpn_host_timer_cancel(intptr_t context);

#ifdef __cplusplus
}
#endif

#endif /* OVPN_HOST_H */
