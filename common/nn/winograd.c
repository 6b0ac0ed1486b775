/* winograd - see winograd.h. Index names: t a tile of the group, xi
 * = 4 i + j a position in the 4x4 transformed tile, c an input channel,
 * f a filter. Scratch layouts, each a stack of 16 matrices:
 *   U  [16][C][F]    transformed weights
 *   UP [16]          each U[xi] packed once per call as gemm's B: U[xi]
 *                    (C x F) forward, U[xi]^T (F x C) backward
 *   V  [16][TB][C]   transformed input patches (gemm's A, tiles x C)
 *   M  [16][TB][F]   products, or in backward dM, the output gradients
 *   dU [16][C][F], dV [16][TB][C]   their gradients */
#include "nn/winograd.h"

#include <string.h>

#include "core/simd.h"
#include "nn/gemm.h"
#include "nn/kern.h"

/* The transforms work on LANES channels (or filters) at once, in vector
 * registers where the compiler has them (simd.h's lanes); the last group
 * of a layer may fill only n_lanes of them. */
#define load_l lanes_load_n
#define store_l lanes_store_n

/* Fewer channels than this and the 16 products are too thin to pay. */
#define WINO_MIN_C 8

int
wino_applies(const struct conv_shape *s)
{
    /* U[xi], packed once, must be a single block of gemm's */
    return s->K == 3 && s->C >= WINO_MIN_C && s->C <= GEMM_KC &&
           s->F <= GEMM_KC;
}

/* Tiles per group: V and M of a group fill CONV_COL_FLOATS, a multiple of
 * the gemm kernel's rows. */
static int
group_tiles(const struct conv_shape *s)
{
    int tb = CONV_COL_FLOATS / (16 * (s->C + s->F));

    tb = tb / GEMM_MR * GEMM_MR;
    return tb < GEMM_MR ? GEMM_MR : tb;
}

/* Floats of U[xi] packed as gemm's B, for forward (C x F) and for
 * backward (U[xi]^T, F x C). */
static size_t
packed_floats(const struct conv_shape *s)
{
    size_t fwd = gemm_packed_b_floats(s->C, s->F);
    size_t bwd = gemm_packed_b_floats(s->F, s->C);

    return fwd > bwd ? fwd : bwd;
}

size_t
wino_buf_floats(const struct conv_shape *s)
{
    size_t tb = (size_t)group_tiles(s);

    /* U, U packed, V, M, and a row of zeros for patches past the edge */
    return 16 * ((size_t)s->C * s->F + packed_floats(s) +
                 tb * (s->C + s->F)) + (size_t)s->C;
}

size_t
wino_dbuf_floats(const struct conv_shape *s)
{
    return 16 * ((size_t)s->C * s->F + (size_t)group_tiles(s) * s->C);
}

/* U = G g G^T for every filter f and channel c; w is (F, 3, 3, C). */
static void
transform_weights(float *U, const float *w, const struct conv_shape *s)
{
    int C = s->C, F = s->F;

    for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++) {
            const float *wf = w + (size_t)f * 9 * C + c;
            float g[3][3], r[4][3];

            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    g[i][j] = wf[(i * 3 + j) * C];
            for (int j = 0; j < 3; j++) {           /* rows: G g */
                r[0][j] = g[0][j];
                r[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
                r[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
                r[3][j] = g[2][j];
            }
            for (int i = 0; i < 4; i++) {           /* columns: (G g) G^T */
                float *u = U + (size_t)(i * 4) * C * F + (size_t)c * F + f;
                size_t xi = (size_t)C * F;

                u[0] = r[i][0];
                u[xi] = 0.5f * (r[i][0] + r[i][1] + r[i][2]);
                u[2 * xi] = 0.5f * (r[i][0] - r[i][1] + r[i][2]);
                u[3 * xi] = r[i][2];
            }
        }
}

/* dw = G^T dU G for every filter and channel. */
static void
weight_gradient(float *dw, const float *dU, const struct conv_shape *s)
{
    int C = s->C, F = s->F;
    size_t xi = (size_t)C * F;

    for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++) {
            const float *u = dU + (size_t)c * F + f;
            float *wf = dw + (size_t)f * 9 * C + c;
            float r[3][4];

            for (int j = 0; j < 4; j++) {           /* rows: G^T dU */
                float u0 = u[j * xi], u1 = u[(4 + j) * xi];
                float u2 = u[(8 + j) * xi], u3 = u[(12 + j) * xi];

                r[0][j] = u0 + 0.5f * (u1 + u2);
                r[1][j] = 0.5f * (u1 - u2);
                r[2][j] = 0.5f * (u1 + u2) + u3;
            }
            for (int i = 0; i < 3; i++) {           /* columns: (.) G */
                wf[(i * 3 + 0) * C] = r[i][0] + 0.5f * (r[i][1] + r[i][2]);
                wf[(i * 3 + 1) * C] = 0.5f * (r[i][1] - r[i][2]);
                wf[(i * 3 + 2) * C] = 0.5f * (r[i][1] + r[i][2]) + r[i][3];
            }
        }
}

/* Where tile `tile` (counted over the whole batch) lies: its image, and
 * the top-left output it makes. */
static void
tile_place(int tile, const struct conv_shape *s, int *n, int *oh, int *ow)
{
    int th = (s->OH + 1) / 2, tw = (s->OW + 1) / 2;

    *n = tile / (th * tw);
    *oh = tile % (th * tw) / tw * 2;
    *ow = tile % tw * 2;
}

/* V[xi][t] = (B^T d B)[xi] for tiles t0 .. t0+nt, every channel. zero is
 * a row of C zeros, read for patch positions past the image's edge. */
static void
transform_input(float *V, int tb, const float *x, const float *zero,
                int t0, int nt, const struct conv_shape *s)
{
    int C = s->C;
    size_t xi = (size_t)tb * C;

    for (int t = 0; t < nt; t++) {
        const float *p[16];
        int n, oh, ow;

        tile_place(t0 + t, s, &n, &oh, &ow);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) {
                int ih = oh - s->pad + i, iw = ow - s->pad + j;

                p[i * 4 + j] = ih >= 0 && ih < s->H && iw >= 0 && iw < s->W
                    ? x + (((size_t)n * s->H + ih) * s->W + iw) * C : zero;
            }
        float *v = V + (size_t)t * C;

        for (int c = 0; c < C; c += LANES) {
            int n_lanes = C - c < LANES ? C - c : LANES;
            lanes d[16], r[16];

            for (int k = 0; k < 16; k++)
                d[k] = load_l(p[k] + c, n_lanes);
            for (int j = 0; j < 4; j++) {           /* rows: B^T d */
                r[j] = d[j] - d[8 + j];
                r[4 + j] = d[4 + j] + d[8 + j];
                r[8 + j] = d[8 + j] - d[4 + j];
                r[12 + j] = d[4 + j] - d[12 + j];
            }
            for (int i = 0; i < 4; i++) {           /* columns: (B^T d) B */
                const lanes *ri = r + 4 * i;
                float *vi = v + (size_t)(i * 4) * xi + c;

                store_l(vi, ri[0] - ri[2], n_lanes);
                store_l(vi + xi, ri[1] + ri[2], n_lanes);
                store_l(vi + 2 * xi, ri[2] - ri[1], n_lanes);
                store_l(vi + 3 * xi, ri[1] - ri[3], n_lanes);
            }
        }
    }
}

/* The tile's four outputs, y[0] top left to y[3] bottom right, from its
 * 16 products mm: (A^T M) A, plus the bias bf. */
static inline void
tile_outputs(lanes y[4], const lanes mm[16], lanes bf)
{
    lanes r[2][4];

    for (int j = 0; j < 4; j++) {               /* rows: A^T M */
        r[0][j] = mm[j] + mm[4 + j] + mm[8 + j];
        r[1][j] = mm[4 + j] - mm[8 + j] - mm[12 + j];
    }
    y[0] = r[0][0] + r[0][1] + r[0][2] + bf;    /* columns: (.) A */
    y[1] = r[0][1] - r[0][2] - r[0][3] + bf;
    y[2] = r[1][0] + r[1][1] + r[1][2] + bf;
    y[3] = r[1][1] - r[1][2] - r[1][3] + bf;
}

/* y = A^T M A + b for tiles t0 .. t0+nt, the outputs inside the image,
 * then fuse: a ReLU, or a ReLU and the max of the tile's four outputs
 * (a tile is a 2x2 pooling window, OH and OW even). The ReLU comes
 * first, as in the layers one by one: it makes a NaN 0, which the max
 * then passes over. */
static void
transform_output(float *y, const float *M, int tb, const float *b, int t0,
                 int nt, enum conv_fuse fuse, const struct conv_shape *s)
{
    int F = s->F, pooled = fuse == CONV_RELU_POOL2;
    int OH = pooled ? s->OH / 2 : s->OH, OW = pooled ? s->OW / 2 : s->OW;
    size_t xi = (size_t)tb * F;
    lanes zero = lanes_splat(0.0f);

    for (int t = 0; t < nt; t++) {
        int n, oh, ow;

        tile_place(t0 + t, s, &n, &oh, &ow);
        if (pooled)
            oh /= 2, ow /= 2;
        const float *m = M + (size_t)t * F;
        float *at[4];
        int right = ow + 1 < OW, below = oh + 1 < OH;

        at[0] = y + (((size_t)n * OH + oh) * OW + ow) * F;
        at[1] = right && !pooled ? at[0] + F : NULL;
        at[2] = below && !pooled ? at[0] + (size_t)OW * F : NULL;
        at[3] = right && below && !pooled ? at[0] + ((size_t)OW + 1) * F
                                          : NULL;
        for (int f = 0; f < F; f += LANES) {
            int n_lanes = F - f < LANES ? F - f : LANES;
            lanes mm[16], o[4];

            for (int k = 0; k < 16; k++)
                mm[k] = load_l(m + k * xi + f, n_lanes);
            tile_outputs(o, mm, load_l(b + f, n_lanes));
            for (int k = 0; k < 4 && fuse != CONV_PLAIN; k++)
                o[k] = lanes_max(o[k], zero);
            if (pooled)
                o[0] = lanes_max(lanes_max(o[0], o[1]),
                                 lanes_max(o[2], o[3]));
            for (int k = 0; k < 4; k++)
                if (k == 0 || at[k] != NULL)
                    store_l(at[k] + f, o[k], n_lanes);
        }
    }
}

/* dM[xi][t] = (A dY A^T)[xi], dY the tile's 2x2 output gradients (zero
 * for outputs past the image's edge). */
static void
transform_grad_output(float *dM, int tb, const float *dy, int t0, int nt,
                      const struct conv_shape *s)
{
    int F = s->F;
    size_t xi = (size_t)tb * F;

    for (int t = 0; t < nt; t++) {
        int n, oh, ow;

        tile_place(t0 + t, s, &n, &oh, &ow);
        const float *g00 = dy + (((size_t)n * s->OH + oh) * s->OW + ow) * F;
        int right = ow + 1 < s->OW, below = oh + 1 < s->OH;
        float *m = dM + (size_t)t * F;

        for (int f = 0; f < F; f += LANES) {
            int n_lanes = F - f < LANES ? F - f : LANES;
            lanes zero = load_l(g00, 0), g[4], r[4][2];

            g[0] = load_l(g00 + f, n_lanes);
            g[1] = right ? load_l(g00 + F + f, n_lanes) : zero;
            g[2] = below ? load_l(g00 + (size_t)s->OW * F + f, n_lanes) : zero;
            g[3] = right && below ? load_l(g00 + ((size_t)s->OW + 1) * F + f,
                                           n_lanes) : zero;
            for (int j = 0; j < 2; j++) {           /* rows: A dY */
                r[0][j] = g[j];
                r[1][j] = g[j] + g[2 + j];
                r[2][j] = g[j] - g[2 + j];
                r[3][j] = zero - g[2 + j];
            }
            for (int i = 0; i < 4; i++) {           /* columns: (A dY) A^T */
                float *mi = m + (size_t)(i * 4) * xi + f;

                store_l(mi, r[i][0], n_lanes);
                store_l(mi + xi, r[i][0] + r[i][1], n_lanes);
                store_l(mi + 2 * xi, r[i][0] - r[i][1], n_lanes);
                store_l(mi + 3 * xi, zero - r[i][1], n_lanes);
            }
        }
    }
}

/* dx += B dV B^T, each tile's 4x4 patch gradient added where the patch
 * lies inside the image. */
static void
transform_grad_input(float *dx, const float *dV, int tb, int t0, int nt,
                     const struct conv_shape *s)
{
    int C = s->C;
    size_t xi = (size_t)tb * C;

    for (int t = 0; t < nt; t++) {
        float *p[16];
        int n, oh, ow;

        tile_place(t0 + t, s, &n, &oh, &ow);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) {
                int ih = oh - s->pad + i, iw = ow - s->pad + j;
                int in = ih >= 0 && ih < s->H && iw >= 0 && iw < s->W;

                p[i * 4 + j] = in ? dx + (((size_t)n * s->H + ih) * s->W + iw)
                                         * C : NULL;
            }
        const float *v = dV + (size_t)t * C;

        for (int c = 0; c < C; c += LANES) {
            int n_lanes = C - c < LANES ? C - c : LANES;
            lanes vv[16], r[16], d[16], zero = load_l(v, 0);

            for (int k = 0; k < 16; k++)
                vv[k] = load_l(v + k * xi + c, n_lanes);
            for (int j = 0; j < 4; j++) {           /* rows: B dV */
                r[j] = vv[j];
                r[4 + j] = vv[4 + j] - vv[8 + j] + vv[12 + j];
                r[8 + j] = vv[4 + j] + vv[8 + j] - vv[j];
                r[12 + j] = zero - vv[12 + j];
            }
            for (int i = 0; i < 4; i++) {           /* columns: (B dV) B^T */
                const lanes *ri = r + 4 * i;

                d[4 * i] = ri[0];
                d[4 * i + 1] = ri[1] - ri[2] + ri[3];
                d[4 * i + 2] = ri[1] + ri[2] - ri[0];
                d[4 * i + 3] = zero - ri[3];
            }
            for (int k = 0; k < 16; k++)
                if (p[k] != NULL)
                    store_l(p[k] + c, load_l(p[k] + c, n_lanes) + d[k],
                            n_lanes);
        }
    }
}

static int
n_tiles(int N, const struct conv_shape *s)
{
    return N * ((s->OH + 1) / 2) * ((s->OW + 1) / 2);
}

size_t
wino_prep_floats(const struct conv_shape *s)
{
    return 16 * packed_floats(s);
}

void
wino_prepare(float *up, float *U, const float *w, const struct conv_shape *s)
{
    size_t np = packed_floats(s);

    transform_weights(U, w, s);
    for (int xi = 0; xi < 16; xi++)
        gemm_pack_b(up + xi * np, U + (size_t)xi * s->C * s->F, s->F, 0,
                    s->C, s->F);
}

void
wino_forward(float *y, float *buf, float *ws, const float *x,
             const float *w, const float *up, const float *b, int N,
             enum conv_fuse fuse, const struct conv_shape *s)
{
    KERN_DISPATCH(wino_forward, (y, buf, ws, x, w, up, b, N, fuse, s));
    int C = s->C, F = s->F, tb = group_tiles(s), T = n_tiles(N, s);
    size_t np = packed_floats(s);
    float *U = buf, *UP = U + (size_t)16 * C * F, *V = UP + 16 * np;
    float *M = V + (size_t)16 * tb * C, *zero = M + (size_t)16 * tb * F;

    memset(zero, 0, (size_t)C * sizeof *zero);
    if (up == NULL) {
        wino_prepare(UP, U, w, s);
        up = UP;
    }
    for (int t0 = 0; t0 < T; t0 += tb) {
        int nt = T - t0 < tb ? T - t0 : tb;

        transform_input(V, tb, x, zero, t0, nt, s);
        for (int xi = 0; xi < 16; xi++)     /* M[xi] = V[xi] U[xi] */
            gemm_prepacked_b(M + (size_t)xi * tb * F, F,
                             V + (size_t)xi * tb * C, C, 0, up + xi * np,
                             nt, F, C, 0, ws);
        transform_output(y, M, tb, b, t0, nt, fuse, s);
    }
}

void
wino_backward(float *dx, float *dw, float *buf, float *dbuf, float *ws,
              const float *dy, const float *x, const float *w, int N,
              const struct conv_shape *s)
{
    KERN_DISPATCH(wino_backward, (dx, dw, buf, dbuf, ws, dy, x, w, N, s));
    int C = s->C, F = s->F, tb = group_tiles(s), T = n_tiles(N, s);
    size_t np = packed_floats(s);
    float *U = buf, *UP = U + (size_t)16 * C * F, *V = UP + 16 * np;
    float *dM = V + (size_t)16 * tb * C, *zero = dM + (size_t)16 * tb * F;
    float *dU = dbuf, *dV = dU + (size_t)16 * C * F;

    memset(zero, 0, (size_t)C * sizeof *zero);
    if (dx != NULL) {       /* tile patches overlap: dx is summed into */
        memset(dx, 0, (size_t)N * s->H * s->W * C * sizeof *dx);
        transform_weights(U, w, s);
        for (int xi = 0; xi < 16; xi++)     /* U[xi]^T, F x C */
            gemm_pack_b(UP + xi * np, U + (size_t)xi * C * F, F, 1, F, C);
    }
    for (int t0 = 0; t0 < T; t0 += tb) {
        int nt = T - t0 < tb ? T - t0 : tb;

        transform_input(V, tb, x, zero, t0, nt, s);
        transform_grad_output(dM, tb, dy, t0, nt, s);
        for (int xi = 0; xi < 16; xi++) {
            const float *Vx = V + (size_t)xi * tb * C;
            const float *dMx = dM + (size_t)xi * tb * F;

            /* dU[xi] = V[xi]^T dM[xi] over the first group, += after */
            gemm(dU + (size_t)xi * C * F, F, Vx, C, 1, dMx, F, 0, C, F, nt,
                 t0 > 0, ws);
            if (dx != NULL)             /* dV[xi] = dM[xi] U[xi]^T */
                gemm_prepacked_b(dV + (size_t)xi * tb * C, C, dMx, F, 0,
                                 UP + xi * np, nt, C, F, 0, ws);
        }
        if (dx != NULL)
            transform_grad_input(dx, dV, tb, t0, nt, s);
    }
    weight_gradient(dw, dU, s);
}
