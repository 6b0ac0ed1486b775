/* mkmodel - a model file for tests whose weights are scaled:
 *
 *   mkmodel ARCH SCALE OUT
 *
 * initialises the net of the architecture file ARCH as cnn-train would
 * (seed 1), multiplies every parameter by SCALE and saves it to OUT. A
 * SCALE of 1e30 gives finite weights whose sums overflow. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "nn/arch.h"
#include "nn/model.h"
#include "nn/net.h"

int
main(int argc, char *argv[])
{
    char text[ARCH_MAX_TEXT], err[ERRLEN];
    struct arch a;
    struct model m;
    FILE *fp;
    size_t n;

    set_progname(argv[0]);
    if (argc != 4)
        fatal(1, "usage: mkmodel ARCH SCALE OUT");
    double scale = parse_real(argv[2], -1e38, 1e38, "SCALE");
    if ((fp = fopen(argv[1], "rb")) == NULL)
        fatal(1, "%s: cannot open", argv[1]);
    n = fread(text, 1, sizeof text, fp);
    fclose(fp);
    if (arch_parse(&a, text, n, err) != 0)
        fatal(1, "%s: %s", argv[1], err);
    model_init(&m, &a);
    net_init_params(m.params, &a, 1);
    for (size_t i = 0; i < a.n_params; i++)
        m.params[i] = (float)(m.params[i] * scale);
    if (model_save(&m, argv[3], err) != 0)
        fatal(2, "%s", err);
    model_free(&m);
    return 0;
}
