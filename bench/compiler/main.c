/* Runs one side of the benchmark; run.sh counts instructions of the measure_* function with callgrind. */
#include <stdio.h>
#include <string.h>
#include "bench.h"

void ref_chacha20_block(const uint32_t *state, uint32_t *out);
struct ref_replay { uint64_t bitmap[32]; uint32_t highest; };
uint32_t ref_replay_run(struct ref_replay *s, uint32_t n);

#define BLOCKS 20000
#define PACKETS 200000u

__attribute__((noinline)) static uint32_t measure_cs_chacha(uint32_t *state, uint32_t *out)
{
    int i;
    for (i = 0; i < BLOCKS; i++) { cs_chacha20_block(state, out); state[12]++; }
    return out[0];
}
__attribute__((noinline)) static uint32_t measure_ref_chacha(uint32_t *state, uint32_t *out)
{
    int i;
    for (i = 0; i < BLOCKS; i++) { ref_chacha20_block(state, out); state[12]++; }
    return out[0];
}
__attribute__((noinline)) static uint32_t measure_cs_replay(void)
{
    Bench_ReplayState s;
    memset(&s, 0, sizeof s);
    return cs_replay_run(&s, PACKETS);
}
__attribute__((noinline)) static uint32_t measure_ref_replay(void)
{
    struct ref_replay s;
    memset(&s, 0, sizeof s);
    return ref_replay_run(&s, PACKETS);
}

int main(int argc, char **argv)
{
    uint32_t state[16], out[16], r = 0;
    int i;
    const char *which = argc > 1 ? argv[1] : "";
    for (i = 0; i < 16; i++) state[i] = (uint32_t)i * 0x01010101u;
    if (!strcmp(which, "cs_chacha")) r = measure_cs_chacha(state, out);
    else if (!strcmp(which, "ref_chacha")) r = measure_ref_chacha(state, out);
    else if (!strcmp(which, "cs_replay")) r = measure_cs_replay();
    else if (!strcmp(which, "ref_replay")) r = measure_ref_replay();
    printf("%s %u\n", which, r);
    return 0;
}
