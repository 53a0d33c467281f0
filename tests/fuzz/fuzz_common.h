/*
 * fuzz_common.h - shared set-up of the libFuzzer harnesses: host callbacks that only count, and devices configured
 * through the driver's own IOCTL path (the generated C of driver/OvpnDco.Driver.Hosted, on the hosted runtime).
 */
#ifndef OVPN_FUZZ_COMMON_H
#define OVPN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

#define FUZZ_IOCTL(fn) (0x00220000u | ((uint32_t)(fn) << 2))

static uint64_t g_sent, g_delivered, g_completed;

static int32_t fuzz_transport_open(intptr_t c, int32_t p, const void *l, const void *r) { (void)c; (void)p; (void)l; (void)r; return 0; }
static int32_t fuzz_transport_listen(intptr_t c, const void *l, bool v6) { (void)c; (void)l; (void)v6; return 0; }
static int32_t fuzz_transport_send(intptr_t c, int32_t p, const void *r, const uint8_t *d, int32_t n)
{
    (void)c; (void)p; (void)r;
    if (n > 0) g_sent += d[0] + (uint64_t)d[n - 1]; /* touch the bytes so ASan checks them */
    return 0;
}
static void fuzz_adapter_deliver(intptr_t c, const uint8_t *d, int32_t n) { (void)c; if (n > 0) g_delivered += d[0] + (uint64_t)d[n - 1]; }
static void fuzz_complete(intptr_t c, intptr_t r, int32_t s, const uint8_t *d, int32_t n) { (void)c; (void)r; (void)s; if (n > 0) g_completed += d[n - 1]; }
static void fuzz_complete_pending(intptr_t c, int32_t k, int32_t s, const uint8_t *d, int32_t n) { (void)c; (void)k; (void)s; if (n > 0) g_completed += d[n - 1]; }

static inline void fuzz_install_host(void)
{
    struct ovpn_host_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.transport_open = fuzz_transport_open;
    ops.transport_listen = fuzz_transport_listen;
    ops.transport_send = fuzz_transport_send;
    ops.adapter_deliver = fuzz_adapter_deliver;
    ops.complete_read = fuzz_complete;
    ops.complete_pending = fuzz_complete_pending;
    ovpn_host_set_ops(&ops);
    ovpn_hosted_trace_open("/dev/null", 2);
}

static inline int32_t fuzz_ioctl(OvpnDco_Driver_DriverState *s, uint32_t code, const void *in, int32_t in_len)
{
    int32_t returned = 0;
    uint8_t out[256];
    return ovpn_dco_ioctl(s, code, (uint8_t *)(uintptr_t)in, in_len, out, (int32_t)sizeof out, &returned, false);
}

/* SOCKADDR_IN with Windows AF_INET (2), port big-endian, 127.0.0.1. */
static inline void fuzz_sockaddr4(uint8_t *sa28, uint16_t port)
{
    memset(sa28, 0, 28);
    sa28[0] = 2;
    sa28[2] = (uint8_t)(port >> 8);
    sa28[3] = (uint8_t)port;
    sa28[4] = 127;
    sa28[7] = 1;
}

/* A P2P device with one peer (UDP or TCP) and a primary key: cipher 0 (none) or 1 (AES-256-GCM). */
static inline OvpnDco_Driver_DriverState *fuzz_p2p_device(int32_t proto, int32_t cipher)
{
    uint8_t new_peer[60], key[100];
    OvpnDco_Driver_DriverState *s = ovpn_dco_create(1);
    if (s == NULL)
        return NULL;
    memset(new_peer, 0, sizeof new_peer);
    fuzz_sockaddr4(new_peer, 1194);
    fuzz_sockaddr4(new_peer + 28, 1195);
    memcpy(new_peer + 56, &proto, 4);
    fuzz_ioctl(s, FUZZ_IOCTL(1), new_peer, (int32_t)sizeof new_peer); /* NEW_PEER */
    if (proto == 1)
        ovpn_dco_transport_connected(s, 0);
    memset(key, 0, sizeof key);
    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(i + 1);      /* encrypt key */
        key[41 + i] = (uint8_t)(i + 1); /* decrypt key: the same, so sealed packets loop back */
    }
    key[32] = key[41 + 32] = 32;        /* KeyLen */
    memcpy(key + 88, &cipher, 4);       /* CipherAlg */
    fuzz_ioctl(s, FUZZ_IOCTL(3), key, (int32_t)sizeof key); /* NEW_KEY */
    fuzz_ioctl(s, FUZZ_IOCTL(6), NULL, 0);                  /* START_VPN */
    return s;
}

#endif
