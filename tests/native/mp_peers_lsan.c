/*
 * mp_peers_lsan.c - multipeer mode at scale under ASan/LeakSanitizer: N peers created (each with a key and a VPN
 * address), looked up by sending traffic to each, then deleted; after destroy no allocation may remain.
 * Usage: mp_peers_lsan <peers>. Prints "<created> <sent> <live allocations after destroy>".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovpn_host.h"
#include "ovpn_hosted.h"
#include "ovpndco.h"

/* Self-contained (tests/fuzz/fuzz_common.h is the libFuzzer harnesses' and links with --wrap): host callbacks that
 * count sends, an IOCTL helper and an IPv4 sockaddr writer. */
#define FUZZ_IOCTL(fn) (0x00220000u | ((uint32_t)(fn) << 2))
static uint64_t g_sent;

static int32_t host_send(intptr_t c, int32_t p, const void *r, const uint8_t *d, int32_t n)
{
    (void)c; (void)p; (void)r; (void)d; (void)n;
    g_sent++;
    return 0;
}

static int32_t host_ok_listen(intptr_t c, const void *l, bool v6only) { (void)c; (void)l; (void)v6only; return 0; }

static void fuzz_install_host(void)
{
    struct ovpn_host_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.transport_send = host_send;
    ops.transport_listen = host_ok_listen;
    ovpn_host_set_ops(&ops);
}

static int32_t fuzz_ioctl(OvpnDco_Driver_DriverState *s, uint32_t code, void *in, int32_t len)
{
    int32_t returned = 0;
    uint8_t out[8];
    return ovpn_dco_ioctl(s, code, (uint8_t *)in, len, out, 0, &returned, false);
}

static void fuzz_sockaddr4(uint8_t *sa28, uint16_t port)
{
    memset(sa28, 0, 28);
    sa28[0] = 2;
    sa28[2] = (uint8_t)(port >> 8);
    sa28[3] = (uint8_t)port;
    sa28[4] = 127;
    sa28[7] = 1;
}

int main(int argc, char **argv)
{
    int peers = argc > 1 ? atoi(argv[1]) : 10000;
    int created = 0;
    uint8_t mode[4] = { 1, 0, 0, 0 };
    uint8_t start[32];
    fuzz_install_host();
    OvpnDco_Driver_DriverState *s = ovpn_dco_create(1);
    if (s == NULL)
        return 2;
    if (fuzz_ioctl(s, FUZZ_IOCTL(10), mode, 4) != 0) /* SET_MODE MP */
        return 3;
    memset(start, 0, sizeof start);
    fuzz_sockaddr4(start, 1194);
    if (fuzz_ioctl(s, FUZZ_IOCTL(11), start, 32) != 0) /* MP_START_VPN */
        return 4;
    for (int i = 0; i < peers; i++) {
        uint8_t peer[80], key[100];
        memset(peer, 0, sizeof peer);
        fuzz_sockaddr4(peer, 1194);
        fuzz_sockaddr4(peer + 28, (uint16_t)(20000 + i % 40000));
        peer[28 + 5] = (uint8_t)(i >> 16); /* remote 127.x.y.z */
        peer[28 + 6] = (uint8_t)(i >> 8);
        peer[28 + 7] = (uint8_t)(i + 1);
        peer[56] = 10; peer[57] = (uint8_t)(i >> 16); peer[58] = (uint8_t)(i >> 8); peer[59] = (uint8_t)i; /* VPN 10.x.y.z */
        peer[60] = 0xfd; peer[74] = (uint8_t)(i >> 8); peer[75] = (uint8_t)i;                               /* fd00::x:y */
        memcpy(peer + 76, &i, 4);
        if (fuzz_ioctl(s, FUZZ_IOCTL(12), peer, 80) != 0) /* MP_NEW_PEER */
            continue;
        created++;
        memset(key, 0, sizeof key);
        key[32] = key[41 + 32] = 16;
        int32_t aes = 1;
        memcpy(key + 88, &aes, 4);
        memcpy(key + 96, &i, 4);
        fuzz_ioctl(s, FUZZ_IOCTL(3), key, 100); /* NEW_KEY for this peer */
    }
    uint64_t before = g_sent;
    for (int i = 0; i < peers; i++) {
        uint8_t ip[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 254, 10, 0, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0 };
        ip[17] = (uint8_t)(i >> 16); ip[18] = (uint8_t)(i >> 8); ip[19] = (uint8_t)i;
        ovpn_dco_adapter_transmit(s, ip, (int32_t)sizeof ip);
    }
    int sent = g_sent != before;
    for (int i = 0; i < peers; i++)
        fuzz_ioctl(s, FUZZ_IOCTL(15), &i, 4); /* MP_DEL_PEER */
    ovpn_dco_destroy(s);
    printf("%d %d %lld\n", created, sent, (long long)ovpn_hosted_mem_live(0));
    return 0;
}
