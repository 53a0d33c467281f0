/*
 * ovpn_hosted_sync.c - the device lock, the processor index and the monotonic clock of the hosted platform.
 *
 * The lock is a reader/writer lock built for the data path: readers (rx and tx, on any number of threads) each count
 * themselves in their own cache line (slot = the thread's index), so two CPUs that take it shared never write the same
 * line; a writer (IOCTLs, the timer, control packets) raises the writer flag, which turns new readers away (writer
 * preference, as an EX_SPIN_LOCK gives in the kernel), and waits until every slot is empty. The flag/slot handshake is
 * the classic one: a reader increments its slot and then reads the flag, a writer sets the flag and then reads the
 * slots, all sequentially consistent, so at least one of the two sees the other. Writers are serialised by a mutex.
 * Waiters spin briefly, then yield: a user-space holder can be preempted.
 */
#define _GNU_SOURCE
#include "ovpn_hosted.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define OVPN_LOCK_SLOTS 64 /* a power of two, at most 256: acquire_shared returns the slot as a uint8_t */

struct ovpn_lock_slot {
    alignas(64) atomic_int readers;
};

struct ovpn_lock {
    struct ovpn_lock_slot slot[OVPN_LOCK_SLOTS];
    alignas(64) atomic_int writer;
    pthread_mutex_t writers;
};

static atomic_int g_next_thread_index;
static _Thread_local int t_thread_index = -1;

int32_t ovpn_hosted_current_processor(void)
{
    if (t_thread_index < 0)
        t_thread_index = atomic_fetch_add_explicit(&g_next_thread_index, 1, memory_order_relaxed) & 0x7fffffff;
    return t_thread_index;
}

static void backoff(unsigned *spins)
{
    if (++*spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        return;
    }
    *spins = 0;
    sched_yield();
}

int32_t ovpn_hosted_lock_init(intptr_t *handle)
{
    struct ovpn_lock *lock;
    int rc;
    if (ovpn_hosted_fault_hit(OVPN_HOSTED_FAULT_LOCK_INIT))
        return EAGAIN;
    lock = aligned_alloc(64, sizeof *lock);
    if (lock == NULL)
        return ENOMEM;
    for (int i = 0; i < OVPN_LOCK_SLOTS; i++)
        atomic_init(&lock->slot[i].readers, 0);
    atomic_init(&lock->writer, 0);
    rc = pthread_mutex_init(&lock->writers, NULL);
    if (rc != 0) {
        free(lock);
        return rc;
    }
    *handle = (intptr_t)lock;
    return 0;
}

uint8_t ovpn_hosted_lock_acquire(intptr_t handle)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)handle;
    unsigned spins = 0;
    pthread_mutex_lock(&lock->writers);
    atomic_store(&lock->writer, 1);
    for (int i = 0; i < OVPN_LOCK_SLOTS; i++)
        while (atomic_load(&lock->slot[i].readers) != 0)
            backoff(&spins);
    return 0;
}

void ovpn_hosted_lock_release(intptr_t handle, uint8_t previous)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)handle;
    (void)previous; /* user space has no IRQL */
    atomic_store(&lock->writer, 0);
    pthread_mutex_unlock(&lock->writers);
}

/* Returns the slot it counted itself in (the kernel returns the previous IRQL there): release needs no second lookup. */
uint8_t ovpn_hosted_lock_acquire_shared(intptr_t handle)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)handle;
    int slot = ovpn_hosted_current_processor() & (OVPN_LOCK_SLOTS - 1);
    atomic_int *mine = &lock->slot[slot].readers;
    unsigned spins = 0;
    for (;;) {
        atomic_fetch_add(mine, 1);
        if (atomic_load(&lock->writer) == 0)
            return (uint8_t)slot;
        atomic_fetch_sub(mine, 1);
        while (atomic_load_explicit(&lock->writer, memory_order_relaxed) != 0)
            backoff(&spins);
    }
}

void ovpn_hosted_lock_release_shared(intptr_t handle, uint8_t slot)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)handle;
    atomic_fetch_sub_explicit(&lock->slot[slot & (OVPN_LOCK_SLOTS - 1)].readers, 1, memory_order_release);
}

void ovpn_hosted_lock_destroy(intptr_t *handle)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)*handle;
    if (lock == NULL)
        return;
    pthread_mutex_destroy(&lock->writers);
    free(lock);
    *handle = 0;
}

static int64_t (*g_clock)(void);

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ovpn_hosted_now_ms(void)
{
    int64_t (*clock)(void) = __atomic_load_n(&g_clock, __ATOMIC_ACQUIRE);
    return clock != NULL ? clock() : monotonic_ms();
}

void ovpn_hosted_set_clock(int64_t (*now_ms)(void)) { __atomic_store_n(&g_clock, now_ms, __ATOMIC_RELEASE); }
