/* home - where the project's files are (the model, the page, the
 * scripts) for a program that may run from the build tree or installed:
 *
 *   DIGITS_HOME                      when set, always;
 *   DIR, for DIR/bin/PROGRAM         the build tree (make puts it in bin/);
 *   PREFIX/share/digits, for PREFIX/bin/PROGRAM
 *                                    installed (make install), told
 *                                    apart by that folder existing.
 *
 * The program's own file is found from argv[0], or along PATH as the
 * shell found it, links followed: so the default model does not depend
 * on the working directory, and a tree moved or installed with another
 * PREFIX needs no rebuild (no path compiled in). */
#ifndef HOME_H
#define HOME_H

#include <stddef.h>

#define HOME_SHARE "share/digits"   /* under PREFIX, once installed */

/* The home folder into buf (PATH_MAX bytes). Returns 0, or -1 when
 * DIGITS_HOME is unset and the program's file cannot be found. */
int home_find(char *buf, const char *argv0);

/* home/rel into buf (PATH_MAX bytes): the file rel of the home folder
 * (e.g. "models/mnist.model"). Returns 0, or -1 as home_find, or when
 * it does not fit. */
int home_file(char *buf, const char *argv0, const char *rel);

#endif
