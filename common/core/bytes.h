/* bytes - what the file formats need of raw bytes: the host's byte order,
 * little-endian loads, and FNV-1a's 64-bit hash step (the model file's
 * checksum and the feedback store's record ids are both built on it).
 * Static inline: each is a few instructions, and the load and the hash
 * step run once per word of a model's weights, where a call would cost
 * more than the work. */
#ifndef BYTES_H
#define BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BYTES_FNV_OFFSET 0xcbf29ce484222325ULL   /* FNV-1a's first h */
#define BYTES_FNV_PRIME 0x100000001b3ULL

/* Whether the host stores a word's low byte first. */
static inline int
bytes_little_endian(void)
{
    const uint32_t one = 1;

    return *(const unsigned char *)&one == 1;
}

/* The little-endian 8-byte word at p (any alignment). On a little-endian
 * host this compiles to one load; assembling it byte by byte did not,
 * and made the checksum most of a single-image cnn-infer's model load. */
static inline uint64_t
bytes_load_le64(const unsigned char *p)
{
    uint64_t w = 0;

    if (bytes_little_endian()) {
        memcpy(&w, p, sizeof w);
        return w;
    }
    for (int b = 7; b >= 0; b--)
        w = w << 8 | p[b];
    return w;
}

/* One FNV-1a step: the hash h with the value v folded in. */
static inline uint64_t
bytes_fnv1a(uint64_t h, uint64_t v)
{
    return (h ^ v) * BYTES_FNV_PRIME;
}

/* The hash h with the n bytes at p folded in, one step per byte. */
static inline uint64_t
bytes_fnv1a_buf(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = bytes_fnv1a(h, p[i]);
    return h;
}

#endif
