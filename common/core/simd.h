/* simd - the one place that knows about vector instructions. With GCC or
 * Clang, `lanes` is a GCC vector extension of LANES floats: the compiler
 * maps it to whatever registers the target has (an SSE register for 4,
 * AVX for 8, AVX-512 for 16; two or more registers, or plain scalars,
 * where the target is narrower), so the kernels stay portable C.
 * Elsewhere (or with -DDIGITS_NO_VECTOR) the kernels use their plain
 * loops instead. Loads and stores go through memcpy so no pointer needs
 * to be aligned.
 *
 * LANES is the build's own vector width, from the target macros, unless
 * KERN_LANES says otherwise: the kernel levels (nn/kern.h) compile the
 * same kernels once per width. */
#ifndef SIMD_H
#define SIMD_H

#include <string.h>

#if (defined(__GNUC__) || defined(__clang__)) && !defined(DIGITS_NO_VECTOR)
#define HAVE_VECTOR 1
#ifndef KERN_LANES
#if defined(__AVX512F__)
#define KERN_LANES 16
#elif defined(__AVX__)
#define KERN_LANES 8
#else
#define KERN_LANES 4
#endif
#endif
#endif

/* lanes: LANES floats worked on at once, a vector where there is one and
 * a plain float elsewhere, for loops written once for both. The _n forms
 * take the first n <= LANES floats (zero past n on load), so a last
 * partial group needs no separate code. */
#ifdef HAVE_VECTOR
#define LANES KERN_LANES
typedef float lanes __attribute__((vector_size(LANES * sizeof(float))));

static inline lanes
lanes_load(const float *p)
{
    lanes v;

    memcpy(&v, p, sizeof v);
    return v;
}

static inline void
lanes_store(float *p, lanes v)
{
    memcpy(p, &v, sizeof v);
}

static inline lanes
lanes_splat(float x)
{
    return (lanes){ 0 } + x;
}

/* a where a > b, else b, lane by lane (so b where a is NaN): a ReLU is
 * lanes_max(x, 0), as x > 0 ? x : 0. */
typedef int lanes_int __attribute__((vector_size(LANES * sizeof(int))));
static inline lanes
lanes_max(lanes a, lanes b)
{
    lanes_int gt = a > b;

    return (lanes)((gt & (lanes_int)a) | (~gt & (lanes_int)b));
}
#else
typedef float lanes;
#define LANES 1
static inline lanes lanes_load(const float *p) { return *p; }
static inline void lanes_store(float *p, lanes v) { *p = v; }
static inline lanes lanes_splat(float x) { return x; }
static inline lanes lanes_max(lanes a, lanes b) { return a > b ? a : b; }
#endif

static inline lanes
lanes_load_n(const float *src, int n)
{
    float b[LANES] = { 0 };

    if (n == LANES)
        return lanes_load(src);
    memcpy(b, src, (size_t)n * sizeof *b);
    return lanes_load(b);
}

static inline void
lanes_store_n(float *dst, lanes v, int n)
{
    float b[LANES];

    if (n == LANES) {
        lanes_store(dst, v);
        return;
    }
    lanes_store(b, v);
    memcpy(dst, b, (size_t)n * sizeof *b);
}

#endif
