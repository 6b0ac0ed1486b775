/* test_model - the model file: a save/load round trip keeps every
 * parameter bit, and truncated, corrupted, wrong-version and foreign
 * files are refused with a reason, never loaded; a loaded model does not
 * change or crash when its file is rewritten in place. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "nn/model.h"
#include "nn/net.h"
#include "tap.h"

/* Reads all of path (at most cap bytes). */
static size_t
read_all(const char *path, unsigned char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    size_t n = fp != NULL ? fread(buf, 1, cap, fp) : 0;

    if (fp != NULL)
        fclose(fp);
    return n;
}

static void
write_all(const char *path, const unsigned char *buf, size_t n)
{
    FILE *fp = fopen(path, "wb");

    if (fp == NULL || fwrite(buf, 1, n, fp) != n || fclose(fp) != 0)
        fatal(2, "cannot write %s", path);
}

/* Loading the bytes buf[0..n) must fail with want in the message. */
static void
refuses(const unsigned char *buf, size_t n, const char *path,
        const char *want, const char *what)
{
    struct model m;
    char err[ERRLEN] = "";

    write_all(path, buf, n);
    ok(model_load_path(&m, path, err) == -1 && strstr(err, want) != NULL &&
       m.params == NULL, "%s: refused (%s)", what, err);
}

int
main(void)
{
    static const char spec[] = "conv 3 3\nrelu\nmaxpool 2\ndense 10\n";
    static unsigned char buf[1 << 16], copy[1 << 16];
    char path[] = "/tmp/test_model.XXXXXX", err[ERRLEN];
    struct arch a;
    struct model m, back;
    int fd = mkstemp(path);

    set_progname("test_model");
    if (fd < 0 || arch_parse(&a, spec, sizeof spec - 1, err) != 0)
        fatal(2, "setup failed");
    close(fd);
    model_init(&m, &a);
    net_init_params(m.params, &a, 5);
    ok(model_save(&m, path, err) == 0, "save");
    ok(model_load_path(&back, path, err) == 0 &&
       memcmp(back.params, m.params, a.n_params * 4) == 0 &&
       strcmp(back.id, m.id) == 0 && strlen(m.id) == MODEL_ID_LEN,
       "load gives every parameter back, same id %s", m.id);
    FILE *fp = fopen(path, "rb");
    struct model viafile;
    ok(fp != NULL && model_load(&viafile, fp, err) == 0 &&
       memcmp(viafile.params, m.params, a.n_params * 4) == 0 &&
       strcmp(viafile.id, m.id) == 0, "model_load from a stream: the same");
    if (fp != NULL)
        fclose(fp);
    model_free(&viafile);
    size_t n = read_all(path, buf, sizeof buf);
    char text[ARCH_MAX_TEXT], head[ARCH_MAX_TEXT + 64];
    size_t tl = arch_format(text, sizeof text, &a);
    int hl = snprintf(head, sizeof head, "digits-model 1\narch %zu\n%s"
                      "params %zu", tl, text, a.n_params);
    while ((hl + 1) % 64 != 0)
        head[hl++] = ' ';
    head[hl++] = '\n';
    ok(n == (size_t)hl + a.n_params * 4 + 26 && memcmp(buf, head, hl) == 0 &&
       memcmp(buf + n - 26, "checksum ", 9) == 0 && buf[n - 1] == '\n',
       "file layout: text header padded to 64 bytes, %zu float32, "
       "checksum line", a.n_params);
    model_free(&back);
    model_free(&back);
    ok(back.params == NULL, "model_free twice is safe");

    memcpy(copy, buf, n);
    refuses(buf, n - 1, path, "truncated", "one byte short");
    refuses(buf, n / 2, path, "truncated", "half a file");
    refuses(buf, 0, path, "bad magic", "empty file");
    copy[n - 60] ^= 0x40;
    refuses(copy, n, path, "checksum mismatch", "one flipped bit");
    memcpy(copy, buf, n);
    copy[strlen("digits-model ")] = '2';
    refuses(copy, n, path, "version 2", "format version 2");
    refuses((const unsigned char *)"P5\n28 28\n255\n", 13, path, "bad magic",
            "a PGM file");
    memcpy(copy, buf, n);
    copy[n + 3] = 'x';
    refuses(copy, n + 4, path, "trailing data", "extra bytes at the end");

    /* A file rewritten in place (cp over it) under a loaded model: the
     * model keeps its weights, and touching them does not crash (a
     * mapping of the file would give SIGBUS past the new end). */
    struct model held;
    write_all(path, buf, n);
    ok(model_load_path(&held, path, err) == 0, "load before a rewrite");
    memset(copy, 0x7f, n);
    write_all(path, copy, n);
    ok(memcmp(held.params, m.params, a.n_params * 4) == 0,
       "the file rewritten in place, the same size: weights unchanged");
    write_all(path, (const unsigned char *)"x", 1);
    ok(memcmp(held.params, m.params, a.n_params * 4) == 0,
       "... cut to one byte: weights unchanged, no SIGBUS");
    model_free(&held);
    unlink(path);
    model_free(&m);
    return tap_done();
}
