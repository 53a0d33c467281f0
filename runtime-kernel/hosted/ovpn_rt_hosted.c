/* ovpn_rt_hosted.c - the POSIX backend of the runtime: fail-fast and the zeroing of secrets. */
#define _DEFAULT_SOURCE /* explicit_bzero (glibc 2.25+) under -std=c11 */
#include "ovpn_rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ovpn_rt_failfast(const char *reason)
{
    fprintf(stderr, "ovpn-rt: fail-fast: %s\n", reason);
    fflush(stderr);
    abort();
}

/* explicit_bzero: a memset the compiler may not remove as a dead store (secrets in memory about to be freed). */
void ovpn_rt_secure_zero(void *dst, size_t n)
{
    if (n != 0)
        explicit_bzero(dst, n);
}
