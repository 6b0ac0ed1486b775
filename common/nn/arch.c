/* arch - see arch.h. A hand-written line parser: the language is five
 * words, so a table of (word, argument count) is all the grammar there is. */
#include "nn/arch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mnist.h"
#include "core/util.h"

#define MAX_DIM 4096            /* filters or units per layer */
#define MAX_K 15

const char *
arch_kind_name(enum layer_kind k)
{
    switch (k) {
    case LAYER_CONV:    return "conv";
    case LAYER_MAXPOOL: return "maxpool";
    case LAYER_RELU:    return "relu";
    case LAYER_DENSE:   return "dense";
    case LAYER_DROPOUT: return "dropout";
    }
    return "?";
}

/* Splits line into at most max blank-separated words (in place). */
static int
split_words(char *line, char **words, int max)
{
    int n = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0')
            return n;
        if (n == max)
            return max + 1;
        words[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

/* "5" or "5x5" -> 5. */
static int
parse_kernel(long *k, const char *s)
{
    char buf[32];
    const char *x = strchr(s, 'x');

    if (x == NULL)
        return parse_long(k, s, 1, MAX_K);
    if ((size_t)(x - s) >= sizeof buf || strcmp(x + 1, "") == 0)
        return -1;
    memcpy(buf, s, (size_t)(x - s));
    buf[x - s] = '\0';
    if (strcmp(buf, x + 1) != 0)
        return -1;                      /* only square kernels */
    return parse_long(k, buf, 1, MAX_K);
}

/* Fills l's kind-specific fields from its words; shapes come later. */
static int
parse_layer(struct layer *l, char **w, int n, char *err)
{
    long v, pad = 0;
    char *end;

    memset(l, 0, sizeof *l);
    if (strcmp(w[0], "conv") == 0) {
        if ((n != 3 && n != 5) || parse_long(&v, w[1], 1, MAX_DIM) != 0 ||
            parse_kernel(&pad, w[2]) != 0)
            goto usage;
        l->kind = LAYER_CONV, l->F = (int)v, l->K = (int)pad, pad = 0;
        if (n == 5 && (strcmp(w[3], "pad") != 0 ||
                       parse_long(&pad, w[4], 0, MAX_K) != 0))
            goto usage;
        l->pad = (int)pad;
    } else if (strcmp(w[0], "maxpool") == 0) {
        if (n != 2 || parse_long(&v, w[1], 1, MAX_K) != 0)
            goto usage;
        l->kind = LAYER_MAXPOOL, l->K = (int)v;
    } else if (strcmp(w[0], "relu") == 0) {
        if (n != 1)
            goto usage;
        l->kind = LAYER_RELU;
    } else if (strcmp(w[0], "dense") == 0) {
        if (n != 2 || parse_long(&v, w[1], 1, MAX_DIM) != 0)
            goto usage;
        l->kind = LAYER_DENSE, l->F = (int)v;
    } else if (strcmp(w[0], "dropout") == 0) {
        double p = n == 2 ? strtod(w[1], &end) : -1.0;

        if (n != 2 || *end != '\0' || !(p >= 0.0 && p < 1.0))
            goto usage;
        l->kind = LAYER_DROPOUT, l->rate = (float)p;
    } else {
        snprintf(err, ERRLEN, "unknown layer '%.32s'", w[0]);
        return -1;
    }
    return 0;
usage:
    snprintf(err, ERRLEN, "bad arguments to '%s' (expected %s)", w[0],
             strcmp(w[0], "conv") == 0 ? "conv F K [pad P]" :
             strcmp(w[0], "dropout") == 0 ? "dropout P, 0 <= P < 1" :
             strcmp(w[0], "relu") == 0 ? "no arguments" : "one number");
    return -1;
}

/* Computes l's output shape and parameter count from its input shape. */
static int
shape_layer(struct layer *l, int C, int H, int W, char *err)
{
    l->C = C, l->H = H, l->W = W;
    l->n_in = (size_t)C * H * W;
    switch (l->kind) {
    case LAYER_CONV:
        l->OH = H + 2 * l->pad - l->K + 1;
        l->OW = W + 2 * l->pad - l->K + 1;
        if (l->pad >= l->K) {
            snprintf(err, ERRLEN, "conv: pad %d must be below kernel %d",
                     l->pad, l->K);
            return -1;
        }
        l->n_w = (size_t)l->F * l->K * l->K * C, l->n_b = (size_t)l->F;
        break;
    case LAYER_MAXPOOL:
        l->F = C, l->OH = H / l->K, l->OW = W / l->K;
        break;
    case LAYER_DENSE:
        l->OH = l->OW = 1;
        l->n_w = (size_t)l->F * C * H * W, l->n_b = (size_t)l->F;
        break;
    case LAYER_RELU:
    case LAYER_DROPOUT:
        l->F = C, l->OH = H, l->OW = W;
        break;
    }
    if (l->OH < 1 || l->OW < 1) {
        snprintf(err, ERRLEN, "%s: input %dx%d is too small",
                 arch_kind_name(l->kind), H, W);
        return -1;
    }
    l->n_out = (size_t)l->F * l->OH * l->OW;
    return 0;
}

/* Computes every shape and offset; checks the end result. */
static int
arch_finish(struct arch *a, char *err)
{
    int C = 1, H = MNIST_SIDE, W = MNIST_SIDE;
    char why[ERRLEN];

    a->n_params = 0;
    a->max_act = (size_t)H * W;
    for (int i = 0; i < a->n_layers; i++) {
        struct layer *l = &a->layers[i];

        if (shape_layer(l, C, H, W, why) != 0) {
            snprintf(err, ERRLEN, "layer %d: %.200s", i + 1, why);
            return -1;
        }
        l->off_w = a->n_params;
        l->off_b = l->off_w + l->n_w;
        a->n_params += l->n_w + l->n_b;
        if (a->n_params > ARCH_MAX_PARAMS || l->n_out > ARCH_MAX_PARAMS) {
            snprintf(err, ERRLEN, "layer %d: network too large", i + 1);
            return -1;
        }
        if (l->n_out > a->max_act)
            a->max_act = l->n_out;
        C = l->F, H = l->OH, W = l->OW;
    }
    if (a->n_layers == 0 || ((size_t)C * H * W != MNIST_CLASSES &&
                             (size_t)C * H * W != MNIST_OUTPUTS) ||
        a->layers[a->n_layers - 1].kind != LAYER_DENSE) {
        snprintf(err, ERRLEN, "the last layer must be 'dense %d' (the "
                 "digits) or 'dense %d' (and \"not a digit\")",
                 MNIST_CLASSES, MNIST_OUTPUTS);
        return -1;
    }
    a->n_classes = C * H * W;
    return 0;
}

int
arch_parse(struct arch *a, const char *text, size_t len, char *err)
{
    char line[256], why[ERRLEN], *words[6];
    size_t pos = 0;
    int lineno = 0;

    memset(a, 0, sizeof *a);
    if (len > ARCH_MAX_TEXT) {
        snprintf(err, ERRLEN, "spec longer than %d bytes", ARCH_MAX_TEXT);
        return -1;
    }
    while (pos < len) {
        size_t n = 0;

        lineno++;
        while (pos < len && text[pos] != '\n') {
            if (n + 1 >= sizeof line || text[pos] == '\0') {
                snprintf(err, ERRLEN, "line %d: %s", lineno,
                         n + 1 >= sizeof line ? "too long" : "NUL byte");
                return -1;
            }
            line[n++] = text[pos++];
        }
        pos++;
        line[n] = '\0';
        if (strchr(line, '#') != NULL)
            *strchr(line, '#') = '\0';
        int nw = split_words(line, words, 5);
        if (nw == 0)
            continue;
        if (a->n_layers == ARCH_MAX_LAYERS || nw > 5) {
            snprintf(err, ERRLEN, "line %d: %s", lineno,
                     nw > 5 ? "too many words" : "too many layers");
            return -1;
        }
        if (parse_layer(&a->layers[a->n_layers], words, nw, why) != 0) {
            snprintf(err, ERRLEN, "line %d: %.200s", lineno, why);
            return -1;
        }
        a->n_layers++;
    }
    return arch_finish(a, err);
}

size_t
arch_format(char *buf, size_t n, const struct arch *a)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < a->n_layers && len < n; i++) {
        const struct layer *l = &a->layers[i];
        int w = 0;

        switch (l->kind) {
        case LAYER_CONV:
            w = l->pad ? snprintf(buf + len, n - len, "conv %d %d pad %d\n",
                                  l->F, l->K, l->pad)
                       : snprintf(buf + len, n - len, "conv %d %d\n", l->F,
                                  l->K);
            break;
        case LAYER_MAXPOOL:
            w = snprintf(buf + len, n - len, "maxpool %d\n", l->K);
            break;
        case LAYER_RELU:
            w = snprintf(buf + len, n - len, "relu\n");
            break;
        case LAYER_DENSE:
            w = snprintf(buf + len, n - len, "dense %d\n", l->F);
            break;
        case LAYER_DROPOUT:
            w = snprintf(buf + len, n - len, "dropout %g\n", l->rate);
            break;
        }
        len += (size_t)w;
    }
    return len < n ? len : n - 1;
}

double
arch_flops_forward(const struct arch *a)
{
    double flops = 0.0;

    for (int i = 0; i < a->n_layers; i++) {
        const struct layer *l = &a->layers[i];

        if (l->kind == LAYER_CONV || l->kind == LAYER_DENSE)
            flops += 2.0 * (double)l->n_w * l->OH * l->OW;
    }
    return flops;
}
