/*  vfbench.h - what the benchmark's parts share. */
#ifndef VFBENCH_H
#define VFBENCH_H

#include <stddef.h>

#include "vf_identity.h"

/*  Seconds on the monotonic clock. */
double vfbench_now (void);

/*  Reconciliation between two stores of n entries each (bench_recon.c);
    stores are made under dir. */
void vfbench_recon (const vf_identity_t *id, size_t n, const char *dir);

#endif
