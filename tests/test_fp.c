/*  test_fp.c - range fingerprints from the store's cached bucket sums must
    equal the sum over the items themselves, for any range. */
#define TEST_NAME "fp"
#include "store_support.h"
#include "vf_fp.h"
#include "vf_store_int.h"

typedef struct {
    uint64_t time;
    uint8_t id[32];
} s_item_t;

static int
s_cmp_item (const void *a, const void *b)
{
    const s_item_t *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return memcmp (x->id, y->id, 32);
}

/*  Is item before bound? */
static bool
s_before (const s_item_t *it, const vf_fp_bound_t *b)
{
    if (b->infinite)
        return true;
    if (it->time != b->time)
        return it->time < b->time;
    return memcmp (it->id, b->prefix, b->prefix_len) < 0;
}

/*  Store n processes with chosen envelope times; return their (time, id). */
static s_item_t *
s_fill (vf_store_t *st, size_t n, uint64_t base, uint64_t spread)
{
    vf_identity_t *id = s_identity (11);
    s_item_t *items = calloc (n, sizeof *items);
    vf_entry_t **batch = calloc (n, sizeof *batch);
    vf_ingest_result_t *res = calloc (n, sizeof *res);
    srand (7);
    for (size_t k = 0; k < n; k++) {
        vf_entry_t *e = vf_entry_new ();
        strcpy (e->cls, "Process");
        e->seq = k + 1;
        /*  clumps and gaps: some in the same 4 s, some years apart */
        uint64_t r = (uint64_t) rand ();
        e->time = base + (k % 3 == 0 ? (r % 4000) : (r * 7919u) % spread);
        char iri[64];
        snprintf (iri, sizeof iri, "urn:fp:%zu", k);
        json_t *body = json_pack ("{s:s}", "@id", iri);
        vf_entry_set_body (e, &body);
        assert_int_equal (vf_entry_sign (e, id, NULL), 0);
        items[k].time = e->time;
        memcpy (items[k].id, e->id, 32);
        batch[k] = e;
    }
    for (size_t k = 0; k < n; k += 1000) {
        size_t m = n - k < 1000 ? n - k : 1000;
        assert_int_equal (vf_store_ingest (st, batch + k, m, res + k, NULL), 0);
    }
    for (size_t k = 0; k < n; k++)
        vf_entry_destroy (&batch[k]);
    free (batch);
    free (res);
    vf_identity_destroy (&id);
    qsort (items, n, sizeof *items, s_cmp_item);
    return items;
}

static void
s_check_range (vf_store_t *st, const s_item_t *items, size_t n, const vf_fp_bound_t *lo,
               const vf_fp_bound_t *hi)
{
    static const uint8_t public_net[32] = { 0 };
    vf_fp_acc_t want = { { 0 }, 0 }, got;
    for (size_t k = 0; k < n; k++)
        if (!s_before (&items[k], lo) && s_before (&items[k], hi))
            vf_fp_acc_add (&want, items[k].id);
    MDB_txn *txn;
    assert_int_equal (vf_db_begin (st->db, false, &txn, NULL), 0);
    vf_err_t err = { 0 };
    if (vf_fp_range (st->db, txn, public_net, lo, hi, &got, &err))
        fail_msg ("%s", err.msg);
    vf_db_abort (txn);
    if (got.count != want.count || memcmp (got.sum, want.sum, 32) != 0)
        fail_msg ("range [%llu/%u, %llu/%u%s): count %llu, expected %llu",
                  (unsigned long long) lo->time, lo->prefix_len, (unsigned long long) hi->time,
                  hi->prefix_len, hi->infinite ? " inf" : "", (unsigned long long) got.count,
                  (unsigned long long) want.count);
    uint8_t a[VF_FP_BYTES], b[VF_FP_BYTES];
    vf_fp_finish (&got, a);
    vf_fp_finish (&want, b);
    assert_memory_equal (a, b, VF_FP_BYTES);
}

static vf_fp_bound_t
s_bound_at (const s_item_t *items, size_t n, size_t k, int prefix_len)
{
    vf_fp_bound_t b = { 0 };
    if (k >= n) {
        b.infinite = true;
        return b;
    }
    b.time = items[k].time;
    b.prefix_len = (uint8_t) prefix_len;
    memcpy (b.prefix, items[k].id, (size_t) prefix_len);
    return b;
}

static void
test_any_range_matches_the_items (void **state)
{
    char path[400];
    snprintf (path, sizeof path, "%s/fp", s_dir);
    vf_store_t *st = NULL;
    assert_int_equal (vf_store_open (&st, path, NULL, NULL), 0);
    size_t n = 3000;
    /*  times from 2023 over ~3 years, so that every bucket level is used */
    s_item_t *items = s_fill (st, n, 1672531200000ull, 100000000000ull);
    vf_fp_bound_t zero = { 0 }, inf = { .infinite = true };
    s_check_range (st, items, n, &zero, &inf); /* the total */
    srand (11);
    for (int round = 0; round < 400; round++) {
        size_t a = (size_t) rand () % (n + 1), b = (size_t) rand () % (n + 1);
        if (a > b) {
            size_t t = a;
            a = b, b = t;
        }
        vf_fp_bound_t lo = s_bound_at (items, n, a, rand () % 33);
        vf_fp_bound_t hi = s_bound_at (items, n, b, rand () % 33);
        if (round % 5 == 0) /* bounds between items, by time only */
            lo.prefix_len = 0, lo.time += (uint64_t) (rand () % 5000);
        if (!hi.infinite && !lo.infinite &&
            (hi.time < lo.time || (hi.time == lo.time && memcmp (hi.prefix, lo.prefix, 32) < 0)))
            continue;
        s_check_range (st, items, n, &lo, &hi);
    }
    free (items);
    vf_store_destroy (&st);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_any_range_matches_the_items),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
