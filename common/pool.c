/* pool - see pool.h. */
#include "pool.h"

#include <stddef.h>

void
maxpool_forward(float *y, int32_t *arg, const float *x, int N, int C, int H,
                int W, int S)
{
    int OH = H / S, OW = W / S;

    for (int n = 0; n < N; n++) {
        const float *xn = x + (size_t)n * H * W * C;

        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++)
                for (int c = 0; c < C; c++) {
                    size_t o = (((size_t)n * OH + oh) * OW + ow) * C + c;
                    int32_t best = (int32_t)(((oh * S) * W + ow * S) * C + c);

                    for (int i = 0; i < S; i++)
                        for (int j = 0; j < S; j++) {
                            int32_t at = (int32_t)(((oh * S + i) * W
                                                    + ow * S + j) * C + c);
                            if (xn[at] > xn[best])
                                best = at;
                        }
                    y[o] = xn[best];
                    arg[o] = best;
                }
    }
}

void
maxpool_backward(float *dx, const float *dy, const int32_t *arg, int N,
                 int C, int H, int W, int S)
{
    size_t per_out = (size_t)(H / S) * (W / S) * C;

    for (int n = 0; n < N; n++)
        for (size_t o = 0; o < per_out; o++)
            dx[(size_t)n * H * W * C + arg[n * per_out + o]] +=
                dy[n * per_out + o];
}
