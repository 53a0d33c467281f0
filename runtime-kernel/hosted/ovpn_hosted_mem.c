/* ovpn_hosted_mem.c - tagged allocator with leak accounting (the hosted ExAllocatePool2/ExFreePool). */
#include "ovpn_hosted.h"
#include "ovpn_rt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Every block starts with this header; 16 bytes keep the payload 16-byte aligned. */
struct ovpn_block_header {
    uint64_t size;
    uint32_t tag;
    uint32_t magic;
};

#define OVPN_BLOCK_MAGIC 0x0D0CB10Cu
#define OVPN_TAG_SLOTS 64

struct ovpn_tag_stats {
    uint32_t tag;
    int64_t live;
    int64_t bytes;
};

static pthread_mutex_t g_mem_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ovpn_tag_stats g_tags[OVPN_TAG_SLOTS];

static struct ovpn_tag_stats *tag_slot(uint32_t tag)
{
    int i;
    for (i = 0; i < OVPN_TAG_SLOTS; i++)
        if (g_tags[i].tag == tag || g_tags[i].tag == 0) {
            g_tags[i].tag = tag;
            return &g_tags[i];
        }
    return NULL;
}

void *ovpn_hosted_alloc(size_t size, uint32_t tag)
{
    struct ovpn_block_header *h;
    struct ovpn_tag_stats *stats;
    if (tag == 0 || size > SIZE_MAX - sizeof *h || ovpn_hosted_fault_hit(OVPN_HOSTED_FAULT_ALLOC))
        return NULL;
    h = calloc(1, sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    h->tag = tag;
    h->magic = OVPN_BLOCK_MAGIC;
    pthread_mutex_lock(&g_mem_lock);
    stats = tag_slot(tag);
    if (stats != NULL) {
        stats->live++;
        stats->bytes += (int64_t)size;
    }
    pthread_mutex_unlock(&g_mem_lock);
    return h + 1;
}

void ovpn_hosted_free(void *memory, uint32_t tag)
{
    struct ovpn_block_header *h;
    struct ovpn_tag_stats *stats;
    if (memory == NULL)
        return;
    h = (struct ovpn_block_header *)memory - 1;
    if (h->magic != OVPN_BLOCK_MAGIC)
        ovpn_rt_failfast("free of memory that is not from ovpn_hosted_alloc (or freed twice)");
    if (h->tag != tag)
        ovpn_rt_failfast("free with a different pool tag than the allocation");
    pthread_mutex_lock(&g_mem_lock);
    stats = tag_slot(tag);
    if (stats != NULL) {
        stats->live--;
        stats->bytes -= (int64_t)h->size;
    }
    pthread_mutex_unlock(&g_mem_lock);
    h->magic = 0;
    memset(h + 1, 0, (size_t)h->size); /* freed pool memory never keeps key material around */
    free(h);
}

static int64_t sum(uint32_t tag, int bytes)
{
    int64_t total = 0;
    int i;
    pthread_mutex_lock(&g_mem_lock);
    for (i = 0; i < OVPN_TAG_SLOTS; i++)
        if (g_tags[i].tag != 0 && (tag == 0 || g_tags[i].tag == tag))
            total += bytes ? g_tags[i].bytes : g_tags[i].live;
    pthread_mutex_unlock(&g_mem_lock);
    return total;
}

int64_t ovpn_hosted_mem_live(uint32_t tag) { return sum(tag, 0); }

int64_t ovpn_hosted_mem_live_bytes(uint32_t tag) { return sum(tag, 1); }

int64_t ovpn_hosted_mem_report(void)
{
    int64_t total = 0;
    int i;
    pthread_mutex_lock(&g_mem_lock);
    for (i = 0; i < OVPN_TAG_SLOTS; i++)
        if (g_tags[i].tag != 0 && g_tags[i].live != 0) {
            ovpn_hosted_trace(OVPN_HOSTED_TRACE_ERROR, "memory leak: tag, live allocations", g_tags[i].tag, g_tags[i].live);
            total += g_tags[i].live;
        }
    pthread_mutex_unlock(&g_mem_lock);
    return total;
}
