/* gemm - single-precision matrix multiply, the kernel under every
 * convolution and dense layer.
 *
 *   C (M,N) = op(A) (M,K) . op(B) (K,N)        (accumulate == 0)
 *   C (M,N) += op(A) (M,K) . op(B) (K,N)       (accumulate == 1)
 *
 * All matrices are row-major. With ta == 0 element (m,k) of op(A) is
 * a[m*lda + k]; with ta == 1 it is a[k*lda + m] (A is stored transposed).
 * Likewise tb for B: b[k*ldb + n], or b[n*ldb + k] when tb == 1.
 * C's element (m,n) is c[m*ldc + n].
 *
 * gemm() is the fast path: it copies blocks of B (and a ragged last few
 * rows of A) into the caller's workspace ws (GEMM_WS_FLOATS floats, see
 * gemm_ws_alloc) so that a register-blocked kernel, 6 rows by two
 * vectors (kern.h), streams through contiguous memory. gemm_ref()
 * is the plain triple loop with the same meaning, kept as the reference
 * the tests compare against. Neither allocates; results depend only on the
 * inputs and sizes, never on timing. */
#ifndef GEMM_H
#define GEMM_H

#include <stddef.h>

#define GEMM_MR 6               /* rows of C per kernel call */
/* Columns of C per kernel call: two vectors, so 8, 16 or 32 by the
 * kernel level (nn/kern.h); workspaces are sized for the widest. */
#define GEMM_NR_MAX 32
#define GEMM_MC 120             /* most rows of A per block (L2) */
#define GEMM_KC 320             /* most depth packed at once (L1 panel) */
#define GEMM_NC 1024            /* columns of B packed at once */
#define GEMM_WS_FLOATS ((size_t)GEMM_MR * GEMM_KC + (size_t)GEMM_KC * GEMM_NC \
                        + (size_t)GEMM_MC * GEMM_KC)

void gemm(float *c, int ldc, const float *a, int lda, int ta,
          const float *b, int ldb, int tb, int M, int N, int K,
          int accumulate, float *ws);
/* B packed once and used for many products (the same weights against
 * many blocks of input): gemm_pack_b writes op(B) (K x N) to bp, which
 * holds gemm_packed_b_floats(K, N); gemm_prepacked_b is gemm() with that
 * in place of b. Same answers, bit for bit, as gemm() with b. The
 * layout is the kernel level's (kern.h): pack and multiply on one. */
size_t gemm_packed_b_floats(int K, int N);
void gemm_pack_b(float *bp, const float *b, int ldb, int tb, int K, int N);
void gemm_prepacked_b(float *c, int ldc, const float *a, int lda, int ta,
                      const float *bp, int M, int N, int K, int accumulate,
                      float *ws);
/* gemm sums K in slices of this depth: each element of C is the sum over
 * one slice, k in order, each product fused into the running sum (fma),
 * from zero, then added to C (or stored, for the first slice without
 * accumulate). Code that must give the same bits as gemm follows it. */
int gemm_kstep(int K);
void gemm_ref(float *c, int ldc, const float *a, int lda, int ta,
              const float *b, int ldb, int tb, int M, int N, int K,
              int accumulate);

/* BF16 products (kern_bf16 set, kern.h): every element of A and B is
 * rounded to bfloat16 (8 bits of mantissa, to nearest, ties to even)
 * before it is multiplied; a product of two such is exact in float, and
 * the sums stay float, so the answers are exactly gemm's on the rounded
 * operands: what a BF16 dot-product unit computes, emulated. */
float gemm_bf16_round(float x);

/* Allocates a workspace for gemm() (exits 2 if out of memory); release
 * it with free(). */
float *gemm_ws_alloc(void);

#endif
