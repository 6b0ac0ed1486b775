/* ink - which pixels of a photo, its paper subtracted, are the digit's
 * ink: preproc's step 3, in a file of its own because faint pencil needs
 * more than a threshold.
 *
 * Where the ink stands well clear of the paper's noise (a scan, a
 * canvas, a marker, MNIST itself), single pixels decide: hysteresis
 * thresholds at fractions of the brightest ink. Where it does not (a
 * pencil line a pixel wide, 40 levels on noisy, uneven paper), no
 * threshold on single pixels separates the stroke from the grain, so
 * the decision is made on the mean along short line segments in eight
 * directions: a stroke keeps its level along itself while the noise
 * averages down, and thresholds follow the measured noise of that
 * mean. In both cases pieces that lie close to the digit are kept
 * even when small, since a pencil skips: only far specks go. */
#ifndef INK_H
#define INK_H

#include <stddef.h>
#include <stdint.h>

/* A grey image of floats, the working currency of preproc. */
struct img {
    float *v;
    int w, h;
};

/* A zeroed w x h image (xcalloc: exits 2 if out of memory). */
struct img img_new(int w, int h);

/* The value with fraction q of the n samples of hist[256] below it. */
int hist_quantile(const size_t *hist, size_t n, double q);

/* The paper's noise in g (before its paper is subtracted: clamping would
 * hide it) as a standard deviation: the median difference of horizontal
 * neighbours, mostly paper, which for two normal samples is 0.954
 * deviations. Clean images give about 0.1, the step of its histogram. */
float ink_noise(const struct img *g);

/* Finds the ink of g (light ink, paper subtracted, values 0-255).
 * label (g->w x g->h, caller's) gets each pixel's piece number, 0 for
 * none; *keep (keep[id] != 0 for the digit's pieces; free()) and box
 * (x0, y0, x1, y1 inclusive) say which pieces are the digit. On faint
 * ink, g is replaced by its line mean above the paper, a denoised
 * picture of the same strokes. noise is ink_noise() of g before the
 * paper was subtracted. Returns 0, or -1 (nothing to free) if
 * no ink stands out. */
int ink_find(int32_t *label, uint8_t **keep, int box[4], struct img *g,
             float noise);

#endif
