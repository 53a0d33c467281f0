/*
 * fuzz_tcp.c - TCP stream reassembly: the input is the byte stream of a P2P TCP peer (cipher none), delivered in
 * segments whose sizes come from the input itself, so every split and coalescing of frames is reachable.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int installed;
    if (!installed) {
        fuzz_install_host();
        installed = 1;
    }
    if (size < 1)
        return 0;
    OvpnDco_Driver_DriverState *s = fuzz_p2p_device(1, 0);
    if (s == NULL)
        return 0;
    size_t segment = (size_t)(data[0] % 17) + 1, at = 1;
    while (at < size) {
        size_t n = segment < size - at ? segment : size - at;
        ovpn_dco_transport_stream(s, (uint8_t *)(uintptr_t)(data + at), (int32_t)n);
        at += n;
        segment = (segment * 7 + 3) % 61 + 1;
    }
    ovpn_dco_destroy(s);
    return 0;
}
