/*
 * ovpn_hosted_sync.c - the device lock and the monotonic clock of the hosted platform.
 * The lock is a writer-preferring pthread reader/writer lock: the data path holds it shared on any number of threads,
 * IOCTLs, the timer and control packets hold it exclusive, and a waiting writer blocks new readers (as an
 * EX_SPIN_LOCK does in the kernel), so a steady stream of packets cannot starve an IOCTL.
 */
#define _GNU_SOURCE /* PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP */
#include "ovpn_hosted.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ovpn_lock {
    pthread_rwlock_t rw;
};

int32_t ovpn_hosted_lock_init(intptr_t *handle)
{
    struct ovpn_lock *lock;
    pthread_rwlockattr_t attr;
    int rc;
    if (ovpn_hosted_fault_hit(OVPN_HOSTED_FAULT_LOCK_INIT))
        return EAGAIN;
    lock = malloc(sizeof *lock);
    if (lock == NULL)
        return ENOMEM;
    rc = pthread_rwlockattr_init(&attr);
    if (rc == 0) {
        pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        rc = pthread_rwlock_init(&lock->rw, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    if (rc != 0) {
        free(lock);
        return rc;
    }
    *handle = (intptr_t)lock;
    return 0;
}

uint8_t ovpn_hosted_lock_acquire(intptr_t handle)
{
    pthread_rwlock_wrlock(&((struct ovpn_lock *)handle)->rw);
    return 0;
}

void ovpn_hosted_lock_release(intptr_t handle, uint8_t previous)
{
    (void)previous; /* user space has no IRQL */
    pthread_rwlock_unlock(&((struct ovpn_lock *)handle)->rw);
}

uint8_t ovpn_hosted_lock_acquire_shared(intptr_t handle)
{
    pthread_rwlock_rdlock(&((struct ovpn_lock *)handle)->rw);
    return 0;
}

void ovpn_hosted_lock_release_shared(intptr_t handle, uint8_t previous)
{
    (void)previous;
    pthread_rwlock_unlock(&((struct ovpn_lock *)handle)->rw);
}

void ovpn_hosted_lock_destroy(intptr_t *handle)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)*handle;
    if (lock == NULL)
        return;
    pthread_rwlock_destroy(&lock->rw);
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
