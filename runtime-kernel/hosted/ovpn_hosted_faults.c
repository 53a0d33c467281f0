/*
 * ovpn_hosted_faults.c - fault injection for tests and fuzzers: make the n-th allocation or lock creation fail, so
 * that every failure path of the driver (low memory, a lock that cannot be made) runs for real.
 */
#include "ovpn_hosted.h"

#include <stdatomic.h>

static _Atomic int64_t g_countdown[OVPN_HOSTED_FAULT_SITES];

void ovpn_hosted_fail_at(int32_t site, int64_t nth)
{
    if (site > 0 && site < OVPN_HOSTED_FAULT_SITES)
        atomic_store(&g_countdown[site], nth < 0 ? 0 : nth);
}

bool ovpn_hosted_fault_hit(int32_t site)
{
    int64_t left = atomic_load(&g_countdown[site]);
    while (left > 0) {
        if (atomic_compare_exchange_weak(&g_countdown[site], &left, left - 1))
            return left == 1;
    }
    return false;
}
