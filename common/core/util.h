/* util - the small helpers every program shares: the program name,
 * checked allocation, strict number parsing for argv, opening FILE or
 * stdin, and the fatal-error and stdout-closing calls that turn failures
 * into the exit statuses of STYLE.md (1 bad input or usage, 2 internal). */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ERRLEN 256              /* size of every caller-owned err buffer */

/* Sets the program name used in every message (the last part of argv0).
 * Called once, first thing in main; the one process-wide value. */
void set_progname(const char *argv0);
const char *progname(void);

/* Print "prog: message" to stderr and exit with status. */
_Noreturn void fatal(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allocation that cannot fail: out of memory exits 2 with a message.
 * xmalloc_array checks n * size for overflow first. Free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xmalloc_array(size_t n, size_t size);

/* *out = a * b; returns -1 (and leaves *out alone) if it overflows. */
int mul_size(size_t *out, size_t a, size_t b);

/* Strict parsers for option values: the whole string must be a number in
 * [lo, hi]. On anything else they exit 1 naming the option. */
size_t parse_count(const char *s, size_t lo, size_t hi, const char *what);
double parse_real(const char *s, double lo, double hi, const char *what);

/* The same checks without exiting, for text input: 0, or -1 if s is not
 * entirely a decimal integer in [lo, hi]. */
int parse_long(long *out, const char *s, long lo, long hi);

/* The input of a program that reads FILE or standard input: opens path
 * for reading, or gives stdin when path is NULL, and sets *name (when
 * name is not NULL) to path or "stdin" for messages. A file that cannot
 * be opened is bad input: exit 1 with "prog: path: reason". */
FILE *open_input(const char *path, const char **name);

/* Closes what open_input() opened; stdin stays open. The caller has
 * already checked every read, so a close error is of no interest. */
void close_input(FILE *fp);

/* Flush and close stdout; a write error exits 2. Call before returning 0
 * from main in every program that writes to stdout. */
void finish_stdout(void);

/* Monotonic clock in seconds, for progress and metric lines only. */
double now_seconds(void);

#endif
