/* limit - what one client may write, and how much the store may hold.
 *
 * Writes per client: a token bucket per REMOTE_ADDR of per_minute
 * tokens, refilled evenly over a minute, kept in a small table in the
 * store's folder (.rate) under an fcntl lock, so CGI processes and
 * FastCGI workers share it. The table has LIMIT_SLOTS entries found by
 * a hash of the address; when all the entries an address may use are
 * taken by others, it shares the fullest, which only makes it stricter.
 *
 * The store's size: the bytes of its meta.csv, about 100 a record (each
 * image takes a block of the file system, 4 kB on most, besides). */
#ifndef LIMIT_H
#define LIMIT_H

#include <stddef.h>

#define LIMIT_SLOTS 1024

/* Takes a token for client from the table in store/.rate. Returns 0 when
 * the write may go ahead; 1 when the client is over per_minute, with
 * *retry_after the seconds until it has a token again; -1 with a reason
 * in err (ERRLEN bytes) when the table cannot be used. now is in
 * seconds. */
int limit_take(int *retry_after, const char *store, const char *client,
               int per_minute, double now, char *err);

/* 1 when store/meta.csv has max_bytes or more, else 0. */
int limit_store_full(const char *store, size_t max_bytes);

#endif
