/* json - the two pieces of JSON output that need care: a string's
 * escapes and base64 bytes. The rest of our JSON is numbers and hex ids
 * written with printf. */
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

#endif
