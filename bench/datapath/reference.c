/*
 * reference.c - the per-packet work of the data path written by hand in C with the same OpenSSL calls the hosted
 * runtime makes: tx (peer lookup, packet id, P_DATA_V2 header, AES-256-GCM seal) and rx (header parse, peer lookup by
 * id, AES-256-GCM open, 2048-packet replay window). The baseline of bench/datapath.
 */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct ref_peer {
    uint32_t id;
    uint32_t tx_pid;
    uint32_t rx_highest;
    uint64_t rx_window[32];
    uint8_t tx_tail[8], rx_tail[8];
    EVP_CIPHER_CTX *seal, *open;
};

#define REF_BUCKETS 64
static struct ref_peer *g_by_id[REF_BUCKETS];

void ref_setup(struct ref_peer *p, const uint8_t *key, const uint8_t *tail)
{
    memset(p, 0, sizeof *p);
    memcpy(p->tx_tail, tail, 8);
    memcpy(p->rx_tail, tail, 8);
    p->seal = EVP_CIPHER_CTX_new();
    p->open = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(p->seal, EVP_aes_256_gcm(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_ctrl(p->seal, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
    EVP_EncryptInit_ex(p->seal, NULL, NULL, key, NULL);
    EVP_DecryptInit_ex(p->open, EVP_aes_256_gcm(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_ctrl(p->open, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
    EVP_DecryptInit_ex(p->open, NULL, NULL, key, NULL);
    g_by_id[p->id % REF_BUCKETS] = p;
}

static bool replay_accept(struct ref_peer *p, uint32_t id)
{
    if (id == 0)
        return false;
    if (id > p->rx_highest) {
        if (id - p->rx_highest >= 2048)
            memset(p->rx_window, 0, sizeof p->rx_window);
        else
            for (uint32_t i = p->rx_highest + 1; i != id + 1; i++)
                p->rx_window[i / 64 % 32] &= ~(UINT64_C(1) << (i % 64));
        p->rx_highest = id;
    } else if (p->rx_highest - id >= 2048) {
        return false;
    }
    uint64_t bit = UINT64_C(1) << (id % 64);
    if (p->rx_window[id / 64 % 32] & bit)
        return false;
    p->rx_window[id / 64 % 32] |= bit;
    return true;
}

/* tx: returns the wire length */
int ref_encrypt(struct ref_peer *p, const uint8_t *ip, int len, uint8_t *out)
{
    uint8_t nonce[12];
    int n;
    uint32_t pid = ++p->tx_pid;
    out[0] = 9 << 3; out[1] = (uint8_t)(p->id >> 16); out[2] = (uint8_t)(p->id >> 8); out[3] = (uint8_t)p->id;
    out[4] = (uint8_t)(pid >> 24); out[5] = (uint8_t)(pid >> 16); out[6] = (uint8_t)(pid >> 8); out[7] = (uint8_t)pid;
    memcpy(nonce, out + 4, 4);
    memcpy(nonce + 4, p->tx_tail, 8);
    EVP_EncryptInit_ex(p->seal, NULL, NULL, NULL, nonce);
    EVP_EncryptUpdate(p->seal, NULL, &n, out, 8);
    EVP_EncryptUpdate(p->seal, out + 24, &n, ip, len);
    EVP_EncryptFinal_ex(p->seal, out + 24 + n, &n);
    EVP_CIPHER_CTX_ctrl(p->seal, EVP_CTRL_AEAD_GET_TAG, 16, out + 8);
    return 24 + len;
}

/* rx: returns the plaintext length, -1 when dropped */
int ref_decrypt(const uint8_t *wire, int len, uint8_t *ip)
{
    uint8_t nonce[12], tag[16];
    int n;
    if (len < 24 || (wire[0] >> 3) != 9)
        return -1;
    uint32_t id = (uint32_t)wire[1] << 16 | (uint32_t)wire[2] << 8 | wire[3];
    struct ref_peer *p = g_by_id[id % REF_BUCKETS];
    if (p == NULL || p->id != id)
        return -1;
    uint32_t pid = (uint32_t)wire[4] << 24 | (uint32_t)wire[5] << 16 | (uint32_t)wire[6] << 8 | wire[7];
    memcpy(nonce, wire + 4, 4);
    memcpy(nonce + 4, p->rx_tail, 8);
    memcpy(tag, wire + 8, 16);
    EVP_DecryptInit_ex(p->open, NULL, NULL, NULL, nonce);
    EVP_DecryptUpdate(p->open, NULL, &n, wire, 8);
    EVP_DecryptUpdate(p->open, ip, &n, wire + 24, len - 24);
    EVP_CIPHER_CTX_ctrl(p->open, EVP_CTRL_AEAD_SET_TAG, 16, tag);
    if (EVP_DecryptFinal_ex(p->open, ip + n, &n) != 1)
        return -1;
    if (!replay_accept(p, pid))
        return -1;
    return len - 24;
}
