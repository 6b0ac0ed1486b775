/* kern_level - the body of a kernel level's copy (kern.h): included by
 * kern_avx2.c and kern_avx512.c, each of which first defines
 *
 *   KERN_LEVEL   its enum kern_level,
 *   KERN_SUFFIX  the suffix of its names (avx2),
 *   KERN_LANES   its vector width in floats (simd.h),
 *
 * includes the system headers, and turns its target on (a pragma); this
 * file then renames the public names and compiles the leveled files
 * again, with the table of the copy last. */
#ifndef KERN_LEVEL_H
#define KERN_LEVEL_H

#include "nn/kern_names.h"

#include "nn/gemm.c"
#include "nn/winograd.c"
#include "nn/conv.c"
#include "nn/pool.c"
#include "nn/act.c"
#include "nn/dense.c"
#include "nn/loss.c"
#include "nn/optim.c"

KERN_TABLE(KERN_NAME(kern_table), KERN_LEVEL);

#endif
