/* fuzz_preproc - libFuzzer harness: any bytes as a small grey picture
 * (the first two bytes give its size) through preproc's whole method,
 * for one digit and for a number: the candidates of a number must be
 * runs of its slices that cover them all. */
#include <stdlib.h>

#include "core/mnist.h"
#include "core/util.h"
#include "img/preproc.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    uint8_t out[MNIST_SIDE * MNIST_SIDE];
    char err[ERRLEN];

    if (n < 3)
        return 0;
    int w = 1 + data[0] % 96, h = 1 + data[1] % 96;
    if ((size_t)w * h > n - 2)
        return 0;
    for (int pol = 0; pol < 3; pol++)
        preproc_image(out, data + 2, w, h, (enum preproc_polarity)pol, NULL,
                      err);
    static struct preproc_digit cand[PREPROC_MAX_IMAGES];
    int slices = 0;
    int k = preproc_split(cand, 1, &slices, data + 2, w, h, POLARITY_AUTO,
                          NULL, err);
    if (k == PREPROC_NO_INK)
        return 0;
    if (k < 1 || k > PREPROC_MAX_IMAGES || slices < 1 ||
        slices > PREPROC_MAX_DIGITS)
        abort();
    int covered[PREPROC_MAX_DIGITS] = { 0 };
    for (int i = 0; i < k; i++) {
        if (cand[i].first < 0 || cand[i].last > slices ||
            cand[i].first >= cand[i].last || !(cand[i].prior > 0.0f) ||
            cand[i].prior > 1.0f || cand[i].w < 1 || cand[i].h < 1 ||
            cand[i].x < 0 || cand[i].y < 0 || cand[i].x + cand[i].w > w ||
            cand[i].y + cand[i].h > h)
            abort();
        if (cand[i].last == cand[i].first + 1)
            covered[cand[i].first] = 1;
    }
    for (int s = 0; s < slices; s++)
        if (!covered[s])
            abort();
    return 0;
}
