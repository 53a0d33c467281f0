/*
 * kernel_sim_test.c - the transpiled Windows driver (the C of out/kernel, as the WDK compiles it) on a simulated
 * Windows (sim_wdk.c): loaded, two adapters added, a handle on each, and OpenVPN's calls made the way the client
 * makes them: NEW_PEER over UDP and over TCP, NEW_KEY_V2 with AES-256-GCM, START_VPN, SET_PEER, control packets
 * written and read, IP packets through the adapter rings encrypted to the other device and back, GET_STATS, the
 * keepalive timer, a peer that disconnects, a send that fails, a cancelled NEW_PEER, opens that run out of memory,
 * cleanup with requests pending, removal and unload with nothing left.
 * Built with ASan + UBSan; prints "ok <checks>" and exits 0, or names the first failed check and exits 1.
 */
#define _KERNEL_MODE 1
#include "sim_harness.h"

#include "ovpn-dco/uapi.h"

#include <stdio.h>
#include <stdlib.h>

static int checks, failures;

#define CHECK(cond, what)                                                                  \
    do {                                                                                   \
        checks++;                                                                          \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            fprintf(stderr, "FAILED %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
        }                                                                                  \
    } while (0)

static SOCKADDR_IN v4(uint8_t last, uint16_t port)
{
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = (USHORT)((port >> 8) | (port << 8));
    a.sin_addr.s_b[0] = 192;
    a.sin_addr.s_b[1] = 0;
    a.sin_addr.s_b[2] = 2;
    a.sin_addr.s_b[3] = last;
    return a;
}

/* Completes (returns the status of) a request the driver finished, or fails the check when it is still pending. */
static NTSTATUS finished(struct sim_object *r, const char *what)
{
    CHECK(r->request.completed, what);
    NTSTATUS status = r->request.completed ? r->request.status : STATUS_PENDING;
    if (r->request.completed)
        sim_free_request(r);
    return status;
}

static NTSTATUS ioctl(WDFDEVICE d, WDFFILEOBJECT f, ULONG code, const void *in, size_t inLength, const char *what)
{
    return finished(sim_ioctl(d, f, code, in, inLength, 0), what);
}

static OVPN_NEW_PEER peer(uint8_t local, uint8_t remote, OVPN_PROTO proto)
{
    OVPN_NEW_PEER p;
    memset(&p, 0, sizeof p);
    p.Local.Addr4 = v4(local, 1194);
    p.Remote.Addr4 = v4(remote, 1194);
    p.Proto = proto;
    return p;
}

/* AES-256-GCM, key id 0, primary slot: `a` encrypts with key 1 and decrypts with key 2, `b` the other way round. */
static OVPN_CRYPTO_DATA_V2 key(int a)
{
    OVPN_CRYPTO_DATA_V2 k;
    memset(&k, 0, sizeof k);
    OVPN_KEY_DIRECTION one, two;
    memset(&one, 0, sizeof one);
    memset(&two, 0, sizeof two);
    for (int i = 0; i < 32; i++) {
        one.Key[i] = (UCHAR)(0x10 + i);
        two.Key[i] = (UCHAR)(0x80 + i);
    }
    one.KeyLen = two.KeyLen = 32;
    memcpy(one.NonceTail, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    memcpy(two.NonceTail, "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
    k.V1.Encrypt = a ? one : two;
    k.V1.Decrypt = a ? two : one;
    k.V1.KeySlot = OVPN_KEY_SLOT_PRIMARY;
    k.V1.CipherAlg = OVPN_CIPHER_ALG_AES_GCM;
    k.V1.KeyId = 0;
    k.V1.PeerId = 7;
    return k;
}

/* An IPv4/UDP packet 10.8.0.2 -> 10.8.0.1 of `length` bytes, its payload filled from `fill`. */
static size_t ipv4_udp(uint8_t *p, size_t length, uint8_t fill)
{
    memset(p, 0, length);
    p[0] = 0x45;
    p[2] = (uint8_t)(length >> 8);
    p[3] = (uint8_t)length;
    p[8] = 64;
    p[9] = 17;
    p[12] = 10; p[13] = 8; p[15] = 2;
    p[16] = 10; p[17] = 8; p[19] = 1;
    for (size_t i = 20; i < length; i++)
        p[i] = (uint8_t)(fill + i);
    return length;
}

static uint8_t sent[4][1500];
static size_t sent_lengths[4];
static uint8_t got[16][SIM_FRAGMENT_CAPACITY];
static size_t got_lengths[16];
static NET_PACKET got_packets[16];
static NET_PACKET_CHECKSUM got_checksums[16];

/* Three packets from `from`'s adapter arrive, decrypted, at `to`'s adapter, with their layer-4 type and checksums. */
static void traffic(WDFDEVICE from, WDFDEVICE to, int tcp, uint8_t fill)
{
    const uint8_t *packets[3];
    for (int i = 0; i < 3; i++) {
        sent_lengths[i] = ipv4_udp(sent[i], (size_t)(60 + 500 * i), (uint8_t)(fill + i));
        packets[i] = sent[i];
    }
    CHECK(sim_transmit(from, packets, sent_lengths, 3) == 3, "the tx ring returns every packet it was given");
    int carried = tcp ? sim_deliver_stream(7) : sim_deliver_datagrams();
    CHECK(carried >= (tcp ? 100 : 3), "the network carried them (TCP: in 7-byte pieces over chained MDLs)");
    int n = sim_receive(to, got, got_lengths, got_packets, got_checksums, 16);
    CHECK(n == 3, "three packets reached the other adapter");
    for (int i = 0; i < n && i < 3; i++) {
        CHECK(got_lengths[i] == sent_lengths[i] && memcmp(got[i], sent[i], sent_lengths[i]) == 0, "byte for byte");
        CHECK(got_packets[i].Layout.Layer4Type == NetPacketLayer4TypeUdp, "the layer-4 type");
        CHECK(got_checksums[i].Layer3 == NetPacketRxChecksumEvaluationValid && got_checksums[i].Layer4 == NetPacketRxChecksumEvaluationValid,
              "checksums reported valid (receive checksum offload enabled)");
    }
}

int main(void)
{
    CHECK(sim_load() == STATUS_SUCCESS, "DriverEntry");
    WDFDEVICE a = sim_add_device(), b = sim_add_device();
    CHECK(a != NULL && b != NULL, "two adapters added");
    if (a == NULL || b == NULL)
        return 1;
    CHECK(a->symbolic_links == 1 && a->interfaces == 1 && b->symbolic_links == 1 && b->interfaces == 1,
          "each adapter: \\DosDevices\\ovpn-dco and the GUID_DEVINTERFACE_NET interface");
    CHECK(sim_link(a) == MediaConnectStateDisconnected, "the link is down until START_VPN");
    int baseline = sim_live_allocations();

    WDFFILEOBJECT fa = sim_open(a), fb = sim_open(b);
    CHECK(fa != NULL && fb != NULL, "a handle on each");
    CHECK(sim_open(a) == NULL, "a second handle on a device is refused (exclusive)");

    /* ---- UDP: NEW_PEER, keys, START_VPN, SET_PEER ---- */
    OVPN_NEW_PEER pa = peer(1, 2, OVPN_PROTO_UDP), pb = peer(2, 1, OVPN_PROTO_UDP);
    CHECK(ioctl(a, fa, OVPN_IOCTL_NEW_PEER, &pa, sizeof pa, "NEW_PEER a") == STATUS_SUCCESS, "NEW_PEER over UDP");
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_PEER, &pb, sizeof pb, "NEW_PEER b") == STATUS_SUCCESS, "NEW_PEER over UDP");
    OVPN_CRYPTO_DATA_V2 ka = key(1), kb = key(0);
    CHECK(ioctl(a, fa, OVPN_IOCTL_NEW_KEY_V2, &ka, sizeof ka, "key a") == STATUS_SUCCESS, "NEW_KEY_V2 AES-256-GCM");
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_KEY_V2, &kb, sizeof kb, "key b") == STATUS_SUCCESS, "NEW_KEY_V2 AES-256-GCM");
    CHECK(ioctl(a, fa, OVPN_IOCTL_START_VPN, NULL, 0, "start a") == STATUS_SUCCESS && sim_link(a) == MediaConnectStateConnected, "START_VPN: link up");
    CHECK(ioctl(b, fb, OVPN_IOCTL_START_VPN, NULL, 0, "start b") == STATUS_SUCCESS, "START_VPN");
    OVPN_SET_PEER keepalive = { 10, 60, 1400 };
    CHECK(ioctl(a, fa, OVPN_IOCTL_SET_PEER, &keepalive, sizeof keepalive, "set peer") == STATUS_SUCCESS, "SET_PEER");
    CHECK(sim_timer_armed(a), "the keepalive timer is armed");

    traffic(a, b, 0, 1);
    traffic(b, a, 0, 50);

    /* A control packet written on a reaches a read pending on b. */
    struct sim_object *read = sim_read(b, fb, 2048);
    CHECK(!read->request.completed, "a read pends until a control packet arrives");
    static const uint8_t control[] = { 0x20, 0xaa, 0xbb, 0xcc, 0xdd };
    CHECK(finished(sim_write(a, fa, control, sizeof control), "write") == STATUS_SUCCESS, "WriteFile of a control packet");
    CHECK(sim_deliver_datagrams() == 1, "sent as one datagram");
    CHECK(read->request.completed && read->request.status == STATUS_SUCCESS && read->request.information == sizeof control &&
          memcmp(read->request.output, control, sizeof control) == 0, "the read completes with the control packet");
    sim_free_request(read);

    /* GET_STATS counts what crossed. */
    struct sim_object *stats = sim_ioctl(b, fb, OVPN_IOCTL_GET_STATS, NULL, 0, sizeof(OVPN_STATS));
    CHECK(stats->request.completed && stats->request.status == STATUS_SUCCESS && stats->request.information == sizeof(OVPN_STATS), "GET_STATS");
    OVPN_STATS s;
    memcpy(&s, stats->request.output, sizeof s);
    CHECK(s.ReceivedDataPackets == 3 && s.ReceivedControlPackets == 1 && s.SentDataPackets == 3, "received and sent, counted");
    CHECK(s.TunBytesReceived == 60 + 560 + 1060, "tun bytes received");
    sim_free_request(stats);

    /* The timer fires: a keepalive ping goes out (the peer swallows it, nothing reaches its adapter). */
    sim_fire_timer(a);
    CHECK(sim_deliver_datagrams() == 1, "a keepalive ping");
    CHECK(sim_receive(b, got, got_lengths, got_packets, got_checksums, 16) == 0, "pings are not delivered to the adapter");

    /* ---- TCP: NEW_PEER replaces the UDP peer; it pends until connected ---- */
    OVPN_NEW_PEER ta = peer(1, 2, OVPN_PROTO_TCP), tb = peer(2, 1, OVPN_PROTO_TCP);
    CHECK(ioctl(a, fa, OVPN_IOCTL_NEW_PEER, &ta, sizeof ta, "tcp a") == STATUS_SUCCESS, "NEW_PEER over TCP completes once connected");
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_PEER, &tb, sizeof tb, "tcp b") == STATUS_SUCCESS, "NEW_PEER over TCP");
    CHECK(sim_open_sockets() == 2, "the UDP sockets were closed, one TCP socket each");
    CHECK(ioctl(a, fa, OVPN_IOCTL_NEW_KEY_V2, &ka, sizeof ka, "key a") == STATUS_SUCCESS, "keys for the new session");
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_KEY_V2, &kb, sizeof kb, "key b") == STATUS_SUCCESS, "keys for the new session");
    traffic(a, b, 1, 7);
    traffic(b, a, 1, 70);

    /* The peer resets the connection: b's pending read completes with STATUS_CONNECTION_ABORTED. */
    read = sim_read(b, fb, 2048);
    sim_peer_disconnects(b);
    CHECK(read->request.completed && read->request.status == (NTSTATUS)0xC0000241, "the read reports the connection's end");
    sim_free_request(read);

    /* A refused connect fails NEW_PEER and leaves no socket. */
    sim_faults.connect_status = STATUS_CONNECTION_REFUSED;
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_PEER, &tb, sizeof tb, "refused") == STATUS_CONNECTION_REFUSED, "NEW_PEER fails with the connect's status");
    sim_faults.connect_status = 0;
    CHECK(sim_open_sockets() == 1, "only a's socket is left");

    /* A send that fails mid-stream: the buffer comes back, and the connection is reported lost (a pending read ends). */
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_PEER, &tb, sizeof tb, "tcp b again") == STATUS_SUCCESS, "NEW_PEER over TCP again");
    CHECK(ioctl(b, fb, OVPN_IOCTL_NEW_KEY_V2, &kb, sizeof kb, "key b") == STATUS_SUCCESS, "keys");
    read = sim_read(b, fb, 2048);
    sim_faults.send_status = (NTSTATUS)0xC000020C; /* STATUS_CONNECTION_DISCONNECTED */
    const uint8_t *one[1] = { sent[0] };
    CHECK(sim_transmit(b, one, sent_lengths, 1) == 1, "the packet is returned to the OS even though its send failed");
    sim_faults.send_status = 0;
    CHECK(read->request.completed && read->request.status == (NTSTATUS)0xC0000241, "a broken stream ends the connection");
    sim_free_request(read);

    /* A TCP NEW_PEER the caller cancels while it pends: cancelled, and the half-made connection goes. */
    sim_faults.connect_status = STATUS_PENDING; /* the connect never completes on its own */
    struct sim_object *pending = sim_ioctl(b, fb, OVPN_IOCTL_NEW_PEER, &tb, sizeof tb, 0);
    CHECK(!pending->request.completed, "NEW_PEER pends while connecting");
    sim_cancel(b, pending);
    CHECK(pending->request.completed && pending->request.status == STATUS_CANCELLED, "cancelled");
    sim_free_request(pending);
    sim_faults.connect_status = 0;

    /* ---- cleanup with a read pending; removal; unload ---- */
    read = sim_read(a, fa, 2048);
    sim_cleanup(a, fa);
    CHECK(read->request.completed && read->request.status == STATUS_CANCELLED, "cleanup cancels the handle's pending read");
    sim_free_request(read);
    CHECK(sim_link(a) == MediaConnectStateDisconnected, "the link goes down with the handle");
    sim_cleanup(b, fb);
    CHECK(sim_open_sockets() == 0, "every socket closed");
    CHECK(sim_live_allocations() == baseline, "a handle's life leaves no pool allocation behind");

    /* Out of memory at open: the open fails, and leaves nothing allocated. */
    for (int n = 1; n <= 12; n++) {
        sim_faults.fail_allocation_at = n;
        WDFFILEOBJECT f = sim_open(a);
        int failed = sim_faults.fail_allocation_at == 0; /* the n-th allocation was reached and failed */
        sim_faults.fail_allocation_at = 0;
        if (f != NULL) {
            CHECK(!failed, "an open whose allocation failed does not succeed");
            sim_cleanup(a, f);
        }
        CHECK(sim_live_allocations() == baseline, "a failed open leaves no allocation");
    }

    fa = sim_open(a);
    CHECK(fa != NULL, "the device opens again after cleanup");
    CHECK(ioctl(a, fa, OVPN_IOCTL_NEW_PEER, &pa, sizeof pa, "again") == STATUS_SUCCESS, "and works");
    sim_cleanup(a, fa);

    sim_remove_device(a);
    sim_remove_device(b);
    sim_unload();
    CHECK(sim_live_allocations() == 0, "removal and unload free every pool allocation");
    CHECK(sim_live_irps() == 0 && sim_live_mdls() == 0, "every IRP and MDL freed");
    CHECK(sim_registrations() == 0, "WSK deregistered");
    CHECK(sim_failure == NULL, sim_failure != NULL ? sim_failure : "no misuse");

    if (failures > 0) {
        fprintf(stderr, "%d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("ok %d\n", checks);
    return 0;
}
