/*
 * fuzz_tcp.c - the P2P TCP transport: NEW_PEER (pended) completed by ovpn_dco_transport_connected, then streams of
 * frames (sealed data packets with the device's key, raw control frames, lying length prefixes) cut into segments of
 * input-chosen sizes, so every split and coalescing reaches the reassembly; reconnects, disconnects (a read completes
 * CONNECTION_ABORTED), control reads/writes (2-byte prefix on the wire), tx and the timer in between.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    uint8_t cfg = fin_u8(&in), cipher = fin_u8(&in);
    fuzz_p2p_device(&d, FUZZ_PROTO_TCP, cipher, (cfg & 1) != 0);
    uint32_t other = OPB(OP_CONTROL) | OPB(OP_TIMER) | OPB(OP_KEYS) | OPB(OP_PEERS) | OPB(OP_TX) | OPB(OP_FAULT);
    for (int i = 0; i < 32 && fin_more(&in); i++) {
        if (fin_u8(&in) & 1)
            fuzz_op_tcp(&d, &in);
        else
            fuzz_run_ops(&d, &in, other, 1);
    }
    fuzz_device_destroy(&d);
    return 0;
}
