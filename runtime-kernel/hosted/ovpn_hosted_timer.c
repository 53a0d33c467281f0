/*
 * ovpn_hosted_timer.c - one-shot timers for the hosted platform (the kernel uses a WDF timer). Each timer owns a
 * thread that sleeps on a condition variable until the due time (CLOCK_MONOTONIC) and then runs the callback.
 */
#define _POSIX_C_SOURCE 200809L
#include "ovpn_hosted.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ovpn_timer {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    ovpn_hosted_timer_fn callback;
    intptr_t context;
    int64_t due_ms;   /* -1: not armed */
    bool stopping;
};

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *timer_thread(void *arg)
{
    struct ovpn_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        if (t->due_ms < 0) {
            pthread_cond_wait(&t->wake, &t->lock);
            continue;
        }
        int64_t now = monotonic_ms();
        if (now < t->due_ms) {
            struct timespec until;
            until.tv_sec = (time_t)(t->due_ms / 1000);
            until.tv_nsec = (long)(t->due_ms % 1000) * 1000000L;
            pthread_cond_timedwait(&t->wake, &t->lock, &until);
            continue;
        }
        t->due_ms = -1;
        pthread_mutex_unlock(&t->lock);
        t->callback(t->context);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

int32_t ovpn_hosted_timer_create(ovpn_hosted_timer_fn callback, intptr_t context, intptr_t *handle)
{
    pthread_condattr_t attr;
    struct ovpn_timer *t = calloc(1, sizeof *t);
    int rc;
    if (t == NULL)
        return ENOMEM;
    t->callback = callback;
    t->context = context;
    t->due_ms = -1;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attr);
    pthread_condattr_destroy(&attr);
    rc = pthread_create(&t->thread, NULL, timer_thread, t);
    if (rc != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return rc;
    }
    *handle = (intptr_t)t;
    return 0;
}

void ovpn_hosted_timer_arm(intptr_t handle, int64_t due_ms)
{
    struct ovpn_timer *t = (struct ovpn_timer *)handle;
    pthread_mutex_lock(&t->lock);
    t->due_ms = due_ms < 0 ? 0 : due_ms;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

void ovpn_hosted_timer_cancel(intptr_t handle)
{
    struct ovpn_timer *t = (struct ovpn_timer *)handle;
    pthread_mutex_lock(&t->lock);
    t->due_ms = -1;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

void ovpn_hosted_timer_destroy(intptr_t *handle)
{
    struct ovpn_timer *t = (struct ovpn_timer *)*handle;
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
    *handle = 0;
}
