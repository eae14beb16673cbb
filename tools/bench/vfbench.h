/*  vfbench.h - what the benchmark's parts share. */
#ifndef VFBENCH_H
#define VFBENCH_H

#include <stddef.h>

#include <jansson.h>
#include <czmq.h>
#include <stdbool.h>
#include <sys/types.h>

#include "vf_entry.h"
#include "vf_identity.h"
#include "vf_store.h"
#include "vf_text.h"

/*  Seconds on the monotonic clock. */
double vfbench_now (void);

/*  Open (or make) the store at path with an 8 GiB map, or exit. */
vf_store_t *vfbench_store_open (const char *path);

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

/*  Add one result object (any fields; "name" at least) to
    bench/results.json; takes ownership. */
void vfbench_result (json_t *row);

/*  The big stores of figures 3, 4 and 7 (bench_cache.c): n Process
    records and copies that lack some of them, built once under root and
    reused. */
enum {
    VFBENCH_STORE_FULL,    /* all n */
    VFBENCH_STORE_NEW,     /* all but the 100 newest */
    VFBENCH_STORE_HOLES_A, /* all but `scattered` spread over the oldest 90 % */
    VFBENCH_STORE_HOLES_B, /* all but `scattered` others */
    VFBENCH_STORE_MANY,    /* all but `many` spread over the oldest 90 % */
    VFBENCH_STORES
};

typedef struct {
    size_t n, scattered, many;
    char dir[512];
    char store[VFBENCH_STORES][600]; /* each store's folder */
} vfbench_cache_t;

/*  Fill c with the stores of n entries signed by id under root, building
    them if they are not there yet (n at least 1000). */
void vfbench_cache_stores (const vf_identity_t *id, size_t n, const char *root, vfbench_cache_t *c);

/*  Figure 3: reconciliation between the cached stores, `runs` times
    (bench_recon.c). */
void vfbench_recon (const vfbench_cache_t *cache, int runs);

/*  Track and trace over a web of co-ops of `events` events, against LMDB
    random reads over the same store, `runs` times (bench_trace.c); the
    store is made under dir and removed. */
void vfbench_trace (size_t events, int runs, const char *dir);

/* ------------------------------------------------ real nodes (bench_node.c) */

/*  Print "vfbench: what: detail" and exit 1 (nodes started are killed). */
void vfbench_die (const char *what, const char *detail) __attribute__ ((noreturn));

/*  Raise this process's open files limit (RLIMIT_NOFILE) to want, or as
    far as the hard limit allows; the nodes it starts inherit it. */
void vfbench_files_limit (int want);

/*  A vfnode process of ours. */
typedef struct {
    char dir[256];
    char key[VF_TEXT_MAX]; /* vfk_... */
    int port;              /* its peer port on 127.0.0.1, 0: it does not listen */
    pid_t pid;             /* 0 when not running */
    zsock_t *ctl;          /* its control socket */
} vfbench_node_t;

/*  vfctl init dir (which must not exist), listening on 127.0.0.1:port
    (0: not listening); otherwise the default configuration. */
void vfbench_node_init (vfbench_node_t *nd, const char *dir, const char *name, int port);

/*  Replace the first `from` in the node's vfnode.conf by `to`. */
void vfbench_node_config (vfbench_node_t *nd, const char *from, const char *to);

/*  A new random network id (vfn_...). */
void vfbench_network_id (char out[VF_TEXT_MAX]);

/*  Write the node's networks file: network net with members[0..n), the
    node dialling those whose dial[k] is set. Before the node starts. */
void vfbench_node_networks (vfbench_node_t *nd, const char *net, vfbench_node_t *const *members,
                            const bool *dial, size_t n);

/*  Start vfnode on the node's folder (its log: DIR/vfnode.log) and wait
    until it answers; exits the benchmark if it does not start. */
void vfbench_node_start (vfbench_node_t *nd);

/*  SIGTERM, wait (SIGKILL after 10 s). */
void vfbench_node_stop (vfbench_node_t *nd);

/*  One control request; the reply's result if it is ok (caller decrefs),
    NULL on an error reply or none within wait_ms. */
json_t *vfbench_node_request (vfbench_node_t *nd, const char *text, int wait_ms);

/*  The node's store.entries (status), -1 without an answer. */
int64_t vfbench_node_entries (vfbench_node_t *nd);

/*  A process's memory and CPU from /proc. */
typedef struct {
    double private_mb;      /* anonymous memory: smaps_rollup Anonymous */
    double rss_mb;          /* all resident memory, file mappings included */
    double store_mapped_mb; /* resident pages of data.mdb's mapping */
    double cpu_s;           /* user + system time so far */
} vfbench_mem_t;

void vfbench_memory (pid_t pid, vfbench_mem_t *m);

/*  Figures 4 and 7 (bench_sync.c): a node holding the cached full store
    and a new node catching up from it, on port (and no other), nodes
    under dir; reconcile: the nodes' peer/reconcile (NULL: default);
    seconds: longest the sync may run (the rate is then over that time);
    ingest_rate: figure 1 (0 if not measured). */
void vfbench_sync (const vfbench_cache_t *cache, const char *dir, int port, const char *reconcile,
                   double seconds, double ingest_rate);

/*  Figure 5 (bench_prop.c): 50 nodes on ports port..port+49 under dir. */
void vfbench_propagation (const char *dir, int port);

#endif
