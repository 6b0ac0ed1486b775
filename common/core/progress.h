/* progress - a one-line progress report on stderr for long work. On a
 * terminal it redraws a bar with the fraction done, the ETA and a caller's
 * status text a few times a second; elsewhere (a log, a pipe) it stays
 * silent until progress_done prints one plain line, so logs get one line
 * per step, not thousands of carriage returns. */
#ifndef PROGRESS_H
#define PROGRESS_H

struct progress {
    int tty;                    /* stderr is a terminal */
    double start, last_draw;    /* now_seconds() at start, last redraw */
    char label[32];
};

void progress_start(struct progress *p, const char *label);
/* done of total units finished; status is a short text such as
 * "loss 0.123 1200 img/s". Redraws at most 5 times a second. */
void progress_update(struct progress *p, double done, double total,
                     const char *status);
/* Ends the step: clears the bar and prints "label: status" on one line. */
void progress_done(struct progress *p, const char *status);

#endif
