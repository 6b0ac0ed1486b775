/* model - see model.h. */
#define _POSIX_C_SOURCE 200809L
#include "nn/model.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bytes.h"
#include "core/mnist.h"
#include "core/stopsig.h"
#include "core/util.h"

#define MAGIC "digits-model"

/* The file's checksum: FNV-1a's xor-and-multiply step, run on 8-byte
 * little-endian words in four interleaved lanes (so the multiplies
 * overlap instead of waiting on each other: a byte-at-a-time FNV took
 * longer than the whole classification of an image), with a right shift
 * after each multiply so high bits reach low ones too. Every step is a
 * bijection, so any single changed word changes the result. The tail
 * (under 32 bytes) is folded in byte by byte, then the lanes are mixed. */
static uint64_t
checksum(const unsigned char *p, size_t n)
{
    uint64_t h[4] = { BYTES_FNV_OFFSET, 0x84222325cbf29ce4ULL,
                      0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL };
    size_t i = 0;

    for (; i + 32 <= n; i += 32)
        for (int j = 0; j < 4; j++) {
            h[j] = bytes_fnv1a(h[j], bytes_load_le64(p + i + 8 * (size_t)j));
            h[j] ^= h[j] >> 29;
        }
    h[0] = bytes_fnv1a_buf(h[0], p + i, n - i);
    for (int j = 1; j < 4; j++) {
        h[0] = bytes_fnv1a(h[0], h[j]);
        h[0] ^= h[0] >> 29;
    }
    return h[0] ^ (uint64_t)n;
}

/* The checksum of a file: the header's and the weights' checksums mixed,
 * so the weights can be read straight into their own array. */
static uint64_t
file_checksum(const unsigned char *head, size_t head_len,
              const float *params, size_t n_params)
{
    uint64_t h = checksum(head, head_len) * BYTES_FNV_PRIME;

    h ^= checksum((const unsigned char *)params, n_params * 4);
    return h ^ (h >> 29);
}

/* Weights are stored little-endian; on a big-endian host, swap them. */
static void
swap_if_big_endian(float *params, size_t n)
{
    if (bytes_little_endian())
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = (unsigned char *)&params[i], t;

        t = p[0], p[0] = p[3], p[3] = t;
        t = p[1], p[1] = p[2], p[2] = t;
    }
}

/* Reads "WORD NUMBER\n" at *pos; returns -1 if it is not there. */
static int
header_line(const unsigned char *buf, size_t len, size_t *pos,
            const char *word, unsigned long long *value)
{
    size_t wl = strlen(word), i = *pos;
    unsigned long long v = 0;
    int digits = 0;

    if (len - i < wl + 1 || memcmp(buf + i, word, wl) != 0 ||
        buf[i + wl] != ' ')
        return -1;
    for (i += wl + 1; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
        if (++digits > 12)
            return -1;
        v = v * 10 + (unsigned)(buf[i] - '0');
    }
    while (i < len && buf[i] == ' ')        /* alignment padding */
        i++;
    if (digits == 0 || i >= len || buf[i] != '\n')
        return -1;
    *pos = i + 1;
    *value = v;
    return 0;
}

/* The format version a model of arch a is written in: 1 for the ten
 * digits alone, 2 when its last output is "not a digit". A version 1
 * file stays byte for byte what it was, and a program that reads only
 * version 1 refuses a network whose answers it would misread. */
static int
model_version(const struct arch *a)
{
    return a->n_classes == MNIST_OUTPUTS ? 2 : 1;
}

static int
parse_model(struct model *m, const unsigned char *buf, size_t len,
            char *err)
{
    unsigned long long version, arch_len, n_params;
    size_t pos = 0;
    char why[ERRLEN];

    if (len < sizeof MAGIC || memcmp(buf, MAGIC " ", sizeof MAGIC) != 0) {
        snprintf(err, ERRLEN, "not a digits model file (bad magic)");
        return -1;
    }
    if (header_line(buf, len, &pos, MAGIC, &version) != 0) {
        snprintf(err, ERRLEN, "bad header (first line)");
        return -1;
    }
    if (version < 1 || version > MODEL_VERSION) {
        snprintf(err, ERRLEN, "model format version %llu, this program "
                 "reads versions 1 to %d", version, MODEL_VERSION);
        return -1;
    }
    if (header_line(buf, len, &pos, "arch", &arch_len) != 0 ||
        arch_len > len - pos) {
        snprintf(err, ERRLEN, "truncated or bad header (arch line)");
        return -1;
    }
    if (arch_parse(&m->arch, (const char *)buf + pos, arch_len, why) != 0) {
        snprintf(err, ERRLEN, "bad architecture in model: %.200s", why);
        return -1;
    }
    pos += arch_len;
    if ((int)version != model_version(&m->arch)) {
        snprintf(err, ERRLEN, "a version %llu model with %d classes: "
                 "version 1 has the %d digits, version 2 also \"not a "
                 "digit\"", version, m->arch.n_classes, MNIST_CLASSES);
        return -1;
    }
    if (header_line(buf, len, &pos, "params", &n_params) != 0) {
        snprintf(err, ERRLEN, "truncated or bad header (params line)");
        return -1;
    }
    if (n_params != m->arch.n_params) {
        snprintf(err, ERRLEN, "%llu parameters, the architecture needs %zu",
                 n_params, m->arch.n_params);
        return -1;
    }
    return (int)pos;
}

#define HEAD_MAX (ARCH_MAX_TEXT + 128)
#define TAIL_LEN 26                     /* "checksum " 16 hex digits "\n" */

/* Checks the checksum line tail (TAIL_LEN bytes) against the header
 * (pos bytes) and the little-endian weights; sets m->checksum and id. */
static int
check_sum(struct model *m, const unsigned char *head, size_t pos,
          const float *weights, const unsigned char *tail, char *err)
{
    char hex[17];

    m->checksum = file_checksum(head, pos, weights, m->arch.n_params);
    snprintf(hex, sizeof hex, "%016" PRIx64, m->checksum);
    if (memcmp(tail, "checksum ", 9) != 0 || memcmp(tail + 9, hex, 16) != 0 ||
        tail[TAIL_LEN - 1] != '\n') {
        snprintf(err, ERRLEN, "checksum mismatch: the file is corrupted");
        return -1;
    }
    memcpy(m->id, hex, MODEL_ID_LEN);
    m->id[MODEL_ID_LEN] = '\0';
    return 0;
}

/* Every weight must be a finite number. */
static int
check_weights(const struct model *m, char *err)
{
    uint32_t bad = 0;

    /* First a branch-free pass that vectorises (an exponent of all ones
     * is an infinity or a NaN); only a model that fails it is searched
     * for the index to report. */
    for (size_t i = 0; i < m->arch.n_params; i++) {
        uint32_t b;

        memcpy(&b, &m->params[i], sizeof b);
        bad |= (b & 0x7f800000u) == 0x7f800000u;
    }
    for (size_t i = 0; bad && i < m->arch.n_params; i++)
        if (!isfinite(m->params[i])) {
            snprintf(err, ERRLEN, "parameter %zu is not a finite number", i);
            return -1;
        }
    return 0;
}

/* Reads the weights and the checksum line that follow a header of pos
 * bytes, of which head[pos .. got) were already read. */
static int
read_weights(struct model *m, FILE *fp, const unsigned char *head,
             size_t got, size_t pos, char *err)
{
    size_t n = m->arch.n_params, have = got - pos, bytes = n * 4, tl;
    unsigned char tail[TAIL_LEN + 1];

    m->params = xmalloc_array(n, sizeof(float));
    if (have > bytes) {                 /* a tiny model: all in head */
        memcpy(m->params, head + pos, bytes);
        tl = have - bytes < sizeof tail ? have - bytes : sizeof tail;
        memcpy(tail, head + pos + bytes, tl);
    } else {
        memcpy(m->params, head + pos, have);
        if (fread((unsigned char *)m->params + have, 1, bytes - have, fp) !=
            bytes - have) {
            snprintf(err, ERRLEN, "truncated: the weights end early");
            return -1;
        }
        tl = 0;
    }
    tl += fread(tail + tl, 1, sizeof tail - tl, fp);
    if (tl != TAIL_LEN) {
        snprintf(err, ERRLEN, tl < TAIL_LEN ? "truncated: no checksum line"
                 : "trailing data after the checksum");
        return -1;
    }
    if (check_sum(m, head, pos, m->params, tail, err) != 0)
        return -1;
    swap_if_big_endian(m->params, n);
    return check_weights(m, err);
}

int
model_load(struct model *m, FILE *fp, char *err)
{
    unsigned char head[HEAD_MAX];
    size_t got;
    int pos;

    memset(m, 0, sizeof *m);
    got = fread(head, 1, sizeof head, fp);
    if (ferror(fp)) {
        snprintf(err, ERRLEN, "read error: %s", strerror(errno));
        return -1;
    }
    pos = parse_model(m, head, got, err);
    if (pos < 0 || read_weights(m, fp, head, got, (size_t)pos, err) != 0) {
        if (pos >= 0 && ferror(fp))
            snprintf(err, ERRLEN, "read error: %s", strerror(errno));
        model_free(m);
        return -1;
    }
    return 0;
}

/* Checks the weights of a file read whole into map (header already
 * parsed, pos bytes long) and points m->params at them, or at a copy if
 * they are not aligned or not little-endian. */
static int
use_mapping(struct model *m, unsigned char *map, size_t len, size_t pos,
            char *err)
{
    size_t n = m->arch.n_params;

    if (len - pos < n * 4 + TAIL_LEN) {
        snprintf(err, ERRLEN, "truncated: %zu bytes after the header, "
                 "expected %zu", len - pos, n * 4 + TAIL_LEN);
        return -1;
    }
    if (len - pos > n * 4 + TAIL_LEN) {
        snprintf(err, ERRLEN, "trailing data after the checksum");
        return -1;
    }
    if (check_sum(m, map, pos, (const float *)(map + pos), map + pos + n * 4,
                  err) != 0)
        return -1;
    if (pos % sizeof(float) == 0 && bytes_little_endian()) {
        m->params = (float *)(map + pos);
    } else {
        m->params = xmalloc_array(n, sizeof(float));
        memcpy(m->params, map + pos, n * 4);
        swap_if_big_endian(m->params, n);
    }
    return check_weights(m, err);
}

/* Reads the regular file fd, len bytes by its size, into a new buffer
 * of len + 1 bytes (to see one more come). Returns it, or NULL with the
 * reason in err. */
static unsigned char *
read_file(int fd, size_t len, char *err)
{
    unsigned char *buf = xmalloc(len + 1);
    size_t got = 0;

    while (got < len + 1) {
        ssize_t r = read(fd, buf + got, len + 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, ERRLEN, "read error: %s", strerror(errno));
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got != len) {           /* rewritten while we read: no longer len */
        snprintf(err, ERRLEN, "the file changed while it was read");
        free(buf);
        return NULL;
    }
    return buf;
}

/* model_load on the regular file fd of len bytes, read whole into
 * memory of our own: a mapping of the file would make every later
 * access depend on it, and a copy (cp) over the file in place would
 * then kill the reader with SIGBUS or change its weights under it. The
 * checksum covers what was read. */
static int
load_copied(struct model *m, int fd, size_t len, char *err)
{
    unsigned char *buf;
    int pos;

    memset(m, 0, sizeof *m);
    if ((buf = read_file(fd, len, err)) == NULL)
        return -1;
    pos = parse_model(m, buf, len < HEAD_MAX ? len : HEAD_MAX, err);
    if (pos < 0 || use_mapping(m, buf, len, (size_t)pos, err) != 0) {
        if ((unsigned char *)m->params != buf + (pos < 0 ? 0 : pos))
            free(m->params);
        free(buf);
        memset(m, 0, sizeof *m);
        return -1;
    }
    if ((unsigned char *)m->params == buf + pos)
        m->file_buf = buf;      /* the weights are used where they lie */
    else
        free(buf);
    return 0;
}

int
model_load_path(struct model *m, const char *path, char *err)
{
    char why[ERRLEN];
    struct stat st;
    FILE *fp = fopen(path, "rb");
    int rc;

    if (fp == NULL) {
        snprintf(err, ERRLEN, "%.150s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > 0 && (uint64_t)st.st_size <= (uint64_t)ARCH_MAX_PARAMS
        * 4 + HEAD_MAX + TAIL_LEN)
        rc = load_copied(m, fileno(fp), (size_t)st.st_size, why);
    else
        rc = model_load(m, fp, why);
    fclose(fp);
    if (rc != 0)
        snprintf(err, ERRLEN, "%.100s: %.150s", path, why);
    return rc;
}

void
model_init(struct model *m, const struct arch *a)
{
    memset(m, 0, sizeof *m);
    m->arch = *a;
    m->params = xcalloc(a->n_params, sizeof(float));
}

/* The whole file's bytes, in a new buffer. */
static unsigned char *
serialise(struct model *m, size_t *len)
{
    char text[ARCH_MAX_TEXT], head[HEAD_MAX];
    size_t tl = arch_format(text, sizeof text, &m->arch), n = m->arch.n_params;
    int hl = snprintf(head, sizeof head, MAGIC " %d\narch %zu\n%sparams %zu",
                      model_version(&m->arch), tl, text, n);

    while ((hl + 1) % 64 != 0)          /* weights 64-byte aligned */
        head[hl++] = ' ';
    head[hl++] = '\n';
    unsigned char *buf = xmalloc((size_t)hl + n * 4 + TAIL_LEN + 1);
    float *w = (float *)xmalloc_array(n, sizeof(float));

    memcpy(buf, head, (size_t)hl);
    memcpy(w, m->params, n * 4);
    swap_if_big_endian(w, n);           /* to little-endian bytes */
    memcpy(buf + hl, w, n * 4);
    m->checksum = file_checksum((unsigned char *)head, (size_t)hl, w, n);
    free(w);
    snprintf((char *)buf + hl + n * 4, TAIL_LEN + 1, "checksum %016" PRIx64
             "\n", m->checksum);
    memcpy(m->id, buf + hl + n * 4 + 9, MODEL_ID_LEN);
    m->id[MODEL_ID_LEN] = '\0';
    *len = (size_t)hl + n * 4 + TAIL_LEN;
    return buf;
}

/* Writes buf to a temporary file beside path, syncs it and renames it
 * over path. */
static int
write_atomically(const char *path, const unsigned char *buf, size_t len,
                 char *err)
{
    size_t plen = strlen(path);
    char *tmp = xmalloc(plen + 16);
    int fd, ok;

    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err, ERRLEN, "%.150s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    ok = write(fd, buf, len) == (ssize_t)len && fchmod(fd, 0644) == 0 &&
         fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, ERRLEN, "%.150s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int
model_save(struct model *m, const char *path, char *err)
{
    size_t len;
    unsigned char *buf = serialise(m, &len);
    sigset_t old;
    int rc;

    /* Ctrl-C or a kill during the write would leave the temporary file
     * behind: hold those signals until the rename is done (they are
     * delivered right after, with the new file complete). */
    stopsig_hold(&old);
    rc = write_atomically(path, buf, len, err);
    stopsig_release(&old);
    free(buf);
    return rc;
}

void
model_free(struct model *m)
{
    if (m->file_buf != NULL)
        free(m->file_buf);
    else
        free(m->params);
    memset(m, 0, sizeof *m);
}
