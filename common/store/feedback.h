/* feedback - the feedback store: what users said about predictions.
 *
 * A store is a directory holding meta.csv (a header row, then one row per
 * record, written with libcsv) and images/ID.pgm (the 28x28 the model
 * saw). The id is a hash of the label and the pixels, so the same image
 * with the same label is stored once. Writers append under an fcntl lock:
 * the image is written to a temporary file and synced, linked into place
 * first, then the row goes in with one write() and an fsync, so a row
 * never names a missing image. Web hosts may share a store over NFS
 * (feedback.c says what that takes). A crash can leave an image without a row (the
 * reader never looks at it) or a torn last row without its newline (the
 * reader skips it; the next writer cuts it off before appending).
 *
 * Nothing read from the CSV is used as a path: the reader rebuilds the
 * image path from the id, which must be 16 hex digits. */
#ifndef FEEDBACK_H
#define FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/mnist.h"

#define FEEDBACK_ID_LEN 16      /* hex digits of the 64-bit content hash */
#define FEEDBACK_SOURCE_MAX 100 /* longest source */
#define FEEDBACK_MODEL_MAX 64   /* longest model id (hex, or a checksum) */
#define FEEDBACK_TIME_LEN 20    /* 2026-11-27T13:20:00Z */

/* The header row of meta.csv, without its newline. */
#define FEEDBACK_HEADER \
    "id,time,label,predicted,confidence,source,model,image"

/* One record. Text fields are NUL-terminated; a value not given is "". */
struct feedback_record {
    char id[FEEDBACK_ID_LEN + 1];
    char time[FEEDBACK_TIME_LEN + 1];
    int label;                  /* 0-9, or MNIST_NOT_DIGIT */
    int predicted;              /* the same, or -1 if not given */
    char confidence[16];        /* "0.998000", or "" */
    char source[FEEDBACK_SOURCE_MAX + 1];
    char model[FEEDBACK_MODEL_MAX + 1];
};

/* Checks of user-supplied values. Each returns 0, or -1 with a reason in
 * err (ERRLEN bytes) that starts with the field it is about ("source: ")
 * and never echoes the value itself, since it may be long or hold
 * control characters. The caller knows where the value came from (an
 * option, a query) and may say so. */
/* A digit 0-9, or "-" for "not a digit" (MNIST_NOT_DIGIT): exactly one
 * character; what names the field in err. */
int feedback_parse_digit(int *out, const char *s, const char *what,
                         char *err);
/* The character of class k in meta.csv and label streams: the digit,
 * or '-' for not a digit. */
char feedback_class_char(int k);
/* A number in [0, 1]; written back as "%.6f" into out (16 bytes). */
int feedback_parse_confidence(char *out, const char *s, char *err);
/* 1 to FEEDBACK_SOURCE_MAX printable ASCII characters that start with a
 * letter (so no spreadsheet formula and no number), none of the shell's
 * special characters ;$`|&<>(){}[]\!*?~=% . Commas, quotes and spaces
 * are fine: the CSV quoting keeps them. */
int feedback_check_source(const char *s, char *err);
/* 1 to FEEDBACK_MODEL_MAX hex digits. */
int feedback_check_model(const char *s, char *err);

/* Stores pix (MNIST_PIXELS bytes) with rec's label and values in the
 * store directory, creating it and images/ if missing. Sets rec->id and
 * rec->time. Returns 0 when stored, 1 when this image with this label
 * was already stored (rec->id is the existing record's, nothing written),
 * or -1 with a reason in err (an I/O failure: nothing half-written is
 * left that a reader would see) and errno that of the call that failed
 * (ENOSPC, EROFS, ... tell a full or read-only store). */
int feedback_add(const char *store, struct feedback_record *rec,
                 const uint8_t *pix, char *err);

/* Called by feedback_scan for each complete record in file order, with
 * its 1-based line in meta.csv. A non-zero return stops the scan and is
 * returned by feedback_scan. */
typedef int (*feedback_fn)(const struct feedback_record *rec, size_t line,
                           void *ctx);

/* Called by feedback_scan for each row it skips because it is
 * malformed, with its 1-based line and a short reason ("bad id"). */
typedef void (*feedback_bad_fn)(size_t line, const char *why, void *ctx);

/* Reads store/meta.csv with libcsv and calls fn for every record, ctx
 * passed on. A store with no meta.csv has no records. A malformed row
 * is skipped and reported to bad (may be NULL); a torn last row (no
 * newline: a writer died there, and the next one cuts it off) is
 * skipped silently. Returns 0, fn's non-zero value, or -1 with a
 * reason in err (a first line that is not FEEDBACK_HEADER, a read
 * error). */
int feedback_scan(const char *store, feedback_fn fn, feedback_bad_fn bad,
                  void *ctx, char *err);

/* Loads the image of rec into pix (MNIST_PIXELS bytes). Returns 0, or
 * -1 with a reason in err (missing file, not a 28x28 image). */
int feedback_load_image(uint8_t *pix, const char *store,
                        const struct feedback_record *rec, char *err);

#endif
