/*  bench_cache.c - the big stores of figures 3, 4 and 7, built once and
    kept under the cache folder (default build/bench-cache/) keyed by their
    size and S_CACHE_VERSION, so that a second `make bench` finds them.

    n Process records by the benchmark's identity (public audience), dated
    over a year in order, numbered k = 0..n-1 (entry k has seq k + 1, so
    the stores hold the same entries whenever they are built). Each entry
    belongs to one set:
      R   the 100 newest
      S1  100 spread over the oldest 90 %
      S2  100 others spread the same way
      D   10,000 (n/20 for stores under 200,000) spread the same way
      base  the rest
    and the stores hold:
      full      everything
      new       all but R
      holes_a   all but S1
      holes_b   all but S2
      many      all but D
    Built as one store of the base, copied (LMDB files, closed) five times,
    each copy given the sets it holds. A cache folder without its `ready`
    file (a build cut short), or whose stores do not open (another store
    schema), is built again. Bump S_CACHE_VERSION when the entries change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf_limits.h"
#include "vf_store.h"
#include "vfbench.h"

#define S_CACHE_VERSION 1
#define S_YEAR_MS (365ull * 24 * 3600 * 1000)
#define S_EPOCH_MS 1700000000000ull
#define S_NEWEST 100
#define S_SCATTERED 100
#define S_MANY 10000
#define S_BATCH 4096

enum { S_BASE, S_R, S_S1, S_S2, S_D };

static const char *const s_names[VFBENCH_STORES] = { "full", "new", "holes_a", "holes_b", "many" };

/*  Does store `which` hold the entries of set `set`? */
static bool
s_holds (int which, int set)
{
    static const int lacks[VFBENCH_STORES] = { -1, S_R, S_S1, S_S2, S_D };
    return set != lacks[which];
}

static size_t
s_many (size_t n)
{
    return n >= 200000 ? S_MANY : n / 20;
}

/*  The set of entry k of n. */
static int
s_set (size_t k, size_t n)
{
    size_t old = n * 9 / 10, ss = old / S_SCATTERED, sd = old / s_many (n);
    if (k >= n - S_NEWEST)
        return S_R;
    if (k < old && k % ss == 3 && k / ss < S_SCATTERED)
        return S_S1;
    if (k < old && k % ss == ss / 2 && k / ss < S_SCATTERED)
        return S_S2;
    if (k < old && k % sd == sd / 4 + 1 && k / sd < s_many (n))
        return S_D;
    return S_BASE;
}

/*  Entry k of n, signed. */
static vf_entry_t *
s_entry (const vf_identity_t *id, size_t k, size_t n)
{
    vf_entry_t *e = vf_entry_new ();
    char iri[64];
    snprintf (iri, sizeof iri, "urn:bench:p%zu", k);
    json_t *body = json_pack ("{s:s, s:s}", "@id", iri, "name", "bench");
    if (!e || !body)
        exit (1);
    strcpy (e->cls, "Process");
    e->seq = k + 1;
    e->time = S_EPOCH_MS + (uint64_t) ((double) k * (double) S_YEAR_MS / (double) n);
    vf_entry_set_body (e, &body);
    if (vf_entry_sign (e, id, NULL)) {
        fprintf (stderr, "vfbench: cannot sign entry %zu\n", k);
        exit (1);
    }
    return e;
}

static void
s_ingest (vf_store_t *st, vf_entry_t **batch, size_t m)
{
    vf_ingest_result_t res[S_BATCH];
    vf_err_t err = { 0 };
    if (m && vf_store_ingest (st, batch, m, res, &err)) {
        fprintf (stderr, "vfbench: ingest: %s\n", err.msg);
        exit (1);
    }
}

/*  Run a shell command of ours; the benchmark stops if it fails. */
static void
s_shell (const char *cmd)
{
    if (system (cmd) != 0) {
        fprintf (stderr, "vfbench: failed: %s\n", cmd);
        exit (1);
    }
}

/*  Build every store of the cache in c->dir. */
static void
s_build (const vf_identity_t *id, vfbench_cache_t *c)
{
    size_t n = c->n, nextra = 0;
    double t0 = vfbench_now ();
    char base[600];
    snprintf (base, sizeof base, "%s/base", c->dir);
    fprintf (stderr, "vfbench: building the stores of %zu entries in %s (once)...\n", n, c->dir);
    vf_store_t *st = vfbench_store_open (base);
    vf_entry_t **extra = calloc (2 * S_SCATTERED + S_NEWEST + s_many (n), sizeof *extra);
    vf_entry_t *batch[S_BATCH];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        vf_entry_t *e = s_entry (id, k, n);
        if (s_set (k, n) != S_BASE) {
            extra[nextra++] = e;
            continue;
        }
        batch[m++] = e;
        if (m == S_BATCH || k == n - 1) {
            s_ingest (st, batch, m);
            while (m)
                vf_entry_destroy (&batch[--m]);
        }
    }
    s_ingest (st, batch, m);
    while (m)
        vf_entry_destroy (&batch[--m]);
    vf_store_destroy (&st);
    fprintf (stderr, "vfbench: base store built in %.0f s\n", vfbench_now () - t0);
    for (int w = 0; w < VFBENCH_STORES; w++) {
        char cmd[1400];
        snprintf (cmd, sizeof cmd, "cp -r '%s' '%s'", base, c->store[w]);
        s_shell (cmd);
        st = vfbench_store_open (c->store[w]);
        for (size_t k = 0; k < nextra; k++) {
            size_t idx = extra[k]->seq - 1;
            if (s_holds (w, s_set (idx, n)))
                batch[m++] = extra[k];
            if (m == S_BATCH || (k == nextra - 1 && m)) {
                s_ingest (st, batch, m);
                m = 0;
            }
        }
        vf_store_destroy (&st);
    }
    for (size_t k = 0; k < nextra; k++)
        vf_entry_destroy (&extra[k]);
    free (extra);
    char cmd[700];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
    s_shell (cmd);
    char ready[700];
    snprintf (ready, sizeof ready, "%s/ready", c->dir);
    FILE *f = fopen (ready, "w");
    if (!f || fprintf (f, "%zu entries, built in %.0f s\n", n, vfbench_now () - t0) < 0 ||
        fclose (f) != 0) {
        fprintf (stderr, "vfbench: cannot write %s\n", ready);
        exit (1);
    }
    fprintf (stderr, "vfbench: stores built in %.0f s\n", vfbench_now () - t0);
}

/*  Do the cached stores exist and open? */
static bool
s_usable (const vfbench_cache_t *c)
{
    char ready[700];
    snprintf (ready, sizeof ready, "%s/ready", c->dir);
    if (access (ready, R_OK) != 0)
        return false;
    for (int w = 0; w < VFBENCH_STORES; w++) {
        vf_store_t *st = NULL;
        vf_store_opts_t opts = { 8ull << 30, true };
        vf_err_t err = { 0 };
        if (vf_store_open (&st, c->store[w], &opts, &err)) {
            fprintf (stderr, "vfbench: cached store %s: %s; building again\n", c->store[w],
                     err.msg);
            return false;
        }
        vf_store_destroy (&st);
    }
    return true;
}

void
vfbench_cache_stores (const vf_identity_t *id, size_t n, const char *root, vfbench_cache_t *c)
{
    memset (c, 0, sizeof *c);
    c->n = n;
    for (size_t k = 0; k < n; k++) {
        int set = s_set (k, n);
        c->scattered += set == S_S1;
        c->many += set == S_D;
    }
    snprintf (c->dir, sizeof c->dir, "%s/recon-%zu-v%d", root, n, S_CACHE_VERSION);
    for (int w = 0; w < VFBENCH_STORES; w++)
        snprintf (c->store[w], sizeof c->store[w], "%s/%s", c->dir, s_names[w]);
    if (s_usable (c))
        return;
    char cmd[1200];
    snprintf (cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", c->dir, c->dir);
    s_shell (cmd);
    s_build (id, c);
}
