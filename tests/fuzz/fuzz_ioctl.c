/*
 * fuzz_ioctl.c - the IOCTL dispatch from a fresh device: sequences of any code (functions 1..19 and others, main
 * and control device) with any input bytes and output sizes, mixed with structured IOCTLs (keys, peers, iroutes,
 * queries) and control reads/writes, so mode changes, refused requests and state that failed requests must not
 * change are all reachable. Oracle: the driver never claims more output than the buffer holds.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    memset(&d, 0, sizeof d);
    d.s = ovpn_dco_create(1);
    FUZZ_CHECK(d.s != NULL, "ovpn_dco_create");
    d.mode = fin_u8(&in) & 1; /* the mode the structured operations assume (the driver's may differ) */
    fuzz_run_ops(&d, &in, OPB(OP_IOCTL_RAW) | OPB(OP_QUERY) | OPB(OP_KEYS) | OPB(OP_PEERS) | OPB(OP_ROUTES)
                 | OPB(OP_CONTROL) | OPB(OP_FAULT) | OPB(OP_TIMER), 64);
    fuzz_device_destroy(&d);
    return 0;
}
