/* ovpn_hosted_sync.c - spin locks and the monotonic clock of the hosted platform. */
#define _POSIX_C_SOURCE 200809L
#include "ovpn_hosted.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ovpn_lock {
    pthread_spinlock_t spin;
};

int32_t ovpn_hosted_lock_init(intptr_t *handle)
{
    struct ovpn_lock *lock;
    int rc;
    if (ovpn_hosted_fault_hit(OVPN_HOSTED_FAULT_LOCK_INIT))
        return EAGAIN;
    lock = malloc(sizeof *lock);
    if (lock == NULL)
        return ENOMEM;
    rc = pthread_spin_init(&lock->spin, PTHREAD_PROCESS_PRIVATE);
    if (rc != 0) {
        free(lock);
        return rc;
    }
    *handle = (intptr_t)lock;
    return 0;
}

uint8_t ovpn_hosted_lock_acquire(intptr_t handle)
{
    pthread_spin_lock(&((struct ovpn_lock *)handle)->spin);
    return 0;
}

void ovpn_hosted_lock_release(intptr_t handle, uint8_t previous)
{
    (void)previous; /* user space has no IRQL */
    pthread_spin_unlock(&((struct ovpn_lock *)handle)->spin);
}

void ovpn_hosted_lock_destroy(intptr_t *handle)
{
    struct ovpn_lock *lock = (struct ovpn_lock *)*handle;
    if (lock == NULL)
        return;
    pthread_spin_destroy(&lock->spin);
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
