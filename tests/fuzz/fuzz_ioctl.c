/*
 * fuzz_ioctl.c - the IOCTL dispatch: sequences of (function, input length, output length, input bytes) on one
 * device, any code (valid functions 1..19 and others), any sizes and contents, incl. control reads and writes.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int installed;
    uint8_t out[512];
    if (!installed) {
        fuzz_install_host();
        installed = 1;
    }
    OvpnDco_Driver_DriverState *s = ovpn_dco_create(1);
    if (s == NULL)
        return 0;
    size_t at = 0;
    while (at + 3 <= size) {
        uint8_t fn = data[at], in_len = data[at + 1], out_len = data[at + 2];
        at += 3;
        size_t n = in_len;
        if (n > size - at)
            n = size - at;
        int32_t returned = -1;
        if (fn == 0xFE) {
            ovpn_dco_write_control(s, (uint8_t *)(uintptr_t)(data + at), (int32_t)n);
        } else if (fn == 0xFF) {
            ovpn_dco_read_control(s, (intptr_t)at + 1, out, out_len, &returned);
        } else {
            uint32_t code = fn < 64 ? FUZZ_IOCTL(fn) : (uint32_t)fn << 8;
            ovpn_dco_ioctl(s, code, (uint8_t *)(uintptr_t)(data + at), (int32_t)n, out, out_len, &returned, (fn & 0x40) != 0);
            if (returned < 0 || returned > out_len)
                __builtin_trap(); /* the driver must never claim more output than the buffer holds */
        }
        at += n;
    }
    ovpn_dco_destroy(s);
    return 0;
}
