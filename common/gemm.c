/* gemm - see gemm.h.
 *
 * The fast path is the classic blocked scheme (Goto and van de Geijn):
 * for each KC-deep slice of K, pack a KCxNC block of op(B) into panels of
 * NR columns and an MCxKC block of op(A) into panels of MR rows, then let
 * a kernel compute each MRxNR tile of C from one A panel and one B panel
 * with 12 vector accumulators held in registers. Packing also absorbs the
 * transposes and pads ragged edges with zeros, so the kernel has one
 * shape only. We chose this over calling a BLAS (not a dependency we
 * allow) and over a naive loop (10-20x slower: it reloads C and B from
 * memory for every multiply-add). */
#include "gemm.h"

#include <stdlib.h>
#include <string.h>

#include "simd.h"
#include "util.h"

/* Element (i, j) of op(X) for a matrix stored with leading dimension ld. */
static inline float
at(const float *x, int ld, int t, int i, int j)
{
    return t ? x[(size_t)j * ld + i] : x[(size_t)i * ld + j];
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

/* Packs op(A)[m0 .. m0+mc) x [k0 .. k0+kc) as panels of MR rows:
 * ap[(p*kc + k)*MR + i] = op(A)(m0 + p*MR + i, k0 + k), zero past mc.
 * The loops run along the stored rows, so reads are sequential and only
 * the (small, cached) destination is written with a stride. */
static void
pack_a(float *ap, const float *a, int lda, int ta, int m0, int mc,
       int k0, int kc)
{
    for (int p = 0; p * GEMM_MR < mc; p++) {
        int rows = mc - p * GEMM_MR < GEMM_MR ? mc - p * GEMM_MR : GEMM_MR;
        float *dst = ap + (size_t)p * kc * GEMM_MR;
        int m = m0 + p * GEMM_MR;

        if (rows < GEMM_MR)
            memset(dst, 0, (size_t)kc * GEMM_MR * sizeof *dst);
        if (ta && rows == GEMM_MR)      /* A stored (K, M): rows are k */
            /* A constant count: the compiler copies 6 floats in two
             * moves (with a variable count it calls a slow rep movs). */
            for (int k = 0; k < kc; k++)
                for (int i = 0; i < GEMM_MR; i++)
                    dst[k * GEMM_MR + i] = a[(size_t)(k0 + k) * lda + m + i];
        else if (ta)
            for (int k = 0; k < kc; k++)
                for (int i = 0; i < rows; i++)
                    dst[k * GEMM_MR + i] = a[(size_t)(k0 + k) * lda + m + i];
        else if (rows == GEMM_MR) {     /* A stored (M, K): 6 streams */
            const float *src = a + (size_t)m * lda + k0;

            for (int k = 0; k < kc; k++)
                for (int i = 0; i < GEMM_MR; i++)
                    dst[k * GEMM_MR + i] = src[(size_t)i * lda + k];
        } else
            for (int i = 0; i < rows; i++) {
                const float *src = a + (size_t)(m + i) * lda + k0;

                for (int k = 0; k < kc; k++)
                    dst[k * GEMM_MR + i] = src[k];
            }
    }
}

/* Packs op(B)[k0 .. k0+kc) x [n0 .. n0+nc) as panels of NR columns:
 * bp[(p*kc + k)*NR + j] = op(B)(k0 + k, n0 + p*NR + j), zero past nc. */
static void
pack_b(float *bp, const float *b, int ldb, int tb, int k0, int kc,
       int n0, int nc)
{
    for (int p = 0; p * GEMM_NR < nc; p++) {
        int cols = nc - p * GEMM_NR < GEMM_NR ? nc - p * GEMM_NR : GEMM_NR;
        float *dst = bp + (size_t)p * kc * GEMM_NR;
        int n = n0 + p * GEMM_NR;

        if (cols < GEMM_NR)
            memset(dst, 0, (size_t)kc * GEMM_NR * sizeof *dst);
        if (!tb && cols == GEMM_NR)     /* B stored (K, N): rows are k */
            for (int k = 0; k < kc; k++)    /* constant size: vector moves */
                memcpy(dst + k * GEMM_NR, b + (size_t)(k0 + k) * ldb + n,
                       GEMM_NR * sizeof *dst);
        else if (!tb)
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < cols; j++)
                    dst[k * GEMM_NR + j] = b[(size_t)(k0 + k) * ldb + n + j];
        else
            for (int j = 0; j < cols; j++) {
                const float *src = b + (size_t)(n + j) * ldb + k0;

                for (int k = 0; k < kc; k++)
                    dst[k * GEMM_NR + j] = src[k];
            }
    }
}

/* Adds (or, if !add, copies) the rows x cols corner of tile into C. */
static void
store_tile(float *c, int ldc, const float *tile, int rows, int cols,
           int add)
{
    for (int i = 0; i < rows; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ti = tile + i * GEMM_NR;

        if (add)
            for (int j = 0; j < cols; j++)
                ci[j] += ti[j];
        else
            memcpy(ci, ti, (size_t)cols * sizeof *ci);
    }
}

/* C tile (rows <= MR, cols <= NR) [+]= A panel (kc,MR)^T . B panel
 * (kc,NR), both packed. A full tile goes straight from the registers to
 * C; a ragged one through a scratch tile. */
static void
kernel(float *c, int ldc, const float *ap, const float *bp, int kc,
       int rows, int cols, int add)
{
    float tile[GEMM_MR * GEMM_NR];
#ifdef HAVE_V8F
    v8f acc[GEMM_MR][2];

    for (int i = 0; i < GEMM_MR; i++)
        acc[i][0] = acc[i][1] = v8f_splat(0.0f);
    for (int k = 0; k < kc; k++) {
        v8f b0 = v8f_load(bp + k * GEMM_NR);
        v8f b1 = v8f_load(bp + k * GEMM_NR + 8);
        const float *ak = ap + k * GEMM_MR;

        for (int i = 0; i < GEMM_MR; i++) {
            acc[i][0] += ak[i] * b0;
            acc[i][1] += ak[i] * b1;
        }
    }
    if (rows == GEMM_MR && cols == GEMM_NR) {
        for (int i = 0; i < GEMM_MR; i++) {
            float *ci = c + (size_t)i * ldc;

            if (add) {
                acc[i][0] += v8f_load(ci);
                acc[i][1] += v8f_load(ci + 8);
            }
            v8f_store(ci, acc[i][0]);
            v8f_store(ci + 8, acc[i][1]);
        }
        return;
    }
    for (int i = 0; i < GEMM_MR; i++) {
        v8f_store(tile + i * GEMM_NR, acc[i][0]);
        v8f_store(tile + i * GEMM_NR + 8, acc[i][1]);
    }
#else
    for (int i = 0; i < GEMM_MR * GEMM_NR; i++)
        tile[i] = 0.0f;
    for (int k = 0; k < kc; k++)
        for (int i = 0; i < GEMM_MR; i++)
            for (int j = 0; j < GEMM_NR; j++)
                tile[i * GEMM_NR + j] += ap[k * GEMM_MR + i] *
                                         bp[k * GEMM_NR + j];
#endif
    store_tile(c, ldc, tile, rows, cols, add);
}

/* One packed MCxKC block of A against one packed KCxNC block of B. */
static void
macro_block(float *c, int ldc, const float *ap, const float *bp, int mc,
            int nc, int kc, int add)
{
    for (int jp = 0; jp * GEMM_NR < nc; jp++) {
        int cols = nc - jp * GEMM_NR < GEMM_NR ? nc - jp * GEMM_NR : GEMM_NR;
        const float *bpanel = bp + (size_t)jp * kc * GEMM_NR;

        for (int ip = 0; ip * GEMM_MR < mc; ip++) {
            int rows = mc - ip * GEMM_MR < GEMM_MR ? mc - ip * GEMM_MR
                                                   : GEMM_MR;

            kernel(c + (size_t)ip * GEMM_MR * ldc + jp * GEMM_NR, ldc,
                   ap + (size_t)ip * kc * GEMM_MR, bpanel, kc, rows, cols,
                   add);
        }
    }
}

/* gemm for fewer rows than a kernel tile (a dense layer on one image):
 * packing all of B for one row of A costs more than the multiply. Each
 * element of C is summed exactly as the kernel sums it (from zero over
 * each depth slice, k in order, then added to C), so the answers are the
 * same bits as through the kernel; eight columns go at once so their
 * chains overlap. */
static void
gemm_few_rows(float *c, int ldc, const float *a, int lda, int ta,
              const float *b, int ldb, int tb, int M, int N, int K,
              int accumulate, int kstep)
{
    enum { J = 8 };

    for (int m = 0; m < M; m++)
        for (int k0 = 0; k0 < K; k0 += kstep) {
            int k1 = K - k0 < kstep ? K : k0 + kstep, add = accumulate || k0;
            float *cm = c + (size_t)m * ldc;
            int n0 = 0;

            for (; n0 + J <= N; n0 += J) {      /* fixed width: registers */
                float acc[J] = { 0 };

                for (int k = k0; k < k1; k++) {
                    float x = at(a, lda, ta, m, k);

                    for (int j = 0; j < J; j++)
                        acc[j] += x * at(b, ldb, tb, k, n0 + j);
                }
                for (int j = 0; j < J; j++)
                    cm[n0 + j] = add ? acc[j] + cm[n0 + j] : acc[j];
            }
            for (; n0 < N; n0++) {              /* the last few columns */
                float acc = 0.0f;

                for (int k = k0; k < k1; k++)
                    acc += at(a, lda, ta, m, k) * at(b, ldb, tb, k, n0);
                cm[n0] = add ? acc + cm[n0] : acc;
            }
        }
}

void
gemm(float *c, int ldc, const float *a, int lda, int ta,
     const float *b, int ldb, int tb, int M, int N, int K,
     int accumulate, float *ws)
{
    float *ap = ws, *bp = ws + (size_t)GEMM_MC * GEMM_KC;

    if (M == 0 || N == 0)
        return;
    if (K == 0) {                      /* op(A).op(B) is all zeros */
        for (int m = 0; m < M && !accumulate; m++)
            memset(c + (size_t)m * ldc, 0, (size_t)N * sizeof *c);
        return;
    }
    /* Equal depth slices, not KC and a remainder: K = 288 as one slice of
     * 288, not 256 + 32 (a 32-deep slice spends as long storing its
     * tiles as multiplying). Likewise equal row blocks. */
    int kstep = (K + (K + GEMM_KC - 1) / GEMM_KC - 1) / ((K + GEMM_KC - 1)
                                                         / GEMM_KC);
    if (M < GEMM_MR) {
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

            pack_b(bp, b, ldb, tb, k0, kc, n0, nc);
            for (int m0 = 0; m0 < M; m0 += mstep) {
                int mc = M - m0 < mstep ? M - m0 : mstep;

                pack_a(ap, a, lda, ta, m0, mc, k0, kc);
                macro_block(c + (size_t)m0 * ldc + n0, ldc, ap, bp, mc, nc,
                            kc, add);
            }
        }
    }
}

float *
gemm_ws_alloc(void)
{
    return xmalloc_array(GEMM_WS_FLOATS, sizeof(float));
}
