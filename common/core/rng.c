/* rng - see rng.h. */
#include "core/rng.h"

#include <math.h>

void
rng_init(struct rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    /* Each id goes through the mixer before the next is folded in, so
     * (1, 2) and (2, 1) give unrelated streams. */
    uint64_t h = rng_mix(seed + 0x9e3779b97f4a7c15ULL);

    h = rng_mix(h ^ (a + 0x632be59bd9b4e019ULL));
    h = rng_mix(h ^ (b + 0x8cb92ba72f3d8dd7ULL));
    h = rng_mix(h ^ (c + 0x4f1bbcdcbfa53e0bULL));
    r->state = h;
}

float
rng_uniform(struct rng *r)
{
    return (float)(rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
    /* Reject the top partial block so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

    do
        x = rng_next(r);
    while (x >= limit);
    return (uint32_t)(x % n);
}

float
rng_normal(struct rng *r)
{
    /* 1 - u keeps the log argument in (0, 1]. */
    double u1 = 1.0 - (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
    double u2 = (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);

    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}
