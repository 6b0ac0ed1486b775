/* fuzz_text - libFuzzer harness: any bytes as a confmat line and as an
 * IDX header. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "eval/confusion.h"
#include "img/idx.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    char err[ERRLEN], *line = malloc(n + 1);
    struct idx_header h;
    int label, pred;
    double conf;
    FILE *fp;

    memcpy(line, data, n);
    line[n] = '\0';
    if (confusion_parse(&label, &pred, &conf, line, err) == 0 &&
        (label < 0 || label > 9 || pred < 0 || pred > 9 || conf > 1))
        abort();
    free(line);
    if (n > 0 && (fp = fmemopen((void *)data, n, "rb")) != NULL) {
        if (idx_read_header(&h, fp, err) == 0)
            idx_check_size(&h, n, err);
        fclose(fp);
    }
    return 0;
}
