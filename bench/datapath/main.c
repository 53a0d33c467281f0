/*
 * main.c - one side of bench/datapath per run: N packets of 1400 bytes encrypted and decrypted either by the transpiled
 * driver (libovpndco's C API, AES-256-GCM, P2P peer whose keys loop its own packets back) or by reference.c, one packet
 * per call ("driver", "reference") or in batches of BATCH packets as the hosted device hands them to the driver
 * ("driver-batch", "reference-batch": a tx batch, then the rx batch of what it sent). run.sh counts the instructions of
 * measure_* with callgrind.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

#define PACKETS 2048
#define PAYLOAD 1400
#define BATCH 64 /* the hosted device's IO_BATCH: a burst of TUN reads, one recvmmsg */

struct ref_peer;
void ref_setup(struct ref_peer *p, const uint8_t *key, const uint8_t *tail);
int ref_encrypt(struct ref_peer *p, const uint8_t *ip, int len, uint8_t *out);
int ref_decrypt(const uint8_t *wire, int len, uint8_t *ip);

/* What the transport was handed, the last BATCH datagrams (a tx batch is received back as one rx batch). */
static uint8_t g_wire[BATCH][2048];
static int32_t g_wire_len[BATCH];
static int32_t g_sent;
static int64_t g_delivered;

static int32_t on_open(intptr_t c, int32_t p, const void *l, const void *r) { (void)c; (void)p; (void)l; (void)r; return 0; }
/* The stand-in transport: noinline, so that the reference pays the same call and memcpy as the driver, which reaches it
 * through the hosted platform's function pointer (with -flto, gcc would otherwise inline it into the reference alone). */
__attribute__((noinline)) static int32_t on_send(intptr_t c, int32_t p, const void *r, const uint8_t *d, int32_t n)
{
    (void)c; (void)p; (void)r;
    int32_t k = g_sent++ % BATCH;
    memcpy(g_wire[k], d, (size_t)n);
    g_wire_len[k] = n;
    return 0;
}
static void on_deliver(intptr_t c, const uint8_t *d, int32_t n) { (void)c; g_delivered += n + d[0]; }

static uint8_t g_ip[PAYLOAD];

/* Where the datagrams come from: the peer's address (AF_INET 2, port 0x00ab, 127.0.0.1) as the uapi's SOCKADDR_INET. */
static const uint8_t k_from[28] = { 2, 0, 0, 0xab, 127, 0, 0, 1 };

/* cipher: 1 AES-256-GCM, 0 none (the driver's own work alone: no crypto, the payload copied into place) */
static OvpnDco_Driver_DriverState *driver_setup(int32_t cipher)
{
    struct ovpn_host_ops ops;
    uint8_t new_peer[60], key[100];
    int32_t returned;
    uint8_t out[16];
    memset(&ops, 0, sizeof ops);
    ops.transport_open = on_open;
    ops.transport_send = on_send;
    ops.adapter_deliver = on_deliver;
    ovpn_host_set_ops(&ops);
    OvpnDco_Driver_DriverState *s = ovpn_dco_create(1);
    memset(new_peer, 0, sizeof new_peer);
    new_peer[0] = 2; new_peer[3] = 0xaa; new_peer[4] = 127; new_peer[7] = 1;
    new_peer[28] = 2; new_peer[31] = 0xab; new_peer[32] = 127; new_peer[35] = 1;
    ovpn_dco_ioctl(s, 0x00220004u, new_peer, 60, out, 0, &returned, false);
    memset(key, 0, sizeof key);
    for (int i = 0; i < 32; i++)
        key[i] = key[41 + i] = (uint8_t)(i + 1);
    key[32] = key[73] = cipher == 0 ? 0 : 32;
    memcpy(key + 88, &cipher, 4);
    ovpn_dco_ioctl(s, 0x0022000Cu, key, 100, out, 0, &returned, false);
    ovpn_dco_ioctl(s, 0x00220018u, NULL, 0, out, 0, &returned, false);
    return s;
}

__attribute__((noinline)) static int64_t measure_driver(OvpnDco_Driver_DriverState *s)
{
    for (int i = 0; i < PACKETS; i++) {
        ovpn_dco_adapter_transmit(s, g_ip, PAYLOAD); /* a UDP packet: the driver leaves it as it is (no MSS clamp) */
        int32_t k = (g_sent - 1) % BATCH;
        ovpn_dco_transport_receive(s, g_wire[k], g_wire_len[k], (OvpnDco_Uapi_SockAddrInet *)(void *)k_from);
    }
    return g_delivered;
}

static OvpnDco_Driver_TxPacket g_tx[BATCH];
static OvpnDco_Driver_RxDatagram g_rx[BATCH];

/* A batch's descriptors, filled the same way for the driver and the reference (both pay for the batch itself). */
static inline void fill_tx_batch(void)
{
    for (int i = 0; i < BATCH; i++) {
        g_tx[i].Data = g_ip; /* UDP, never clamped: every packet of the batch may share the buffer */
        g_tx[i].Length = PAYLOAD;
    }
}

static inline void fill_rx_batch(void)
{
    for (int i = 0; i < BATCH; i++) {
        g_rx[i].Data = g_wire[i];
        g_rx[i].Length = g_wire_len[i];
    }
}

__attribute__((noinline)) static int64_t measure_driver_batch(OvpnDco_Driver_DriverState *s)
{
    for (int b = 0; b < PACKETS / BATCH; b++) {
        fill_tx_batch();
        ovpn_dco_adapter_transmit_batch(s, g_tx, BATCH);
        fill_rx_batch();
        ovpn_dco_transport_receive_batch(s, g_rx, BATCH);
    }
    return g_delivered;
}

static _Alignas(16) uint8_t g_ref_peer[1024];

__attribute__((noinline)) static int64_t measure_reference(void)
{
    uint8_t wire[2048], ip[2048];
    for (int i = 0; i < PACKETS; i++) {
        int n = ref_encrypt((struct ref_peer *)g_ref_peer, g_ip, PAYLOAD, wire);
        /* the same hand-off to the transport as the driver's send callback makes */
        int32_t r = on_send(1, 0, NULL, wire, n);
        int32_t k = (g_sent - 1) % BATCH;
        int m = ref_decrypt(g_wire[k], g_wire_len[k] + r, ip);
        if (m > 0)
            g_delivered += m + ip[0];
    }
    return g_delivered;
}

/* The same batches, by hand: it walks the same descriptors the driver is handed (filled the same way), so that both
 * sides pay for the batch itself and the difference is the per-packet work. */
__attribute__((noinline)) static int64_t measure_reference_batch(void)
{
    uint8_t wire[2048], ip[2048];
    for (int b = 0; b < PACKETS / BATCH; b++) {
        fill_tx_batch();
        for (int i = 0; i < BATCH; i++) {
            int n = ref_encrypt((struct ref_peer *)g_ref_peer, g_tx[i].Data, g_tx[i].Length, wire);
            on_send(1, 0, NULL, wire, n);
        }
        fill_rx_batch();
        for (int i = 0; i < BATCH; i++) {
            int m = ref_decrypt(g_rx[i].Data, g_rx[i].Length, ip);
            if (m > 0)
                g_delivered += m + ip[0];
        }
    }
    return g_delivered;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "";
    uint8_t key[32], tail[8] = { 0 };
    for (int i = 0; i < PAYLOAD; i++)
        g_ip[i] = (uint8_t)i;
    g_ip[0] = 0x45; g_ip[2] = PAYLOAD >> 8; g_ip[3] = PAYLOAD & 0xff; g_ip[8] = 64; g_ip[9] = 17;
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i + 1);
    int64_t r = 0;
    if (strncmp(which, "timed", 5) == 0) {
        /* wall-clock ns per packet (encrypt + decrypt) of the native driver, best of 5 rounds; "timed-none": cipher none */
        OvpnDco_Driver_DriverState *s = driver_setup(strcmp(which, "timed-none") == 0 ? 0 : 1);
        double best = 1e30;
        for (int round = 0; round < 5; round++) {
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            for (int k = 0; k < 10; k++)
                measure_driver(s);
            clock_gettime(CLOCK_MONOTONIC, &b);
            double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (10.0 * PACKETS);
            if (ns < best)
                best = ns;
        }
        ovpn_dco_destroy(s);
        if (g_delivered != (int64_t)50 * PACKETS * (PAYLOAD + 0x45)) {
            fprintf(stderr, "%s: %lld bytes delivered, not every packet\n", which, (long long)g_delivered);
            return 1;
        }
        printf("%.1f\n", best);
        return 0;
    }
    if (strncmp(which, "driver", 6) == 0) {
        OvpnDco_Driver_DriverState *s = driver_setup(1);
        for (int i = 0; i < BATCH; i++)
            memcpy(&g_rx[i].From, k_from, sizeof k_from);
        r = strcmp(which, "driver-batch") == 0 ? measure_driver_batch(s) : measure_driver(s);
        ovpn_dco_destroy(s);
    } else if (strncmp(which, "reference", 9) == 0) {
        ref_setup((struct ref_peer *)g_ref_peer, key, tail);
        r = strcmp(which, "reference-batch") == 0 ? measure_reference_batch() : measure_reference();
    }
    printf("%s delivered %lld bytes (%d packets)\n", which, (long long)r, PACKETS);
    return r == (int64_t)PACKETS * (PAYLOAD + 0x45) ? 0 : 1;
}
