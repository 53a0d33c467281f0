/*
 * fuzz_common.h - shared by every libFuzzer harness of the hosted driver (the generated C of
 * driver/OvpnDco.Driver.Hosted on runtime-kernel/hosted):
 *
 *   host      callbacks that record what the driver sends, delivers and completes, a virtual clock, the device
 *             timer as a due time, and fault switches (transport send/open/listen failure, allocation failure
 *             countdown, key object creation and seal failures: the harnesses link with -Wl,--wrap=...)
 *   input     a cursor over the fuzzer's bytes (reads past the end give zeros)
 *   setup     P2P (UDP/TCP) and MP devices configured through the driver's IOCTLs; every setup status is
 *             asserted: a failed setup is a harness bug and stops the run with a message (FUZZ_CHECK)
 *   crypto    the harness's own DATA_V2 seal/open with OpenSSL EVP (AES-128/192/256-GCM, ChaCha20-Poly1305,
 *             none; tag before or after the ciphertext; 4- or 8-byte packet ids), with the device's known keys,
 *             so the fuzzer's plaintext reaches replay, float, ping, source check, MSS and delivery
 *   packets   IPv4/IPv6 UDP and TCP (SYN with MSS options anywhere) with valid checksums
 *   ops       one interpreter of operations chosen by the input (rx sealed/raw, tx, timer, IOCTLs, control
 *             read/write, TCP stream, faults); each harness picks its device and the set of operations
 *
 * Struct layouts come from the generated ovpndco.h (the C# uapi definitions) and are asserted against the
 * offsets of uapi/include/ovpn-dco/uapi.h below (that header needs the Windows SDK, so it is not included).
 */
#ifndef OVPN_FUZZ_COMMON_H
#define OVPN_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- checks -------------------------------------------------------------------------------------------------- */

#define FUZZ_CHECK(cond, ...)                                                                            \
    do {                                                                                                 \
        if (!(cond)) {                                                                                   \
            fprintf(stderr, "fuzz harness check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                                                \
            fputc('\n', stderr);                                                                         \
            __builtin_trap();                                                                            \
        }                                                                                                \
    } while (0)

/* ---- uapi: IOCTL codes, statuses and the layouts we rely on ------------------------------------------------- */

#define FUZZ_IOCTL(fn) (0x00220000u | ((uint32_t)(fn) << 2)) /* CTL_CODE(FILE_DEVICE_UNKNOWN, fn, BUFFERED, ANY) */
enum {
    FN_NEW_PEER = 1, FN_GET_STATS = 2, FN_NEW_KEY = 3, FN_SWAP_KEYS = 4, FN_SET_PEER = 5, FN_START_VPN = 6,
    FN_DEL_PEER = 7, FN_GET_VERSION = 8, FN_NEW_KEY_V2 = 9, FN_SET_MODE = 10, FN_MP_START_VPN = 11,
    FN_MP_NEW_PEER = 12, FN_MP_SET_PEER = 13, FN_NOTIFY_EVENT = 14, FN_MP_DEL_PEER = 15, FN_MP_SWAP_KEYS = 16,
    FN_MP_ADD_IROUTE = 17, FN_MP_DEL_IROUTE = 18, FN_GET_PEER_STATS = 19,
};
#define FUZZ_STATUS_SUCCESS 0
#define FUZZ_STATUS_PENDING 0x00000103
#define FUZZ_STATUS_UNSUCCESSFUL ((int32_t)0xC0000001u)
#define FUZZ_AF_INET 2   /* Windows values */
#define FUZZ_AF_INET6 23
#define FUZZ_MODE_P2P 0
#define FUZZ_MODE_MP 1
#define FUZZ_PROTO_UDP 0
#define FUZZ_PROTO_TCP 1
#define FUZZ_CIPHER_NONE 0
#define FUZZ_CIPHER_AES_GCM 1
#define FUZZ_CIPHER_CHACHA 2
#define FUZZ_OPT_EPOCH (1u << 1)     /* CRYPTO_OPTIONS_EPOCH: epoch data keys */
#define FUZZ_OPT_UNKNOWN (1u << 2)   /* not a CryptoOptions bit: refused (STATUS_INVALID_PARAMETER) */
#define FUZZ_EPOCH_COUNTER_MASK 0x0000FFFFFFFFFFFFull
#define FUZZ_PING_LEN 16
static const uint8_t fuzz_ping_magic[FUZZ_PING_LEN] = {
    0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb, 0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};
#define FUZZ_MAX_PLAINTEXT 2000 /* Proto.MaxPlaintext: larger adapter packets are refused */
#define FUZZ_MAX_WIRE 2050      /* Proto.MaxWire */

typedef OvpnDco_Driver_DriverState fuzz_state;
typedef OvpnDco_Uapi_SockAddrInet fuzz_sockaddr;
typedef OvpnDco_Driver_RxDatagram fuzz_rx_datagram; /* the batch entry points' descriptors (Batch.cs) */
typedef OvpnDco_Driver_TxPacket fuzz_tx_packet;
typedef OvpnDco_Uapi_OvpnNewPeer fuzz_new_peer;
typedef OvpnDco_Uapi_OvpnCryptoData fuzz_crypto_data;
typedef OvpnDco_Uapi_OvpnCryptoDataV2 fuzz_crypto_data_v2;
typedef OvpnDco_Uapi_OvpnSetPeer fuzz_set_peer;
typedef OvpnDco_Uapi_OvpnSetMode fuzz_set_mode;
typedef OvpnDco_Uapi_OvpnMpStartVpn fuzz_mp_start_vpn;
typedef OvpnDco_Uapi_OvpnMpNewPeer fuzz_mp_new_peer;
typedef OvpnDco_Uapi_OvpnMpSetPeer fuzz_mp_set_peer;
typedef OvpnDco_Uapi_OvpnMpDelPeer fuzz_mp_del_peer;
typedef OvpnDco_Uapi_OvpnMpSwapKeys fuzz_mp_swap_keys;
typedef OvpnDco_Uapi_OvpnMpIroute fuzz_mp_iroute;
typedef OvpnDco_Uapi_OvpnNotifyEvent fuzz_notify_event;
typedef OvpnDco_Uapi_OvpnPeerStats fuzz_peer_stats;
typedef OvpnDco_Uapi_OvpnStats fuzz_stats;

/* The offsets of uapi/include/ovpn-dco/uapi.h (and shared/UAPI.md); the generated structs must agree. */
_Static_assert(sizeof(fuzz_sockaddr) == 28, "SOCKADDR_IN/IN6 union");
_Static_assert(sizeof(fuzz_new_peer) == 60 && offsetof(fuzz_new_peer, Remote) == 28 && offsetof(fuzz_new_peer, Proto) == 56, "OVPN_NEW_PEER");
_Static_assert(sizeof(OvpnDco_Uapi_OvpnKeyDirection) == 41 && offsetof(OvpnDco_Uapi_OvpnKeyDirection, KeyLen) == 32
               && offsetof(OvpnDco_Uapi_OvpnKeyDirection, NonceTail) == 33, "OVPN_KEY_DIRECTION");
_Static_assert(sizeof(fuzz_crypto_data) == 100 && offsetof(fuzz_crypto_data, Decrypt) == 41 && offsetof(fuzz_crypto_data, KeySlot) == 84
               && offsetof(fuzz_crypto_data, CipherAlg) == 88 && offsetof(fuzz_crypto_data, KeyId) == 92
               && offsetof(fuzz_crypto_data, PeerId) == 96, "OVPN_CRYPTO_DATA");
_Static_assert(sizeof(fuzz_crypto_data_v2) == 104 && offsetof(fuzz_crypto_data_v2, CryptoOptions) == 100, "OVPN_CRYPTO_DATA_V2");
_Static_assert(sizeof(fuzz_set_peer) == 12 && offsetof(fuzz_set_peer, MSS) == 8, "OVPN_SET_PEER");
_Static_assert(sizeof(fuzz_mp_start_vpn) == 32 && offsetof(fuzz_mp_start_vpn, IPv6Only) == 28, "OVPN_MP_START_VPN");
_Static_assert(sizeof(fuzz_mp_new_peer) == 80 && offsetof(fuzz_mp_new_peer, Remote) == 28 && offsetof(fuzz_mp_new_peer, VpnAddr4) == 56
               && offsetof(fuzz_mp_new_peer, VpnAddr6) == 60 && offsetof(fuzz_mp_new_peer, PeerId) == 76, "OVPN_MP_NEW_PEER");
_Static_assert(sizeof(fuzz_mp_set_peer) == 16 && offsetof(fuzz_mp_set_peer, MSS) == 12, "OVPN_MP_SET_PEER");
_Static_assert(sizeof(fuzz_mp_iroute) == 28 && offsetof(fuzz_mp_iroute, Netbits) == 16 && offsetof(fuzz_mp_iroute, PeerId) == 20
               && offsetof(fuzz_mp_iroute, IPv6) == 24, "OVPN_MP_IROUTE");
_Static_assert(sizeof(fuzz_notify_event) == 144 && offsetof(fuzz_notify_event, FloatAddress) == 16, "OVPN_NOTIFY_EVENT");
_Static_assert(sizeof(fuzz_peer_stats) == 40 && offsetof(fuzz_peer_stats, VpnTxBytes) == 32, "OVPN_PEER_STATS");
_Static_assert(sizeof(fuzz_stats) == 64 && offsetof(fuzz_stats, TunBytesReceived) == 56, "OVPN_STATS");

/* ---- input cursor ----------------------------------------------------------------------------------------- */

struct fuzz_in {
    const uint8_t *data;
    size_t size, at;
};

static inline bool fin_more(const struct fuzz_in *in) { return in->at < in->size; }
static inline uint8_t fin_u8(struct fuzz_in *in) { return in->at < in->size ? in->data[in->at++] : 0; }
static inline uint16_t fin_u16(struct fuzz_in *in) { uint16_t hi = fin_u8(in); return (uint16_t)(hi << 8 | fin_u8(in)); }
static inline uint32_t fin_u32(struct fuzz_in *in) { uint32_t hi = fin_u16(in); return hi << 16 | fin_u16(in); }
/* Up to n bytes of input (fewer at the end); returns how many were copied. */
static inline size_t fin_bytes(struct fuzz_in *in, uint8_t *out, size_t n)
{
    size_t left = in->size - in->at;
    if (n > left)
        n = left;
    memcpy(out, in->data + in->at, n);
    in->at += n;
    return n;
}

/* ---- host: callbacks, virtual clock, faults ----------------------------------------------------------------- */

struct fuzz_host {
    int64_t now_ms;
    int64_t timer_due;           /* 0 = not armed */
    int fail_send;               /* transport_send returns STATUS_UNSUCCESSFUL while set */
    int fail_listen;
    int open_mode;               /* transport_open: 0 = TCP pends (completed by ovpn_dco_transport_connected), UDP
                                    succeeds; 1 = succeeds at once; 2 = fails */
    int64_t alloc_countdown;     /* > 0: the allocation that brings it to 0 fails (wrapped allocator) */
    int fail_aead_create;        /* key object creation fails (-2: an OpenSSL failure) */
    int fail_seal;               /* sealing fails */
    uint8_t sent[FUZZ_MAX_WIRE + 64];
    int32_t sent_len, sent_proto;
    uint64_t sent_count, delivered_count, reads_completed, pending_completed, touched;
    uint8_t delivered[FUZZ_MAX_WIRE];
    int32_t delivered_len;
};
static struct fuzz_host g_host;

static int64_t fuzz_now(void) { return g_host.now_ms; }
static int32_t fuzz_transport_open(intptr_t c, int32_t p, const void *l, const void *r)
{
    (void)c; (void)l; (void)r;
    if (g_host.open_mode == 2)
        return FUZZ_STATUS_UNSUCCESSFUL;
    return g_host.open_mode == 0 && p == FUZZ_PROTO_TCP ? FUZZ_STATUS_PENDING : FUZZ_STATUS_SUCCESS;
}
static int32_t fuzz_transport_listen(intptr_t c, const void *l, bool v6)
{
    (void)c; (void)l; (void)v6;
    return g_host.fail_listen ? FUZZ_STATUS_UNSUCCESSFUL : FUZZ_STATUS_SUCCESS;
}
static int32_t fuzz_transport_send(intptr_t c, int32_t proto, const void *remote, const uint8_t *d, int32_t n)
{
    (void)c;
    FUZZ_CHECK(n > 0 && n <= (int32_t)sizeof g_host.sent, "send of %d bytes", n);
    FUZZ_CHECK(remote != NULL, "send without a remote");
    memcpy(g_host.sent, d, (size_t)n); /* reads every byte: ASan checks the driver's buffer */
    g_host.sent_len = n;
    g_host.sent_proto = proto;
    g_host.sent_count++;
    return g_host.fail_send ? FUZZ_STATUS_UNSUCCESSFUL : FUZZ_STATUS_SUCCESS;
}
static void fuzz_adapter_deliver(intptr_t c, const uint8_t *d, int32_t n)
{
    (void)c;
    FUZZ_CHECK(n > 0 && n <= (int32_t)sizeof g_host.delivered, "delivery of %d bytes", n);
    memcpy(g_host.delivered, d, (size_t)n);
    g_host.delivered_len = n;
    g_host.delivered_count++;
}
static void fuzz_complete_read(intptr_t c, intptr_t r, int32_t s, const uint8_t *d, int32_t n)
{
    (void)c; (void)r; (void)s;
    FUZZ_CHECK(n >= 0 && n <= 2048 + 28, "read completion of %d bytes", n);
    for (int32_t i = 0; i < n; i++)
        g_host.touched += d[i];
    g_host.reads_completed++;
}
static void fuzz_complete_pending(intptr_t c, int32_t k, int32_t s, const uint8_t *d, int32_t n)
{
    (void)c; (void)k; (void)s;
    FUZZ_CHECK(n >= 0 && n <= (int32_t)sizeof(fuzz_notify_event), "pending completion of %d bytes", n);
    for (int32_t i = 0; i < n; i++)
        g_host.touched += d[i];
    g_host.pending_completed++;
}
static void fuzz_timer_arm(intptr_t c, int64_t due) { (void)c; g_host.timer_due = due; }
static void fuzz_timer_cancel(intptr_t c) { (void)c; g_host.timer_due = 0; }

/* Allocation failure injection: the harnesses link with -Wl,--wrap=ovpn_hosted_alloc. */
void *__real_ovpn_hosted_alloc(size_t size, uint32_t tag);
void *__wrap_ovpn_hosted_alloc(size_t size, uint32_t tag);
void *__wrap_ovpn_hosted_alloc(size_t size, uint32_t tag)
{
    if (g_host.alloc_countdown > 0 && --g_host.alloc_countdown == 0)
        return NULL;
    return __real_ovpn_hosted_alloc(size, tag);
}

/* Packet buffers count as allocations (in the kernel they come from a pool too): the fault "one of the next
 * allocations fails" also hits them. -Wl,--wrap=ovpn_host_transport_buffer,--wrap=ovpn_host_adapter_buffer. */
uint8_t *__real_ovpn_host_transport_buffer(intptr_t context, int32_t size);
uint8_t *__wrap_ovpn_host_transport_buffer(intptr_t context, int32_t size);
uint8_t *__wrap_ovpn_host_transport_buffer(intptr_t context, int32_t size)
{
    if (g_host.alloc_countdown > 0 && --g_host.alloc_countdown == 0)
        return NULL;
    return __real_ovpn_host_transport_buffer(context, size);
}
uint8_t *__real_ovpn_host_adapter_buffer(intptr_t context, int32_t size);
uint8_t *__wrap_ovpn_host_adapter_buffer(intptr_t context, int32_t size);
uint8_t *__wrap_ovpn_host_adapter_buffer(intptr_t context, int32_t size)
{
    if (g_host.alloc_countdown > 0 && --g_host.alloc_countdown == 0)
        return NULL;
    return __real_ovpn_host_adapter_buffer(context, size);
}

/* Key object and seal failures: -Wl,--wrap=ovpn_hosted_aead_create,--wrap=ovpn_hosted_aead_seal. */
int32_t __real_ovpn_hosted_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle);
int32_t __wrap_ovpn_hosted_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle);
int32_t __wrap_ovpn_hosted_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle)
{
    if (g_host.fail_aead_create) {
        *handle = 0;
        return -2;
    }
    return __real_ovpn_hosted_aead_create(alg, key, key_len, handle);
}
bool __real_ovpn_hosted_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                                  const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag);
bool __wrap_ovpn_hosted_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                                  const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag);
bool __wrap_ovpn_hosted_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                                  const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag)
{
    return !g_host.fail_seal && __real_ovpn_hosted_aead_seal(handle, nonce, aad, aad_len, plaintext, len, ciphertext, tag);
}

/* Once per process: callbacks, virtual clock, trace sink. Per input: fuzz_host_reset. */
static inline void fuzz_host_reset(void)
{
    static int installed;
    if (!installed) {
        struct ovpn_host_ops ops;
        memset(&ops, 0, sizeof ops);
        ops.transport_open = fuzz_transport_open;
        ops.transport_listen = fuzz_transport_listen;
        ops.transport_send = fuzz_transport_send;
        ops.adapter_deliver = fuzz_adapter_deliver;
        ops.complete_read = fuzz_complete_read;
        ops.complete_pending = fuzz_complete_pending;
        ops.timer_arm = fuzz_timer_arm;
        ops.timer_cancel = fuzz_timer_cancel;
        ovpn_host_set_ops(&ops);
        ovpn_hosted_set_clock(fuzz_now);
        ovpn_hosted_trace_open("/dev/null", OVPN_HOSTED_TRACE_VERBOSE);
        installed = 1;
    }
    memset(&g_host, 0, sizeof g_host);
    g_host.now_ms = 1000000;
}

/* ---- addresses ------------------------------------------------------------------------------------------- */

/* SOCKADDR_IN 10.0.<a>.<b>:port or SOCKADDR_IN6 fd01::<a>:<b> port (Windows family values, port big-endian). */
static inline fuzz_sockaddr fuzz_sockaddr_make(bool v6, uint8_t a, uint8_t b, uint16_t port)
{
    fuzz_sockaddr sa;
    memset(&sa, 0, sizeof sa);
    uint8_t *p = sa.size_28;
    if (!v6) {
        p[0] = FUZZ_AF_INET;
        p[4] = 10; p[6] = a; p[7] = b;
    } else {
        p[0] = FUZZ_AF_INET6;
        p[8] = 0xfd; p[9] = 0x01; p[22] = a; p[23] = b;
    }
    p[2] = (uint8_t)(port >> 8);
    p[3] = (uint8_t)port;
    return sa;
}

/* ---- crypto: the harness's own DATA_V2 seal and open ---------------------------------------------------------- */

struct fuzz_key {
    int in_use;
    int32_t alg, key_len;
    uint32_t options;
    uint8_t key_id;
    uint64_t next_pid; /* rx: the last packet id the harness sealed */
};

/* Deterministic key material of (peer id, key id, direction): direction 0 = what the driver encrypts with,
 * 1 = what it decrypts with. */
static inline void fuzz_key_material(int32_t peer_id, int key_id, int direction, uint8_t key[32], uint8_t tail[8])
{
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i * 7 + peer_id * 13 + key_id * 29 + direction * 101 + 1);
    for (int i = 0; i < 8; i++)
        tail[i] = (uint8_t)(i * 3 + peer_id * 5 + key_id * 11 + direction * 17 + 2);
}

static inline const EVP_CIPHER *fuzz_evp(int32_t alg, int32_t key_len)
{
    if (alg == FUZZ_CIPHER_CHACHA)
        return EVP_chacha20_poly1305();
    return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
}

static inline int fuzz_pid_len(uint32_t options) { return (options & FUZZ_OPT_EPOCH) ? 8 : 4; }

/* Epoch format (OpenVPN 2.7): E(n+1) = ExpandLabel(E(n), "datakey upd", 32); data key = ExpandLabel(E(n), "data_key",
 * key length); implicit IV = ExpandLabel(E(n), "data_iv", 12); ExpandLabel = HKDF-Expand-SHA256 with info
 * u16 length || u8 len("ovpn " label) || "ovpn " label || u8 0. E1 = the 32 bytes of Key[]. */
static inline void fuzz_expand_label(const uint8_t secret[32], const char *label, uint8_t *out, int len)
{
    uint8_t info[2 + 1 + 5 + 16 + 1];
    int label_len = (int)strlen(label), at = 0;
    info[at++] = (uint8_t)(len >> 8);
    info[at++] = (uint8_t)len;
    info[at++] = (uint8_t)(5 + label_len);
    memcpy(info + at, "ovpn ", 5);
    at += 5;
    memcpy(info + at, label, (size_t)label_len);
    at += label_len;
    info[at++] = 0;
    FUZZ_CHECK(ovpn_hosted_hkdf_sha256_expand(secret, 32, info, at, out, len) == 0, "HKDF-Expand");
}

/* The data key and implicit IV of `epoch` (1..) from E1 (`key` on entry: E1; on return: the data key). */
static inline void fuzz_epoch_key(uint8_t key[32], int key_len, unsigned epoch, uint8_t iv[12])
{
    uint8_t next[32];
    for (unsigned e = 1; e < epoch; e++) {
        fuzz_expand_label(key, "datakey upd", next, 32);
        memcpy(key, next, 32);
    }
    memcpy(next, key, 32);
    fuzz_expand_label(next, "data_key", key, key_len);
    fuzz_expand_label(next, "data_iv", iv, 12);
}

/* Epoch ids the harness can seal for: the epoch in the top 16 bits (0 means 1), the rest the per-epoch counter. */
#define FUZZ_EPOCH_MAX_SEALED 12u

/* Builds a DATA_V2 packet of `plain` as the peer would send it to the driver. Returns the wire length. */
static inline int fuzz_seal(const struct fuzz_key *k, int32_t peer_id, int32_t header_peer_id, uint64_t pid,
                            const uint8_t *plain, int n, uint8_t *wire)
{
    static EVP_CIPHER_CTX *ctx;
    uint8_t key[32], tail[8], nonce[12];
    int pid_len = fuzz_pid_len(k->options), aad = 4 + pid_len, out = 0;
    uint32_t header = (9u << 27) | ((uint32_t)(k->key_id & 7) << 24) | ((uint32_t)header_peer_id & 0xFFFFFF);
    for (int i = 0; i < 4; i++)
        wire[i] = (uint8_t)(header >> (24 - 8 * i));
    for (int i = 0; i < pid_len; i++)
        wire[4 + i] = (uint8_t)(pid >> (8 * (pid_len - 1 - i)));
    if (k->alg == FUZZ_CIPHER_NONE) {
        memcpy(wire + aad, plain, (size_t)n);
        return aad + n;
    }
    fuzz_key_material(peer_id, k->key_id, 1, key, tail);
    bool tag_end = (k->options & FUZZ_OPT_EPOCH) != 0;
    if (tag_end) {
        unsigned epoch = (unsigned)(pid >> 48);
        if (epoch == 0)
            epoch = 1;
        uint64_t id = (uint64_t)epoch << 48 | (pid & FUZZ_EPOCH_COUNTER_MASK);
        for (int i = 0; i < 8; i++)
            wire[4 + i] = (uint8_t)(id >> (56 - 8 * i));
        uint8_t iv[12];
        /* beyond the epochs the harness derives: E1's key (the driver must refuse or fail the tag) */
        fuzz_epoch_key(key, k->key_len, epoch <= FUZZ_EPOCH_MAX_SEALED ? epoch : 1, iv);
        for (int i = 0; i < 12; i++)
            nonce[i] = (uint8_t)((i < 8 ? wire[4 + i] : 0) ^ iv[i]);
    } else {
        memcpy(nonce, wire + 4, (size_t)pid_len);
        memcpy(nonce + pid_len, tail, (size_t)(12 - pid_len));
    }
    uint8_t *cipher = wire + aad + (tag_end ? 0 : 16), *tag = tag_end ? wire + aad + n : wire + aad;
    if (ctx == NULL)
        ctx = EVP_CIPHER_CTX_new();
    FUZZ_CHECK(ctx != NULL && EVP_EncryptInit_ex(ctx, fuzz_evp(k->alg, k->key_len), NULL, key, nonce) == 1
               && EVP_EncryptUpdate(ctx, NULL, &out, wire, aad) == 1
               && (n == 0 || EVP_EncryptUpdate(ctx, cipher, &out, plain, n) == 1)
               && EVP_EncryptFinal_ex(ctx, cipher + n, &out) == 1
               && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1, "OpenSSL seal");
    return aad + 16 + n;
}

/* Opens a packet the driver sent with key `k` (its encrypt direction): 1 = authentic (plaintext in `plain`,
 * length in *n), 0 = not. */
static inline int fuzz_open(const struct fuzz_key *k, int32_t peer_id, const uint8_t *wire, int len, uint8_t *plain, int *n)
{
    static EVP_CIPHER_CTX *ctx;
    uint8_t key[32], tail[8], nonce[12];
    int pid_len = fuzz_pid_len(k->options), aad = 4 + pid_len, out = 0;
    int overhead = aad + (k->alg == FUZZ_CIPHER_NONE ? 0 : 16);
    if (len < overhead)
        return 0;
    *n = len - overhead;
    if (k->alg == FUZZ_CIPHER_NONE) {
        memcpy(plain, wire + aad, (size_t)*n);
        return 1;
    }
    fuzz_key_material(peer_id, k->key_id, 0, key, tail);
    bool tag_end = (k->options & FUZZ_OPT_EPOCH) != 0;
    if (tag_end) {
        unsigned epoch = (unsigned)wire[4] << 8 | wire[5];
        if (epoch == 0 || (wire[6] | wire[7] | wire[8] | wire[9] | wire[10] | wire[11]) == 0)
            return 0; /* epoch 0 or counter 0 is never sent */
        uint8_t iv[12];
        fuzz_epoch_key(key, k->key_len, epoch, iv);
        for (int i = 0; i < 12; i++)
            nonce[i] = (uint8_t)((i < 8 ? wire[4 + i] : 0) ^ iv[i]);
    } else {
        memcpy(nonce, wire + 4, (size_t)pid_len);
        memcpy(nonce + pid_len, tail, (size_t)(12 - pid_len));
    }
    const uint8_t *cipher = wire + aad + (tag_end ? 0 : 16), *tag = tag_end ? wire + aad + *n : wire + aad;
    uint8_t tag_copy[16];
    memcpy(tag_copy, tag, 16);
    if (ctx == NULL)
        ctx = EVP_CIPHER_CTX_new();
    FUZZ_CHECK(ctx != NULL && EVP_DecryptInit_ex(ctx, fuzz_evp(k->alg, k->key_len), NULL, key, nonce) == 1
               && EVP_DecryptUpdate(ctx, NULL, &out, wire, aad) == 1
               && (*n == 0 || EVP_DecryptUpdate(ctx, plain, &out, cipher, *n) == 1)
               && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag_copy) == 1, "OpenSSL open");
    return EVP_DecryptFinal_ex(ctx, plain + *n, &out) == 1;
}

/* ---- the device and the harness's model of it ---------------------------------------------------------------- */

#define FUZZ_MAX_PEERS 8
#define FUZZ_MAX_ROUTES 16
#define FUZZ_BULK_BASE 1000

struct fuzz_peer {
    int live;
    int32_t id;
    int v6_transport;
    fuzz_sockaddr remote;
    uint8_t vpn4[4], vpn6[16];
    struct fuzz_key slots[2]; /* primary, secondary: what the harness installed (swapped like the driver) */
};

struct fuzz_route {
    int v6, bits, peer; /* peer: the model index of the peer it was routed to */
    uint8_t addr[16];
};

struct fuzz_dev {
    fuzz_state *s;
    int mode, proto;
    struct fuzz_peer peers[FUZZ_MAX_PEERS]; /* P2P: peers[0] */
    struct fuzz_route routes[FUZZ_MAX_ROUTES]; /* every prefix ever routed (kept after deletes: tx targets) */
    int nroutes, route_next;
    int bulk;                               /* bulk peers FUZZ_BULK_BASE.. added so far */
    intptr_t next_request;
};

static inline int32_t fuzz_ioctl(struct fuzz_dev *d, int fn, const void *in, int32_t in_len, void *out, int32_t out_len)
{
    int32_t returned = -1;
    uint8_t scratch[8];
    if (out == NULL) {
        out = scratch;
        out_len = 0;
    }
    int32_t status = ovpn_dco_ioctl(d->s, FUZZ_IOCTL(fn), (uint8_t *)(uintptr_t)in, in_len, (uint8_t *)out, out_len, &returned, false);
    FUZZ_CHECK(returned >= 0 && returned <= out_len, "IOCTL %d returned %d bytes for a %d-byte buffer", fn, returned, out_len);
    return status;
}

/* A setup IOCTL: must succeed. */
#define FUZZ_SETUP(d, fn, in, in_len)                                                                   \
    do {                                                                                                \
        int32_t setup_status_ = fuzz_ioctl((d), (fn), (in), (in_len), NULL, 0);                         \
        FUZZ_CHECK(setup_status_ == FUZZ_STATUS_SUCCESS || setup_status_ == FUZZ_STATUS_PENDING,        \
                   "setup IOCTL %d failed with status 0x%08x", (int)(fn), (unsigned)setup_status_);     \
    } while (0)

static inline void fuzz_route_remember(struct fuzz_dev *d, int v6, const uint8_t *addr, int bits, int peer)
{
    struct fuzz_route *r = &d->routes[d->route_next];
    r->v6 = v6;
    r->bits = bits;
    r->peer = peer;
    memset(r->addr, 0, sizeof r->addr);
    memcpy(r->addr, addr, v6 ? 16 : 4);
    d->route_next = (d->route_next + 1) % FUZZ_MAX_ROUTES;
    if (d->nroutes < FUZZ_MAX_ROUTES)
        d->nroutes++;
}

/* NEW_KEY (options == 0 and !v2) or NEW_KEY_V2 for a peer; returns the status and records the key on success. */
static inline int32_t fuzz_new_key(struct fuzz_dev *d, struct fuzz_peer *p, int slot, int32_t alg, int32_t key_len,
                                   uint8_t key_id, uint32_t options, bool v2)
{
    fuzz_crypto_data_v2 kd;
    memset(&kd, 0, sizeof kd);
    fuzz_key_material(p->id, key_id & 7, 0, kd.V1.Encrypt.Key.FixedElementField, kd.V1.Encrypt.NonceTail.FixedElementField);
    fuzz_key_material(p->id, key_id & 7, 1, kd.V1.Decrypt.Key.FixedElementField, kd.V1.Decrypt.NonceTail.FixedElementField);
    kd.V1.Encrypt.KeyLen = (uint8_t)key_len;
    kd.V1.Decrypt.KeyLen = (uint8_t)key_len;
    kd.V1.KeySlot = slot;
    kd.V1.CipherAlg = alg;
    kd.V1.KeyId = key_id;
    kd.V1.PeerId = p->id;
    kd.CryptoOptions = options;
    int32_t status = v2 ? fuzz_ioctl(d, FN_NEW_KEY_V2, &kd, (int32_t)sizeof kd, NULL, 0)
                        : fuzz_ioctl(d, FN_NEW_KEY, &kd.V1, (int32_t)sizeof kd.V1, NULL, 0);
    if (status == FUZZ_STATUS_SUCCESS) {
        struct fuzz_key *k = &p->slots[slot];
        k->in_use = 1;
        k->alg = alg;
        k->key_len = alg == FUZZ_CIPHER_NONE ? 0 : key_len;
        k->options = v2 ? options : 0;
        k->key_id = key_id & 7;
        k->next_pid = 0;
    }
    return status;
}

/* A cipher choice from one byte: (alg, key length, options). */
static inline void fuzz_cipher_choice(uint8_t c, int32_t *alg, int32_t *key_len, uint32_t *options)
{
    static const int32_t lens[3] = {16, 24, 32};
    switch (c % 5) {
    case 0: *alg = FUZZ_CIPHER_NONE; *key_len = 0; break;
    case 1: case 2: *alg = FUZZ_CIPHER_AES_GCM; *key_len = lens[(c / 5) % 3]; break;
    case 3: *alg = FUZZ_CIPHER_CHACHA; *key_len = 32; break;
    default: *alg = FUZZ_CIPHER_AES_GCM; *key_len = 32; break;
    }
    *options = ((c >> 5) & 1) && *alg != FUZZ_CIPHER_NONE ? FUZZ_OPT_EPOCH : 0; /* epoch keys need an AEAD cipher */
}

/* MP_NEW_PEER of model peer `i` (id i+1, the last one 0xFFFFFE), VPN 10.8.0.<i+2> and fd00::<i+2>. */
static inline int32_t fuzz_mp_add_peer(struct fuzz_dev *d, int i, bool v6_transport, bool with_vpn4, bool with_vpn6)
{
    struct fuzz_peer *p = &d->peers[i];
    fuzz_mp_new_peer np;
    memset(&np, 0, sizeof np);
    int32_t id = i == FUZZ_MAX_PEERS - 1 ? 0xFFFFFE : i + 1;
    np.Local = fuzz_sockaddr_make(v6_transport, 0, 1, 1194);
    np.Remote = fuzz_sockaddr_make(v6_transport, 1, (uint8_t)(i + 1), (uint16_t)(40000 + i));
    uint8_t vpn4[4] = {10, 8, 0, (uint8_t)(i + 2)};
    uint8_t vpn6[16] = {0xfd, 0x00};
    vpn6[15] = (uint8_t)(i + 2);
    if (with_vpn4)
        memcpy(np.VpnAddr4.Bytes.FixedElementField, vpn4, 4);
    if (with_vpn6)
        memcpy(np.VpnAddr6.Bytes.FixedElementField, vpn6, 16);
    np.PeerId = id;
    int32_t status = fuzz_ioctl(d, FN_MP_NEW_PEER, &np, (int32_t)sizeof np, NULL, 0);
    if (status == FUZZ_STATUS_SUCCESS) {
        memset(p, 0, sizeof *p);
        p->live = 1;
        p->id = id;
        p->v6_transport = v6_transport;
        p->remote = np.Remote;
        memcpy(p->vpn4, vpn4, 4);
        memcpy(p->vpn6, vpn6, 16);
        if (with_vpn4)
            fuzz_route_remember(d, 0, vpn4, 32, i);
        if (with_vpn6)
            fuzz_route_remember(d, 1, vpn6, 128, i);
    }
    return status;
}

/* A P2P device: NEW_PEER (UDP, or TCP connected), a primary key, SET_PEER, START_VPN. */
static inline void fuzz_p2p_device(struct fuzz_dev *d, int proto, uint8_t cipher, bool v6_transport)
{
    memset(d, 0, sizeof *d);
    d->mode = FUZZ_MODE_P2P;
    d->proto = proto;
    d->s = ovpn_dco_create(1);
    FUZZ_CHECK(d->s != NULL, "ovpn_dco_create");
    fuzz_new_peer np;
    memset(&np, 0, sizeof np);
    np.Local = fuzz_sockaddr_make(v6_transport, 0, 1, 1194);
    np.Remote = fuzz_sockaddr_make(v6_transport, 1, 1, 1195);
    np.Proto = proto;
    FUZZ_SETUP(d, FN_NEW_PEER, &np, (int32_t)sizeof np);
    if (proto == FUZZ_PROTO_TCP)
        ovpn_dco_transport_connected(d->s, FUZZ_STATUS_SUCCESS);
    struct fuzz_peer *p = &d->peers[0];
    p->live = 1;
    p->id = 0;
    p->v6_transport = v6_transport;
    p->remote = np.Remote;
    int32_t alg, key_len;
    uint32_t options;
    fuzz_cipher_choice(cipher, &alg, &key_len, &options);
    int32_t status = fuzz_new_key(d, p, 0, alg, key_len, 0, options, options != 0);
    FUZZ_CHECK(status == FUZZ_STATUS_SUCCESS, "setup NEW_KEY failed: 0x%08x", (unsigned)status);
    fuzz_set_peer sp;
    memset(&sp, 0, sizeof sp);
    sp.KeepaliveInterval = 10;
    sp.KeepaliveTimeout = 60;
    sp.MSS = 0;
    FUZZ_SETUP(d, FN_SET_PEER, &sp, (int32_t)sizeof sp);
    FUZZ_SETUP(d, FN_START_VPN, NULL, 0);
}

/* An MP device: SET_MODE MP, MP_START_VPN, `npeers` peers (VPN v4 and v6, keys of `cipher`), keepalive 10/60. */
static inline void fuzz_mp_device(struct fuzz_dev *d, int npeers, uint8_t cipher, bool v6_listen)
{
    memset(d, 0, sizeof *d);
    d->mode = FUZZ_MODE_MP;
    d->proto = FUZZ_PROTO_UDP;
    d->s = ovpn_dco_create(1);
    FUZZ_CHECK(d->s != NULL, "ovpn_dco_create");
    fuzz_set_mode sm;
    memset(&sm, 0, sizeof sm);
    sm.Mode = FUZZ_MODE_MP;
    FUZZ_SETUP(d, FN_SET_MODE, &sm, (int32_t)sizeof sm);
    fuzz_mp_start_vpn sv;
    memset(&sv, 0, sizeof sv);
    sv.ListenAddress = fuzz_sockaddr_make(v6_listen, 0, 1, 1194);
    FUZZ_SETUP(d, FN_MP_START_VPN, &sv, (int32_t)sizeof sv);
    for (int i = 0; i < npeers && i < FUZZ_MAX_PEERS; i++) {
        int32_t status = fuzz_mp_add_peer(d, i, (i & 1) != 0, true, true);
        FUZZ_CHECK(status == FUZZ_STATUS_SUCCESS, "setup MP_NEW_PEER %d failed: 0x%08x", i, (unsigned)status);
        int32_t alg, key_len;
        uint32_t options;
        fuzz_cipher_choice((uint8_t)(cipher + i), &alg, &key_len, &options);
        if (alg == FUZZ_CIPHER_NONE) { /* MP refuses cipher NONE (driver/README.md): an authenticated cipher instead */
            alg = FUZZ_CIPHER_CHACHA;
            key_len = 32;
        }
        status = fuzz_new_key(d, &d->peers[i], 0, alg, key_len, 0, options, options != 0);
        FUZZ_CHECK(status == FUZZ_STATUS_SUCCESS, "setup NEW_KEY %d failed: 0x%08x", i, (unsigned)status);
        fuzz_mp_set_peer sp;
        memset(&sp, 0, sizeof sp);
        sp.PeerId = d->peers[i].id;
        sp.KeepaliveInterval = 10;
        sp.KeepaliveTimeout = 60;
        sp.MSS = 0;
        FUZZ_SETUP(d, FN_MP_SET_PEER, &sp, (int32_t)sizeof sp);
    }
}

static inline void fuzz_device_destroy(struct fuzz_dev *d)
{
    g_host.alloc_countdown = 0;
    g_host.fail_aead_create = g_host.fail_seal = 0;
    ovpn_dco_destroy(d->s);
    d->s = NULL;
}

/* ---- packets ---------------------------------------------------------------------------------------------------- */

static inline uint32_t fuzz_sum16(uint32_t sum, const uint8_t *b, int n)
{
    for (int i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        sum += (uint32_t)b[n - 1] << 8;
    return sum;
}
static inline uint16_t fuzz_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)sum;
}

/* One's-complement sum of the TCP/UDP pseudo header and segment (0xFFFF when the checksum in it is right). */
static inline uint16_t fuzz_l4_sum(const uint8_t *ip, int len)
{
    bool v6 = (ip[0] >> 4) == 6;
    int l4 = v6 ? 40 : (ip[0] & 15) * 4;
    int seg = len - l4;
    uint32_t sum = v6 ? fuzz_sum16(0, ip + 8, 32) : fuzz_sum16(0, ip + 12, 8);
    sum += (uint32_t)(v6 ? ip[6] : ip[9]) + (uint32_t)seg;
    return fuzz_fold(fuzz_sum16(sum, ip + l4, seg));
}

/*
 * An IPv4/IPv6 packet from src to dst built from the input: UDP, TCP (SYN with an MSS option at an input-chosen
 * position among NOPs and other options), or raw payload; total length up to `max`. Checksums are valid for TCP
 * and UDP. Returns the length.
 */
static inline int fuzz_ip_packet(struct fuzz_in *in, bool v6, const uint8_t *src, const uint8_t *dst, uint8_t *pkt, int max)
{
    uint8_t kind = fin_u8(in);
    int hdr = v6 ? 40 : 20;
    int payload = fin_u16(in) % (max - hdr - 60 + 1);
    int l4 = hdr, l4len;
    memset(pkt, 0, (size_t)max);
    if ((kind & 3) == 0 || (kind & 3) == 3) {
        /* TCP: options area 0..40 bytes (data offset), MSS option at an input-chosen place */
        int opts = (kind >> 2) % 11 * 4;
        uint8_t *t = pkt + l4;
        t[12] = (uint8_t)((5 + opts / 4) << 4);
        t[13] = (kind & 3) == 0 ? 0x02 : fin_u8(in); /* SYN, or any flags */
        uint16_t mss = fin_u16(in);
        int at = opts > 0 ? fin_u8(in) % opts : 0;
        for (int i = 0; i < opts; i++)
            t[20 + i] = 1; /* NOP */
        uint8_t shape = fin_u8(in);
        if (opts >= 4 && at + 4 <= opts) {
            if (shape & 1) { t[20 + at] = 3; t[21 + at] = 3; at += 3; } /* window scale first */
            if (at + 4 <= opts) {
                t[20 + at] = 2; t[21 + at] = (shape & 2) ? 4 : (uint8_t)(shape >> 4); /* usually len 4 */
                t[22 + at] = (uint8_t)(mss >> 8); t[23 + at] = (uint8_t)mss;
                if ((shape & 4) && at + 4 < opts)
                    t[24 + at] = 0; /* end of options */
            }
        }
        l4len = 20 + opts;
        if (l4 + l4len + payload > max)
            payload = max - l4 - l4len;
        fin_bytes(in, t + l4len, (size_t)payload);
        l4len += payload;
    } else if ((kind & 3) == 1) {
        l4len = 8 + payload;
        if (l4 + l4len > max)
            l4len = max - l4;
        memset(pkt + l4, 0, 8);
        fin_bytes(in, pkt + l4 + 8, (size_t)(l4len - 8));
        pkt[l4 + 4] = (uint8_t)(l4len >> 8); pkt[l4 + 5] = (uint8_t)l4len;
    } else {
        l4len = payload;
        fin_bytes(in, pkt + l4, (size_t)payload);
    }
    int len = l4 + l4len;
    uint8_t proto = (kind & 3) == 1 ? 17 : (kind & 3) == 2 ? fin_u8(in) : 6;
    if (!v6) {
        pkt[0] = 0x45;
        pkt[2] = (uint8_t)(len >> 8); pkt[3] = (uint8_t)len;
        pkt[6] = (kind & 0x80) ? fin_u8(in) : 0; /* fragment bits sometimes */
        pkt[8] = 64; pkt[9] = proto;
        memcpy(pkt + 12, src, 4);
        memcpy(pkt + 16, dst, 4);
        uint16_t c = (uint16_t)~fuzz_fold(fuzz_sum16(0, pkt, 20));
        pkt[10] = (uint8_t)(c >> 8); pkt[11] = (uint8_t)c;
    } else {
        pkt[0] = 0x60;
        pkt[4] = (uint8_t)((len - 40) >> 8); pkt[5] = (uint8_t)(len - 40);
        pkt[6] = proto; pkt[7] = 64;
        memcpy(pkt + 8, src, 16);
        memcpy(pkt + 24, dst, 16);
    }
    if (proto == 6 && l4len >= 20) {
        uint16_t c = (uint16_t)~fuzz_l4_sum(pkt, len);
        pkt[l4 + 16] = (uint8_t)(c >> 8); pkt[l4 + 17] = (uint8_t)c;
    } else if (proto == 17 && l4len >= 8) {
        uint16_t c = (uint16_t)~fuzz_l4_sum(pkt, len);
        pkt[l4 + 6] = (uint8_t)(c >> 8); pkt[l4 + 7] = (uint8_t)c;
    }
    return len;
}

/* ---- operations ------------------------------------------------------------------------------------------------ */

enum fuzz_op {
    OP_RX_SEALED,   /* an authenticated DATA_V2 packet (sealed by the harness) from a peer or another address */
    OP_RX_RAW,      /* raw transport bytes (any opcode, any length up to the maximum) */
    OP_TX,          /* an IP packet from the adapter to a routed/VPN/random address */
    OP_TIMER,       /* advance the virtual clock, run the device timer */
    OP_KEYS,        /* NEW_KEY / NEW_KEY_V2 / SWAP_KEYS / MP_SWAP_KEYS */
    OP_PEERS,       /* SET_PEER / MP_SET_PEER / MP_NEW_PEER / MP_DEL_PEER / DEL_PEER / NEW_PEER / START_VPN */
    OP_ROUTES,      /* MP_ADD_IROUTE / MP_DEL_IROUTE */
    OP_QUERY,       /* GET_STATS / GET_PEER_STATS / GET_VERSION / NOTIFY_EVENT / SET_MODE / control device */
    OP_IOCTL_RAW,   /* any code with fuzzer bytes */
    OP_CONTROL,     /* ReadFile / CancelRead / WriteFile / CancelPending */
    OP_TCP,         /* P2P TCP: sealed frames + raw bytes as a stream in input-chosen segments; connect/disconnect */
    OP_FAULT,       /* transport send failure, allocation failure countdown */
    OP_BULK,        /* many MP peers at once (table and timer heap growth), their removal; control queue floods */
    OP_COUNT
};
#define OPS_ALL ((1u << OP_COUNT) - 1)
#define OPB(op) (1u << (op))

static inline struct fuzz_peer *fuzz_pick_peer(struct fuzz_dev *d, uint8_t c)
{
    return d->mode == FUZZ_MODE_P2P ? &d->peers[0] : &d->peers[c % FUZZ_MAX_PEERS];
}

/* A plaintext for rx: IP from the peer's own address (or a route, or anything), a ping, or raw bytes. */
static inline int fuzz_rx_plaintext(struct fuzz_dev *d, struct fuzz_in *in, struct fuzz_peer *p, uint8_t *plain)
{
    uint8_t kind = fin_u8(in);
    uint8_t src[16] = {0}, dst[16] = {10, 8, 0, 1};
    switch (kind % 6) {
    case 0: memcpy(plain, fuzz_ping_magic, FUZZ_PING_LEN); return FUZZ_PING_LEN;
    case 1: return (int)fin_bytes(in, plain, fin_u16(in) % (FUZZ_MAX_WIRE + 1));
    default: break;
    }
    bool v6 = (kind & 8) != 0;
    if (v6) {
        memset(dst, 0, 16); dst[0] = 0xfd; dst[15] = 1;
    }
    if ((kind % 6) == 5 && d->nroutes > 0) {
        const struct fuzz_route *r = &d->routes[fin_u8(in) % d->nroutes];
        v6 = r->v6 != 0;
        memcpy(src, r->addr, 16);
        src[v6 ? 15 : 3] ^= (uint8_t)(fin_u8(in) & 1);
    } else if ((kind % 6) == 4) {
        fin_bytes(in, src, 16);
    } else {
        memcpy(src, v6 ? p->vpn6 : p->vpn4, v6 ? 16 : 4);
    }
    return fuzz_ip_packet(in, v6, src, dst, plain, FUZZ_MAX_PLAINTEXT + 40);
}

static inline void fuzz_op_rx_sealed(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t plain[FUZZ_MAX_WIRE + 64], wire[FUZZ_MAX_WIRE + 128];
    uint8_t c = fin_u8(in), ks = fin_u8(in), mode = fin_u8(in), from_c = fin_u8(in);
    struct fuzz_peer *p = fuzz_pick_peer(d, c);
    if (!p->live && d->mode == FUZZ_MODE_MP && (c & 0x80) == 0)
        return;
    struct fuzz_key *slot = &p->slots[ks & 1];
    struct fuzz_key k = *slot;
    /* the driver's own key, not mangled, and the slot rx picks for its key id (primary first) */
    bool genuine = k.in_use && (ks & 0x10) == 0 && (mode & 0x30) == 0
                   && ((ks & 1) == 0 || !p->slots[0].in_use || p->slots[0].key_id != k.key_id);
    if (!k.in_use || (ks & 0x10)) {
        k.alg = (ks & 0x20) ? FUZZ_CIPHER_AES_GCM : FUZZ_CIPHER_NONE; /* maybe a key the driver does not have */
        k.key_len = 16;
        k.key_id = (ks >> 1) & 7;
    }
    uint64_t pid;
    switch (mode % 8) {
    case 0: case 1: case 2: case 3: pid = ++slot->next_pid; break;  /* in order */
    case 4: pid = slot->next_pid; break;                            /* replay of the last */
    case 5: pid = slot->next_pid > 0 ? slot->next_pid - (fin_u16(in) % 3000) : 0; break; /* old */
    case 6: pid = slot->next_pid += (uint64_t)fin_u16(in) * 3; break; /* jump */
    default: /* epoch format: an epoch 0..9 (current, retiring, within the lookahead of 4 or beyond) and a counter */
        pid = (k.options & FUZZ_OPT_EPOCH) ? ((uint64_t)(fin_u8(in) % 10) << 48 | fin_u32(in)) : fin_u32(in);
        break;
    }
    int n = fuzz_rx_plaintext(d, in, p, plain);
    int max_plain = FUZZ_MAX_WIRE - 4 - fuzz_pid_len(k.options) - (k.alg == FUZZ_CIPHER_NONE ? 0 : 16) + (mode & 0x80 ? 1 : 0);
    if (n > max_plain)
        n = max_plain; /* the largest datagram the driver takes, or one byte more */
    int32_t header_id = d->mode == FUZZ_MODE_MP && (mode & 0x40) ? 0xFFFFFF : p->id;
    int len = fuzz_seal(&k, p->id, header_id, pid, plain, n, wire);
    if (mode & 0x20) /* corrupt one byte (header, pid, tag or ciphertext) */
        wire[fin_u16(in) % len] ^= (uint8_t)(fin_u8(in) | 1);
    if ((mode & 0x10) && len > 0) /* truncate */
        len = fin_u16(in) % len;
    fuzz_sockaddr from = p->remote;
    if (from_c & 1) /* another transport address: float (MP) or an unknown sender */
        from = fuzz_sockaddr_make((from_c & 2) != 0, 2, (uint8_t)(from_c >> 2), (uint16_t)(50000 + (from_c >> 4)));
    else if (from_c & 2)
        from = d->peers[(from_c >> 2) % FUZZ_MAX_PEERS].remote; /* another peer's address (maybe zero) */
    uint64_t delivered = g_host.delivered_count;
    if (from_c & 0x80) { /* the same datagram through the batch entry point (with a bad descriptor after it) */
        fuzz_rx_datagram batch[2];
        memset(batch, 0, sizeof batch);
        batch[0].Data = wire;
        batch[0].Length = len;
        batch[0].From = from;
        batch[1].Length = -1;
        ovpn_dco_transport_receive_batch(d->s, NULL, (from_c & 0x40) ? 1 : 0); /* nothing: refused */
        ovpn_dco_transport_receive_batch(d->s, batch, (from_c & 0x40) ? 2 : 1);
    } else {
        ovpn_dco_transport_receive(d->s, wire, len, &from);
    }
    if (g_host.delivered_count != delivered && genuine) /* an authentic packet is delivered whole (maybe MSS-clamped) */
        FUZZ_CHECK(g_host.delivered_len == n && ((g_host.delivered[0] >> 4) == 4 || (g_host.delivered[0] >> 4) == 6),
                   "delivered %d bytes (sealed %d), version %d", g_host.delivered_len, n, g_host.delivered[0] >> 4);
}

static inline void fuzz_op_rx_raw(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t wire[FUZZ_MAX_WIRE + 64];
    uint8_t from_c = fin_u8(in);
    size_t n = fin_bytes(in, wire, fin_u16(in) % (sizeof wire));
    fuzz_sockaddr from = d->peers[(from_c >> 1) % FUZZ_MAX_PEERS].remote;
    if (from_c & 1)
        from = fuzz_sockaddr_make((from_c & 2) != 0, 3, from_c, 7);
    if ((from_c & 0x81) == 0x81) /* an address of an unknown family: the driver must not read past 28 bytes */
        from.size_28[0] = from_c;
    ovpn_dco_transport_receive(d->s, wire, (int32_t)n, &from);
}

static inline void fuzz_op_tx(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t pkt[FUZZ_MAX_PLAINTEXT + 64], src[16] = {10, 8, 0, 1}, dst[16];
    uint8_t c = fin_u8(in);
    bool v6 = (c & 1) != 0;
    memset(dst, 0, sizeof dst);
    if ((c & 6) == 0 && d->nroutes > 0) { /* inside a routed prefix, host bits from the input */
        const struct fuzz_route *r = &d->routes[fin_u8(in) % d->nroutes];
        v6 = r->v6 != 0;
        uint8_t host[16] = {0};
        fin_bytes(in, host, 16);
        for (int i = 0; i < (v6 ? 16 : 4); i++) {
            int keep = r->bits - 8 * i;
            uint8_t mask = keep >= 8 ? 0xFF : keep <= 0 ? 0 : (uint8_t)(0xFF << (8 - keep));
            dst[i] = (uint8_t)((r->addr[i] & mask) | (host[i] & ~mask));
        }
    } else if ((c & 6) == 2) { /* a peer's VPN address */
        struct fuzz_peer *p = fuzz_pick_peer(d, fin_u8(in));
        memcpy(dst, v6 ? p->vpn6 : p->vpn4, v6 ? 16 : 4);
    } else {
        fin_bytes(in, dst, 16);
    }
    if (v6) {
        memset(src, 0, 16); src[0] = 0xfd; src[15] = 1;
    }
    int len = fuzz_ip_packet(in, v6, src, dst, pkt, (c & 0x80) ? FUZZ_MAX_PLAINTEXT + 40 : FUZZ_MAX_PLAINTEXT);
    if (c & 0x40)
        len = fin_u16(in) % (len + 1); /* truncated (maybe empty) */
    bool tcp_ok = len >= (v6 ? 60 : 40) && pkt[v6 ? 6 : 9] == 6 && (c & 0x40) == 0 && fuzz_l4_sum(pkt, len) == 0xFFFF;
    uint64_t sent = g_host.sent_count;
    int32_t status;
    if (c & 0x20) { /* through the batch entry point (maybe with a bad descriptor after it) */
        fuzz_tx_packet batch[2] = { { .Data = pkt, .Length = len, .Status = 0 }, { .Data = NULL, .Length = -1, .Status = 0 } };
        ovpn_dco_adapter_transmit_batch(d->s, NULL, (c & 0x08) ? 1 : 0); /* nothing: refused */
        ovpn_dco_adapter_transmit_batch(d->s, batch, (c & 0x08) ? 2 : 1);
        FUZZ_CHECK(!(c & 0x08) || batch[1].Status == (int32_t)0xC000000Du, "a bad descriptor got status 0x%x", (unsigned)batch[1].Status);
        status = batch[0].Status;
    } else {
        status = ovpn_dco_adapter_transmit(d->s, pkt, len);
    }
    if (tcp_ok) /* MSS clamping must keep the TCP checksum right */
        FUZZ_CHECK(fuzz_l4_sum(pkt, len) == 0xFFFF, "TCP checksum broken by the driver (len %d)", len);
    if (status == FUZZ_STATUS_SUCCESS && d->mode == FUZZ_MODE_P2P && g_host.sent_count != sent) {
        /* P2P oracle: what went out opens with the peer's encrypt key to exactly the (clamped) packet */
        struct fuzz_peer *p = &d->peers[0];
        int prefix = d->proto == FUZZ_PROTO_TCP ? 2 : 0;
        uint8_t key_id = g_host.sent[prefix] & 7, plain[FUZZ_MAX_WIRE + 64];
        int n = 0;
        FUZZ_CHECK(p->slots[0].in_use && p->slots[0].key_id == key_id, "sent with key id %d, not the primary's", key_id);
        FUZZ_CHECK(fuzz_open(&p->slots[0], p->id, g_host.sent + prefix, g_host.sent_len - prefix, plain, &n),
                   "sent packet does not authenticate");
        FUZZ_CHECK(n == len && memcmp(plain, pkt, (size_t)len) == 0, "sent packet is not the transmitted one");
    }
}

static inline void fuzz_op_timer(struct fuzz_dev *d, struct fuzz_in *in)
{
    static const int64_t steps[8] = {0, 1, 999, 1000, 5000, 10000, 30001, 61000};
    uint8_t c = fin_u8(in);
    g_host.now_ms += (c & 8) ? (int64_t)fin_u16(in) * 10 : steps[c & 7];
    if ((c & 0x10) || (g_host.timer_due != 0 && g_host.now_ms >= g_host.timer_due))
        ovpn_dco_on_timer(d->s);
}

static inline void fuzz_swap_model(struct fuzz_peer *p)
{
    struct fuzz_key t = p->slots[0];
    p->slots[0] = p->slots[1];
    p->slots[1] = t;
}

static inline void fuzz_op_keys(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t c = fin_u8(in), pc = fin_u8(in), cc = fin_u8(in), key_id = fin_u8(in);
    struct fuzz_peer *p = fuzz_pick_peer(d, pc);
    struct fuzz_peer ghost = {.id = (pc & 8) ? -1 - (pc >> 4) : 0x00F00000 + pc}; /* ids no model peer has */
    if (!p->live && d->mode == FUZZ_MODE_MP)
        p = &ghost; /* unknown peer id: refused */
    switch (c % 4) {
    case 0: case 1: {
        int32_t alg, key_len;
        uint32_t options;
        fuzz_cipher_choice(cc, &alg, &key_len, &options);
        if (c & 0x10)
            options |= FUZZ_OPT_UNKNOWN; /* refused */
        if (c & 0x20)
            key_len = fin_u8(in); /* often invalid */
        if (c & 0x40)
            alg = fin_u8(in) % 4;
        fuzz_new_key(d, p, (c & 4) ? 1 : (c & 8) ? 2 : 0, alg, key_len, key_id, options, (c % 4) == 1);
        break;
    }
    case 2:
        if (d->mode == FUZZ_MODE_MP) {
            fuzz_mp_swap_keys sk;
            memset(&sk, 0, sizeof sk);
            sk.PeerId = p->id;
            if (fuzz_ioctl(d, FN_MP_SWAP_KEYS, &sk, (int32_t)sizeof sk, NULL, 0) == FUZZ_STATUS_SUCCESS)
                fuzz_swap_model(p);
        } else if (fuzz_ioctl(d, FN_SWAP_KEYS, NULL, 0, NULL, 0) == FUZZ_STATUS_SUCCESS) {
            fuzz_swap_model(p);
        }
        break;
    default:
        fuzz_ioctl(d, d->mode == FUZZ_MODE_MP ? FN_SWAP_KEYS : FN_MP_SWAP_KEYS, NULL, 0, NULL, 0); /* wrong mode */
        break;
    }
}

static inline void fuzz_op_peers(struct fuzz_dev *d, struct fuzz_in *in)
{
    static const int32_t values[8] = {-2, -1, 0, 1, 5, 10, 60, 0x7FFFFFFF};
    static const int32_t mss[8] = {-1, 0, 1, 536, 1200, 1360, 65535, 65536};
    uint8_t c = fin_u8(in), pc = fin_u8(in), v = fin_u8(in);
    struct fuzz_peer *p = fuzz_pick_peer(d, pc);
    int i = (int)(p - d->peers);
    switch (c % 6) {
    case 0: case 1: { /* keepalive and MSS */
        int32_t interval = values[v & 7], timeout = values[(v >> 3) & 7], m = mss[(v >> 5) & 7];
        if (d->mode == FUZZ_MODE_MP) {
            fuzz_mp_set_peer sp;
            memset(&sp, 0, sizeof sp);
            sp.PeerId = p->live ? p->id : 77;
            sp.KeepaliveInterval = interval;
            sp.KeepaliveTimeout = timeout;
            sp.MSS = m;
            fuzz_ioctl(d, FN_MP_SET_PEER, &sp, (int32_t)sizeof sp, NULL, 0);
        } else {
            fuzz_set_peer sp;
            memset(&sp, 0, sizeof sp);
            sp.KeepaliveInterval = interval;
            sp.KeepaliveTimeout = timeout;
            sp.MSS = m;
            fuzz_ioctl(d, FN_SET_PEER, &sp, (c & 0x80) ? 8 : (int32_t)sizeof sp, NULL, 0);
        }
        break;
    }
    case 2: /* new peer */
        if (d->mode == FUZZ_MODE_MP && (c & 0x80)) { /* refused variants: bad id, duplicate remote, mixed families */
            fuzz_mp_new_peer np;
            memset(&np, 0, sizeof np);
            static const int32_t ids[4] = {-1, 0xFFFFFF, 0x7FFFFFFF, 55};
            np.Local = fuzz_sockaddr_make((v & 1) != 0, 0, 1, 1194);
            np.Remote = (v & 2) ? d->peers[(v >> 4) % FUZZ_MAX_PEERS].remote : fuzz_sockaddr_make((v & 1) == 0, 5, 5, 5);
            np.PeerId = (v & 4) ? ids[(v >> 2) & 3] : 60 + (v >> 4);
            np.VpnAddr4.Bytes.FixedElementField[0] = (v & 8) ? 10 : 0;
            fuzz_ioctl(d, FN_MP_NEW_PEER, &np, (int32_t)sizeof np, NULL, 0);
        } else if (d->mode == FUZZ_MODE_MP) {
            if (fuzz_mp_add_peer(d, i, (v & 1) != 0, (v & 2) == 0, (v & 4) == 0) == FUZZ_STATUS_SUCCESS && (v & 8) == 0) {
                int32_t alg, key_len;
                uint32_t options;
                fuzz_cipher_choice((uint8_t)(v >> 4), &alg, &key_len, &options);
                fuzz_new_key(d, p, 0, alg, key_len, 0, options, options != 0);
            }
        } else {
            fuzz_new_peer np;
            memset(&np, 0, sizeof np);
            bool v6 = (v & 1) != 0;
            np.Local = fuzz_sockaddr_make(v6, 0, 1, 1194);
            np.Remote = fuzz_sockaddr_make((v & 2) ? !v6 : v6, 1, 1, 1195); /* sometimes mixed families */
            np.Proto = d->proto;
            int32_t status = fuzz_ioctl(d, FN_NEW_PEER, &np, (int32_t)sizeof np, NULL, 0);
            if (status == FUZZ_STATUS_PENDING && (v & 4))
                ovpn_dco_transport_connected(d->s, (v & 8) ? FUZZ_STATUS_UNSUCCESSFUL : FUZZ_STATUS_SUCCESS);
            if (status == FUZZ_STATUS_SUCCESS || status == FUZZ_STATUS_PENDING) {
                memset(p->slots, 0, sizeof p->slots);
                p->live = 1;
                p->remote = np.Remote;
            }
        }
        break;
    case 3: /* delete */
        if (d->mode == FUZZ_MODE_MP) {
            fuzz_mp_del_peer dp;
            memset(&dp, 0, sizeof dp);
            dp.PeerId = p->live ? p->id : (int32_t)v - 128;
            if (fuzz_ioctl(d, FN_MP_DEL_PEER, &dp, (int32_t)sizeof dp, NULL, 0) == FUZZ_STATUS_SUCCESS && p->live && dp.PeerId == p->id)
                p->live = 0;
        } else if (fuzz_ioctl(d, FN_DEL_PEER, NULL, 0, NULL, 0) == FUZZ_STATUS_SUCCESS) {
            p->live = 0;
        }
        break;
    case 4:
        fuzz_ioctl(d, FN_START_VPN, NULL, 0, NULL, 0);
        break;
    default: { /* MP_START_VPN again, or with a bad family */
        fuzz_mp_start_vpn sv;
        memset(&sv, 0, sizeof sv);
        sv.ListenAddress = fuzz_sockaddr_make((v & 1) != 0, 0, 1, 1194);
        if (v & 2)
            sv.ListenAddress.size_28[0] = v;
        sv.IPv6Only = (v >> 2) & 1;
        fuzz_ioctl(d, FN_MP_START_VPN, &sv, (int32_t)sizeof sv, NULL, 0);
        break;
    }
    }
}

static inline void fuzz_op_routes(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t c = fin_u8(in), pc = fin_u8(in), a = fin_u8(in), bits = fin_u8(in);
    struct fuzz_peer *p = fuzz_pick_peer(d, pc);
    fuzz_mp_iroute r;
    memset(&r, 0, sizeof r);
    bool v6 = (c & 2) != 0;
    uint8_t *addr = r.Addr.size_16;
    switch (a % 5) {
    case 0: memcpy(addr, v6 ? p->vpn6 : p->vpn4, v6 ? 16 : 4); break;       /* the peer's VPN address */
    case 1: if (v6) { addr[0] = 0x20; addr[1] = 0x01; addr[2] = 0x0d; addr[3] = 0xb8; }
            else { addr[0] = 192; addr[1] = 168; } break;                     /* 192.168.0.0, 2001:db8:: */
    case 2: if (v6) addr[0] = 0xfd; else { addr[0] = 10; addr[1] = 8; } break; /* the VPN network */
    case 3: break;                                                           /* default route */
    default: fin_bytes(in, addr, v6 ? 16 : 4); break;
    }
    r.Netbits = (a & 0x80) ? (int32_t)bits - 128 : (v6 ? bits % 130 : bits % 34); /* sometimes out of range */
    if ((c & 8) && d->nroutes > 0) { /* a prefix that was routed (VPN address or iroute), to its peer or another */
        const struct fuzz_route *known = &d->routes[bits % d->nroutes];
        v6 = known->v6 != 0;
        memcpy(addr, known->addr, 16);
        r.Netbits = known->bits;
        if ((c & 0x10) == 0)
            p = &d->peers[known->peer];
    }
    r.PeerId = p->live || d->mode == FUZZ_MODE_P2P ? p->id : (c & 4 ? -1 : 4242);
    r.IPv6 = v6 ? 1 : 0;
    if ((c & 1) == 0) {
        if (fuzz_ioctl(d, FN_MP_ADD_IROUTE, &r, (int32_t)sizeof r, NULL, 0) == FUZZ_STATUS_SUCCESS)
            fuzz_route_remember(d, v6, addr, r.Netbits, (int)(p - d->peers));
    } else {
        fuzz_ioctl(d, FN_MP_DEL_IROUTE, &r, (int32_t)sizeof r, NULL, 0);
    }
}

static inline void fuzz_op_query(struct fuzz_dev *d, struct fuzz_in *in)
{
    static const int32_t out_lens[8] = {0, 3, 4, 40, 63, 64, 144, 400};
    uint8_t c = fin_u8(in), v = fin_u8(in);
    uint8_t out[512] = {0};
    int32_t returned = -1, out_len = out_lens[v & 7];
    switch (c % 7) {
    case 0: fuzz_ioctl(d, FN_GET_STATS, NULL, 0, out, out_len); break;
    case 1: {
        int32_t id = (v & 8) ? -1 : fuzz_pick_peer(d, v >> 4)->id;
        fuzz_ioctl(d, FN_GET_PEER_STATS, &id, (v & 0x80) ? 2 : 4, out, out_len);
        break;
    }
    case 2: fuzz_ioctl(d, FN_NOTIFY_EVENT, NULL, 0, out, out_len); break;
    case 3: fuzz_ioctl(d, FN_GET_VERSION, NULL, 0, out, out_len); break;
    case 4: {
        fuzz_set_mode sm;
        memset(&sm, 0, sizeof sm);
        sm.Mode = v & 3;
        fuzz_ioctl(d, FN_SET_MODE, &sm, (int32_t)sizeof sm, NULL, 0);
        break;
    }
    case 5: /* the control device \\.\ovpn-dco-ver */
        ovpn_dco_ioctl(d->s, FUZZ_IOCTL(v % 21), out, 64, out, out_len, &returned, true);
        FUZZ_CHECK(returned >= 0 && returned <= out_len, "control device returned %d for %d", returned, out_len);
        break;
    default: /* the NOTIFY_EVENT queue: drain it */
        for (int i = 0; i < 8; i++)
            if (fuzz_ioctl(d, FN_NOTIFY_EVENT, NULL, 0, out, 144) != FUZZ_STATUS_SUCCESS)
                break;
        break;
    }
}

static inline void fuzz_op_ioctl_raw(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t buf[300], out[300];
    uint8_t fn = fin_u8(in), in_len = fin_u8(in), out_len = fin_u8(in);
    size_t n = fin_bytes(in, buf, in_len);
    uint32_t code = fn < 64 ? FUZZ_IOCTL(fn) : (uint32_t)fn << 8;
    int32_t returned = -1;
    ovpn_dco_ioctl(d->s, code, buf, (int32_t)n, out, out_len, &returned, (fn & 0x40) != 0);
    FUZZ_CHECK(returned >= 0 && returned <= out_len, "IOCTL 0x%x returned %d for %d", code, returned, out_len);
}

/* The C API's argument checks: negative lengths and NULL out-pointers are refused without touching the state. */
static inline void fuzz_invalid_arguments(struct fuzz_dev *d, uint8_t v)
{
    uint8_t buf[64] = {0};
    int32_t n = 0;
    fuzz_sockaddr from = d->peers[0].remote;
    switch (v % 8) {
    case 0: FUZZ_CHECK(ovpn_dco_ioctl(d->s, FUZZ_IOCTL(FN_GET_STATS), buf, -1, buf, 64, &n, false) != FUZZ_STATUS_SUCCESS, "negative input length"); break;
    case 1: FUZZ_CHECK(ovpn_dco_ioctl(d->s, FUZZ_IOCTL(FN_GET_STATS), buf, 0, buf, -1, &n, false) != FUZZ_STATUS_SUCCESS, "negative output length"); break;
    case 2: FUZZ_CHECK(ovpn_dco_ioctl(d->s, FUZZ_IOCTL(FN_GET_STATS), buf, 0, buf, 64, NULL, false) != FUZZ_STATUS_SUCCESS, "NULL bytesReturned"); break;
    case 3: FUZZ_CHECK(ovpn_dco_read_control(d->s, 1, buf, -1, &n) != FUZZ_STATUS_SUCCESS, "negative read length"); break;
    case 4: FUZZ_CHECK(ovpn_dco_read_control(d->s, 1, buf, 64, NULL) != FUZZ_STATUS_SUCCESS, "NULL bytesRead"); break;
    case 5: ovpn_dco_transport_receive(d->s, buf, -1, &from); ovpn_dco_transport_receive(d->s, buf, 8, NULL); break;
    case 6: ovpn_dco_transport_stream(d->s, buf, -1); break;
    default:
        FUZZ_CHECK(ovpn_dco_adapter_transmit(d->s, buf, -1) != FUZZ_STATUS_SUCCESS, "negative tx length");
        FUZZ_CHECK(ovpn_dco_write_control(d->s, buf, -1) != FUZZ_STATUS_SUCCESS, "negative write length");
        break;
    }
}

static inline void fuzz_op_control(struct fuzz_dev *d, struct fuzz_in *in)
{
    static const int32_t sizes[4] = {2048 + 28, 16, 100, 0};
    uint8_t c = fin_u8(in), v = fin_u8(in);
    uint8_t buf[2048 + 64];
    int32_t got = -1;
    switch (c % 5) {
    case 0: case 1: { /* ReadFile: completes from the queue or pends */
        int32_t size = sizes[v & 3];
        int32_t status = ovpn_dco_read_control(d->s, ++d->next_request, buf, size, &got);
        FUZZ_CHECK(got >= 0 && got <= size, "read %d bytes into %d (status 0x%x)", got, size, (unsigned)status);
        break;
    }
    case 2: /* cancel a read (maybe one that completed) */
        ovpn_dco_cancel_read(d->s, d->next_request - (v & 3));
        break;
    case 3: { /* WriteFile: MP with a sockaddr prefix (v4/v6/bad family), P2P raw */
        size_t n = 0;
        if (d->mode == FUZZ_MODE_MP && (v & 1) == 0) {
            fuzz_sockaddr to = fuzz_pick_peer(d, v >> 4)->remote;
            if (to.size_28[0] == 0)
                to = fuzz_sockaddr_make((v & 2) != 0, 4, 4, 4);
            n = to.size_28[0] == FUZZ_AF_INET ? 16 : 28;
            memcpy(buf, to.size_28, n);
        }
        size_t len = fin_u16(in) % 1600;
        n += fin_bytes(in, buf + n, len);
        ovpn_dco_write_control(d->s, buf, (int32_t)n);
        break;
    }
    default:
        if (v & 0x80)
            fuzz_invalid_arguments(d, v);
        else
            ovpn_dco_cancel_pending(d->s, v & 1);
        break;
    }
}

static inline void fuzz_op_tcp(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t stream[2 * (FUZZ_MAX_WIRE + 64)], plain[FUZZ_MAX_WIRE];
    uint8_t c = fin_u8(in);
    size_t n = 0;
    switch (c % 8) {
    case 0: ovpn_dco_transport_connected(d->s, (c & 8) ? FUZZ_STATUS_UNSUCCESSFUL : FUZZ_STATUS_SUCCESS); return;
    case 1: ovpn_dco_transport_disconnected(d->s); return;
    default: break;
    }
    for (int frames = (c >> 3) % 3 + 1; frames > 0 && n + FUZZ_MAX_WIRE + 4 < sizeof stream; frames--) {
        uint8_t f = fin_u8(in);
        int len;
        if (f & 1) { /* a sealed data packet */
            struct fuzz_peer *p = &d->peers[0];
            struct fuzz_key *slot = &p->slots[(f >> 1) & 1];
            struct fuzz_key k = *slot;
            if (!k.in_use) {
                k.alg = FUZZ_CIPHER_NONE;
                k.key_id = (f >> 2) & 7;
            }
            int pn = fuzz_rx_plaintext(d, in, p, plain);
            if (pn > 2048 - 40)
                pn = 2048 - 40;
            len = fuzz_seal(&k, p->id, p->id, ++slot->next_pid, plain, pn, stream + n + 2);
        } else { /* raw frame (control packet or garbage) */
            len = (int)fin_bytes(in, stream + n + 2, fin_u16(in) % 2100);
        }
        uint16_t prefix = (f & 0x10) ? fin_u16(in) : (uint16_t)len; /* sometimes a lying length */
        stream[n] = (uint8_t)(prefix >> 8);
        stream[n + 1] = (uint8_t)prefix;
        n += 2 + (size_t)len;
    }
    size_t at = 0;
    while (at < n) { /* segments of input-chosen sizes */
        size_t seg = (size_t)fin_u8(in) * 9 + 1;
        if (seg > n - at)
            seg = n - at;
        ovpn_dco_transport_stream(d->s, stream + at, (int32_t)seg);
        at += seg;
    }
}

static inline void fuzz_op_fault(struct fuzz_dev *d, struct fuzz_in *in)
{
    (void)d;
    uint8_t c = fin_u8(in);
    switch (c % 6) {
    case 0: g_host.fail_send = !g_host.fail_send; break;
    case 1: g_host.alloc_countdown = (c >> 3) % 4 + 1; break; /* one of the next allocations fails */
    case 2: g_host.open_mode = (g_host.open_mode + 1 + (c >> 3) % 2) % 3; break;
    case 3: g_host.fail_listen = !g_host.fail_listen; break;
    case 4: g_host.fail_aead_create = !g_host.fail_aead_create; break;
    default: g_host.fail_seal = !g_host.fail_seal; break;
    }
}

static inline void fuzz_op_bulk(struct fuzz_dev *d, struct fuzz_in *in)
{
    uint8_t c = fin_u8(in);
    if ((c & 3) == 3) { /* flood the queues: 70 control packets, 70 pending reads (both hold 64) */
        uint8_t packet[32] = {0x20, 1, 2, 3};
        uint8_t buf[64];
        int32_t got = 0;
        fuzz_sockaddr from = d->peers[0].remote;
        for (int k = 0; k < 70; k++)
            ovpn_dco_transport_receive(d->s, packet, (int32_t)sizeof packet, &from);
        for (int k = 0; k < 140; k++)
            ovpn_dco_read_control(d->s, ++d->next_request, buf, (int32_t)sizeof buf, &got);
        return;
    }
    if (d->mode != FUZZ_MODE_MP)
        return;
    if ((c & 1) == 0) { /* add: peer ids FUZZ_BULK_BASE.. with VPN 10.9.x.y, keepalive 1 s; at most 400 peers (more,
                           to overflow the 1024-event NOTIFY_EVENT queue, cost 8x the execs/s: left out) */
        int count = (c >> 2) + 1;
        for (int k = 0; k < count && d->bulk < 400; k++, d->bulk++) {
            fuzz_mp_new_peer np;
            memset(&np, 0, sizeof np);
            np.Local = fuzz_sockaddr_make(false, 0, 1, 1194);
            np.Remote = fuzz_sockaddr_make(false, 9, (uint8_t)(d->bulk >> 8), (uint16_t)(1000 + d->bulk));
            np.VpnAddr4.Bytes.FixedElementField[0] = 10;
            np.VpnAddr4.Bytes.FixedElementField[1] = 9;
            np.VpnAddr4.Bytes.FixedElementField[2] = (uint8_t)(d->bulk >> 8);
            np.VpnAddr4.Bytes.FixedElementField[3] = (uint8_t)d->bulk;
            np.PeerId = FUZZ_BULK_BASE + d->bulk;
            if (fuzz_ioctl(d, FN_MP_NEW_PEER, &np, (int32_t)sizeof np, NULL, 0) != FUZZ_STATUS_SUCCESS)
                continue;
            fuzz_mp_set_peer sp;
            memset(&sp, 0, sizeof sp);
            sp.PeerId = np.PeerId;
            sp.KeepaliveInterval = 1 + (k & 1);
            sp.KeepaliveTimeout = 3 + k % 5;
            sp.MSS = -1;
            fuzz_ioctl(d, FN_MP_SET_PEER, &sp, (int32_t)sizeof sp, NULL, 0);
        }
    } else { /* delete every other bulk peer (tombstones, heap removal) */
        for (int k = (c >> 1) & 1; k < d->bulk; k += 2) {
            fuzz_mp_del_peer dp;
            memset(&dp, 0, sizeof dp);
            dp.PeerId = FUZZ_BULK_BASE + k;
            fuzz_ioctl(d, FN_MP_DEL_PEER, &dp, (int32_t)sizeof dp, NULL, 0);
        }
    }
}

/* Runs operations from the input until it ends (at most `max_ops`), each chosen among `ops` (a mask of OPB()). */
static inline void fuzz_run_ops(struct fuzz_dev *d, struct fuzz_in *in, uint32_t ops, int max_ops)
{
    int enabled[OP_COUNT], n = 0;
    for (int op = 0; op < OP_COUNT; op++)
        if (ops & OPB(op))
            enabled[n++] = op;
    for (int i = 0; i < max_ops && fin_more(in); i++) {
        switch (enabled[fin_u8(in) % n]) {
        case OP_RX_SEALED: fuzz_op_rx_sealed(d, in); break;
        case OP_RX_RAW: fuzz_op_rx_raw(d, in); break;
        case OP_TX: fuzz_op_tx(d, in); break;
        case OP_TIMER: fuzz_op_timer(d, in); break;
        case OP_KEYS: fuzz_op_keys(d, in); break;
        case OP_PEERS: fuzz_op_peers(d, in); break;
        case OP_ROUTES: fuzz_op_routes(d, in); break;
        case OP_QUERY: fuzz_op_query(d, in); break;
        case OP_IOCTL_RAW: fuzz_op_ioctl_raw(d, in); break;
        case OP_CONTROL: fuzz_op_control(d, in); break;
        case OP_TCP: fuzz_op_tcp(d, in); break;
        case OP_FAULT: fuzz_op_fault(d, in); break;
        default: fuzz_op_bulk(d, in); break;
        }
    }
}

#endif
