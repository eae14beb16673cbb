/*  vfbench.h - what the benchmark's parts share. */
#ifndef VFBENCH_H
#define VFBENCH_H

#include <stddef.h>

#include "vf_identity.h"

/*  Seconds on the monotonic clock. */
double vfbench_now (void);

/*  One figure over the runs. */
typedef struct {
    double median, min, max;
} vfbench_figure_t;

/*  The median and spread of v[0..n) (sorts v). */
vfbench_figure_t vfbench_summary (double *v, int n);

/*  Print one row of the table, "name  median unit (min..max)", with the
    ceiling and the ratio median / ceil_value when ceiling is not NULL, and
    add it to the results written to bench/results.json. */
void vfbench_row (const char *name, vfbench_figure_t f, const char *unit, const char *ceiling,
                  double ceil_value);

/*  Reconciliation between two stores of n entries each (bench_recon.c);
    stores are made under dir. */
void vfbench_recon (const vf_identity_t *id, size_t n, const char *dir);

/*  Track and trace over a web of co-ops of `events` events, against LMDB
    random reads over the same store, `runs` times (bench_trace.c); the
    store is made under dir and removed. */
void vfbench_trace (size_t events, int runs, const char *dir);

#endif
