/* ovpn_hosted_trace.c - the hosted trace sink (the kernel uses TraceLogging): levelled lines to stderr or a file. */
#define _POSIX_C_SOURCE 200809L
#include "ovpn_hosted.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_trace_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *g_trace_file;
static int32_t g_trace_level = OVPN_HOSTED_TRACE_WARNING;
static bool g_trace_configured;
static int64_t g_trace_count;

static const char *level_name(int32_t level)
{
    switch (level) {
    case OVPN_HOSTED_TRACE_ERROR: return "error";
    case OVPN_HOSTED_TRACE_WARNING: return "warning";
    case OVPN_HOSTED_TRACE_INFO: return "info";
    default: return "verbose";
    }
}

static int32_t open_locked(const char *path, int32_t max_level)
{
    FILE *f = NULL;
    if (path != NULL && path[0] != '\0') {
        f = fopen(path, "a");
        if (f == NULL)
            return errno;
    }
    if (g_trace_file != NULL)
        fclose(g_trace_file);
    g_trace_file = f;
    g_trace_level = max_level;
    g_trace_configured = true;
    return 0;
}

/* OVPN_DCO_TRACE=<level 2..5>[:<file>] */
static void configure_from_environment(void)
{
    const char *spec = getenv("OVPN_DCO_TRACE");
    if (spec != NULL && spec[0] >= '0' && spec[0] <= '9') {
        const char *colon = strchr(spec, ':');
        open_locked(colon != NULL ? colon + 1 : NULL, (int32_t)strtol(spec, NULL, 10));
    }
    g_trace_configured = true;
}

int32_t ovpn_hosted_trace_open(const char *path, int32_t max_level)
{
    int32_t rc;
    pthread_mutex_lock(&g_trace_lock);
    rc = open_locked(path, max_level);
    pthread_mutex_unlock(&g_trace_lock);
    return rc;
}

void ovpn_hosted_trace(int32_t level, const char *message, int64_t a, int64_t b)
{
    pthread_mutex_lock(&g_trace_lock);
    if (!g_trace_configured)
        configure_from_environment();
    if (level <= g_trace_level) {
        FILE *out = g_trace_file != NULL ? g_trace_file : stderr;
        fprintf(out, "ovpn-dco %s: %s (%lld, %lld)\n", level_name(level), message, (long long)a, (long long)b);
        fflush(out);
        g_trace_count++;
    }
    pthread_mutex_unlock(&g_trace_lock);
}

void ovpn_hosted_trace_event(int32_t level, const char *event, int32_t count, const ovpn_hosted_trace_field *fields)
{
    pthread_mutex_lock(&g_trace_lock);
    if (!g_trace_configured)
        configure_from_environment();
    if (level <= g_trace_level) {
        FILE *out = g_trace_file != NULL ? g_trace_file : stderr;
        fprintf(out, "ovpn-dco %s: %s", level_name(level), event);
        for (int32_t i = 0; i < count; i++) {
            const ovpn_hosted_trace_field *f = &fields[i];
            switch (f->kind) {
            case OVPN_HOSTED_TRACE_FIELD_SIGNED: fprintf(out, " %s=%lld", f->name, (long long)(int64_t)f->value); break;
            case OVPN_HOSTED_TRACE_FIELD_UNSIGNED: fprintf(out, " %s=%llu", f->name, (unsigned long long)f->value); break;
            case OVPN_HOSTED_TRACE_FIELD_BOOL: fprintf(out, " %s=%s", f->name, f->value != 0 ? "true" : "false"); break;
            default: fprintf(out, " %s=%s", f->name, f->text != NULL ? f->text : "(null)"); break;
            }
        }
        fputc('\n', out);
        fflush(out);
        g_trace_count++;
    }
    pthread_mutex_unlock(&g_trace_lock);
}

int64_t ovpn_hosted_trace_count(void)
{
    int64_t n;
    pthread_mutex_lock(&g_trace_lock);
    n = g_trace_count;
    pthread_mutex_unlock(&g_trace_lock);
    return n;
}
