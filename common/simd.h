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

#endif
