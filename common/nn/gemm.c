/* gemm - see gemm.h.
 *
 * The fast path is the classic blocked scheme (Goto and van de Geijn):
 * for each KC-deep slice of K, pack a KCxNC block of op(B) into panels of
 * NR columns, then let a kernel compute each MRxNR tile of C from MR rows
 * of A and one B panel with 12 vector accumulators held in registers, an
 * MCxKC block of A (kept in L2) against every panel in turn. Packing B
 * absorbs its transpose and pads ragged edges with zeros. A is read where
 * it lies, row-major or transposed: the kernel broadcasts one element of
 * each of MR rows per step, which costs the same from six rows as from a
 * packed panel, and copying A (used once per B panel) cost a fifth of the
 * time of the thin products of Winograd and the dense layers. We chose
 * this over calling a BLAS (not a dependency we allow) and over a naive
 * loop (10-20x slower: it reloads C and B from memory for every
 * multiply-add). */
#include "nn/gemm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/simd.h"
#include "core/util.h"
#include "nn/kern.h"

/* Columns of C per kernel call: two vectors of this level (kern.h). */
#define NR (2 * LANES)

float
gemm_bf16_round(float x)
{
    uint32_t u;

    memcpy(&u, &x, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u)        /* NaN stays NaN */
        return x;
    u += 0x7fffu + (u >> 16 & 1);               /* to nearest, ties even */
    u &= 0xffff0000u;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* An operand as it is multiplied: itself, or in BF16 mode rounded. */
static inline float
operand(float x)
{
    return kern_bf16 ? gemm_bf16_round(x) : x;
}

/* Element (i, j) of op(X) for a matrix stored with leading dimension ld,
 * as it is multiplied (operand). */
static inline float
at(const float *x, int ld, int t, int i, int j)
{
    return operand(t ? x[(size_t)j * ld + i] : x[(size_t)i * ld + j]);
}

void
gemm_ref(float *c, int ldc, const float *a, int lda, int ta,
         const float *b, int ldb, int tb, int M, int N, int K,
         int accumulate)
{
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            double acc = 0.0;

            for (int k = 0; k < K; k++)
                acc += (double)at(a, lda, ta, m, k) * at(b, ldb, tb, k, n);
            if (accumulate)
                c[(size_t)m * ldc + n] += (float)acc;
            else
                c[(size_t)m * ldc + n] = (float)acc;
        }
}

/* Packs op(B)[k0 .. k0+kc) x [n0 .. n0+nc) as panels of NR columns:
 * bp[(p*kc + k)*NR + j] = op(B)(k0 + k, n0 + p*NR + j), zero past nc. */
static void
pack_b(float *bp, const float *b, int ldb, int tb, int k0, int kc, int n0,
       int nc)
{
    for (int p = 0; p * NR < nc; p++) {
        int cols = nc - p * NR < NR ? nc - p * NR : NR;
        float *dst = bp + (size_t)p * kc * NR;
        int n = n0 + p * NR;

        if (cols < NR)
            memset(dst, 0, (size_t)kc * NR * sizeof *dst);
        if (kern_bf16)                  /* rounded, one by one */
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < cols; j++)
                    dst[k * NR + j] = at(b, ldb, tb, k0 + k, n + j);
        else if (!tb && cols == NR)     /* B stored (K, N): rows are k */
            for (int k = 0; k < kc; k++)    /* constant size: vector moves */
                memcpy(dst + k * NR, b + (size_t)(k0 + k) * ldb + n,
                       NR * sizeof *dst);
        else if (!tb)
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < cols; j++)
                    dst[k * NR + j] = b[(size_t)(k0 + k) * ldb + n + j];
        else
            for (int j = 0; j < cols; j++) {
                const float *src = b + (size_t)(n + j) * ldb + k0;

                for (int k = 0; k < kc; k++)
                    dst[k * NR + j] = src[k];
            }
    }
}

size_t
gemm_packed_b_floats(int K, int N)
{
    KERN_DISPATCH_RET(gemm_packed_b_floats, (K, N));
    return (size_t)K * ((N + NR - 1) / NR * NR);
}

/* Where gemm_pack_b puts the block of op(B) that starts at row k0 and
 * column n0 (n0 a multiple of NC): blocks of NC columns one after the
 * other, each K deep, its depth slices one after the other. */
static size_t
packed_at(int K, int N, int k0, int n0)
{
    int nc = N - n0 < GEMM_NC ? N - n0 : GEMM_NC;

    return (size_t)n0 * K + (size_t)k0 * ((nc + NR - 1) / NR * NR);
}

void
gemm_pack_b(float *bp, const float *b, int ldb, int tb, int K, int N)
{
    KERN_DISPATCH(gemm_pack_b, (bp, b, ldb, tb, K, N));
    int kstep = gemm_kstep(K);

    for (int n0 = 0; n0 < N; n0 += GEMM_NC)
        for (int k0 = 0; k0 < K; k0 += kstep)
            pack_b(bp + packed_at(K, N, k0, n0), b, ldb, tb, k0,
                   K - k0 < kstep ? K - k0 : kstep, n0,
                   N - n0 < GEMM_NC ? N - n0 : GEMM_NC);
}

/* Adds (or, if !add, copies) the rows x cols corner of tile into C. */
static void
store_tile(float *c, int ldc, const float *tile, int rows, int cols,
           int add)
{
    for (int i = 0; i < rows; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ti = tile + i * NR;

        if (add)
            for (int j = 0; j < cols; j++)
                ci[j] += ti[j];
        else
            memcpy(ci, ti, (size_t)cols * sizeof *ci);
    }
}

/* The MR x NR tile of C (leading dimension ldc) [+]= A (MR x kc) . B
 * panel (kc x NR, packed), with 12 vector accumulators. A is read where
 * it lies: element (i, k) is a[i*rs + k*ks], so a row-major A (rs = lda,
 * ks = 1), a transposed one (rs = 1, ks = lda) and a packed panel (rs =
 * 1, ks = MR) need no copying; B, reused by every row panel, is the one
 * operand worth packing. Full tiles only: a ragged edge goes through a
 * scratch tile (see macro_block), so the accumulators go straight from
 * registers to C. */
static inline void
kernel(float *c, int ldc, const float *a, size_t rs, size_t ks,
       const float *bp, int kc, int add)
{
#ifdef HAVE_VECTOR
    lanes acc[GEMM_MR][2];

    for (int i = 0; i < GEMM_MR; i++)
        acc[i][0] = acc[i][1] = lanes_splat(0.0f);
    for (int k = 0; k < kc; k++) {
        lanes b0 = lanes_load(bp + k * NR);
        lanes b1 = lanes_load(bp + k * NR + LANES);
        const float *ak = a + k * ks;

        for (int i = 0; i < GEMM_MR; i++) {
            acc[i][0] += ak[i * rs] * b0;
            acc[i][1] += ak[i * rs] * b1;
        }
    }
    for (int i = 0; i < GEMM_MR; i++) {
        float *ci = c + (size_t)i * ldc;

        if (add) {
            acc[i][0] += lanes_load(ci);
            acc[i][1] += lanes_load(ci + LANES);
        }
        lanes_store(ci, acc[i][0]);
        lanes_store(ci + LANES, acc[i][1]);
    }
#else
    float tile[GEMM_MR * NR] = { 0 };

    for (int k = 0; k < kc; k++)
        for (int i = 0; i < GEMM_MR; i++)
            for (int j = 0; j < NR; j++)
                tile[i * NR + j] += a[i * rs + k * ks] * bp[k * NR + j];
    store_tile(c, ldc, tile, GEMM_MR, NR, add);
#endif
}

/* One row of C's tile, the kernel's sums for row 0 of a (element k at
 * a[k*ks]), the same bits: for the last few rows of a block, where
 * padding them to a whole tile would multiply zeros. */
static inline void
kernel_row(float *c, const float *a, size_t ks, const float *bp, int kc,
           int cols, int add)
{
#ifdef HAVE_VECTOR
    lanes acc0 = lanes_splat(0.0f), acc1 = lanes_splat(0.0f);
    float row[NR];

    for (int k = 0; k < kc; k++) {
        acc0 += a[k * ks] * lanes_load(bp + k * NR);
        acc1 += a[k * ks] * lanes_load(bp + k * NR + LANES);
    }
    lanes_store(row, acc0);
    lanes_store(row + LANES, acc1);
#else
    float row[NR] = { 0 };

    for (int k = 0; k < kc; k++)
        for (int j = 0; j < NR; j++)
            row[j] += a[k * ks] * bp[k * NR + j];
#endif
    store_tile(c, 0, row, 1, cols, add);
}

/* A last row panel of this few rows or fewer goes row by row
 * (kernel_row); more are padded to a whole tile. */
#define ROWWISE_MAX 3

/* The mc x kc block of A at a (element (i, k) at a[i*rs + k*ks]) against
 * one packed kc x nc block of B. Whole row panels are read in place; a
 * last ragged one (fewer than MR rows) goes row by row, or is copied
 * into ap, zero-padded, so the kernel never reads past A. */
static void
macro_block(float *c, int ldc, const float *a, size_t rs, size_t ks,
            float *ap, const float *bp, int mc, int nc, int kc, int add)
{
    int full = mc / GEMM_MR, last = mc % GEMM_MR;
    const float *al = a + (size_t)full * GEMM_MR * rs;

    if (last > ROWWISE_MAX) {
        memset(ap, 0, (size_t)kc * GEMM_MR * sizeof *ap);
        for (int k = 0; k < kc; k++)
            for (int i = 0; i < last; i++)
                ap[k * GEMM_MR + i] = al[i * rs + k * ks];
    }
    for (int jp = 0; jp * NR < nc; jp++) {
        int cols = nc - jp * NR < NR ? nc - jp * NR : NR;
        const float *bpanel = bp + (size_t)jp * kc * NR;

        for (int ip = 0; ip * GEMM_MR < mc; ip++) {
            float *cij = c + (size_t)ip * GEMM_MR * ldc + jp * NR;
            float tile[GEMM_MR * NR];

            if (ip < full && cols == NR)
                kernel(cij, ldc, a + (size_t)ip * GEMM_MR * rs, rs, ks,
                       bpanel, kc, add);
            else if (ip < full) {
                kernel(tile, NR, a + (size_t)ip * GEMM_MR * rs, rs, ks,
                       bpanel, kc, 0);
                store_tile(cij, ldc, tile, GEMM_MR, cols, add);
            } else if (last <= ROWWISE_MAX)
                for (int i = 0; i < last; i++)
                    kernel_row(cij + (size_t)i * ldc, al + i * rs, ks,
                               bpanel, kc, cols, add);
            else {
                kernel(tile, NR, ap, 1, GEMM_MR, bpanel, kc, 0);
                store_tile(cij, ldc, tile, last, cols, add);
            }
        }
    }
}

/* gemm for fewer rows than a kernel tile, without B packed: packing
 * all of B for a row or two of A costs more than the multiply. Each
 * element of C is summed exactly as the kernel sums it (from zero over
 * each depth slice, k in order, each product added to the sum in the
 * same vector expression, then added to C), so the answers are the same
 * bits as through the kernel. */
static void
gemm_few_rows(float *c, int ldc, const float *a, int lda, int ta,
              const float *b, int ldb, int tb, int M, int N, int K,
              int accumulate, int kstep)
{
    for (int m = 0; m < M; m++)
        for (int k0 = 0; k0 < K; k0 += kstep) {
            int k1 = K - k0 < kstep ? K : k0 + kstep, add = accumulate || k0;

            for (int n0 = 0; n0 < N; n0 += LANES) {
                int cols = N - n0 < LANES ? N - n0 : LANES;
#ifdef HAVE_VECTOR
                lanes acc = lanes_splat(0.0f);
#endif
                float bk[LANES] = { 0 }, sum[LANES] = { 0 };

                for (int k = k0; k < k1; k++) {
                    for (int j = 0; j < cols; j++)
                        bk[j] = at(b, ldb, tb, k, n0 + j);
#ifdef HAVE_VECTOR
                    acc += at(a, lda, ta, m, k) * lanes_load(bk);
#else
                    sum[0] += at(a, lda, ta, m, k) * bk[0];
#endif
                }
#ifdef HAVE_VECTOR
                lanes_store(sum, acc);
#endif
                store_tile(c + (size_t)m * ldc + n0, 0, sum, 1, cols, add);
            }
        }
}

/* Equal depth slices, not KC and a remainder: K = 288 as one slice of
 * 288, not 256 + 32 (a 32-deep slice spends as long storing its tiles as
 * multiplying). Likewise equal row blocks (in blocked). */
int
gemm_kstep(int K)
{
    int slices = (K + GEMM_KC - 1) / GEMM_KC;

    return slices > 0 ? (K + slices - 1) / slices : 0;
}

/* The loops around the kernel; bpre, if not NULL, is all of op(B)
 * packed already (gemm_pack_b). */
static void
blocked(float *c, int ldc, const float *a, int lda, int ta, const float *b,
        int ldb, int tb, const float *bpre, int M, int N, int K,
        int accumulate, float *ws)
{
    float *ap = ws, *bp = ws + (size_t)GEMM_MR * GEMM_KC;
    float *ab = bp + (size_t)GEMM_KC * GEMM_NC;     /* A rounded (BF16) */

    if (M == 0 || N == 0)
        return;
    if (K == 0) {                      /* op(A).op(B) is all zeros */
        for (int m = 0; m < M && !accumulate; m++)
            memset(c + (size_t)m * ldc, 0, (size_t)N * sizeof *c);
        return;
    }
    int kstep = gemm_kstep(K);
    size_t rs = ta ? 1 : (size_t)lda, ks = ta ? (size_t)lda : 1;
    if (M < GEMM_MR && bpre == NULL) {
        gemm_few_rows(c, ldc, a, lda, ta, b, ldb, tb, M, N, K, accumulate,
                      kstep);
        return;
    }
    int n_mblk = (M + GEMM_MC - 1) / GEMM_MC;
    int mstep = ((M + n_mblk - 1) / n_mblk + GEMM_MR - 1) / GEMM_MR * GEMM_MR;

    for (int n0 = 0; n0 < N; n0 += GEMM_NC) {
        int nc = N - n0 < GEMM_NC ? N - n0 : GEMM_NC;

        for (int k0 = 0; k0 < K; k0 += kstep) {
            int kc = K - k0 < kstep ? K - k0 : kstep;
            int add = accumulate || k0 > 0;
            const float *bk = bpre != NULL ? bpre + packed_at(K, N, k0, n0)
                                           : bp;

            if (bpre == NULL)
                pack_b(bp, b, ldb, tb, k0, kc, n0, nc);
            for (int m0 = 0; m0 < M; m0 += mstep) {
                int mc = M - m0 < mstep ? M - m0 : mstep;
                const float *am = a + (size_t)m0 * rs + (size_t)k0 * ks;

                if (kern_bf16) {        /* A's block rounded, row-major */
                    for (int i = 0; i < mc; i++)
                        for (int k = 0; k < kc; k++)
                            ab[(size_t)i * kc + k] =
                                gemm_bf16_round(am[i * rs + k * ks]);
                    macro_block(c + (size_t)m0 * ldc + n0, ldc, ab,
                                (size_t)kc, 1, ap, bk, mc, nc, kc, add);
                } else
                    macro_block(c + (size_t)m0 * ldc + n0, ldc, am, rs, ks,
                                ap, bk, mc, nc, kc, add);
            }
        }
    }
}

void
gemm(float *c, int ldc, const float *a, int lda, int ta,
     const float *b, int ldb, int tb, int M, int N, int K,
     int accumulate, float *ws)
{
    KERN_DISPATCH(gemm, (c, ldc, a, lda, ta, b, ldb, tb, M, N, K,
                         accumulate, ws));
    blocked(c, ldc, a, lda, ta, b, ldb, tb, NULL, M, N, K, accumulate, ws);
}

void
gemm_prepacked_b(float *c, int ldc, const float *a, int lda, int ta,
                 const float *bp, int M, int N, int K, int accumulate,
                 float *ws)
{
    KERN_DISPATCH(gemm_prepacked_b, (c, ldc, a, lda, ta, bp, M, N, K,
                                     accumulate, ws));
    blocked(c, ldc, a, lda, ta, NULL, 0, 0, bp, M, N, K, accumulate, ws);
}

float *
gemm_ws_alloc(void)
{
    return xmalloc_array(GEMM_WS_FLOATS, sizeof(float));
}
