/* json - the JSON we write: a string's escapes, base64 bytes, and the
 * one prediction object that every program and the web API share. Ids
 * and numbers are written with printf. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as the inside of a JSON string (no quotes): '"' and '\\'
 * escaped, control characters as \u00XX. */
void json_put_text(FILE *fp, const char *s);

/* Writes the n bytes at p as base64 (RFC 4648, padded). */
void json_put_base64(FILE *fp, const uint8_t *p, size_t n);

/* One prediction as a JSON object, without a newline. verdict is a digit
 * or MNIST_NOT_DIGIT, prob a row of MNIST_OUTPUTS probabilities, guess
 * the most probable digit:
 *   {"prediction":7,"confidence":P7,"not_a_digit":false,
 *    "probabilities":[P0,...,P9],"input":"BASE64","model":"ID"}
 *   {"prediction":null,"confidence":PNOT,"not_a_digit":true,
 *    "best_guess":4,"probabilities":[...],...}
 * "input" (the MNIST_PIXELS pixels) only when input is not NULL, and
 * "model" only when model_id is not NULL. cnn-infer --json and the web
 * API both write it. */
void json_put_prediction(FILE *fp, int verdict, int guess, const float *prob,
                         const uint8_t *input, const char *model_id);

/* A number of n digits (nn/number.h) as a JSON object, without a
 * newline; each digit a prediction object (verdict[i], guess[i], its
 * row of prob,
 * its pixels from input when not NULL) without "model":
 *   {"number":"42","confidence":C,"not_a_digit":false,
 *    "digits":[{...},{...}],"model":"ID"}
 *   {"number":null,"confidence":C,"not_a_digit":true,"best_guess":"42",
 *    "digits":[...],"model":"ID"}
 * number is NULL when the number is refused (best_guess then names the
 * best digit of each). cnn-infer --groups --json and the web API write
 * it. */
void json_put_number(FILE *fp, const char *number, float confidence,
                     const char *best_guess, int n, const int *verdict,
                     const int *guess, const float *prob,
                     const uint8_t *input, const char *model_id);

/* A stored feedback record, as feedback-log --json and the web API
 * answer: {"id":"ID","duplicate":false}, without a newline. */
void json_put_stored(FILE *fp, const char *id, int duplicate);

#endif
