/* number - which candidate digits of a picture make its number, once the
 * network has looked at each (preproc_split makes the candidates).
 *
 * The picture's ink is cut into slices, left to right; a candidate is a
 * run of neighbouring slices, first to last - 1. A reading is a row of
 * candidates that covers every slice once, in order. Each reading scores
 * the product, over its digits, of the best digit's probability times
 * the candidate's prior: the chance the geometry alone gives that its
 * slices are one digit and that the next is another (seg_span). So a
 * cut through ink, likely inside a digit, is taken only when both sides
 * read much better than the whole (two touching digits, which the
 * network calls no digit), and two pieces apart are one digit only when
 * they read much better together (a pencil 0 in two arcs). The best
 * reading is found by dynamic programming over the slices.
 *
 * A reading of several digits gives way to the candidate of all the ink
 * (the last one, when preproc adds it) when that reads as one digit and
 * the reading is refused, or when all the ink stands no wider than
 * NUMBER_NARROW of its height and reads at NUMBER_SURE or more: a pencil
 * digit broken into strokes is one digit.
 *
 * The number is refused as a whole when any of its digits is refused
 * (infer_verdict), or, in a number of several, read at less than
 * NUMBER_MIN_DIGIT, or when the digits are not laid out as a number is
 * written (laid_out in number.c): never half a number. (Pictures of no digit often
 * fall into pieces that each look a little like a 1 or a 0; a real
 * number's digits read surely.) */
#ifndef NUMBER_H
#define NUMBER_H

#include <stdint.h>

#define NUMBER_MAX_SLICES 16    /* slices of one picture */
#define NUMBER_MAX_IMAGES 65    /* candidates of one picture */
#define NUMBER_MIN_DIGIT 0.5f   /* a digit of a number read less surely
                                   is not read: the number is refused */

#define NUMBER_HEIGHTS 2.5f     /* digit heights within this ratio */
#define NUMBER_LINE 0.6f        /* centres this far off, of the height */
#define NUMBER_NARROW 0.8f      /* all of the ink this narrow, of its
                                   height, and ... */
#define NUMBER_SURE 0.9f        /* ... read this surely as one digit: it
                                   is one, however it fell apart */
#define NUMBER_GAP 1.5f         /* gaps no wider, of the height */
#define NUMBER_WIDE 1.2f        /* widths no more, of the height: wider
                                   is two digits touching, not one */

/* A candidate digit, as a group line names it: slices first to last - 1,
 * the geometry's prior, and its box x, y, w, h in the picture. */
struct number_cand {
    int first, last;
    float prior;
    int box[4];
};

struct number_read {
    int n;                          /* digits */
    int chosen[NUMBER_MAX_SLICES];  /* their candidates, left to right */
    int verdict[NUMBER_MAX_SLICES]; /* each one's infer_verdict */
    int rejected;                   /* some digit is no digit */
    int scattered;                  /* ... or they are not laid out as a
                                       number (rejected too) */
    float confidence;               /* the product of the digits'
                                       confidences; rejected: the highest
                                       "not a digit" among them */
    char text[NUMBER_MAX_SLICES + 1];   /* "42"; "" when rejected */
    char guess[NUMBER_MAX_SLICES + 1];  /* the best digit of each */
};

/* Reads the number from n candidates c (prob a row of MNIST_OUTPUTS
 * probabilities each) over n_slices slices. Returns 0, or -1 when the
 * candidates do not cover the slices (or the counts are out of range). */
int number_decode(struct number_read *r, const struct number_cand *c,
                  const float *prob, int n, int n_slices);

/* One group line of preproc --split --groups, "SLICES A-B:P:X,Y,W,H
 * ..." (preproc(1)), taken apart in place (strtok_r): the slice count
 * into *slices, the candidates into c (room for NUMBER_MAX_IMAGES).
 * Returns the number of candidates, or -1 with the reason in err
 * (ERRLEN bytes). */
int number_parse_line(char *line, int *slices, struct number_cand *c,
                      char *err);

/* The chosen candidates' rows of prob (MNIST_OUTPUTS floats each) and
 * of pix (MNIST_PIXELS bytes each), and their best digits, gathered in
 * reading order into p, in and guess (room for r->n each), as
 * json_put_number takes them. */
void number_gather(const struct number_read *r, const float *prob,
                   const uint8_t *pix, float *p, uint8_t *in, int *guess);

#endif
