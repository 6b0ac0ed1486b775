/* fuzz_model - libFuzzer harness: any bytes as a model file, read both
 * as a stream and through the mapped-file path. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/util.h"
#include "nn/model.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    struct model m;
    char err[ERRLEN], path[64];
    FILE *fp = fmemopen((void *)data, n, "rb");

    if (fp != NULL && n > 0) {
        if (model_load(&m, fp, err) == 0)
            model_free(&m);
        fclose(fp);
    }
    snprintf(path, sizeof path, "/tmp/fuzz_model.%ld", (long)getpid());
    fp = fopen(path, "wb");
    if (fp == NULL)
        return 0;
    fwrite(data, 1, n, fp);
    fclose(fp);
    if (model_load_path(&m, path, err) == 0)
        model_free(&m);
    unlink(path);
    return 0;
}
