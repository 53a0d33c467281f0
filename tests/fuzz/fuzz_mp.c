/*
 * fuzz_mp.c - the multipeer server: SET_MODE MP, MP_START_VPN and 1..4 peers with keys (cipher, tag position and
 * packet-id size from the input), VPN addresses v4 and v6 and keepalive 10/60; then up to 64 operations chosen by the
 * input, interleaved: authenticated rx (sealed by the harness, from the peer's or another transport address: float),
 * raw rx, tx to routed/VPN/random addresses (TCP SYN with MSS options), the timer on a virtual clock, key IOCTLs,
 * MP_NEW_PEER/MP_SET_PEER/MP_DEL_PEER, MP_ADD/DEL_IROUTE, GET_STATS/GET_PEER_STATS/NOTIFY_EVENT, raw IOCTLs, control
 * read/write/cancel, send and allocation failures, bulk peers (table and timer heap growth).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    uint8_t cfg = fin_u8(&in), cipher = fin_u8(&in);
    fuzz_mp_device(&d, 1 + (cfg & 3), cipher, (cfg & 4) != 0);
    fuzz_run_ops(&d, &in, OPS_ALL & ~OPB(OP_TCP), 64);
    fuzz_device_destroy(&d);
    return 0;
}
