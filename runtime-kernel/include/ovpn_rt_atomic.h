/*
 * ovpn_rt_atomic.h - Interlocked and Volatile for generated code.
 * MSVC dialect (kernel): the _Interlocked* intrinsics the WDK uses. gcc/clang (hosted): __atomic builtins,
 * sequentially consistent like Interlocked.
 */
#ifndef OVPN_RT_ATOMIC_H
#define OVPN_RT_ATOMIC_H

#include <stdint.h>

#if defined(_MSC_VER)
long _InterlockedExchangeAdd(long volatile *addend, long value);
long _InterlockedExchange(long volatile *target, long value);
long _InterlockedCompareExchange(long volatile *dest, long exchange, long comparand);
long long _InterlockedExchangeAdd64(long long volatile *addend, long long value);
long long _InterlockedExchange64(long long volatile *target, long long value);
long long _InterlockedCompareExchange64(long long volatile *dest, long long exchange, long long comparand);

static inline int32_t ovpn_rt_xadd32(int32_t *p, int32_t v) { return (int32_t)_InterlockedExchangeAdd((long volatile *)p, (long)v); }
static inline int64_t ovpn_rt_xadd64(int64_t *p, int64_t v) { return _InterlockedExchangeAdd64((long long volatile *)p, v); }
static inline int32_t ovpn_rt_xchg32(int32_t *p, int32_t v) { return (int32_t)_InterlockedExchange((long volatile *)p, (long)v); }
static inline int64_t ovpn_rt_xchg64(int64_t *p, int64_t v) { return _InterlockedExchange64((long long volatile *)p, v); }
static inline int32_t ovpn_rt_cmpxchg32(int32_t *p, int32_t v, int32_t cmp) { return (int32_t)_InterlockedCompareExchange((long volatile *)p, (long)v, (long)cmp); }
static inline int64_t ovpn_rt_cmpxchg64(int64_t *p, int64_t v, int64_t cmp) { return _InterlockedCompareExchange64((long long volatile *)p, v, cmp); }
#else
static inline int32_t ovpn_rt_xadd32(int32_t *p, int32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline int64_t ovpn_rt_xadd64(int64_t *p, int64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline int32_t ovpn_rt_xchg32(int32_t *p, int32_t v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline int64_t ovpn_rt_xchg64(int64_t *p, int64_t v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
static inline int32_t ovpn_rt_cmpxchg32(int32_t *p, int32_t v, int32_t cmp)
{
    __atomic_compare_exchange_n(p, &cmp, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return cmp;
}
static inline int64_t ovpn_rt_cmpxchg64(int64_t *p, int64_t v, int64_t cmp)
{
    __atomic_compare_exchange_n(p, &cmp, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return cmp;
}
#endif

/* Interlocked.Increment/Decrement/Add return the new value; wrap like C#. */
static inline int32_t ovpn_rt_interlocked_add32(int32_t *p, int32_t v) { return (int32_t)((uint32_t)ovpn_rt_xadd32(p, v) + (uint32_t)v); }
static inline int64_t ovpn_rt_interlocked_add64(int64_t *p, int64_t v) { return (int64_t)((uint64_t)ovpn_rt_xadd64(p, v) + (uint64_t)v); }

/*
 * Volatile.Read/Write: acquire load / release store. The kernel build uses /volatile:ms, where a volatile access has
 * exactly that meaning; gcc/clang get the __atomic builtins, which ThreadSanitizer also understands.
 */
#if defined(_MSC_VER)
#define OVPN_RT_VOLATILE_READ(T, p) (*(volatile T *)(p))
#define OVPN_RT_VOLATILE_WRITE(T, p, v) (*(volatile T *)(p) = (v))
#else
#define OVPN_RT_VOLATILE_READ(T, p) __atomic_load_n((T *)(p), __ATOMIC_ACQUIRE)
#define OVPN_RT_VOLATILE_WRITE(T, p, v) __atomic_store_n((T *)(p), (v), __ATOMIC_RELEASE)
#endif

/*
 * Thread.SpinWait(n): n spin-loop hints, which let the sibling hyperthread run and save power while a lock word is
 * watched (YieldProcessor in the WDK: pause on x86/x64, yield on ARM64).
 */
#if defined(_MSC_VER) && (defined(_M_ARM64) || defined(_M_ARM))
void __yield(void);
#define OVPN_RT_CPU_PAUSE() __yield()
#elif defined(_MSC_VER)
void _mm_pause(void);
#define OVPN_RT_CPU_PAUSE() _mm_pause()
#elif defined(__x86_64__) || defined(__i386__)
#define OVPN_RT_CPU_PAUSE() __builtin_ia32_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define OVPN_RT_CPU_PAUSE() __asm__ __volatile__("yield" ::: "memory")
#else
#define OVPN_RT_CPU_PAUSE() ((void)0)
#endif

static inline void ovpn_rt_spin_wait(int32_t iterations)
{
    for (int32_t i = 0; i < iterations; i++)
        OVPN_RT_CPU_PAUSE();
}

#endif /* OVPN_RT_ATOMIC_H */
