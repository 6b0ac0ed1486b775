/* mnist - the two numbers every layer agrees on: the side of the square
 * grey image the network reads (MNIST's 28) and the number of classes
 * (the digits 0-9). One name each, here at the bottom of the library, so
 * image code, the network and the feedback store cannot drift apart. */
#ifndef MNIST_H
#define MNIST_H

#define MNIST_SIDE 28
#define MNIST_PIXELS (MNIST_SIDE * MNIST_SIDE)
#define MNIST_CLASSES 10

#endif
