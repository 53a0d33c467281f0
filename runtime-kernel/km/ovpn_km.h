/*
 * ovpn_km.h - the kernel backend of the driver platform: what the Windows kernel binding (driver/OvpnDco.Driver.Kernel)
 * imports. Same shape as the hosted backend (ovpn_hosted.h + ovpn_host.h), implemented on the WDK by the kernel-target
 * work: ExAllocatePool2/ExFreePoolWithTag, EX_SPIN_LOCK shared/exclusive (returns the previous KIRQL), KeQueryInterruptTime,
 * a WDFTIMER, BCrypt AES-GCM/ChaCha20-Poly1305 key objects, WSK sockets, the NetAdapterCx receive queue, WDF request
 * completion and TraceLogging ("OpenVPN.OvpnDCO", 4970F9cf-2c0c-4f11-b1cc-e3a1e9958833).
 * Addresses are the uapi's 28-byte SOCKADDR_IN/SOCKADDR_IN6 union; statuses are NTSTATUS values.
 */
#ifndef OVPN_KM_H
#define OVPN_KM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *ovpn_km_alloc(size_t size, uint32_t tag);
void ovpn_km_free(void *memory, uint32_t tag);
int32_t ovpn_km_lock_init(intptr_t *handle);
/* The device lock is an EX_SPIN_LOCK: acquire = ExAcquireSpinLockExclusive (IOCTLs, timer, control), acquire_shared =
 * ExAcquireSpinLockShared (the data path, on every CPU at once); both raise to DISPATCH_LEVEL and return the previous
 * KIRQL, which the matching release restores. */
uint8_t ovpn_km_lock_acquire(intptr_t handle);
void ovpn_km_lock_release(intptr_t handle, uint8_t previous_irql);
uint8_t ovpn_km_lock_acquire_shared(intptr_t handle);
void ovpn_km_lock_release_shared(intptr_t handle, uint8_t previous_irql);
void ovpn_km_lock_destroy(intptr_t *handle);
int64_t ovpn_km_now_ms(void);
int32_t ovpn_km_current_processor(void); /* KeGetCurrentProcessorIndex() */
int32_t ovpn_km_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle);
void ovpn_km_aead_destroy(intptr_t *handle);
bool ovpn_km_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                       const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag);
bool ovpn_km_aead_open(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                       const uint8_t *ciphertext, int32_t len, const uint8_t *tag, uint8_t *plaintext);
/* HKDF-Expand with HMAC-SHA256 (0 = success, else an NTSTATUS): BCryptGenerateSymmetricKey(BCRYPT_HKDF_ALG_HANDLE,
 * prk), BCryptSetProperty(BCRYPT_HKDF_HASH_ALGORITHM, BCRYPT_SHA256_ALGORITHM), BCryptSetProperty(
 * BCRYPT_HKDF_PRK_AND_FINALIZE, NULL, 0), BCryptKeyDerivation(key, {KDF_HKDF_INFO: info}, out, out_len),
 * BCryptDestroyKey. Pseudo-handle and HKDF need Windows 10 1903+ (NTDDI_WIN10_19H1). */
int32_t ovpn_km_hkdf_sha256_expand(const uint8_t *prk, int32_t prk_len, const uint8_t *info, int32_t info_len,
                                   uint8_t *out, int32_t out_len);
void ovpn_km_trace(int32_t level, const char *message, int64_t a, int64_t b);
int32_t ovpn_km_transport_open(intptr_t context, int32_t proto, const void *local, const void *remote);
int32_t ovpn_km_transport_listen(intptr_t context, const void *listen, bool ipv6_only);
void ovpn_km_transport_close(intptr_t context);
/* Packet buffers the driver writes in place (IPlatform.TransportBuffer / AdapterBuffer): NULL when none is free; a
 * buffer is handed back by the matching send/deliver or release. tx: lookaside buffers with an MDL, returned when the
 * WSK send completes; rx: NetAdapterCx rx fragment buffers. */
uint8_t *ovpn_km_transport_buffer(intptr_t context, int32_t size);
void ovpn_km_transport_buffer_release(intptr_t context, uint8_t *buffer);
uint8_t *ovpn_km_adapter_buffer(intptr_t context, int32_t size);
void ovpn_km_adapter_buffer_release(intptr_t context, uint8_t *buffer);
int32_t ovpn_km_transport_send(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length);
void ovpn_km_adapter_deliver(intptr_t context, const uint8_t *packet, int32_t length);
void ovpn_km_adapter_set_link(intptr_t context, bool connected);
void ovpn_km_complete_read(intptr_t context, intptr_t request, int32_t status, const uint8_t *data, int32_t length);
void ovpn_km_complete_pending(intptr_t context, int32_t kind, int32_t status, const uint8_t *output, int32_t length);
void ovpn_km_timer_arm(intptr_t context, int64_t due_ms);
void ovpn_km_timer_cancel(intptr_t context);

#ifdef __cplusplus
}
#endif

#endif /* OVPN_KM_H */
