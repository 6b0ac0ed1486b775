/* feedback-log - keep what users say about predictions: record one 28x28
 * image with its right label in the feedback store, or read the store
 * back as an image stream and a label stream for retraining (--export),
 * as text (--list), or as counts (--stats). --trust ID copies a record
 * into the trusted store, which only the operator writes (from this
 * command line; the web never does), and which retrain keeps as a test
 * set that a new model must not do worse on.
 *
 * The store's rules (content-hash ids, image before row, lock + one
 * write + fsync) live in common/store/feedback.c; this file checks the
 * arguments, reads the image and picks the records to read back. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netpbm/pam.h>

#include "core/json.h"
#include "core/mnist.h"
#include "core/util.h"
#include "img/pgmio.h"
#include "store/feedback.h"

enum mode { RECORD, EXPORT, LIST, STATS, TRUST };

struct opts {
    enum mode mode;
    const char *store, *labels_out, *after, *since, *file;
    const char *trusted, *trust_id;
    struct feedback_record rec;
    size_t first, count;
    int json, untrusted;
};

/* The ids of the trusted store, sorted, for --untrusted. */
struct id_set {
    char (*id)[FEEDBACK_ID_LEN + 1];
    size_t n, cap;
};

/* What a reading mode needs while it walks the records. */
struct walk {
    const struct opts *o;
    const struct id_set *trusted;      /* skip these (--untrusted) */
    FILE *labels;
    int after_seen;
    size_t n_selected, n_out, n_missing, n_malformed;
    size_t n_label[MNIST_OUTPUTS], n_predicted[MNIST_OUTPUTS];
    size_t n_agreed[MNIST_OUTPUTS];
};

static _Noreturn void
usage(FILE *fp, int status)
{
    fprintf(fp, "usage: %s --label D [--predicted D] [--confidence X] "
            "[--source TEXT]\n       [--model-id ID] [--json] [--store DIR] "
            "[FILE]\n"
            "       %s --export --labels-out FILE [--after ID] "
            "[--since TIME]\n       [--first N] [--count N] [--store DIR]\n"
            "       %s --list | --stats [--after ID] [--since TIME] "
            "[--store DIR]\n"
            "       %s --trust ID [--trusted DIR] [--store DIR]\n"
            "       (reading modes also take --untrusted [--trusted DIR])\n",
            progname(), progname(), progname(), progname());
    if (fp == stdout)
        fputs("  --store DIR        the feedback store (default "
              "$FEEDBACK_DIR, else feedback)\n"
              "  --label D          the right digit for the image (0-9), or "
              "- when it\n                     holds no single digit\n"
              "  --predicted D      what the model said (0-9)\n"
              "  --confidence X     the model's confidence (0 to 1)\n"
              "  --source TEXT      where the verdict came from (up to 100 "
              "characters)\n"
              "  --model-id ID      the id of the model that predicted "
              "(hex)\n"
              "  --json             print {\"id\":...,\"duplicate\":...} "
              "instead of the id\n"
              "  --export           write the images to stdout, the labels "
              "to --labels-out\n"
              "  --labels-out FILE  where --export writes the labels\n"
              "  --list             one line per record, fields separated "
              "by tabs\n"
              "  --stats            counts per label and how often the "
              "model agreed\n"
              "  --after ID         only records stored after the record "
              "ID\n"
              "  --since TIME       only records from TIME on "
              "(YYYY-MM-DDTHH:MM:SSZ)\n"
              "  --first N          skip the first N selected records "
              "(default 0)\n"
              "  --count N          at most N records (default all)\n"
              "  --trust ID         copy the record ID into the trusted "
              "store\n"
              "  --untrusted        read only the records not in the "
              "trusted store\n"
              "  --trusted DIR      the trusted store (default "
              "STORE/trusted)\n"
              "  --help             show this help\n", fp);
    exit(status);
}

static void
set_mode(struct opts *o, enum mode m)
{
    if (o->mode != RECORD && o->mode != m)
        fatal(1, "--export, --list, --stats and --trust: give one");
    o->mode = m;
}

/* Checks a value given for the record; exits 1 with the reason. */
static void
check(int rc, const char *err)
{
    if (rc != 0)
        fatal(1, "%s", err);
}

/* The options given fit the mode: n_args operands are left. */
static void
check_mode(const struct opts *o, int have_label, int record_opt, int n_args)
{
    if (o->mode == RECORD) {
        if (o->untrusted || o->trusted != NULL)
            fatal(1, "--untrusted and --trusted are for reading and "
                  "--trust; to record into the trusted store, give it "
                  "as --store");
        if (!have_label)
            fatal(1, "--label is missing: give the right digit, 0-9");
        if (n_args > 1)
            usage(stderr, 1);
        return;
    }
    if (record_opt || n_args != 0)
        fatal(1, "--label, --predicted, --confidence, --source, "
              "--model-id, --json and FILE are for recording, not reading");
    if (o->mode == TRUST && (strlen(o->trust_id) != FEEDBACK_ID_LEN ||
        strspn(o->trust_id, "0123456789abcdef") != FEEDBACK_ID_LEN))
        fatal(1, "--trust: an id is 16 hex digits (as feedback-log prints)");
    if (o->mode == TRUST && (o->untrusted || o->labels_out || o->after ||
        o->since || o->first || o->count != SIZE_MAX))
        fatal(1, "--trust ID takes only --store and --trusted");
    if ((o->mode == EXPORT) != (o->labels_out != NULL))
        fatal(1, "--export and --labels-out FILE go together");
    if (o->after != NULL && (strlen(o->after) != FEEDBACK_ID_LEN ||
        strspn(o->after, "0123456789abcdef") != FEEDBACK_ID_LEN))
        fatal(1, "--after: an id is 16 hex digits (as feedback-log prints)");
    if (o->since != NULL && strlen(o->since) != FEEDBACK_TIME_LEN)
        fatal(1, "--since: a time is YYYY-MM-DDTHH:MM:SSZ (UTC)");
}

static void
parse_args(struct opts *o, int argc, char *argv[])
{
    static const struct option opts[] = {
        { "store", 1, NULL, 'S' }, { "label", 1, NULL, 'l' },
        { "predicted", 1, NULL, 'p' }, { "confidence", 1, NULL, 'c' },
        { "source", 1, NULL, 's' }, { "model-id", 1, NULL, 'm' },
        { "json", 0, NULL, 'j' }, { "export", 0, NULL, 'E' },
        { "labels-out", 1, NULL, 'L' }, { "list", 0, NULL, 'T' },
        { "stats", 0, NULL, 'X' }, { "after", 1, NULL, 'a' },
        { "since", 1, NULL, 'i' }, { "first", 1, NULL, 'f' },
        { "count", 1, NULL, 'n' }, { "help", 0, NULL, 'h' },
        { "trust", 1, NULL, 't' }, { "untrusted", 0, NULL, 'u' },
        { "trusted", 1, NULL, 'd' },
        /* Old names, refused by name: getopt_long would otherwise take
         * them as abbreviations of the new ones. */
        { "model", 1, NULL, 'M' }, { "labels", 1, NULL, 'O' },
        { NULL, 0, NULL, 0 },
    };
    char err[ERRLEN];
    int c, have_label = 0, record_opt = 0;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        record_opt |= strchr("lpcsmj", c) != NULL;
        switch (c) {
        case 'S': o->store = optarg; break;
        case 'l':
            check(feedback_parse_digit(&o->rec.label, optarg, "label",
                                       err), err);
            have_label = 1;
            break;
        case 'p':
            check(feedback_parse_digit(&o->rec.predicted, optarg,
                                       "predicted", err), err);
            break;
        case 'c':
            check(feedback_parse_confidence(o->rec.confidence, optarg, err),
                  err);
            break;
        case 's':
            check(feedback_check_source(optarg, err), err);
            memcpy(o->rec.source, optarg, strlen(optarg) + 1);
            break;
        case 'm':
            check(feedback_check_model(optarg, err), err);
            memcpy(o->rec.model, optarg, strlen(optarg) + 1);
            break;
        case 'j': o->json = 1; break;
        case 'E': set_mode(o, EXPORT); break;
        case 'L': o->labels_out = optarg; break;
        case 'T': set_mode(o, LIST); break;
        case 'X': set_mode(o, STATS); break;
        case 't': set_mode(o, TRUST); o->trust_id = optarg; break;
        case 'u': o->untrusted = 1; break;
        case 'd': o->trusted = optarg; break;
        case 'a': o->after = optarg; break;
        case 'i': o->since = optarg; break;
        case 'f': o->first = parse_count(optarg, 0, SIZE_MAX, "--first");
                  break;
        case 'n': o->count = parse_count(optarg, 0, SIZE_MAX, "--count");
                  break;
        case 'M': fatal(1, "--model is a model file; a model's id is "
                        "--model-id ID");
        case 'O': fatal(1, "--labels names a file to read; --export "
                        "writes to --labels-out FILE");
        case 'h': usage(stdout, 0);
        default:  usage(stderr, 1);
        }
    }
    check_mode(o, have_label, record_opt, argc - optind);
    o->file = argc - optind == 1 ? argv[optind] : NULL;
}

/* Reads the one image to record: any PNM, exactly 28x28. */
static void
read_image(uint8_t *pix, const char *file)
{
    const char *name;
    FILE *fp = open_input(file, &name);
    char err[ERRLEN];
    int w, h, rc;

    rc = pgmio_read(pix, MNIST_PIXELS, &w, &h, fp, err);
    if (rc == 0)
        fatal(1, "%s: no image", name);
    if (rc == -1)
        fatal(1, "%s: %s", name, err);
    if (rc == -2 || w != MNIST_SIDE || h != MNIST_SIDE)
        fatal(1, "%s: %dx%d, expected 28x28 (run preproc first)", name, w,
              h);
    if (getc(fp) != EOF)
        fatal(1, "%s: more than one image (give one at a time)", name);
    close_input(fp);
}

static void
record(struct opts *o)
{
    uint8_t pix[MNIST_PIXELS];
    char err[ERRLEN];
    int rc;

    read_image(pix, o->file);
    rc = feedback_add(o->store, &o->rec, pix, err);
    if (rc < 0)
        fatal(2, "%s: %s", o->store, err);
    if (rc == 1 && !o->json)        /* the JSON says so itself */
        fprintf(stderr, "%s: this image with label %c is already stored "
                "as %s\n", progname(), feedback_class_char(o->rec.label),
                o->rec.id);
    if (o->json) {
        json_put_stored(stdout, o->rec.id, rc == 1);
        putchar('\n');
    } else
        printf("%s\n", o->rec.id);
}

static int
cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int
add_id(const struct feedback_record *rec, size_t line, void *ctx)
{
    struct id_set *set = ctx;

    (void)line;
    if (set->n == set->cap) {
        char (*grown)[FEEDBACK_ID_LEN + 1];
        set->cap = set->cap ? 2 * set->cap : 256;
        grown = xmalloc_array(set->cap, sizeof *grown);
        if (set->n > 0)
            memcpy(grown, set->id, set->n * sizeof *grown);
        free(set->id);
        set->id = grown;
    }
    memcpy(set->id[set->n++], rec->id, FEEDBACK_ID_LEN + 1);
    return 0;
}

/* Reads the ids of the trusted store into set, sorted; exits 1 if the
 * store cannot be read. Free set->id with free(). */
static void
load_trusted(struct id_set *set, const char *dir)
{
    char err[ERRLEN];

    if (feedback_scan(dir, add_id, NULL, set, err) != 0)
        fatal(1, "%s: %s", dir, err);
    if (set->n > 0)
        qsort(set->id, set->n, sizeof *set->id, cmp_id);
}

/* Whether rec passes --untrusted,  --after, --since, --first and --count. */
static int
selected(struct walk *wk, const struct feedback_record *rec)
{
    const struct opts *o = wk->o;

    if (wk->trusted != NULL && bsearch(rec->id, wk->trusted->id,
        wk->trusted->n, sizeof *wk->trusted->id, cmp_id) != NULL)
        return 0;
    if (o->after != NULL && !wk->after_seen) {
        wk->after_seen = strcmp(rec->id, o->after) == 0;
        return 0;
    }
    if (o->since != NULL && strcmp(rec->time, o->since) < 0)
        return 0;
    wk->n_selected++;
    return wk->n_selected > o->first && wk->n_selected - o->first <= o->count;
}

static int
on_record(const struct feedback_record *rec, size_t line, void *ctx)
{
    struct walk *wk = ctx;
    uint8_t pix[MNIST_PIXELS];
    char err[ERRLEN];

    if (!selected(wk, rec))
        return 0;
    if (wk->o->mode == EXPORT) {
        if (feedback_load_image(pix, wk->o->store, rec, err) != 0) {
            fprintf(stderr, "%s: meta.csv: line %zu: skipped: %s\n",
                    progname(), line, err);
            wk->n_missing++;
            return 0;
        }
        if (pgmio_write(stdout, pix, MNIST_SIDE, MNIST_SIDE) != 0 ||
            fprintf(wk->labels, "%c\n", feedback_class_char(rec->label)) < 0)
            fatal(2, "write error");
    } else if (wk->o->mode == LIST) {
        printf("%s\t%s\t%c\t%s\t%s\t%s\t%s\n", rec->id, rec->time,
               feedback_class_char(rec->label), rec->predicted < 0 ? "" :
               (char[2]){ feedback_class_char(rec->predicted), '\0' },
               rec->confidence[0] ? rec->confidence : "-",
               rec->model[0] ? rec->model : "-",
               rec->source[0] ? rec->source : "-");
    }
    wk->n_out++;
    wk->n_label[rec->label]++;
    if (rec->predicted >= 0) {
        wk->n_predicted[rec->label]++;
        wk->n_agreed[rec->label] += rec->predicted == rec->label;
    }
    return 0;
}

/* A malformed row is skipped and counted, never fatal: one damaged line
 * must not hide every other record. The first few are named. */
static void
on_malformed(size_t line, const char *why, void *ctx)
{
    struct walk *wk = ctx;

    if (++wk->n_malformed <= 10)
        fprintf(stderr, "%s: meta.csv: line %zu: skipped: %s\n",
                progname(), line, why);
}

static void
print_stats(const struct walk *wk)
{
    size_t np = 0, na = 0;

    for (int d = 0; d < MNIST_OUTPUTS; d++) {
        np += wk->n_predicted[d];
        na += wk->n_agreed[d];
    }
    printf("records %zu predicted %zu agreed %zu agreement %.4f\n",
           wk->n_out, np, na, np ? (double)na / (double)np : 0.0);
    for (int d = 0; d < MNIST_OUTPUTS; d++)
        if (d < MNIST_CLASSES || wk->n_label[d] > 0)
            printf("label %c records %zu predicted %zu agreed %zu\n",
                   feedback_class_char(d), wk->n_label[d],
                   wk->n_predicted[d], wk->n_agreed[d]);
    printf("malformed %zu\n", wk->n_malformed);
}

static void
read_back(struct opts *o)
{
    struct walk wk = { .o = o };
    struct id_set trusted = { 0 };
    char err[ERRLEN];
    struct stat st;

    /* A store that is not there is a mistake to name (a wrong folder, a
     * wrong --store), not an empty store with "records 0". */
    if (stat(o->store, &st) != 0 || !S_ISDIR(st.st_mode))
        fatal(1, "%s: no feedback store here (give --store DIR or set "
              "FEEDBACK_DIR; the first verdict stored creates one)",
              o->store);
    if (o->untrusted) {
        load_trusted(&trusted, o->trusted);
        wk.trusted = &trusted;
    }
    if (o->mode == EXPORT && (wk.labels = fopen(o->labels_out, "w")) == NULL)
        fatal(1, "%s: cannot create", o->labels_out);
    if (feedback_scan(o->store, on_record, on_malformed, &wk, err) != 0)
        fatal(1, "%s: %s", o->store, err);
    if (o->after != NULL && !wk.after_seen)
        fatal(1, "--after: no record %s in %s", o->after, o->store);
    if (wk.labels != NULL && fclose(wk.labels) != 0)
        fatal(2, "%s: write error", o->labels_out);
    if (o->mode == STATS)
        print_stats(&wk);
    if (wk.n_missing > 0)
        fprintf(stderr, "%s: %zu records skipped (image missing or "
                "damaged)\n", progname(), wk.n_missing);
    if (wk.n_malformed > 0)
        fprintf(stderr, "%s: %zu malformed rows of meta.csv skipped\n",
                progname(), wk.n_malformed);
    free(trusted.id);
}

static int
find_record(const struct feedback_record *rec, size_t line, void *ctx)
{
    struct feedback_record *want = ctx;

    (void)line;
    if (strcmp(rec->id, want->id) != 0)
        return 0;
    *want = *rec;
    return 1;
}

/* --trust ID: copies the record (its image, label and values) from the
 * store into the trusted store, a store of its own. The id hashes the
 * label and the pixels, so the copy has the same id. */
static void
trust(struct opts *o)
{
    struct feedback_record rec = { .predicted = -1 };
    uint8_t pix[MNIST_PIXELS];
    char err[ERRLEN];
    int rc;

    memcpy(rec.id, o->trust_id, FEEDBACK_ID_LEN + 1);
    rc = feedback_scan(o->store, find_record, NULL, &rec, err);
    if (rc < 0)
        fatal(1, "%s: %s", o->store, err);
    if (rc == 0)
        fatal(1, "--trust: no record %s in %s", o->trust_id, o->store);
    if (feedback_load_image(pix, o->store, &rec, err) != 0)
        fatal(1, "%s: %s", o->store, err);
    rc = feedback_add(o->trusted, &rec, pix, err);
    if (rc < 0)
        fatal(2, "%s: %s", o->trusted, err);
    if (rc == 1)
        fprintf(stderr, "%s: %s is already trusted\n", progname(), rec.id);
    printf("%s\n", rec.id);
}

int
main(int argc, char *argv[])
{
    struct opts o = { .mode = RECORD, .count = SIZE_MAX,
                      .rec = { .predicted = -1 } };
    const char *env = getenv("FEEDBACK_DIR");
    char *trusted_dir = NULL;

    set_progname(argv[0]);
    pm_init(progname(), 0);
    pgmio_init();
    /* A file-size limit (ulimit -f) must be a write error that we clean
     * up after, not a signal that kills us in the middle of a row. */
    signal(SIGXFSZ, SIG_IGN);
    o.store = env != NULL && env[0] != '\0' ? env : "feedback";
    parse_args(&o, argc, argv);
    if (o.trusted == NULL) {
        size_t n = strlen(o.store) + sizeof "/trusted";
        trusted_dir = xmalloc(n);
        snprintf(trusted_dir, n, "%s/trusted", o.store);
        o.trusted = trusted_dir;
    }
    if (o.mode == RECORD)
        record(&o);
    else if (o.mode == TRUST)
        trust(&o);
    else
        read_back(&o);
    free(trusted_dir);
    finish_stdout();
    return 0;
}
