/*
 * tun_offload_test.c - the hosted device's TUN offload code (runtime-kernel/hosted/device/ovpn_hdev_offload.c) against
 * hand-built super-packets, checked with a plain RFC 1071 checksum written here (16-bit big-endian words, no tricks).
 * Run by tests/OvpnDco.Native.Tests/TunOffloadTests.cs; prints "ok <checks>" or the first failure and exits 1.
 */
#define _POSIX_C_SOURCE 200809L
#include "ovpn_hdev_offload.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_checks;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        g_checks++;                                                                                                    \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "line %d: ", __LINE__);                                                                    \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fprintf(stderr, "\n");                                                                                     \
            exit(1);                                                                                                   \
        }                                                                                                              \
    } while (0)

static uint32_t naive_sum(uint32_t sum, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)(d[i] << 8) | (i + 1 < n ? d[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return sum;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xFFFF); }

/* A transport checksum is valid when the sum over pseudo-header + segment (field included) folds to 0xFFFF. */
static bool l4_valid(const uint8_t *s, int l4, int len, bool v6, int proto)
{
    uint32_t sum = v6 ? naive_sum(0, s + 8, 32) : naive_sum(0, s + 12, 8);
    sum += (uint32_t)proto + (uint32_t)(len - l4);
    return naive_sum(sum, s + l4, (size_t)(len - l4)) == 0xFFFF;
}

/* ---- the splitter's consumer: segments into a pool, recorded in order ---- */
#define POOL 64
#define CAP 2048
struct sink {
    uint8_t pool[POOL][CAP];
    int next;
    uint8_t *data[POOL * 2];
    int32_t len[POOL * 2];
    int count;
};

static uint8_t *next_buffer(void *ctx)
{
    struct sink *k = ctx;
    return k->next < POOL ? k->pool[k->next++] : NULL;
}

static int emit(void *ctx, uint8_t *data, int32_t length)
{
    struct sink *k = ctx;
    k->data[k->count] = data;
    k->len[k->count] = length;
    k->count++;
    return 0;
}

/* A TCP super-packet: IPv4 (v6 false) or IPv6 header, a TCP header with 12 bytes of options (timestamps), payload. */
static int build_tcp(uint8_t *p, bool v6, int payload, uint8_t flags)
{
    int l4 = v6 ? 40 : 20, thl = 32, len = l4 + thl + payload;
    memset(p, 0, (size_t)len);
    if (v6) {
        p[0] = 0x60;
        put16(p + 4, (unsigned)(len - 40));
        p[6] = 6;
        p[7] = 64;
        for (int i = 0; i < 16; i++) {
            p[8 + i] = (uint8_t)(0xfd + i);
            p[24 + i] = (uint8_t)(0x20 + i);
        }
    } else {
        p[0] = 0x45;
        put16(p + 2, (unsigned)len);
        put16(p + 4, 0x1234);
        p[6] = 0x40; /* DF */
        p[8] = 64;
        p[9] = 6;
        memcpy(p + 12, (uint8_t[]){ 10, 8, 0, 1, 10, 8, 0, 2 }, 8);
    }
    put16(p + l4, 40000);
    put16(p + l4 + 2, 5201);
    put32(p + l4 + 4, 0xFFFFF000u); /* the sequence number wraps inside the packet */
    put32(p + l4 + 8, 777);
    p[l4 + 12] = (uint8_t)((thl / 4) << 4);
    p[l4 + 13] = flags;
    put16(p + l4 + 14, 512);
    memcpy(p + l4 + 20, (uint8_t[]){ 1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 9 }, 12);
    for (int i = 0; i < payload; i++)
        p[l4 + thl + i] = (uint8_t)(i * 7 + 3);
    return len;
}

static void split_tcp_case(bool v6, int payload, int mss)
{
    static uint8_t super[70000];
    static struct sink k;
    memset(&k, 0, sizeof k);
    const uint8_t flags = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
    int len = build_tcp(super, v6, payload, flags);
    int l4 = v6 ? 40 : 20, hdr = l4 + 32;
    struct ovpn_vnet_hdr h = { OVPN_VNET_F_NEEDS_CSUM, (uint8_t)((v6 ? OVPN_VNET_GSO_TCPV6 : OVPN_VNET_GSO_TCPV4) | OVPN_VNET_GSO_ECN),
                               (uint16_t)hdr, (uint16_t)mss, (uint16_t)l4, 16 };
    int n = ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k);
    int expected = (payload + mss - 1) / mss;
    CHECK(n == expected && k.count == expected, "v6=%d payload=%d mss=%d: %d segments, expected %d", v6, payload, mss, n, expected);
    int offset = 0;
    for (int i = 0; i < n; i++) {
        const uint8_t *s = k.data[i];
        int chunk = payload - offset < mss ? payload - offset : mss;
        bool last = i == n - 1;
        CHECK(k.len[i] == hdr + chunk, "segment %d: length %d, expected %d", i, k.len[i], hdr + chunk);
        if (v6) {
            CHECK(get16(s + 4) == hdr + chunk - 40, "segment %d: IPv6 payload length %u", i, get16(s + 4));
            CHECK(memcmp(s + 8, super + 8, 32) == 0, "segment %d: addresses changed", i);
        } else {
            CHECK(get16(s + 2) == hdr + chunk, "segment %d: IPv4 total length %u", i, get16(s + 2));
            CHECK(get16(s + 4) == (uint16_t)(0x1234 + i), "segment %d: IPv4 id %x", i, get16(s + 4));
            CHECK(naive_sum(0, s, 20) == 0xFFFF, "segment %d: IPv4 header checksum", i);
            CHECK(s[6] == 0x40 && s[8] == 64 && s[9] == 6, "segment %d: IPv4 flags/ttl/protocol changed", i);
        }
        CHECK(get32(s + l4 + 4) == 0xFFFFF000u + (uint32_t)offset, "segment %d: sequence number %x", i, get32(s + l4 + 4));
        CHECK(get32(s + l4 + 8) == 777 && get16(s + l4) == 40000 && get16(s + l4 + 2) == 5201, "segment %d: ports/ack", i);
        uint8_t f = s[l4 + 13];
        CHECK(((f & 0x01) != 0) == last && ((f & 0x08) != 0) == last, "segment %d: FIN/PSH %02x (last %d)", i, f, last);
        CHECK(((f & 0x80) != 0) == (i == 0) && (f & 0x10) != 0, "segment %d: CWR/ACK %02x", i, f);
        CHECK(memcmp(s + l4 + 20, super + l4 + 20, 12) == 0, "segment %d: TCP options changed", i);
        CHECK(memcmp(s + hdr, super + hdr + offset, (size_t)chunk) == 0, "segment %d: payload bytes", i);
        CHECK(l4_valid(s, l4, k.len[i], v6, 6), "segment %d: TCP checksum %04x invalid", i, get16(s + l4 + 16));
        offset += chunk;
    }
}

static void checksum_matches_naive(void)
{
    uint8_t buf[1601];
    unsigned seed = 7;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(rand_r(&seed) % sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rand_r(&seed);
        uint32_t start = (uint32_t)(rand_r(&seed) % 0x1FFFF);
        uint32_t a = ovpn_csum_add(start, buf, n), b = naive_sum(start, buf, n);
        /* both folded to 16 bits; 0 and 0xFFFF are the same ones'-complement number */
        CHECK(a == b || (a % 0xFFFF) == (b % 0xFFFF), "length %zu start %x: %x vs naive %x", n, start, a, b);
    }
}

/* NEEDS_CSUM without GSO: a UDP datagram whose checksum field holds only the pseudo-header sum is completed in place. */
static void completes_partial_udp_checksum(void)
{
    uint8_t p[20 + 8 + 333];
    static struct sink k;
    memset(&k, 0, sizeof k);
    memset(p, 0, sizeof p);
    p[0] = 0x45;
    put16(p + 2, sizeof p);
    p[8] = 64;
    p[9] = 17;
    memcpy(p + 12, (uint8_t[]){ 10, 8, 0, 1, 10, 8, 0, 2 }, 8);
    put16(p + 20, 5000);
    put16(p + 22, 5201);
    put16(p + 24, 8 + 333);
    for (int i = 0; i < 333; i++)
        p[28 + i] = (uint8_t)(i ^ 0x5a);
    uint32_t pseudo = naive_sum(0, p + 12, 8) + 17 + (8 + 333);
    while (pseudo >> 16)
        pseudo = (pseudo & 0xFFFF) + (pseudo >> 16);
    put16(p + 26, pseudo); /* the kernel's seed: not complemented */
    struct ovpn_vnet_hdr h = { OVPN_VNET_F_NEEDS_CSUM, OVPN_VNET_GSO_NONE, 0, 0, 20, 6 };
    int n = ovpn_gso_split(&h, p, sizeof p, next_buffer, CAP, emit, &k);
    CHECK(n == 1 && k.count == 1 && k.data[0] == p && k.len[0] == (int32_t)sizeof p, "a plain packet is passed on in place");
    CHECK(l4_valid(p, 20, sizeof p, false, 17), "UDP checksum %04x not completed", get16(p + 26));
}

static void refuses_malformed(void)
{
    static uint8_t super[70000];
    static struct sink k;
    int len = build_tcp(super, false, 5000, 0x10);
    struct ovpn_vnet_hdr h = { OVPN_VNET_F_NEEDS_CSUM, OVPN_VNET_GSO_TCPV4, 52, 1448, 24, 16 }; /* csum_start != IHL */
    memset(&k, 0, sizeof k);
    CHECK(ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "transport offset != IHL");
    h.csum_start = 20;
    h.gso_type = 5; /* UDP_L4: never asked for */
    CHECK(ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "unknown gso_type");
    h.gso_type = OVPN_VNET_GSO_TCPV4;
    h.gso_size = 4000; /* a segment larger than a buffer */
    CHECK(ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "segment over capacity");
    h.gso_size = 0;
    CHECK(ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "gso_size 0");
    h.gso_size = 1448;
    CHECK(ovpn_gso_split(&h, super, 30, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "truncated headers");
    h.gso_type = OVPN_VNET_GSO_TCPV6; /* an IPv4 packet said to be IPv6 */
    CHECK(ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k) == -1 && k.count == 0, "wrong IP version");
}

/* ---- receive: joining ---- */
struct written {
    struct ovpn_vnet_hdr h[POOL];
    uint8_t data[POOL][70000];
    int32_t len[POOL];
    int count;
};

static void record(void *ctx, const struct ovpn_vnet_hdr *h, const uint8_t *packet, int32_t length)
{
    struct written *w = ctx;
    w->h[w->count] = *h;
    memcpy(w->data[w->count], packet, (size_t)length);
    w->len[w->count] = length;
    w->count++;
}

/* Split a super-packet (ACK|PSH), offer every segment, flush: one write that is the super-packet again. */
static void joins_what_was_split(bool v6)
{
    static uint8_t super[70000], original[70000];
    static struct sink k;
    static struct written w;
    static uint8_t buf[OVPN_GRO_CAPACITY];
    memset(&k, 0, sizeof k);
    memset(&w, 0, sizeof w);
    int payload = 20000, mss = 1388, l4 = v6 ? 40 : 20;
    int len = build_tcp(super, v6, payload, 0x18);
    memcpy(original, super, (size_t)len);
    struct ovpn_vnet_hdr h = { OVPN_VNET_F_NEEDS_CSUM, (uint8_t)(v6 ? OVPN_VNET_GSO_TCPV6 : OVPN_VNET_GSO_TCPV4), 0,
                               (uint16_t)mss, (uint16_t)l4, 16 };
    int n = ovpn_gso_split(&h, super, len, next_buffer, CAP, emit, &k);
    CHECK(n == 15, "split into %d", n);
    struct ovpn_gro g = { .buf = buf };
    for (int i = 0; i < n; i++)
        ovpn_gro_offer(&g, k.data[i], k.len[i], record, &w);
    CHECK(w.count == 0, "nothing written before the flush (%d)", w.count);
    ovpn_gro_flush(&g, record, &w);
    CHECK(w.count == 1 && w.len[0] == len, "v6=%d: %d writes, length %d (expected 1, %d)", v6, w.count, w.len[0], len);
    const uint8_t *j = w.data[0];
    CHECK(w.h[0].gso_type == (v6 ? OVPN_VNET_GSO_TCPV6 : OVPN_VNET_GSO_TCPV4) && w.h[0].gso_size == mss &&
          w.h[0].flags == OVPN_VNET_F_NEEDS_CSUM && w.h[0].csum_start == l4 && w.h[0].csum_offset == 16 && w.h[0].hdr_len == l4 + 32,
          "the GSO header: type %d size %d flags %d start %d offset %d hdr %d", w.h[0].gso_type, w.h[0].gso_size,
          w.h[0].flags, w.h[0].csum_start, w.h[0].csum_offset, w.h[0].hdr_len);
    CHECK(memcmp(j + l4 + 32, original + l4 + 32, (size_t)payload) == 0, "the payload in order");
    CHECK(get32(j + l4 + 4) == 0xFFFFF000u && (j[l4 + 13] & 0x18) == 0x18, "first sequence number, ACK|PSH");
    if (v6) {
        CHECK(get16(j + 4) == len - 40, "IPv6 payload length");
    } else {
        CHECK(get16(j + 2) == len && naive_sum(0, j, 20) == 0xFFFF, "IPv4 total length and header checksum");
    }
    uint32_t pseudo = (v6 ? naive_sum(0, j + 8, 32) : naive_sum(0, j + 12, 8)) + 6 + (uint32_t)(len - l4);
    while (pseudo >> 16)
        pseudo = (pseudo & 0xFFFF) + (pseudo >> 16);
    CHECK(get16(j + l4 + 16) == pseudo, "NEEDS_CSUM: the field holds the pseudo-header sum (%04x, expected %04x)",
          get16(j + l4 + 16), pseudo);
}

/* Segments that must not join: each is written as it came (or starts a packet of its own). */
static void keeps_apart_what_differs(void)
{
    static uint8_t seg[6][2000];
    static struct written w;
    static uint8_t buf[OVPN_GRO_CAPACITY];
    struct ovpn_gro g = { .buf = buf };
    memset(&w, 0, sizeof w);
    int lens[6];
    for (int i = 0; i < 6; i++) {
        lens[i] = build_tcp(seg[i], false, 1000, 0x10);
        put32(seg[i] + 24, 0x1000u + (uint32_t)(i * 1000));
    }
    put32(seg[2] + 24, 0x1000u + 2 * 1000 + 1); /* a gap: starts its own packet */
    put32(seg[3] + 24, 0x1000u + 3 * 1000 + 1);
    put16(seg[4] + 20, 40001);                  /* another port */
    seg[5][33] = 0x12;                          /* SYN|ACK: never joined */
    for (int i = 0; i < 6; i++) {
        /* full checksums, as a sender's kernel makes them */
        seg[i][36] = seg[i][37] = 0;
        uint32_t sum = naive_sum(0, seg[i] + 12, 8) + 6 + (uint32_t)(lens[i] - 20);
        sum = naive_sum(sum, seg[i] + 20, (size_t)(lens[i] - 20));
        put16(seg[i] + 36, (uint16_t)~sum);
        ovpn_gro_offer(&g, seg[i], lens[i], record, &w);
    }
    ovpn_gro_flush(&g, record, &w);
    /* [0+1] joined, [2+3] joined (contiguous with each other), [4] alone, [5] plain */
    CHECK(w.count == 4, "%d writes, expected 4", w.count);
    CHECK(w.len[0] == lens[0] + 1000 && w.h[0].gso_type == OVPN_VNET_GSO_TCPV4, "the first two joined");
    CHECK(w.len[1] == lens[2] + 1000 && w.h[1].gso_type == OVPN_VNET_GSO_TCPV4, "the next two joined after the gap");
    CHECK(w.len[2] == lens[4] && w.h[2].gso_type == OVPN_VNET_GSO_NONE && memcmp(w.data[2], seg[4], (size_t)lens[4]) == 0,
          "another flow alone, unchanged");
    CHECK(w.len[3] == lens[5] && w.h[3].gso_type == OVPN_VNET_GSO_NONE && memcmp(w.data[3], seg[5], (size_t)lens[5]) == 0,
          "a SYN unchanged");

    /* a bad checksum is never joined (the kernel must see it and drop it) */
    memset(&w, 0, sizeof w);
    seg[1][36] ^= 1;
    ovpn_gro_offer(&g, seg[0], lens[0], record, &w);
    ovpn_gro_offer(&g, seg[1], lens[1], record, &w);
    ovpn_gro_flush(&g, record, &w);
    CHECK(w.count == 2 && w.h[0].gso_type == OVPN_VNET_GSO_NONE && w.h[1].gso_type == OVPN_VNET_GSO_NONE &&
          memcmp(w.data[1], seg[1], (size_t)lens[1]) == 0, "a segment with a bad checksum is written as it came");
}

int main(void)
{
    checksum_matches_naive();
    split_tcp_case(false, 60000, 1388); /* a full 64 KiB-class super-packet at the MSS of MTU 1428 */
    split_tcp_case(false, 5000, 1448);  /* a short last segment */
    split_tcp_case(false, 2896, 1448);  /* an exact multiple */
    split_tcp_case(true, 30000, 1368);
    split_tcp_case(true, 100, 1368);    /* one segment */
    completes_partial_udp_checksum();
    refuses_malformed();
    joins_what_was_split(false);
    joins_what_was_split(true);
    keeps_apart_what_differs();
    printf("ok %d\n", g_checks);
    return 0;
}
