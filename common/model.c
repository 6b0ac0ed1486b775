/* model - see model.h. */
#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MAGIC "digits-model"
#define MAX_FILE (ARCH_MAX_PARAMS * 4 + ARCH_MAX_TEXT + 256)

static uint64_t
fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
#define FNV_START 0xcbf29ce484222325ULL

/* Reads all of fp into a new buffer (at most MAX_FILE bytes). */
static unsigned char *
slurp(FILE *fp, size_t *len, char *err)
{
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = xmalloc(cap);

    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE) {
                free(buf);
                snprintf(err, ERRLEN, "file too large for a model");
                return NULL;
            }
            cap *= 2;
            unsigned char *p = realloc(buf, cap);
            if (p == NULL)
                fatal(2, "out of memory reading the model");
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        free(buf);
        snprintf(err, ERRLEN, "read error: %s", strerror(errno));
        return NULL;
    }
    *len = n;
    return buf;
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
    if (digits == 0 || i >= len || buf[i] != '\n')
        return -1;
    *pos = i + 1;
    *value = v;
    return 0;
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
    if (version != MODEL_VERSION) {
        snprintf(err, ERRLEN, "model format version %llu, this program "
                 "reads version %d", version, MODEL_VERSION);
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
    if (header_line(buf, len, &pos, "params", &n_params) != 0) {
        snprintf(err, ERRLEN, "truncated or bad header (params line)");
        return -1;
    }
    if (n_params != m->arch.n_params) {
        snprintf(err, ERRLEN, "%llu parameters, the architecture needs %zu",
                 n_params, m->arch.n_params);
        return -1;
    }
    if ((len - pos) / 4 < n_params || len - pos - n_params * 4 < 26) {
        snprintf(err, ERRLEN, "truncated: %zu bytes after the header, "
                 "expected %llu", len - pos, n_params * 4 + 26);
        return -1;
    }
    if (len - pos - n_params * 4 > 26) {
        snprintf(err, ERRLEN, "%zu bytes of trailing data after the "
                 "checksum", len - pos - (size_t)n_params * 4 - 26);
        return -1;
    }
    return (int)pos;
}

static int
read_weights(struct model *m, const unsigned char *buf, size_t len,
             size_t pos, char *err)
{
    size_t n = m->arch.n_params, end = pos + n * 4;
    char hex[17];

    snprintf(hex, sizeof hex, "%016" PRIx64, fnv1a(FNV_START, buf, end));
    if (memcmp(buf + end, "checksum ", 9) != 0 ||
        memcmp(buf + end + 9, hex, 16) != 0 || buf[len - 1] != '\n') {
        snprintf(err, ERRLEN, "checksum mismatch: the file is corrupted");
        return -1;
    }
    m->params = xmalloc_array(n, sizeof(float));
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = buf + pos + i * 4;
        uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

        memcpy(&m->params[i], &u, 4);
        if (!isfinite(m->params[i])) {
            snprintf(err, ERRLEN, "parameter %zu is not a finite number", i);
            model_free(m);
            return -1;
        }
    }
    m->checksum = fnv1a(FNV_START, buf, end);
    memcpy(m->id, hex, MODEL_ID_LEN);
    m->id[MODEL_ID_LEN] = '\0';
    return 0;
}

int
model_load(struct model *m, FILE *fp, char *err)
{
    size_t len;
    unsigned char *buf;
    int pos;

    memset(m, 0, sizeof *m);
    if ((buf = slurp(fp, &len, err)) == NULL)
        return -1;
    pos = parse_model(m, buf, len, err);
    if (pos < 0 || read_weights(m, buf, len, (size_t)pos, err) != 0) {
        free(buf);
        memset(m, 0, sizeof *m);
        return -1;
    }
    free(buf);
    return 0;
}

int
model_load_path(struct model *m, const char *path, char *err)
{
    char why[ERRLEN];
    FILE *fp = fopen(path, "rb");
    int rc;

    if (fp == NULL) {
        snprintf(err, ERRLEN, "%.150s: %s", path, strerror(errno));
        return -1;
    }
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
    char text[ARCH_MAX_TEXT], head[ARCH_MAX_TEXT + 128];
    size_t tl = arch_format(text, sizeof text, &m->arch), n = m->arch.n_params;
    int hl = snprintf(head, sizeof head, MAGIC " %d\narch %zu\n%sparams %zu\n",
                      MODEL_VERSION, tl, text, n);
    unsigned char *buf = xmalloc((size_t)hl + n * 4 + 26);
    unsigned char *p = buf + hl;

    memcpy(buf, head, (size_t)hl);
    for (size_t i = 0; i < n; i++, p += 4) {
        uint32_t u;

        memcpy(&u, &m->params[i], 4);
        p[0] = (unsigned char)u, p[1] = (unsigned char)(u >> 8);
        p[2] = (unsigned char)(u >> 16), p[3] = (unsigned char)(u >> 24);
    }
    m->checksum = fnv1a(FNV_START, buf, (size_t)(p - buf));
    snprintf((char *)p, 27, "checksum %016" PRIx64 "\n", m->checksum);
    memcpy(m->id, (char *)p + 9, MODEL_ID_LEN);
    m->id[MODEL_ID_LEN] = '\0';
    *len = (size_t)(p - buf) + 26;
    return buf;
}

int
model_save(struct model *m, const char *path, char *err)
{
    size_t len, plen = strlen(path);
    unsigned char *buf = serialise(m, &len);
    char *tmp = xmalloc(plen + 16);
    int fd, ok;

    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err, ERRLEN, "%.150s: %s", tmp, strerror(errno));
        free(buf), free(tmp);
        return -1;
    }
    ok = write(fd, buf, len) == (ssize_t)len && fchmod(fd, 0644) == 0 &&
         fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, ERRLEN, "%.150s: %s", path, strerror(errno));
        unlink(tmp);
        free(buf), free(tmp);
        return -1;
    }
    free(buf), free(tmp);
    return 0;
}

void
model_free(struct model *m)
{
    free(m->params);
    memset(m, 0, sizeof *m);
}
