/* idx - see idx.h. */
#include "img/idx.h"

#include <string.h>

#include "core/util.h"

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int
idx_read_header(struct idx_header *h, FILE *fp, char *err)
{
    unsigned char b[16];

    memset(h, 0, sizeof *h);
    if (fread(b, 1, 4, fp) != 4) {
        snprintf(err, ERRLEN, "truncated header (no magic number)");
        return -1;
    }
    if (b[0] != 0 || b[1] != 0) {
        snprintf(err, ERRLEN, "bad magic %02x%02x%02x%02x (not an IDX file)",
                 b[0], b[1], b[2], b[3]);
        return -1;
    }
    if (b[2] != 0x08) {
        snprintf(err, ERRLEN, "data type 0x%02x, expected 0x08 (unsigned "
                 "byte)", b[2]);
        return -1;
    }
    if (b[3] != 1 && b[3] != 3) {
        snprintf(err, ERRLEN, "rank %d, expected 1 (labels) or 3 (images)",
                 b[3]);
        return -1;
    }
    h->rank = b[3];
    if (fread(b + 4, 4, (size_t)h->rank, fp) != (size_t)h->rank) {
        snprintf(err, ERRLEN, "truncated header (dimensions)");
        return -1;
    }
    h->n_items = be32(b + 4);
    h->rows = h->rank == 3 ? be32(b + 8) : 1;
    h->cols = h->rank == 3 ? be32(b + 12) : 1;
    if (h->rows == 0 || h->cols == 0 || h->rows > IDX_MAX_SIDE ||
        h->cols > IDX_MAX_SIDE) {
        snprintf(err, ERRLEN, "image size %ux%u out of range (1 to %d)",
                 h->cols, h->rows, IDX_MAX_SIDE);
        return -1;
    }
    h->item_size = (size_t)h->rows * h->cols;
    h->header_size = 4 + 4 * (size_t)h->rank;
    return 0;
}

int
idx_check_size(const struct idx_header *h, uint64_t file_size, char *err)
{
    uint64_t want = h->header_size + (uint64_t)h->n_items * h->item_size;

    if (file_size != want) {
        snprintf(err, ERRLEN, "header says %u items of %zu bytes (%llu bytes "
                 "in all), the file has %llu", h->n_items, h->item_size,
                 (unsigned long long)want, (unsigned long long)file_size);
        return -1;
    }
    return 0;
}
