/*  vfbench.c - measure vfnode against the ceilings that bound it, in one
    run on one machine, and print each figure with its ceiling and the
    ratio (docs: README "Benchmarks").

    Figures so far:
      verify   Ed25519 verifications per second on one core (the ceiling)
      sign     Ed25519 signatures per second on one core
      ceilings BLAKE2b-256 hashes per second, LMDB durable batched appends
               per second, ZeroMQ loopback messages per second, plain and
               CurveZMQ (bench_ceil.c), all of entries' size
      ingest   foreign entries per second through decode + signature check
               + ValueFlows check + durable batched store: on one thread,
               against the verify ceiling; and through the node's own
               pipeline (verifier pool, one worker per core, then the
               writer), against cores x the verify ceiling (figure 1)
      publish  entries per second published through the control API
               (JSON-LD in, validate, sign, durable store, reply), in
               requests of 1 record and of 1000, against the sign ceiling
      trace    items visited per second by a trace (backwards) and a track
               (forwards) over a web of 10 co-ops and --entries events,
               against LMDB random reads over the same store (bench_trace.c)
      sync     figures 4 and 7: a new vfnode catching up the cached store
               from a vfnode holding it, and their private memory
               (bench_sync.c, bench_node.c)
      prop     figure 5: 50 vfnode processes on loopback, time for an
               entry to reach all and copies received (bench_prop.c)
      recon    figure 3: round trips, bytes each way, overhead bytes per
               missing entry and CPU per side to reconcile stores of
               --store-entries entries, built once and cached
               (bench_recon.c, bench_cache.c)
    Each is measured `--runs` times (default 5); the median and the spread
    (min..max) are printed, and written with the machine to
    bench/results.json (--results PATH). No figure is asserted: these
    machines are shared and noisy.
*/
#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vf_control.h"
#include "vf_job.h"
#include "vf_verifier.h"
#include "vf_writer.h"

#include "vf_jsonld.h"
#include "vf_limits.h"
#include "vf_store.h"
#include "vfbench.h"

double
vfbench_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

vf_store_t *
vfbench_store_open (const char *path)
{
    vf_store_t *st = NULL;
    vf_store_opts_t opts = { 8ull << 30, false };
    vf_err_t err = { 0 };
    if (vf_store_open (&st, path, &opts, &err)) {
        fprintf (stderr, "vfbench: %s\n", err.msg);
        exit (1);
    }
    return st;
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

vfbench_figure_t
vfbench_summary (double *v, int n)
{
    qsort (v, (size_t) n, sizeof *v, s_cmp_double);
    vfbench_figure_t f = { v[n / 2], v[0], v[n - 1] };
    return f;
}

/*  Every row printed, for bench/results.json. */
static json_t *s_results;

void
vfbench_row (const char *name, vfbench_figure_t f, const char *unit, const char *ceiling,
             double ceil_value)
{
    int prec = f.median < 100 ? 1 : 0; /* small counts keep a decimal */
    printf ("%-40s %12.*f %-5s (%.*f..%.*f)", name, prec, f.median, unit, prec, f.min, prec, f.max);
    json_t *row = json_pack ("{s:s, s:s, s:f, s:f, s:f}", "name", name, "unit", unit, "median",
                             f.median, "min", f.min, "max", f.max);
    if (ceiling) {
        printf ("   %-20s %10.*f %s   ratio %.3f", ceiling, ceil_value < 100 ? 1 : 0, ceil_value,
                unit, f.median / ceil_value);
        json_object_set_new (row, "ceiling", json_string (ceiling));
        json_object_set_new (row, "ceiling_median", json_real (ceil_value));
        json_object_set_new (row, "ratio", json_real (f.median / ceil_value));
    }
    putchar ('\n');
    json_array_append_new (s_results, row);
}

void
vfbench_result (json_t *row)
{
    json_array_append_new (s_results, row);
}

/*  The CPU model, as /proc/cpuinfo names it ("" if it does not). */
static void
s_cpu_model (char *out, size_t size)
{
    char line[512];
    FILE *f = fopen ("/proc/cpuinfo", "r");
    snprintf (out, size, "%s", "");
    while (f && fgets (line, sizeof line, f)) {
        char *colon = strchr (line, ':');
        if (strncmp (line, "model name", 10) == 0 && colon) {
            snprintf (out, size, "%s", colon + 2);
            out[strcspn (out, "\n")] = '\0';
            break;
        }
    }
    if (f)
        fclose (f);
}

/*  The rows, the machine and the arguments, as JSON in path. */
static void
s_write_results (const char *path, size_t n, int runs)
{
    char cpu[256], dir[512];
    s_cpu_model (cpu, sizeof cpu);
    snprintf (dir, sizeof dir, "%s", path);
    char *slash = strrchr (dir, '/');
    if (slash) {
        *slash = '\0';
        if (mkdir (dir, 0755) != 0 && errno != EEXIST)
            fprintf (stderr, "vfbench: cannot make %s: %s\n", dir, strerror (errno));
    }
    json_t *all = json_pack ("{s:{s:i, s:s}, s:I, s:i, s:O}", "machine", "nproc",
                             (int) sysconf (_SC_NPROCESSORS_ONLN), "cpu", cpu, "entries",
                             (json_int_t) n, "runs", runs, "figures", s_results);
    if (!all || json_dump_file (all, path, JSON_INDENT (2)) != 0)
        fprintf (stderr, "vfbench: cannot write %s\n", path);
    else
        fprintf (stderr, "vfbench: wrote %s\n", path);
    json_decref (all);
}

/*  n signed events (raise, on 1000 resources) by one author. */
static vf_entry_t **
s_make_entries (const vf_identity_t *id, size_t n)
{
    vf_entry_t **all = calloc (n, sizeof *all);
    for (size_t k = 0; k < n; k++) {
        char doc[512];
        snprintf (doc, sizeof doc,
                  "{\"@type\": \"EconomicEvent\", \"@id\": \"urn:bench:e%zu\", \"action\": "
                  "\"raise\", \"provider\": \"urn:bench:coop\", \"receiver\": \"urn:bench:coop\", "
                  "\"resourceInventoriedAs\": \"urn:bench:r%zu\", \"resourceQuantity\": "
                  "{\"hasNumericalValue\": \"%zu.5\", \"hasUnit\": \"kilogram\"}}",
                  k, k % 1000, k % 97);
        vf_records_t *recs = NULL;
        uint64_t seq = k + 1;
        if (vf_jsonld_import (doc, strlen (doc), &recs, NULL) ||
            vf_records_prepare (recs, vf_identity_public (id), &seq, 1700000000000ull + k, NULL,
                                NULL) ||
            vf_entry_sign (recs->items[0].entry, id, NULL)) {
            fprintf (stderr, "vfbench: cannot make entry %zu\n", k);
            exit (1);
        }
        all[k] = recs->items[0].entry;
        recs->items[0].entry = NULL;
        vf_records_destroy (&recs);
    }
    return all;
}

static double
s_verify_rate (vf_entry_t **all, size_t n)
{
    double t0 = vfbench_now ();
    size_t ok = 0;
    for (size_t k = 0; k < n; k++)
        ok += vf_verify (all[k]->sig, all[k]->id, VF_HASH_BYTES, all[k]->author) == 0;
    double dt = vfbench_now () - t0;
    if (ok != n)
        fprintf (stderr, "vfbench: %zu signatures failed\n", n - ok);
    return (double) n / dt;
}

static double
s_sign_rate (const vf_identity_t *id, size_t n)
{
    uint8_t msg[32] = { 1 }, sig[VF_SIG_BYTES];
    double t0 = vfbench_now ();
    for (size_t k = 0; k < n; k++) {
        msg[0] = (uint8_t) k;
        if (vf_identity_sign (id, sig, msg, sizeof msg))
            exit (1);
    }
    return (double) n / (vfbench_now () - t0);
}

/*  Open each blob as a peer would (decode, verify), then store batches of
    1000 in a fresh store. */
static double
s_ingest_rate (vf_entry_t **all, size_t n, const char *dir, int run)
{
    char path[512], cmd[600];
    snprintf (path, sizeof path, "%s/ingest%d", dir, run);
    vf_store_t *st = vfbench_store_open (path);
    vf_err_t err = { 0 };
    enum { BATCH = 1000 };
    vf_entry_t *batch[BATCH];
    vf_ingest_result_t res[BATCH];
    double t0 = vfbench_now ();
    for (size_t k = 0; k < n; k += BATCH) {
        size_t m = n - k < BATCH ? n - k : BATCH;
        for (size_t i = 0; i < m; i++)
            if (vf_entry_open (&batch[i], all[k + i]->blob, all[k + i]->blob_len, &err))
                exit (1);
        if (vf_store_ingest (st, batch, m, res, &err)) {
            fprintf (stderr, "vfbench: ingest: %s\n", err.msg);
            exit (1);
        }
        for (size_t i = 0; i < m; i++) {
            if (res[i].outcome != VF_OUTCOME_STORED)
                exit (1);
            vf_entry_destroy (&batch[i]);
        }
    }
    double rate = (double) n / (vfbench_now () - t0);
    vf_store_destroy (&st);
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system (cmd) != 0)
        fprintf (stderr, "vfbench: could not remove %s\n", path);
    return rate;
}

/*  The node's pipeline in this process, on a fresh node directory. */
typedef struct {
    char dir[64];
    vf_store_t *store;
    vf_identity_t *id;
    zactor_t *writer, *control, *verifiers[64];
    int index[64], nverifiers;
    vf_writer_args_t wargs;
    vf_control_args_t cargs;
} s_node_t;

static void
s_node_start (s_node_t *n, const char *base, int run)
{
    char path[600];
    snprintf (n->dir, sizeof n->dir, "%s/node%d", base, run);
    mkdir (n->dir, 0700);
    snprintf (path, sizeof path, "%s/store", n->dir);
    vf_store_opts_t opts = { 8ull << 30, false };
    n->id = vf_identity_new ();
    if (!n->id || vf_store_open (&n->store, path, &opts, NULL))
        exit (1);
    n->wargs = (vf_writer_args_t){ n->store, 1000, 2 };
    n->writer = zactor_new (vf_writer_actor, &n->wargs);
    n->nverifiers = (int) sysconf (_SC_NPROCESSORS_ONLN);
    n->nverifiers = n->nverifiers < 1 ? 1 : n->nverifiers > 64 ? 64 : n->nverifiers;
    for (int k = 0; k < n->nverifiers; k++) {
        n->index[k] = k;
        n->verifiers[k] = zactor_new (vf_verifier_actor, &n->index[k]);
    }
    n->cargs =
        (vf_control_args_t){ n->store, n->id, "bench", n->dir, 64u << 20, 10000, n->nverifiers };
    n->control = zactor_new (vf_control_actor, &n->cargs);
    if (!n->writer || !n->control)
        exit (1);
}

static void
s_node_stop (s_node_t *n)
{
    zactor_destroy (&n->control);
    for (int k = 0; k < n->nverifiers; k++)
        zactor_destroy (&n->verifiers[k]);
    zactor_destroy (&n->writer);
    vf_store_destroy (&n->store);
    vf_identity_destroy (&n->id);
}

/*  Figure 1 as the node ingests entries from a peer: jobs of 256 signed
    blobs (an ENTRIES message's worth) pushed to the verifier pool, one
    worker per core (decode, id, signature, ValueFlows rules), which hands
    them to the writer (durable batched store); S_PIPE_JOBS jobs in flight. */
#define S_PIPE_JOB 256
#define S_PIPE_JOBS 16
#define S_PIPE_DONE "inproc://vfbench-done"

static vf_job_t *
s_pipeline_job (vf_entry_t **all, size_t first, size_t m)
{
    vf_job_t *job = vf_job_new (m, first, S_PIPE_DONE);
    if (job) { /* the requester allocates the blob slots (as node/vf_peer.c) */
        job->blobs = calloc (m, sizeof *job->blobs);
        job->blob_lens = calloc (m, sizeof *job->blob_lens);
    }
    if (!job || !job->blobs || !job->blob_lens)
        exit (1);
    for (size_t i = 0; i < m; i++) {
        job->blobs[i] = malloc (all[first + i]->blob_len);
        if (!job->blobs[i])
            exit (1);
        memcpy (job->blobs[i], all[first + i]->blob, all[first + i]->blob_len);
        job->blob_lens[i] = all[first + i]->blob_len;
    }
    return job;
}

static double
s_pipeline_rate (vf_entry_t **all, size_t n, const char *base, int run)
{
    s_node_t nd = { 0 };
    s_node_start (&nd, base, run);
    zsock_t *done = zsock_new_pull (S_PIPE_DONE);
    zsock_t *push = zsock_new (ZMQ_PUSH);
    zsock_set_sndhwm (push, 0);
    if (!done || vf_verifier_connect (push, nd.nverifiers) != 0)
        exit (1);
    size_t sent = 0, stored = 0, inflight = 0;
    double t0 = vfbench_now ();
    while (sent < n || inflight) {
        while (sent < n && inflight < S_PIPE_JOBS) {
            size_t m = n - sent < S_PIPE_JOB ? n - sent : S_PIPE_JOB;
            vf_job_t *job = s_pipeline_job (all, sent, m);
            if (zsock_send (push, "p", job) != 0)
                exit (1);
            sent += m, inflight++;
        }
        vf_job_t *job = NULL;
        if (zsock_recv (done, "p", &job) != 0 || !job)
            exit (1);
        for (size_t i = 0; i < job->n; i++)
            stored += job->results[i].outcome == VF_OUTCOME_STORED;
        vf_job_destroy (&job);
        inflight--;
    }
    double rate = (double) n / (vfbench_now () - t0);
    if (stored != n)
        fprintf (stderr, "vfbench: pipeline stored %zu of %zu\n", stored, n);
    zsock_destroy (&push);
    zsock_destroy (&done);
    s_node_stop (&nd);
    return rate;
}

/*  A publish request of `records` raise events, numbered from first. */
static char *
s_publish_request (size_t first, size_t records)
{
    size_t cap = 128 + records * 300, off = 0;
    char *req = malloc (cap);
    off += (size_t) snprintf (req + off, cap - off, "{\"request\": \"publish\", \"document\": [");
    for (size_t k = first; k < first + records; k++)
        off += (size_t) snprintf (
            req + off, cap - off,
            "%s{\"@type\": \"EconomicEvent\", \"@id\": \"urn:pub:e%zu\", \"action\": \"raise\", "
            "\"provider\": \"urn:coop\", \"receiver\": \"urn:coop\", \"resourceInventoriedAs\": "
            "\"urn:pub:r%zu\", \"resourceQuantity\": {\"hasNumericalValue\": 1, \"hasUnit\": "
            "\"one\"}}",
            k == first ? "" : ",", k, k % 1000);
    snprintf (req + off, cap - off, "]}");
    return req;
}

/*  Requests of one record in flight: the writer commits what has come
    together, so more in flight is more per commit (8 gave a third of 64). */
#define S_PUBLISH_WINDOW 64

/*  Entries per second published through the control socket, keeping
    `window` requests of `batch` records in flight (the node keeps the
    replies a client has not read yet in a backlog since commit 4db9ac0;
    before it, replies beyond 16 unread were dropped and this benchmark
    waited forever). A reply that does not come within a minute fails the
    benchmark instead of hanging it. */
static double
s_publish_rate (const char *base, int run, size_t total, size_t batch)
{
    s_node_t n = { 0 };
    s_node_start (&n, base, run);
    zsock_t *client = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (client, 60000);
    zsock_connect (client, "ipc://%s/control.sock", n.dir);
    size_t requests = total / batch, sent = 0, done = 0;
    size_t window = batch == 1 ? S_PUBLISH_WINDOW : 4;
    char **reqs = calloc (requests, sizeof *reqs);
    for (size_t k = 0; k < requests; k++)
        reqs[k] = s_publish_request (k * batch, batch);
    double t0 = vfbench_now ();
    while (done < requests) {
        while (sent < requests && sent - done < window)
            zstr_send (client, reqs[sent++]);
        char *reply = zstr_recv (client);
        if (!reply || !strstr (reply, "\"ok\":true")) {
            fprintf (stderr, "vfbench: publish failed: %.200s\n", reply ? reply : "(no reply)");
            exit (1);
        }
        zstr_free (&reply);
        done++;
    }
    double rate = (double) (requests * batch) / (vfbench_now () - t0);
    for (size_t k = 0; k < requests; k++)
        free (reqs[k]);
    free (reqs);
    zsock_destroy (&client);
    s_node_stop (&n);
    return rate;
}

/*  The figures measured against the Ed25519 ceilings; the median of
    ingest (figure 1). */
static double
s_core (const vf_identity_t *id, size_t n, int runs, const char *dir)
{
    fprintf (stderr, "vfbench: signing %zu entries...\n", n);
    vf_entry_t **all = s_make_entries (id, n);
    double verify[50], sign[50], ingest[50], pub1[50], pub1000[50];
    double blake[50], append[50], zmq[50], zmq_curve[50], pipe[50];
    size_t npub = n < 20000 ? n : 20000, blob = 0;
    for (size_t k = 0; k < n; k++)
        blob += all[k]->blob_len;
    blob /= n; /* the mean size of a signed entry */
    fprintf (stderr, "vfbench: entries of %zu bytes on average (signature included)\n", blob);
    for (int r = 0; r < runs; r++) {
        verify[r] = s_verify_rate (all, n < 20000 ? n : 20000);
        sign[r] = s_sign_rate (id, 20000);
        blake[r] = vfbench_blake2b_rate (all, n);
        append[r] = vfbench_append_rate (dir, r, n, blob);
        zmq[r] = vfbench_zmq_rate (200000, blob, false);
        zmq_curve[r] = vfbench_zmq_rate (200000, blob, true);
        ingest[r] = s_ingest_rate (all, n, dir, r);
        pipe[r] = s_pipeline_rate (all, n, dir, 100 + r);
        pub1[r] = s_publish_rate (dir, 2 * r, npub / 4, 1);
        pub1000[r] = s_publish_rate (dir, 2 * r + 1, npub, 1000);
    }
    vfbench_figure_t v = vfbench_summary (verify, runs), s = vfbench_summary (sign, runs);
    vfbench_row ("ceiling: Ed25519 verify, 1 core", v, "/s", NULL, 0);
    vfbench_row ("ceiling: Ed25519 sign, 1 core", s, "/s", NULL, 0);
    vfbench_figure_t ap = vfbench_summary (append, runs);
    vfbench_row ("ceiling: BLAKE2b-256 of an entry, 1 core", vfbench_summary (blake, runs), "/s",
                 NULL, 0);
    vfbench_row ("ceiling: LMDB durable batched append", ap, "/s", NULL, 0);
    vfbench_row ("ceiling: ZeroMQ loopback messages", vfbench_summary (zmq, runs), "/s", NULL, 0);
    vfbench_row ("ceiling: ZeroMQ loopback, CurveZMQ", vfbench_summary (zmq_curve, runs), "/s",
                 NULL, 0);
    vfbench_figure_t in = vfbench_summary (ingest, runs);
    vfbench_row ("ingest (open+check+store), 1 core", in, "/s", "verify ceiling", v.median);
    vfbench_row ("ingest, against LMDB appends", in, "/s", "LMDB append ceiling", ap.median);
    int cores = (int) sysconf (_SC_NPROCESSORS_ONLN);
    char label[64];
    snprintf (label, sizeof label, "%d x verify ceiling", cores);
    vfbench_row ("ingest, node pipeline, all cores", vfbench_summary (pipe, runs), "/s", label,
                 cores * v.median);
    vfbench_row ("publish via control API, batch 1", vfbench_summary (pub1, runs), "/s",
                 "sign ceiling", s.median);
    vfbench_row ("publish via control API, batch 1000", vfbench_summary (pub1000, runs), "/s",
                 "sign ceiling", s.median);
    for (size_t k = 0; k < n; k++)
        vf_entry_destroy (&all[k]);
    free (all);
    return in.median;
}

static void
s_usage (void)
{
    fprintf (stderr,
             "usage: vfbench [--entries N] [--store-entries N] [--runs R] [--results PATH]\n"
             "               [--cache DIR] [--sync-reconcile D]\n"
             "               [--sync-seconds S]\n"
             "               [--only core|trace|recon|sync|prop]\n"
             "  --entries N        entries of figures 1, 2 and the trace web (100000)\n"
             "  --store-entries N  entries of the stores of figures 3, 4 and 7\n"
             "                     (1000000, or --entries when that is given)\n"
             "  --cache DIR        where those stores are kept between runs\n"
             "                     (build/bench-cache)\n");
}

int
main (int argc, char **argv)
{
    size_t n = 100000, big = 1000000;
    bool big_set = false, n_set = false;
    int runs = 5;
    const char *results = "bench/results.json", *only = NULL, *cache = "build/bench-cache";
    const char *reconcile = NULL;
    double sync_seconds = 300;
    for (int k = 1; k < argc; k++) {
        if (strcmp (argv[k], "--entries") == 0 && k + 1 < argc)
            n = strtoul (argv[++k], NULL, 10), n_set = true;
        else if (strcmp (argv[k], "--store-entries") == 0 && k + 1 < argc)
            big = strtoul (argv[++k], NULL, 10), big_set = true;
        else if (strcmp (argv[k], "--runs") == 0 && k + 1 < argc)
            runs = atoi (argv[++k]);
        else if (strcmp (argv[k], "--results") == 0 && k + 1 < argc)
            results = argv[++k];
        else if (strcmp (argv[k], "--cache") == 0 && k + 1 < argc)
            cache = argv[++k];
        else if (strcmp (argv[k], "--sync-seconds") == 0 && k + 1 < argc)
            sync_seconds = strtod (argv[++k], NULL);
        else if (strcmp (argv[k], "--sync-reconcile") == 0 && k + 1 < argc)
            reconcile = argv[++k];
        else if (strcmp (argv[k], "--only") == 0 && k + 1 < argc)
            only = argv[++k];
        else {
            s_usage ();
            return 2;
        }
    }
    if (n_set && !big_set)
        big = n;
    if (n == 0 || big < 1000 || runs < 1 || runs > 50 || vf_crypto_init ()) {
        s_usage ();
        return 2;
    }
    char dir[] = "/tmp/vfbench-XXXXXX";
    if (!mkdtemp (dir))
        return 1;
    uint8_t seed[VF_SEED_BYTES] = { 9 };
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    zsys_init ();
    s_results = json_array ();
    printf ("vfbench: %zu entries, stores of %zu, %d runs, median (min..max)\n", n, big, runs);
    fflush (stdout);
    double ingest = 0;
    /*  loopback ports of the real nodes: a range of 64 from our pid, away
        from the tests' (17xxx) and from others' benchmarks */
    int port = 30000 + (int) (getpid () % 500) * 64;
    if (!only || strcmp (only, "core") == 0)
        ingest = s_core (id, n, runs, dir);
    fflush (stdout);
    if (!only || strcmp (only, "trace") == 0)
        vfbench_trace (n, runs, dir);
    fflush (stdout);
    vfbench_cache_t stores;
    if (!only || strcmp (only, "recon") == 0) {
        vfbench_cache_stores (id, big, cache, &stores);
        vfbench_recon (&stores, runs);
    }
    fflush (stdout);
    if (!only || strcmp (only, "sync") == 0) {
        if (only)
            vfbench_cache_stores (id, big, cache, &stores);
        vfbench_sync (&stores, dir, port, reconcile, sync_seconds, ingest);
    }
    fflush (stdout);
    if (!only || strcmp (only, "prop") == 0)
        vfbench_propagation (dir, port + 1);
    fflush (stdout);
    s_write_results (results, n, runs);
    json_decref (s_results);
    vf_identity_destroy (&id);
    char cmd[64];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system (cmd) == 0 ? 0 : 1;
}
