/*
 * ovpn_hosted.h - the hosted (POSIX + OpenSSL) backend of the driver platform: what the C# HostedPlatform binds
 * to with [Import]. Pointer + length arguments only, so no generated type is needed to call it.
 *
 *   memory   tagged allocations with leak accounting per tag
 *   locks    reader/writer locks (a reader slot per thread, writer-preferring) behind an opaque handle
 *   time     CLOCK_MONOTONIC milliseconds, replaceable by a virtual clock for tests
 *   timers   one-shot timers on a timer thread
 *   aead     AES-128/192/256-GCM and ChaCha20-Poly1305 key objects (OpenSSL 3 EVP), contexts made once per key
 *   trace    levelled trace sink to stderr or a file
 */
#ifndef OVPN_HOSTED_H
#define OVPN_HOSTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- memory: zero-filled, tagged; freeing with another tag fails fast ---------------------------- */
void *ovpn_hosted_alloc(size_t size, uint32_t tag);
void ovpn_hosted_free(void *memory, uint32_t tag);
/* Live allocations (count) and bytes for one tag, or for all tags when tag == 0. */
int64_t ovpn_hosted_mem_live(uint32_t tag);
int64_t ovpn_hosted_mem_live_bytes(uint32_t tag);
/* Prints every tag with live allocations to the trace sink; returns the number of live allocations. */
int64_t ovpn_hosted_mem_report(void);

/* ---- fault injection (tests, fuzzers) ------------------------------------------------------------- */
enum { OVPN_HOSTED_FAULT_ALLOC = 1, OVPN_HOSTED_FAULT_LOCK_INIT = 2, OVPN_HOSTED_FAULT_SITES = 3 };
/* The nth call at `site` from now on fails (1 = the next one); 0 turns the site off. */
void ovpn_hosted_fail_at(int32_t site, int64_t nth);
/* Counts one call at `site`; true when this is the call that must fail. */
bool ovpn_hosted_fault_hit(int32_t site);

/* ---- locks ---------------------------------------------------------------------------------------- */
int32_t ovpn_hosted_lock_init(intptr_t *handle);     /* 0 or an errno value */
/* acquire returns what release needs back (the previous IRQL in the kernel; 0 here) */
uint8_t ovpn_hosted_lock_acquire(intptr_t handle);        /* exclusive */
void ovpn_hosted_lock_release(intptr_t handle, uint8_t previous);
uint8_t ovpn_hosted_lock_acquire_shared(intptr_t handle); /* shared: the data path, on many threads at once */
void ovpn_hosted_lock_release_shared(intptr_t handle, uint8_t slot); /* slot: what acquire_shared returned */
void ovpn_hosted_lock_destroy(intptr_t *handle);

/* ---- time ----------------------------------------------------------------------------------------- */
int64_t ovpn_hosted_now_ms(void);
/* A per-thread index (threads numbered as they first ask): the driver's per-CPU counters and the lock's reader slots. */
int32_t ovpn_hosted_current_processor(void);
/* Tests: a virtual clock (NULL restores CLOCK_MONOTONIC). */
void ovpn_hosted_set_clock(int64_t (*now_ms)(void));

/* ---- timers: the callback runs on the timer thread, at or after the due time ----------------------- */
typedef void (*ovpn_hosted_timer_fn)(intptr_t context);
int32_t ovpn_hosted_timer_create(ovpn_hosted_timer_fn callback, intptr_t context, intptr_t *handle);
void ovpn_hosted_timer_arm(intptr_t handle, int64_t due_ms);     /* re-arming replaces the due time */
void ovpn_hosted_timer_cancel(intptr_t handle);
void ovpn_hosted_timer_destroy(intptr_t *handle);                 /* waits for a running callback */

/* ---- AEAD --------------------------------------------------------------------------------------- */
#define OVPN_HOSTED_AEAD_AES_GCM 1            /* OVPN_CIPHER_ALG_AES_GCM */
#define OVPN_HOSTED_AEAD_CHACHA20_POLY1305 2  /* OVPN_CIPHER_ALG_CHACHA20_POLY1305 */
#define OVPN_HOSTED_AEAD_NONCE 12
#define OVPN_HOSTED_AEAD_TAG 16

/* 0 on success; -1 bad algorithm or key length; -2 OpenSSL failure. The key is copied (and wiped on destroy). */
int32_t ovpn_hosted_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle);
void ovpn_hosted_aead_destroy(intptr_t *handle);
/* Key objects currently alive. */
int64_t ovpn_hosted_aead_live(void);
bool ovpn_hosted_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                           const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag);
bool ovpn_hosted_aead_open(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                           const uint8_t *ciphertext, int32_t len, const uint8_t *tag, uint8_t *plaintext);

/* ---- key derivation ----------------------------------------------------------------------------- */
/* HKDF-Expand (RFC 5869) with HMAC-SHA256 (OpenSSL EVP_KDF "HKDF", mode EXPAND_ONLY): out_len bytes from the
 * pseudorandom key prk and info. 0 on success; -1 bad arguments; -2 OpenSSL failure. Allocates nothing that
 * outlives the call; the driver calls it only when it derives an epoch key, never per packet. */
int32_t ovpn_hosted_hkdf_sha256_expand(const uint8_t *prk, int32_t prk_len, const uint8_t *info, int32_t info_len,
                                       uint8_t *out, int32_t out_len);

/* ---- trace ---------------------------------------------------------------------------------------- */
#define OVPN_HOSTED_TRACE_ERROR 2
#define OVPN_HOSTED_TRACE_WARNING 3
#define OVPN_HOSTED_TRACE_INFO 4
#define OVPN_HOSTED_TRACE_VERBOSE 5
/* Messages up to max_level go to path (appended), or stderr when path is NULL. Default: stderr, warnings
 * and errors; OVPN_DCO_TRACE=<level>[:<file>] in the environment sets it at first use. 0 or an errno value. */
int32_t ovpn_hosted_trace_open(const char *path, int32_t max_level);
void ovpn_hosted_trace(int32_t level, const char *message, int64_t a, int64_t b);
int64_t ovpn_hosted_trace_count(void); /* events written so far (tests) */

#ifdef __cplusplus
}
#endif

#endif /* OVPN_HOSTED_H */
