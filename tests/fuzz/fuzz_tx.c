/*
 * fuzz_tx.c - the transmit path: a P2P UDP, P2P TCP or MP device (cipher, tag position and packet-id size from the
 * input), then operations weighted towards ovpn_dco_adapter_transmit: IPv4/IPv6 packets of every size up to the
 * maximum and one byte over, truncated headers, UDP, TCP with SYN and MSS options at any position (MSS clamping v4
 * and v6 after SET_PEER/MP_SET_PEER with an MSS), to routed, VPN and random addresses; key changes, iroutes,
 * keepalive pings from the timer and send failures in between. Oracles: the driver never breaks a TCP checksum it
 * clamps, and (P2P) what goes out opens with the peer's key to exactly the packet transmitted.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    uint8_t cfg = fin_u8(&in), cipher = fin_u8(&in);
    switch (cfg % 3) {
    case 0: fuzz_p2p_device(&d, FUZZ_PROTO_UDP, cipher, (cfg & 8) != 0); break;
    case 1: fuzz_p2p_device(&d, FUZZ_PROTO_TCP, cipher, (cfg & 8) != 0); break;
    default: fuzz_mp_device(&d, 3, cipher, (cfg & 8) != 0); break;
    }
    /* tx four times as likely as anything else */
    uint32_t ops = OPB(OP_TX) | OPB(OP_PEERS) | OPB(OP_TIMER) | OPB(OP_KEYS) | OPB(OP_ROUTES) | OPB(OP_FAULT);
    for (int i = 0; i < 48 && fin_more(&in); i++) {
        if (fin_u8(&in) & 3)
            fuzz_op_tx(&d, &in);
        else
            fuzz_run_ops(&d, &in, ops, 1);
    }
    fuzz_device_destroy(&d);
    return 0;
}
