/* kern_avx2 - the kernels built for AVX2 and FMA (Haswell, Zen and later):
 * the level "avx2" of kern.h. x86-64 with GCC or Clang only; elsewhere
 * this file is empty and the level is never available. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(DIGITS_NO_VECTOR)
#define KERN_LEVEL KERN_AVX2
#define KERN_SUFFIX avx2
#define KERN_LANES 8

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"

#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif

#include "nn/kern_level.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
#else
typedef int kern_avx2_empty;     /* ISO C wants a declaration */
#endif
