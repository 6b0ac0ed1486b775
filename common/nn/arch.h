/* arch - the network architecture: parsed from the short text spec of
 * models/NAME.arch, one layer per line:
 *
 *     conv F K [pad P]   F filters of KxK (K may be written KxK), stride 1
 *     maxpool S          SxS windows, stride S
 *     relu
 *     dense F            fully connected, F outputs
 *     dropout P          drop probability P in [0, 1) while training
 *
 * Blank lines and '#' comments are ignored. The input is one 28x28 grey
 * image; the last layer must produce 10 outputs (the digits' scores,
 * which softmax turns into probabilities) or 11 (the digits and "not a
 * digit", core/mnist.h). Every shape is computed and checked
 * here, once, so the kernels can trust them. Tensors are stored per image
 * as (H, W, C), channels last: a convolution's matrix product then writes
 * its output directly in the layout the next layer reads. */
#ifndef ARCH_H
#define ARCH_H

#include <stddef.h>

#define ARCH_MAX_LAYERS 32
#define ARCH_MAX_PARAMS ((size_t)64 << 20)   /* 64 Mi floats, 256 MB */
#define ARCH_MAX_TEXT 4096

enum layer_kind { LAYER_CONV, LAYER_MAXPOOL, LAYER_RELU, LAYER_DENSE,
                  LAYER_DROPOUT };

struct layer {
    enum layer_kind kind;
    int C, H, W;                /* input channels, height, width */
    int F, OH, OW;              /* output channels, height, width */
    int K, pad;                 /* conv kernel size and zero padding;
                                   maxpool window */
    float rate;                 /* dropout probability */
    size_t n_w, n_b;            /* weights and biases */
    size_t off_w, off_b;        /* their offsets in the parameter block */
    size_t n_in, n_out;         /* floats per image in and out */
};

struct arch {
    int n_layers;
    struct layer layers[ARCH_MAX_LAYERS];
    size_t n_params;            /* size of the parameter block */
    size_t max_act;             /* largest n_in or n_out of any layer */
    int n_classes;              /* MNIST_CLASSES, or MNIST_OUTPUTS with
                                 * the class "not a digit" */
};

/* Parses spec text (len bytes, not necessarily NUL-terminated). Returns 0,
 * or -1 with "line N: reason" in err (ERRLEN bytes). */
int arch_parse(struct arch *a, const char *text, size_t len, char *err);

/* Writes the canonical spec text of a into buf (size n, NUL-terminated).
 * Returns its length; parsing it gives back the same arch. */
size_t arch_format(char *buf, size_t n, const struct arch *a);

/* Multiply-adds times two of one image's forward pass. */
double arch_flops_forward(const struct arch *a);

const char *arch_kind_name(enum layer_kind k);

#endif
