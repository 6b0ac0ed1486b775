/* loss - softmax over K class scores and its cross-entropy.
 *   logits (N, K)   prob (N, K)   labels (N), each in [0, K) */
#ifndef LOSS_H
#define LOSS_H

#include <stdint.h>

void softmax_forward(float *prob, const float *logits, int N, int K);
/* Sum over the N rows of -log prob[label]. */
double crossentropy_sum(const float *prob, const uint8_t *labels, int N,
                        int K);
/* dlogits = scale * (prob - onehot(label)): the gradient of
 * scale * crossentropy_sum with respect to the logits. Writes all of
 * dlogits, never adds to it, as every backward does. */
void softmax_crossentropy_backward(float *dlogits, const float *prob,
                                   const uint8_t *labels, int N, int K,
                                   float scale);

#endif
