/* feedback - the feedback store (see feedback.h for the layout and the
 * crash rules). Writing: validate, hash, image to a temp file + fsync,
 * then under an fcntl lock on meta.csv: the image linked into place and
 * the row written with one pwrite() at the end + fsync. Reading: libcsv,
 * record by record, so a large store never has to fit in memory.
 *
 * Several web hosts may share one store over NFS, so nothing here trusts
 * what only one machine knows: POSIX fcntl locks rather than flock()
 * (they are in POSIX, and NFS carries them to the server); the row goes
 * at the size read under the lock, not through O_APPEND (which an NFS
 * client emulates from its own idea of the size); whether an image is
 * there already is the file server's answer to link(2), not a client's
 * cache of the folder; and temporary names hold the host's name and are
 * created with O_EXCL, never truncating another writer's file. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "core/bytes.h"
#include "core/mnist.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "store/feedback.h"

#define PATH_CAP 4096
#define ROW_CAP 1024            /* a row is < 400 bytes with every limit */
#define N_FIELDS 8
#define FIELD_CAP 256           /* longest field a valid row can hold */
#define HOST_CAP 65             /* room for the host's name in a temp name */

/* Writes a one-line reason into err (ERRLEN bytes), cut if too long. */
static void say(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
say(char *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, ERRLEN, fmt, ap);
    va_end(ap);
}

/* Formats into out (cap bytes); -1 if it did not fit. */
static int fmt(char *out, size_t cap, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
static int
fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    int n;

    va_start(ap, f);
    n = vsnprintf(out, cap, f, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* ---- checking values from the user ---- */

char
feedback_class_char(int k)
{
    return k == MNIST_NOT_DIGIT ? '-' : (char)('0' + k);
}

int
feedback_parse_digit(int *out, const char *s, const char *what, char *err)
{
    if (((s[0] < '0' || s[0] > '9') && s[0] != '-') || s[1] != '\0') {
        say(err, "%s: must be one digit 0-9, or - for not a digit", what);
        return -1;
    }
    *out = s[0] == '-' ? MNIST_NOT_DIGIT : s[0] - '0';
    return 0;
}

int
feedback_parse_confidence(char *out, const char *s, char *err)
{
    char *end;
    double v;
    size_t n = strlen(s);

    /* Digits and one '.' only: strtod alone would take " 1", "1e0",
     * "nan" and "0x1". */
    if (n == 0 || n > 12 || strspn(s, "0123456789.") != n) {
        say(err, "confidence: must be a number from 0 to 1");
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
        say(err, "confidence: must be a number from 0 to 1");
        return -1;
    }
    snprintf(out, 16, "%.6f", v);
    return 0;
}

int
feedback_check_source(const char *s, char *err)
{
    size_t n = strnlen(s, FEEDBACK_SOURCE_MAX + 1);

    if (n == 0 || n > FEEDBACK_SOURCE_MAX) {
        say(err, "source: must be 1 to %d characters",
                 FEEDBACK_SOURCE_MAX);
        return -1;
    }
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
        say(err, "source: must start with a letter");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e) {
            say(err, "source: character %zu is a control "
                     "or non-ASCII byte", i + 1);
            return -1;
        }
        if (strchr(";$`|&<>(){}[]\\!*?~=%", c) != NULL) {
            say(err, "source: character %zu ('%c') is not "
                     "allowed", i + 1, c);
            return -1;
        }
    }
    return 0;
}

int
feedback_check_model(const char *s, char *err)
{
    size_t n = strnlen(s, FEEDBACK_MODEL_MAX + 1);

    if (n == 0 || n > FEEDBACK_MODEL_MAX ||
        strspn(s, "0123456789abcdefABCDEF") != n) {
        say(err, "model id: must be 1 to %d hex digits",
                 FEEDBACK_MODEL_MAX);
        return -1;
    }
    return 0;
}

/* ---- writing ---- */

/* FNV-1a, 64 bits, over the label and the pixels: the record's id. */
static void
content_id(char *id, int label, const uint8_t *pix)
{
    uint64_t h = bytes_fnv1a(BYTES_FNV_OFFSET, (uint64_t)label);

    h = bytes_fnv1a_buf(h, pix, MNIST_PIXELS);
    snprintf(id, FEEDBACK_ID_LEN + 1, "%016llx", (unsigned long long)h);
}

static int
make_dir(const char *path, char *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        say(err, "%s: cannot create: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* fsync a directory so a rename or a new entry in it survives a crash. */
static int
sync_dir(const char *path, char *err)
{
    int fd = open(path, O_RDONLY), ok;

    if (fd < 0) {
        say(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    ok = fsync(fd) == 0 || errno == EINVAL;  /* some fs cannot sync dirs */
    close(fd);
    if (!ok)
        say(err, "%s: fsync: %s", path, strerror(errno));
    return ok ? 0 : -1;
}

/* This machine's name as it may stand in a file name: letters, digits,
 * '-' and '.' kept, anything else '_', at most HOST_CAP - 1 bytes. */
static void
host_name(char *out)
{
    if (gethostname(out, HOST_CAP) != 0 || out[0] == '\0')
        snprintf(out, HOST_CAP, "host");
    out[HOST_CAP - 1] = '\0';
    for (char *c = out; *c != '\0'; c++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789-.", *c) == NULL)
            *c = '_';
}

/* Creates images/.tmp-ID-HOST-PID-N for writing, the first N that no
 * one holds: a process id alone repeats across the hosts that share a
 * store (and across containers), and O_EXCL means another writer's file
 * is never opened, let alone truncated. Its path in tmp. */
static int
create_temp(char *tmp, const char *images, const char *id, char *err)
{
    char host[HOST_CAP];
    int fd = -1;

    host_name(host);
    for (int n = 0; n < 100 && fd < 0; n++) {
        fmt(tmp, PATH_CAP, "%s/.tmp-%s-%s-%ld-%d", images, id, host,
            (long)getpid(), n);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;          /* the failure's, for feedback_add's caller */
        say(err, "%s: cannot create: %s", tmp, strerror(e));
        errno = e;
    }
    return fd;
}

/* Writes the image to a new temporary file (create_temp), synced. */
static int
write_temp_image(char *tmp, const char *images, const char *id,
                 const uint8_t *pix, char *err)
{
    int fd = create_temp(tmp, images, id, err);
    FILE *fp;
    int ok;

    if (fd < 0)
        return -1;
    if ((fp = fdopen(fd, "wb")) == NULL) {
        int e = errno;
        say(err, "%s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    ok = pgmio_write(fp, pix, MNIST_SIDE, MNIST_SIDE) == 0 &&
         fflush(fp) == 0 && fsync(fd) == 0;
    int e = errno;              /* the failure's, for feedback_add's caller */
    if (!ok)
        say(err, "%s: write: %s", tmp, strerror(errno));
    if (fclose(fp) != 0 && ok) {
        e = errno;
        say(err, "%s: close: %s", tmp, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp);
    errno = e;
    return ok ? 0 : -1;
}

/* Opens meta.csv and waits for the write lock on it. */
static int
lock_meta(const char *path, char *err)
{
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd = open(path, O_RDWR | O_CREAT, 0666);

    if (fd < 0) {
        say(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    while (fcntl(fd, F_SETLKW, &lk) != 0) {
        if (errno == EINTR)
            continue;
        say(err, "%s: lock: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* A crash in the middle of an append leaves a row without its newline:
 * cut the file back to the end of its last whole line. Sets *size to
 * the size after that. A torn row is under ROW_CAP bytes, so the last
 * ROW_CAP bytes always hold the previous newline. */
static int
cut_torn_row(int fd, off_t *size, char *err)
{
    char buf[ROW_CAP];
    struct stat st;
    off_t from;
    ssize_t got;

    if (fstat(fd, &st) != 0)
        goto fail;
    *size = st.st_size;
    if (*size == 0)
        return 0;
    from = *size > ROW_CAP ? *size - ROW_CAP : 0;
    got = pread(fd, buf, (size_t)(*size - from), from);
    if (got != *size - from)
        goto fail;
    if (buf[got - 1] == '\n')
        return 0;
    while (got > 0 && buf[got - 1] != '\n')
        got--;
    if (got == 0 && from > 0) {
        say(err, "meta.csv: the last row is damaged and longer "
                 "than any row we write; repair it by hand");
        return -1;
    }
    *size = from + got;
    if (ftruncate(fd, *size) != 0)
        goto fail;
    return 0;
fail:
    say(err, "meta.csv: %s", strerror(errno ? errno : EIO));
    return -1;
}

/* 1 if a row of meta.csv starts with id, 0 if none does, -1 on error. */
static int
meta_has_id(int fd, off_t size, const char *id)
{
    char buf[65536 + FEEDBACK_ID_LEN + 1];
    size_t keep = 0;                 /* bytes carried from the last block */
    int at_line_start = 1;
    off_t pos = 0;

    while (pos < size) {
        size_t want = (size_t)(size - pos) < 65536 ? (size_t)(size - pos)
                                                   : 65536;
        ssize_t got = pread(fd, buf + keep, want, pos);
        if (got <= 0)
            return -1;
        pos += got;
        size_t end = keep + (size_t)got, i = 0;
        for (; i < end; i++) {
            if (at_line_start) {
                if (end - i <= FEEDBACK_ID_LEN && pos < size)
                    break;                 /* need the rest of this id */
                if (end - i > FEEDBACK_ID_LEN &&
                    memcmp(buf + i, id, FEEDBACK_ID_LEN) == 0 &&
                    buf[i + FEEDBACK_ID_LEN] == ',')
                    return 1;
            }
            at_line_start = buf[i] == '\n';
        }
        keep = end - i;
        memmove(buf, buf + i, keep);
    }
    return 0;
}

/* The CSV row of rec, newline-terminated; returns its length. */
static size_t
format_row(char *row, const struct feedback_record *rec)
{
    char pred[4] = "", src[2 * FEEDBACK_SOURCE_MAX + 3] = "";
    size_t n;

    if (rec->predicted >= 0)
        pred[0] = feedback_class_char(rec->predicted);
    if (rec->source[0] != '\0') {
        n = csv_write(src, sizeof src - 1, rec->source, strlen(rec->source));
        src[n] = '\0';
    }
    n = (size_t)snprintf(row, ROW_CAP, "%s,%s,%c,%s,%s,%s,%s,images/%s.pgm\n",
                         rec->id, rec->time,
                         feedback_class_char(rec->label), pred,
                         rec->confidence, src, rec->model, rec->id);
    return n;
}

/* Writes row at old_size, the end of the file as read under the lock
 * (after the header if the file is new), in one write, and syncs it; on
 * any failure the file is cut back to old_size. */
static int
append_row(int fd, off_t old_size, const char *row, size_t len, char *err)
{
    char buf[ROW_CAP + sizeof FEEDBACK_HEADER + 1];
    size_t n = 0;
    ssize_t put;

    if (old_size == 0)
        n = (size_t)snprintf(buf, sizeof buf, "%s\n", FEEDBACK_HEADER);
    memcpy(buf + n, row, len);
    n += len;
    put = pwrite(fd, buf, n, old_size);
    if (put == (ssize_t)n && fsync(fd) == 0)
        return 0;
    int e = put >= 0 && put < (ssize_t)n ? ENOSPC : errno;
    say(err, "meta.csv: write: %s", strerror(e));
    if (ftruncate(fd, old_size) == 0)
        fsync(fd);
    errno = e;
    return -1;
}

static void
utc_now(char *out)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, FEEDBACK_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Puts the image at tmp in place as path, unless an image is there
 * already. link(2) rather than access(2) then rename(2): the file
 * server answers whether path exists, where an NFS client would answer
 * from its cache of the folder, which may not yet show a file another
 * host made a second ago. Returns 0 when placed (tmp is then gone and
 * emptied), 1 when path exists, -1 on error. */
static int
place_image(char *tmp, const char *path, char *err)
{
    if (link(tmp, path) == 0) {
        unlink(tmp);
        tmp[0] = '\0';
        return 0;
    }
    if (errno == EEXIST)
        return 1;
    /* A file system without hard links: ask, then rename. */
    if (access(path, F_OK) == 0)
        return 1;
    if (rename(tmp, path) != 0) {
        say(err, "%s: rename: %s", path, strerror(errno));
        return -1;
    }
    tmp[0] = '\0';
    return 0;
}

/* Under the lock: the image put in place unless it is a duplicate, then
 * the row. Returns 0, 1 for a duplicate, -1 on error. */
static int
add_locked(int fd, const char *store, const char *images, char *tmp,
           const struct feedback_record *rec, char *err)
{
    char path[PATH_CAP], row[ROW_CAP];
    off_t size;
    int rc;

    if (cut_torn_row(fd, &size, err) != 0)
        return -1;
    fmt(path, sizeof path, "%s/%s.pgm", images, rec->id);
    if ((rc = place_image(tmp, path, err)) < 0)
        return -1;
    /* No image, no row: the scan is needed only when the image exists.
     * One without a row is a killed writer's: ours replaces it. */
    if (rc == 1) {
        if ((rc = meta_has_id(fd, size, rec->id)) != 0) {
            if (rc < 0)
                say(err, "meta.csv: read: %s", strerror(errno));
            return rc;
        }
        if (rename(tmp, path) != 0) {
            say(err, "%s: rename: %s", path, strerror(errno));
            return -1;
        }
        tmp[0] = '\0';
    }
    if (sync_dir(images, err) != 0 ||
        append_row(fd, size, row, format_row(row, rec), err) != 0) {
        unlink(path);
        return -1;
    }
    return sync_dir(store, err);
}

int
feedback_add(const char *store, struct feedback_record *rec,
             const uint8_t *pix, char *err)
{
    char images[PATH_CAP], tmp[PATH_CAP], meta[PATH_CAP];
    int fd, rc;

    if (strlen(store) > PATH_CAP - 256) {
        say(err, "store path is too long");
        return -1;
    }
    snprintf(images, sizeof images, "%s/images", store);
    snprintf(meta, sizeof meta, "%s/meta.csv", store);
    content_id(rec->id, rec->label, pix);
    utc_now(rec->time);
    if (make_dir(store, err) != 0 || make_dir(images, err) != 0 ||
        write_temp_image(tmp, images, rec->id, pix, err) != 0)
        return -1;
    if ((fd = lock_meta(meta, err)) < 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    rc = add_locked(fd, store, images, tmp, rec, err);
    int e = errno;              /* the failure's, for the caller */
    if (rc != 0 && tmp[0] != '\0')
        unlink(tmp);
    if (close(fd) != 0 && rc == 0) {
        e = errno;
        say(err, "%s: close: %s", meta, strerror(errno));
        rc = -1;
    }
    errno = e;
    return rc;
}

/* ---- reading ---- */

/* The reader splits meta.csv into lines itself and gives libcsv one line
 * at a time: a row we write never holds a newline (every field is
 * checked to be printable ASCII), so a line is a row, and a damaged row
 * (a stray quote, a cut field, garbage) costs that row alone instead of
 * leaving the parser lost for the rest of the file. */
struct scan {
    char field[N_FIELDS][FIELD_CAP];
    int n_fields, too_long, n_rows;
};

static void
on_field(void *s, size_t len, void *data)
{
    struct scan *sc = data;

    if (sc->n_fields >= N_FIELDS || len >= FIELD_CAP) {
        sc->too_long = 1;
        sc->n_fields++;
        return;
    }
    memcpy(sc->field[sc->n_fields], s, len);
    sc->field[sc->n_fields][len] = '\0';
    sc->n_fields++;
}

static void
on_row(int c, void *data)
{
    (void)c;
    ((struct scan *)data)->n_rows++;
}

static int
is_time(const char *s)
{
    /* 2026-11-27T13:20:00Z */
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

    for (size_t i = 0; i < sizeof shape; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
    return 1;
}

/* Fills rec from the fields of one row; -1 with the reason in err. */
static int
row_to_record(struct feedback_record *rec, char (*f)[FIELD_CAP], char *err)
{
    char e[ERRLEN], img[64];
    const char *what = NULL;

    memset(rec, 0, sizeof *rec);
    rec->predicted = -1;
    fmt(img, sizeof img, "images/%.16s.pgm", f[0]);
    if (strlen(f[0]) != FEEDBACK_ID_LEN ||
        strspn(f[0], "0123456789abcdef") != FEEDBACK_ID_LEN)
        what = "id";
    else if (!is_time(f[1]))
        what = "time";
    else if (feedback_parse_digit(&rec->label, f[2], "label", e) != 0)
        what = "label";
    else if (f[3][0] != '\0' &&
             feedback_parse_digit(&rec->predicted, f[3], "predicted", e) != 0)
        what = "predicted";
    else if (f[4][0] != '\0' &&
             feedback_parse_confidence(rec->confidence, f[4], e) != 0)
        what = "confidence";
    else if (f[5][0] != '\0' && feedback_check_source(f[5], e) != 0)
        what = "source";
    else if (f[6][0] != '\0' && feedback_check_model(f[6], e) != 0)
        what = "model";
    else if (strcmp(f[7], img) != 0)
        what = "image";
    if (what != NULL) {
        say(err, "bad %s", what);
        return -1;
    }
    memcpy(rec->id, f[0], FEEDBACK_ID_LEN + 1);
    memcpy(rec->time, f[1], FEEDBACK_TIME_LEN + 1);
    memcpy(rec->source, f[5], strlen(f[5]) + 1);
    memcpy(rec->model, f[6], strlen(f[6]) + 1);
    return 0;
}

/* Parses one line (no newline) into rec. Returns 0, or -1 with the
 * reason in err; the parser is ready for the next line either way. */
static int
parse_line(struct feedback_record *rec, struct csv_parser *p,
           struct scan *sc, const char *line, size_t len, char *err)
{
    int ok;

    sc->n_fields = sc->too_long = sc->n_rows = 0;
    ok = csv_parse(p, line, len, on_field, on_row, sc) == len &&
         csv_fini(p, on_field, on_row, sc) == 0;
    if (!ok) {
        /* libcsv keeps its error state: start afresh (csv_init
         * allocates nothing and fails only for a NULL parser). */
        csv_free(p);
        csv_init(p, CSV_STRICT | CSV_STRICT_FINI);
        say(err, "not a CSV row");
        return -1;
    }
    if (sc->n_rows != 1 || sc->too_long || sc->n_fields != N_FIELDS) {
        say(err, sc->n_rows != 1 ? "an empty line" : sc->too_long ?
                 "a field is too long" : "expected 8 fields");
        return -1;
    }
    return row_to_record(rec, sc->field, err);
}

/* Reads one line of fp into buf (cap bytes) without its newline; *len
 * is its length, or cap + 1 when it was longer (the rest is read and
 * dropped). Returns 1 for a whole line, 0 at EOF (a torn last line,
 * *len > 0, is not whole), -1 on a read error. */
static int
read_line(char *buf, size_t cap, size_t *len, FILE *fp)
{
    int c;

    *len = 0;
    while ((c = getc(fp)) != EOF && c != '\n') {
        if (*len < cap)
            buf[*len] = (char)c;
        if (*len <= cap)
            ++*len;
    }
    if (c == '\n')
        return 1;
    return ferror(fp) ? -1 : 0;
}

/* Walks the lines of fp: the header, then one record a line. */
static int
scan_lines(FILE *fp, feedback_fn fn, feedback_bad_fn bad, void *ctx,
           struct csv_parser *p, struct scan *sc, char *err)
{
    static const char header[] = FEEDBACK_HEADER;
    char line[ROW_CAP], why[ERRLEN];
    struct feedback_record rec;
    size_t len, n = 0;
    int got, rc = 0;

    while (rc == 0 && (got = read_line(line, sizeof line, &len, fp)) == 1) {
        if (++n == 1) {
            if (len != sizeof header - 1 || memcmp(line, header, len) != 0) {
                say(err, "meta.csv: line 1: not the header "
                         "of a feedback store");
                return -1;
            }
        } else if (len > sizeof line) {
            if (bad != NULL)
                bad(n, "longer than any row we write", ctx);
        } else if (parse_line(&rec, p, sc, line, len, why) != 0) {
            if (bad != NULL)
                bad(n, why, ctx);
        } else {
            rc = fn(&rec, n, ctx);
        }
    }
    if (rc == 0 && got < 0) {
        say(err, "meta.csv: read: %s", strerror(errno));
        return -1;
    }
    return rc;
}

int
feedback_scan(const char *store, feedback_fn fn, feedback_bad_fn bad,
              void *ctx, char *err)
{
    char meta[PATH_CAP];
    struct csv_parser p;
    struct scan *sc;
    FILE *fp;
    int rc;

    snprintf(meta, sizeof meta, "%s/meta.csv", store);
    if ((fp = fopen(meta, "rb")) == NULL) {
        if (errno == ENOENT)
            return 0;
        say(err, "%s: %s", meta, strerror(errno));
        return -1;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fclose(fp);
        say(err, "out of memory");
        return -1;
    }
    sc = xcalloc(1, sizeof *sc);
    rc = scan_lines(fp, fn, bad, ctx, &p, sc, err);
    csv_free(&p);
    free(sc);
    fclose(fp);
    return rc;
}

int
feedback_load_image(uint8_t *pix, const char *store,
                    const struct feedback_record *rec, char *err)
{
    char path[PATH_CAP], e[ERRLEN];
    FILE *fp;
    int w, h, rc;

    snprintf(path, sizeof path, "%s/images/%s.pgm", store, rec->id);
    if ((fp = fopen(path, "rb")) == NULL) {
        say(err, "images/%s.pgm: %s", rec->id, strerror(errno));
        return -1;
    }
    rc = pgmio_read(pix, MNIST_PIXELS, &w, &h, fp, e);
    fclose(fp);
    if (rc != 1 || w != MNIST_SIDE || h != MNIST_SIDE) {
        say(err, "images/%s.pgm: %s", rec->id,
                 rc < 0 ? e : "not a 28x28 image");
        return -1;
    }
    return 0;
}
