/*
 * scaling.c - how the transpiled driver's data path scales over threads on one device (wall clock, native, gcc -O2,
 * the hosted runtime with OpenSSL). Prints two lines:
 *   scaling peers: MP device, each thread sends and receives 1400-byte AES-256-GCM packets of its own peer;
 *                  packets per second with 2 threads / with 1 thread.
 *   scaling p2p:   one P2P peer, one thread transmits while another receives; packets per second of the two at once /
 *                  one thread doing the same transmits and receives alternately.
 * Each figure is the best of 5 rounds. Usage: scaling [packets per thread per round]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

typedef OvpnDco_Driver_DriverState device_t;

#define PAYLOAD 1400
#define WIRE_MAX 1500
#define IOCTL(fn) (0x00220000u | ((uint32_t)(fn) << 2))

static int g_packets = 60000;
static device_t *g_dev;

/* What the driver sent last on this thread (tx loops it back), or where pre-sealed packets are collected. */
static __thread uint8_t t_wire[WIRE_MAX];
static __thread int32_t t_wire_len;
static __thread uint8_t *t_collect;
static __thread int t_collected;
static atomic_long g_delivered; /* summed from t_delivered when a thread ends: no shared line written per packet */
static __thread long t_delivered;

static int32_t on_open(intptr_t c, int32_t p, const void *l, const void *r) { (void)c; (void)p; (void)l; (void)r; return 0; }
static int32_t on_listen(intptr_t c, const void *l, bool v6) { (void)c; (void)l; (void)v6; return 0; }
static int32_t on_send(intptr_t c, int32_t p, const void *r, const uint8_t *d, int32_t n)
{
    (void)c; (void)p; (void)r;
    if (t_collect != NULL) {
        memcpy(t_collect + (size_t)t_collected * WIRE_MAX, d, (size_t)n);
        t_wire_len = n;
        t_collected++;
        return 0;
    }
    memcpy(t_wire, d, (size_t)n);
    t_wire_len = n;
    return 0;
}
static void on_deliver(intptr_t c, const uint8_t *d, int32_t n) { (void)c; (void)d; t_delivered += n; }

static void flush_delivered(void)
{
    atomic_fetch_add(&g_delivered, t_delivered);
    t_delivered = 0;
}

static int32_t ioctl_in(uint32_t fn, const void *in, int32_t len)
{
    int32_t returned = 0;
    uint8_t out[8];
    return ovpn_dco_ioctl(g_dev, IOCTL(fn), (uint8_t *)in, len, out, 0, &returned, false);
}

static void sockaddr4(uint8_t *sa, uint8_t last, uint16_t port)
{
    memset(sa, 0, 28);
    sa[0] = 2;
    sa[2] = (uint8_t)(port >> 8);
    sa[3] = (uint8_t)port;
    sa[4] = 127;
    sa[7] = last;
}

/* The same 32-byte key and nonce tail in both directions: what a peer sends, it can receive (a loop). */
static int32_t install_key(int32_t peer)
{
    uint8_t key[100];
    int32_t aes = 1;
    memset(key, 0, sizeof key);
    for (int i = 0; i < 32; i++)
        key[i] = key[41 + i] = (uint8_t)(i + 1 + peer);
    key[32] = key[73] = 32;
    memcpy(key + 88, &aes, 4);
    memcpy(key + 96, &peer, 4);
    return ioctl_in(3, key, sizeof key);
}

static void ip_packet(uint8_t *pkt, uint8_t src_last, uint8_t dst_last)
{
    for (int i = 0; i < PAYLOAD; i++)
        pkt[i] = (uint8_t)i;
    pkt[0] = 0x45; pkt[1] = 0;
    pkt[2] = PAYLOAD >> 8; pkt[3] = PAYLOAD & 0xff;
    pkt[8] = 64; pkt[9] = 17;
    pkt[12] = 10; pkt[13] = 0; pkt[14] = 0; pkt[15] = src_last;
    pkt[16] = 10; pkt[17] = 0; pkt[18] = 0; pkt[19] = dst_last;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- peers: each thread loops packets through its own MP peer ---- */
struct peer_job { int peer; int packets; };

static void *peer_loop(void *arg)
{
    struct peer_job *job = arg;
    uint8_t ip[PAYLOAD], from[28];
    /* src = dst = the peer's VPN address: tx routes to the peer, rx's source check accepts it */
    ip_packet(ip, (uint8_t)(2 + job->peer), (uint8_t)(2 + job->peer));
    sockaddr4(from, (uint8_t)(2 + job->peer), (uint16_t)(20000 + job->peer));
    for (int i = 0; i < job->packets; i++) {
        ovpn_dco_adapter_transmit(g_dev, ip, PAYLOAD);
        ovpn_dco_transport_receive(g_dev, t_wire, t_wire_len, (void *)from);
    }
    flush_delivered();
    return NULL;
}

static double run_peers(int threads)
{
    pthread_t t[2];
    struct peer_job jobs[2];
    for (int i = 0; i < 2; i++)
        install_key(i); /* fresh packet ids and replay windows */
    long before = atomic_load(&g_delivered);
    double a = now_s();
    for (int i = 0; i < threads; i++) {
        jobs[i].peer = i;
        jobs[i].packets = g_packets;
        pthread_create(&t[i], NULL, peer_loop, &jobs[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double elapsed = now_s() - a;
    if (atomic_load(&g_delivered) - before != (long)threads * g_packets * PAYLOAD) {
        fprintf(stderr, "scaling: the peers round delivered %ld bytes, expected %ld\n", atomic_load(&g_delivered) - before,
                (long)threads * g_packets * PAYLOAD);
        exit(8);
    }
    return (double)threads * g_packets / elapsed;
}

/* ---- p2p: tx on one thread, rx of pre-sealed packets on another ---- */
static uint8_t *g_sealed;
static int32_t g_sealed_len;

static void *p2p_tx(void *arg)
{
    (void)arg;
    uint8_t ip[PAYLOAD];
    ip_packet(ip, 1, 2);
    for (int i = 0; i < g_packets; i++)
        ovpn_dco_adapter_transmit(g_dev, ip, PAYLOAD);
    return NULL;
}

static void *p2p_rx(void *arg)
{
    (void)arg;
    uint8_t from[28];
    sockaddr4(from, 2, 20000);
    for (int i = 0; i < g_packets; i++)
        ovpn_dco_transport_receive(g_dev, g_sealed + (size_t)i * WIRE_MAX, g_sealed_len, (void *)from);
    flush_delivered();
    return NULL;
}

static void *p2p_both(void *arg)
{
    (void)arg;
    uint8_t ip[PAYLOAD], from[28];
    ip_packet(ip, 1, 2);
    sockaddr4(from, 2, 20000);
    for (int i = 0; i < g_packets; i++) {
        ovpn_dco_adapter_transmit(g_dev, ip, PAYLOAD);
        ovpn_dco_transport_receive(g_dev, g_sealed + (size_t)i * WIRE_MAX, g_sealed_len, (void *)from);
    }
    flush_delivered();
    return NULL;
}

static double run_p2p(int threads)
{
    install_key(0); /* the pre-sealed packets' ids start over as acceptable */
    double a = now_s();
    if (threads == 1) {
        p2p_both(NULL);
    } else {
        pthread_t tx, rx;
        pthread_create(&tx, NULL, p2p_tx, NULL);
        pthread_create(&rx, NULL, p2p_rx, NULL);
        pthread_join(tx, NULL);
        pthread_join(rx, NULL);
    }
    return 2.0 * g_packets / (now_s() - a);
}

static double best_of(double (*run)(int), int threads)
{
    double best = 0;
    for (int round = 0; round < 5; round++) {
        double r = run(threads);
        if (r > best)
            best = r;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_packets = atoi(argv[1]);
    struct ovpn_host_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.transport_open = on_open;
    ops.transport_listen = on_listen;
    ops.transport_send = on_send;
    ops.adapter_deliver = on_deliver;
    ovpn_host_set_ops(&ops);

    /* MP: two peers, VPN addresses 10.0.0.2 and 10.0.0.3 */
    g_dev = ovpn_dco_create(1);
    int32_t mode = 1;
    uint8_t start[32];
    memset(start, 0, sizeof start);
    sockaddr4(start, 1, 1194);
    if (g_dev == NULL || ioctl_in(10, &mode, 4) != 0 || ioctl_in(11, start, sizeof start) != 0)
        return 2;
    for (int32_t i = 0; i < 2; i++) {
        uint8_t p[80];
        memset(p, 0, sizeof p);
        sockaddr4(p, 1, 1194);
        sockaddr4(p + 28, (uint8_t)(2 + i), (uint16_t)(20000 + i));
        p[56] = 10; p[59] = (uint8_t)(2 + i);
        memcpy(p + 76, &i, 4);
        if (ioctl_in(12, p, sizeof p) != 0 || install_key(i) != 0)
            return 3;
    }
    double one = best_of(run_peers, 1), two = best_of(run_peers, 2);
    printf("scaling peers: %.0f packets/s with 1 thread, %.0f with 2 threads (each its own MP peer): %.2fx (goal >= 1.8)\n",
           one, two, two / one);
    ovpn_dco_destroy(g_dev);

    /* P2P: one peer; pre-seal g_packets packets with its own tx path */
    g_dev = ovpn_dco_create(1);
    uint8_t peer[60];
    memset(peer, 0, sizeof peer);
    sockaddr4(peer, 1, 1194);
    sockaddr4(peer + 28, 2, 20000);
    if (g_dev == NULL || ioctl_in(1, peer, sizeof peer) != 0 || install_key(0) != 0 || ioctl_in(6, NULL, 0) != 0)
        return 4;
    g_sealed = malloc((size_t)g_packets * WIRE_MAX);
    if (g_sealed == NULL)
        return 5;
    uint8_t ip[PAYLOAD];
    ip_packet(ip, 1, 2);
    t_collect = g_sealed;
    for (int i = 0; i < g_packets; i++)
        ovpn_dco_adapter_transmit(g_dev, ip, PAYLOAD);
    t_collect = NULL;
    g_sealed_len = t_wire_len;
    if (t_collected != g_packets)
        return 6;
    long before = atomic_load(&g_delivered);
    one = best_of(run_p2p, 1);
    two = best_of(run_p2p, 2);
    if (atomic_load(&g_delivered) - before != 10L * g_packets * PAYLOAD) {
        fprintf(stderr, "scaling: the p2p rounds delivered %ld bytes, expected %ld\n",
                atomic_load(&g_delivered) - before, 10L * g_packets * PAYLOAD);
        return 7;
    }
    printf("scaling p2p: %.0f packets/s with rx and tx on 1 thread, %.0f with rx and tx on 2 threads: %.2fx (goal >= 1.6)\n",
           one, two, two / one);
    ovpn_dco_destroy(g_dev);
    free(g_sealed);
    return 0;
}
