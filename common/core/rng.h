/* rng - a small seeded pseudo-random generator of our own (the SplitMix64
 * step: a Weyl sequence through a 64-bit mixing function). Fast, fully
 * reproducible on every platform, and cheap to fork into independent
 * streams, which is what determinism across threads needs: every sample,
 * epoch and layer derives its own stream from (seed, ids) instead of
 * sharing one generator whose order would depend on scheduling. */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
    uint64_t state;
};

/* Seeds r from a seed and up to three stream ids (use 0 for unused). */
void rng_init(struct rng *r, uint64_t seed, uint64_t a, uint64_t b,
              uint64_t c);
/* SplitMix64's mixing function: every input bit moves every output bit. */
static inline uint64_t
rng_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The next 64 random bits. Inline: dropout draws one per two values. */
static inline uint64_t
rng_next(struct rng *r)
{
    r->state += 0x9e3779b97f4a7c15ULL;
    return rng_mix(r->state);
}
/* Uniform in [0, 1), 24 random bits. */
float rng_uniform(struct rng *r);
/* Uniform integer in [0, n), n > 0 (no modulo bias). */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Standard normal (Box-Muller, one value per call). */
float rng_normal(struct rng *r);

#endif
