/*  test_recon_store.c - two stores reconcile their public entries with
    the protocol (vf_recon) over the store's source (fingerprints from the
    cached bucket sums): each learns exactly what the other holds and it
    lacks. */
#define TEST_NAME "recon-store"
#include "store_support.h"
#include "vf_recon_store.h"

static vf_store_t *
s_open (const char *sub)
{
    char path[400];
    snprintf (path, sizeof path, "%s/%s", s_dir, sub);
    vf_store_t *st = NULL;
    assert_int_equal (vf_store_open (&st, path, NULL, NULL), 0);
    return st;
}

/*  n signed Process entries, times spread over days. */
static vf_entry_t **
s_entries (size_t n)
{
    vf_identity_t *id = s_identity (21);
    vf_entry_t **all = calloc (n, sizeof *all);
    for (size_t k = 0; k < n; k++) {
        vf_entry_t *e = vf_entry_new ();
        strcpy (e->cls, "Process");
        e->seq = k + 1;
        e->time = 1700000000000ull + (uint64_t) (k * 7919u % 500000u) * 1000u + (k % 3);
        char iri[64];
        snprintf (iri, sizeof iri, "urn:rs:%zu", k);
        json_t *body = json_pack ("{s:s}", "@id", iri);
        vf_entry_set_body (e, &body);
        assert_int_equal (vf_entry_sign (e, id, NULL), 0);
        all[k] = e;
    }
    vf_identity_destroy (&id);
    return all;
}

static void
s_ingest (vf_store_t *st, vf_entry_t **all, size_t n, bool (*keep) (size_t k))
{
    vf_entry_t *batch[512];
    vf_ingest_result_t res[512];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (keep && !keep (k))
            continue;
        batch[m++] = all[k];
        if (m == 512 || k == n - 1) {
            assert_int_equal (vf_store_ingest (st, batch, m, res, NULL), 0);
            m = 0;
        }
    }
    if (m)
        assert_int_equal (vf_store_ingest (st, batch, m, res, NULL), 0);
}

static bool
s_a_keeps (size_t k)
{
    return k % 97 != 5;
} /* a lacks every 97th */
static bool
s_b_keeps (size_t k)
{
    return k % 101 != 7 && k < 2990;
} /* b lacks others, and the newest */

static void
test_two_stores_learn_exactly_their_differences (void **state)
{
    size_t n = 3000;
    vf_entry_t **all = s_entries (n);
    vf_store_t *a = s_open ("a"), *b = s_open ("b");
    s_ingest (a, all, n, s_a_keeps);
    s_ingest (b, all, n, s_b_keeps);
    static const uint8_t pub[VF_KEY_BYTES] = { 0 };
    vf_store_recon_t *ra = NULL, *rb = NULL;
    assert_int_equal (vf_store_recon_open (a, pub, &ra, NULL), 0);
    assert_int_equal (vf_store_recon_open (b, pub, &rb, NULL), 0);
    vf_recon_source_t sa = vf_store_recon_source (ra), sb = vf_store_recon_source (rb);
    vf_recon_ids_t have_a = { 0 }, need_a = { 0 }, have_b = { 0 }, need_b = { 0 };
    uint8_t *msg = NULL, *reply = NULL;
    size_t len = 0, rlen = 0;
    vf_err_t err = { 0 };
    assert_int_equal (vf_recon_initiate (&sa, NULL, &msg, &len, &err), 0);
    int rounds = 0;
    bool done_a = false, done_b = false;
    while (msg && rounds < 50) {
        if (vf_recon_respond (&sb, NULL, msg, len, &reply, &rlen, &have_b, &need_b, &done_b, &err))
            fail_msg ("b: %s", err.msg);
        free (msg), msg = NULL;
        rounds++;
        if (!reply)
            break;
        if (vf_recon_respond (&sa, NULL, reply, rlen, &msg, &len, &have_a, &need_a, &done_a, &err))
            fail_msg ("a: %s", err.msg);
        free (reply), reply = NULL;
    }
    free (msg);
    free (reply);
    /* what a needs is what b has and a lacks, once each, and no more */
    size_t a_lacks = 0, b_lacks = 0;
    for (size_t k = 0; k < n; k++) {
        a_lacks += !s_a_keeps (k) && s_b_keeps (k);
        b_lacks += s_a_keeps (k) && !s_b_keeps (k);
    }
    /* the initiator learns both differences completely: what to ask for
       and what to offer */
    assert_int_equal (need_a.n, a_lacks);
    assert_int_equal (have_a.n, b_lacks);
    for (size_t k = 0; k < need_a.n; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = memcmp (all[i]->id, need_a.ids[k], 32) == 0 && !s_a_keeps (i) && s_b_keeps (i);
        assert_true (found);
    }
    for (size_t k = 0; k < have_a.n; k++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = memcmp (all[i]->id, have_a.ids[k], 32) == 0 && s_a_keeps (i) && !s_b_keeps (i);
        assert_true (found);
    }
    /* and the responder's lists hold nothing but real differences */
    assert_true (need_b.n <= b_lacks && have_b.n <= a_lacks);
    printf ("reconciled %zu / %zu differences in %d rounds\n", a_lacks, b_lacks, rounds);
    vf_recon_ids_clear (&have_a);
    vf_recon_ids_clear (&need_a);
    vf_recon_ids_clear (&have_b);
    vf_recon_ids_clear (&need_b);
    vf_store_recon_close (&ra);
    vf_store_recon_close (&rb);
    vf_store_destroy (&a);
    vf_store_destroy (&b);
    for (size_t k = 0; k < n; k++)
        vf_entry_destroy (&all[k]);
    free (all);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_two_stores_learn_exactly_their_differences),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
