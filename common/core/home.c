/* home - see home.h. */
#define _XOPEN_SOURCE 700       /* realpath */
#include "core/home.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the program file is, in buf: argv0 itself when it holds a '/',
 * else the first match on PATH, as the shell found it. */
static int
program_path(char *buf, const char *argv0)
{
    const char *path = getenv("PATH");
    char try[PATH_MAX];

    if (strchr(argv0, '/') != NULL)
        return realpath(argv0, buf) != NULL ? 0 : -1;
    for (const char *d = path; d != NULL && *d != '\0';) {
        const char *end = strchr(d, ':');
        int len = end != NULL ? (int)(end - d) : (int)strlen(d);

        if (snprintf(try, sizeof try, "%.*s/%s", len, d, argv0) <
            (int)sizeof try && access(try, X_OK) == 0 &&
            realpath(try, buf) != NULL)
            return 0;
        d = end != NULL ? end + 1 : NULL;
    }
    return -1;
}

int
home_find(char *buf, const char *argv0)
{
    const char *env = getenv("DIGITS_HOME");
    char share[PATH_MAX], *slash;
    struct stat st;

    if (env != NULL && *env != '\0') {
        if (strlen(env) >= PATH_MAX)
            return -1;
        strcpy(buf, env);
        return 0;
    }
    if (argv0 == NULL || program_path(buf, argv0) != 0)
        return -1;
    for (int i = 0; i < 2; i++)         /* DIR/bin/PROGRAM -> DIR */
        if ((slash = strrchr(buf, '/')) != NULL)
            *slash = '\0';
    if (buf[0] == '\0')
        strcpy(buf, "/");
    if (snprintf(share, sizeof share, "%s/%s", strcmp(buf, "/") ? buf : "",
                 HOME_SHARE) < (int)sizeof share &&
        stat(share, &st) == 0 && S_ISDIR(st.st_mode))
        strcpy(buf, share);
    return 0;
}

int
home_file(char *buf, const char *argv0, const char *rel)
{
    char home[PATH_MAX];

    if (home_find(home, argv0) != 0)
        return -1;
    return snprintf(buf, PATH_MAX, "%s/%s", strcmp(home, "/") ? home : "",
                    rel) < PATH_MAX ? 0 : -1;
}
