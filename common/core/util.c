/* util - see util.h. The only mutable process-wide state is the program
 * name, written once by set_progname() before anything else runs. */
#define _POSIX_C_SOURCE 200809L
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *the_progname = "digits";

void
set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');

    the_progname = slash != NULL ? slash + 1 : argv0;
}

const char *
progname(void)
{
    return the_progname;
}

void
fatal(int status, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", the_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size != 0 ? size : 1);

    if (p == NULL)
        fatal(2, "out of memory (%zu bytes)", size);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

    if (p == NULL)
        fatal(2, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *
xmalloc_array(size_t n, size_t size)
{
    size_t total;

    if (mul_size(&total, n, size) != 0)
        fatal(2, "allocation size overflows (%zu x %zu)", n, size);
    return xmalloc(total);
}

int
mul_size(size_t *out, size_t a, size_t b)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

int
parse_long(long *out, const char *s, long lo, long hi)
{
    char *end;
    long v;

    /* strtol accepts leading blanks and a sign; we accept digits only,
     * with one optional '-', so " 12" and "+3" are rejected too. */
    if (s[0] == '\0' || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

size_t
parse_count(const char *s, size_t lo, size_t hi, const char *what)
{
    char *end;
    unsigned long long v;

    if (s[0] < '0' || s[0] > '9')
        fatal(1, "%s: '%s' is not a whole number", what, s);
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        fatal(1, "%s: '%s' is not a whole number", what, s);
    if (v < lo || v > hi)
        fatal(1, "%s: %s is out of range (%zu to %zu)", what, s, lo, hi);
    return (size_t)v;
}

double
parse_real(const char *s, double lo, double hi, const char *what)
{
    char *end;
    double v;

    if (s[0] == '\0' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
        fatal(1, "%s: '%s' is not a number", what, s);
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        fatal(1, "%s: '%s' is not a number", what, s);
    if (v < lo || v > hi)
        fatal(1, "%s: %s is out of range (%g to %g)", what, s, lo, hi);
    return v;
}

FILE *
open_input(const char *path, const char **name)
{
    FILE *fp = path != NULL ? fopen(path, "rb") : stdin;

    if (fp == NULL)
        fatal(1, "%s: %s", path, strerror(errno));
    if (name != NULL)
        *name = path != NULL ? path : "stdin";
    return fp;
}

void
close_input(FILE *fp)
{
    if (fp != stdin)
        fclose(fp);
}

void
finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        fatal(2, "write error on standard output: %s", strerror(errno));
    if (fclose(stdout) != 0)
        fatal(2, "closing standard output: %s", strerror(errno));
}

double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
