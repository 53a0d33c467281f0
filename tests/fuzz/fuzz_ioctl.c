/*
 * fuzz_ioctl.c - the IOCTL dispatch from a fresh device: sequences of any code (functions 1..19 and others, main
 * and control device) with any input bytes and output sizes, mixed with structured IOCTLs (keys, peers, iroutes,
 * queries) and control reads/writes, so mode changes, refused requests and state that failed requests must not
 * change are all reachable; allocation failures inside ovpn_dco_create too. Oracle: the driver never claims more output than the buffer holds.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    memset(&d, 0, sizeof d);
    uint8_t cfg = fin_u8(&in);
    if (cfg & 0x80) { /* one allocation of create fails: it must clean up and return NULL */
        g_host.alloc_countdown = (cfg & 7) + 1;
        d.s = ovpn_dco_create(1);
        g_host.alloc_countdown = 0;
        if (d.s == NULL)
            return 0;
    } else {
        d.s = ovpn_dco_create(1);
    }
    FUZZ_CHECK(d.s != NULL, "ovpn_dco_create");
    d.mode = cfg & 1; /* the mode the structured operations assume (the driver's may differ) */
    fuzz_run_ops(&d, &in, OPB(OP_IOCTL_RAW) | OPB(OP_QUERY) | OPB(OP_KEYS) | OPB(OP_PEERS) | OPB(OP_ROUTES)
                 | OPB(OP_CONTROL) | OPB(OP_FAULT) | OPB(OP_TIMER), 64);
    fuzz_device_destroy(&d);
    return 0;
}
