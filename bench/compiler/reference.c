/* Hand-written C doing the same work as ChaCha20.cs and ReplayWindow.cs: the baseline of the benchmark. */
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(x, a, b, c, d)                                   \
    do {                                                    \
        x[a] += x[b]; x[d] = ROTL32(x[d] ^ x[a], 16);       \
        x[c] += x[d]; x[b] = ROTL32(x[b] ^ x[c], 12);       \
        x[a] += x[b]; x[d] = ROTL32(x[d] ^ x[a], 8);        \
        x[c] += x[d]; x[b] = ROTL32(x[b] ^ x[c], 7);        \
    } while (0)

void ref_chacha20_block(const uint32_t *state, uint32_t *out)
{
    uint32_t x[16];
    int i;
    for (i = 0; i < 16; i++)
        x[i] = state[i];
    for (i = 0; i < 10; i++) {
        QR(x, 0, 4, 8, 12); QR(x, 1, 5, 9, 13); QR(x, 2, 6, 10, 14); QR(x, 3, 7, 11, 15);
        QR(x, 0, 5, 10, 15); QR(x, 1, 6, 11, 12); QR(x, 2, 7, 8, 13); QR(x, 3, 4, 9, 14);
    }
    for (i = 0; i < 16; i++)
        out[i] = x[i] + state[i];
}

struct ref_replay {
    uint64_t bitmap[32];
    uint32_t highest;
};

static bool ref_accept(struct ref_replay *s, uint32_t id)
{
    uint32_t i, word;
    uint64_t bit;
    if (id == 0)
        return false;
    if (id > s->highest) {
        if (id - s->highest >= 2048)
            memset(s->bitmap, 0, sizeof s->bitmap);
        else
            for (i = s->highest + 1; i != id + 1; i++)
                s->bitmap[i / 64 % 32] &= ~(UINT64_C(1) << (i % 64));
        s->highest = id;
    } else if (s->highest - id >= 2048) {
        return false;
    }
    word = id / 64 % 32;
    bit = UINT64_C(1) << (id % 64);
    if (s->bitmap[word] & bit)
        return false;
    s->bitmap[word] |= bit;
    return true;
}

uint32_t ref_replay_run(struct ref_replay *s, uint32_t n)
{
    uint32_t accepted = 0, k;
    for (k = 1; k <= n; k++) {
        uint32_t id = k % 7 == 0 ? k - 5 : k;
        if (ref_accept(s, id))
            accepted++;
        if (k % 13 == 0 && ref_accept(s, k - 1))
            accepted++;
    }
    return accepted;
}
