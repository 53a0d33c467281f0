/*
 * stress_concurrency.c - the generated driver under concurrent rx, tx and control, built once with ThreadSanitizer
 * and once with ASan + UBSan (tests/OvpnDco.Native.Tests/ConcurrencyStressTests.cs).
 *
 *   Odd-numbered rx and tx threads use the batch entry points (8 packets a call), the others one packet a call.
 *   p2p: one peer. R rx threads feed packets sealed here with OpenSSL (an AEAD independent of the driver), each packet
 *        twice; T tx threads send IP packets; a control thread meanwhile installs keys into the secondary slot, swaps
 *        keys back and forth, changes keepalive, fires the timer and reads statistics.
 *   mp:  16 peers, the same traffic spread over them, and the control thread also creates and deletes extra peers
 *        (with iroutes, and short keepalive timeouts that the timer expires) that rx and tx threads aim packets at.
 *
 * Checks (exit 1 with a message when one fails): no packet delivered twice; every packet of the key that is never
 * replaced is either delivered once or refused as too old (the replay window's definition; with the feed order here
 * "too old" only happens when a thread was descheduled for a long time); the driver's received-data counter equals
 * what was delivered; no two tx packets of that key carry the same packet id (the nonce). The sanitizers report the
 * rest. After the counted feed the rx threads replay random packets until the time is up: none may be delivered.
 * Prints "<mode> delivered=<n> too_old=<n> refused=<n> tx=<n> control_ops=<n> live_allocations=<n>".
 * Usage: stress_concurrency <p2p|mp> <milliseconds> <rx threads> <tx threads>
 */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

typedef OvpnDco_Driver_DriverState device_t; /* the generated name of the driver's device state */

#define IOCTL(fn) (0x00220000u | ((uint32_t)(fn) << 2))
enum { NEW_PEER = 1, GET_STATS = 2, NEW_KEY = 3, SWAP_KEYS = 4, SET_PEER = 5, START_VPN = 6, SET_MODE = 10,
       MP_START_VPN = 11, MP_NEW_PEER = 12, MP_SET_PEER = 13, MP_DEL_PEER = 15, MP_SWAP_KEYS = 16,
       MP_ADD_IROUTE = 17, MP_DEL_IROUTE = 18 };

/* OVPN_CRYPTO_DATA (100 bytes): Encrypt {Key[32], KeyLen, NonceTail[8]} at 0, Decrypt at 41, KeySlot at 84,
 * CipherAlg at 88, KeyId at 92, PeerId at 96. OVPN_STATS: ReceivedDataPackets at 16. */
#define CRYPTO_DATA_SIZE 100
#define STATS_SIZE 64
#define MAIN_PEERS 16
#define EXTRA_PEERS 32
#define PACKET_SIZE 200
#define MAX_PACKETS (1 << 16)

static device_t *g_dev;
static bool g_mp;
static int g_peers;        /* peers that carry the counted traffic: 1 (p2p) or MAIN_PEERS (mp) */
static int g_packets;      /* sealed rx packets in all */
static uint8_t *g_wire;    /* g_packets sealed packets of PACKET_SIZE + 24 bytes */
static int g_wire_len;
static atomic_int g_feed;  /* next feed index (each packet is fed twice: index / 2) */
static atomic_uchar g_seen[MAX_PACKETS];
static atomic_long g_delivered, g_dup_delivered, g_tx, g_tx_dup_pid, g_control_ops;
static atomic_uchar g_tx_pid_seen[MAIN_PEERS][1 << 20];
static atomic_bool g_stop;
static pthread_mutex_t g_fail_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_failure[256];

static void fail(const char *why)
{
    pthread_mutex_lock(&g_fail_lock);
    if (g_failure[0] == 0)
        snprintf(g_failure, sizeof g_failure, "%s", why);
    pthread_mutex_unlock(&g_fail_lock);
}

/* ---- key material: key id k of peer i, direction d (0 = the driver encrypts, 1 = the driver decrypts) ---- */
static void key_bytes(int peer, int key_id, int dir, uint8_t key[32], uint8_t tail[8])
{
    for (int b = 0; b < 32; b++)
        key[b] = (uint8_t)(peer * 31 + key_id * 7 + dir * 101 + b);
    for (int b = 0; b < 8; b++)
        tail[b] = (uint8_t)(0xA0 + peer + key_id * 3 + dir * 5 + b);
}

static int32_t ioctl_in(uint32_t fn, const void *in, int32_t len)
{
    int32_t returned = 0;
    uint8_t out[8];
    return ovpn_dco_ioctl(g_dev, IOCTL(fn), (uint8_t *)in, len, out, 0, &returned, false);
}

static int32_t new_key(int peer, int key_id, int slot)
{
    uint8_t data[CRYPTO_DATA_SIZE];
    memset(data, 0, sizeof data);
    key_bytes(peer, key_id, 0, data, data + 33);
    data[32] = 32;
    key_bytes(peer, key_id, 1, data + 41, data + 41 + 33);
    data[41 + 32] = 32;
    int32_t alg = 1; /* AES-GCM */
    memcpy(data + 84, &slot, 4);
    memcpy(data + 88, &alg, 4);
    data[92] = (uint8_t)key_id;
    memcpy(data + 96, &peer, 4);
    return ioctl_in(NEW_KEY, data, sizeof data);
}

static void sockaddr4(uint8_t *sa, uint8_t last, uint16_t port)
{
    memset(sa, 0, 28);
    sa[0] = 2; /* AF_INET (Windows value) */
    sa[2] = (uint8_t)(port >> 8);
    sa[3] = (uint8_t)port;
    sa[4] = 127;
    sa[7] = last;
}

static int32_t mp_new_peer(int id, uint8_t vpn_last)
{
    uint8_t p[80];
    memset(p, 0, sizeof p);
    sockaddr4(p, 1, 1194);
    sockaddr4(p + 28, (uint8_t)(2 + id % 200), (uint16_t)(20000 + id));
    p[56] = 10; p[59] = vpn_last; /* 10.0.0.x */
    memcpy(p + 76, &id, 4);
    return ioctl_in(MP_NEW_PEER, p, sizeof p);
}

/* ---- independent sealing (OpenSSL, classic DATA_V2 AES-256-GCM) ---- */
static void ip_packet(uint8_t *pkt, int len, uint8_t src_last, uint8_t dst_last, uint32_t seq)
{
    memset(pkt, 0, (size_t)len);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8); pkt[3] = (uint8_t)len;
    pkt[8] = 64; pkt[9] = 17;
    pkt[12] = 10; pkt[15] = src_last;
    pkt[16] = 10; pkt[19] = dst_last;
    memcpy(pkt + 28, &seq, 4);
}

static int seal(int peer, int key_id, uint32_t pid, const uint8_t *plain, int len, uint8_t *out)
{
    uint8_t key[32], tail[8], nonce[12];
    key_bytes(peer, key_id, 1, key, tail); /* the driver decrypts with its Decrypt direction */
    uint32_t header = ((uint32_t)(9 << 3 | key_id) << 24) | (g_mp ? (uint32_t)peer : 0u);
    for (int b = 0; b < 4; b++) {
        out[b] = (uint8_t)(header >> (24 - 8 * b));
        out[4 + b] = (uint8_t)(pid >> (24 - 8 * b));
    }
    memcpy(nonce, out + 4, 4);
    memcpy(nonce + 4, tail, 8);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    bool ok = EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
              EVP_EncryptUpdate(c, NULL, &n, out, 8) == 1 && EVP_EncryptUpdate(c, out + 24, &n, plain, len) == 1 &&
              EVP_EncryptFinal_ex(c, out + 24 + n, &n) == 1 && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + 8) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 24 + len : -1;
}

/* ---- host callbacks ---- */
static int32_t host_send(intptr_t c, int32_t proto, const void *remote, const uint8_t *d, int32_t n)
{
    (void)c; (void)proto; (void)remote;
    atomic_fetch_add(&g_tx, 1);
    if (n < 8 || (d[0] >> 3) != 9 || (d[0] & 7) != 0)
        return 0; /* only key id 0 is never reinstalled: its packet ids must never repeat */
    uint32_t peer = g_mp ? ((uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]) : 0;
    uint32_t pid = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
    if (peer < MAIN_PEERS && pid < (1u << 20) && atomic_exchange(&g_tx_pid_seen[peer][pid], 1))
        atomic_fetch_add(&g_tx_dup_pid, 1);
    return 0;
}

static void host_deliver(intptr_t c, const uint8_t *d, int32_t n)
{
    (void)c;
    uint32_t seq;
    if (n < 32)
        return;
    memcpy(&seq, d + 28, 4);
    if (seq >= (uint32_t)g_packets) {
        fail("delivered a packet that was never sent");
        return;
    }
    if (atomic_exchange(&g_seen[seq], 1))
        atomic_fetch_add(&g_dup_delivered, 1);
    else
        atomic_fetch_add(&g_delivered, 1);
}

static int32_t host_ok_open(intptr_t c, int32_t p, const void *l, const void *r) { (void)c; (void)p; (void)l; (void)r; return 0; }
static int32_t host_ok_listen(intptr_t c, const void *l, bool v6) { (void)c; (void)l; (void)v6; return 0; }

/* ---- threads ---- */
#define BATCH 8 /* odd-numbered rx and tx threads hand their packets over in batches, as the hosted device does */

/* The next packet to feed: after the counted feed, replays of random packets until the time is up (all refused). */
static int next_feed(unsigned *seed)
{
    int i = atomic_fetch_add(&g_feed, 1);
    return i < 2 * g_packets ? i / 2 : (int)(rand_r(seed) % (unsigned)g_packets);
}

static void *rx_thread(void *arg)
{
    bool batched = ((uintptr_t)arg & 1) != 0;
    unsigned seed = 99 + (unsigned)(uintptr_t)arg;
    uint8_t copy[BATCH][PACKET_SIZE + 24];
    OvpnDco_Driver_RxDatagram batch[BATCH];
    while (!atomic_load(&g_stop)) {
        int count = batched ? BATCH : 1;
        for (int j = 0; j < count; j++) {
            int k = next_feed(&seed);
            int peer = k % g_peers;
            memcpy(copy[j], g_wire + (size_t)k * (size_t)g_wire_len, (size_t)g_wire_len);
            batch[j].Data = copy[j];
            batch[j].Length = g_wire_len;
            sockaddr4((uint8_t *)&batch[j].From, (uint8_t)(2 + peer), (uint16_t)(20000 + peer));
        }
        if (batched)
            ovpn_dco_transport_receive_batch(g_dev, batch, count);
        else
            ovpn_dco_transport_receive(g_dev, copy[0], g_wire_len, &batch[0].From);
    }
    return NULL;
}

static void *tx_thread(void *arg)
{
    bool batched = ((uintptr_t)arg & 1) != 0;
    unsigned seed = (unsigned)(uintptr_t)arg;
    uint8_t pkt[BATCH][PACKET_SIZE];
    OvpnDco_Driver_TxPacket batch[BATCH];
    while (!atomic_load(&g_stop)) {
        int count = batched ? BATCH : 1;
        for (int j = 0; j < count; j++) {
            int target = g_mp ? (int)(rand_r(&seed) % (MAIN_PEERS + EXTRA_PEERS)) : 0;
            uint8_t dst = (uint8_t)(target < MAIN_PEERS ? 2 + target : 100 + (target - MAIN_PEERS));
            ip_packet(pkt[j], PACKET_SIZE, 1, dst, 0xFFFFFFFFu);
            batch[j].Data = pkt[j];
            batch[j].Length = PACKET_SIZE;
        }
        if (batched)
            ovpn_dco_adapter_transmit_batch(g_dev, batch, count);
        else
            ovpn_dco_adapter_transmit(g_dev, pkt[0], PACKET_SIZE);
    }
    return NULL;
}

/* MP_ADD_IROUTE / MP_DEL_IROUTE of 10.<peer>.0.0/16 for <peer> (OVPN_MP_IROUTE: address, netbits, peer id, IPv6). */
static void iroute(uint32_t fn, int32_t peer)
{
    uint8_t r[28];
    int32_t bits = 16;
    memset(r, 0, sizeof r);
    r[0] = 10;
    r[1] = (uint8_t)peer;
    memcpy(r + 16, &bits, 4);
    memcpy(r + 20, &peer, 4);
    ioctl_in(fn, r, sizeof r);
}

static void *control_thread(void *arg)
{
    (void)arg;
    uint8_t stats[STATS_SIZE];
    int32_t returned;
    unsigned seed = 7;
    for (long round = 0; !atomic_load(&g_stop); round++) {
        int peer = g_mp ? (int)(round % MAIN_PEERS) : 0;
        /* key 0 stays installed, moving between the slots; key 1 is replaced every other round */
        new_key(peer, 1, 1); /* secondary */
        if (g_mp) {
            ioctl_in(MP_SWAP_KEYS, &peer, 4);
            ioctl_in(MP_SWAP_KEYS, &peer, 4);
        } else {
            ioctl_in(SWAP_KEYS, NULL, 0);
            ioctl_in(SWAP_KEYS, NULL, 0);
        }
        int32_t keepalive[4] = { peer, 1 + (int32_t)(round % 3), 60, 0 };
        if (g_mp)
            ioctl_in(MP_SET_PEER, keepalive, 16);
        else
            ioctl_in(SET_PEER, keepalive + 1, 12);
        if (g_mp) {
            int extra = MAIN_PEERS + (int)(rand_r(&seed) % EXTRA_PEERS);
            if (mp_new_peer(extra, (uint8_t)(100 + extra - MAIN_PEERS)) == 0) {
                new_key(extra, 0, 0);
                iroute(MP_ADD_IROUTE, extra);
                int32_t expire_soon[4] = { extra, 0, 1, 0 }; /* timeout 1 s: the timer deletes it */
                ioctl_in(MP_SET_PEER, expire_soon, 16);
            }
            int victim = MAIN_PEERS + (int)(rand_r(&seed) % EXTRA_PEERS);
            if (rand_r(&seed) % 2) {
                iroute(MP_DEL_IROUTE, victim);
            } else {
                ioctl_in(MP_DEL_PEER, &victim, 4);
            }
        }
        ovpn_dco_on_timer(g_dev);
        ovpn_dco_ioctl(g_dev, IOCTL(GET_STATS), NULL, 0, stats, sizeof stats, &returned, false);
        atomic_fetch_add(&g_control_ops, 1);
    }
    return NULL;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "p2p") != 0 && strcmp(argv[1], "mp") != 0)) {
        fprintf(stderr, "usage: stress_concurrency <p2p|mp> <milliseconds> <rx threads> <tx threads>\n");
        return 2;
    }
    g_mp = strcmp(argv[1], "mp") == 0;
    int64_t duration = atoll(argv[2]);
    int nrx = atoi(argv[3]), ntx = atoi(argv[4]);
    g_peers = g_mp ? MAIN_PEERS : 1;
    g_packets = 40000;

    struct ovpn_host_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.transport_send = host_send;
    ops.adapter_deliver = host_deliver;
    ops.transport_open = host_ok_open;
    ops.transport_listen = host_ok_listen;
    ovpn_host_set_ops(&ops);
    g_dev = ovpn_dco_create(1);
    if (g_dev == NULL)
        return 3;

    if (g_mp) {
        int32_t mode = 1;
        uint8_t start[32];
        memset(start, 0, sizeof start);
        sockaddr4(start, 1, 1194);
        if (ioctl_in(SET_MODE, &mode, 4) != 0 || ioctl_in(MP_START_VPN, start, sizeof start) != 0)
            return 4;
        for (int i = 0; i < MAIN_PEERS; i++)
            if (mp_new_peer(i, (uint8_t)(2 + i)) != 0 || new_key(i, 0, 0) != 0)
                return 5;
    } else {
        uint8_t peer[60];
        memset(peer, 0, sizeof peer);
        sockaddr4(peer, 1, 1194);
        sockaddr4(peer + 28, 2, 20000);
        if (ioctl_in(NEW_PEER, peer, sizeof peer) != 0 || new_key(0, 0, 0) != 0 || ioctl_in(START_VPN, NULL, 0) != 0)
            return 4;
    }

    /* packet k: peer k % g_peers, packet id k / g_peers + 1, payload seq k */
    g_wire_len = PACKET_SIZE + 24;
    g_wire = malloc((size_t)g_packets * (size_t)g_wire_len);
    if (g_wire == NULL)
        return 6;
    for (int k = 0; k < g_packets; k++) {
        uint8_t plain[PACKET_SIZE];
        int peer = k % g_peers;
        ip_packet(plain, PACKET_SIZE, (uint8_t)(2 + peer), 1, (uint32_t)k);
        if (seal(peer, 0, (uint32_t)(k / g_peers + 1), plain, PACKET_SIZE, g_wire + (size_t)k * (size_t)g_wire_len) < 0)
            return 7;
    }

    pthread_t threads[64];
    int n = 0;
    for (int i = 0; i < nrx && n < 60; i++)
        pthread_create(&threads[n++], NULL, rx_thread, (void *)(uintptr_t)i);
    for (int i = 0; i < ntx && n < 62; i++)
        pthread_create(&threads[n++], NULL, tx_thread, (void *)(uintptr_t)(i + 2));
    pthread_create(&threads[n++], NULL, control_thread, NULL);
    /* run for the time given, and at least until the feed is done and the control thread made 20 rounds */
    int64_t end = now_ms() + duration;
    while (now_ms() < end || atomic_load(&g_feed) < 2 * g_packets || atomic_load(&g_control_ops) < 20) {
        struct timespec pause = { 0, 5 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    atomic_store(&g_stop, true);
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);

    uint8_t stats[STATS_SIZE];
    int32_t returned = 0;
    ovpn_dco_ioctl(g_dev, IOCTL(GET_STATS), NULL, 0, stats, sizeof stats, &returned, false);
    int32_t received;
    memcpy(&received, stats + 16, 4);
    long delivered = atomic_load(&g_delivered);
    long too_old = 0;
    for (int k = 0; k < g_packets; k++)
        if (!atomic_load(&g_seen[k]))
            too_old++;
    if (atomic_load(&g_dup_delivered) != 0)
        fail("a packet was delivered twice");
    if (atomic_load(&g_tx_dup_pid) != 0)
        fail("two tx packets of one key carried the same packet id");
    if (received != (int32_t)delivered)
        fail("ReceivedDataPackets differs from what the adapter got");
    if (too_old > g_packets / 100)
        fail("more than 1% of the packets were refused as too old");
    ovpn_dco_destroy(g_dev);
    free(g_wire);
    printf("%s delivered=%ld too_old=%ld refused=%ld tx=%ld control_ops=%ld live_allocations=%lld\n",
           argv[1], delivered, too_old, (long)atomic_load(&g_feed) - delivered, atomic_load(&g_tx),
           atomic_load(&g_control_ops), (long long)ovpn_hosted_mem_live(0));
    if (g_failure[0] != 0) {
        fprintf(stderr, "stress_concurrency: %s\n", g_failure);
        return 1;
    }
    return ovpn_hosted_mem_live(0) == 0 ? 0 : 1;
}
