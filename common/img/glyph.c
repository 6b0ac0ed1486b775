/* glyph - see glyph.h. Each row of a glyph is 5 bits, the leftmost
 * pixel in the highest bit. One blank column separates characters. */
#include "img/glyph.h"

#include <string.h>

static const uint8_t digits[10][GLYPH_ROWS] = {
    { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e },     /* 0 */
    { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e },     /* 1 */
    { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f },     /* 2 */
    { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e },     /* 3 */
    { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 },     /* 4 */
    { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e },     /* 5 */
    { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e },     /* 6 */
    { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },     /* 7 */
    { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e },     /* 8 */
    { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c },     /* 9 */
};
static const uint8_t dash[GLYPH_ROWS] = { 0, 0, 0, 0x1f, 0, 0, 0 };

int
glyph_width(const char *s, int scale)
{
    size_t n = strlen(s);

    return n == 0 ? 0 : (int)n * (GLYPH_COLS + 1) * scale - scale;
}

static void
put_square(uint8_t *img, int w, int h, int x, int y, int scale,
           const uint8_t rgb[3])
{
    for (int dy = 0; dy < scale; dy++)
        for (int dx = 0; dx < scale; dx++) {
            int px = x + dx, py = y + dy;

            if (px >= 0 && px < w && py >= 0 && py < h)
                memcpy(img + ((size_t)py * w + px) * 3, rgb, 3);
        }
}

int
glyph_draw(uint8_t *img, int w, int h, int x, int y, const char *s,
           int scale, const uint8_t rgb[3])
{
    for (const char *c = s; *c != '\0'; c++, x += (GLYPH_COLS + 1) * scale) {
        const uint8_t *g = *c == '-' ? dash
                           : *c >= '0' && *c <= '9' ? digits[*c - '0'] : NULL;

        for (int r = 0; g != NULL && r < GLYPH_ROWS; r++)
            for (int b = 0; b < GLYPH_COLS; b++)
                if (g[r] & (0x10 >> b))
                    put_square(img, w, h, x + b * scale, y + r * scale,
                               scale, rgb);
    }
    return glyph_width(s, scale);
}
