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

/* The dimensions a PNG's IHDR chunk declares: 0, or -1 if the header is
 * not there. */
static int
png_size(uint64_t *w, uint64_t *h, const uint8_t *b, size_t n)
{
    if (n < 24 || memcmp(b + 12, "IHDR", 4) != 0)
        return -1;
    *w = (uint64_t)b[16] << 24 | (uint64_t)b[17] << 16 | b[18] << 8 | b[19];
    *h = (uint64_t)b[20] << 24 | (uint64_t)b[21] << 16 | b[22] << 8 | b[23];
    return 0;
}

/* The dimensions in a JPEG's first start-of-frame marker: 0, or -1 when
 * none is found in the segments. */
static int
jpeg_size(uint64_t *w, uint64_t *h, const uint8_t *b, size_t n)
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

/* The first line of what the converter said, without its name, made
 * safe to show: printable ASCII only. */
static void
child_message(char *msg, size_t cap, FILE *errf, const char *tool)
{
    char line[ERRLEN] = "";
    size_t k = 0, tl = strlen(tool);

    rewind(errf);
    if (fgets(line, sizeof line, errf) == NULL)
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

/* Starts tool with stdin from in, stdout to out_fd, stderr to err. */
static pid_t
spawn(const char *path, char *const argv[], FILE *in, int out_fd,
      FILE *errf)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    struct rlimit cpu = { CONVERT_CPU_SECONDS, CONVERT_CPU_SECONDS };
    struct rlimit mem = { CONVERT_MEMORY, CONVERT_MEMORY };
    if (dup2(fileno(in), 0) < 0 || dup2(out_fd, 1) < 0 ||
        dup2(fileno(errf), 2) < 0 || setrlimit(RLIMIT_CPU, &cpu) != 0 ||
        setrlimit(RLIMIT_AS, &mem) != 0)
        _exit(126);
    execv(path, argv);
    _exit(127);
}

/* Reads fd to its end into a new buffer, at most cap bytes. Returns 0,
 * or 2 when there is more. */
static int
read_all(uint8_t **out, size_t *len, int fd, size_t cap)
{
    size_t size = 1 << 16;
    uint8_t *buf = xmalloc(size);

    *len = 0;
    for (;;) {
        if (*len == size) {
            if (size > cap)
                break;
            size = size > cap / 2 ? cap + 1 : size * 2;
            uint8_t *nb = realloc(buf, size);
            if (nb == NULL)
                fatal(2, "out of memory for a converted image");
            buf = nb;
        }
        ssize_t r = read(fd, buf + *len, size - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        *len += (size_t)r;
    }
    *out = buf;
    return *len > cap ? 2 : 0;
}

/* Runs the converter on the body in the file in. */
static int
run(uint8_t **out, size_t *out_len, FILE *in, FILE *errf,
    enum http_media kind, size_t cap, char *err)
{
    static char *const png[] = { "pngtopam", "-mix", "-background=white",
                                 NULL };
    static char *const jpeg[] = { "jpegtopnm", NULL };
    char *const *argv = kind == MEDIA_PNG ? png : jpeg;
    const char *what = kind == MEDIA_PNG ? "PNG" : "JPEG";
    char path[200], msg[160];
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
    rc = read_all(out, out_len, fds[0], cap);
    if (rc != 0)
        kill(pid, SIGKILL);
    close(fds[0]);
    status = -1;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (status == -1) {
        free(*out), *out = NULL;
        snprintf(err, ERRLEN, "waitpid: %s", strerror(errno));
        return -1;
    }
    if (rc != 0) {
        free(*out), *out = NULL;
        snprintf(err, ERRLEN, "the %s image is too large", what);
        return rc;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    free(*out), *out = NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) >= 126) {
        snprintf(err, ERRLEN, "%s could not be started", path);
        return -1;
    }
    if (WIFSIGNALED(status)) {
        snprintf(err, ERRLEN, "%s: the image took too long to decode", what);
        return 1;
    }
    child_message(msg, sizeof msg, errf, argv[0]);
    snprintf(err, ERRLEN, "%s: %s", what, msg);
    return 1;
}

int
convert_to_pnm(uint8_t **out, size_t *out_len, const uint8_t *body,
               size_t n, enum http_media kind, size_t max_pixels,
               char *err)
{
    uint64_t w = 0, h = 0;
    int known = kind == MEDIA_PNG ? png_size(&w, &h, body, n)
                                  : jpeg_size(&w, &h, body, n);

    *out = NULL, *out_len = 0;
    if (known != 0) {
        /* No size to check: a decoder could be made to allocate for any
         * size it finds later, so the image is refused unread. */
        snprintf(err, ERRLEN, "%s: no image size found in the header",
                 kind == MEDIA_PNG ? "PNG" : "JPEG");
        return 1;
    }
    if (w * h > max_pixels) {
        snprintf(err, ERRLEN, "%llux%llu is more than %zu pixels",
                 (unsigned long long)w, (unsigned long long)h, max_pixels);
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
    /* The most a PNM of max_pixels takes: 3 samples of 2 bytes. */
    int rc = run(out, out_len, in, errf, kind, max_pixels * 6 + 1024, err);
    fclose(in), fclose(errf);
    return rc;
}
