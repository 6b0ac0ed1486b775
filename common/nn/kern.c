/* kern - see kern.h: the generic copy's table, and the choice. */
#include "nn/kern.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "nn/act.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "nn/optim.h"
#include "nn/pool.h"
#include "nn/winograd.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(DIGITS_NO_VECTOR)
#define HAVE_LEVELS 1
#include <cpuid.h>

extern const struct kern kern_table_avx2, kern_table_avx512;
#endif

static KERN_TABLE(kern_table_generic, KERN_GENERIC);

static const char *const level_names[KERN_LEVELS] = {
    "generic", "avx2", "avx512"
};

int kern_bf16;
static const struct kern *active;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;

#ifdef HAVE_LEVELS
/* The register state the operating system saves (XCR0): its bits 1-2
 * are the SSE and AVX registers, 5-7 AVX-512's. */
static unsigned long long
xcr0(void)
{
    unsigned lo, hi;

    __asm__ volatile ("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (unsigned long long)hi << 32 | lo;
}

/* The widest level this CPU and its operating system run. */
static enum kern_level
cpu_level(void)
{
    unsigned a, b, c, d;

    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) ||
        !(c & bit_AVX) || !(c & bit_FMA) || (xcr0() & 0x6) != 0x6)
        return KERN_GENERIC;
    if (__get_cpuid_max(0, NULL) < 7)
        return KERN_GENERIC;
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & bit_AVX2))
        return KERN_GENERIC;
    if ((b & bit_AVX512F) && (b & bit_AVX512BW) && (b & bit_AVX512DQ) &&
        (b & bit_AVX512VL) && (xcr0() & 0xe6) == 0xe6)
        return KERN_AVX512;
#ifdef KERN_ASSUME_AVX512       /* the W16 test build: see kern_avx512.c */
    return KERN_AVX512;
#endif
    return KERN_AVX2;
}
#else
static enum kern_level
cpu_level(void)
{
    return KERN_GENERIC;
}
#endif

static const struct kern *
table(enum kern_level level)
{
#ifdef HAVE_LEVELS
    if (level == KERN_AVX512)
        return &kern_table_avx512;
    if (level == KERN_AVX2)
        return &kern_table_avx2;
#endif
    (void)level;
    return &kern_table_generic;
}

int
kern_available(enum kern_level level)
{
    return level >= KERN_GENERIC && level <= cpu_level();
}

const char *
kern_levels_here(void)
{
    static char have[64];

    have[0] = '\0';
    for (int l = KERN_GENERIC; l <= (int)cpu_level(); l++) {
        strcat(have, l > KERN_GENERIC ? ", " : "");
        strcat(have, level_names[l]);
    }
    return have;
}

void
kern_help(FILE *fp)
{
    fprintf(fp, "Kernels: %s, of %s on this CPU (DIGITS_KERNELS=generic, "
            "avx2 or\navx512 chooses).\n", kern_active_name(),
            kern_levels_here());
}

/* DIGITS_KERNELS, or the widest level: fatal for a name that is no
 * level, or a level this CPU lacks. */
static void
choose(void)
{
    const char *want = getenv("DIGITS_KERNELS");
    enum kern_level top = cpu_level();
    const char *have = kern_levels_here();

    if (want == NULL || *want == '\0') {
        active = table(top);
        return;
    }
    for (int l = KERN_GENERIC; l < KERN_LEVELS; l++)
        if (strcmp(want, level_names[l]) == 0) {
            if (l > (int)top)
                fatal(2, "DIGITS_KERNELS=%s: this CPU runs only %s", want,
                      have);
            active = table((enum kern_level)l);
            return;
        }
    fatal(2, "DIGITS_KERNELS=%s: no such level (this CPU runs %s)", want,
          have);
}

const struct kern *
kern_active(void)
{
    pthread_once(&choose_once, choose);
    return active;
}

const char *
kern_level_name(enum kern_level level)
{
    return level >= KERN_GENERIC && level < KERN_LEVELS ? level_names[level]
                                                        : "?";
}

const char *
kern_active_name(void)
{
    return level_names[kern_active()->level];
}

int
kern_force(enum kern_level level)
{
    kern_active();
    if (!kern_available(level))
        return -1;
    active = table(level);
    return 0;
}
