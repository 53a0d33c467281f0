/*
 * fuzz_rx.c - the receive path with authenticated packets: a P2P UDP or MP device whose keys the harness knows
 * (AES-128/192/256-GCM, ChaCha20-Poly1305 or none; tag before or after the ciphertext; 4- or 8-byte packet ids,
 * i.e. NEW_KEY and NEW_KEY_V2 CryptoOptions), then datagrams up to the maximum size: the fuzzer's plaintext (IP
 * from the peer's addresses or routes, pings, raw) sealed by the harness with OpenSSL EVP, with packet ids in order,
 * replayed, old, jumping or chosen, key ids and peer ids from the input, sometimes corrupted or truncated, from the
 * peer's or another transport address (float); raw datagrams (control packets) too, with reads, the timer and key
 * changes in between. So replay, float, ping, the MP source check, MSS clamping and delivery run on packets that
 * authenticate, not only on tag failures.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {data, size, 0};
    struct fuzz_dev d;
    fuzz_host_reset();
    uint8_t cfg = fin_u8(&in), cipher = fin_u8(&in);
    if (cfg & 1)
        fuzz_mp_device(&d, 2 + (cfg >> 1) % 3, cipher, (cfg & 8) != 0);
    else
        fuzz_p2p_device(&d, FUZZ_PROTO_UDP, cipher, (cfg & 8) != 0);
    uint32_t other = OPB(OP_RX_RAW) | OPB(OP_TIMER) | OPB(OP_CONTROL) | OPB(OP_KEYS) | OPB(OP_PEERS) | OPB(OP_QUERY);
    for (int i = 0; i < 48 && fin_more(&in); i++) {
        if (fin_u8(&in) & 3)
            fuzz_op_rx_sealed(&d, &in);
        else
            fuzz_run_ops(&d, &in, other, 1);
    }
    fuzz_device_destroy(&d);
    return 0;
}
