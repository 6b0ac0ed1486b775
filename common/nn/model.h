/* model - the model file: the architecture spec and the trained weights.
 *
 *     digits-model V\n                    format name and version: 1 for
 *                                         the ten digits, 2 with the class
 *                                         "not a digit" (dense 11 last)
 *     arch BYTES\n                        then the canonical spec text
 *     params COUNT\n                      (padded with blanks so the weights
 *                                         start at a multiple of 64 bytes)
 *                                         then COUNT float32, little-endian
 *     checksum HEX16\n                    64-bit checksum of every byte before
 *                                         it (see checksum() in model.c)
 *
 * Text header lines so `head -c 200 x.model` tells a person what it is;
 * binary weights so loading 1M parameters takes a read, not a parse. The
 * checksum catches corruption and truncation; its first 12 hex digits
 * are the model's id in predictions and logs. Files are written to a
 * temporary name, fsync'd and renamed, so a reader sees the old or the
 * new model, never half of one. */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "nn/arch.h"

#define MODEL_VERSION 2         /* the newest read; see model_version */
#define MODEL_ID_LEN 12

struct model {
    struct arch arch;
    float *params;              /* arch.n_params floats */
    uint64_t checksum;
    char id[MODEL_ID_LEN + 1];
    void *file_buf;             /* the file's bytes params point into, */
                                /* or NULL if params were allocated */
};

/* Reads a model file. Returns 0, or -1 with a one-line reason in err
 * (ERRLEN bytes, owned by the caller); on -1 nothing needs freeing. */
int model_load(struct model *m, FILE *fp, char *err);
/* model_load on a named file. A regular file is read whole into memory
 * of our own in one read and the weights used where they lie there: a
 * file rewritten in place afterwards (cp over it) changes nothing for
 * a reader that has loaded it, and one rewritten during the load is
 * refused (checksum, or "the file changed"). */
int model_load_path(struct model *m, const char *path, char *err);

/* Makes m hold arch a with zeroed parameters (exits 2 on no memory). */
void model_init(struct model *m, const struct arch *a);

/* Writes m to path atomically and sets m->checksum and m->id. Returns 0,
 * or -1 with the reason in err (nothing is left at path's temp name). */
int model_save(struct model *m, const char *path, char *err);

/* Releases what model_load or model_init allocated and zeroes m (safe to
 * call twice). */
void model_free(struct model *m);

#endif
