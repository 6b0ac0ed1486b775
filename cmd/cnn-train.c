/* cnn-train - train a convolutional network on a labelled 28x28 image
 * stream and write the model file after every epoch.
 *
 * Minibatch SGD with momentum, a cosine learning-rate schedule with a
 * short warm-up, optional random affine augmentation, and a batch split
 * across threads (common/nn/train.c). Everything random is drawn from
 * streams keyed by (seed, epoch, position) and every sum is made in a
 * fixed order, so one seed gives one model, byte for byte, whatever the
 * number of threads. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/mnist.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/stopsig.h"
#include "core/threads.h"
#include "core/util.h"
#include "img/dataset.h"
#include "img/pgmio.h"
#include "nn/augment.h"
#include "nn/infer.h"
#include "nn/kern.h"
#include "nn/train.h"

struct opts {
    const char *images, *labels, *arch, *init, *out, *val_images,
               *val_labels;
    int epochs, batch, threads, augment, cosine;
    float lr, momentum, decay, warmup;
    uint64_t seed;
};

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s --labels FILE [--images FILE] [--arch FILE | "
            "--init MODEL]\n       [--epochs N] [--batch-size N] [--lr X] "
            "[--seed N] [--threads N] [--augment]\n       [--val-images FILE "
            "--val-labels FILE] [--output FILE] [--bf16]\n", progname());
    if (fp == stdout)
        fputs("  --images FILE      training images, 28x28 PGM stream "
              "(default stdin)\n"
              "  --labels FILE      one label per line, image order: 0-9, "
              "or - (not a\n                     digit) for an arch that "
              "ends in dense 11\n"
              "  --arch FILE        architecture spec (default "
              "models/default.arch)\n"
              "  --init MODEL       start from this model's weights "
              "(fine-tune)\n"
              "  --epochs N         passes over the data (default 5)\n"
              "  --batch-size N     images per step (default 128)\n"
              "  --lr X             peak learning rate (default 0.01)\n"
              "  --momentum X       SGD momentum (default 0.9)\n"
              "  --weight-decay X   L2 decay of weights (default 0.0005)\n"
              "  --schedule S       cosine or constant (default cosine)\n"
              "  --warmup X         epochs of linear warm-up (default 0.2)\n"
              "  --seed N           random seed (default 1)\n"
              "  --threads N        worker threads (default: all cores)\n"
              "  --augment          random shifts, rotations and scaling\n"
              "  --bf16             BF16 products, float sums and weights "
              "(cnn-train(1))\n"
              "  --val-images FILE  validation images, scored every epoch\n"
              "  --val-labels FILE  their labels\n"
              "  --output FILE      the model, rewritten atomically after "
              "every epoch\n"
              "                     (default models/mnist.model)\n"
              "  --checkpoint-path FILE  the same as --output (the name the "
              "Python\n"
              "                     original used)\n"
              "  --help             show this help\n", fp);
    if (fp == stdout)
        kern_help(fp);
    exit(status);
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
    static const struct option lo[] = {
        { "images", 1, NULL, 'i' }, { "labels", 1, NULL, 'l' },
        { "arch", 1, NULL, 'a' }, { "init", 1, NULL, 'I' },
        { "epochs", 1, NULL, 'e' }, { "batch-size", 1, NULL, 'b' },
        { "lr", 1, NULL, 'r' }, { "momentum", 1, NULL, 'm' },
        { "weight-decay", 1, NULL, 'w' }, { "schedule", 1, NULL, 'S' },
        { "warmup", 1, NULL, 'W' }, { "seed", 1, NULL, 's' },
        { "threads", 1, NULL, 't' }, { "augment", 0, NULL, 'A' },
        { "bf16", 0, NULL, 'B' },
        { "val-images", 1, NULL, 'v' }, { "val-labels", 1, NULL, 'V' },
        { "output", 1, NULL, 'o' }, { "checkpoint-path", 1, NULL, 'o' },
        { "help", 0, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *o = (struct opts){ .epochs = 5, .batch = 128, .lr = 0.01f,
                        .momentum = 0.9f, .decay = 5e-4f, .warmup = 0.2f,
                        .seed = 1, .cosine = 1, .threads = threads_default(64),
                        .out = "models/mnist.model" };
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'i': o->images = optarg; break;
        case 'l': o->labels = optarg; break;
        case 'a': o->arch = optarg; break;
        case 'I': o->init = optarg; break;
        case 'e': o->epochs = (int)parse_count(optarg, 1, 10000, "--epochs");
                  break;
        case 'b': o->batch = (int)parse_count(optarg, 1, 4096, "--batch-size");
                  break;
        case 'r': o->lr = (float)parse_real(optarg, 0, 10, "--lr"); break;
        case 'm': o->momentum = (float)parse_real(optarg, 0, 0.999,
                                                  "--momentum"); break;
        case 'w': o->decay = (float)parse_real(optarg, 0, 1, "--weight-decay");
                  break;
        case 'S': if (strcmp(optarg, "cosine") != 0 &&
                      strcmp(optarg, "constant") != 0)
                      fatal(1, "--schedule: '%s' is not cosine or constant",
                            optarg);
                  o->cosine = strcmp(optarg, "cosine") == 0; break;
        case 'W': o->warmup = (float)parse_real(optarg, 0, 1e4, "--warmup");
                  break;
        case 's': o->seed = parse_count(optarg, 0, SIZE_MAX, "--seed"); break;
        case 't': o->threads = (int)parse_count(optarg, 1, 64, "--threads");
                  break;
        case 'A': o->augment = 1; break;
        case 'B': kern_bf16 = 1; break;
        case 'v': o->val_images = optarg; break;
        case 'V': o->val_labels = optarg; break;
        case 'o': o->out = optarg; break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (optind != argc || o->labels == NULL)
        usage(stderr, 1);
    if (o->arch != NULL && o->init != NULL)
        fatal(1, "--arch and --init: give one (a model carries its arch)");
    if ((o->val_images == NULL) != (o->val_labels == NULL))
        fatal(1, "--val-images and --val-labels go together");
    if (o->batch < o->threads)
        o->threads = o->batch;
}

/* A label "-" (not a digit) needs a network with that class. */
static void
check_labels(const struct dataset *d, const struct arch *a,
             const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->labels[i] >= a->n_classes)
            fatal(1, "%s: line %zu: '-' (not a digit), but the network has "
                  "only the %d digits: end the arch with 'dense %d'", name,
                  i + 1, MNIST_CLASSES, MNIST_OUTPUTS);
}

/* Reads a labelled set; images from stdin when path is NULL. */
static void
load_set(struct dataset *d, const char *images, const char *labels)
{
    char err[ERRLEN];
    const char *name;
    FILE *fp = open_input(images, &name);

    if (dataset_read_images(d, fp, err) != 0)
        fatal(1, "%s: %s", name, err);
    close_input(fp);
    if (d->n == 0)
        fatal(1, "%s: no images", name);
    fp = open_input(labels, NULL);
    if (dataset_read_labels(d, fp, err) != 0)
        fatal(1, "%s: %s", labels, err);
    close_input(fp);
}

static void
setup_model(struct model *m, const struct opts *o)
{
    char err[ERRLEN], text[ARCH_MAX_TEXT + 1];
    struct arch a;

    if (o->init != NULL) {
        if (model_load_path(m, o->init, err) != 0)
            fatal(1, "--init %s", err);
        return;
    }
    const char *path = o->arch != NULL ? o->arch : "models/default.arch";
    FILE *fp = open_input(path, NULL);
    size_t len = fread(text, 1, sizeof text, fp);
    close_input(fp);
    if (arch_parse(&a, text, len, err) != 0)
        fatal(1, "%s: %s", path, err);
    model_init(m, &a);
    net_init_params(m->params, &a, o->seed);
}

/* Learning rate at step t of T: linear warm-up, then cosine to zero. */
static float
lr_at(const struct opts *o, double t, double T, double per_epoch)
{
    double warm = o->warmup * per_epoch, f = 1.0;

    if (t < warm)
        f = (t + 1) / warm;
    else if (o->cosine && T > warm)
        f = 0.5 * (1.0 + cos(3.141592653589793 * (t - warm) / (T - warm)));
    return (float)(o->lr * f);
}

/* Fills the batch buffers with the images at order[lo .. lo+B). */
static void
gather(uint8_t *pix, uint8_t *lab, const struct dataset *d,
       const uint32_t *order, size_t lo, int B, const struct opts *o,
       int epoch)
{
    static const struct augment aug = { 2.0f, 10.0f, 0.1f };

    for (int i = 0; i < B; i++) {
        const uint8_t *src = d->pixels + (size_t)order[lo + i] * MNIST_PIXELS;
        struct rng r;

        lab[i] = d->labels[order[lo + i]];
        if (!o->augment) {
            memcpy(pix + (size_t)i * MNIST_PIXELS, src, MNIST_PIXELS);
            continue;
        }
        rng_init(&r, o->seed, 0xa06, (uint64_t)epoch, lo + (size_t)i);
        augment_image(pix + (size_t)i * MNIST_PIXELS, src, &aug, &r);
    }
}

static void
shuffle(uint32_t *order, size_t n, uint64_t seed, int epoch)
{
    struct rng r;

    rng_init(&r, seed, 0x5f1, (uint64_t)epoch, 0);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rng_below(&r, (uint32_t)(i + 1));
        uint32_t t = order[i];

        order[i] = order[j], order[j] = t;
    }
}

/* One pass over the data; returns the mean loss, sets *acc. */
static double
run_epoch(struct trainer *t, const struct dataset *d, const struct opts *o,
          int epoch, uint32_t *order, uint8_t *pix, uint8_t *lab, double *acc)
{
    size_t steps = (d->n + (size_t)o->batch - 1) / (size_t)o->batch;
    struct train_hyper h = { 0, o->momentum, o->decay, o->seed };
    double loss = 0.0, seen = 0.0, correct = 0.0;
    struct progress p;
    char label[32], status[96];

    snprintf(label, sizeof label, "epoch %d/%d", epoch + 1, o->epochs);
    progress_start(&p, label);
    shuffle(order, d->n, o->seed, epoch);
    for (size_t s = 0; s < steps; s++) {
        size_t lo = s * (size_t)o->batch, step = (size_t)epoch * steps + s;
        int B = (int)(d->n - lo < (size_t)o->batch ? d->n - lo
                                                   : (size_t)o->batch);
        int ok;

        gather(pix, lab, d, order, lo, B, o, epoch);
        h.lr = lr_at(o, (double)step, (double)o->epochs * (double)steps,
                     (double)steps);
        loss += trainer_step(t, pix, lab, B, step, &h, &ok);
        if (!isfinite(loss))
            fatal(2, "epoch %d step %zu: loss is not finite (try a lower "
                  "--lr)", epoch + 1, s + 1);
        seen += B, correct += ok;
        snprintf(status, sizeof status, "loss %.4f acc %.4f %.0f img/s",
                 loss / seen, correct / seen, seen / (now_seconds() - p.start));
        progress_update(&p, seen, (double)d->n, status);
    }
    progress_done(&p, status);
    *acc = correct / seen;
    return loss / seen;
}

/* One metric line: key value pairs, for grep and awk. */
static void
report(int epoch, double loss, double acc, double val, double secs,
       size_t n, const struct model *m)
{
    double flops = 3.0 * arch_flops_forward(&m->arch) * (double)n;

    printf("epoch %d loss %.5f train_acc %.5f", epoch, loss, acc);
    if (val >= 0.0)
        printf(" val_acc %.5f", val);
    printf(" images_per_s %.0f gflops %.2f seconds %.2f model %s\n",
           (double)n / secs, flops / secs * 1e-9, secs, m->id);
    if (fflush(stdout) != 0)
        fatal(2, "write error on standard output: %s", strerror(errno));
}

int
main(int argc, char *argv[])
{
    struct opts o;
    struct dataset train, val = { 0 };
    struct model m;
    struct trainer t;
    struct infer in;
    char err[ERRLEN];

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    parse_opts(&o, argc, argv);
    setup_model(&m, &o);
    load_set(&train, o.images, o.labels);
    check_labels(&train, &m.arch, o.labels);
    if (o.val_images != NULL) {
        load_set(&val, o.val_images, o.val_labels);
        check_labels(&val, &m.arch, o.val_labels);
    }
    trainer_init(&t, &m, o.threads, o.batch);
    infer_init(&in, &m, o.threads, 256);

    uint32_t *order = xmalloc_array(train.n, sizeof *order);
    uint8_t *pix = xmalloc_array((size_t)o.batch, MNIST_PIXELS);
    uint8_t *lab = xmalloc((size_t)o.batch);
    for (int e = 0; e < o.epochs; e++) {
        double t0 = now_seconds(), acc, val_acc = -1.0;
        double loss = run_epoch(&t, &train, &o, e, order, pix, lab, &acc);
        double secs = now_seconds() - t0;
        sigset_t held;

        if (val.n > 0)
            val_acc = infer_accuracy(&in, val.pixels, val.labels, val.n);
        /* A kill between the save and its line would leave a model on
         * disk that no line names: hold it until both are done. */
        stopsig_hold(&held);
        if (model_save(&m, o.out, err) != 0)
            fatal(2, "saving the checkpoint: %s", err);
        report(e + 1, loss, acc, val_acc, secs, train.n, &m);
        stopsig_release(&held);
    }
    free(order), free(pix), free(lab);
    infer_free(&in);
    trainer_free(&t);
    dataset_free(&train);
    dataset_free(&val);
    model_free(&m);
    finish_stdout();
    return 0;
}
