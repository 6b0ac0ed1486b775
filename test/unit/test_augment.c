/* test_augment - the random generator's streams and the training-time
 * distortion: identity when every range is 0, bounded movement of the
 * ink's centre when shifting, and the same draw giving the same image. */
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "nn/augment.h"
#include "tap.h"

static void
centre(const uint8_t *img, double *cy, double *cx)
{
    double sum = 0, sy = 0, sx = 0;

    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            sum += img[y * 28 + x];
            sy += y * (double)img[y * 28 + x];
            sx += x * (double)img[y * 28 + x];
        }
    *cy = sy / sum, *cx = sx / sum;
}

int
main(void)
{
    struct rng a, b;
    uint8_t img[784] = { 0 }, out[784], out2[784];
    double mean = 0, cy0, cx0, worst = 0;
    int same = 1, in_range = 1;

    rng_init(&a, 1, 2, 3, 4);
    rng_init(&b, 1, 2, 3, 4);
    for (int i = 0; i < 1000; i++)
        same &= rng_next(&a) == rng_next(&b);
    ok(same, "same seed and ids: same stream");
    rng_init(&a, 1, 2, 3, 4);
    rng_init(&b, 1, 3, 2, 4);
    ok(rng_next(&a) != rng_next(&b), "ids in another order: another stream");
    for (int i = 0; i < 100000; i++) {
        float u = rng_uniform(&a);
        uint32_t k = rng_below(&a, 10);

        mean += u;
        in_range &= u >= 0.0f && u < 1.0f && k < 10;
    }
    ok(in_range && fabs(mean / 100000 - 0.5) < 0.01,
       "uniform in [0, 1) with mean 0.5 (%.4f); below(10) < 10",
       mean / 100000);

    for (int y = 8; y < 20; y++)                /* a 12x6 bar */
        for (int x = 11; x < 17; x++)
            img[y * 28 + x] = 255;
    centre(img, &cy0, &cx0);
    struct augment none = { 0, 0, 0 }, shift = { 2, 0, 0 };
    struct augment all = { 2, 10, 0.1f };
    augment_image(out, img, &none, &a);
    ok(memcmp(out, img, sizeof img) == 0,
       "all ranges 0: the image is unchanged");
    for (int i = 0; i < 200; i++) {
        double cy, cx;

        augment_image(out, img, &shift, &a);
        centre(out, &cy, &cx);
        worst = fmax(worst, fmax(fabs(cy - cy0), fabs(cx - cx0)));
    }
    ok(worst <= 2.01 && worst > 1.0, "shifts up to 2 px move the centre by at "
       "most 2 px (worst %.2f)", worst);
    rng_init(&a, 9, 0, 0, 0);
    rng_init(&b, 9, 0, 0, 0);
    augment_image(out, img, &all, &a);
    augment_image(out2, img, &all, &b);
    ok(memcmp(out, out2, sizeof out) == 0 && memcmp(out, img, sizeof img) != 0,
       "rotate+scale+shift: same draw, same image; and it does change it");
    return tap_done();
}
