/* mnist - the numbers every layer agrees on: the side of the square grey
 * image the network reads (MNIST's 28), the number of digit classes
 * (0-9), and the one more class a network may have: "not a digit" (no
 * single digit in the picture: a letter, a scribble, several digits).
 * One name each, here at the bottom of the library, so image code, the
 * network and the feedback store cannot drift apart.
 *
 * A row of class probabilities is always MNIST_OUTPUTS floats: the ten
 * digits, then "not a digit" (0 from a network without that class). */
#ifndef MNIST_H
#define MNIST_H

#define MNIST_SIDE 28
#define MNIST_PIXELS (MNIST_SIDE * MNIST_SIDE)
#define MNIST_CLASSES 10
#define MNIST_NOT_DIGIT 10      /* the class index of "not a digit" */
#define MNIST_OUTPUTS 11        /* floats in a row of probabilities */

#endif
