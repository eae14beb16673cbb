/*  test_store.c - the store: batches in, copies out, nothing partial.

    A store is opened on a directory (vf_store_open), fed batches of signed
    entries (vf_store_ingest, one transaction each, a result per entry) and
    read with vf_store_get / vf_store_query. vf_store_check verifies the
    whole store against its log.
*/
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_NAME "store"
#include "store_support.h"
#include "vf_db.h"

/*  Sign the records of a JSON-LD text as author, seq from *seq. */
static vf_records_t *
s_sign (const vf_identity_t *id, uint64_t *seq, uint64_t time, const char *jsonld)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (jsonld, strlen (jsonld), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (id), seq, time, NULL, &err))
        fail_msg ("%s", err.msg);
    for (size_t k = 0; k < recs->n; k++)
        if (vf_entry_sign (recs->items[k].entry, id, &err))
            fail_msg ("%s", err.msg);
    return recs;
}

/*  n Process records "urn:p:<tag>:<k>" signed by id. */
static vf_records_t *
s_processes (const vf_identity_t *id, uint64_t *seq, const char *tag, size_t n)
{
    size_t cap = 64 + n * 96;
    char *doc = malloc (cap), *p = doc;
    p += sprintf (p, "[");
    for (size_t k = 0; k < n; k++)
        p +=
            sprintf (p, "%s{\"@type\": \"Process\", \"@id\": \"urn:p:%s:%zu\", \"name\": \"P%zu\"}",
                     k ? "," : "", tag, k, k);
    sprintf (p, "]");
    vf_records_t *recs = s_sign (id, seq, 1700000000000ull, doc);
    free (doc);
    return recs;
}

static int
s_ingest (vf_store_t *st, vf_records_t *recs, vf_ingest_result_t *res, vf_err_t *err)
{
    vf_entry_t *batch[VF_INGEST_BATCH_MAX];
    for (size_t k = 0; k < recs->n; k++)
        batch[k] = recs->items[k].entry;
    return vf_store_ingest (st, batch, recs->n, res, err);
}

static vf_store_t *
s_open (const char *sub, uint64_t map_size)
{
    char path[400];
    snprintf (path, sizeof path, "%s/%s", s_dir, sub);
    vf_store_opts_t opts = { map_size, false };
    vf_store_t *st = NULL;
    vf_err_t err = { 0 };
    if (vf_store_open (&st, path, &opts, &err))
        fail_msg ("open: %s", err.msg);
    return st;
}

static void
s_assert_clean (vf_store_t *st, uint64_t entries)
{
    vf_check_report_t rep;
    vf_err_t err = { 0 };
    assert_int_equal (vf_store_check (st, &rep, &err), 0);
    if (rep.bad_entries || rep.bad_index || rep.bad_state)
        fail_msg ("check: %s", rep.first_problem);
    assert_int_equal (rep.entries, entries);
}

static void
test_ingest_stores_once_and_reads_back (void **state)
{
    vf_store_t *st = s_open ("basic", 0);
    vf_identity_t *id = s_identity (1);
    uint64_t seq = 1;
    vf_records_t *recs = s_processes (id, &seq, "a", 3);
    vf_ingest_result_t res[3];
    vf_err_t err = { 0 };
    assert_int_equal (s_ingest (st, recs, res, &err), 0);
    for (int k = 0; k < 3; k++) {
        assert_int_equal (res[k].outcome, VF_OUTCOME_STORED);
        assert_int_equal (res[k].local, k + 1);
    }
    /* the same batch again: every entry is a duplicate, nothing changes */
    assert_int_equal (s_ingest (st, recs, res, &err), 0);
    for (int k = 0; k < 3; k++) {
        assert_int_equal (res[k].outcome, VF_OUTCOME_DUPLICATE);
        assert_int_equal (res[k].local, k + 1);
    }
    vf_entry_t *back = NULL;
    assert_int_equal (vf_store_get (st, recs->items[1].entry->id, &back, &err), 0);
    assert_string_equal (vf_entry_iri (back), "urn:p:a:1");
    assert_memory_equal (back->sig, recs->items[1].entry->sig, VF_SIG_BYTES);
    vf_entry_destroy (&back);
    uint8_t nope[VF_HASH_BYTES] = { 0 };
    assert_int_equal (vf_store_get (st, nope, &back, &err), VF_ENOTFOUND);
    uint64_t last = 0;
    assert_int_equal (vf_store_last_seq (st, vf_identity_public (id), &last, &err), 0);
    assert_int_equal (last, 3);
    s_assert_clean (st, 3);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

static void
test_invalid_entries_are_rejected_with_a_reason (void **state)
{
    vf_store_t *st = s_open ("reject", 0);
    vf_identity_t *id = s_identity (2);
    uint64_t seq = 1;
    vf_records_t *recs = s_processes (id, &seq, "r", 3);
    /* one unsigned (never verified), one that breaks a VF rule after signing */
    recs->items[0].entry->is_signed = false;
    json_object_set_new (recs->items[2].entry->body, "finished", json_string ("yes"));
    vf_ingest_result_t res[3];
    vf_err_t err = { 0 };
    assert_int_equal (s_ingest (st, recs, res, &err), 0);
    assert_int_equal (res[0].outcome, VF_OUTCOME_REJECTED);
    assert_int_equal (res[0].code, VF_EBADSIG);
    assert_int_equal (res[1].outcome, VF_OUTCOME_STORED);
    assert_int_equal (res[2].outcome, VF_OUTCOME_REJECTED);
    assert_int_equal (res[2].code, VF_EINVALID);
    assert_non_null (strstr (res[2].reason, "finished"));
    s_assert_clean (st, 1);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

static void
test_equivocation_keeps_both_and_proves_it (void **state)
{
    vf_store_t *st = s_open ("fork", 0);
    vf_identity_t *id = s_identity (3);
    uint64_t seq = 7;
    vf_records_t *a = s_processes (id, &seq, "one", 1);
    seq = 7;
    vf_records_t *b = s_processes (id, &seq, "two", 1);
    vf_ingest_result_t res[1];
    vf_err_t err = { 0 };
    bool eq = true;
    assert_int_equal (s_ingest (st, a, res, &err), 0);
    assert_false (res[0].fork);
    assert_int_equal (vf_store_is_equivocating (st, vf_identity_public (id), &eq, &err), 0);
    assert_false (eq);
    assert_int_equal (s_ingest (st, b, res, &err), 0);
    assert_int_equal (res[0].outcome, VF_OUTCOME_STORED);
    assert_true (res[0].fork);
    assert_int_equal (vf_store_is_equivocating (st, vf_identity_public (id), &eq, &err), 0);
    assert_true (eq);
    vf_fork_t *forks = NULL;
    size_t n = 0;
    assert_int_equal (vf_store_forks (st, &forks, &n, &err), 0);
    assert_int_equal (n, 1);
    assert_int_equal (forks[0].seq, 7);
    assert_memory_equal (forks[0].author, vf_identity_public (id), VF_KEY_BYTES);
    /* the proof names both entries, the smaller id first */
    const uint8_t *x = a->items[0].entry->id, *y = b->items[0].entry->id;
    const uint8_t *lo = memcmp (x, y, VF_HASH_BYTES) < 0 ? x : y;
    assert_memory_equal (forks[0].id_a, lo, VF_HASH_BYTES);
    assert_memory_not_equal (forks[0].id_a, forks[0].id_b, VF_HASH_BYTES);
    free (forks);
    s_assert_clean (st, 2);
    vf_records_destroy (&a);
    vf_records_destroy (&b);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

static void
test_queries_filter_and_page (void **state)
{
    vf_store_t *st = s_open ("query", 0);
    vf_identity_t *farm = s_identity (4), *mill = s_identity (5);
    uint64_t seq = 1;
    vf_records_t *procs = s_processes (farm, &seq, "q", 5);
    vf_records_t *events = s_sign (
        farm, &seq, 1700000001000ull,
        "[{\"@type\": \"EconomicEvent\", \"action\": \"produce\", \"provider\": \"urn:farm\","
        "  \"receiver\": \"urn:farm\", \"outputOf\": \"urn:p:q:1\", \"resourceInventoriedAs\":"
        "  \"urn:wool\", \"resourceQuantity\": {\"hasNumericalValue\": 5, \"hasUnit\": "
        "\"kilogram\"}},"
        " {\"@type\": \"EconomicEvent\", \"action\": \"transfer\", \"provider\": \"urn:farm\","
        "  \"receiver\": \"urn:mill\", \"resourceInventoriedAs\": \"urn:wool\","
        "  \"toResourceInventoriedAs\": \"urn:mill-wool\","
        "  \"resourceQuantity\": {\"hasNumericalValue\": 5, \"hasUnit\": \"kilogram\"}}]");
    uint64_t mseq = 1;
    vf_records_t *mills = s_processes (mill, &mseq, "m", 2);
    vf_ingest_result_t res[8];
    vf_err_t err = { 0 };
    assert_int_equal (s_ingest (st, procs, res, &err), 0);
    assert_int_equal (s_ingest (st, events, res, &err), 0);
    assert_int_equal (s_ingest (st, mills, res, &err), 0);

    vf_entry_t **page = NULL;
    size_t n = 0;
    uint64_t next = 0;
    vf_query_t q = { .cls = "Process", .limit = 4 };
    assert_int_equal (vf_store_query (st, &q, &page, &n, &next, &err), 0);
    assert_int_equal (n, 4);
    assert_int_not_equal (next, 0);
    vf_store_free_entries (&page, n);
    q.after = next;
    assert_int_equal (vf_store_query (st, &q, &page, &n, &next, &err), 0);
    assert_int_equal (n, 3); /* 7 processes in all */
    assert_int_equal (next, 0);
    vf_store_free_entries (&page, n);

    vf_query_t byres = { .resource = "urn:mill-wool" };
    assert_int_equal (vf_store_query (st, &byres, &page, &n, &next, &err), 0);
    assert_int_equal (n, 1);
    assert_string_equal (json_string_value (json_object_get (page[0]->body, "action")), "transfer");
    vf_store_free_entries (&page, n);

    vf_query_t byagent = { .agent = "urn:farm", .action = "produce" };
    assert_int_equal (vf_store_query (st, &byagent, &page, &n, &next, &err), 0);
    assert_int_equal (n, 1);
    vf_store_free_entries (&page, n);

    vf_query_t byauthor = { .author = vf_identity_public (mill) };
    assert_int_equal (vf_store_query (st, &byauthor, &page, &n, &next, &err), 0);
    assert_int_equal (n, 2);
    vf_store_free_entries (&page, n);

    /* by envelope time: the events were signed a second after the processes */
    vf_query_t bytime = { .time_from = 1700000001000ull, .time_to = 1700000002000ull };
    assert_int_equal (vf_store_query (st, &bytime, &page, &n, &next, &err), 0);
    assert_int_equal (n, 2);
    vf_store_free_entries (&page, n);

    vf_query_t byproc = { .process = "urn:p:q:1" };
    assert_int_equal (vf_store_query (st, &byproc, &page, &n, &next, &err), 0);
    assert_int_equal (n, 1);
    vf_store_free_entries (&page, n);
    s_assert_clean (st, 9);
    vf_records_destroy (&procs);
    vf_records_destroy (&events);
    vf_records_destroy (&mills);
    vf_identity_destroy (&farm);
    vf_identity_destroy (&mill);
    vf_store_destroy (&st);
}

static void
test_unknown_schema_is_refused_with_advice (void **state)
{
    vf_store_t *st = s_open ("schema", 0);
    vf_store_destroy (&st);
    char path[400];
    snprintf (path, sizeof path, "%s/schema", s_dir);
    vf_db_t *db = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_db_open (&db, path, NULL, &err), 0);
    MDB_txn *txn;
    struct {
        char magic[4];
        uint32_t version, bom;
    } future = { { 'V', 'F', 'S', 'T' }, 99, 0x01020304u };
    assert_int_equal (vf_db_begin (db, true, &txn, &err), 0);
    assert_int_equal (vf_db_put (db, txn, VF_T_META, "schema", 6, &future, sizeof future, 0, &err),
                      0);
    assert_int_equal (vf_db_commit (db, txn, &err), 0);
    vf_db_destroy (&db);
    vf_store_opts_t opts = { 0, false };
    assert_int_equal (vf_store_open (&st, path, &opts, &err), VF_ESCHEMA);
    assert_null (st);
    assert_non_null (strstr (err.msg, "version 99"));
    assert_non_null (strstr (err.msg, "vfctl db dump"));
}

static void
test_map_full_is_clean_and_recoverable (void **state)
{
    vf_store_t *st = s_open ("full", VF_STORE_MAP_MIN);
    vf_identity_t *id = s_identity (6);
    uint64_t seq = 1, stored = 0;
    vf_err_t err = { 0 };
    vf_ingest_result_t *res = calloc (200, sizeof *res);
    int rc = 0;
    vf_records_t *recs = NULL;
    for (int round = 0; round < 100 && rc == 0; round++) {
        char tag[16];
        snprintf (tag, sizeof tag, "f%d", round);
        vf_records_destroy (&recs);
        recs = s_processes (id, &seq, tag, 200);
        rc = s_ingest (st, recs, res, &err);
        if (rc == 0)
            stored += 200;
    }
    assert_int_equal (rc, VF_EFULL);
    assert_non_null (strstr (err.msg, "map_size"));
    s_assert_clean (st, stored); /* the failed batch left nothing behind */
    vf_store_destroy (&st);
    /* grown (config + restart), the same batch goes in */
    st = s_open ("full", 64ull * 1024 * 1024);
    assert_int_equal (s_ingest (st, recs, res, &err), 0);
    s_assert_clean (st, stored + 200);
    free (res);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

/*  Fail the Nth LMDB call for N = 1, 2, ... until the ingest succeeds;
    after each failure the store must hold exactly what it held before. */
static void
test_failure_at_every_lmdb_call_leaves_nothing_partial (void **state)
{
    vf_store_t *st = s_open ("inject", 0);
    vf_identity_t *id = s_identity (7);
    uint64_t seq = 1;
    vf_records_t *base = s_processes (id, &seq, "base", 4);
    vf_records_t *batch =
        s_sign (id, &seq, 1700000002000ull,
                "[{\"@type\": \"EconomicEvent\", \"action\": \"raise\", \"provider\": \"urn:a\","
                "  \"receiver\": \"urn:a\", \"resourceInventoriedAs\": \"urn:r\","
                "  \"resourceQuantity\": {\"hasNumericalValue\": 3, \"hasUnit\": \"one\"}},"
                " {\"@type\": \"Process\", \"@id\": \"urn:p:x\", \"name\": \"X\"}]");
    vf_ingest_result_t res[4];
    vf_err_t err = { 0 };
    assert_int_equal (s_ingest (st, base, res, &err), 0);
    uint64_t n;
    for (n = 1; n < 1000; n++) {
        vf_store_fail_after (st, n);
        int rc = s_ingest (st, batch, res, &err);
        uint64_t made = vf_store_fail_after (st, 0);
        if (rc == 0) {
            /* it succeeded only because it made fewer calls: a failure
               that was swallowed would show as success with made >= n */
            assert_true (made < n);
            break;
        }
        assert_int_equal (rc, VF_ESTORE);
        assert_non_null (strstr (err.msg, "injected"));
        s_assert_clean (st, 4);
        vf_entry_t *e = NULL;
        assert_int_equal (vf_store_get (st, batch->items[0].entry->id, &e, &err), VF_ENOTFOUND);
    }
    assert_true (n > 10); /* the batch makes many calls, each was failed once */
    s_assert_clean (st, 6);
    vf_records_destroy (&base);
    vf_records_destroy (&batch);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

/*  A child ingests batches and reports each committed batch on a pipe;
    the parent kills it with SIGKILL at a random moment. Every batch it was
    told about must be there, and the store must check clean. */
static void
test_sigkill_during_ingest_loses_nothing_acknowledged (void **state)
{
    srand ((unsigned) getpid ());
    for (int round = 0; round < 3; round++) {
        char sub[32];
        snprintf (sub, sizeof sub, "kill%d", round);
        int fds[2];
        assert_int_equal (pipe (fds), 0);
        pid_t pid = fork ();
        assert_true (pid >= 0);
        if (pid == 0) {
            close (fds[0]);
            vf_store_t *st = s_open (sub, 0);
            vf_identity_t *id = s_identity (8);
            uint64_t seq = 1;
            for (unsigned b = 0;; b++) {
                char tag[16];
                snprintf (tag, sizeof tag, "k%u", b);
                vf_records_t *recs = s_processes (id, &seq, tag, 20);
                vf_ingest_result_t res[20];
                if (s_ingest (st, recs, res, NULL) == 0 && write (fds[1], &b, sizeof b) < 0)
                    _exit (1);
                vf_records_destroy (&recs);
            }
        }
        close (fds[1]);
        usleep (50000 + (useconds_t) (rand () % 200000));
        kill (pid, SIGKILL);
        waitpid (pid, NULL, 0);
        unsigned b, acked = 0;
        while (read (fds[0], &b, sizeof b) == sizeof b)
            acked = b + 1;
        close (fds[0]);
        vf_store_t *st = s_open (sub, 0);
        vf_store_stat_t stat;
        assert_int_equal (vf_store_stat (st, &stat, NULL), 0);
        assert_true (stat.entries >= (uint64_t) acked * 20);
        assert_int_equal (stat.entries % 20, 0); /* whole batches or nothing */
        s_assert_clean (st, stat.entries);
        vf_store_destroy (&st);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_ingest_stores_once_and_reads_back),
        cmocka_unit_test (test_invalid_entries_are_rejected_with_a_reason),
        cmocka_unit_test (test_equivocation_keeps_both_and_proves_it),
        cmocka_unit_test (test_queries_filter_and_page),
        cmocka_unit_test (test_unknown_schema_is_refused_with_advice),
        cmocka_unit_test (test_map_full_is_clean_and_recoverable),
        cmocka_unit_test (test_failure_at_every_lmdb_call_leaves_nothing_partial),
        cmocka_unit_test (test_sigkill_during_ingest_loses_nothing_acknowledged),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
