/* fuzz_number - libFuzzer harness: any bytes as a group line of
 * preproc --split --groups (number_parse_line), and, when it parses,
 * probabilities made of the rest for number_decode; a reading must
 * cover the slices in order. */
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"
#include "nn/number.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    char line[4096], err[ERRLEN];
    static struct number_cand c[NUMBER_MAX_IMAGES];
    int slices = 0;
    static float prob[NUMBER_MAX_IMAGES * MNIST_OUTPUTS];
    struct number_read r;

    size_t len = n < sizeof line - 1 ? n : sizeof line - 1;
    memcpy(line, data, len);
    line[len] = '\0';
    int k = number_parse_line(line, &slices, c, err);
    if (k <= 0)
        return 0;
    for (int i = 0; i < k * MNIST_OUTPUTS; i++)
        prob[i] = (float)data[(size_t)i % n] / 255.0f;
    if (number_decode(&r, c, prob, k, slices) != 0)
        return 0;
    int at = 0;
    for (int j = 0; j < r.n; j++) {
        if (c[r.chosen[j]].first != at)
            abort();
        at = c[r.chosen[j]].last;
    }
    if (at != slices)
        abort();
    return 0;
}
