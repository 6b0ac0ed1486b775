/* fuzz_arch - libFuzzer harness: any bytes as an architecture spec. A
 * spec that parses must format to text that parses to the same net. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/arch.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    struct arch a, b;
    char err[ERRLEN], text[ARCH_MAX_TEXT];

    if (arch_parse(&a, (const char *)data, n, err) != 0)
        return 0;
    size_t len = arch_format(text, sizeof text, &a);
    if (arch_parse(&b, text, len, err) != 0 || b.n_params != a.n_params)
        abort();
    return 0;
}
