/* test_arch - the architecture parser: shapes and parameter counts of
 * the shipped specs, canonical text round trip, and bad specs rejected
 * with the line number. */
#include <string.h>

#include "core/util.h"
#include "nn/arch.h"
#include "tap.h"

static int
parse(struct arch *a, const char *text, char *err)
{
    return arch_parse(a, text, strlen(text), err);
}

static void
check_bad(const char *text, const char *want)
{
    struct arch a;
    char err[ERRLEN] = "";

    ok(parse(&a, text, err) == -1 && strstr(err, want) != NULL,
       "rejected: %s (got: %s)", want, err);
}

int
main(void)
{
    struct arch a, b;
    char err[ERRLEN], text[ARCH_MAX_TEXT];
    /* The PyTorch example net; PyTorch counts 1,199,882 parameters. */
    const char *pt = "# comment\nconv 32 3x3\nrelu\nconv 64 3\n  relu  \n"
                     "maxpool 2\ndropout 0.25\n\ndense 128 # head\nrelu\n"
                     "dropout 0.5\ndense 10\n";

    ok(parse(&a, pt, err) == 0, "pytorch-example spec parses");
    ok(a.n_params == 1199882, "pytorch-example has 1,199,882 parameters "
       "(%zu)", a.n_params);
    ok(a.n_layers == 10 && a.layers[4].OH == 12 && a.layers[4].F == 64 &&
       a.layers[6].n_in == 9216, "shapes: pool out 12x12x64, dense in 9216");
    ok(arch_flops_forward(&a) == 2.0 * (26 * 26 * 32 * 9 + 24 * 24 * 64 * 288
                                        + 9216 * 128 + 1280),
       "forward FLOPs counted from the layers");
    size_t len = arch_format(text, sizeof text, &a);
    ok(parse(&b, text, err) == 0 && b.n_params == a.n_params &&
       memcmp(b.layers, a.layers, sizeof a.layers) == 0 &&
       strstr(text, "dropout 0.25\n") != NULL && len == strlen(text),
       "canonical text parses back to the same arch");
    ok(parse(&a, "conv 8 5 pad 2\nmaxpool 2\ndense 10", err) == 0 &&
       a.layers[0].OH == 28 && a.layers[1].OH == 14,
       "pad keeps 28x28; no trailing newline needed");

    check_bad("", "last layer must be 'dense 10'");
    check_bad("conv 8 3\n", "last layer must be 'dense 10'");
    check_bad("dense 10\nrelu\n", "last layer");
    check_bad("conv 8\n", "line 1: bad arguments to 'conv'");
    check_bad("relu\nconvolution 8 3\ndense 10", "line 2: unknown layer");
    check_bad("conv 8 3x5\ndense 10", "line 1: bad arguments");
    check_bad("conv 0 3\ndense 10", "line 1: bad arguments");
    check_bad("conv 8 3 pad 3\ndense 10", "pad 3 must be below kernel 3");
    check_bad("dropout 1\ndense 10", "line 1: bad arguments to 'dropout'");
    check_bad("dropout -0.1\ndense 10", "line 1: bad arguments to 'dropout'");
    check_bad("maxpool 2\nmaxpool 2\nmaxpool 2\nmaxpool 2\nmaxpool 2\n"
              "dense 10", "layer 5: maxpool: input 1x1 is too small");
    check_bad("dense 4096\ndense 4096\ndense 4096\ndense 4096\ndense 4096\n"
              "dense 4096\ndense 10", "network too large");
    check_bad("relu 3\ndense 10", "line 1: bad arguments to 'relu'");
    check_bad("dense 10 10\n", "line 1: bad arguments to 'dense'");
    check_bad("dense 1e1\n", "line 1: bad arguments to 'dense'");
    return tap_done();
}
