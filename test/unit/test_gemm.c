/* test_gemm - the blocked gemm against the reference triple loop, on
 * awkward sizes (1, 3, 17, 65 and sizes that cross every block edge),
 * all four transpose cases, overwrite and accumulate; and gemm with B
 * packed once (gemm_prepacked_b) against gemm, bit for bit. */
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "core/simd.h"
#include "core/util.h"
#include "nn/gemm.h"
#include "nn/kern.h"
#include "levels.h"
#include "tap.h"

static float
max_rel_diff(const float *x, const float *y, size_t n)
{
    float worst = 0.0f;

    for (size_t i = 0; i < n; i++) {
        float d = fabsf(x[i] - y[i]) / fmaxf(1.0f, fabsf(y[i]));

        if (!(d <= worst))
            worst = d;          /* also catches NaN */
    }
    return worst;
}

/* Random A (M x K) and B (K x N) in [-1, 1), and two equal random
 * starting Cs (M x N), for a fast and a second product to fill. */
struct operands {
    float *a, *b, *c, *d;
};

static struct operands
operands_new(int M, int N, int K, struct rng *r)
{
    size_t na = (size_t)M * K, nb = (size_t)K * N, nc = (size_t)M * N;
    struct operands o = { xmalloc_array(na, 4), xmalloc_array(nb, 4),
                          xmalloc_array(nc, 4), xmalloc_array(nc, 4) };

    for (size_t i = 0; i < na; i++)
        o.a[i] = rng_uniform(r) * 2 - 1;
    for (size_t i = 0; i < nb; i++)
        o.b[i] = rng_uniform(r) * 2 - 1;
    for (size_t i = 0; i < nc; i++)
        o.c[i] = o.d[i] = rng_uniform(r);
    return o;
}

static void
operands_free(struct operands *o)
{
    free(o->a), free(o->b), free(o->c), free(o->d);
}

static void
check(int M, int N, int K, int ta, int tb, int acc, float *ws,
      struct rng *r)
{
    struct operands o = operands_new(M, N, K, r);

    gemm(o.c, N, o.a, ta ? M : K, ta, o.b, tb ? K : N, tb, M, N, K, acc,
         ws);
    gemm_ref(o.d, N, o.a, ta ? M : K, ta, o.b, tb ? K : N, tb, M, N, K,
             acc);
    float e = max_rel_diff(o.c, o.d, (size_t)M * N);
    ok(e < 2e-5f * sqrtf((float)(K > 0 ? K : 1)),
       "gemm %dx%dx%d ta=%d tb=%d acc=%d matches reference (err %.2g)",
       M, N, K, ta, tb, acc, e);
    operands_free(&o);
}

/* gemm_prepacked_b with B packed once must give gemm's bits exactly. */
static void
check_prepacked(int M, int N, int K, int ta, int tb, float *ws,
                struct rng *r)
{
    struct operands o = operands_new(M, N, K, r);
    float *bp = xmalloc_array(gemm_packed_b_floats(K, N), 4);

    gemm_pack_b(bp, o.b, tb ? K : N, tb, K, N);
    gemm(o.c, N, o.a, ta ? M : K, ta, o.b, tb ? K : N, tb, M, N, K, 1, ws);
    gemm_prepacked_b(o.d, N, o.a, ta ? M : K, ta, bp, M, N, K, 1, ws);
    ok(memcmp(o.c, o.d, (size_t)M * N * sizeof *o.c) == 0,
       "gemm_prepacked_b %dx%dx%d ta=%d tb=%d: gemm's bits", M, N, K, ta,
       tb);
    operands_free(&o);
    free(bp);
}

/* The call reaches the forced level's copy: its panels are two of its
 * vectors wide, which a packed 1 x 1 B shows: 8 or 16 floats for avx2
 * and avx512, and for generic whatever this build's flags give (simd.h's
 * LANES, here as there). */
static void
check_level(void)
{
    static const size_t panel[KERN_LEVELS] = { 2 * LANES, 16, 32 };
    enum kern_level l = kern_active()->level;

    float bp[64], one = 1.0f;
    size_t written = 0;

    ok(gemm_packed_b_floats(1, 1) == panel[l], "gemm runs the %s copy "
       "(panels of %zu columns)", kern_level_name(l), panel[l]);
    for (size_t i = 0; i < 64; i++)
        bp[i] = NAN;
    gemm_pack_b(bp, &one, 1, 0, 1, 1);
    while (written < 64 && !isnan(bp[written]))
        written++;
    ok(written == panel[l], "gemm_pack_b runs the %s copy (wrote %zu "
       "floats)", kern_level_name(l), written);
}

/* BF16 products: gemm in that mode gives exactly gemm's bits on the
 * operands rounded first, with B as it is or packed once. */
static void
check_bf16(int M, int N, int K, int ta, int tb, float *ws, struct rng *r)
{
    struct operands o = operands_new(M, N, K, r);
    size_t na = (size_t)M * K, nb = (size_t)K * N;
    float *ra = xmalloc_array(na + 1, sizeof *ra);
    float *rb = xmalloc_array(nb + 1, sizeof *rb);
    float *bp = xmalloc_array(gemm_packed_b_floats(K, N), sizeof *bp);
    float *e = xmalloc_array((size_t)M * N + 1, sizeof *e);
    int lda = ta ? M : K, ldb = tb ? K : N;

    for (size_t i = 0; i < na; i++)
        ra[i] = gemm_bf16_round(o.a[i]);
    for (size_t i = 0; i < nb; i++)
        rb[i] = gemm_bf16_round(o.b[i]);
    gemm(o.d, N, ra, lda, ta, rb, ldb, tb, M, N, K, 0, ws);
    kern_bf16 = 1;
    gemm(o.c, N, o.a, lda, ta, o.b, ldb, tb, M, N, K, 0, ws);
    gemm_pack_b(bp, o.b, ldb, tb, K, N);
    gemm_prepacked_b(e, N, o.a, lda, ta, bp, M, N, K, 0, ws);
    kern_bf16 = 0;
    ok(memcmp(o.c, o.d, (size_t)M * N * sizeof *o.c) == 0 &&
       memcmp(e, o.d, (size_t)M * N * sizeof *e) == 0, "BF16 gemm %dx%dx%d "
       "ta=%d tb=%d: gemm's bits on rounded operands", M, N, K, ta, tb);
    gemm(e, N, o.a, lda, ta, o.b, ldb, tb, M, N, K, 0, ws);
    ok(memcmp(e, o.c, (size_t)M * N * sizeof *e) != 0, "... not the bits "
       "of float products (the mode was on)");
    operands_free(&o);
    free(ra), free(rb), free(bp), free(e);
}

/* Rounding to BF16: to nearest, ties to even, NaN kept, overflow to
 * infinity. */
static void
check_bf16_round(void)
{
    static const float in[] = { 1.0f, 1.0f + 0x1p-8f, 1.0f + 0x3p-8f,
                                -1.0f - 0x1.8p-8f, 0x1.fffffep127f };
    static const float want[] = { 1.0f, 1.0f, 1.0f + 0x1p-6f,
                                  -1.0f - 0x1p-7f, INFINITY };
    int good = 1;

    for (size_t i = 0; i < sizeof in / sizeof *in; i++)
        good &= gemm_bf16_round(in[i]) == want[i];
    ok(good && isnan(gemm_bf16_round(NAN)), "BF16 rounding: to nearest, "
       "ties to even, NaN kept, the largest float to infinity");
}

static void
run_all(void)
{
    static const int sizes[] = { 1, 3, 17, 65 };
    float *ws = gemm_ws_alloc();
    struct rng r;

    check_level();
    rng_init(&r, 42, 0, 0, 0);
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 4; i++)
            check(sizes[i], sizes[(i + 1) % 4], sizes[(i + 2) % 4], t & 1,
                  t >> 1, t == 3, ws, &r);
    /* Past MC (120), KC (256) and NR/MR edges at once. */
    for (int t = 0; t < 4; t++) {
        check(131, 70, 300, t & 1, t >> 1, 0, ws, &r);
        check(250, 33, 513, t & 1, t >> 1, 1, ws, &r);
    }
    check(5, 1100, 7, 0, 0, 0, ws, &r);          /* past NC (1024) */
    check(227, 64, 288, 0, 1, 1, ws, &r);        /* one 288-deep slice */
    check(13, 9, 9216, 1, 0, 1, ws, &r);         /* 29 slices of 318 */
    check(0, 5, 5, 0, 0, 0, ws, &r);             /* empty products */
    check(5, 0, 5, 0, 0, 0, ws, &r);
    check(4, 4, 0, 0, 0, 0, ws, &r);
    for (int t = 0; t < 4; t++)         /* ragged rows, columns, depth */
        check_prepacked(43, 37, 29, t & 1, t >> 1, ws, &r);
    check_prepacked(4, 64, 32, 0, 0, ws, &r);   /* fewer rows than MR */
    check_prepacked(2, 40, 9216, 0, 1, ws, &r); /* many slices, row by row */
    check_prepacked(9, 1100, 300, 1, 0, ws, &r);/* past NC, ragged rows */
    check_prepacked(1, 10, 128, 0, 1, ws, &r);  /* one image, last layer */
    check_bf16_round();
    for (int t = 0; t < 4; t++) {       /* few rows, ragged, many slices */
        check_bf16(3, 37, 29, t & 1, t >> 1, ws, &r);
        check_bf16(43, 70, 700, t & 1, t >> 1, ws, &r);
    }
    free(ws);
}

int
main(void)
{
    for_each_level(run_all);
    return tap_done();
}
