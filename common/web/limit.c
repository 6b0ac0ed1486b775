/* limit - see limit.h. */
#define _POSIX_C_SOURCE 200809L
#include "web/limit.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define PROBES 4                /* entries an address may use */

/* One entry of the table, as it lies in the file (native layout: the
 * web hosts that share a store over NFS share this file too, and must be
 * of one architecture). */
struct slot {
    uint64_t key;               /* hash of the address, 0 for free */
    double tokens, when;        /* tokens left at time when */
};

static uint64_t
hash(const char *s)
{
    uint64_t h = 1469598103934665603u;          /* FNV-1a */

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h != 0 ? h : 1;
}

/* The entry for key among its PROBES: its own, else a free or expired
 * one, else the one with the fewest tokens. */
static int
pick(struct slot *s, int n, uint64_t key, double now, double per_minute)
{
    int best = 0;

    for (int i = 0; i < n; i++)
        if (s[i].key == key)
            return i;
    for (int i = 0; i < n; i++) {
        double full = s[i].tokens + (now - s[i].when) * per_minute / 60;

        if (s[i].key == 0 || full >= per_minute) {
            s[i] = (struct slot){ key, per_minute, now };
            return i;
        }
        if (s[i].tokens < s[best].tokens)
            best = i;
    }
    return best;
}

/* Decides for the PROBES entries at s; 0 or 1 as limit_take. */
static int
decide(struct slot *s, uint64_t key, double per_minute, double now,
       int *retry_after)
{
    struct slot *e = &s[pick(s, PROBES, key, now, per_minute)];
    double t = e->tokens + (now - e->when) * per_minute / 60;

    if (!(t <= per_minute))     /* also a clock set back, or garbage */
        t = per_minute;
    if (t < 0)
        t = 0;
    e->when = now;
    if (t < 1) {
        e->tokens = t;
        *retry_after = (int)ceil((1 - t) * 60 / per_minute);
        return 1;
    }
    e->tokens = t - 1;
    return 0;
}

int
limit_take(int *retry_after, const char *store, const char *client,
           int per_minute, double now, char *err)
{
    char path[4096];
    struct slot s[PROBES];
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    uint64_t key = hash(client != NULL ? client : "");
    off_t at = (off_t)(key % (LIMIT_SLOTS - PROBES + 1)) * sizeof *s;
    int fd, rc;

    *retry_after = 0;
    snprintf(path, sizeof path, "%s/.rate", store);
    mkdir(store, 0777);         /* as feedback_add would */
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
        snprintf(err, ERRLEN, "%.200s: %s", path, strerror(errno));
        return -1;
    }
    while ((rc = fcntl(fd, F_SETLKW, &lk)) != 0 && errno == EINTR)
        ;
    ssize_t got = rc == 0 ? pread(fd, s, sizeof s, at) : -1;
    if (got >= 0 && (size_t)got < sizeof s)     /* a new table: zeros */
        memset((char *)s + got, 0, sizeof s - (size_t)got);
    if (got < 0) {
        snprintf(err, ERRLEN, "%.200s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    rc = decide(s, key, per_minute, now, retry_after);
    if (pwrite(fd, s, sizeof s, at) != (ssize_t)sizeof s) {
        snprintf(err, ERRLEN, "%.200s: write: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);                  /* and the lock with it */
    return rc;
}

int
limit_store_full(const char *store, size_t max_bytes)
{
    char path[4096];
    struct stat st;

    snprintf(path, sizeof path, "%s/meta.csv", store);
    return stat(path, &st) == 0 && (uint64_t)st.st_size >= max_bytes;
}
