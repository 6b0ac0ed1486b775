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

/* Packs X[x0 .. x0+xn) x [k0 .. k0+kc) as panels of `width` x-values:
 * dst[(p*kc + k)*width + i] = X(x0 + p*width + i, k0 + k), zero past xn,
 * where X(i, k) is x[k*ld + i] if t, else x[i*ld + k]. A is packed with
 * X = op(A) and width MR, B with X = op(B) transposed and width NR.
 * Inlined with a constant width, so the fixed-size copies become vector
 * moves (with a variable count the compiler calls a slow rep movs). */
static inline void
pack_panels(float *dst0, const float *x, int ld, int t, int x0, int xn,
            int k0, int kc, int width)
{
    for (int p = 0; p * width < xn; p++) {
        int n = xn - p * width < width ? xn - p * width : width;
        float *dst = dst0 + (size_t)p * kc * width;
        int i0 = x0 + p * width;

        if (n < width)
            memset(dst, 0, (size_t)kc * width * sizeof *dst);
        if (t && n == width)            /* stored (K, x): rows are k */
            for (int k = 0; k < kc; k++)
                memcpy(dst + k * width, x + (size_t)(k0 + k) * ld + i0,
                       (size_t)width * sizeof *dst);
        else if (t)
            for (int k = 0; k < kc; k++)
                for (int i = 0; i < n; i++)
                    dst[k * width + i] = x[(size_t)(k0 + k) * ld + i0 + i];
        else if (n == width && width == GEMM_MR) {  /* 6 streams at once */
            const float *src = x + (size_t)i0 * ld + k0;

            for (int k = 0; k < kc; k++)
                for (int i = 0; i < GEMM_MR; i++)
                    dst[k * GEMM_MR + i] = src[(size_t)i * ld + k];
        } else                          /* one stream at a time */
            for (int i = 0; i < n; i++) {
                const float *src = x + (size_t)(i0 + i) * ld + k0;

                for (int k = 0; k < kc; k++)
                    dst[k * width + i] = src[k];
            }
    }
}

static void
pack_a(float *ap, const float *a, int lda, int ta, int m0, int mc, int k0,
       int kc)
{
    pack_panels(ap, a, lda, ta, m0, mc, k0, kc, GEMM_MR);
}

/* B is packed as its transpose: X(n, k) = op(B)(k, n). */
static void
pack_b(float *bp, const float *b, int ldb, int tb, int k0, int kc, int n0,
       int nc)
{
    pack_panels(bp, b, ldb, !tb, n0, nc, k0, kc, GEMM_NR);
}

size_t
gemm_packed_b_floats(int K, int N)
{
    return (size_t)K * ((N + GEMM_NR - 1) / GEMM_NR * GEMM_NR);
}

void
gemm_pack_b(float *bp, const float *b, int ldb, int tb, int K, int N)
{
    pack_b(bp, b, ldb, tb, 0, K, 0, N);
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

/* The MR x NR tile of C (leading dimension ldc) [+]= A panel (kc,MR)^T .
 * B panel (kc,NR), both packed, with 12 vector accumulators. Full tiles
 * only: a ragged edge goes through a scratch tile (see macro_block), so
 * the accumulators go straight from registers to C. */
static void
kernel(float *c, int ldc, const float *ap, const float *bp, int kc, int add)
{
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
    for (int i = 0; i < GEMM_MR; i++) {
        float *ci = c + (size_t)i * ldc;

        if (add) {
            acc[i][0] += v8f_load(ci);
            acc[i][1] += v8f_load(ci + 8);
        }
        v8f_store(ci, acc[i][0]);
        v8f_store(ci + 8, acc[i][1]);
    }
#else
    float tile[GEMM_MR * GEMM_NR] = { 0 };

    for (int k = 0; k < kc; k++)
        for (int i = 0; i < GEMM_MR; i++)
            for (int j = 0; j < GEMM_NR; j++)
                tile[i * GEMM_NR + j] += ap[k * GEMM_MR + i] *
                                         bp[k * GEMM_NR + j];
    store_tile(c, ldc, tile, GEMM_MR, GEMM_NR, add);
#endif
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

            float *cij = c + (size_t)ip * GEMM_MR * ldc + jp * GEMM_NR;
            const float *apanel = ap + (size_t)ip * kc * GEMM_MR;

            if (rows == GEMM_MR && cols == GEMM_NR)
                kernel(cij, ldc, apanel, bpanel, kc, add);
            else {
                float tile[GEMM_MR * GEMM_NR];

                kernel(tile, GEMM_NR, apanel, bpanel, kc, 0);
                store_tile(cij, ldc, tile, rows, cols, add);
            }
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
 * packed already (K <= GEMM_KC, N <= GEMM_NC: one block). */
static void
blocked(float *c, int ldc, const float *a, int lda, int ta, const float *b,
        int ldb, int tb, const float *bpre, int M, int N, int K,
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
    int kstep = gemm_kstep(K);
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

            if (bpre == NULL)
                pack_b(bp, b, ldb, tb, k0, kc, n0, nc);
            for (int m0 = 0; m0 < M; m0 += mstep) {
                int mc = M - m0 < mstep ? M - m0 : mstep;

                pack_a(ap, a, lda, ta, m0, mc, k0, kc);
                macro_block(c + (size_t)m0 * ldc + n0, ldc, ap,
                            bpre != NULL ? bpre : bp, mc, nc, kc, add);
            }
        }
    }
}

void
gemm(float *c, int ldc, const float *a, int lda, int ta,
     const float *b, int ldb, int tb, int M, int N, int K,
     int accumulate, float *ws)
{
    blocked(c, ldc, a, lda, ta, b, ldb, tb, NULL, M, N, K, accumulate, ws);
}

void
gemm_prepacked_b(float *c, int ldc, const float *a, int lda, int ta,
                 const float *bp, int M, int N, int K, int accumulate,
                 float *ws)
{
    if (K > GEMM_KC || N > GEMM_NC)
        fatal(2, "gemm_prepacked_b: %dx%d is more than one block", K, N);
    blocked(c, ldc, a, lda, ta, NULL, 0, 0, bp, M, N, K, accumulate, ws);
}

float *
gemm_ws_alloc(void)
{
    return xmalloc_array(GEMM_WS_FLOATS, sizeof(float));
}
