/* augment - see augment.h. */
#include "nn/augment.h"

#include <math.h>

#include "core/rng.h"

#define SIDE 28

/* Bilinear sample of src at (y, x); outside the image is background 0. */
static float
sample(const uint8_t *src, float y, float x)
{
    int y0 = (int)floorf(y), x0 = (int)floorf(x);
    float fy = y - (float)y0, fx = x - (float)x0, v = 0.0f;

    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int yy = y0 + dy, xx = x0 + dx;
            float wgt = (dy ? fy : 1.0f - fy) * (dx ? fx : 1.0f - fx);

            if (yy >= 0 && yy < SIDE && xx >= 0 && xx < SIDE)
                v += wgt * (float)src[yy * SIDE + xx];
        }
    return v;
}

void
augment_image(uint8_t *dst, const uint8_t *src, const struct augment *p,
              struct rng *r)
{
    float angle = (2.0f * rng_uniform(r) - 1.0f) * p->max_rotate *
                  3.14159265f / 180.0f;
    float scale = 1.0f + (2.0f * rng_uniform(r) - 1.0f) * p->max_scale;
    float ty = (2.0f * rng_uniform(r) - 1.0f) * p->max_shift;
    float tx = (2.0f * rng_uniform(r) - 1.0f) * p->max_shift;
    float c = cosf(angle) / scale, s = sinf(angle) / scale;
    const float mid = (SIDE - 1) / 2.0f;

    /* Inverse map: for each output pixel, where it came from. */
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) {
            float oy = (float)y - mid - ty, ox = (float)x - mid - tx;
            float sy = c * oy - s * ox + mid, sx = s * oy + c * ox + mid;
            float v = sample(src, sy, sx) + 0.5f;

            dst[y * SIDE + x] = (uint8_t)(v > 255.0f ? 255.0f : v);
        }
}
