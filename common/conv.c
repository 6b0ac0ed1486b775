/* conv - see conv.h. */
#include "conv.h"

#include <stddef.h>
#include <string.h>

#include "gemm.h"

/* col (P, D) = the image x (H, W, C) unrolled under every filter position.
 * Channels last makes each (kh, kw) step one contiguous run of C floats. */
static void
im2col(float *col, const float *x, const struct conv_shape *s)
{
    int C = s->C, K = s->K, D = K * K * C;

    for (int oh = 0; oh < s->OH; oh++)
        for (int ow = 0; ow < s->OW; ow++) {
            float *row = col + ((size_t)oh * s->OW + ow) * D;

            for (int kh = 0; kh < K; kh++) {
                int ih = oh + kh - s->pad;

                for (int kw = 0; kw < K; kw++) {
                    int iw = ow + kw - s->pad;
                    float *dst = row + (kh * K + kw) * C;

                    const float *src = x + ((size_t)ih * s->W + iw) * C;

                    if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W)
                        for (int c = 0; c < C; c++)
                            dst[c] = 0.0f;
                    else
                        for (int c = 0; c < C; c++)
                            dst[c] = src[c];
                }
            }
        }
}

/* dx (H, W, C) += dcol (P, D) folded back: the adjoint of im2col. */
static void
col2im_add(float *dx, const float *dcol, const struct conv_shape *s)
{
    int C = s->C, K = s->K, D = K * K * C;

    for (int oh = 0; oh < s->OH; oh++)
        for (int ow = 0; ow < s->OW; ow++) {
            const float *row = dcol + ((size_t)oh * s->OW + ow) * D;

            for (int kh = 0; kh < K; kh++) {
                int ih = oh + kh - s->pad;

                for (int kw = 0; kw < K; kw++) {
                    int iw = ow + kw - s->pad;
                    const float *src = row + (kh * K + kw) * C;
                    float *dst = dx + ((size_t)ih * s->W + iw) * C;

                    if (ih < 0 || ih >= s->H || iw < 0 || iw >= s->W)
                        continue;
                    for (int c = 0; c < C; c++)
                        dst[c] += src[c];
                }
            }
        }
}

void
conv2d_forward(float *y, float *col, float *ws, const float *x,
               const float *w, const float *b, int N,
               const struct conv_shape *s)
{
    int P = s->OH * s->OW, D = s->K * s->K * s->C, F = s->F;

    for (int n = 0; n < N; n++) {
        float *yn = y + (size_t)n * P * F;

        im2col(col, x + (size_t)n * s->H * s->W * s->C, s);
        for (int p = 0; p < P; p++)         /* y starts as the bias ... */
            memcpy(yn + (size_t)p * F, b, (size_t)F * sizeof *b);
        gemm(yn, F, col, D, 0, w, D, 1, P, F, D, 1, ws);  /* += col w^T */
    }
}

void
conv2d_backward(float *dx, float *dw, float *db, float *col, float *dcol,
                float *ws, const float *dy, const float *x, const float *w,
                int N, const struct conv_shape *s)
{
    int P = s->OH * s->OW, D = s->K * s->K * s->C, F = s->F;
    size_t in_size = (size_t)s->H * s->W * s->C;

    for (int n = 0; n < N; n++) {
        const float *dyn = dy + (size_t)n * P * F;

        /* y[p][f] had + b[f] and + w[f] . col[p] */
        for (int p = 0; p < P; p++)
            for (int f = 0; f < F; f++)
                db[f] += dyn[(size_t)p * F + f];
        im2col(col, x + (size_t)n * in_size, s);
        gemm(dw, D, dyn, F, 1, col, D, 0, F, D, P, 1, ws); /* += dy^T col */
        if (dx == NULL)
            continue;
        gemm(dcol, D, dyn, F, 0, w, D, 0, P, D, F, 0, ws); /* = dy w */
        col2im_add(dx + (size_t)n * in_size, dcol, s);
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
