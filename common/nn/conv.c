/* conv - see conv.h. */
#include "nn/conv.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/simd.h"
#include "core/util.h"
#include "nn/act.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/winograd.h"
#include "nn/kern.h"

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

/* One input channel (a first layer): the product col w^T has depth K*K
 * only (9 or 25), too shallow for gemm's packing and tile stores to pay.
 * Here the filters go across vector lanes instead: each output position
 * takes its K*K inputs and multiplies them into the FB filters held in
 * FB / LANES registers. Each sum runs in gemm's order (see gemm_kstep),
 * so the answers are gemm's, bit for bit (for a last group of fewer than
 * FB filters, to within rounding: the compiler may not fuse its
 * multiply-adds as the kernel's). */
#define FB (4 * LANES)
#define MAX_TAPS (15 * 15)              /* K is at most 15 (arch.c) */

/* Floats of w^T and the biases, padded to whole groups of FB filters. */
static size_t
wt_floats(const struct conv_shape *s)
{
    return (size_t)(s->K * s->K + 1) * ((s->F + FB - 1) / FB * FB);
}

/* The three roads to the same convolution (see conv.h). The direct road
 * has no input gradient: a backward that needs one takes gemm's. */
enum conv_road { ROAD_WINOGRAD, ROAD_DIRECT, ROAD_GEMM };

static enum conv_road
conv_road(const struct conv_shape *s, int input_grad)
{
    if (wino_applies(s))
        return ROAD_WINOGRAD;
    /* w^T is laid out in gemm's workspace; BF16 products are gemm's */
    if (s->C == 1 && s->K * s->K <= MAX_TAPS && !kern_bf16 &&
        wt_floats(s) <= GEMM_WS_FLOATS && !input_grad)
        return ROAD_DIRECT;
    return ROAD_GEMM;
}

/* y = b + col w^T for all N images, the K*K inputs of each output
 * position read straight from x (C is 1: col's row is just those). wt is
 * w transposed, (D, Fp), and bp the biases, both zero-padded to Fp. D is
 * at most 225, one of gemm's depth slices. */
static void
direct_forward(float *y, const float *x, const float *wt, const float *bp,
               int N, int relu, const struct conv_shape *s)
{
    int K = s->K, D = K * K, F = s->F, Fp = (F + FB - 1) / FB * FB;
    float tap[MAX_TAPS];

    for (int n = 0; n < N; n++)
        for (int oh = 0; oh < s->OH; oh++)
            for (int ow = 0; ow < s->OW; ow++) {
                const float *xn = x + (size_t)n * s->H * s->W;
                float *yr = y + (((size_t)n * s->OH + oh) * s->OW + ow) * F;
                int ih0 = oh - s->pad, iw0 = ow - s->pad;

                if (ih0 >= 0 && ih0 + K <= s->H && iw0 >= 0 && iw0 + K <= s->W)
                    for (int kh = 0; kh < K; kh++)
                        for (int kw = 0; kw < K; kw++)
                            tap[kh * K + kw] = xn[(ih0 + kh) * s->W + iw0 + kw];
                else                        /* zero outside the image */
                    for (int kh = 0; kh < K; kh++)
                        for (int kw = 0; kw < K; kw++) {
                            int ih = ih0 + kh, iw = iw0 + kw;

                            tap[kh * K + kw] = ih >= 0 && ih < s->H &&
                                               iw >= 0 && iw < s->W
                                ? xn[ih * s->W + iw] : 0.0f;
                        }
                for (int f0 = 0; f0 < F; f0 += FB) {
                    lanes acc[4] = { 0 };

                    for (int d = 0; d < D; d++)
                        for (int j = 0; j < 4; j++)
                            acc[j] += tap[d] * lanes_load(wt + (size_t)d * Fp
                                                          + f0 + j * LANES);
                    for (int j = 0; j < 4; j++) {
                        lanes o = acc[j] + lanes_load(bp + f0 + j * LANES);
                        int m = F - f0 - j * LANES;

                        if (relu)
                            o = lanes_max(o, lanes_splat(0.0f));

                        if (m >= LANES)
                            lanes_store(yr + f0 + j * LANES, o);
                        else if (m > 0)
                            lanes_store_n(yr + f0 + j * LANES, o, m);
                    }
                }
            }
}

/* dw = dy^T col over rows (col and dy from row 0 of the chunk), or with
 * add, dw += that. */
static void
direct_weight_grad(float *dw, const float *dy, const float *col,
                   int rows, int D, int F, int add)
{
    int kstep = gemm_kstep(rows);

    for (int r0 = 0; r0 < rows; r0 += kstep) {
        int r1 = rows - r0 < kstep ? rows : r0 + kstep;
        int adding = add || r0 > 0;         /* else this slice writes dw */

        for (int d = 0; d < D; d++) {
            int f0 = 0;

            /* FB filters at once: four independent sums, which the
             * compiler fuses into fma as in gemm's kernel (a single
             * running sum it leaves as multiply and add on some CPUs). */
            for (; f0 + FB <= F; f0 += FB) {
                lanes acc[4] = { 0 };
                float sum[FB];

                for (int r = r0; r < r1; r++) {
                    const float *g = dy + (size_t)r * F + f0;
                    float c = col[(size_t)r * D + d];

                    for (int j = 0; j < 4; j++)
                        acc[j] += lanes_load(g + j * LANES) * c;
                }
                for (int j = 0; j < 4; j++)
                    lanes_store(sum + j * LANES, acc[j]);
                for (int l = 0; l < FB; l++) {
                    float *o = dw + (size_t)(f0 + l) * D + d;

                    *o = adding ? *o + sum[l] : sum[l];
                }
            }
            for (; f0 < F; f0++) {                  /* the last few */
                float acc = 0.0f, *o = dw + (size_t)f0 * D + d;

                for (int r = r0; r < r1; r++)
                    acc += dy[(size_t)r * F + f0] * col[(size_t)r * D + d];
                *o = adding ? *o + acc : acc;
            }
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

    if (conv_road(s, 0) == ROAD_WINOGRAD) {
        if (wino_buf_floats(s) > n)
            n = wino_buf_floats(s);
        if (wino_dbuf_floats(s) > n)
            n = wino_dbuf_floats(s);
    }
    return n;
}

/* The direct road's forward: ws gets w^T, (D, Fp), then b, both
 * zero-padded to Fp filters. */
static void
direct_conv(float *y, float *ws, const float *x, const float *w,
            const float *b, int N, int relu, const struct conv_shape *s)
{
    int D = s->K * s->K * s->C, F = s->F, Fp = (F + FB - 1) / FB * FB;

    memset(ws, 0, wt_floats(s) * sizeof *ws);
    for (int f = 0; f < F; f++) {
        for (int d = 0; d < D; d++)
            ws[(size_t)d * Fp + f] = w[(size_t)f * D + d];
        ws[(size_t)D * Fp + f] = b[f];
    }
    direct_forward(y, x, ws, ws + (size_t)D * Fp, N, relu, s);
}

int
conv2d_can_pool(const struct conv_shape *s)
{
    return conv_road(s, 0) == ROAD_WINOGRAD && s->OH % 2 == 0 &&
           s->OW % 2 == 0;
}

size_t
conv2d_prep_floats(const struct conv_shape *s)
{
    return conv_road(s, 0) == ROAD_WINOGRAD ? wino_prep_floats(s) : 0;
}

void
conv2d_prepare(float *wp, const float *w, const struct conv_shape *s)
{
    float *U = xmalloc_array((size_t)16 * s->C, (size_t)s->F * sizeof *U);

    wino_prepare(wp, U, w, s);
    free(U);
}

void
conv2d_forward(float *y, float *col, float *ws, const float *x,
               const float *w, const float *wp, const float *b, int N,
               enum conv_fuse fuse, const struct conv_shape *s)
{
    KERN_DISPATCH(conv2d_forward, (y, col, ws, x, w, wp, b, N, fuse, s));
    int D = s->K * s->K * s->C, F = s->F;
    size_t R = (size_t)N * s->OH * s->OW, chunk = (size_t)conv2d_chunk(s);

    if (fuse == CONV_RELU_POOL2 && !conv2d_can_pool(s))
        fatal(2, "conv2d_forward: no pooling on this road");
    switch (conv_road(s, 0)) {
    case ROAD_WINOGRAD:
        wino_forward(y, col, ws, x, w, wp, b, N, fuse, s);
        return;
    case ROAD_DIRECT:
        direct_conv(y, ws, x, w, b, N, fuse == CONV_RELU, s);
        return;
    case ROAD_GEMM:
        break;
    }
    for (size_t r0 = 0; r0 < R; r0 += chunk) {
        size_t r1 = R - r0 < chunk ? R : r0 + chunk;
        float *yc = y + r0 * F;                 /* (r1 - r0, F) */

        im2col_rows(col, x, r0, r1, s);
        for (size_t r = r0; r < r1; r++)   /* y starts as the bias ... */
            memcpy(y + r * F, b, (size_t)F * sizeof *b);
        gemm(yc, F, col, D, 0, w, D, 1, (int)(r1 - r0), F, D, 1, ws);
        if (fuse == CONV_RELU)                  /* ... += col w^T */
            relu_forward(yc, yc, (r1 - r0) * (size_t)F);
    }
}

void
conv2d_backward(float *dx, float *dw, float *db, float *col, float *dcol,
                float *ws, const float *dy, const float *x, const float *w,
                int N, const struct conv_shape *s)
{
    KERN_DISPATCH(conv2d_backward, (dx, dw, db, col, dcol, ws, dy, x, w, N,
                                    s));
    int D = s->K * s->K * s->C, F = s->F;
    size_t R = (size_t)N * s->OH * s->OW, chunk = (size_t)conv2d_chunk(s);
    enum conv_road road = conv_road(s, dx != NULL);

    assert(N > 0);
    dense_bias_backward(db, dy, R, F);          /* y[r][f] had + b[f] */
    if (road == ROAD_WINOGRAD) {
        wino_backward(dx, dw, col, dcol, ws, dy, x, w, N, s);
        return;
    }
    if (dx != NULL)         /* col2im adds: the windows overlap */
        memset(dx, 0, (size_t)N * s->H * s->W * s->C * sizeof *dx);
    for (size_t r0 = 0; r0 < R; r0 += chunk) {
        size_t r1 = R - r0 < chunk ? R : r0 + chunk;
        const float *dyc = dy + r0 * F;         /* (r1 - r0, F) */
        int rows = (int)(r1 - r0), add = r0 > 0;

        /* y[r][f] had + w[f] . col[r]: dw [+]= dy^T col */
        im2col_rows(col, x, r0, r1, s);
        if (road == ROAD_DIRECT) {
            direct_weight_grad(dw, dyc, col, rows, D, F, add);
            continue;
        }
        gemm(dw, D, dyc, F, 1, col, D, 0, F, D, rows, add, ws);
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
