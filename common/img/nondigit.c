/* nondigit - see nondigit.h. Letters and symbols are written in
 * sketch_glyph's notation on a 10 x 10 grid (x right, y down; lower
 * case letters sit on rows 3-9, ascenders reach row 0); shapes and
 * scribbles are made by small functions in units of about 1; blobs,
 * dots, noise and several digits are painted on the canvas (paint.c). */
#include "img/nondigit.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "img/paint.h"
#include "img/sketch.h"

#define PI 3.14159265358979

/* Left out, as a person could write them as a digit: B D G I J O Q S Z
 * and b f g i j l o q s y z (8 0 6 1 1-or-7 0 0 5 2, 6 crossed-7 9 1 1
 * 1 0 9 5 open-4 2). */
static const char *const letters[] = {
    "09 40! 89 | 25 65",                        /* A */
    "71 40 11 05 18 49 78",                     /* C */
    "60 00! 09! 69 | 04 45",                    /* E */
    "60 00! 09 | 04 45",                        /* F */
    "00 09 | 60 69 | 04 64",                    /* H */
    "00 09 | 60 15! 69",                        /* K */
    "00 09! 59",                                /* L */
    "09 01! 46! 81! 89",                        /* M */
    "09 00! 69! 60",                            /* N */
    "09 00! 40 62 44 04",                       /* P */
    "09 00! 40 62 44 04! 69",                   /* R */
    "00 80 | 40 49",                            /* T */
    "00 06 29 59 76 70",                        /* U */
    "00 49! 80",                                /* V */
    "00 29! 43! 69! 80",                        /* W */
    "00 79 | 70 09",                            /* X */
    "00 44! 80 | 44 49",                        /* Y */
    "54 33 14 07 29 48 56 | 53 58! 69",         /* a */
    "54 33 14 06 18 39 58",                     /* c */
    "54 33 14 07 29 48 56 | 50 58! 69",         /* d */
    "06 56 54 33 14 07 29 58",                  /* e */
    "00 09 | 06 24 44 55 59",                   /* h */
    "00 09 | 53 06! 59",                        /* k */
    "03 09 | 05 23 35 39 | 35 53 65 69",        /* m */
    "03 09 | 05 23 45 49",                      /* n */
    "02 09 | 03 32 54 36 06",                   /* p */
    "03 09 | 06 24 43 54",                      /* r */
    "20 27 39 58 | 03 53",                      /* t */
    "03 07 29 48 56 | 53 58! 69",               /* u */
    "03 39! 63",                                /* v */
    "03 19! 36! 59! 63",                        /* w */
    "03 59 | 53 09",                            /* x */
};

/* Left out: / \ | ! , ' and every bracket ( ) [ ] { } (alone, each is a
 * tall narrow stroke: a 1), a degree sign (a 0), section sign (8). */
static const char *const symbols[] = {
    "04 84 | 40 48",                            /* + */
    "11 77 | 71 17",                            /* x */
    "03 83 | 06 86",                            /* = */
    "04 84",                                    /* - */
    "12 20 50 72 64 45 47 | 49.",               /* ? */
    "30 19 | 70 59 | 03 83 | 06 86",            /* # */
    "81 08 | 10 21 12 01 10 | 77 88 79 68 77",  /* % */
    "89 33 31 40 51 52 16 18 39 59 85",         /* & */
    "64 43 35 47 66 | 63 66 77 86 94 81 50 20 03 06 29 59 78",  /* @ */
    "40 48 | 12 76 | 72 16",                    /* * */
    "70 04! 78",                                /* < */
    "00 74! 08",                                /* > */
    "06 24 45 66 84",                           /* ~ */
    "08 40! 88",                                /* ^ */
    "72 41 12 14 35 55 76 58 28 07 | 40 49",    /* $ */
    "04 84 | 41. | 47.",                        /* division sign */
    "40 46 | 13 73 | 08 88",                    /* plus-minus */
    "03 83 | 06 86 | 70 19",                    /* not equal */
    "81 50 21 05 28 59 88 | 03 63 | 06 66",     /* euro */
    "13 92 | 33 29 | 63 69",                    /* pi */
};

#define N_LETTERS (int)(sizeof letters / sizeof letters[0])
#define N_SYMBOLS (int)(sizeof symbols / sizeof symbols[0])

static const char *const kind_names[NONDIGIT_N_KINDS] = {
    "letters", "symbols", "scribbles", "shapes", "blobs", "dots", "noise",
    "several",
};

const char *
nondigit_name(int kind)
{
    return kind >= 0 && kind < NONDIGIT_N_KINDS ? kind_names[kind] : NULL;
}

int
nondigit_kind(const char *name)
{
    for (int k = 0; k < NONDIGIT_N_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* Uniform in [lo, hi). */
static double
between(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

/* One of the glyphs, written by a hand of its own: jitter (grid
 * units), rotation, slant and width chosen here. */
static void
glyph(struct canvas *c, const char *notation, double slant, struct rng *r)
{
    struct sketch s;
    int rc;

    sketch_begin(&s);
    rc = sketch_glyph(&s, notation);
    assert(rc == 0);
    (void)rc;
    double jitter = between(r, 0.12, 0.32), deg = between(r, -8, 8);
    double lean = between(r, -slant, slant), aspect = between(r, 0.75, 1.3);
    sketch_jitter(&s, jitter, r);
    sketch_hand(&s, deg, lean, aspect);
    sketch_draw(c, &s, 1, r);
}

/* A ring of n points of radius rad (x stretched by wide) around
 * (x, y), starting at angle a0, as one closed stroke. */
static void
ring(struct sketch *s, double x, double y, double rad, double wide,
     int n, double a0)
{
    for (int i = 0; i < n; i++) {
        double a = a0 + 2 * PI * i / n;

        sketch_point(s, x + wide * rad * cos(a), y + rad * sin(a), 0);
    }
    sketch_lift(s, 1);
}

/* A straight stroke. */
static void
line(struct sketch *s, double x0, double y0, double x1, double y1)
{
    sketch_point(s, x0, y0, 0);
    sketch_point(s, x1, y1, 0);
    sketch_lift(s, 0);
}

/* The shapes. Each returns the most it may be turned, in degrees:
 * a triangle upside down is a closed 7, an arrow on end a 1. */
static double
triangle(struct sketch *s, struct rng *r)
{
    for (int i = 0; i < 3; i++) {
        double a = (-90 + 120 * i) * PI / 180, skew = between(r, -.15, .15);
        sketch_point(s, cos(a + skew), sin(a), 1);
    }
    sketch_lift(s, 1);
    return 25;
}

/* Never taller than wide (a tall box is a square 0), and never with
 * one diagonal only (a slashed 0). */
static double
box(struct sketch *s, struct rng *r)
{
    double w = between(r, 1, 1.6);
    int inside = (int)rng_below(r, 4);

    sketch_point(s, -w, -1, 1), sketch_point(s, w, -1, 1);
    sketch_point(s, w, 1, 1), sketch_point(s, -w, 1, 1);
    sketch_lift(s, 1);
    if (inside == 1) {                          /* crossed out */
        line(s, -w, -1, w, 1);
        line(s, w, -1, -w, 1);
    } else if (inside == 2) {                   /* ticked */
        sketch_point(s, -0.5 * w, 0, 0), sketch_point(s, -0.1 * w, 0.6, 1);
        sketch_point(s, 0.6 * w, -0.6, 0);
        sketch_lift(s, 0);
    } else if (inside == 3) {                   /* a window */
        line(s, 0, -1, 0, 1);
        line(s, -w, 0, w, 0);
    }
    return 10;
}

static double
star(struct sketch *s, struct rng *r)
{
    double inner = between(r, 0.35, 0.5);

    if (rng_below(r, 2))                        /* drawn in one go */
        for (int i = 0; i < 5; i++) {
            double a = -PI / 2 + 4 * PI * i / 5;
            sketch_point(s, cos(a), sin(a), 1);
        }
    else                                        /* the outline */
        for (int i = 0; i < 10; i++) {
            double a = -PI / 2 + PI * i / 5, rad = i % 2 ? inner : 1;
            sketch_point(s, rad * cos(a), rad * sin(a), 1);
        }
    sketch_lift(s, 1);
    return 30;
}

/* The heart curve x = sin^3 t, y = a sum of cosines: its dip at t = 0
 * and tip at t = pi are the corners. */
static double
heart(struct sketch *s, struct rng *r)
{
    (void)r;
    for (int i = 0; i < 24; i++) {
        double t = 2 * PI * i / 24, st = sin(t);

        sketch_point(s, st * st * st, -(13 * cos(t) - 5 * cos(2 * t) -
                     2 * cos(3 * t) - cos(4 * t)) / 16, i % 12 == 0);
    }
    sketch_lift(s, 1);
    return 20;
}

/* + or x with arms of about equal length (a long stem is a t or a 1). */
static double
cross(struct sketch *s, struct rng *r)
{
    double a = between(r, 0.8, 1.2), b = between(r, 0.8, 1.2);

    line(s, -a, 0, a, 0);
    line(s, 0, -b, 0, b);
    if (rng_below(r, 2))
        sketch_affine(s, 0.7071, -0.7071, 0.7071, 0.7071);
    return 10;
}

static double
smiley(struct sketch *s, struct rng *r)
{
    double eye = between(r, 0.12, 0.18), mood = between(r, -0.3, 0.35);

    ring(s, 0, 0, 1, 1, 14, between(r, 0, 2 * PI));
    sketch_dot(s, -0.38, -0.3, eye);
    sketch_dot(s, 0.38, -0.3, eye);
    sketch_point(s, -0.5, 0.35 - mood / 2, 0);
    sketch_point(s, 0, 0.35 + mood, 0);
    sketch_point(s, 0.5, 0.35 - mood / 2, 0);
    sketch_lift(s, 0);
    return 15;
}

/* Over two turns (one is a 6 or a 9), but not so many that the pen
 * fills the gaps (a thick 0). */
static double
spiral(struct sketch *s, struct rng *r)
{
    double turns = between(r, 2.2, 3), a0 = between(r, 0, 2 * PI);
    double dir = rng_below(r, 2) ? 1 : -1;
    int n = (int)(turns * 12);

    for (int i = 0; i <= n; i++) {
        double a = a0 + dir * 2 * PI * turns * i / n, rad = 0.05 + 0.95 * i / n;

        sketch_point(s, rad * cos(a), rad * sin(a), 0);
    }
    sketch_lift(s, 0);
    return 180;
}

static void
arrow_head(struct sketch *s, double x, double dir, double len, double a)
{
    sketch_point(s, x - dir * len * cos(a), -len * sin(a), 0);
    sketch_point(s, x, 0, 1);
    sketch_point(s, x - dir * len * cos(a), len * sin(a), 0);
    sketch_lift(s, 0);
}

/* Lying down only: standing, its shaft is a 1 (and a 7 at 45 degrees). */
static double
arrow(struct sketch *s, struct rng *r)
{
    double bend = between(r, -0.25, 0.25), len = between(r, 0.3, 0.5);
    double a = between(r, 25, 40) * PI / 180;

    sketch_point(s, -1, 0, 0);
    sketch_point(s, 0, bend, 0);
    sketch_point(s, 1, 0, 0);
    sketch_lift(s, 0);
    arrow_head(s, 1, 1, len, a);
    if (rng_below(r, 4) == 0)
        arrow_head(s, -1, -1, len, a);
    if (rng_below(r, 2))
        sketch_affine(s, -1, 0, 0, 1);
    return 25;
}

static double
house(struct sketch *s, struct rng *r)
{
    double door = between(r, 0.2, 0.35);

    sketch_point(s, -1, 1, 1), sketch_point(s, -1, -0.1, 1);
    sketch_point(s, 0, -1, 1), sketch_point(s, 1, -0.1, 1);
    sketch_point(s, 1, 1, 1);
    sketch_lift(s, 1);
    sketch_point(s, -door, 1, 0), sketch_point(s, -door, 0.35, 1);
    sketch_point(s, door, 0.35, 1), sketch_point(s, door, 1, 0);
    sketch_lift(s, 0);
    return 10;
}

static double
sun(struct sketch *s, struct rng *r)
{
    int rays = 8 + (int)rng_below(r, 5);
    double a0 = between(r, 0, 2 * PI);

    ring(s, 0, 0, 0.45, 1, 10, a0);
    for (int i = 0; i < rays; i++) {
        double a = a0 + 2 * PI * i / rays;
        line(s, 0.62 * cos(a), 0.62 * sin(a), cos(a), sin(a));
    }
    return 180;
}

static double
check(struct sketch *s, struct rng *r)
{
    (void)r;
    sketch_point(s, -1, 0, 0);
    sketch_point(s, -0.35, 0.65, 1);
    sketch_point(s, 1, -1, 0);
    sketch_lift(s, 0);
    return 15;
}

static void
shape(struct canvas *c, struct rng *r)
{
    static double (*const make[])(struct sketch *, struct rng *) = {
        triangle, box, star, heart, cross, smiley, spiral, arrow, house,
        sun, check,
    };
    struct sketch s;
    uint32_t which = rng_below(r, sizeof make / sizeof make[0]);

    sketch_begin(&s);
    double turn = make[which](&s, r);
    double jitter = between(r, 0.02, 0.06), deg = between(r, -turn, turn);
    double aspect = between(r, 0.85, 1.15);
    sketch_jitter(&s, jitter, r);
    sketch_hand(&s, deg, 0, aspect);
    /* A spiral's turns must stay apart: a thick pen fills it to a 0. */
    sketch_draw(c, &s, make[which] == spiral ? 0.5 : 1, r);
}

/* Scribbles, in a box of about 2 x 2. A tangle of many points: a
 * smooth curve through few would be a 2, a 6 or a 7. */
static void
tangle(struct sketch *s, struct rng *r)
{
    int n = 10 + (int)rng_below(r, 9);

    for (int i = 0; i < n; i++) {
        double x = between(r, -1, 1), y = between(r, -0.8, 0.8);
        sketch_point(s, x, y, 0);
    }
    sketch_lift(s, 0);
}

/* A zigzag (or wave) of 5-12 teeth, or a dense scratching-out. */
static void
zigzag(struct sketch *s, struct rng *r, int dense)
{
    int teeth = dense ? 12 + (int)rng_below(r, 14) : 5 + (int)rng_below(r, 8);
    double amp = dense ? between(r, 0.5, 1) : between(r, 0.15, 0.5);
    int sharp = dense || rng_below(r, 3) != 0;

    for (int i = 0; i <= 2 * teeth; i++)
        sketch_point(s, -1 + (double)i / teeth, i % 2 ? amp : -amp, sharp);
    sketch_lift(s, 0);
}

/* Cursive loops, a prolate cycloid: llll or eeee. */
static void
loops(struct sketch *s, struct rng *r)
{
    int n = 3 + (int)rng_below(r, 5);
    double q = between(r, 0.25, 0.45), h = between(r, 0.4, 0.9);

    for (int i = 0; i <= 12 * n; i++) {
        double t = 2 * PI * i / 12;
        sketch_point(s, t / (2 * PI) - q * sin(t), -h * cos(t), 0);
    }
    sketch_lift(s, 0);
}

/* 4-12 parallel lines, cross-hatched two times in five. */
static void
hatching(struct sketch *s, struct rng *r)
{
    int n = 4 + (int)rng_below(r, 9), sets = rng_below(r, 5) < 2 ? 2 : 1;
    double a = between(r, 0, PI);

    for (int k = 0; k < sets; k++, a += between(r, 0.9, 2.2))
        for (int i = 0; i < n; i++) {
            double off = -1 + 2.0 * i / (n - 1), ux = cos(a), uy = sin(a);
            double l0 = between(r, 0.8, 1.1), l1 = between(r, 0.8, 1.1);
            line(s, off * -uy - l0 * ux, off * ux - l0 * uy,
                 off * -uy + l1 * ux, off * ux + l1 * uy);
        }
}

static void
scribble(struct canvas *c, struct rng *r)
{
    struct sketch s;
    int which = (int)rng_below(r, 5);

    sketch_begin(&s);
    if (which == 0)
        tangle(&s, r);
    else if (which == 1 || which == 2)
        zigzag(&s, r, which == 2);
    else if (which == 3)
        loops(&s, r);
    else
        hatching(&s, r);
    double jitter = between(r, 0.01, 0.04), deg = between(r, -30, 30);
    sketch_jitter(&s, jitter, r);
    sketch_hand(&s, which == 4 ? 0 : deg, 0, 1);
    sketch_draw(c, &s, which == 2 || which == 4 ? 0.6 : 1, r);
}

void
nondigit_draw(struct canvas *c, int kind, const uint8_t *digits,
              size_t n_digits, struct rng *r)
{
    switch (kind) {
    case NONDIGIT_LETTERS:
        glyph(c, letters[rng_below(r, N_LETTERS)], 0.35, r);
        break;
    case NONDIGIT_SYMBOLS:
        glyph(c, symbols[rng_below(r, N_SYMBOLS)], 0.2, r);
        break;
    case NONDIGIT_SCRIBBLES: scribble(c, r); break;
    case NONDIGIT_SHAPES:    shape(c, r); break;
    case NONDIGIT_BLOBS:     paint_blob(c, r); break;
    case NONDIGIT_DOTS:      paint_dots(c, r); break;
    case NONDIGIT_NOISE:     paint_noise(c, r); break;
    case NONDIGIT_SEVERAL:
        assert(n_digits >= 1);
        paint_number(c, digits, n_digits, 0, NULL, -2, 7, r);
        break;
    default:
        fatal(2, "nondigit_draw: no kind %d", kind);
    }
}
