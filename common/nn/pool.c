/* pool - see pool.h. */
#include "nn/pool.h"

#include <stddef.h>
#include <string.h>

#include "nn/kern.h"

void
maxpool_forward(float *y, int32_t *arg, const float *x, int N, int C, int H,
                int W, int S)
{
    KERN_DISPATCH(maxpool_forward, (y, arg, x, N, C, H, W, S));
    int OH = H / S, OW = W / S;

    for (int n = 0; n < N; n++) {
        const float *xn = x + (size_t)n * H * W * C;

        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++) {
                size_t o = (((size_t)n * OH + oh) * OW + ow) * C;
                float *yo = y + o;
                int32_t *ao = arg + o;

                /* Channels innermost: every step is a run of C floats,
                 * which the compiler turns into vector compares. The
                 * first maximum wins a tie (strict >). */
                for (int c = 0; c < C; c++) {
                    ao[c] = (int32_t)((oh * S * W + ow * S) * C + c);
                    yo[c] = xn[ao[c]];
                }
                for (int i = 0; i < S; i++)
                    for (int j = 0; j < S; j++) {
                        int32_t base = (int32_t)(((oh * S + i) * W
                                                  + ow * S + j) * C);

                        for (int c = 0; c < C; c++) {
                            float v = xn[base + c];

                            ao[c] = v > yo[c] ? base + c : ao[c];
                            yo[c] = v > yo[c] ? v : yo[c];
                        }
                    }
            }
    }
}

void
maxpool_backward(float *dx, const float *dy, const int32_t *arg, int N,
                 int C, int H, int W, int S)
{
    KERN_DISPATCH(maxpool_backward, (dx, dy, arg, N, C, H, W, S));
    size_t per_out = (size_t)(H / S) * (W / S) * C;
    size_t per_in = (size_t)H * W * C;

    for (int n = 0; n < N; n++) {
        float *dxn = dx + (size_t)n * per_in;

        memset(dxn, 0, per_in * sizeof *dxn);
        for (size_t o = 0; o < per_out; o++)
            dxn[arg[n * per_out + o]] += dy[n * per_out + o];
    }
}
