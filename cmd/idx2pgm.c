/* idx2pgm - write the images or labels of an MNIST IDX file as a PGM
 * stream (rank 3) or one decimal label per line (rank 1).
 *
 * Items are streamed one at a time, so memory stays at one image
 * whatever the file's size. A regular file's size is checked against its
 * header before anything is written; a pipe is checked as it is read. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netpbm/pam.h>

#include "core/util.h"
#include "img/idx.h"
#include "img/pgmio.h"

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s [--first N] [--count N] [FILE]\n", progname());
    if (fp == stdout)
        fputs("Write an IDX file's images as a PGM stream, or its labels "
              "one per line.\n"
              "  --first N   skip the first N items (default 0)\n"
              "  --count N   write at most N items (default all)\n"
              "  --help      show this help\n"
              "FILE defaults to standard input.\n", fp);
    exit(status);
}

/* Skips n items of size bytes: a seek on a file, reads on a pipe. */
static void
skip_items(FILE *fp, uint32_t n, size_t size, int regular)
{
    unsigned char buf[4096];
    uint64_t left = (uint64_t)n * size;

    if (regular && fseeko(fp, (off_t)left, SEEK_CUR) == 0)
        return;
    while (left > 0) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;

        if (fread(buf, 1, want, fp) != want)
            fatal(1, "truncated while skipping to item %u", n);
        left -= want;
    }
}

static void
write_item(const struct idx_header *h, const unsigned char *item)
{
    int rc = h->rank == 3 ? pgmio_write(stdout, item, (int)h->cols,
                                        (int)h->rows)
                          : (printf("%u\n", item[0]) < 0 ? -1 : 0);

    if (rc != 0)
        fatal(2, "write error: %s", strerror(errno));
}

int
main(int argc, char *argv[])
{
    static const struct option opts[] = {
        { "first", required_argument, NULL, 'f' },
        { "count", required_argument, NULL, 'n' },
        { "help",  no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    size_t first = 0, count = SIZE_MAX;
    char err[ERRLEN];
    struct idx_header h;
    struct stat st;
    const char *name;
    FILE *fp;
    int c, regular;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': first = parse_count(optarg, 0, UINT32_MAX, "--first"); break;
        case 'n': count = parse_count(optarg, 0, SIZE_MAX, "--count"); break;
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    if (argc - optind > 1)
        usage(stderr, 1);
    fp = open_input(argc - optind == 1 ? argv[optind] : NULL, &name);
    if (idx_read_header(&h, fp, err) != 0)
        fatal(1, "%s: %s", name, err);
    regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && idx_check_size(&h, (uint64_t)st.st_size, err) != 0)
        fatal(1, "%s: %s", name, err);
    if (first > h.n_items)
        fatal(1, "--first %zu: the file has only %u items", first, h.n_items);
    skip_items(fp, (uint32_t)first, h.item_size, regular);

    unsigned char *item = xmalloc(h.item_size);
    size_t last = count < h.n_items - first ? first + count : h.n_items;
    for (size_t i = first; i < last; i++) {
        if (fread(item, 1, h.item_size, fp) != h.item_size)
            fatal(1, "%s: truncated at item %zu of %u", name, i, h.n_items);
        write_item(&h, item);
    }
    if (last == h.n_items && getc(fp) != EOF)
        fatal(1, "%s: data after the last of %u items", name, h.n_items);
    free(item);
    finish_stdout();
    return 0;
}
