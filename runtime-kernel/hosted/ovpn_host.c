/* ovpn_host.c - forwards the hosted driver's platform calls to the callbacks of the embedding program. */
#include "ovpn_host.h"

#include <stddef.h>

#define OVPN_STATUS_INVALID_DEVICE_STATE ((int32_t)0xC0000184u)

/* The table is published by pointer (release/acquire); set_ops fills the buffer readers do not use. Embedders
 * install their callbacks once at start-up (and may uninstall them at exit), not while packets flow. */
static struct ovpn_host_ops g_tables[2];
static const struct ovpn_host_ops g_none;
static const struct ovpn_host_ops *g_ops = &g_none;
static int g_next;

void ovpn_host_set_ops(const struct ovpn_host_ops *ops)
{
    const struct ovpn_host_ops *published = &g_none;
    if (ops != NULL) {
        g_tables[g_next] = *ops;
        published = &g_tables[g_next];
        g_next ^= 1;
    }
    __atomic_store_n(&g_ops, published, __ATOMIC_RELEASE);
}

#define OVPN_HOST_OP(name) (__atomic_load_n(&g_ops, __ATOMIC_ACQUIRE)->name)

int32_t ovpn_host_transport_open(intptr_t context, int32_t proto, const void *local, const void *remote)
{
    int32_t (*op)(intptr_t, int32_t, const void *, const void *) = OVPN_HOST_OP(transport_open);
    return op != NULL ? op(context, proto, local, remote) : OVPN_STATUS_INVALID_DEVICE_STATE;
}

int32_t ovpn_host_transport_listen(intptr_t context, const void *listen, bool ipv6_only)
{
    int32_t (*op)(intptr_t, const void *, bool) = OVPN_HOST_OP(transport_listen);
    return op != NULL ? op(context, listen, ipv6_only) : OVPN_STATUS_INVALID_DEVICE_STATE;
}

void ovpn_host_transport_close(intptr_t context)
{
    void (*op)(intptr_t) = OVPN_HOST_OP(transport_close);
    if (op != NULL)
        op(context);
}

/* The driver builds each packet in place in one of these (never on its stack); the callbacks copy it on (write to the
 * TUN, sendto) before the thread asks for the next. 16-byte aligned for the AEAD. */
static _Thread_local _Alignas(16) uint8_t t_tx_buffer[OVPN_HOST_BUFFER_SIZE];
static _Thread_local _Alignas(16) uint8_t t_rx_buffer[OVPN_HOST_BUFFER_SIZE];

uint8_t *ovpn_host_transport_buffer(intptr_t context, int32_t size)
{
    (void)context;
    return size >= 0 && size <= OVPN_HOST_BUFFER_SIZE ? t_tx_buffer : NULL;
}

void ovpn_host_transport_buffer_release(intptr_t context, uint8_t *buffer)
{
    (void)context;
    (void)buffer;
}

uint8_t *ovpn_host_adapter_buffer(intptr_t context, int32_t size)
{
    (void)context;
    return size >= 0 && size <= OVPN_HOST_BUFFER_SIZE ? t_rx_buffer : NULL;
}

void ovpn_host_adapter_buffer_release(intptr_t context, uint8_t *buffer)
{
    (void)context;
    (void)buffer;
}

int32_t ovpn_host_transport_send(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length)
{
    int32_t (*op)(intptr_t, int32_t, const void *, const uint8_t *, int32_t) = OVPN_HOST_OP(transport_send);
    return op != NULL ? op(context, proto, remote, data, length) : OVPN_STATUS_INVALID_DEVICE_STATE;
}

void ovpn_host_adapter_deliver(intptr_t context, const uint8_t *packet, int32_t length)
{
    void (*op)(intptr_t, const uint8_t *, int32_t) = OVPN_HOST_OP(adapter_deliver);
    if (op != NULL)
        op(context, packet, length);
}

void ovpn_host_adapter_set_link(intptr_t context, bool connected)
{
    void (*op)(intptr_t, bool) = OVPN_HOST_OP(adapter_set_link);
    if (op != NULL)
        op(context, connected);
}

void ovpn_host_complete_read(intptr_t context, intptr_t request, int32_t status, const uint8_t *data, int32_t length)
{
    void (*op)(intptr_t, intptr_t, int32_t, const uint8_t *, int32_t) = OVPN_HOST_OP(complete_read);
    if (op != NULL)
        op(context, request, status, data, length);
}

void ovpn_host_complete_pending(intptr_t context, int32_t kind, int32_t status, const uint8_t *output, int32_t length)
{
    void (*op)(intptr_t, int32_t, int32_t, const uint8_t *, int32_t) = OVPN_HOST_OP(complete_pending);
    if (op != NULL)
        op(context, kind, status, output, length);
}

void ovpn_host_timer_arm(intptr_t context, int64_t due_ms)
{
    void (*op)(intptr_t, int64_t) = OVPN_HOST_OP(timer_arm);
    if (op != NULL)
        op(context, due_ms);
}

void ovpn_host_timer_cancel(intptr_t context)
{
    void (*op)(intptr_t) = OVPN_HOST_OP(timer_cancel);
    if (op != NULL)
        op(context);
}
