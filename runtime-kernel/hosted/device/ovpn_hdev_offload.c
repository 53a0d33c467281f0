/*
 * ovpn_hdev_offload.c - the TUN offloads of the hosted device in user space: checksum completion and TCP segmentation of
 * the super-packets the kernel hands a TUN device with IFF_VNET_HDR + TUNSETOFFLOAD (see ovpn_hdev_offload.h).
 */
#include "ovpn_hdev_offload.h"

#include <stdbool.h>
#include <string.h>

#define TCP_FIN 0x01
#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define TCP_CWR 0x80
#define IPPROTO_TCP_NUMBER 6
#define UDP_CSUM_OFFSET 6

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

uint32_t ovpn_csum_add(uint32_t sum, const uint8_t *data, size_t length)
{
    /* Native-order 32-bit words into a 64-bit accumulator (carries pile up in the high half, folded once). The
     * ones'-complement sum of native-order words is the big-endian sum byte-swapped (RFC 1071, 2.B): swap once. */
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 4 <= length; i += 4) {
        uint32_t w;
        memcpy(&w, data + i, 4);
        acc += w;
    }
    if (i + 2 <= length) {
        uint16_t w;
        memcpy(&w, data + i, 2);
        acc += w;
        i += 2;
    }
    if (i < length) {
        const uint8_t last[2] = { data[i], 0 }; /* an odd byte is the high half of a word padded with zero */
        uint16_t w;
        memcpy(&w, last, 2);
        acc += w;
    }
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    uint32_t folded = (uint32_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    folded = ((folded >> 8) | (folded << 8)) & 0xFFFF;
#endif
    sum += folded;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return sum;
}

uint16_t ovpn_csum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/*
 * NEEDS_CSUM without segmentation: the field at csum_start + csum_offset holds the pseudo-header sum the kernel
 * seeded; the checksum is that plus everything from csum_start on.
 */
static int complete_checksum(const struct ovpn_vnet_hdr *h, uint8_t *packet, int32_t length)
{
    int32_t field = (int32_t)h->csum_start + h->csum_offset;
    if (field + 2 > length)
        return -1;
    uint16_t c = ovpn_csum_finish(ovpn_csum_add(0, packet + h->csum_start, (size_t)(length - h->csum_start)));
    if (c == 0 && h->csum_offset == UDP_CSUM_OFFSET)
        c = 0xFFFF; /* UDP: 0 means "no checksum" (RFC 768) */
    put16(packet + field, c);
    return 0;
}

/* The sum of a TCP segment's pseudo-header: the IP addresses, the protocol and the TCP length (not folded). */
static uint32_t tcp_pseudo_sum(const uint8_t *packet, bool v6, uint32_t tcp_length)
{
    uint32_t sum = v6 ? ovpn_csum_add(0, packet + 8, 32) : ovpn_csum_add(0, packet + 12, 8);
    return sum + IPPROTO_TCP_NUMBER + tcp_length; /* both < 2^16: the pseudo-header's protocol and length words */
}

/* The IPv4 header checksum of `packet`, whose header is `ihl` bytes, written in place. */
static void ipv4_header_checksum(uint8_t *packet, int32_t ihl)
{
    packet[10] = packet[11] = 0;
    put16(packet + 10, ovpn_csum_finish(ovpn_csum_add(0, packet, (size_t)ihl)));
}

/* The TCP checksum of a segment, from scratch: pseudo-header + header + payload. */
static void tcp_checksum(uint8_t *segment, int32_t l4, int32_t length, bool v6)
{
    uint32_t tcp_length = (uint32_t)(length - l4);
    segment[l4 + 16] = segment[l4 + 17] = 0;
    uint32_t sum = ovpn_csum_add(tcp_pseudo_sum(segment, v6, tcp_length), segment + l4, tcp_length);
    put16(segment + l4 + 16, ovpn_csum_finish(sum));
}

/* Cuts a TCP super-packet (TSO4/TSO6) into segments of gso_size payload bytes. */
static int split_tcp(const struct ovpn_vnet_hdr *h, const uint8_t *packet, int32_t length,
                     uint8_t *(*next_buffer)(void *ctx), int32_t capacity, ovpn_gso_emit_fn emit, void *ctx)
{
    bool v6 = (h->gso_type & ~OVPN_VNET_GSO_ECN) == OVPN_VNET_GSO_TCPV6;
    int32_t l4 = h->csum_start;
    if (length < 40 || (packet[0] >> 4) != (v6 ? 6 : 4))
        return -1;
    if (v6) {
        if (l4 != 40 || packet[6] != IPPROTO_TCP_NUMBER) /* extension headers are not segmented here */
            return -1;
    } else if (l4 != (packet[0] & 15) * 4 || l4 < 20 || packet[9] != IPPROTO_TCP_NUMBER) {
        return -1;
    }
    if (l4 + 20 > length)
        return -1;
    int32_t header = l4 + (packet[l4 + 12] >> 4) * 4;
    int32_t mss = h->gso_size;
    if (header < l4 + 20 || header > length || mss == 0 || header + mss > capacity)
        return -1;
    int32_t payload = length - header;
    uint32_t seq = get32(packet + l4 + 4);
    uint16_t id = v6 ? 0 : get16(packet + 4);
    uint8_t flags = packet[l4 + 13];
    int emitted = 0;
    for (int32_t offset = 0; offset < payload || offset == 0; offset += mss) {
        int32_t chunk = payload - offset < mss ? payload - offset : mss;
        bool last = offset + mss >= payload;
        uint8_t *s = next_buffer(ctx);
        if (s == NULL)
            return emitted;
        memcpy(s, packet, (size_t)header);
        memcpy(s + header, packet + header + offset, (size_t)chunk);
        int32_t size = header + chunk;
        if (v6) {
            put16(s + 4, (uint32_t)(size - 40));
        } else {
            put16(s + 2, (uint32_t)size);
            put16(s + 4, (uint16_t)(id + emitted)); /* as the kernel's own TSO: consecutive ids */
            ipv4_header_checksum(s, l4);
        }
        put32(s + l4 + 4, seq + (uint32_t)offset);
        uint8_t f = flags;
        if (!last)
            f &= (uint8_t)~(TCP_FIN | TCP_PSH); /* FIN and PSH belong to the last segment */
        if (emitted > 0)
            f &= (uint8_t)~TCP_CWR;             /* CWR (TSO_ECN) to the first */
        s[l4 + 13] = f;
        tcp_checksum(s, l4, size, v6);
        emitted++;
        if (emit(ctx, s, size) != 0)
            return emitted;
    }
    return emitted;
}

int ovpn_gso_split(const struct ovpn_vnet_hdr *h, uint8_t *packet, int32_t length,
                   uint8_t *(*next_buffer)(void *ctx), int32_t segment_capacity, ovpn_gso_emit_fn emit, void *ctx)
{
    if (length <= 0)
        return -1;
    switch (h->gso_type & ~OVPN_VNET_GSO_ECN) {
    case OVPN_VNET_GSO_NONE:
        if ((h->flags & OVPN_VNET_F_NEEDS_CSUM) != 0 && complete_checksum(h, packet, length) != 0)
            return -1;
        emit(ctx, packet, length);
        return 1;
    case OVPN_VNET_GSO_TCPV4:
    case OVPN_VNET_GSO_TCPV6:
        return split_tcp(h, packet, length, next_buffer, segment_capacity, emit, ctx);
    default:
        return -1; /* UDP segmentation offload is not enabled, so nothing else should come */
    }
}

/* ---- receive: joining segments ------------------------------------------------------------------------------ */

/* The transport offset of a TCP segment that may start or join a super-packet (0: it may not). */
static int32_t joinable_tcp(const uint8_t *p, int32_t length, bool *v6)
{
    int32_t l4;
    if (length < 40)
        return 0;
    if ((p[0] >> 4) == 4) {
        /* no IP options, not a fragment, the whole datagram */
        if (p[0] != 0x45 || p[9] != IPPROTO_TCP_NUMBER || (get16(p + 6) & 0x3FFF) != 0 || get16(p + 2) != length)
            return 0;
        l4 = 20;
        *v6 = false;
    } else if ((p[0] >> 4) == 6) {
        if (length < 60 || p[6] != IPPROTO_TCP_NUMBER || get16(p + 4) + 40 != length)
            return 0;
        l4 = 40;
        *v6 = true;
    } else {
        return 0;
    }
    int32_t header = l4 + (p[l4 + 12] >> 4) * 4;
    if (header < l4 + 20 || header >= length)  /* a payload is needed */
        return 0;
    if ((p[l4 + 13] & ~TCP_PSH) != TCP_ACK)    /* no SYN, FIN, RST, URG, ECE, CWR */
        return 0;
    uint32_t tcp_length = (uint32_t)(length - l4);
    if (ovpn_csum_finish(ovpn_csum_add(tcp_pseudo_sum(p, *v6, tcp_length), p + l4, tcp_length)) != 0)
        return 0;                                /* a bad checksum: the kernel will drop it as it came */
    return l4;
}

/* Whether a segment continues the held packet exactly. */
static bool continues(const struct ovpn_gro *g, const uint8_t *p, int32_t length, int32_t l4, bool v6)
{
    const uint8_t *h = g->buf;
    int32_t header = l4 + (p[l4 + 12] >> 4) * 4;
    int32_t payload = length - header;
    if (g->closed || v6 != (g->v6 != 0) || header != g->header || payload > g->seg || g->len + payload > OVPN_GRO_CAPACITY)
        return false;
    if (v6) {
        /* version/class/flow label, next header/hop limit, addresses */
        if (memcmp(p, h, 4) != 0 || memcmp(p + 6, h + 6, 34) != 0)
            return false;
    } else if (memcmp(p, h, 2) != 0 || memcmp(p + 6, h + 6, 4) != 0 || memcmp(p + 12, h + 12, 8) != 0) {
        return false; /* version/IHL/TOS, flags/fragment/TTL/protocol, addresses (not length, id, checksum) */
    }
    /* ports, acknowledgement, data offset; window; options (the segment's flags were checked: ACK, maybe PSH) */
    return memcmp(p + l4, h + l4, 4) == 0 && memcmp(p + l4 + 8, h + l4 + 8, 5) == 0 &&
           memcmp(p + l4 + 14, h + l4 + 14, 2) == 0 && memcmp(p + l4 + 20, h + l4 + 20, (size_t)(header - l4 - 20)) == 0 &&
           get32(p + l4 + 4) == g->next_seq;
}

void ovpn_gro_flush(struct ovpn_gro *g, ovpn_gro_write_fn write, void *ctx)
{
    static const struct ovpn_vnet_hdr plain;
    if (g->len == 0)
        return;
    uint8_t *p = g->buf;
    if (g->count == 1) {
        write(ctx, &plain, p, g->len);
        g->len = 0;
        return;
    }
    int32_t l4 = g->l4;
    if (g->v6) {
        put16(p + 4, (uint32_t)(g->len - 40));
    } else {
        put16(p + 2, (uint32_t)g->len);
        ipv4_header_checksum(p, 20);
    }
    /* NEEDS_CSUM: the field holds the pseudo-header sum, as the kernel's own GSO packets do */
    uint32_t sum = tcp_pseudo_sum(p, g->v6 != 0, (uint32_t)(g->len - l4));
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    put16(p + l4 + 16, sum);
    struct ovpn_vnet_hdr h = {
        .flags = OVPN_VNET_F_NEEDS_CSUM,
        .gso_type = g->v6 ? OVPN_VNET_GSO_TCPV6 : OVPN_VNET_GSO_TCPV4,
        .hdr_len = (uint16_t)g->header,
        .gso_size = (uint16_t)g->seg,
        .csum_start = (uint16_t)l4,
        .csum_offset = 16,
    };
    write(ctx, &h, p, g->len);
    g->len = 0;
}

void ovpn_gro_offer(struct ovpn_gro *g, const uint8_t *packet, int32_t length, ovpn_gro_write_fn write, void *ctx)
{
    static const struct ovpn_vnet_hdr plain;
    bool v6 = false;
    int32_t l4 = joinable_tcp(packet, length, &v6);
    if (l4 != 0 && g->len != 0 && continues(g, packet, length, l4, v6)) {
        int32_t header = g->header, payload = length - header;
        memcpy(g->buf + g->len, packet + header, (size_t)payload);
        g->len += payload;
        g->count++;
        g->next_seq += (uint32_t)payload;
        if ((packet[l4 + 13] & TCP_PSH) != 0)
            g->buf[l4 + 13] |= TCP_PSH;
        if (payload < g->seg || (packet[l4 + 13] & TCP_PSH) != 0)
            g->closed = 1;
        return;
    }
    ovpn_gro_flush(g, write, ctx);
    if (l4 == 0) {
        write(ctx, &plain, packet, length);
        return;
    }
    memcpy(g->buf, packet, (size_t)length);
    g->len = length;
    g->l4 = l4;
    g->header = l4 + (packet[l4 + 12] >> 4) * 4;
    g->seg = length - g->header;
    g->count = 1;
    g->next_seq = get32(packet + l4 + 4) + (uint32_t)g->seg;
    g->v6 = v6;
    g->closed = (packet[l4 + 13] & TCP_PSH) != 0;
}
