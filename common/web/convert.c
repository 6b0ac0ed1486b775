/* convert - see convert.h. */
#define _POSIX_C_SOURCE 200809L
#include "web/convert.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "img/pgmio.h"

/* The size a PNG's IHDR chunk declares, and the bytes a pixel takes
 * once decoded (libpng expands a palette to RGB, or RGBA with a
 * transparent colour: 4 is assumed). Returns 0, or -1 if the header is
 * not there. */
static int
png_size(uint64_t *w, uint64_t *h, unsigned *bpp, const uint8_t *b,
         size_t n)
{
    static const unsigned channels[7] = { 1, 0, 3, 4, 2, 0, 4 };

    if (n < 26 || memcmp(b + 12, "IHDR", 4) != 0)
        return -1;
    *w = (uint64_t)b[16] << 24 | (uint64_t)b[17] << 16 | b[18] << 8 | b[19];
    *h = (uint64_t)b[20] << 24 | (uint64_t)b[21] << 16 | b[22] << 8 | b[23];
    *bpp = (b[25] < 7 && channels[b[25]] != 0 ? channels[b[25]] : 4) *
           (b[24] == 16 ? 2 : 1);
    return 0;
}

/* The bytes a pixel takes in a decoder of the progressive JPEG frame
 * at b (n bytes): every coefficient is kept, 2 bytes each, for every
 * component at its own sampling (4:2:0 colour: 1.5 components). */
static unsigned
jpeg_coef_bytes(const uint8_t *b, size_t n)
{
    unsigned nc = b[9], hmax = 1, vmax = 1, sum = 0;

    if (nc == 0 || 10 + 3 * (size_t)nc > n)
        return 8;               /* unknown: the most, 4 components */
    for (unsigned c = 0; c < nc; c++) {
        unsigned hv = b[11 + 3 * c];

        hmax = (hv >> 4) > hmax ? hv >> 4 : hmax;
        vmax = (hv & 15) > vmax ? hv & 15 : vmax;
    }
    for (unsigned c = 0; c < nc; c++) {
        unsigned hv = b[11 + 3 * c];

        sum += (hv >> 4) * (hv & 15);
    }
    /* 2 bytes x sum / (hmax x vmax), rounded up */
    return (2 * sum + hmax * vmax - 1) / (hmax * vmax);
}

/* The size in a JPEG's first start-of-frame marker, and the bytes a
 * pixel may take in the decoder: a progressive frame (SOF2, 6, 10, 14)
 * keeps every coefficient; a sequential one decodes a few rows at a
 * time (0). Returns 0, or -1 when no frame header is found in the
 * segments. */
static int
jpeg_size(uint64_t *w, uint64_t *h, unsigned *bpp, const uint8_t *b,
          size_t n)
{
    size_t i = 2;

    while (i + 9 < n && b[i] == 0xff) {
        int m = b[i + 1];
        size_t len = (size_t)b[i + 2] << 8 | b[i + 3];

        if (m == 0xff) {                /* a fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
            i += 2;                     /* a marker with no length */
            continue;
        }
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
            *h = (uint64_t)b[i + 5] << 8 | b[i + 6];
            *w = (uint64_t)b[i + 7] << 8 | b[i + 8];
            *bpp = (m & 3) == 2 ? jpeg_coef_bytes(b + i, n - i) : 0;
            return 0;
        }
        if (len < 2)
            return -1;
        i += 2 + len;
    }
    return -1;
}


/* The converter's path: the first of PATH's folders (or the usual
 * ones) that holds an executable name. */
static int
find_tool(char *out, size_t cap, const char *name)
{
    const char *path = getenv("PATH");
    char dirs[1024];

    snprintf(dirs, sizeof dirs, "%s:/usr/local/bin:/usr/bin:/bin",
             path != NULL ? path : "");
    for (char *save, *d = strtok_r(dirs, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
        if (d[0] != '/')
            continue;
        if ((size_t)snprintf(out, cap, "%s/%s", d, name) < cap &&
            access(out, X_OK) == 0)
            return 0;
    }
    return -1;
}


/* The last line of what the converter said (its error, after any
 * notes), without its name, made safe to show: printable ASCII only. */
static void
child_message(char *msg, size_t cap, FILE *errf, const char *tool)
{
    char line[ERRLEN] = "", next[ERRLEN];
    size_t k = 0, tl = strlen(tool);

    rewind(errf);
    while (fgets(next, sizeof next, errf) != NULL)
        if (next[0] != '\n')
            memcpy(line, next, sizeof line);
    if (line[0] == '\0')
        snprintf(line, sizeof line, "not a valid image");
    const char *s = strncmp(line, tool, tl) == 0 && line[tl] == ':'
                    ? line + tl + 1 : line;
    while (*s == ' ')
        s++;
    for (; *s != '\0' && *s != '\n' && k + 1 < cap; s++)
        if (*s >= 0x20 && *s < 0x7f)
            msg[k++] = *s;
    msg[k] = '\0';
}

/* Starts tool with stdin from in, stdout to out_fd, stderr to errf,
 * under the limits of convert.h. */
static pid_t
spawn(const char *path, char *const argv[], FILE *in, int out_fd,
      FILE *errf)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    /* SIGXCPU at the soft limit ends it; the hard one is a backstop. */
    struct rlimit cpu = { CONVERT_CPU_SECONDS, CONVERT_CPU_SECONDS + 1 };
    struct rlimit mem = { CONVERT_MEMORY, CONVERT_MEMORY };
    struct rlimit fsize = { CONVERT_ERR_BYTES, CONVERT_ERR_BYTES };
    if (dup2(fileno(in), 0) < 0 || dup2(out_fd, 1) < 0 ||
        dup2(fileno(errf), 2) < 0 || setrlimit(RLIMIT_CPU, &cpu) != 0 ||
        setrlimit(RLIMIT_AS, &mem) != 0 ||
        setrlimit(RLIMIT_FSIZE, &fsize) != 0)
        _exit(126);
    execv(path, argv);
    _exit(127);
}

/* Reads the converter's one image from fd as grey, straight from the
 * pipe (never its whole PNM, which can take 6 bytes a pixel), into a
 * new buffer holding it as a raw PGM. Returns 0; 2 for more than
 * max_pixels; 1 when the stream is not an image (err says why). */
static int
read_grey(uint8_t **out, size_t *len, int fd, size_t max_pixels, char *err)
{
    FILE *fp = fdopen(fd, "rb");
    uint8_t *pix = NULL;
    char head[64];
    int w, h, rc;

    if (fp == NULL) {
        close(fd);
        snprintf(err, ERRLEN, "fdopen: %s", strerror(errno));
        return 1;
    }
    rc = pgmio_read_alloc(&pix, max_pixels, &w, &h, fp, err);
    fclose(fp);
    if (rc != 1) {
        if (rc == 0)
            snprintf(err, ERRLEN, "no image came out");
        return rc == -2 ? 2 : 1;
    }
    /* The header goes in front of the pixels in the same buffer: a
     * second copy of a big picture would double what it costs. */
    int hl = snprintf(head, sizeof head, "P5\n%d %d\n255\n", w, h);
    *len = (size_t)hl + (size_t)w * h;
    uint8_t *b = realloc(pix, *len);
    if (b == NULL)
        fatal(2, "out of memory for a converted image");
    memmove(b + hl, b, (size_t)w * h);
    memcpy(b, head, (size_t)hl);
    *out = b;
    return 0;
}

/* What became of the converter, once it is reaped: 0 converted; 2 too
 * costly; 1 not an image; -1 not run. rc is read_grey's. */
static int
verdict(int rc, int status, const char *path, const char *tool,
        const char *what, FILE *errf, const char *rerr, char *err)
{
    char msg[160];

    if (rc == 2) {
        snprintf(err, ERRLEN, "%s: %.200s", what, rerr);
        return 2;
    }
    if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) >= 126) {
        snprintf(err, ERRLEN, "%s could not be started", path);
        return -1;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
        snprintf(err, ERRLEN, "%s: the image takes more than %d s of CPU "
                 "to decode", what, CONVERT_CPU_SECONDS);
        return 2;
    }
    child_message(msg, sizeof msg, errf, tool);
    snprintf(err, ERRLEN, "%s: %.200s", what, rc != 0 &&
             !(WIFEXITED(status) && WEXITSTATUS(status) != 0) ? rerr : msg);
    return 1;
}

/* Runs the converter on the body in the file in. */
static int
run(uint8_t **out, size_t *out_len, FILE *in, FILE *errf,
    enum http_media kind, size_t max_pixels, char *err)
{
    static char *const png[] = { "pngtopam", "-mix", "-background=white",
                                 NULL };
    static char *const jpeg[] = { "jpegtopnm", NULL };
    char *const *argv = kind == MEDIA_PNG ? png : jpeg;
    char path[200], rerr[ERRLEN];
    int fds[2], status, rc;

    if (find_tool(path, sizeof path, argv[0]) != 0) {
        snprintf(err, ERRLEN, "%s is not installed (netpbm)", argv[0]);
        return -1;
    }
    if (pipe(fds) != 0) {
        snprintf(err, ERRLEN, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = spawn(path, argv, in, fds[1], errf);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        snprintf(err, ERRLEN, "fork: %s", strerror(errno));
        return -1;
    }
    rc = read_grey(out, out_len, fds[0], max_pixels, rerr);
    if (rc != 0)
        kill(pid, SIGKILL);     /* what it still writes is of no use */
    status = -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (status == -1) {
        free(*out), *out = NULL;
        snprintf(err, ERRLEN, "waitpid: %s", strerror(errno));
        return -1;
    }
    rc = verdict(rc, status, path, argv[0], kind == MEDIA_PNG ? "PNG"
                 : "JPEG", errf, rerr, err);
    if (rc != 0)
        free(*out), *out = NULL;
    return rc;
}

int
convert_to_pnm(uint8_t **out, size_t *out_len, const uint8_t *body,
               size_t n, enum http_media kind, size_t max_pixels,
               char *err)
{
    const char *what = kind == MEDIA_PNG ? "PNG" : "JPEG";
    uint64_t w = 0, h = 0;
    unsigned bpp = 0;
    int known = kind == MEDIA_PNG ? png_size(&w, &h, &bpp, body, n)
                                  : jpeg_size(&w, &h, &bpp, body, n);

    *out = NULL, *out_len = 0;
    if (known != 0) {
        /* No size to check: a decoder could be made to allocate for any
         * size it finds later, so the image is refused unread. */
        snprintf(err, ERRLEN, "%s: no image size found in the header", what);
        return 1;
    }
    if (w * h > max_pixels) {
        snprintf(err, ERRLEN, "%llux%llu is more than %zu pixels",
                 (unsigned long long)w, (unsigned long long)h, max_pixels);
        return 2;
    }
    if (w * h * bpp > CONVERT_DECODE_BYTES) {
        snprintf(err, ERRLEN, "%s: %llux%llu at %u bytes a pixel needs more "
                 "than the %llu MB a decoder may use", what,
                 (unsigned long long)w, (unsigned long long)h, bpp,
                 (unsigned long long)(CONVERT_DECODE_BYTES >> 20));
        return 2;
    }
    FILE *in = tmpfile(), *errf = tmpfile();
    if (in == NULL || errf == NULL || fwrite(body, 1, n, in) != n ||
        fflush(in) != 0 || fseek(in, 0, SEEK_SET) != 0) {
        snprintf(err, ERRLEN, "temporary file: %s", strerror(errno));
        if (in != NULL)
            fclose(in);
        if (errf != NULL)
            fclose(errf);
        return -1;
    }
    int rc = run(out, out_len, in, errf, kind, max_pixels, err);
    fclose(in), fclose(errf);
    return rc;
}
