/*  bench_recon.c - what set reconciliation costs between two real stores
    (LMDB, the store's source: cached bucket sums, count splits from the
    nets index), for the cases the replication issue names:
      in sync            both hold the same n entries
      newest 100         one lacks the 100 newest entries
      100 scattered old  one lacks 100 entries spread over the older ones
    For each: round trips, bytes in both directions, and the time the two
    sides spent computing. The ceiling is the simplest exchange that works:
    both sides send their whole id list (2 x n x 32 bytes, one round trip);
    the ratio is bytes / that. Entries are Process records whose times are
    spread over a year, as a co-op's entries are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vf_recon.h"
#include "vf_recon_store.h"
#include "vf_store.h"
#include "vfbench.h"

#define S_YEAR_MS (365ull * 24 * 3600 * 1000)
#define S_DIFF 100

static vf_entry_t **
s_spread_entries (const vf_identity_t *id, size_t n)
{
    vf_entry_t **all = calloc (n, sizeof *all);
    if (!all)
        exit (1);
    for (size_t k = 0; k < n; k++) {
        vf_entry_t *e = vf_entry_new ();
        char iri[64];
        snprintf (iri, sizeof iri, "urn:bench:p%zu", k);
        json_t *body = json_pack ("{s:s, s:s}", "@id", iri, "name", "bench");
        strcpy (e->cls, "Process");
        e->seq = k + 1;
        e->time = 1700000000000ull + (uint64_t) ((double) k * (double) S_YEAR_MS / (double) n);
        vf_entry_set_body (e, &body);
        if (vf_entry_sign (e, id, NULL)) {
            fprintf (stderr, "vfbench: cannot sign entry %zu\n", k);
            exit (1);
        }
        all[k] = e;
    }
    return all;
}

/*  Does store `which` hold entry k? */
static bool
s_holds (int which, size_t k, size_t n)
{
    if (which == 1) /* lacks the newest */
        return k < n - S_DIFF;
    if (which == 2) /* lacks 100 spread over the oldest 90% */
        return !(k % ((n * 9 / 10) / S_DIFF) == 3 && k < n * 9 / 10);
    return true;
}

static vf_store_t *
s_fill (const char *dir, int which, vf_entry_t **all, size_t n)
{
    char path[512];
    snprintf (path, sizeof path, "%s/recon%d", dir, which);
    vf_store_t *st = NULL;
    vf_store_opts_t opts = { 8ull << 30, false };
    vf_err_t err = { 0 };
    if (vf_store_open (&st, path, &opts, &err)) {
        fprintf (stderr, "vfbench: %s\n", err.msg);
        exit (1);
    }
    enum { BATCH = 1000 };
    vf_entry_t *batch[BATCH];
    vf_ingest_result_t res[BATCH];
    size_t m = 0;
    for (size_t k = 0; k <= n; k++) {
        if (k < n && s_holds (which, k, n))
            batch[m++] = all[k];
        if (m && (m == BATCH || k == n)) {
            if (vf_store_ingest (st, batch, m, res, &err)) {
                fprintf (stderr, "vfbench: ingest: %s\n", err.msg);
                exit (1);
            }
            m = 0;
        }
    }
    return st;
}

typedef struct {
    int rounds;     /* round trips: a message and its answer */
    size_t bytes;   /* both directions */
    size_t learned; /* ids the initiator found it lacks or holds alone */
    double seconds;
} s_cost_t;

/*  a initiates; messages go back and forth until neither sends. */
static s_cost_t
s_reconcile (vf_store_t *a, vf_store_t *b)
{
    static const uint8_t pub[VF_KEY_BYTES] = { 0 };
    vf_store_recon_t *ra = NULL, *rb = NULL;
    vf_err_t err = { 0 };
    s_cost_t c = { 0 };
    if (vf_store_recon_open (a, pub, &ra, &err) || vf_store_recon_open (b, pub, &rb, &err)) {
        fprintf (stderr, "vfbench: %s\n", err.msg);
        exit (1);
    }
    vf_recon_source_t sa = vf_store_recon_source (ra), sb = vf_store_recon_source (rb);
    vf_recon_ids_t have_a = { 0 }, need_a = { 0 }, have_b = { 0 }, need_b = { 0 };
    uint8_t *msg = NULL, *reply = NULL;
    size_t len = 0, rlen = 0;
    bool done = false;
    double t0 = vfbench_now ();
    int rc = vf_recon_initiate (&sa, NULL, &msg, &len, &err);
    while (rc == 0 && msg && c.rounds < 100) {
        c.bytes += len;
        c.rounds++;
        rc = vf_recon_respond (&sb, NULL, msg, len, &reply, &rlen, &have_b, &need_b, &done, &err);
        free (msg), msg = NULL;
        if (rc || !reply)
            break;
        c.bytes += rlen;
        rc = vf_recon_respond (&sa, NULL, reply, rlen, &msg, &len, &have_a, &need_a, &done, &err);
        free (reply), reply = NULL;
    }
    c.seconds = vfbench_now () - t0;
    if (rc) {
        fprintf (stderr, "vfbench: reconcile: %s\n", err.msg);
        exit (1);
    }
    c.learned = have_a.n + need_a.n;
    free (msg);
    free (reply);
    vf_recon_ids_clear (&have_a);
    vf_recon_ids_clear (&need_a);
    vf_recon_ids_clear (&have_b);
    vf_recon_ids_clear (&need_b);
    vf_store_recon_close (&ra);
    vf_store_recon_close (&rb);
    return c;
}

static void
s_print (const char *name, s_cost_t c, size_t expect, size_t n)
{
    double naive = 2.0 * (double) n * 32.0;
    printf ("%-34s %3d round trips %9zu bytes  ratio %.5f  %6.1f ms  found %zu/%zu\n", name,
            c.rounds, c.bytes, (double) c.bytes / naive, c.seconds * 1000, c.learned, expect);
}

void
vfbench_recon (const vf_identity_t *id, size_t n, const char *dir)
{
    if (n < 10 * S_DIFF) {
        fprintf (stderr, "vfbench: reconciliation needs --entries of at least %d\n", 10 * S_DIFF);
        return;
    }
    fprintf (stderr, "vfbench: reconciliation: signing and storing 3 x %zu entries...\n", n);
    vf_entry_t **all = s_spread_entries (id, n);
    vf_store_t *full = s_fill (dir, 0, all, n), *old = s_fill (dir, 1, all, n),
               *holes = s_fill (dir, 2, all, n);
    size_t lacks_holes = 0;
    for (size_t k = 0; k < n; k++)
        lacks_holes += !s_holds (2, k, n);
    printf ("reconciliation of two stores of %zu entries (ceiling: both send all ids, %zu bytes, "
            "1 round trip)\n",
            n, 2 * n * 32);
    s_print ("in sync", s_reconcile (full, full), 0, n);
    s_print ("newest 100 missing, holder starts", s_reconcile (full, old), S_DIFF, n);
    s_print ("newest 100 missing, lacker starts", s_reconcile (old, full), S_DIFF, n);
    s_print ("100 scattered old missing", s_reconcile (holes, full), lacks_holes, n);
    vf_store_destroy (&full);
    vf_store_destroy (&old);
    vf_store_destroy (&holes);
    for (size_t k = 0; k < n; k++)
        vf_entry_destroy (&all[k]);
    free (all);
}
