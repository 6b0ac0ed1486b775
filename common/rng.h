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
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1), 24 random bits. */
float rng_uniform(struct rng *r);
/* Uniform integer in [0, n), n > 0 (no modulo bias). */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Standard normal (Box-Muller, one value per call). */
float rng_normal(struct rng *r);

#endif
