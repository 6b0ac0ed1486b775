/* kern - the kernel levels: the numeric kernels of the network (gemm,
 * Winograd, convolution, pooling, activations, dense, loss, SGD) built
 * more than once, each copy for a class of x86-64 CPU, and one copy
 * chosen when a program first uses them:
 *
 *   generic  what the build's ARCHFLAGS allow (by default baseline
 *            x86-64: SSE2, 4-float vectors, no fused multiply-add);
 *   avx2     AVX2 and FMA (Haswell, Zen and later): 8-float vectors;
 *   avx512   AVX-512 F/BW/DQ/VL (Skylake-X, Ice Lake, Zen 4 and later):
 *            16-float vectors.
 *
 * The choice is made once, from cpuid (and xgetbv: the operating system
 * must save the wider registers), unless DIGITS_KERNELS names a level;
 * no IFUNC and no target_clones, which musl lacks. Each level's copy is
 * the same C source (gemm.c, winograd.c, ...) compiled again under a
 * target pragma by kern_avx2.c and kern_avx512.c, its public names
 * renamed (kern_names.h); the plain build of those files is the generic
 * level, and each of its public kernels starts with KERN_DISPATCH, which
 * hands the call to the chosen level's copy.
 *
 * What differs between levels: the vector width, hence gemm's panel
 * width (2 vectors), and whether a*b + c is fused (one rounding) or not.
 * Each sum still runs in the same order, so two levels that both fuse
 * (avx2, avx512) give the same bits; the generic level differs from them
 * in the last bits of its sums. Any one level is deterministic: the same
 * inputs give the same bytes. */
#ifndef KERN_H
#define KERN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nn/arch.h"
#include "nn/conv.h"

struct rng;

enum kern_level { KERN_GENERIC, KERN_AVX2, KERN_AVX512, KERN_LEVELS };

/* One level's copy of every dispatched kernel (see the headers of
 * gemm, winograd, conv, pool, act, dense, loss and optim for what each
 * does). */
struct kern {
    enum kern_level level;
    void (*f_gemm)(float *, int, const float *, int, int, const float *,
                   int, int, int, int, int, int, float *);
    size_t (*f_gemm_packed_b_floats)(int, int);
    void (*f_gemm_pack_b)(float *, const float *, int, int, int, int);
    void (*f_gemm_prepacked_b)(float *, int, const float *, int, int,
                               const float *, int, int, int, int, float *);
    void (*f_wino_forward)(float *, float *, float *, const float *,
                           const float *, const float *, const float *, int,
                           enum conv_fuse, const struct conv_shape *);
    void (*f_wino_backward)(float *, float *, float *, float *, float *,
                            const float *, const float *, const float *, int,
                            const struct conv_shape *);
    void (*f_conv2d_forward)(float *, float *, float *, const float *,
                             const float *, const float *, const float *,
                             int, enum conv_fuse, const struct conv_shape *);
    void (*f_conv2d_backward)(float *, float *, float *, float *, float *,
                              float *, const float *, const float *,
                              const float *, int, const struct conv_shape *);
    void (*f_maxpool_forward)(float *, int32_t *, const float *, int, int,
                              int, int, int);
    void (*f_maxpool_backward)(float *, const float *, const int32_t *, int,
                               int, int, int, int);
    void (*f_relu_forward)(float *, const float *, size_t);
    void (*f_relu_backward)(float *, const float *, const float *, size_t);
    void (*f_dropout_forward)(float *, float *, const float *, size_t, float,
                              struct rng *);
    void (*f_dropout_backward)(float *, const float *, const float *,
                               size_t);
    void (*f_dense_forward)(float *, float *, float *, const float *,
                            const float *, const float *, const float *, int,
                            int, int);
    void (*f_dense_backward)(float *, float *, float *, float *,
                             const float *, const float *, const float *,
                             int, int, int);
    void (*f_dense_bias_backward)(float *, const float *, size_t, int);
    void (*f_softmax_forward)(float *, const float *, int, int);
    double (*f_crossentropy_sum)(const float *, const uint8_t *, int, int);
    void (*f_softmax_crossentropy_backward)(float *, const float *,
                                            const uint8_t *, int, int,
                                            float);
    void (*f_sgd_step_range)(float *, float *, const float *,
                             const struct arch *, float, float, float,
                             size_t, size_t);
};

/* The table of a copy, written where its names are in scope (the
 * generic one in kern.c, the others in kern_LEVEL.c after the rename). */
#define KERN_TABLE(name, lvl) \
    const struct kern name = { \
        .level = lvl, .f_gemm = gemm, \
        .f_gemm_packed_b_floats = gemm_packed_b_floats, \
        .f_gemm_pack_b = gemm_pack_b, \
        .f_gemm_prepacked_b = gemm_prepacked_b, \
        .f_wino_forward = wino_forward, .f_wino_backward = wino_backward, \
        .f_conv2d_forward = conv2d_forward, \
        .f_conv2d_backward = conv2d_backward, \
        .f_maxpool_forward = maxpool_forward, \
        .f_maxpool_backward = maxpool_backward, \
        .f_relu_forward = relu_forward, .f_relu_backward = relu_backward, \
        .f_dropout_forward = dropout_forward, \
        .f_dropout_backward = dropout_backward, \
        .f_dense_forward = dense_forward, \
        .f_dense_backward = dense_backward, \
        .f_dense_bias_backward = dense_bias_backward, \
        .f_softmax_forward = softmax_forward, \
        .f_crossentropy_sum = crossentropy_sum, \
        .f_softmax_crossentropy_backward = softmax_crossentropy_backward, \
        .f_sgd_step_range = sgd_step_range, \
    }

/* BF16 products in every matrix product (gemm.h, gemm_bf16_round), for
 * cnn-train --bf16 and cnn-infer --bf16: set before any kernel runs,
 * never while one does. Off (0) by default. A level's copy reads it
 * too (it is not renamed). */
extern int kern_bf16;

/* The chosen level's table. The first call chooses (thread-safe): from
 * DIGITS_KERNELS if set (generic, avx2 or avx512; exits 2 naming the
 * levels this CPU has if it names another or one the CPU lacks), else
 * the widest this CPU runs. */
const struct kern *kern_active(void);
/* The name of a level ("generic", "avx2", "avx512"), and of the chosen
 * one. */
const char *kern_level_name(enum kern_level level);
const char *kern_active_name(void);
/* Whether this CPU (and this build) can run a level; the names of those
 * it can, "generic, avx2" (a static buffer). */
int kern_available(enum kern_level level);
const char *kern_levels_here(void);
/* A line or two for --help: the chosen level, the others, the variable. */
void kern_help(FILE *fp);
/* For tests: makes level the chosen one from now on; -1 if this CPU
 * cannot run it. Not while kernels run on other threads, and with no
 * buffer or prepared weights kept from before: their sizes and layouts
 * are the level's (gemm's panel width). */
int kern_force(enum kern_level level);

/* Starts each public kernel of the generic copy: a call to it runs the
 * chosen level's copy instead, unless that is this one. A level's own
 * copy (KERN_LEVEL defined) has no such step. */
#ifdef KERN_LEVEL
#define KERN_DISPATCH(f, args) ((void)0)
#define KERN_DISPATCH_RET(f, args) ((void)0)
#else
#define KERN_DISPATCH(f, args) \
    do { \
        const struct kern *k_ = kern_active(); \
        if (k_->f_##f != f) { \
            k_->f_##f args; \
            return; \
        } \
    } while (0)
#define KERN_DISPATCH_RET(f, args) \
    do { \
        const struct kern *k_ = kern_active(); \
        if (k_->f_##f != f) \
            return k_->f_##f args; \
    } while (0)
#endif

#endif
