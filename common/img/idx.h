/* idx - the IDX format of the original MNIST files: a 4-byte magic
 * (0, 0, type, rank), rank big-endian 32-bit dimensions, then the data.
 * We read unsigned bytes (type 0x08) of rank 1 (labels) or 3 (images). */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IDX_MAX_SIDE 4096

struct idx_header {
    int rank;                   /* 1 or 3 */
    uint32_t n_items;           /* first dimension */
    uint32_t rows, cols;        /* rank 3 only; 1 and 1 for rank 1 */
    size_t item_size;           /* bytes per item */
    size_t header_size;         /* bytes before the data */
};

/* Reads and checks the header at fp's position. Returns 0, or -1 with a
 * reason in err (ERRLEN bytes). */
int idx_read_header(struct idx_header *h, FILE *fp, char *err);

/* With file_size known (a regular file), checks that the data is exactly
 * n_items * item_size bytes. Returns 0, or -1 with a reason in err. */
int idx_check_size(const struct idx_header *h, uint64_t file_size,
                   char *err);

#endif
