/* tap - the smallest TAP producer that works for us. Results are kept
 * until tap_done(), which prints the plan line first and then every
 * "ok N - ..." line, so the plan never has to be counted by hand. A test
 * that crashes prints nothing and prove reports it as failed. */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *tap_buf;
static size_t tap_len, tap_cap;
static int tap_count, tap_failed;
static const char *tap_prefix = "";    /* before each description */

static void
tap_append(const char *s)
{
    size_t n = strlen(s);

    if (tap_len + n + 1 > tap_cap) {
        tap_cap = (tap_len + n + 1) * 2;
        tap_buf = realloc(tap_buf, tap_cap);
        if (tap_buf == NULL)
            abort();
    }
    memcpy(tap_buf + tap_len, s, n + 1);
    tap_len += n;
}

/* Records one check; returns cond so callers can print diagnostics. */
static int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
    char line[512];
    int n;
    va_list ap;

    tap_count++;
    if (!cond)
        tap_failed++;
    n = snprintf(line, sizeof line, "%sok %d - %s", cond ? "" : "not ",
                 tap_count, tap_prefix);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    tap_append(line);
    return cond;
}

/* A "# ..." diagnostic line, kept in order with the results. */
static void __attribute__((format(printf, 1, 2), unused))
diag(const char *fmt, ...)
{
    char line[512] = "# ";
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line + 2, sizeof line - 3, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    tap_append(line);
}

static int
tap_done(void)
{
    printf("1..%d\n%s", tap_count, tap_buf != NULL ? tap_buf : "");
    free(tap_buf);
    return tap_failed != 0;
}

#endif
