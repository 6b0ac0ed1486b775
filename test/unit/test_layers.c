/* test_layers - every layer's backward pass against central differences
 * of its forward pass, and every fast kernel against its reference loop.
 *
 * Gradient checks use the loss L = sum(y * r) for a fixed random r, so
 * dL/dy = r is what backward is fed; L is summed in double so the finite
 * differences are not drowned in float rounding. Inputs are kept away
 * from the kinks of ReLU and max-pool, where no derivative exists.
 *
 * Every backward must write all of its gradients, never add to them, so
 * each gradient buffer holds NaN when backward starts: a layer that adds
 * to one, or leaves any element of it alone, shows a NaN and fails. */
#include <math.h>
#include <string.h>

#include "core/mnist.h"
#include "core/rng.h"
#include "core/util.h"
#include "nn/act.h"
#include "nn/arch.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "nn/net.h"
#include "nn/pool.h"
#include "levels.h"
#include "tap.h"

#define EPS 1e-2f

/* The layer under test: forward computes y from the three inputs. */
struct probe {
    float *x, *w, *b, *y, *r;
    size_t nx, nw, nb, ny;
    void (*forward)(struct probe *);
    void *ctx;
};

static double
probe_loss(struct probe *p)
{
    double sum = 0.0;

    p->forward(p);
    for (size_t i = 0; i < p->ny; i++)
        sum += (double)p->y[i] * p->r[i];
    return sum;
}

/* Whether every element of v is a finite number: whether backward
 * wrote all of a buffer that held NaN. */
static int
all_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Compares ana (the backward result for v) with central differences at
 * up to 30 positions of v; returns the worst relative error, infinite if
 * any element of ana is not finite. */
static double
worst_error(struct probe *p, float *v, const float *ana, size_t n)
{
    double worst = 0.0;
    size_t step = n > 30 ? n / 30 : 1;

    if (!all_finite(ana, n))
        return INFINITY;
    for (size_t i = 0; i < n; i += step) {
        float keep = v[i];
        v[i] = keep + EPS;
        double lp = probe_loss(p);
        v[i] = keep - EPS;
        double lm = probe_loss(p);
        v[i] = keep;
        double num = (lp - lm) / (2.0 * EPS);
        double err = fabs(num - ana[i]) / fmax(1e-2, fabs(num) + fabs(ana[i]));

        if (!(err <= worst))
            worst = err;
    }
    return worst;
}

static float *
random_buf(size_t n, struct rng *r, float lo, float hi)
{
    float *v = xmalloc_array(n, sizeof(float));

    for (size_t i = 0; i < n; i++)
        v[i] = lo + (hi - lo) * rng_uniform(r);
    return v;
}

static float *
zeros(size_t n)
{
    return xcalloc(n, sizeof(float));
}

/* The largest |a[i] - b[i]|; infinite if either holds a value that is
 * not finite. */
static double
max_diff(const float *a, const float *b, size_t n)
{
    double e = 0.0;

    if (!all_finite(a, n) || !all_finite(b, n))
        return INFINITY;
    for (size_t i = 0; i < n; i++)
        e = fmax(e, fabs((double)a[i] - b[i]));
    return e;
}

/* What a gradient buffer holds before backward: NaN, which a backward
 * that adds to it, or skips an element, leaves showing. */
static void
garbage(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
}

static float *
garbage_buf(size_t n)
{
    float *v = xmalloc_array(n, sizeof(float));

    garbage(v, n);
    return v;
}

/* ---- convolution ---- */
struct conv_ctx { struct conv_shape s; int N; float *col, *dcol, *ws; };

static void
conv_fwd(struct probe *p)
{
    struct conv_ctx *c = p->ctx;

    conv2d_forward(p->y, c->col, c->ws, p->x, p->w, NULL, p->b, c->N,
                   CONV_PLAIN, &c->s);
}

/* Backward with dx and without (the first layer's, which may take
 * another road), each from gradient buffers full of NaN. */
static void
check_conv_backward(struct probe *p, struct conv_ctx *c)
{
    const struct conv_shape *s = &c->s;
    float *dx = garbage_buf(p->nx), *dw = garbage_buf(p->nw);
    float *db = garbage_buf(p->nb), *dw1 = garbage_buf(p->nw);
    float *db1 = garbage_buf(p->nb);

    conv2d_backward(dx, dw, db, c->col, c->dcol, c->ws, p->r, p->x, p->w,
                    c->N, s);
    ok(worst_error(p, p->x, dx, p->nx) < 1e-2, "conv C%d F%d K%d pad%d: "
       "dx", s->C, s->F, s->K, s->pad);
    ok(worst_error(p, p->w, dw, p->nw) < 1e-2, "conv C%d F%d K%d pad%d: "
       "dw", s->C, s->F, s->K, s->pad);
    ok(worst_error(p, p->b, db, p->nb) < 1e-2, "conv C%d F%d K%d pad%d: "
       "db", s->C, s->F, s->K, s->pad);
    conv2d_backward(NULL, dw1, db1, c->col, c->dcol, c->ws, p->r, p->x,
                    p->w, c->N, s);
    double e = max_diff(dw1, dw, p->nw);
    ok(e < 1e-4 && max_diff(db1, db, p->nb) == 0.0, "conv C%d F%d K%d "
       "pad%d: dw and db the same without dx (%.1e)", s->C, s->F, s->K,
       s->pad, e);
    free(dx), free(dw), free(db), free(dw1), free(db1);
}

/* The fused outputs (ReLU; ReLU and 2x2 pool) against the layers run
 * one after the other on y, the plain output: the same bits. */
static void
check_conv_fused(struct probe *p, struct conv_ctx *c)
{
    const struct conv_shape *s = &c->s;
    size_t P2 = (size_t)(s->OH / 2) * (s->OW / 2) * s->F;
    float *relu = garbage_buf(p->ny), *fused = garbage_buf(p->ny);
    float *pool = garbage_buf((size_t)c->N * P2 + 1);
    int32_t *arg = xmalloc_array((size_t)c->N * P2 + 1, sizeof *arg);

    relu_forward(relu, p->y, p->ny);
    conv2d_forward(fused, c->col, c->ws, p->x, p->w, NULL, p->b, c->N,
                   CONV_RELU, s);
    ok(memcmp(fused, relu, p->ny * sizeof *relu) == 0, "conv C%d F%d K%d "
       "pad%d: ReLU fused, the same bits", s->C, s->F, s->K, s->pad);
    if (conv2d_can_pool(s)) {
        maxpool_forward(pool, arg, relu, c->N, s->F, s->OH, s->OW, 2);
        conv2d_forward(fused, c->col, c->ws, p->x, p->w, NULL, p->b, c->N,
                       CONV_RELU_POOL2, s);
        ok(memcmp(fused, pool, (size_t)c->N * P2 * sizeof *pool) == 0,
           "conv C%d F%d %dx%d pad%d: ReLU and pool fused, the same bits",
           s->C, s->F, s->OH, s->OW, s->pad);
    }
    if (conv2d_can_pool(s)) {       /* NaNs in windows: ReLU first */
        float *x = xmalloc_array(p->nx, sizeof *x);
        int same = 1;

        /* An infinity and a minus infinity a few pixels apart make NaN
         * in some of a tile's outputs and not others. */
        for (int t = 1; t <= 12; t++) {
            size_t at = p->nx / 13 * t;

            memcpy(x, p->x, p->nx * sizeof *x);
            x[at] = INFINITY;
            x[(at + (size_t)(t % 4 + 1) * s->C) % p->nx] = -INFINITY;
            conv2d_forward(relu, c->col, c->ws, x, p->w, NULL, p->b, c->N,
                           CONV_RELU, s);
            maxpool_forward(pool, arg, relu, c->N, s->F, s->OH, s->OW, 2);
            conv2d_forward(fused, c->col, c->ws, x, p->w, NULL, p->b, c->N,
                           CONV_RELU_POOL2, s);
            same &= memcmp(fused, pool, (size_t)c->N * P2 * sizeof *pool)
                    == 0;
        }
        ok(same, "conv C%d F%d: infinities in, NaNs in windows: fused "
           "pooling still gives the layers' bits", s->C, s->F);
        free(x);
    }
    free(relu), free(fused), free(pool), free(arg);
}

static void
check_conv(int N, int C, int H, int W, int F, int K, int pad, struct rng *r)
{
    struct conv_ctx c = { { C, H, W, F, K, pad, H + 2 * pad - K + 1,
                            W + 2 * pad - K + 1 }, N, NULL, NULL, NULL };
    size_t P = (size_t)c.s.OH * c.s.OW, D = (size_t)K * K * C;
    struct probe p = { .nx = (size_t)N * H * W * C, .nw = (size_t)F * D,
                       .nb = (size_t)F, .ny = (size_t)N * P * F,
                       .forward = conv_fwd, .ctx = &c };

    c.col = zeros(conv2d_col_floats(&c.s));
    c.dcol = zeros(conv2d_col_floats(&c.s));
    c.ws = gemm_ws_alloc();
    p.x = random_buf(p.nx, r, -1, 1), p.w = random_buf(p.nw, r, -1, 1);
    p.b = random_buf(p.nb, r, -1, 1), p.y = zeros(p.ny);
    p.r = random_buf(p.ny, r, -1, 1);
    float *ref = zeros(p.ny);

    conv2d_forward_ref(ref, p.x, p.w, p.b, N, &c.s);
    conv_fwd(&p);
    double e = max_diff(p.y, ref, p.ny);
    ok(e < 1e-4, "conv N%d C%d %dx%d F%d K%d pad%d: fast == reference "
       "(%.1e)", N, C, H, W, F, K, pad, e);
    check_conv_fused(&p, &c);
    if (conv2d_prep_floats(&c.s) > 0) {         /* inference's weights */
        float *wp = garbage_buf(conv2d_prep_floats(&c.s));
        float *y2 = garbage_buf(p.ny);

        conv2d_prepare(wp, p.w, &c.s);
        conv2d_forward(y2, c.col, c.ws, p.x, p.w, wp, p.b, N, CONV_PLAIN,
                       &c.s);
        ok(memcmp(y2, p.y, p.ny * sizeof *y2) == 0, "conv N%d C%d F%d: "
           "prepared weights give the same bits", N, C, F);
        free(wp), free(y2);
    }
    check_conv_backward(&p, &c);
    free(c.col), free(c.dcol), free(c.ws), free(p.x), free(p.w), free(p.b);
    free(p.y), free(p.r), free(ref);
}

/* ---- dense ---- */
struct dense_ctx { int N, C, F; float *tmp, *ws; };

static void
dense_fwd(struct probe *p)
{
    struct dense_ctx *d = p->ctx;

    dense_forward(p->y, d->tmp, d->ws, p->x, p->w, NULL, p->b, d->N, d->C,
                  d->F);
}

static void
check_dense(int N, int C, int F, struct rng *r)
{
    struct dense_ctx d = { N, C, F, zeros(dense_tmp_floats(N, F) + 1),
                           gemm_ws_alloc() };
    struct probe p = { .nx = (size_t)N * C, .nw = (size_t)F * C,
                       .nb = (size_t)F, .ny = (size_t)N * F,
                       .forward = dense_fwd, .ctx = &d };

    p.x = random_buf(p.nx, r, -1, 1), p.w = random_buf(p.nw, r, -1, 1);
    p.b = random_buf(p.nb, r, -1, 1), p.y = zeros(p.ny);
    p.r = random_buf(p.ny, r, -1, 1);
    float *dx = garbage_buf(p.nx), *dw = garbage_buf(p.nw);
    float *db = garbage_buf(p.nb), *rx = garbage_buf(p.nx);
    float *rw = garbage_buf(p.nw), *rb = garbage_buf(p.nb);
    float *ref = zeros(p.ny);

    dense_forward_ref(ref, p.x, p.w, p.b, N, C, F);
    dense_fwd(&p);
    float *wp = garbage_buf(dense_prep_floats(C, F)), *y2 = garbage_buf(p.ny);
    dense_prepare(wp, p.w, C, F);
    dense_forward(y2, d.tmp, d.ws, p.x, p.w, wp, p.b, N, C, F);
    ok(memcmp(y2, p.y, p.ny * sizeof *y2) == 0, "dense N%d C%d F%d: "
       "prepared weights give the same bits", N, C, F);
    free(wp), free(y2);
    dense_backward(dx, dw, db, d.ws, p.r, p.x, p.w, N, C, F);
    dense_backward_ref(rx, rw, rb, p.r, p.x, p.w, N, C, F);
    double e = fmax(fmax(max_diff(p.y, ref, p.ny), max_diff(dx, rx, p.nx)),
                    fmax(max_diff(dw, rw, p.nw), max_diff(db, rb, p.nb)));
    ok(e < 1e-4, "dense N%d C%d F%d: fast forward and backward == "
       "reference (%.1e)", N, C, F, e);
    ok(worst_error(&p, p.x, dx, p.nx) < 1e-2, "dense C%d F%d: dx", C, F);
    ok(worst_error(&p, p.w, dw, p.nw) < 1e-2, "dense C%d F%d: dw", C, F);
    ok(worst_error(&p, p.b, db, p.nb) < 1e-2, "dense C%d F%d: db", C, F);
    free(d.tmp), free(d.ws), free(p.x), free(p.w), free(p.b), free(p.y);
    free(p.r);
    free(dx), free(dw), free(db), free(rx), free(rw), free(rb), free(ref);
}

/* ---- max-pool, ReLU, dropout: layers without parameters ---- */
struct pool_ctx { int N, C, H, W, S; int32_t *arg; };

static void
pool_fwd(struct probe *p)
{
    struct pool_ctx *c = p->ctx;

    maxpool_forward(p->y, c->arg, p->x, c->N, c->C, c->H, c->W, c->S);
}

static void
check_pool(struct rng *r)
{
    struct pool_ctx c = { 2, 3, 7, 6, 2, NULL };
    struct probe p = { .nx = 2 * 3 * 7 * 6, .ny = 2 * 3 * 3 * 3,
                       .forward = pool_fwd, .ctx = &c };

    /* Distinct values 0.1 apart: no ties, and EPS cannot reorder them. */
    p.x = zeros(p.nx), p.y = zeros(p.ny), p.r = random_buf(p.ny, r, -1, 1);
    for (size_t i = 0; i < p.nx; i++)
        p.x[i] = 0.1f * (float)((i * 37) % p.nx);
    c.arg = xmalloc_array(p.ny, sizeof(int32_t));
    float *dx = garbage_buf(p.nx);
    pool_fwd(&p);
    maxpool_backward(dx, p.r, c.arg, c.N, c.C, c.H, c.W, c.S);
    ok(worst_error(&p, p.x, dx, p.nx) < 1e-3, "maxpool 2: dx (odd edge "
       "dropped)");
    free(p.x), free(p.y), free(p.r), free(c.arg), free(dx);
}

static void
relu_fwd(struct probe *p)
{
    relu_forward(p->y, p->x, p->nx);
}

struct drop_ctx { float *mask; float rate; };

static void
drop_fwd(struct probe *p)
{
    struct drop_ctx *c = p->ctx;
    struct rng r;

    rng_init(&r, 7, 0, 0, 0);           /* the same mask every call */
    dropout_forward(p->y, c->mask, p->x, p->nx, c->rate, &r);
}

static void
check_relu_dropout(struct rng *r)
{
    struct drop_ctx c = { NULL, 0.4f };
    struct probe p = { .nx = 200, .ny = 200, .forward = relu_fwd };
    float *dx = garbage_buf(p.nx);
    size_t dropped = 0;

    p.x = random_buf(p.nx, r, 0.1f, 1), p.y = zeros(p.ny);
    p.r = random_buf(p.ny, r, -1, 1);
    for (size_t i = 0; i < p.nx; i += 2)
        p.x[i] = -p.x[i];               /* half negative, |x| >= 0.1 */
    relu_backward(dx, p.r, p.x, p.nx);
    ok(worst_error(&p, p.x, dx, p.nx) < 1e-3, "relu: dx");
    p.forward = drop_fwd, p.ctx = &c;
    c.mask = zeros(p.nx);
    drop_fwd(&p);
    for (size_t i = 0; i < p.nx; i++)
        dropped += c.mask[i] == 0.0f;
    ok(dropped > 50 && dropped < 110, "dropout 0.4 drops about 40%% (%zu of "
       "200)", dropped);
    garbage(dx, p.nx);
    dropout_backward(dx, p.r, c.mask, p.nx);
    ok(worst_error(&p, p.x, dx, p.nx) < 1e-3, "dropout: dx");
    free(p.x), free(p.y), free(p.r), free(c.mask), free(dx);
}

/* ---- softmax + cross-entropy ---- */
static void
check_softmax(struct rng *r)
{
    enum { N = 4, K = 10 };
    float *z = random_buf(N * K, r, -3, 3), prob[N * K], dz[N * K];
    uint8_t labels[N] = { 0, 3, 9, 3 };
    double worst = 0.0, sum = 0.0;

    z[5] = 30.0f;                       /* one dominant class */
    softmax_forward(prob, z, N, K);
    for (int k = 0; k < K; k++)
        sum += prob[k];
    ok(fabs(sum - 1.0) < 1e-6 && isfinite(prob[5]), "softmax: a row sums "
       "to 1 even with a logit of 80");
    garbage(dz, N * K);
    softmax_crossentropy_backward(dz, prob, labels, N, K, 1.0f);
    if (!all_finite(dz, N * K))
        worst = INFINITY;
    for (int i = 0; i < N * K && isfinite(worst); i++) {
        float keep = z[i];
        z[i] = keep + 1e-2f;
        softmax_forward(prob, z, N, K);
        double lp = crossentropy_sum(prob, labels, N, K);
        z[i] = keep - 1e-2f;
        softmax_forward(prob, z, N, K);
        double lm = crossentropy_sum(prob, labels, N, K);
        z[i] = keep;
        double num = (lp - lm) / 2e-2;
        double err = fabs(num - dz[i]) / fmax(1e-2, fabs(num) + fabs(dz[i]));
        if (!(err <= worst))
            worst = err;
    }
    ok(worst < 1e-2, "softmax cross-entropy: dlogits (%.1e)", worst);
    free(z);
}

/* ---- a whole small network, through net_forward/net_backward ---- */
static double
net_loss(struct net_work *w, const struct arch *a, const float *params,
         const uint8_t *labels, int n)
{
    struct net_key key = { 3, 0, 0 };   /* the same dropout masks */

    net_forward(w, a, params, n, &key);
    return crossentropy_sum(w->prob, labels, n, MNIST_CLASSES);
}

static const char small_net[] = "conv 4 3 pad 1\nrelu\nmaxpool 2\n"
                                "conv 3 3\nrelu\ndense 12\ndropout 0.3\n"
                                "dense 10\n";
static const char wino_net[] = "conv 8 3 pad 1\nrelu\nconv 8 3\ndense 10\n";

static void
check_net(struct rng *r, const char *spec, const char *what)
{
    enum { N = 3 };
    struct arch a;
    struct net_work w;
    char err[ERRLEN];
    uint8_t pixels[N * MNIST_PIXELS], labels[N] = { 1, 7, 4 };
    double worst = 0.0;

    ok(arch_parse(&a, spec, strlen(spec), err) == 0, "arch of %s parses",
       what);
    float *params = zeros(a.n_params), *grads = zeros(a.n_params);
    net_init_params(params, &a, 11);
    net_work_init(&w, &a, N, 1);
    for (int i = 0; i < N * MNIST_PIXELS; i++)
        pixels[i] = (uint8_t)rng_below(r, 256);
    net_input(w.act[0], pixels, N);
    net_loss(&w, &a, params, labels, N);
    garbage(grads, a.n_params);
    for (int i = 0; i < a.n_layers; i++)
        garbage(w.dact[i + 1], (size_t)N * a.layers[i].n_out);
    net_backward(&w, &a, params, grads, labels, N, 1.0f);
    if (!all_finite(grads, a.n_params))
        worst = INFINITY;
    for (size_t i = 0; i < a.n_params && isfinite(worst);
         i += a.n_params / 40) {
        float keep = params[i];
        params[i] = keep + 1e-3f;
        double lp = net_loss(&w, &a, params, labels, N);
        params[i] = keep - 1e-3f;
        double lm = net_loss(&w, &a, params, labels, N);
        params[i] = keep;
        double num = (lp - lm) / 2e-3;
        double e = fabs(num - grads[i]) /
                   fmax(1e-2, fabs(num) + fabs(grads[i]));
        if (!(e <= worst))
            worst = e;
    }
    /* Looser than the single layers: a first-layer weight moves every
     * pre-activation of the image, and a few of them cross ReLU's kink. */
    ok(worst < 5e-2, "whole net (%s): parameter gradients (%.1e)", what,
       worst);
    net_work_free(&w);
    free(params), free(grads);
}

static void
run_all(void)
{
    struct rng r;

    rng_init(&r, 1, 2, 3, 4);
    check_conv(2, 3, 7, 6, 4, 3, 1, &r);
    check_conv(1, 1, 9, 9, 5, 5, 0, &r);
    check_conv(1, 17, 5, 5, 65, 3, 2, &r);
    check_conv(70, 2, 4, 5, 3, 3, 1, &r);          /* several groups */
    check_conv(3, 2, 6, 8, 1, 1, 0, &r);
    check_dense(1, 1, 1, &r);
    check_dense(3, 17, 5, &r);
    check_dense(17, 65, 3, &r);
    check_pool(&r);
    check_relu_dropout(&r);
    check_softmax(&r);
    check_net(&r, small_net, "conv, pool, dense, dropout");
    /* Winograd's 3x3 path (8 channels or more): even and odd outputs,
     * padding 0, 1 and 2, several tile groups, one filter and many. */
    check_conv(2, 8, 8, 8, 5, 3, 0, &r);
    check_conv(1, 9, 7, 6, 3, 3, 1, &r);
    check_conv(3, 16, 5, 9, 1, 3, 2, &r);
    check_conv(40, 8, 6, 7, 33, 3, 1, &r);
    check_net(&r, wino_net, "a Winograd conv after a direct one");
    /* One input channel, direct: a whole group of 32 filters and a
     * ragged one, with padding. */
    check_conv(2, 1, 8, 7, 33, 3, 1, &r);
    /* Batches unrolled in two chunks: the direct road and gemm's. */
    check_conv(150, 1, 8, 8, 4, 3, 1, &r);
    check_conv(3, 2, 28, 28, 3, 5, 0, &r);
    /* A batch of 16 or more goes through the transposed product. */
    check_dense(40, 330, 21, &r);
    check_conv(3, 8, 8, 8, 17, 3, 0, &r);          /* 6x6: fused pooling */
    check_conv(2, 12, 10, 10, 20, 3, 1, &r);       /* padded, pooled */
}

int
main(void)
{
    for_each_level(run_all);
    return tap_done();
}
