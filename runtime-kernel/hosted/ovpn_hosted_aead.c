/*
 * ovpn_hosted_aead.c - AEAD key objects on OpenSSL 3 EVP: AES-128/192/256-GCM and ChaCha20-Poly1305.
 * A key object holds one encrypt and one decrypt context initialised with the key once; a packet only sets the
 * 12-byte nonce, so nothing is allocated per packet. A spin lock per object serialises users of a context: a test-and-set
 * byte taken inline (no call per packet; uncontended it is one exchange), since two threads rarely seal with one key.
 * Also HKDF-Expand with SHA-256 (EVP_KDF "HKDF"), used when the driver derives epoch data keys.
 */
#define _POSIX_C_SOURCE 200809L
#include "ovpn_hosted.h"

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

struct ovpn_aead_key {
    EVP_CIPHER_CTX *seal;
    EVP_CIPHER_CTX *open;
    atomic_flag busy;
};

static inline void key_lock(struct ovpn_aead_key *k)
{
    unsigned spins = 0;
    while (atomic_flag_test_and_set_explicit(&k->busy, memory_order_acquire)) {
        if (++spins % 64 == 0)
            sched_yield(); /* the holder may have been preempted */
#if defined(__x86_64__) || defined(__i386__)
        else
            __builtin_ia32_pause();
#endif
    }
}

static inline void key_unlock(struct ovpn_aead_key *k) { atomic_flag_clear_explicit(&k->busy, memory_order_release); }

static int64_t g_live_keys; /* key objects alive (tests check that the driver destroys every key it creates) */

int64_t ovpn_hosted_aead_live(void) { return __atomic_load_n(&g_live_keys, __ATOMIC_RELAXED); }

static const EVP_CIPHER *cipher_for(int32_t alg, int32_t key_len)
{
    if (alg == OVPN_HOSTED_AEAD_AES_GCM) {
        switch (key_len) {
        case 16: return EVP_aes_128_gcm();
        case 24: return EVP_aes_192_gcm();
        case 32: return EVP_aes_256_gcm();
        default: return NULL;
        }
    }
    if (alg == OVPN_HOSTED_AEAD_CHACHA20_POLY1305 && key_len == 32)
        return EVP_chacha20_poly1305();
    return NULL;
}

static bool init_context(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const uint8_t *key, int encrypt)
{
    return EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, OVPN_HOSTED_AEAD_NONCE, NULL) == 1 &&
           EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, encrypt) == 1;
}

int32_t ovpn_hosted_aead_create(int32_t alg, const uint8_t *key, int32_t key_len, intptr_t *handle)
{
    const EVP_CIPHER *cipher = cipher_for(alg, key_len);
    struct ovpn_aead_key *k;
    if (cipher == NULL || key == NULL)
        return -1;
    k = calloc(1, sizeof *k);
    if (k == NULL)
        return -2;
    k->seal = EVP_CIPHER_CTX_new();
    k->open = EVP_CIPHER_CTX_new();
    if (k->seal == NULL || k->open == NULL || !init_context(k->seal, cipher, key, 1) || !init_context(k->open, cipher, key, 0)) {
        EVP_CIPHER_CTX_free(k->seal);
        EVP_CIPHER_CTX_free(k->open);
        free(k);
        return -2;
    }
    atomic_flag_clear(&k->busy);
    __atomic_add_fetch(&g_live_keys, 1, __ATOMIC_RELAXED);
    *handle = (intptr_t)k;
    return 0;
}

void ovpn_hosted_aead_destroy(intptr_t *handle)
{
    struct ovpn_aead_key *k = (struct ovpn_aead_key *)*handle;
    if (k == NULL)
        return;
    EVP_CIPHER_CTX_free(k->seal); /* frees and cleanses the expanded key */
    EVP_CIPHER_CTX_free(k->open);
    OPENSSL_cleanse(k, sizeof *k);
    free(k);
    __atomic_sub_fetch(&g_live_keys, 1, __ATOMIC_RELAXED);
    *handle = 0;
}

/*
 * Both AEADs here are stream modes: Final never writes plaintext or ciphertext (it computes or checks the tag), so it
 * is given a scratch buffer rather than a pointer past the output, which an empty payload may not have.
 */
bool ovpn_hosted_aead_seal(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                           const uint8_t *plaintext, int32_t len, uint8_t *ciphertext, uint8_t *tag)
{
    struct ovpn_aead_key *k = (struct ovpn_aead_key *)handle;
    uint8_t scratch[16];
    int out;
    bool ok;
    if (k == NULL || (len | aad_len) < 0)
        return false;
    key_lock(k);
    ok = EVP_EncryptInit_ex(k->seal, NULL, NULL, NULL, nonce) == 1 &&
         (aad_len == 0 || EVP_EncryptUpdate(k->seal, NULL, &out, aad, aad_len) == 1) &&
         (len == 0 || EVP_EncryptUpdate(k->seal, ciphertext, &out, plaintext, len) == 1) &&
         EVP_EncryptFinal_ex(k->seal, scratch, &out) == 1 &&
         EVP_CIPHER_CTX_ctrl(k->seal, EVP_CTRL_AEAD_GET_TAG, OVPN_HOSTED_AEAD_TAG, tag) == 1;
    key_unlock(k);
    return ok;
}

/*
 * The expected tag is handed to OpenSSL (which copies it) before anything is decrypted: plaintext written over the
 * packet in place can then never change the tag it is checked against.
 */
bool ovpn_hosted_aead_open(intptr_t handle, const uint8_t *nonce, const uint8_t *aad, int32_t aad_len,
                           const uint8_t *ciphertext, int32_t len, const uint8_t *tag, uint8_t *plaintext)
{
    struct ovpn_aead_key *k = (struct ovpn_aead_key *)handle;
    uint8_t scratch[16];
    int out;
    bool ok;
    if (k == NULL || (len | aad_len) < 0)
        return false;
    key_lock(k);
    ok = EVP_DecryptInit_ex(k->open, NULL, NULL, NULL, nonce) == 1 &&
         EVP_CIPHER_CTX_ctrl(k->open, EVP_CTRL_AEAD_SET_TAG, OVPN_HOSTED_AEAD_TAG, (void *)tag) == 1 &&
         (aad_len == 0 || EVP_DecryptUpdate(k->open, NULL, &out, aad, aad_len) == 1) &&
         (len == 0 || EVP_DecryptUpdate(k->open, plaintext, &out, ciphertext, len) == 1) &&
         EVP_DecryptFinal_ex(k->open, scratch, &out) == 1;
    key_unlock(k);
    return ok;
}

int32_t ovpn_hosted_hkdf_sha256_expand(const uint8_t *prk, int32_t prk_len, const uint8_t *info, int32_t info_len,
                                       uint8_t *out, int32_t out_len)
{
    static const uint8_t empty[1] = { 0 };
    char digest[] = "SHA256";
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[5];
    EVP_KDF *kdf;
    EVP_KDF_CTX *ctx;
    int32_t rc = -2;
    if (prk == NULL || prk_len <= 0 || info_len < 0 || (info == NULL && info_len != 0) || out == NULL || out_len <= 0 ||
        out_len > 255 * 32)
        return -1;
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL)
        return -2;
    ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL)
        return -2;
    params[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)prk, (size_t)prk_len);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(info_len == 0 ? empty : info),
                                                  (size_t)info_len);
    params[4] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, (size_t)out_len, params) == 1)
        rc = 0;
    EVP_KDF_CTX_free(ctx); /* cleanses its copy of the key */
    return rc;
}
