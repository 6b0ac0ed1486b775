/* html - the answers a browser without JavaScript gets: the page's
 * plain form posts a picture as multipart/form-data, and /predict and
 * /corrections answer it with a whole HTML page instead of JSON. The
 * result page shows the number or the digit, each digit's 28x28 (a BMP
 * in a data: URL, as no PNG encoder is ours to use), its ten bars in
 * HTML and CSS, and Correct and Incorrect as form buttons: each digit
 * is a form whose one field holds that 28x28 as a plain PGM (text),
 * and each button posts it to /corrections with its label in the query,
 * so the verdict is one single-part multipart body like any other.
 *
 * Everything written is ours but the reason of an error, which is
 * escaped. Links are relative ("./", "corrections?..."), so the pages
 * work wherever the program is mounted, as the page itself does. */
#ifndef HTML_H
#define HTML_H

#include <stdint.h>
#include <stdio.h>

/* Does a client that sent this Accept header (HTTP_ACCEPT; NULL for
 * none) want HTML? Browsers name text/html when they navigate, as they
 * do for a form; fetch(), curl and other clients do not. */
int html_wanted(const char *accept);

/* A whole HTML error answer: status, headers and a page with msg. */
void html_error(FILE *out, int status, const char *origin, const char *msg);

/* A whole HTML answer to a picture: n digits (n 1 for a lone digit),
 * digit i with its verdict[i] (a digit or MNIST_NOT_DIGIT), guess[i]
 * (its best digit), row i of prob (MNIST_OUTPUTS floats) and of input
 * (MNIST_PIXELS bytes). number: the digits read ("42"; for n 1 the
 * digit), or NULL when refused; confidence the whole's. model_id may be
 * NULL. */
void html_prediction(FILE *out, const char *origin, const char *number,
                     float confidence, int n, const int *verdict,
                     const int *guess, const float *prob,
                     const uint8_t *input, const char *model_id);

/* A whole HTML answer to a stored verdict: record id, label (a digit or
 * MNIST_NOT_DIGIT), predicted (the same, or -1 when not given). */
void html_stored(FILE *out, const char *origin, const char *id,
                 int duplicate, int label, int predicted);

#endif
