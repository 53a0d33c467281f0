/*
 * ovpn_hdev_offload.h - TUN offloads of the hosted device: what the kernel leaves to a TUN reader once the interface
 * has IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN), done in user space.
 *
 * With those offloads the kernel's TCP stack hands the TUN device one super-packet of up to 64 KiB per send instead
 * of one packet per MSS, and skips the checksums: each read starts with a virtio_net_hdr saying which segmentation
 * (gso_type, gso_size) and which checksum (csum_start, csum_offset) are still to do. The OpenVPN data channel carries
 * ordinary IP packets, so before the driver seals anything the super-packet is cut into MSS-sized TCP segments, each
 * with its own IP and TCP header and full checksums: what goes into the tunnel is what the kernel would have sent
 * without offloads, and any peer (OpenVPN included) receives plain packets.
 */
#ifndef OVPN_HDEV_OFFLOAD_H
#define OVPN_HDEV_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

/* struct virtio_net_hdr (linux/virtio_net.h), in host byte order as TUNSETVNETHDRSZ 10 on a little-endian host. */
struct ovpn_vnet_hdr {
    uint8_t flags;          /* OVPN_VNET_F_NEEDS_CSUM: the checksum at csum_start + csum_offset is to be completed */
    uint8_t gso_type;       /* OVPN_VNET_GSO_* (| OVPN_VNET_GSO_ECN) */
    uint16_t hdr_len;       /* a hint: the header length of each segment */
    uint16_t gso_size;      /* the payload bytes of each segment (the MSS) */
    uint16_t csum_start;    /* where the transport header starts */
    uint16_t csum_offset;   /* the checksum field, from csum_start */
};

#define OVPN_VNET_HDR_LEN 10
#define OVPN_VNET_F_NEEDS_CSUM 1
#define OVPN_VNET_GSO_NONE 0
#define OVPN_VNET_GSO_TCPV4 1
#define OVPN_VNET_GSO_TCPV6 4
#define OVPN_VNET_GSO_ECN 0x80

/*
 * Receives one packet ready for the driver: `data` is the IP packet, `length` its size. Returns 0 to go on, non-zero
 * to stop (the splitter then returns what it emitted so far).
 */
typedef int (*ovpn_gso_emit_fn)(void *ctx, uint8_t *data, int32_t length);

/*
 * The packets one TUN read stands for. `packet`/`length`: the read after its virtio_net_hdr `h`. A packet without
 * segmentation is passed on in place (its checksum completed first when the kernel left it, NEEDS_CSUM); a TCP
 * super-packet is cut into segments, each built by `next_buffer(ctx)` (a buffer of at least `segment_capacity`
 * bytes) and handed to `emit`. Returns the number of packets emitted, or -1 when the packet is not what its header
 * says (truncated headers, an unknown gso_type, segments larger than `segment_capacity`): nothing is emitted for it.
 */
int ovpn_gso_split(const struct ovpn_vnet_hdr *h, uint8_t *packet, int32_t length,
                   uint8_t *(*next_buffer)(void *ctx), int32_t segment_capacity, ovpn_gso_emit_fn emit, void *ctx);

/*
 * The receive side: consecutive TCP segments of one flow that the driver delivers in one batch are joined into one
 * super-packet and written to the TUN device once, with a virtio_net_hdr saying GSO TCPV4/TCPV6 (gso_size = the
 * first segment's payload) and NEEDS_CSUM: the kernel's TCP receive path then runs once per super-packet, as it does
 * for a NIC's GRO, and acknowledges accordingly. Segments join only when they continue the held one exactly (same
 * addresses, ports, acknowledgement, window, TCP options and IP fields; the next sequence number; only ACK/PSH set;
 * a checksum that verifies, since the kernel will not verify it again) and the first segment's payload size is kept
 * until a shorter or PSH segment closes the packet. Anything else is written as it came.
 */
typedef void (*ovpn_gro_write_fn)(void *ctx, const struct ovpn_vnet_hdr *h, const uint8_t *packet, int32_t length);

struct ovpn_gro {
    uint8_t *buf;          /* OVPN_GRO_CAPACITY bytes */
    int32_t len;           /* bytes held; 0: nothing */
    int32_t l4;            /* transport header offset */
    int32_t header;        /* IP + TCP header length */
    int32_t seg;           /* payload bytes of the first segment: the gso_size */
    int32_t count;         /* segments held */
    uint32_t next_seq;     /* the sequence number a joining segment must have */
    uint8_t v6;
    uint8_t closed;        /* a short or PSH segment was joined: nothing may follow it */
};

#define OVPN_GRO_CAPACITY 65535 /* an IP packet's largest size */

/* Offers one received IP packet: joined to the held one, or the held one written and this one held (or written). */
void ovpn_gro_offer(struct ovpn_gro *g, const uint8_t *packet, int32_t length, ovpn_gro_write_fn write, void *ctx);

/* Writes what is held (at the end of a receive batch). */
void ovpn_gro_flush(struct ovpn_gro *g, ovpn_gro_write_fn write, void *ctx);

/* The Internet checksum (RFC 1071) of `length` bytes, folded, not complemented, added to `sum`. */
uint32_t ovpn_csum_add(uint32_t sum, const uint8_t *data, size_t length);

/* ~fold(sum): the value a checksum field holds. */
uint16_t ovpn_csum_finish(uint32_t sum);

#endif
