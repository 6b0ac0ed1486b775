/* levels - runs a unit test's checks once per kernel level (nn/kern.h)
 * this CPU has, each forced in turn, saying which in the TAP output. */
#ifndef LEVELS_H
#define LEVELS_H

#include <stdio.h>

#include "nn/kern.h"
#include "tap.h"

static void
for_each_level(void (*run)(void))
{
    static char prefix[32];

    for (int l = KERN_GENERIC; l < KERN_LEVELS; l++) {
        const char *name = kern_level_name((enum kern_level)l);

        if (kern_force((enum kern_level)l) != 0) {
            diag("kernel level %s: not on this CPU, not tested", name);
            continue;
        }
        snprintf(prefix, sizeof prefix, "[%s] ", name);
        tap_prefix = prefix;
        run();
    }
    tap_prefix = "";
}

#endif
