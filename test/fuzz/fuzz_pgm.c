/* fuzz_pgm - libFuzzer harness: any bytes as an image stream, through
 * the reader every program uses (libnetpbm behind pgmio). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include <netpbm/pam.h>

#include "core/util.h"
#include "img/pgmio.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    char err[ERRLEN];
    uint8_t *pix;
    int w, h;
    FILE *fp;

    if (n == 0 || (fp = fmemopen((void *)data, n, "rb")) == NULL)
        return 0;
    pm_init("fuzz_pgm", 0);
    pgmio_init();
    for (int i = 0; i < 8; i++) {
        if (pgmio_read_alloc(&pix, (size_t)1 << 20, &w, &h, fp, err) != 1)
            break;
        free(pix);
    }
    fclose(fp);
    return 0;
}
