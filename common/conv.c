/* conv - see conv.h. */
#include "conv.h"

#include <stddef.h>
#include <string.h>

#include "gemm.h"
#include "winograd.h"

/* The filter at output column ow covers input columns ow - pad + kw;
 * [*kw0, *kw1) are the kw whose column lies inside the image. */
static void
kw_range(int *kw0, int *kw1, int ow, const struct conv_shape *s)
{
    int first = ow - s->pad;

    *kw0 = first < 0 ? -first : 0;
    *kw1 = first + s->K > s->W ? s->W - first : s->K;
}

/* col (r1 - r0, D) = rows r0 .. r1 of the whole batch unrolled: row r
 * is image r / P, output position r % P, and holds the D inputs under the
 * filter there, in (kh, kw, c) order. Channels last makes the inputs of
 * one filter row (kh) a single run of K * C floats in x, so a row of col
 * is K copies, trimmed where the filter hangs over the image's edge. */
static void
im2col_rows(float *col, const float *x, size_t r0, size_t r1,
            const struct conv_shape *s)
{
    int C = s->C, K = s->K, D = K * K * C, P = s->OH * s->OW;

    for (size_t r = r0; r < r1; r++) {
        int p = (int)(r % (size_t)P), oh = p / s->OW, ow = p % s->OW;
        const float *xn = x + r / (size_t)P * s->H * s->W * C;
        float *row = col + (r - r0) * D;
        int kw0, kw1;

        kw_range(&kw0, &kw1, ow, s);
        for (int kh = 0; kh < K; kh++) {
            int ih = oh + kh - s->pad, inside = ih >= 0 && ih < s->H;
            int lo = inside ? kw0 * C : K * C, hi = inside ? kw1 * C : K * C;
            float *dst = row + kh * K * C;
            /* x at (ih, ow - pad + kw0): the first input under the filter */
            const float *src = inside ? xn + ((size_t)ih * s->W + ow - s->pad
                                              + kw0) * C : xn;

            for (int j = 0; j < lo; j++)
                dst[j] = 0.0f;
            for (int j = lo; j < hi; j++)
                dst[j] = src[j - lo];
            for (int j = hi; j < K * C; j++)
                dst[j] = 0.0f;
        }
    }
}

/* dx += dcol (r1 - r0, D) folded back: the adjoint of im2col_rows. */
static void
col2im_rows(float *dx, const float *dcol, size_t r0, size_t r1,
            const struct conv_shape *s)
{
    int C = s->C, K = s->K, D = K * K * C, P = s->OH * s->OW;

    for (size_t r = r0; r < r1; r++) {
        int p = (int)(r % (size_t)P), oh = p / s->OW, ow = p % s->OW;
        float *dxn = dx + r / (size_t)P * s->H * s->W * C;
        const float *row = dcol + (r - r0) * D;
        int kw0, kw1;

        kw_range(&kw0, &kw1, ow, s);
        for (int kh = 0; kh < K; kh++) {
            int ih = oh + kh - s->pad;

            if (ih < 0 || ih >= s->H)
                continue;
            const float *src = row + (kh * K + kw0) * C;
            float *dst = dxn + ((size_t)ih * s->W + ow - s->pad + kw0) * C;

            for (int j = 0; j < (kw1 - kw0) * C; j++)
                dst[j] += src[j];
        }
    }
}

int
conv2d_chunk(const struct conv_shape *s)
{
    int rows = CONV_COL_FLOATS / (s->K * s->K * s->C);

    return rows < GEMM_MR ? GEMM_MR : rows;
}

size_t
conv2d_col_floats(const struct conv_shape *s)
{
    size_t n = (size_t)conv2d_chunk(s) * s->K * s->K * s->C;

    if (wino_applies(s)) {
        if (wino_buf_floats(s) > n)
            n = wino_buf_floats(s);
        if (wino_dbuf_floats(s) > n)
            n = wino_dbuf_floats(s);
    }
    return n;
}

void
conv2d_forward(float *y, float *col, float *ws, const float *x,
               const float *w, const float *b, int N,
               const struct conv_shape *s)
{
    int D = s->K * s->K * s->C, F = s->F;
    size_t R = (size_t)N * s->OH * s->OW, chunk = (size_t)conv2d_chunk(s);

    if (wino_applies(s)) {
        wino_forward(y, col, ws, x, w, b, N, s);
        return;
    }
    for (size_t r0 = 0; r0 < R; r0 += chunk) {
        size_t r1 = R - r0 < chunk ? R : r0 + chunk;
        float *yc = y + r0 * F;                 /* (r1 - r0, F) */

        im2col_rows(col, x, r0, r1, s);
        for (size_t r = r0; r < r1; r++)   /* y starts as the bias ... */
            memcpy(y + r * F, b, (size_t)F * sizeof *b);
        gemm(yc, F, col, D, 0, w, D, 1, (int)(r1 - r0), F, D, 1, ws);
    }                                           /* ... += col w^T */
}

void
conv2d_backward(float *dx, float *dw, float *db, float *col, float *dcol,
                float *ws, const float *dy, const float *x, const float *w,
                int N, const struct conv_shape *s)
{
    int D = s->K * s->K * s->C, F = s->F;
    size_t R = (size_t)N * s->OH * s->OW, chunk = (size_t)conv2d_chunk(s);

    if (wino_applies(s)) {
        for (size_t r = 0; r < R; r++)      /* y[r][f] had + b[f] */
            for (int f = 0; f < F; f++)
                db[f] += dy[r * F + f];
        wino_backward(dx, dw, col, dcol, ws, dy, x, w, N, s);
        return;
    }
    for (size_t r0 = 0; r0 < R; r0 += chunk) {
        size_t r1 = R - r0 < chunk ? R : r0 + chunk;
        const float *dyc = dy + r0 * F;         /* (r1 - r0, F) */
        int rows = (int)(r1 - r0);

        /* y[r][f] had + b[f] and + w[f] . col[r] */
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < F; f++)
                db[f] += dyc[(size_t)r * F + f];
        im2col_rows(col, x, r0, r1, s);
        gemm(dw, D, dyc, F, 1, col, D, 0, F, D, rows, 1, ws); /* dy^T col */
        if (dx == NULL)
            continue;
        gemm(dcol, D, dyc, F, 0, w, D, 0, rows, D, F, 0, ws); /* = dy w */
        col2im_rows(dx, dcol, r0, r1, s);
    }
}

void
conv2d_forward_ref(float *y, const float *x, const float *w, const float *b,
                   int N, const struct conv_shape *s)
{
    int C = s->C, K = s->K, F = s->F;

    for (int n = 0; n < N; n++)
        for (int oh = 0; oh < s->OH; oh++)
            for (int ow = 0; ow < s->OW; ow++)
                for (int f = 0; f < F; f++) {
                    double acc = b[f];

                    for (int kh = 0; kh < K; kh++)
                        for (int kw = 0; kw < K; kw++) {
                            int ih = oh + kh - s->pad, iw = ow + kw - s->pad;

                            if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W)
                                continue;
                            for (int c = 0; c < C; c++)
                                acc += (double)w[(((size_t)f * K + kh) * K
                                                  + kw) * C + c] *
                                       x[(((size_t)n * s->H + ih) * s->W
                                          + iw) * C + c];
                        }
                    y[(((size_t)n * s->OH + oh) * s->OW + ow) * F + f] =
                        (float)acc;
                }
}
