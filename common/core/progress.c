/* progress - see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "core/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define BAR 24

void
progress_start(struct progress *p, const char *label)
{
    p->tty = isatty(STDERR_FILENO);
    p->start = now_seconds();
    p->last_draw = 0.0;
    snprintf(p->label, sizeof p->label, "%s", label);
}

void
progress_update(struct progress *p, double done, double total,
                const char *status)
{
    double t = now_seconds(), frac = total > 0 ? done / total : 1.0;
    double eta = frac > 0 ? (t - p->start) * (1.0 - frac) / frac : 0.0;
    char bar[BAR + 1];
    int fill = (int)(frac * BAR + 0.5);

    if (!p->tty || (t - p->last_draw < 0.2 && done < total))
        return;
    p->last_draw = t;
    for (int i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
    fprintf(stderr, "\r%s [%s] %3.0f%% ETA %02d:%02d %s\033[K", p->label,
            bar, 100.0 * frac, (int)eta / 60, (int)eta % 60, status);
    fflush(stderr);
}

void
progress_done(struct progress *p, const char *status)
{
    if (p->tty)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "%s: %s (%.1f s)\n", p->label, status,
            now_seconds() - p->start);
}
