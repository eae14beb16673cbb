/*  bench_recon.c - figure 3: what set reconciliation costs between two real
    stores (LMDB, the store's source: cached bucket sums, count splits from
    the nets index), for the cases of issue 7:
      (a) in sync            both hold the same n entries
      (b) newest 100         one lacks the 100 newest entries
      (c) 100 scattered      each lacks 100 entries spread over the oldest
                             90 %, not the same ones
      (d) 10,000 missing     one lacks 10,000 spread over the oldest 90 %
    For each: round trips, the bytes of the RECON frames each way (the peer
    protocol's own frames, vf_wire_encode, as the nodes' bytes_in and
    bytes_out count them; not ZMTP or CurveZMQ framing), the CPU time each
    side spent (thread CPU time of its vf_recon calls, opening the store's
    source for each message as the node does), and what carrying the
    missing entries over then costs beyond the entries themselves, counted
    as the node does it (node/vf_peer.c): each side announces what it
    found the other lacks (HAVE, 1024 ids a frame), the other asks for
    them (WANT), the holder sends them (ENTRIES, 256 a frame) and the
    receiver gives the credit back (CREDIT, one per ENTRIES). The overhead
    per missing entry is all those bytes, RECON frames included, less the
    signed entries' own bytes, over the number of entries missing on
    either side.

    The stores are Process records by one author, dated over a year, built
    once and kept in the cache (vfbench_cache_stores, bench_cache.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vf_recon.h"
#include "vf_recon_store.h"
#include "vf_store.h"
#include "vf_wire.h"
#include "vfbench.h"

static double
s_cpu_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/*  The size of a frame of the peer protocol. */
static size_t
s_frame_len (vf_wire_msg_t *m)
{
    uint8_t *frame = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    if (vf_wire_encode (m, &frame, &len, &err)) {
        fprintf (stderr, "vfbench: encode %s: %s\n", vf_wire_type_name (m->type), err.msg);
        exit (1);
    }
    free (frame);
    return len;
}

static size_t
s_recon_frame (const uint8_t *payload, size_t len)
{
    static vf_wire_msg_t m;
    memset (&m, 0, sizeof m);
    m.type = VF_WIRE_RECON; /* network: 32 zero bytes, the public entries */
    m.payload = payload;
    m.payload_len = len;
    return s_frame_len (&m);
}

typedef struct {
    int rounds;                        /* round trips: a message and its answer */
    size_t to_resp, to_init;           /* RECON frame bytes each way */
    double cpu_init, cpu_resp;         /* seconds */
    size_t init_has, resp_has;         /* ids found held by one side only */
    size_t xfer_to_resp, xfer_to_init; /* HAVE, WANT, ENTRIES, CREDIT bytes */
    size_t entry_bytes;                /* the signed entries among them */
} s_cost_t;

/*  One side's answer to a message, timed on this thread's CPU clock. */
static int
s_side (vf_store_t *st, const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen,
        vf_recon_ids_t *have, vf_recon_ids_t *need, bool *done, double *cpu)
{
    static const uint8_t pub[VF_KEY_BYTES] = { 0 };
    vf_err_t err = { 0 };
    double t0 = s_cpu_now ();
    vf_store_recon_t *r = NULL;
    int rc = vf_store_recon_open (st, pub, &r, &err);
    if (rc == 0) {
        vf_recon_source_t s = vf_store_recon_source (r);
        rc = in ? vf_recon_respond (&s, NULL, in, inlen, out, outlen, have, need, done, &err)
                : vf_recon_initiate (&s, NULL, out, outlen, &err);
    }
    vf_store_recon_close (&r);
    *cpu += s_cpu_now () - t0;
    if (rc)
        fprintf (stderr, "vfbench: reconcile: %s\n", err.msg);
    return rc;
}

/*  The frames that carry ids from `from` (which holds them) to the other
    side: HAVE from `from`, WANT back, ENTRIES from `from`, CREDIT back. */
static void
s_transfer (vf_store_t *from, const vf_recon_ids_t *ids, size_t *forth, size_t *back,
            size_t *entry_bytes)
{
    static vf_wire_msg_t m;
    for (size_t k = 0; k < ids->n; k += VF_WIRE_IDS_MAX) {
        memset (&m, 0, sizeof m);
        m.nids = ids->n - k < VF_WIRE_IDS_MAX ? ids->n - k : VF_WIRE_IDS_MAX;
        m.ids = (uint8_t (*)[VF_HASH_BYTES]) ids->ids[k];
        m.type = VF_WIRE_HAVE;
        *forth += s_frame_len (&m);
        m.type = VF_WIRE_WANT;
        *back += s_frame_len (&m);
    }
    vf_entry_t *held[VF_WIRE_ENTRIES_MAX];
    for (size_t k = 0; k < ids->n; k += VF_WIRE_ENTRIES_MAX) {
        memset (&m, 0, sizeof m);
        m.type = VF_WIRE_ENTRIES;
        m.nentries = ids->n - k < VF_WIRE_ENTRIES_MAX ? ids->n - k : VF_WIRE_ENTRIES_MAX;
        for (size_t i = 0; i < m.nentries; i++) {
            vf_err_t err = { 0 };
            if (vf_store_get (from, ids->ids[k + i], &held[i], &err)) {
                fprintf (stderr, "vfbench: reconcile: the holder lacks an id it found\n");
                exit (1);
            }
            m.entries[i] = held[i]->blob;
            m.entry_lens[i] = held[i]->blob_len;
            *entry_bytes += held[i]->blob_len;
        }
        *forth += s_frame_len (&m);
        for (size_t i = 0; i < m.nentries; i++)
            vf_entry_destroy (&held[i]);
        size_t count = m.nentries;
        memset (&m, 0, sizeof m);
        m.type = VF_WIRE_CREDIT;
        m.number = count;
        *back += s_frame_len (&m);
    }
}

/*  a initiates; messages go back and forth until neither sends. */
static s_cost_t
s_reconcile (vf_store_t *a, vf_store_t *b)
{
    s_cost_t c = { 0 };
    vf_recon_ids_t have_a = { 0 }, need_a = { 0 }, have_b = { 0 }, need_b = { 0 };
    uint8_t *msg = NULL, *reply = NULL;
    size_t len = 0, rlen = 0;
    bool done = false;
    int rc = s_side (a, NULL, 0, &msg, &len, NULL, NULL, NULL, &c.cpu_init);
    while (rc == 0 && msg && c.rounds < 100) {
        c.to_resp += s_recon_frame (msg, len);
        c.rounds++;
        rc = s_side (b, msg, len, &reply, &rlen, &have_b, &need_b, &done, &c.cpu_resp);
        free (msg), msg = NULL;
        if (rc || !reply)
            break;
        c.to_init += s_recon_frame (reply, rlen);
        rc = s_side (a, reply, rlen, &msg, &len, &have_a, &need_a, &done, &c.cpu_init);
        free (reply), reply = NULL;
    }
    if (rc)
        exit (1);
    c.init_has = have_a.n;
    c.resp_has = need_a.n;
    if (have_b.n != need_a.n || need_b.n != have_a.n)
        fprintf (stderr, "vfbench: reconcile: the sides disagree (%zu/%zu, %zu/%zu)\n", have_b.n,
                 need_a.n, need_b.n, have_a.n);
    s_transfer (a, &have_a, &c.xfer_to_resp, &c.xfer_to_init, &c.entry_bytes);
    s_transfer (b, &need_a, &c.xfer_to_init, &c.xfer_to_resp, &c.entry_bytes);
    free (msg);
    free (reply);
    vf_recon_ids_clear (&have_a);
    vf_recon_ids_clear (&need_a);
    vf_recon_ids_clear (&have_b);
    vf_recon_ids_clear (&need_b);
    return c;
}

typedef struct {
    const char *name;
    int init, resp;  /* stores, by VFBENCH_STORE_* */
    size_t expect;   /* ids missing on either side */
    const char *key; /* in bench/results.json */
} s_case_t;

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/*  Print and record one case: deterministic counts from the last run, CPU
    times as the median of the runs. */
static void
s_report (const s_case_t *cs, const s_cost_t *runs, int nruns)
{
    double ci[50], cr[50];
    for (int r = 0; r < nruns; r++)
        ci[r] = runs[r].cpu_init * 1000, cr[r] = runs[r].cpu_resp * 1000;
    qsort (ci, (size_t) nruns, sizeof *ci, s_cmp_double);
    qsort (cr, (size_t) nruns, sizeof *cr, s_cmp_double);
    const s_cost_t *c = &runs[nruns - 1];
    size_t missing = c->init_has + c->resp_has;
    size_t all = c->to_resp + c->to_init + c->xfer_to_resp + c->xfer_to_init;
    double over = missing ? (double) (all - c->entry_bytes) / (double) missing : 0;
    double recon_per = missing ? (double) (c->to_resp + c->to_init) / (double) missing : 0;
    printf ("%-34s %3d %9zu %9zu %7zu %8.1f %8.1f %7.1f..%-7.1f %7.1f..%-7.1f\n", cs->name,
            c->rounds, c->to_resp, c->to_init, missing, recon_per, over, ci[nruns / 2],
            ci[nruns - 1], cr[nruns / 2], cr[nruns - 1]);
    if (missing != cs->expect)
        fprintf (stderr, "vfbench: %s: found %zu missing ids, expected %zu\n", cs->name, missing,
                 cs->expect);
    vfbench_result (json_pack (
        "{s:s, s:s, s:i, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:f, s:f, "
        "s:f, s:f, s:f, s:f}",
        "name", cs->name, "figure", cs->key, "round_trips", c->rounds, "recon_bytes_to_responder",
        (json_int_t) c->to_resp, "recon_bytes_to_initiator", (json_int_t) c->to_init, "missing",
        (json_int_t) missing, "recon_bytes_per_missing", recon_per, "overhead_bytes_per_missing",
        over, "transfer_bytes", (json_int_t) (c->xfer_to_resp + c->xfer_to_init), "entry_bytes",
        (json_int_t) c->entry_bytes, "cpu_ms_initiator", ci[nruns / 2], "cpu_ms_initiator_max",
        ci[nruns - 1], "cpu_ms_responder", cr[nruns / 2], "cpu_ms_responder_max", cr[nruns - 1],
        "cpu_ms_initiator_min", ci[0], "cpu_ms_responder_min", cr[0]));
}

void
vfbench_recon (const vfbench_cache_t *cache, int runs)
{
    vf_store_t *st[VFBENCH_STORES];
    for (int k = 0; k < VFBENCH_STORES; k++)
        st[k] = vfbench_store_open (cache->store[k]);
    size_t n = cache->n, d = cache->scattered, big = cache->many;
    char many_lacker[64], many_holder[64];
    snprintf (many_lacker, sizeof many_lacker, "(d) %zu missing, lacker starts", big);
    snprintf (many_holder, sizeof many_holder, "(d) %zu missing, holder starts", big);
    const s_case_t cases[] = {
        { "(a) in sync", VFBENCH_STORE_FULL, VFBENCH_STORE_FULL, 0, "recon_in_sync" },
        { "(b) newest 100, lacker starts", VFBENCH_STORE_NEW, VFBENCH_STORE_FULL, 100,
          "recon_newest_lacker" },
        { "(b) newest 100, holder starts", VFBENCH_STORE_FULL, VFBENCH_STORE_NEW, 100,
          "recon_newest_holder" },
        { "(c) 100 scattered on each side", VFBENCH_STORE_HOLES_A, VFBENCH_STORE_HOLES_B, 2 * d,
          "recon_scattered_each" },
        { many_lacker, VFBENCH_STORE_MANY, VFBENCH_STORE_FULL, big, "recon_many_lacker" },
        { many_holder, VFBENCH_STORE_FULL, VFBENCH_STORE_MANY, big, "recon_many_holder" },
    };
    printf ("\nreconciliation of two stores of %zu entries (figure 3; bytes: peer protocol "
            "frames; CPU ms: median..max of %d runs)\n",
            n, runs);
    printf ("%-34s %3s %9s %9s %7s %8s %8s %-16s %-16s\n", "case", "rt", "B to resp", "B to init",
            "missing", "recon/id", "over/id", "CPU ms initiator", "CPU ms responder");
    s_cost_t *costs = calloc ((size_t) runs, sizeof *costs);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (int r = 0; r < runs; r++)
            costs[r] = s_reconcile (st[cases[k].init], st[cases[k].resp]);
        s_report (&cases[k], costs, runs);
    }
    printf ("goals: in sync 1 round trip, <= 256 B, <= 5 ms CPU; 100 differences <= 3 round "
            "trips; overhead <= 40 B per recent, <= 500 B per scattered missing entry\n");
    free (costs);
    for (int k = 0; k < VFBENCH_STORES; k++)
        vf_store_destroy (&st[k]);
}
