/* stopsig - hold the signals that stop a program (SIGINT, SIGTERM,
 * SIGHUP) over a step that must finish whole, such as writing a file and
 * saying so. Needs _POSIX_C_SOURCE. */
#ifndef STOPSIG_H
#define STOPSIG_H

#include <signal.h>

/* Hold them in the calling thread, saving the old mask in *old. Holds
 * nest. Only for code that runs while no other thread lives: another
 * thread would take the signal instead. */
void stopsig_hold(sigset_t *old);

/* Restore *old; a signal that came meanwhile is delivered now. */
void stopsig_release(const sigset_t *old);

#endif
