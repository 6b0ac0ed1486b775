/* fuzz_feedback - libFuzzer harness: any bytes as a feedback store's
 * meta.csv (read through feedback_scan), and as the values feedback-log
 * checks. Every record the reader accepts must hold valid values. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "store/feedback.h"

static int
check_record(const struct feedback_record *rec, size_t line, void *ctx)
{
    char err[ERRLEN];

    (void)line;
    (void)ctx;
    if (rec->label < 0 || rec->label > 9 || rec->predicted < -1 ||
        rec->predicted > 9 || strlen(rec->id) != FEEDBACK_ID_LEN ||
        (rec->source[0] != '\0' && feedback_check_source(rec->source, err)))
        abort();
    return 0;
}

static void
check_bad(size_t line, const char *why, void *ctx)
{
    (void)ctx;
    if (line < 2 || why[0] == '\0')
        abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
    static char dir[64];
    char path[128], err[ERRLEN], conf[16], *s = malloc(n + 1);
    FILE *fp;
    int d;

    memcpy(s, data, n);
    s[n] = '\0';
    feedback_check_source(s, err);
    feedback_check_model(s, err);
    feedback_parse_confidence(conf, s, err);
    feedback_parse_digit(&d, s, "label", err);
    free(s);
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/fuzz_feedback.XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
    }
    snprintf(path, sizeof path, "%s/meta.csv", dir);
    if ((fp = fopen(path, "wb")) == NULL)
        abort();
    fwrite(data, 1, n, fp);
    fclose(fp);
    feedback_scan(dir, check_record, check_bad, NULL, err);
    return 0;
}
