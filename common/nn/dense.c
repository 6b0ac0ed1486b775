/* dense - see dense.h. */
#include "nn/dense.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/simd.h"
#include "nn/gemm.h"
#include "nn/kern.h"

/* From this many rows on, forward without prepared weights packs x
 * rather than W (see dense_forward). */
#define BATCH_ROWS 16

size_t
dense_tmp_floats(int N, int F)
{
    return N >= BATCH_ROWS ? (size_t)N * F : 0;
}

size_t
dense_prep_floats(int C, int F)
{
    return gemm_packed_b_floats(C, F);
}

void
dense_prepare(float *wp, const float *w, int C, int F)
{
    gemm_pack_b(wp, w, C, 1, C, F);
}

void
dense_forward(float *y, float *tmp, float *ws, const float *x,
              const float *w, const float *wp, const float *b, int N, int C,
              int F)
{
    KERN_DISPATCH(dense_forward, (y, tmp, ws, x, w, wp, b, N, C, F));
    if (N < BATCH_ROWS || wp != NULL) {         /* y = b, += x W^T */
        for (int n = 0; n < N; n++)
            memcpy(y + (size_t)n * F, b, (size_t)F * sizeof *b);
        if (wp != NULL)
            gemm_prepacked_b(y, F, x, C, 0, wp, N, F, C, 1, ws);
        else
            gemm(y, F, x, C, 0, w, C, 1, N, F, C, 1, ws);
        return;
    }
    /* A batch: y^T = b, += W x^T, then transposed into y. W (F x C, the
     * big one) is gemm's A, read in place; x^T, a few rows, is the B it
     * packs. Each sum runs as in the other order, so the bits are the
     * same. */
    for (int f = 0; f < F; f++)
        for (int n = 0; n < N; n++)
            tmp[(size_t)f * N + n] = b[f];
    gemm(tmp, N, w, C, 0, x, C, 1, F, N, C, 1, ws);
    for (int n = 0; n < N; n++)
        for (int f = 0; f < F; f++)
            y[(size_t)n * F + f] = tmp[(size_t)f * N + n];
}

/* Columns of dy summed at once by dense_bias_backward: four vectors. */
#define BIAS_BLOCK (4 * LANES)

void
dense_bias_backward(float *db, const float *dy, size_t rows, int F)
{
    KERN_DISPATCH(dense_bias_backward, (db, dy, rows, F));
    int f0 = 0;

    /* A block of columns at a time, its sums held in registers down all
     * the rows, where a loop over each row would store and reload db for
     * every row. Each sum still runs from row 0 down, so the bits are
     * the same. */
    for (; f0 + BIAS_BLOCK <= F; f0 += BIAS_BLOCK) {
        lanes acc[4];

        for (int j = 0; j < 4; j++)
            acc[j] = lanes_load(dy + f0 + j * LANES);
        for (size_t r = 1; r < rows; r++)
            for (int j = 0; j < 4; j++)
                acc[j] += lanes_load(dy + r * F + f0 + j * LANES);
        for (int j = 0; j < 4; j++)
            lanes_store(db + f0 + j * LANES, acc[j]);
    }
    if (f0 == F)
        return;
    memcpy(db + f0, dy + f0, (size_t)(F - f0) * sizeof *db);
    for (size_t r = 1; r < rows; r++)           /* the last few columns */
        for (int f = f0; f < F; f++)
            db[f] += dy[r * F + f];
}

void
dense_backward(float *dx, float *dw, float *db, float *ws, const float *dy,
               const float *x, const float *w, int N, int C, int F)
{
    KERN_DISPATCH(dense_backward, (dx, dw, db, ws, dy, x, w, N, C, F));
    assert(N > 0);
    dense_bias_backward(db, dy, (size_t)N, F);
    gemm(dw, C, dy, F, 1, x, C, 0, F, C, N, 0, ws);        /* = dy^T x */
    if (dx != NULL)
        gemm(dx, C, dy, F, 0, w, C, 0, N, C, F, 0, ws);    /* = dy W */
}

void
dense_forward_ref(float *y, const float *x, const float *w, const float *b,
                  int N, int C, int F)
{
    for (int n = 0; n < N; n++)
        for (int f = 0; f < F; f++) {
            const float *xn = x + (size_t)n * C, *wf = w + (size_t)f * C;
            float acc = b[f];

            for (int c = 0; c < C; c++)
                acc += wf[c] * xn[c];
            y[(size_t)n * F + f] = acc;
        }
}

void
dense_backward_ref(float *dx, float *dw, float *db, const float *dy,
                   const float *x, const float *w, int N, int C, int F)
{
    for (int f = 0; f < F; f++) {
        double gb = 0.0;                        /* y had + b[f] */

        for (int n = 0; n < N; n++)
            gb += dy[(size_t)n * F + f];
        db[f] = (float)gb;
        for (int c = 0; c < C; c++) {           /* y had + w[f][c] x[n][c] */
            double gw = 0.0;

            for (int n = 0; n < N; n++)
                gw += (double)dy[(size_t)n * F + f] * x[(size_t)n * C + c];
            dw[(size_t)f * C + c] = (float)gw;
        }
    }
    for (int n = 0; dx != NULL && n < N; n++)
        for (int c = 0; c < C; c++) {
            double gx = 0.0;

            for (int f = 0; f < F; f++)
                gx += (double)dy[(size_t)n * F + f] * w[(size_t)f * C + c];
            dx[(size_t)n * C + c] = (float)gx;
        }
}
