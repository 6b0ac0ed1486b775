/* glyph - a 5x7 pixel font for the digits 0-9 and '-', drawn for this
 * project,
 * so C code can label its images (counts in a heatmap, axis labels)
 * without a font library. */
#ifndef GLYPH_H
#define GLYPH_H

#include <stdint.h>

#define GLYPH_COLS 5
#define GLYPH_ROWS 7

/* Draws the text s (digits and '-'; other characters leave a blank) into an RGB image img (w x h, 3 bytes a pixel) with its top
 * left corner at (x, y), each font pixel a scale x scale square of
 * colour rgb. Clipped at the image's edges. Returns the width drawn. */
int glyph_draw(uint8_t *img, int w, int h, int x, int y, const char *s,
               int scale, const uint8_t rgb[3]);

/* The width glyph_draw would use for s at this scale. */
int glyph_width(const char *s, int scale);

#endif
