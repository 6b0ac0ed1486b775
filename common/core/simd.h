/* simd - the one place that knows about vector instructions. With GCC or
 * Clang, v8f is a GCC vector extension of 8 floats: the compiler maps it
 * to AVX (one register) or SSE (two) or plain scalars, whatever -march
 * allows, so the kernels stay portable C. Elsewhere (or with
 * -DDIGITS_NO_VECTOR) the kernels use their plain loops instead. Loads
 * and stores go through memcpy so no pointer needs to be aligned. */
#ifndef SIMD_H
#define SIMD_H

#include <string.h>

#if (defined(__GNUC__) || defined(__clang__)) && !defined(DIGITS_NO_VECTOR)
#define HAVE_V8F 1
typedef float v8f __attribute__((vector_size(32)));

static inline v8f
v8f_load(const float *p)
{
    v8f v;

    memcpy(&v, p, sizeof v);
    return v;
}

static inline void
v8f_store(float *p, v8f v)
{
    memcpy(p, &v, sizeof v);
}

static inline v8f
v8f_splat(float x)
{
    return (v8f){ x, x, x, x, x, x, x, x };
}
#endif

/* lanes: LANES floats worked on at once, a v8f where there is one and a
 * plain float elsewhere, for loops written once for both. The _n forms
 * take the first n <= LANES floats (zero past n on load), so a last
 * partial group needs no separate code. */
#ifdef HAVE_V8F
typedef v8f lanes;
#define LANES 8
#define lanes_load v8f_load
#define lanes_store v8f_store
#else
typedef float lanes;
#define LANES 1
static inline lanes lanes_load(const float *p) { return *p; }
static inline void lanes_store(float *p, lanes v) { *p = v; }
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
