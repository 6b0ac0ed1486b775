/* kern_avx512 - the kernels built for AVX-512 F, BW, DQ and VL
 * (Skylake-X, Ice Lake, Zen 4 and later): the level "avx512" of kern.h.
 * x86-64 with GCC or Clang only; elsewhere this file is empty and the
 * level is never available. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(DIGITS_NO_VECTOR)
#define KERN_LEVEL KERN_AVX512
#define KERN_SUFFIX avx512
#define KERN_LANES 16

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"

/* The instructions this copy may use. A test build (Makefile, W16)
 * compiles the same 16-lane C for AVX2 instead, so the level's logic is
 * tested on CPUs without AVX-512. */
#ifndef KERN_AVX512_ISA
#define KERN_AVX512_ISA "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"
#endif
#define KERN_PRAGMA(x) _Pragma(#x)
#ifdef __clang__
#define KERN_TARGET(isa) KERN_PRAGMA(clang attribute push( \
    __attribute__((target(isa))), apply_to = function))
#else
#define KERN_TARGET(isa) KERN_PRAGMA(GCC target(isa))
#endif
KERN_TARGET(KERN_AVX512_ISA)

#include "nn/kern_level.h"

#ifdef __clang__
#pragma clang attribute pop
#endif
#else
typedef int kern_avx512_empty;     /* ISO C wants a declaration */
#endif
