/*  test_recon.c - range-based set reconciliation (protocol/vf_recon).

    Two in-memory sources play the two peers: vf_recon_initiate on one
    side, then vf_recon_respond alternately until a side is done. The
    results are compared with a deliberately simple reference (exchange
    both full id lists and diff them) on random sets; the round trips and
    bytes of the scenarios in docs/RECON.md are asserted and printed;
    hostile messages must fail cleanly. Set VF_RECON_BENCH_1M=1 to print
    the scenarios on a million items as well.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_crypto.h"
#include "vf_recon.h"

/* --------------------------------------------------------------- helpers */

static uint64_t s_rng_state;

static void
s_seed (uint64_t seed)
{
    s_rng_state = seed;
}

/*  splitmix64: deterministic, good enough for test data. */
static uint64_t
s_rand (void)
{
    uint64_t z = (s_rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void
s_random_id (uint8_t id[32])
{
    for (int k = 0; k < 4; k++) {
        uint64_t v = s_rand ();
        memcpy (id + 8 * k, &v, 8);
    }
}

#define T0 1700000000000ull              /* ms: November 2023 */
#define YEAR (365ull * 24 * 3600 * 1000) /* ms */

static void
s_random_items (vf_recon_item_t *items, size_t n, uint64_t t0, uint64_t span)
{
    for (size_t k = 0; k < n; k++) {
        items[k].time = t0 + (span ? s_rand () % span : 0);
        s_random_id (items[k].id);
    }
}

static int
s_cmp_items (const void *a, const void *b)
{
    return vf_recon_item_cmp (a, b);
}

static int
s_cmp_ids (const void *a, const void *b)
{
    return memcmp (a, b, 32);
}

static void
s_hex (uint8_t *out, const char *hex)
{
    for (size_t k = 0; hex[2 * k] && hex[2 * k + 1]; k++)
        sscanf (hex + 2 * k, "%2hhx", &out[k]);
}

/*  One exchange between two sources. */
typedef struct {
    size_t messages; /* sent by both sides, the first one included */
    size_t bytes[2]; /* sent by side 0 (initiator) and side 1 */
    size_t largest;  /* largest message */
    vf_recon_ids_t have[2], need[2];
} s_sync_t;

static size_t
s_round_trips (const s_sync_t *s)
{
    return (s->messages + 1) / 2;
}

static size_t
s_total (const s_sync_t *s)
{
    return s->bytes[0] + s->bytes[1];
}

static void
s_sync_clear (s_sync_t *s)
{
    for (int k = 0; k < 2; k++) {
        vf_recon_ids_clear (&s->have[k]);
        vf_recon_ids_clear (&s->need[k]);
    }
}

/*  Run the exchange from side 0, each side with its parameters (NULL:
    the defaults); every message must fit its sender's frame, and the last
    one must need no answer. */
static void
s_sync_sources (const vf_recon_source_t src[2], const vf_recon_params_t *params[2], s_sync_t *s)
{
    memset (s, 0, sizeof *s);
    vf_err_t err = { 0 };
    uint8_t *msg = NULL;
    size_t len = 0;
    assert_int_equal (vf_recon_initiate (&src[0], params[0], &msg, &len, &err), 0);
    s->messages = 1;
    s->bytes[0] = s->largest = len;
    int side = 1;
    bool done = false;
    while (msg) {
        uint8_t *out = NULL;
        size_t outlen = 0;
        bool was_done = done;
        size_t frame = params[side] ? params[side]->frame_max : VF_RECON_FRAME_MAX;
        int rc = vf_recon_respond (&src[side], params[side], msg, len, &out, &outlen,
                                   &s->have[side], &s->need[side], &done, &err);
        if (rc)
            fail_msg ("message %zu: %s", s->messages, err.msg);
        free (msg);
        if (was_done) {
            /* the peer said this was its last message */
            assert_null (out);
            assert_true (done);
            break;
        }
        msg = out;
        len = outlen;
        if (out) {
            assert_true (outlen <= frame);
            s->messages++;
            s->bytes[side] += outlen;
            s->largest = outlen > s->largest ? outlen : s->largest;
        } else
            assert_true (done);
        side ^= 1;
        assert_true (s->messages < 10000); /* no endless exchange */
    }
}

static void
s_sync2 (vf_recon_mem_t *a, vf_recon_mem_t *b, const vf_recon_params_t *pa,
         const vf_recon_params_t *pb, s_sync_t *s)
{
    vf_recon_source_t src[2] = { vf_recon_mem_source (a), vf_recon_mem_source (b) };
    const vf_recon_params_t *params[2] = { pa, pb };
    s_sync_sources (src, params, s);
}

static void
s_sync (vf_recon_mem_t *a, vf_recon_mem_t *b, const vf_recon_params_t *params, s_sync_t *s)
{
    s_sync2 (a, b, params, params, s);
}

/*  The reference: the ids of x missing from y, sorted. */
static size_t
s_reference (const vf_recon_mem_t *x, const vf_recon_mem_t *y, uint8_t (*out)[32])
{
    size_t nx = vf_recon_mem_size (x), ny = vf_recon_mem_size (y), n = 0;
    uint8_t (*ys)[32] = malloc ((ny ? ny : 1) * 32);
    assert_non_null (ys);
    for (size_t k = 0; k < ny; k++)
        memcpy (ys[k], vf_recon_mem_item (y, k)->id, 32);
    qsort (ys, ny, 32, s_cmp_ids);
    for (size_t k = 0; k < nx; k++) {
        const uint8_t *id = vf_recon_mem_item (x, k)->id;
        if (!bsearch (id, ys, ny, 32, s_cmp_ids))
            memcpy (out[n++], id, 32);
    }
    free (ys);
    qsort (out, n, 32, s_cmp_ids);
    return n;
}

/*  Whether an id may be listed twice (a peer whose frame is larger than
    ours makes us send part of its message back unread). */
static bool s_dups_allowed;

/*  list, sorted, must equal the reference exactly (no id twice). */
static void
s_assert_same (vf_recon_ids_t *list, uint8_t (*ref)[32], size_t nref, const char *what)
{
    if (list->n)
        qsort (list->ids, list->n, 32, s_cmp_ids);
    if (s_dups_allowed && list->n) {
        size_t m = 1;
        for (size_t k = 1; k < list->n; k++)
            if (memcmp (list->ids[k], list->ids[m - 1], 32) != 0)
                memcpy (list->ids[m++], list->ids[k], 32);
        list->n = m;
    }
    if (list->n != nref)
        fail_msg ("%s: %zu ids, the reference has %zu", what, list->n, nref);
    if (nref && memcmp (list->ids, ref, nref * 32) != 0)
        fail_msg ("%s: ids differ from the reference", what);
}

/*  Both sides must know both differences exactly. */
static void
s_check (vf_recon_mem_t *a, vf_recon_mem_t *b, s_sync_t *s)
{
    size_t na = vf_recon_mem_size (a), nb = vf_recon_mem_size (b);
    uint8_t (*a_only)[32] = malloc ((na ? na : 1) * 32);
    uint8_t (*b_only)[32] = malloc ((nb ? nb : 1) * 32);
    assert_non_null (a_only);
    assert_non_null (b_only);
    size_t n_a = s_reference (a, b, a_only), n_b = s_reference (b, a, b_only);
    s_assert_same (&s->have[0], a_only, n_a, "initiator's have");
    s_assert_same (&s->need[1], a_only, n_a, "responder's need");
    s_assert_same (&s->need[0], b_only, n_b, "initiator's need");
    s_assert_same (&s->have[1], b_only, n_b, "responder's have");
    free (a_only);
    free (b_only);
}

/*  Sets built from common items plus items only one side holds. */
typedef struct {
    vf_recon_item_t *items;
    size_t common, a_only, b_only;
} s_sets_t;

static void
s_build (const s_sets_t *d, vf_recon_mem_t **a, vf_recon_mem_t **b)
{
    size_t n = d->common + d->a_only + d->b_only;
    vf_recon_item_t *x = malloc ((n ? n : 1) * sizeof *x);
    assert_non_null (x);
    size_t k = 0;
    for (size_t i = 0; i < d->common + d->a_only; i++)
        x[k++] = d->items[i];
    *a = vf_recon_mem_new (x, k);
    k = 0;
    for (size_t i = 0; i < d->common; i++)
        x[k++] = d->items[i];
    for (size_t i = d->common + d->a_only; i < n; i++)
        x[k++] = d->items[i];
    *b = vf_recon_mem_new (x, k);
    assert_non_null (*a);
    assert_non_null (*b);
    free (x);
}

/* ------------------------------------------------- bounds, fingerprints */

static void
test_fingerprints_match_the_definition (void **state)
{
    /* Vectors from an independent computation (Python hashlib):
       blake2b (sum_le(ids) mod 2^256 || u64_le(count), 32)[:16]. */
    struct {
        const char *fp;
        int n;
    } v[] = { { "4a1931803561f431decab002e7425f0a", 0 },
              { "090b518bbcdf42c04f695e94962293eb", 1 },
              { "02e802f4a6e28a6684ed09822a58d87a", 2 } };
    uint8_t one[32] = { 1 }, ff[32], want[16], fp[16];
    memset (ff, 0xff, 32);
    vf_recon_acc_t acc = { { 0 }, 0 };
    for (int k = 0; k < 3; k++) {
        if (k == 1)
            vf_recon_acc_add (&acc, one);
        if (k == 2)
            vf_recon_acc_add (&acc, ff); /* the sum wraps to zero */
        vf_recon_acc_fingerprint (&acc, fp);
        s_hex (want, v[k].fp);
        assert_memory_equal (fp, want, 16);
    }
    /* three ids 00 01 .. 1f, 01 02 .. 20, 02 03 .. 21 */
    vf_recon_acc_t three = { { 0 }, 0 }, part = { { 0 }, 0 };
    uint8_t ids[3][32];
    for (int k = 0; k < 3; k++) {
        for (int j = 0; j < 32; j++)
            ids[k][j] = (uint8_t) (k + j);
        vf_recon_acc_add (&three, ids[k]);
    }
    vf_recon_acc_fingerprint (&three, fp);
    s_hex (want, "dd2ba7423f0ecf1b68713feafa195430");
    assert_memory_equal (fp, want, 16);
    /* sums merge and unmerge: what a store does with its time buckets */
    vf_recon_acc_add (&part, ids[1]);
    vf_recon_acc_unmerge (&three, &part);
    vf_recon_acc_sub (&three, ids[2]);
    vf_recon_acc_merge (&three, &part);
    vf_recon_acc_add (&three, ids[2]);
    vf_recon_acc_fingerprint (&three, fp);
    assert_memory_equal (fp, want, 16);
}

static void
test_bounds_order_items (void **state)
{
    vf_recon_item_t a = { 5, { 0x12, 0x34 } }, b = { 5, { 0x12, 0x40 } }, c = { 6, { 0 } };
    vf_recon_bound_t m = vf_recon_bound_between (&a, &b);
    assert_int_equal (m.time, 5);
    assert_int_equal (m.prefix_len, 2); /* 12 40: first byte that differs, included */
    assert_false (vf_recon_item_at_or_above (&a, &m));
    assert_true (vf_recon_item_at_or_above (&b, &m));
    m = vf_recon_bound_between (&b, &c);
    assert_int_equal (m.time, 6);
    assert_int_equal (m.prefix_len, 0); /* times differ: no prefix */
    assert_true (vf_recon_item_at_or_above (&c, &m));

    vf_recon_bound_t lo = vf_recon_bound_lowest (), inf = vf_recon_bound_inf ();
    assert_true (vf_recon_bound_cmp (&lo, &m) < 0);
    assert_true (vf_recon_bound_cmp (&m, &inf) < 0);
    assert_int_equal (vf_recon_bound_cmp (&inf, &inf), 0);
    vf_recon_item_t last = { UINT64_MAX, { 0xff } };
    memset (last.id, 0xff, 32);
    assert_false (vf_recon_item_at_or_above (&last, &inf));
    /* a prefix with trailing zeros is the same position */
    vf_recon_bound_t p = { 5, 1, { 0x12 } }, q = { 5, 3, { 0x12, 0, 0 } };
    assert_int_equal (vf_recon_bound_cmp (&p, &q), 0);
}

/* ------------------------------------------------- against the reference */

/*  Random sets: sizes from 0 to 100k, differences from 0 to thousands,
    times spread over a year, over a few values (many equal times) or with
    the differences at the newest or oldest end; some with a small frame
    or other parameters. */
static void
test_matches_the_reference_on_random_sets (void **state)
{
    s_seed (20240601);
    static const size_t sizes[] = { 0, 1, 2, 17, 100, 1000, 5000, 30000, 100000 };
    static const size_t diffs[] = { 0, 1, 3, 30, 300, 3000 };
    vf_recon_params_t small = { 4, 1, VF_RECON_FRAME_MIN };
    vf_recon_params_t wide = { 64, 64, 64 * 1024 };
    size_t cases = 0, extra_rounds = 0;
    int rounds = getenv ("VF_RECON_ROUNDS") ? atoi (getenv ("VF_RECON_ROUNDS")) : 60;
    for (int round = 0; round < rounds; round++) {
        size_t common = sizes[s_rand () % 9], a_only = diffs[s_rand () % 6],
               b_only = diffs[s_rand () % 6];
        if (round == 0)
            common = a_only = b_only = 0; /* both empty */
        if (round == 1)
            common = b_only = 0; /* the responder has nothing */
        if (round == 2)
            common = a_only = 0; /* the initiator has nothing */
        size_t n = common + a_only + b_only;
        vf_recon_item_t *items = malloc ((n ? n : 1) * sizeof *items);
        assert_non_null (items);
        int model = (int) (s_rand () % 4);
        if (model == 1) {
            s_random_items (items, n, T0, 5); /* five distinct times */
        } else if (model == 2) {
            /* the differences are the newest (one side is behind) */
            s_random_items (items, common, T0, YEAR);
            s_random_items (items + common, n - common, T0 + YEAR, YEAR / 100);
        } else if (model == 3) {
            /* the differences are the oldest (one side joined late) */
            s_random_items (items, common, T0 + YEAR, YEAR);
            s_random_items (items + common, n - common, T0, YEAR);
        } else
            s_random_items (items, n, T0, YEAR);
        s_sets_t d = { items, common, a_only, b_only };
        vf_recon_mem_t *a = NULL, *b = NULL;
        s_build (&d, &a, &b);
        const vf_recon_params_t *p = round % 5 == 3 ? &small : round % 5 == 4 ? &wide : NULL;
        s_sync_t s;
        s_sync (a, b, p, &s);
        s_check (a, b, &s);
        cases++;
        extra_rounds += s_round_trips (&s);
        /* docs/RECON.md "Rounds": the depth of the splits, plus a round
           trip for each frame the exchange filled */
        size_t half = (p ? p->branch : VF_RECON_BRANCH_DEFAULT) / 2, depth = 2;
        size_t frame = p ? p->frame_max : VF_RECON_FRAME_MAX;
        for (size_t m = 1; m < common + a_only; m *= half)
            depth++;
        for (size_t m = 1; m < common + b_only; m *= half)
            depth++;
        size_t bound = depth + s_total (&s) / frame;
        if (s_round_trips (&s) > bound)
            fail_msg ("%zu round trips, more than %zu", s_round_trips (&s), bound);
        s_sync_clear (&s);
        vf_recon_mem_destroy (&a);
        vf_recon_mem_destroy (&b);
        free (items);
    }
    printf ("  %zu random cases equal the reference (%zu round trips in all)\n", cases,
            extra_rounds);
}

/*  Peers with different parameters, including frames of different sizes:
    the smaller frame's side defers, merges or cuts what it cannot answer. */
static void
test_peers_with_different_parameters (void **state)
{
    s_seed (4242);
    vf_recon_params_t big = { 64, 64, VF_RECON_FRAME_MAX }, small = { 2, 1, VF_RECON_FRAME_MIN },
                      mid = { 16, 2, 64 * 1024 };
    const vf_recon_params_t *pairs[][2] = {
        { &big, &small }, { &small, &big }, { &mid, NULL }, { NULL, &small }, { &big, &mid }
    };
    int rounds = getenv ("VF_RECON_ROUNDS") ? atoi (getenv ("VF_RECON_ROUNDS")) / 6 : 10;
    size_t dups = 0;
    for (int round = 0; round < rounds; round++) {
        size_t common = 20000 + s_rand () % 50000, a_only = s_rand () % 4000,
               b_only = s_rand () % 4000, n = common + a_only + b_only;
        vf_recon_item_t *items = malloc (n * sizeof *items);
        assert_non_null (items);
        s_random_items (items, n, T0, round % 2 ? 20 : YEAR);
        s_sets_t d = { items, common, a_only, b_only };
        vf_recon_mem_t *a = NULL, *b = NULL;
        s_build (&d, &a, &b);
        s_sync_t s;
        s_sync2 (a, b, pairs[round % 5][0], pairs[round % 5][1], &s);
        size_t listed = s.have[0].n + s.have[1].n + s.need[0].n + s.need[1].n;
        s_dups_allowed = true;
        s_check (a, b, &s);
        s_dups_allowed = false;
        dups += listed - (s.have[0].n + s.have[1].n + s.need[0].n + s.need[1].n);
        s_sync_clear (&s);
        vf_recon_mem_destroy (&a);
        vf_recon_mem_destroy (&b);
        free (items);
    }
    printf ("  %d exchanges between unlike peers; %zu ids listed twice\n", rounds, dups);
}

/*  A source that splits like the store: on the edges of fixed time
    buckets, so parts may be empty or uneven. */
typedef struct {
    vf_recon_source_t inner;
    uint64_t bucket;
} s_buckets_t;

static int
s_bucket_fingerprint (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                      uint64_t *count, uint8_t fp[16])
{
    s_buckets_t *s = ctx;
    return s->inner.fingerprint (s->inner.ctx, lo, hi, count, fp);
}

static int
s_bucket_items (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                vf_recon_item_t *out, size_t max, size_t *n)
{
    s_buckets_t *s = ctx;
    return s->inner.items (s->inner.ctx, lo, hi, out, max, n);
}

static int
s_bucket_nth (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t index,
              vf_recon_bound_t *out)
{
    s_buckets_t *s = ctx;
    return s->inner.nth_bound (s->inner.ctx, lo, hi, index, out);
}

/*  Bounds on bucket edges: the count-based bounds moved up to the next
    edge, as a store with sums per time bucket would choose them. */
static int
s_bucket_split (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t k,
                vf_recon_bound_t *bounds, size_t *nbounds)
{
    s_buckets_t *s = ctx;
    uint64_t count = 0;
    uint8_t fp[16];
    int rc = s->inner.fingerprint (s->inner.ctx, lo, hi, &count, fp);
    *nbounds = 0;
    for (size_t p = 1; p < k && rc == 0; p++) {
        uint64_t at = count * p / k;
        vf_recon_bound_t b;
        if (at == 0 || (rc = s->inner.nth_bound (s->inner.ctx, lo, hi, at, &b)))
            continue;
        b.time = (b.time + s->bucket - 1) / s->bucket * s->bucket;
        b.prefix_len = 0;
        if (vf_recon_bound_cmp (&b, lo) > 0 && vf_recon_bound_cmp (&b, hi) < 0 &&
            (*nbounds == 0 || vf_recon_bound_cmp (&b, &bounds[*nbounds - 1]) > 0))
            bounds[(*nbounds)++] = b;
    }
    return rc;
}

static void
test_store_like_splits_reach_the_same_result (void **state)
{
    s_seed (77);
    size_t common = 20000, a_only = 300, b_only = 200, n = common + a_only + b_only;
    vf_recon_item_t *items = malloc (n * sizeof *items);
    assert_non_null (items);
    s_random_items (items, n, T0, YEAR);
    s_sets_t d = { items, common, a_only, b_only };
    vf_recon_mem_t *a = NULL, *b = NULL;
    s_build (&d, &a, &b);
    /* buckets of a day, a year (nothing to split: the engine splits by
       count), a second */
    uint64_t buckets[] = { 24ull * 3600 * 1000, YEAR, 1000 };
    for (int k = 0; k < 3; k++) {
        s_buckets_t ba = { vf_recon_mem_source (a), buckets[k] };
        s_buckets_t bb = { vf_recon_mem_source (b), buckets[k] };
        vf_recon_source_t src[2] = {
            { &ba, s_bucket_fingerprint, s_bucket_items, s_bucket_nth, s_bucket_split },
            { &bb, s_bucket_fingerprint, s_bucket_items, s_bucket_nth, NULL },
        };
        const vf_recon_params_t *params[2] = { NULL, NULL };
        s_sync_t s;
        s_sync_sources (src, params, &s);
        s_check (a, b, &s);
        s_sync_clear (&s);
    }
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);
    free (items);
}

static void
test_catching_up_takes_many_frames (void **state)
{
    /* 40k items against nothing: 1.25 MiB of ids in frames of 16 KiB */
    s_seed (5);
    size_t n = 40000;
    vf_recon_item_t *items = malloc (n * sizeof *items);
    assert_non_null (items);
    s_random_items (items, n, T0, YEAR);
    vf_recon_mem_t *full = vf_recon_mem_new (items, n), *empty = vf_recon_mem_new (NULL, 0);
    vf_recon_params_t p = { 16, 2, VF_RECON_FRAME_MIN };
    s_sync_t s;
    s_sync (empty, full, &p, &s);
    s_check (empty, full, &s);
    size_t frames = n * 32 / VF_RECON_FRAME_MIN + 1;
    printf ("  empty side catches up on %zu ids: %zu round trips, %zu bytes\n", n,
            s_round_trips (&s), s_total (&s));
    assert_true (s_round_trips (&s) <= frames + 2);
    s_sync_clear (&s);
    s_sync (full, empty, &p, &s);
    s_check (full, empty, &s);
    assert_true (s_round_trips (&s) <= frames + 2);
    s_sync_clear (&s);
    vf_recon_mem_destroy (&full);
    vf_recon_mem_destroy (&empty);
    free (items);
}

/* ------------------------------------------------------------ scenarios */

typedef struct {
    size_t rounds[4];
    size_t bytes[4];
} s_figures_t;

/*  The scenarios of docs/RECON.md on n items with the default parameters:
    0 in sync, 1 the newest 100 missing at the responder, 2 the same with
    the lacking side starting, 3 100 old entries missing on each side. */
static void
s_scenarios (size_t n, s_figures_t *f)
{
    s_seed (n);
    vf_recon_item_t *items = malloc ((n + 200) * sizeof *items);
    vf_recon_item_t *a_items = malloc ((n + 200) * sizeof *items);
    vf_recon_item_t *b_items = malloc ((n + 200) * sizeof *items);
    char *mark = calloc (n + 200, 1);
    assert_true (items && a_items && b_items && mark);
    s_random_items (items, n + 200, T0, YEAR);
    qsort (items, n + 200, sizeof *items, s_cmp_items);

    vf_recon_mem_t *a = vf_recon_mem_new (items, n), *b = vf_recon_mem_new (items, n);
    s_sync_t s;
    s_sync (a, b, NULL, &s);
    s_check (a, b, &s);
    f->rounds[0] = s_round_trips (&s), f->bytes[0] = s_total (&s);
    s_sync_clear (&s);
    vf_recon_mem_destroy (&b);

    b = vf_recon_mem_new (items, n - 100);
    s_sync (a, b, NULL, &s);
    s_check (a, b, &s);
    f->rounds[1] = s_round_trips (&s), f->bytes[1] = s_total (&s);
    s_sync_clear (&s);
    s_sync (b, a, NULL, &s);
    s_check (b, a, &s);
    f->rounds[2] = s_round_trips (&s), f->bytes[2] = s_total (&s);
    s_sync_clear (&s);
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);

    /* 100 entries each side lacks, among the oldest 90% */
    for (int k = 0; k < 200;) {
        size_t at = s_rand () % ((n + 200) * 9 / 10);
        if (!mark[at])
            mark[at] = (char) (1 + (k++ >= 100));
    }
    size_t na = 0, nb = 0;
    for (size_t k = 0; k < n + 200; k++) {
        if (mark[k] != 1)
            a_items[na++] = items[k];
        if (mark[k] != 2)
            b_items[nb++] = items[k];
    }
    a = vf_recon_mem_new (a_items, na);
    b = vf_recon_mem_new (b_items, nb);
    s_sync (a, b, NULL, &s);
    s_check (a, b, &s);
    f->rounds[3] = s_round_trips (&s), f->bytes[3] = s_total (&s);
    s_sync_clear (&s);
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);
    free (items);
    free (a_items);
    free (b_items);
    free (mark);
}

static void
s_print (size_t n, const s_figures_t *f)
{
    printf ("  %zu items, branch %d, ids %d, frame %u:\n", n, VF_RECON_BRANCH_DEFAULT,
            VF_RECON_IDS_DEFAULT, VF_RECON_FRAME_MAX);
    printf ("    in sync:                     %zu round trip(s), %zu bytes\n", f->rounds[0],
            f->bytes[0]);
    const char *names[] = { "newest 100 missing (holder starts)",
                            "newest 100 missing (lacker starts)", "100 old missing on each side" };
    size_t missing[] = { 100, 100, 200 };
    for (int k = 1; k < 4; k++)
        printf ("    %-34s %zu round trips, %zu bytes, %.1f B per missing id "
                "(%.1f B beyond the 32 B id)\n",
                names[k - 1], f->rounds[k], f->bytes[k], (double) f->bytes[k] / missing[k - 1],
                ((double) f->bytes[k] - 32.0 * missing[k - 1]) / missing[k - 1]);
}

static void
test_scenarios_on_100k_items (void **state)
{
    s_figures_t f;
    s_scenarios (100000, &f);
    s_print (100000, &f);
    assert_int_equal (f.rounds[0], 1);
    assert_true (f.bytes[0] <= 256);
    assert_true (f.rounds[1] <= 3 && f.rounds[2] <= 3);
    assert_true (f.bytes[1] <= 100 * (32 + 40) && f.bytes[2] <= 100 * (32 + 40));
    assert_true (f.bytes[3] <= 200 * (32 + 500));
}

static void
test_scenarios_on_1m_items (void **state)
{
    if (!getenv ("VF_RECON_BENCH_1M")) {
        printf ("  (set VF_RECON_BENCH_1M=1 for the figures on a million items)\n");
        return;
    }
    s_figures_t f;
    s_scenarios (1000000, &f);
    s_print (1000000, &f);
    assert_int_equal (f.rounds[0], 1);
    assert_true (f.bytes[0] <= 256);
}

/* ----------------------------------------------------- hostile messages */

/*  A small fixed set for hostile inputs. */
static vf_recon_mem_t *
s_small_set (void)
{
    s_seed (9);
    vf_recon_item_t items[64];
    s_random_items (items, 64, T0, 1000);
    vf_recon_mem_t *m = vf_recon_mem_new (items, 64);
    assert_non_null (m);
    return m;
}

/*  Respond to bytes given in hex; returns the code, checks that a failure
    leaves no output and no results. */
static int
s_respond_hex (vf_recon_mem_t *m, const char *hex, vf_err_t *err)
{
    size_t len = strlen (hex) / 2;
    uint8_t *buf = malloc (len ? len : 1);
    assert_non_null (buf);
    s_hex (buf, hex);
    vf_recon_source_t src = vf_recon_mem_source (m);
    vf_recon_ids_t have = { 0 }, need = { 0 };
    uint8_t *out = NULL;
    size_t outlen = 0;
    bool done = false;
    memset (err, 0, sizeof *err);
    int rc = vf_recon_respond (&src, NULL, buf, len, &out, &outlen, &have, &need, &done, err);
    if (rc) {
        assert_null (out);
        assert_int_equal (have.n + need.n, 0);
        assert_true (err->msg[0] != 0);
    }
    free (out);
    free (buf);
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
    return rc;
}

static void
test_hostile_messages_fail_cleanly (void **state)
{
    vf_recon_mem_t *m = s_small_set ();
    vf_err_t err;
    /* 16 bytes of fingerprint, 32 of id */
    const char *fp16 = "c410000102030405060708090a0b0c0d0e0f";
    char buf[512];
    struct {
        const char *hex;
        int rc;
    } cases[] = {
        { "", VF_EPARSE },              /* nothing */
        { "90", VF_EPARSE },            /* no version */
        { "9102", VF_EPARSE },          /* unknown version 2 */
        { "91cc01", VF_ENONCANON },     /* version 1 in a longer form */
        { "9101", 0 },                  /* the empty message: done */
        { "920193", VF_EPARSE },        /* truncated range */
        { "92019204c0", VF_EPARSE },    /* unknown mode 4 */
        { "92019200c0", VF_ENONCANON }, /* a lone skip */
        { "93019300"
          "05"
          "c400"
          "9200c0",
          VF_ENONCANON }, /* two skips */
        { "93019300"
          "05"
          "c400"
          "9201c0",
          VF_EPARSE },                    /* fingerprint without fields */
        { "9301930005c4000", VF_EPARSE }, /* odd hex: truncated */
        { "93019300"
          "05"
          "c40100"
          "9200c0",
          VF_ENONCANON }, /* prefix ends with 0 */
        { "93019300"
          "05"
          "c421"
          "0000000000000000000000000000000000000000000000000000000000000000"
          "01"
          "9200c0",
          VF_EPARSE },                         /* 33-byte prefix */
        { "dd7fffffff01", VF_EPARSE },         /* array declares 2^31 elements */
        { "80", VF_EPARSE },                   /* a map */
        { "9101c0", VF_EPARSE },               /* trailing bytes */
        { "dc20000100", VF_EPARSE },           /* 8191 ranges declared, bytes missing */
        { "92019202c0c6ffffffff", VF_EPARSE }, /* ids of 4 GiB declared */
        { "92019202c0c401aa", VF_EPARSE },     /* ids not a multiple of 32 */
        { "92019303c0c400", VF_ENONCANON },    /* empty difference */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int rc = s_respond_hex (m, cases[k].hex, &err);
        if (rc != cases[k].rc)
            fail_msg ("case %zu (%s): %d, expected %d (%s)", k, cases[k].hex, rc, cases[k].rc,
                      err.msg);
    }
    /* bounds must increase: 5 then 5 again, then a range after the last */
    snprintf (buf, sizeof buf,
              "9401"
              "9501"
              "05"
              "c400"
              "00%s"
              "9501"
              "00"
              "c400"
              "00%s"
              "9200c0",
              fp16, fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "not above"));
    snprintf (buf, sizeof buf,
              "9301"
              "9401"
              "c0"
              "00%s"
              "9200c0",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), VF_EPARSE); /* infinity not last */
    snprintf (buf, sizeof buf,
              "9201"
              "9501"
              "05"
              "c400"
              "00%s",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), VF_EPARSE); /* last not infinity */
    /* a time that overflows */
    snprintf (buf, sizeof buf,
              "9301"
              "9300"
              "cfffffffffffffffff"
              "c400"
              "9501"
              "05"
              "c400"
              "00%s",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), VF_EPARSE);
    /* a huge declared count is only a number */
    snprintf (buf, sizeof buf,
              "9201"
              "9401"
              "c0"
              "cfffffffffffffffff%s",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), 0);
    /* ids out of order */
    char ids[300] = "92019302c0c440";
    for (int k = 0; k < 32; k++)
        strcat (ids, "22");
    for (int k = 0; k < 32; k++)
        strcat (ids, "11");
    assert_int_equal (s_respond_hex (m, ids, &err), VF_ENONCANON);
    /* a bitmap with no bit set */
    snprintf (buf, sizeof buf,
              "9201"
              "9503"
              "c0"
              "c400"
              "c40100%s",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), VF_ENONCANON);
    /* a stale or wrong bitmap is ignored, not trusted */
    snprintf (buf, sizeof buf,
              "9201"
              "9503"
              "c0"
              "c400"
              "c401ff%s",
              fp16);
    assert_int_equal (s_respond_hex (m, buf, &err), 0);
    /* larger than the frame */
    uint8_t *big = calloc (1, VF_RECON_FRAME_MAX + 1);
    vf_recon_source_t src = vf_recon_mem_source (m);
    vf_recon_ids_t have = { 0 }, need = { 0 };
    uint8_t *out = NULL;
    size_t outlen = 0;
    bool done;
    assert_int_equal (vf_recon_respond (&src, NULL, big, VF_RECON_FRAME_MAX + 1, &out, &outlen,
                                        &have, &need, &done, &err),
                      VF_ETOOBIG);
    free (big);
    vf_recon_mem_destroy (&m);
}

/*  Every prefix of real messages is refused cleanly; every message
    decodes and encodes back to the same bytes. */
static void
test_real_messages_truncated_and_reencoded (void **state)
{
    s_seed (11);
    size_t n = 3000;
    vf_recon_item_t *items = malloc (n * sizeof *items);
    s_random_items (items, n, T0, 100000);
    vf_recon_mem_t *a = vf_recon_mem_new (items, n), *b = vf_recon_mem_new (items + 40, n - 80);
    vf_recon_source_t src[2] = { vf_recon_mem_source (a), vf_recon_mem_source (b) };
    vf_err_t err = { 0 };
    uint8_t *msg = NULL;
    size_t len = 0;
    assert_int_equal (vf_recon_initiate (&src[0], NULL, &msg, &len, &err), 0);
    int side = 1;
    size_t seen = 0;
    bool done = false;
    while (msg && !done) {
        vf_recon_msg_t d;
        assert_int_equal (vf_recon_msg_decode (&d, msg, len, &err), 0);
        uint8_t *again = NULL;
        size_t alen = 0;
        assert_int_equal (vf_recon_msg_encode (&d, &again, &alen, &err), 0);
        assert_int_equal (alen, len);
        assert_memory_equal (again, msg, len);
        free (again);
        vf_recon_msg_clear (&d);
        for (size_t cut = 0; cut < len; cut += 1 + cut / 50) {
            vf_recon_msg_t t;
            assert_true (vf_recon_msg_decode (&t, msg, cut, &err) < 0);
        }
        vf_recon_ids_t have = { 0 }, need = { 0 };
        uint8_t *out = NULL;
        size_t outlen = 0;
        assert_int_equal (
            vf_recon_respond (&src[side], NULL, msg, len, &out, &outlen, &have, &need, &done, &err),
            0);
        vf_recon_ids_clear (&have);
        vf_recon_ids_clear (&need);
        free (msg);
        msg = out;
        len = outlen;
        side ^= 1;
        seen++;
    }
    free (msg);
    assert_true (seen >= 2);
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);
    free (items);
}

static void
test_bad_parameters_are_refused (void **state)
{
    vf_recon_mem_t *m = s_small_set ();
    vf_recon_source_t src = vf_recon_mem_source (m);
    vf_err_t err = { 0 };
    uint8_t *msg = NULL;
    size_t len = 0;
    vf_recon_params_t bad[] = {
        { 1, 2, VF_RECON_FRAME_MAX },      { VF_RECON_BRANCH_MAX + 1, 2, VF_RECON_FRAME_MAX },
        { 16, 0, VF_RECON_FRAME_MAX },     { 16, VF_RECON_IDS_LIMIT + 1, VF_RECON_FRAME_MAX },
        { 16, 2, VF_RECON_FRAME_MIN - 1 }, { 16, 2, VF_RECON_FRAME_MAX + 1 }
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal (vf_recon_initiate (&src, &bad[k], &msg, &len, &err), VF_EINVAL);
        assert_null (msg);
    }
    vf_recon_source_t none = { 0 };
    assert_int_equal (vf_recon_initiate (&none, NULL, &msg, &len, &err), VF_EINVAL);
    vf_recon_mem_destroy (&m);
}

/*  A source that fails its Nth call, as a store might: every failure
    reaches the caller with its code, leaves no output, no results and no
    leak (the sanitizers check the last part). */
typedef struct {
    vf_recon_source_t inner;
    int calls, fail_at;
} s_failing_t;

static bool
s_fail_now (s_failing_t *f)
{
    return ++f->calls == f->fail_at;
}

static int
s_failing_fingerprint (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                       uint64_t *count, uint8_t fp[16])
{
    s_failing_t *f = ctx;
    return s_fail_now (f) ? VF_ESTORE : f->inner.fingerprint (f->inner.ctx, lo, hi, count, fp);
}

static int
s_failing_items (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                 vf_recon_item_t *out, size_t max, size_t *n)
{
    s_failing_t *f = ctx;
    return s_fail_now (f) ? VF_ESTORE : f->inner.items (f->inner.ctx, lo, hi, out, max, n);
}

static int
s_failing_nth (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t index,
               vf_recon_bound_t *out)
{
    s_failing_t *f = ctx;
    return s_fail_now (f) ? VF_ESTORE : f->inner.nth_bound (f->inner.ctx, lo, hi, index, out);
}

static int
s_failing_split (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t k,
                 vf_recon_bound_t *bounds, size_t *nbounds)
{
    s_failing_t *f = ctx;
    return s_fail_now (f) ? VF_ESTORE : f->inner.split (f->inner.ctx, lo, hi, k, bounds, nbounds);
}

static void
test_source_failures_reach_the_caller (void **state)
{
    s_seed (31);
    size_t common = 3000, a_only = 40, b_only = 30, n = common + a_only + b_only;
    vf_recon_item_t *items = malloc (n * sizeof *items);
    assert_non_null (items);
    s_random_items (items, n, T0, 20000);
    s_sets_t d = { items, common, a_only, b_only };
    vf_recon_mem_t *a = NULL, *b = NULL;
    s_build (&d, &a, &b);
    vf_recon_source_t sa = vf_recon_mem_source (a), sb = vf_recon_mem_source (b);
    vf_recon_params_t p = { 4, 2, VF_RECON_FRAME_MIN };
    vf_err_t err = { 0 };
    /* the messages of a whole exchange, each answered with every call of
       the source failing in turn */
    uint8_t *msg = NULL;
    size_t len = 0, failures = 0;
    assert_int_equal (vf_recon_initiate (&sa, &p, &msg, &len, &err), 0);
    bool done = false;
    for (int side = 1; msg && !done; side ^= 1) {
        s_failing_t f = { side ? sb : sa, 0, 0 };
        vf_recon_source_t src = { &f, s_failing_fingerprint, s_failing_items, s_failing_nth,
                                  s_failing_split };
        vf_recon_ids_t have = { 0 }, need = { 0 };
        uint8_t *out = NULL;
        size_t outlen = 0;
        int rc = VF_ESTORE;
        for (f.fail_at = 1; rc == VF_ESTORE; f.fail_at++) {
            f.calls = 0;
            rc = vf_recon_respond (&src, &p, msg, len, &out, &outlen, &have, &need, &done, &err);
            if (rc == VF_ESTORE) {
                assert_null (out);
                assert_int_equal (have.n + need.n, 0);
                assert_non_null (strstr (err.msg, "recon source"));
                failures++;
            }
        }
        assert_int_equal (rc, 0);
        vf_recon_ids_clear (&have);
        vf_recon_ids_clear (&need);
        free (msg);
        msg = out;
        len = outlen;
    }
    free (msg);
    assert_true (failures > 50);
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);
    free (items);
}

/*  Messages too big or too costly to answer in one reply still get an
    answer within the frame and the work budget: deferred fingerprints,
    skips merged into them, or the rest of the message sent back whole. */
static void
s_answer_built (vf_recon_mem_t *m, vf_recon_range_t *ranges, size_t n, const vf_recon_params_t *p,
                vf_recon_msg_t *reply, uint8_t **buf)
{
    vf_recon_msg_t msg = { ranges, n };
    uint8_t *in = NULL, *out = NULL;
    size_t len = 0, outlen = 0;
    vf_err_t err = { 0 };
    assert_int_equal (vf_recon_msg_encode (&msg, &in, &len, &err), 0);
    vf_recon_source_t src = vf_recon_mem_source (m);
    vf_recon_ids_t have = { 0 }, need = { 0 };
    bool done = true;
    int rc = vf_recon_respond (&src, p, in, len, &out, &outlen, &have, &need, &done, &err);
    if (rc)
        fail_msg ("%s", err.msg);
    assert_non_null (out);
    assert_false (done);
    assert_true (outlen <= p->frame_max);
    assert_int_equal (vf_recon_msg_decode (reply, out, outlen, &err), 0);
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
    free (in);
    *buf = out;
}

static void
test_oversized_and_costly_messages (void **state)
{
    s_seed (99);
    size_t n = 300000;
    vf_recon_item_t *items = malloc (n * sizeof *items);
    assert_non_null (items);
    s_random_items (items, n, 0, n); /* times 0 .. n-1 ms */
    vf_recon_mem_t *m = vf_recon_mem_new (items, n);
    free (items);
    vf_recon_params_t p = { 16, 1, VF_RECON_FRAME_MIN };
    size_t nr = 3000;
    vf_recon_range_t *r = calloc (nr, sizeof *r);
    uint8_t fp[16] = { 1, 2, 3 }, id[32] = { 7 };
    vf_recon_msg_t reply;
    uint8_t *buf = NULL;

    /* 1500 mismatching fingerprints between skips: the deferred form
       (a fingerprint and a skip each) does not fit 16 KiB, so skips merge */
    for (size_t k = 0; k < nr; k++) {
        r[k] =
            (vf_recon_range_t){ .mode = k % 2 ? VF_RECON_SKIP : VF_RECON_FP, .count = 5, .fp = fp };
        r[k].hi = (vf_recon_bound_t){ 50 * (k + 1), 0, { 0 } };
    }
    r[nr - 1].hi = vf_recon_bound_inf ();
    s_answer_built (m, r, nr, &p, &reply, &buf);
    assert_true (reply.n > 16);
    assert_int_equal (reply.ranges[reply.n - 1].mode, VF_RECON_FP); /* the rest, deferred */
    vf_recon_msg_clear (&reply);
    free (buf);

    /* the same between differences, which cannot merge: the first part
       is answered, the rest sent back as one fingerprint */
    for (size_t k = 1; k < nr; k += 2)
        r[k] = (vf_recon_range_t){ .mode = VF_RECON_DIFF, .hi = r[k].hi, .ids = id, .nids = 1 };
    s_answer_built (m, r, nr, &p, &reply, &buf);
    assert_true (reply.n < nr / 2);
    vf_recon_range_t *last = &reply.ranges[reply.n - 1];
    assert_int_equal (last->mode, VF_RECON_FP);
    assert_true (vf_recon_bound_is_inf (&last->hi));
    vf_recon_msg_clear (&reply);
    free (buf);

    /* costly: lists of one unknown id over 9000 items (more than we load:
       a split) then ~8100 items (loaded and compared; the difference does
       not fit 64 KiB: a split), and "all but one" fingerprints over ~8100 items
       (hashed): the work budget runs out, the rest waits for next round */
    size_t big = 33;
    for (size_t k = 0; k < big; k++) {
        r[k] = (vf_recon_range_t){
            .mode = k % 2 ? VF_RECON_FP : VF_RECON_IDS, .ids = id, .nids = 1, .fp = fp
        };
        r[k].hi = (vf_recon_bound_t){ 9000 + k * 8100, 0, { 0 } };
    }
    r[big] = (vf_recon_range_t){ .mode = VF_RECON_SKIP, .hi = vf_recon_bound_inf () };
    vf_recon_source_t src = vf_recon_mem_source (m);
    for (size_t k = 1; k < big; k += 2) {
        uint64_t c = 0;
        uint8_t ignore[16];
        src.fingerprint (src.ctx, &r[k - 1].hi, &r[k].hi, &c, ignore);
        r[k].count = c - 1;
    }
    p.frame_max = 64 * 1024;
    s_answer_built (m, r, big + 1, &p, &reply, &buf);
    assert_true (reply.n > big);
    vf_recon_msg_clear (&reply);
    free (buf);
    free (r);
    vf_recon_mem_destroy (&m);
}

/*  A difference answering ids we listed, arriving after our items
    changed: its bitmap no longer applies and is ignored. */
static void
test_stale_bitmap_is_ignored (void **state)
{
    s_seed (3);
    vf_recon_item_t items[4];
    s_random_items (items, 4, T0, 10);
    vf_recon_mem_t *a = vf_recon_mem_new (items, 3), *b = vf_recon_mem_new (items + 1, 3);
    vf_recon_source_t sa = vf_recon_mem_source (a), sb = vf_recon_mem_source (b);
    vf_recon_params_t p = { 16, 4, VF_RECON_FRAME_MAX };
    vf_err_t err = { 0 };
    uint8_t *m1 = NULL, *m2 = NULL, *m3 = NULL;
    size_t l1, l2, l3;
    bool done;
    vf_recon_ids_t have = { 0 }, need = { 0 };
    assert_int_equal (vf_recon_initiate (&sa, &p, &m1, &l1, &err), 0);
    /* b answers a's fingerprint with its ids, a its difference with a bitmap */
    assert_int_equal (vf_recon_respond (&sb, &p, m1, l1, &m2, &l2, &have, &need, &done, &err), 0);
    assert_int_equal (vf_recon_respond (&sa, &p, m2, l2, &m3, &l3, &have, &need, &done, &err), 0);
    assert_true (done);
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
    /* meanwhile b gained an item: it learns the ids a has, not a's bitmap */
    vf_recon_mem_t *b2 = vf_recon_mem_new (items, 4);
    vf_recon_source_t sb2 = vf_recon_mem_source (b2);
    uint8_t *m4 = NULL;
    size_t l4;
    assert_int_equal (vf_recon_respond (&sb2, &p, m3, l3, &m4, &l4, &have, &need, &done, &err), 0);
    assert_null (m4);
    assert_true (done);
    assert_int_equal (have.n, 0);
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
    free (m1);
    free (m2);
    free (m3);
    vf_recon_mem_destroy (&a);
    vf_recon_mem_destroy (&b);
    vf_recon_mem_destroy (&b2);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_fingerprints_match_the_definition),
        cmocka_unit_test (test_bounds_order_items),
        cmocka_unit_test (test_matches_the_reference_on_random_sets),
        cmocka_unit_test (test_store_like_splits_reach_the_same_result),
        cmocka_unit_test (test_peers_with_different_parameters),
        cmocka_unit_test (test_catching_up_takes_many_frames),
        cmocka_unit_test (test_scenarios_on_100k_items),
        cmocka_unit_test (test_scenarios_on_1m_items),
        cmocka_unit_test (test_hostile_messages_fail_cleanly),
        cmocka_unit_test (test_real_messages_truncated_and_reencoded),
        cmocka_unit_test (test_bad_parameters_are_refused),
        cmocka_unit_test (test_stale_bitmap_is_ignored),
        cmocka_unit_test (test_oversized_and_costly_messages),
        cmocka_unit_test (test_source_failures_reach_the_caller),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
