/* userdigits - digits in one person's own style, unlike MNIST, for the
 * test that retraining from feedback learns it:
 *
 *   userdigits SEED N > drawings.pgm
 *
 * writes N drawings of 112x112, dark ink on white, of the digits 0, 1,
 * ..., 9, 0, 1, ... in turn. The style is boxy, as if written on squared
 * paper: a rectangular 0, 1 with a long flag and a foot, 7 with a
 * crossbar, an open 4, square 2, 3, 5, 6, 8, 9. Each drawing gets its own
 * slant, size, position, pen width and wobble from the seed, so two seeds
 * give two disjoint sets. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/rng.h"
#include "core/util.h"
#include "img/pgmio.h"

#define S 112                   /* canvas side */
#define MAXP 12                 /* points in one digit's strokes */

/* Strokes in a unit box, x right and y down; (NaN, 0) lifts the pen,
 * (NaN, 1) ends the digit. */
static const float shapes[10][MAXP][2] = {
    { {0,0}, {1,0}, {1,1}, {0,1}, {0,0}, {NAN,0}, {1.1f,-.1f}, {-.1f,1.1f},
      {NAN,1} },
    { {.1f,.3f}, {.6f,0}, {.6f,1}, {NAN,0}, {.15f,1}, {1,1}, {NAN,1} },
    { {0,0}, {1,0}, {1,.5f}, {0,.5f}, {0,1}, {1,1}, {NAN,0}, {.1f,.75f},
      {.9f,.75f}, {NAN,1} },
    { {0,0}, {1,0}, {1,1}, {0,1}, {NAN,0}, {.25f,.5f}, {1,.5f}, {NAN,1} },
    { {0,0}, {0,.6f}, {1,.6f}, {NAN,0}, {.75f,.15f}, {.75f,1}, {NAN,1} },
    { {1,0}, {0,0}, {0,.5f}, {1,.5f}, {1,1}, {0,1}, {NAN,1} },
    { {1,0}, {0,0}, {0,1}, {1,1}, {1,.5f}, {0,.5f}, {NAN,1} },
    { {0,0}, {1,0}, {.35f,1}, {NAN,0}, {.3f,.5f}, {.95f,.5f}, {NAN,1} },
    { {0,0}, {1,0}, {1,1}, {0,1}, {0,0}, {NAN,0}, {0,.5f}, {1,.5f},
      {NAN,1} },
    { {1,.5f}, {0,.5f}, {0,0}, {1,0}, {1,1}, {0,1}, {NAN,1} },
};

/* Distance from (x, y) to the segment a-b. */
static double
seg_dist(double x, double y, const double *a, const double *b)
{
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - a[0]) * dx + (y - a[1]) * dy) / len2 : 0;

    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(x - a[0] - t * dx, y - a[1] - t * dy);
}

static void
draw(uint8_t *img, int digit, struct rng *r)
{
    double pts[MAXP][2];
    double h = 60 + 30 * rng_uniform(r), w = h * (0.5 + 0.2 * rng_uniform(r));
    double slant = 0.35 * (rng_uniform(r) - 0.5);
    double x0 = 10 + (S - 20 - w) * rng_uniform(r);
    double y0 = 8 + (S - 16 - h) * rng_uniform(r);
    double pen = 3.5 + 2.5 * rng_uniform(r);
    int n = 0;

    for (; n < MAXP; n++) {
        double u = shapes[digit][n][0], v = shapes[digit][n][1];
        if (isnan(u)) {
            pts[n][0] = NAN;
            if (v == 1)
                break;
            continue;
        }
        u += 0.08 * (rng_uniform(r) - 0.5);
        v += 0.08 * (rng_uniform(r) - 0.5);
        pts[n][0] = x0 + u * w + slant * (1 - v) * h;
        pts[n][1] = y0 + v * h;
    }
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) {
            double d = 1e9;
            for (int i = 0; i + 1 < n; i++)
                if (!isnan(pts[i][0]) && !isnan(pts[i + 1][0]))
                    d = fmin(d, seg_dist(x, y, pts[i], pts[i + 1]));
            double ink = fmin(1, fmax(0, pen - d + 0.5));
            img[y * S + x] = (uint8_t)lround(255 * (1 - ink));
        }
}

int
main(int argc, char *argv[])
{
    uint8_t img[S * S];
    long seed, n;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    if (argc != 3 || parse_long(&seed, argv[1], 0, 1L << 30) != 0 ||
        parse_long(&n, argv[2], 1, 100000) != 0) {
        fprintf(stderr, "usage: userdigits SEED N > drawings.pgm\n");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        struct rng r;
        rng_init(&r, (uint64_t)seed, 0x05e7, (uint64_t)i, 0);
        draw(img, (int)(i % 10), &r);
        if (pgmio_write(stdout, img, S, S) != 0)
            fatal(2, "write error");
    }
    finish_stdout();
    return 0;
}
