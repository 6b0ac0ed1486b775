/* threads - see threads.h. Threads are started per call rather than kept
 * in a pool: a call does milliseconds of work and pthread_create costs
 * microseconds, and no pool means no shutdown or wake-up protocol. */
#define _POSIX_C_SOURCE 200809L
#include "core/threads.h"

#include <pthread.h>
#include <unistd.h>

#define MAX_THREADS 256

void
threads_run(void *(*fn)(void *), void *args, size_t arg_size, int n)
{
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS];
    char *base = args;

    for (int i = 1; i < n && i < MAX_THREADS; i++)
        started[i] = pthread_create(&tid[i], NULL, fn,
                                    base + (size_t)i * arg_size) == 0;
    fn(base);
    for (int i = 1; i < n && i < MAX_THREADS; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else
            fn(base + (size_t)i * arg_size);
    }
}

int
threads_default(int max)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        return 1;
    return n > max ? max : (int)n;
}
