/*
 * fuzz_rx.c - the receive path: transport bytes → decap → decrypt → replay check → deliver / control queue.
 * Input byte 0 picks the device: even = cipher none (every packet authenticates, so the fuzzer reaches replay,
 * keepalive, delivery and the control queue), odd = AES-256-GCM (forgeries must be dropped). The rest is split
 * into datagrams by its own length bytes.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int installed;
    uint8_t from[28];
    if (!installed) {
        fuzz_install_host();
        installed = 1;
    }
    if (size < 1)
        return 0;
    OvpnDco_Driver_DriverState *s = fuzz_p2p_device(0, (data[0] & 1) ? 1 : 0);
    if (s == NULL)
        return 0;
    fuzz_sockaddr4(from, 1195);
    size_t at = 1;
    while (at < size) {
        size_t n = data[at++];
        if (n > size - at)
            n = size - at;
        ovpn_dco_transport_receive(s, (uint8_t *)(uintptr_t)(data + at), (int32_t)n, (OvpnDco_Uapi_SockAddrInet *)(void *)from);
        at += n;
    }
    uint8_t buffer[2048];
    int32_t read = 0;
    ovpn_dco_read_control(s, 7, buffer, (int32_t)sizeof buffer, &read);
    ovpn_dco_destroy(s);
    return 0;
}
