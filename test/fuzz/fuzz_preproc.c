/* fuzz_preproc - libFuzzer harness: any bytes as a small grey picture
 * (the first two bytes give its size) through preproc's whole method. */
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
    return 0;
}
