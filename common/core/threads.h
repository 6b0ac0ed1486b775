/* threads - run n workers to completion. Worker i gets the i-th of n
 * argument structs laid out arg_size bytes apart; worker 0 runs on the
 * calling thread. If a thread cannot be started its work runs on the
 * calling thread instead: each worker writes only its own slice, so the
 * result is the same bytes either way, just slower. */
#ifndef THREADS_H
#define THREADS_H

#include <stddef.h>

void threads_run(void *(*fn)(void *), void *args, size_t arg_size, int n);

/* Online processors (at least 1, at most max), the default --threads. */
int threads_default(int max);

#endif
