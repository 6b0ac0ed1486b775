/* stopsig - see stopsig.h. */
#define _POSIX_C_SOURCE 200809L
#include "core/stopsig.h"

#include <pthread.h>

void
stopsig_hold(sigset_t *old)
{
    sigset_t stop;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, old);
}

void
stopsig_release(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}
