/*  bench_trace.c - how fast track and trace walk a realistic supply web,
    against the raw LMDB random-read loop (vf_store_random_reads) over the
    same store in the same run.

    The web: S_COOPS co-ops (identities from fixed seeds), each running
    production processes one after another at random: every process has
    one or two work inputs, two or three consume inputs taken from the
    co-op's recent stock and one produce output, a new lot (an
    EconomicResource the co-op defines first, with a lot code). About a
    third of the lots are sold right after they are made: the maker
    transfers the lot (resourceInventoriedAs its lot) into a resource of
    one of its customers (toResourceInventoriedAs), which the customer
    defines beforehand with the same lot code and confirms afterwards (a
    Confirmation of the event's IRI and entry id: without it the walk
    would not cross, docs/STORE.md "Nobody changes another co-op's
    inventory"); the customer then consumes it in its own processes. A
    co-op whose stock runs short raises a raw lot (bought from outside
    the web). Events are dated a minute apart in the order they are made
    (inputs before outputs, transfers after production) and signed a
    second after their date.

    Then, --runs times: LMDB random reads (the ceiling), a trace from one
    of the last products and a track from one of the first raw lots, all
    with max_items VF_TRACE_ITEMS_MAX; each walk is timed on its own and
    gives items visited per second of wall time.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vf_jsonld.h"
#include "vf_store.h"
#include "vf_text.h"
#include "vf_trace.h"
#include "vfbench.h"

#define S_COOPS 10
#define S_BATCH 4096    /* entries per vf_store_ingest (VF_INGEST_BATCH_MAX) */
#define S_IRI 64        /* our IRIs are short */
#define S_STOCK 512     /* most lots a co-op keeps on hand */
#define S_RECENT 8      /* inputs are taken from the newest lots on hand */
#define S_STARTS 50     /* walk starts kept (--runs is at most 50) */
#define S_READS 1000000 /* random reads per ceiling run */
#define S_MINUTE 60000ull
/*  2025-01-01T00:00:00Z: events are dated a minute apart from here */
#define S_EPOCH_MS 1735689600000ull

typedef struct {
    char iri[S_IRI];
    char code[32]; /* lot code: trackingIdentifier, kept across a sale */
    int uses;      /* consumptions left before it is used up */
} s_lot_t;

typedef struct {
    vf_store_t *st;
    vf_identity_t *who[S_COOPS];
    uint64_t seq[S_COOPS];
    uint64_t clock; /* the date of the next record, ms */
    uint64_t rng;
    vf_entry_t *batch[S_BATCH];
    size_t nbatch;
    size_t events, records, walkable, next_iri; /* walkable: events, processes, resources */
    s_lot_t stock[S_COOPS][S_STOCK];
    size_t nstock[S_COOPS];
    char raws[S_STARTS][S_IRI];     /* the first raw lots */
    char products[S_STARTS][S_IRI]; /* ring of the last products */
    size_t nraws, nproducts;
} s_web_t;

static void
s_die (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "vfbench: trace: ");
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
    exit (1);
}

/*  xorshift64: the same web on every run */
static unsigned
s_rand (s_web_t *g, unsigned n)
{
    g->rng ^= g->rng << 13, g->rng ^= g->rng >> 7, g->rng ^= g->rng << 17;
    return (unsigned) (g->rng % n);
}

static void
s_flush (s_web_t *g)
{
    vf_ingest_result_t *res = calloc (g->nbatch, sizeof *res);
    vf_err_t err = { 0 };
    if (!res || vf_store_ingest (g->st, g->batch, g->nbatch, res, &err))
        s_die ("ingest: %s", err.msg);
    for (size_t k = 0; k < g->nbatch; k++) {
        if (res[k].outcome != VF_OUTCOME_STORED)
            s_die ("%s not stored: %s", vf_entry_iri (g->batch[k]), res[k].reason);
        vf_entry_destroy (&g->batch[k]);
    }
    g->nbatch = 0;
    free (res);
}

/*  Sign one JSON-LD node as co-op org, dated at the clock, and queue it
    for the store; id (may be NULL) gets the entry's vfe_ id. */
static void
s_emit (s_web_t *g, int org, const char *json, char *id)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (json, strlen (json), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (g->who[org]), &g->seq[org], g->clock + 1000,
                            NULL, &err) ||
        vf_entry_check (recs->items[0].entry, &err) ||
        vf_entry_sign (recs->items[0].entry, g->who[org], &err))
        s_die ("%s: %s", json, err.msg);
    vf_entry_t *e = recs->items[0].entry;
    recs->items[0].entry = NULL;
    vf_records_destroy (&recs);
    if (id)
        vf_text_encode (id, VF_TEXT_ID, e->id);
    g->events += strcmp (e->cls, "EconomicEvent") == 0;
    g->walkable += strcmp (e->cls, "EconomicEvent") == 0 || strcmp (e->cls, "Process") == 0 ||
                   strcmp (e->cls, "EconomicResource") == 0;
    g->records++;
    g->clock += S_MINUTE;
    g->batch[g->nbatch++] = e;
    if (g->nbatch == S_BATCH)
        s_flush (g);
}

/*  An event by co-op org (provider) for co-op to (receiver), dated at the
    clock; `more` is the rest of its properties. */
static void
s_event (s_web_t *g, int org, int to, const char *iri, const char *action, const char *more,
         char *id)
{
    char when[32], json[1024];
    time_t secs = (time_t) (g->clock / 1000);
    struct tm tm;
    gmtime_r (&secs, &tm);
    strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf (json, sizeof json,
              "{\"@type\": \"EconomicEvent\", \"@id\": \"%s\", \"action\": \"%s\", "
              "\"provider\": \"urn:coop:%d\", \"receiver\": \"urn:coop:%d\", "
              "\"hasPointInTime\": \"%s\", %s}",
              iri, action, org, to, when, more);
    s_emit (g, org, json, id);
}

static void
s_resource (s_web_t *g, int org, const char *iri, const char *spec, const char *code)
{
    char json[512];
    snprintf (json, sizeof json,
              "{\"@type\": \"EconomicResource\", \"@id\": \"%s\", \"conformsTo\": \"%s\", "
              "\"trackingIdentifier\": \"%s\"}",
              iri, spec, code);
    s_emit (g, org, json, NULL);
}

/*  A new IRI of co-op org: urn:coopN:kind:K */
static char *
s_iri (s_web_t *g, char out[S_IRI], int org, const char *kind)
{
    snprintf (out, S_IRI, "urn:coop%d:%s:%zu", org, kind, g->next_iri++);
    return out;
}

static void
s_stock_add (s_web_t *g, int org, const char *iri, const char *code)
{
    if (g->nstock[org] == S_STOCK) { /* the oldest lot goes out of the story */
        memmove (g->stock[org], g->stock[org] + 1, (S_STOCK - 1) * sizeof (s_lot_t));
        g->nstock[org]--;
    }
    s_lot_t *l = &g->stock[org][g->nstock[org]++];
    snprintf (l->iri, sizeof l->iri, "%s", iri);
    snprintf (l->code, sizeof l->code, "%s", code);
    l->uses = 2 + (int) s_rand (g, 2);
}

/*  Co-op org buys a raw lot from outside the web. */
static void
s_raise_raw (s_web_t *g, int org)
{
    char iri[S_IRI], ev[S_IRI], code[32], more[256];
    s_iri (g, iri, org, "raw");
    snprintf (code, sizeof code, "RAW-%zu", g->next_iri);
    s_resource (g, org, iri, "urn:spec:raw", code);
    snprintf (more, sizeof more,
              "\"resourceInventoriedAs\": \"%s\", \"resourceQuantity\": "
              "{\"hasNumericalValue\": \"9\", \"hasUnit\": \"kilogram\"}",
              iri);
    s_event (g, org, org, s_iri (g, ev, org, "ev"), "raise", more, NULL);
    s_stock_add (g, org, iri, code);
    if (g->nraws < S_STARTS)
        snprintf (g->raws[g->nraws++], S_IRI, "%s", iri);
}

/*  Take one consumption of a lot among the newest on hand at co-op org,
    not one of the n already taken by this process; the lot leaves the
    stock when it is used up. */
static void
s_take (s_web_t *g, int org, char taken[][S_IRI], size_t n)
{
    size_t have = g->nstock[org], window = have < S_RECENT ? have : S_RECENT, k;
    bool again;
    do {
        k = have - 1 - s_rand (g, (unsigned) window);
        again = false;
        for (size_t j = 0; j < n; j++)
            again |= strcmp (taken[j], g->stock[org][k].iri) == 0;
    } while (again);
    snprintf (taken[n], S_IRI, "%s", g->stock[org][k].iri);
    if (--g->stock[org][k].uses == 0) {
        memmove (g->stock[org] + k, g->stock[org] + k + 1, (have - k - 1) * sizeof (s_lot_t));
        g->nstock[org]--;
    }
}

/*  The lot made by co-op org goes to customer `to`: the customer defines
    the resource it arrives as, the maker transfers, the customer confirms. */
static void
s_sell (s_web_t *g, int org, int to, const char *lot, const char *spec, const char *code)
{
    char in[S_IRI], ev[S_IRI], id[VF_TEXT_MAX], more[512];
    s_iri (g, in, to, "in");
    s_resource (g, to, in, spec, code);
    snprintf (more, sizeof more,
              "\"resourceInventoriedAs\": \"%s\", \"toResourceInventoriedAs\": \"%s\", "
              "\"resourceQuantity\": {\"hasNumericalValue\": \"9\", \"hasUnit\": \"kilogram\"}",
              lot, in);
    s_event (g, org, to, s_iri (g, ev, org, "ev"), "transfer", more, id);
    snprintf (more, sizeof more,
              "{\"@type\": \"Confirmation\", \"confirmsEvent\": \"%s\", \"confirmsEntry\": \"%s\"}",
              ev, id);
    s_emit (g, to, more, NULL);
    s_stock_add (g, to, in, code);
}

/*  One production run of co-op org. */
static void
s_process (s_web_t *g, int org)
{
    char proc[S_IRI], lot[S_IRI], ev[S_IRI], spec[S_IRI], code[32], json[512];
    char taken[3][S_IRI];
    while (g->nstock[org] < 3)
        s_raise_raw (g, org);
    snprintf (json, sizeof json, "{\"@type\": \"Process\", \"@id\": \"%s\", \"name\": \"run\"}",
              s_iri (g, proc, org, "proc"));
    s_emit (g, org, json, NULL);
    size_t inputs = 2 + s_rand (g, 2), work = 1 + s_rand (g, 2);
    for (size_t k = 0; k < inputs; k++) {
        s_take (g, org, taken, k);
        snprintf (json, sizeof json,
                  "\"inputOf\": \"%s\", \"resourceInventoriedAs\": \"%s\", \"resourceQuantity\": "
                  "{\"hasNumericalValue\": \"3\", \"hasUnit\": \"kilogram\"}",
                  proc, taken[k]);
        s_event (g, org, org, s_iri (g, ev, org, "ev"), "consume", json, NULL);
    }
    for (size_t k = 0; k < work; k++) {
        snprintf (json, sizeof json,
                  "\"inputOf\": \"%s\", \"effortQuantity\": {\"hasNumericalValue\": \"%u\", "
                  "\"hasUnit\": \"hour\"}",
                  proc, 1 + s_rand (g, 8));
        s_event (g, org, org, s_iri (g, ev, org, "ev"), "work", json, NULL);
    }
    s_iri (g, lot, org, "lot");
    snprintf (spec, sizeof spec, "urn:spec:coop%d", org);
    snprintf (code, sizeof code, "LOT-%zu", g->next_iri);
    s_resource (g, org, lot, spec, code);
    snprintf (json, sizeof json,
              "\"outputOf\": \"%s\", \"resourceInventoriedAs\": \"%s\", \"resourceQuantity\": "
              "{\"hasNumericalValue\": \"9\", \"hasUnit\": \"kilogram\"}",
              proc, lot);
    s_event (g, org, org, s_iri (g, ev, org, "ev"), "produce", json, NULL);
    snprintf (g->products[g->nproducts++ % S_STARTS], S_IRI, "%s", lot);
    if (s_rand (g, 100) < 35) /* sold to one of its three customers */
        s_sell (g, org, (org + 1 + (int) s_rand (g, 3)) % S_COOPS, lot, spec, code);
    else
        s_stock_add (g, org, lot, code);
}

/*  The web of `events` EconomicEvents in a new store under dir. */
static void
s_build (s_web_t *g, size_t events, const char *dir)
{
    char path[512], json[256];
    snprintf (path, sizeof path, "%s/trace", dir);
    vf_store_opts_t opts = { 8ull << 30, false };
    vf_err_t err = { 0 };
    if (vf_store_open (&g->st, path, &opts, &err))
        s_die ("%s", err.msg);
    g->rng = 0x9e3779b97f4a7c15ull;
    g->clock = S_EPOCH_MS;
    for (int c = 0; c < S_COOPS; c++) {
        uint8_t seed[VF_SEED_BYTES] = { 0x7a, (uint8_t) c };
        g->who[c] = vf_identity_new_from_seed (seed);
        g->seq[c] = 1;
        if (!g->who[c])
            s_die ("no identity");
        snprintf (json, sizeof json,
                  "{\"@type\": \"Organization\", \"@id\": \"urn:coop:%d\", \"name\": \"Co-op %d\"}",
                  c, c);
        s_emit (g, c, json, NULL);
    }
    for (int k = 0; k < 3; k++) /* opening stock, co-op by co-op */
        for (int c = 0; c < S_COOPS; c++)
            s_raise_raw (g, c);
    /*  a run makes at most 3 raw raises, 3 consumes, 2 works, a produce
        and a transfer */
    while (g->events + 10 <= events)
        s_process (g, (int) s_rand (g, S_COOPS));
    while (g->events < events)
        s_raise_raw (g, (int) s_rand (g, S_COOPS));
    if (g->nbatch)
        s_flush (g);
}

/*  How many co-ops the walk's items belong to. */
static int
s_coops_reached (const json_t *walk)
{
    json_t *orgs = json_object ();
    size_t k;
    json_t *it;
    json_array_foreach (json_object_get (walk, "items"), k, it) {
        const char *org = json_string_value (json_object_get (it, "vfn:organisation"));
        if (org)
            json_object_set (orgs, org, json_true ());
    }
    int n = (int) json_object_size (orgs);
    json_decref (orgs);
    return n;
}

/*  What one walk did. */
typedef struct {
    double rate;  /* items visited per second of wall time */
    double items; /* items visited */
    double calls; /* LMDB calls per item visited */
} s_walked_t;

/*  One walk from iri, timed as the whole vf_store_trace call (walk and
    result); *coops is lowered to the co-ops it reached. The store's call
    counter (the test hook vf_store_fail_after, never set to fail here)
    says how many LMDB calls it made. */
static s_walked_t
s_walk (vf_store_t *st, const char *iri, bool forward, int *coops)
{
    vf_trace_opts_t o = { .forward = forward, .max_items = VF_TRACE_ITEMS_MAX };
    json_t *out = NULL;
    vf_err_t err = { 0 };
    vf_store_fail_after (st, 0);
    double t0 = vfbench_now ();
    if (vf_store_trace (st, iri, &o, &out, &err))
        s_die ("%s from %s: %s", forward ? "track" : "trace", iri, err.msg);
    double dt = vfbench_now () - t0;
    s_walked_t w;
    w.items = (double) json_integer_value (json_object_get (out, "visited"));
    w.rate = w.items / dt;
    w.calls = (double) vf_store_fail_after (st, 0) / w.items;
    if (json_is_true (json_object_get (out, "truncated")))
        fprintf (stderr, "vfbench: trace: the walk from %s was truncated\n", iri);
    int reached = s_coops_reached (out);
    *coops = reached < *coops ? reached : *coops;
    json_decref (out);
    return w;
}

static double
s_read_rate (vf_store_t *st, int run)
{
    uint64_t bytes = 0;
    vf_err_t err = { 0 };
    double t0 = vfbench_now ();
    if (vf_store_random_reads (st, S_READS, 0x5eed + (uint64_t) run, &bytes, &err))
        s_die ("random reads: %s", err.msg);
    double dt = vfbench_now () - t0;
    return bytes ? S_READS / dt : 0;
}

void
vfbench_trace (size_t events, int runs, const char *dir)
{
    if (events < 1000) {
        fprintf (stderr, "vfbench: trace needs --entries of at least 1000\n");
        return;
    }
    s_web_t *g = calloc (1, sizeof *g);
    if (!g)
        s_die ("out of memory");
    fprintf (stderr, "vfbench: trace: signing and storing a web of %d co-ops, %zu events...\n",
             S_COOPS, events);
    double t0 = vfbench_now ();
    s_build (g, events, dir);
    double built = vfbench_now () - t0;
    double reads[50], rate[2][50], items[2][50], calls[2][50];
    int coops = S_COOPS;
    for (int r = 0; r < runs; r++) {
        reads[r] = s_read_rate (g->st, r);
        size_t back = (size_t) r % (g->nproducts < S_STARTS ? g->nproducts : S_STARTS);
        for (int fwd = 0; fwd < 2; fwd++) {
            const char *start = fwd ? g->raws[(size_t) r % g->nraws]
                                    : g->products[(g->nproducts - 1 - back) % S_STARTS];
            s_walked_t w = s_walk (g->st, start, fwd, &coops);
            rate[fwd][r] = w.rate, items[fwd][r] = w.items, calls[fwd][r] = w.calls;
        }
    }
    printf ("trace over a supply web of %d co-ops: %zu events in %zu records (%zu events, "
            "processes and resources to walk), built in %.1f s; walks from the %d last products "
            "and the %d first raw lots, each reaching %d or more co-ops\n",
            S_COOPS, g->events, g->records, g->walkable, built, runs, runs, coops);
    vfbench_figure_t rd = vfbench_summary (reads, runs);
    vfbench_row ("ceiling: LMDB random reads, 1 core", rd, "/s", NULL, 0);
    static const char *names[2][3] = {
        { "trace (back) items visited, 1 core", "trace: items per walk",
          "trace: LMDB calls per item" },
        { "track (forward) items visited, 1 core", "track: items per walk",
          "track: LMDB calls per item" },
    };
    for (int fwd = 0; fwd < 2; fwd++)
        vfbench_row (names[fwd][0], vfbench_summary (rate[fwd], runs), "/s", "random-read ceiling",
                     rd.median);
    for (int fwd = 0; fwd < 2; fwd++) {
        vfbench_row (names[fwd][1], vfbench_summary (items[fwd], runs), "items", NULL, 0);
        vfbench_row (names[fwd][2], vfbench_summary (calls[fwd], runs), "calls", NULL, 0);
    }
    vf_store_destroy (&g->st);
    for (int c = 0; c < S_COOPS; c++)
        vf_identity_destroy (&g->who[c]);
    free (g);
    char cmd[600];
    snprintf (cmd, sizeof cmd, "rm -rf '%s/trace'", dir);
    if (system (cmd) != 0)
        fprintf (stderr, "vfbench: could not remove %s/trace\n", dir);
}
