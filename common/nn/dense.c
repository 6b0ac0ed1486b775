/* dense - see dense.h. */
#include "nn/dense.h"

#include <stddef.h>
#include <string.h>

#include "nn/gemm.h"

size_t
dense_tmp_floats(int N, int F)
{
    return N >= GEMM_NR ? (size_t)N * F : 0;
}

void
dense_forward(float *y, float *tmp, float *ws, const float *x,
              const float *w, const float *b, int N, int C, int F)
{
    if (N < GEMM_NR) {                  /* y = b, += x W^T */
        for (int n = 0; n < N; n++)
            memcpy(y + (size_t)n * F, b, (size_t)F * sizeof *b);
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

void
dense_backward(float *dx, float *dw, float *db, float *ws, const float *dy,
               const float *x, const float *w, int N, int C, int F)
{
    for (int f = 0; f < F; f++)
        db[f] = 0.0f;
    for (int n = 0; n < N; n++)
        for (int f = 0; f < F; f++)
            db[f] += dy[(size_t)n * F + f];
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
    for (int n = 0; n < N; n++)
        for (int f = 0; f < F; f++) {
            float g = dy[(size_t)n * F + f];     /* dL/dy[n][f] */

            db[f] += g;                          /* y had + b[f] */
            for (int c = 0; c < C; c++) {        /* y had + w[f][c]*x[n][c] */
                dw[(size_t)f * C + c] += g * x[(size_t)n * C + c];
                if (dx != NULL)
                    dx[(size_t)n * C + c] += g * w[(size_t)f * C + c];
            }
        }
}
