/*  vfbench.h - what the benchmark's parts share. */
#ifndef VFBENCH_H
#define VFBENCH_H

#include <stddef.h>

#include <stdbool.h>

#include "vf_entry.h"
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

/*  Ceilings (bench_ceil.c). BLAKE2b-256 hashes per second of the
    canonical encodings of all[0..n) (at least 100,000 hashes). */
double vfbench_blake2b_rate (vf_entry_t **all, size_t n);

/*  LMDB durable appends per second: n values of value_len bytes under
    sequential keys, a synced commit every 1000, in a new environment
    under dir (removed after). */
double vfbench_append_rate (const char *dir, int run, size_t n, size_t value_len);

/*  ZeroMQ messages per second of `size` bytes from a PUSH to a PULL socket
    in another thread over TCP on loopback, with CurveZMQ if curve. */
double vfbench_zmq_rate (size_t n, size_t size, bool curve);

/*  Reconciliation between two stores of n entries each (bench_recon.c);
    stores are made under dir. */
void vfbench_recon (const vf_identity_t *id, size_t n, const char *dir);

/*  Track and trace over a web of co-ops of `events` events, against LMDB
    random reads over the same store, `runs` times (bench_trace.c); the
    store is made under dir and removed. */
void vfbench_trace (size_t events, int runs, const char *dir);

#endif
