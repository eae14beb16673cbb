/*  test_writer.c - the writer actor on its own, in this process: jobs of
    signed entries go in on VF_WRITER_ENDPOINT and come back on their
    reply_to endpoint once their transaction committed (or failed).

    Whole jobs make a transaction, and a failed transaction fails only the
    jobs in it; a job larger than one ingest call is stored in several and
    its reply says exactly what was stored; a requester that is gone does
    not hold up the writer's stop.
*/
#include <czmq.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vf_job.h"
#include "vf_jsonld.h"
#include "vf_limits.h"
#include "vf_store.h"
#include "vf_writer.h"

#define REPLIES "inproc://test-writer-replies"

static char s_dir[256];

static int
s_setup (void **state)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/vf-test-writer-XXXXXX");
    assert_non_null (mkdtemp (s_dir));
    zsys_init ();
    zsys_handler_set (NULL);
    return 0;
}

static int
s_teardown (void **state)
{
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return system (cmd);
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

static uint64_t
s_entries (vf_store_t *st)
{
    vf_store_stat_t stat;
    assert_int_equal (vf_store_stat (st, &stat, NULL), 0);
    return stat.entries;
}

/*  A job (token, answered to REPLIES) of n Process entries
    "urn:w:<tag>:<k>" signed by id from *seq on, each with a note of
    note_len bytes. */
static vf_job_t *
s_job (const vf_identity_t *id, uint64_t *seq, uint64_t token, const char *tag, size_t n,
       size_t note_len)
{
    char *note = malloc (note_len + 1);
    memset (note, 'n', note_len);
    note[note_len] = '\0';
    size_t cap = 64 + n * (96 + note_len);
    char *doc = malloc (cap), *p = doc;
    p += sprintf (p, "[");
    for (size_t k = 0; k < n; k++)
        p += sprintf (p, "%s{\"@type\": \"Process\", \"@id\": \"urn:w:%s:%zu\", \"note\": \"%s\"}",
                      k ? "," : "", tag, k, note);
    sprintf (p, "]");
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (doc, strlen (doc), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (id), seq, 1700000000000ull, NULL, &err))
        fail_msg ("%s", err.msg);
    vf_job_t *job = vf_job_new (n, token, REPLIES);
    assert_non_null (job);
    for (size_t k = 0; k < n; k++) {
        if (vf_entry_sign (recs->items[k].entry, id, &err))
            fail_msg ("%s", err.msg);
        job->entries[k] = recs->items[k].entry;
        recs->items[k].entry = NULL; /* transferred */
    }
    vf_records_destroy (&recs);
    free (doc);
    free (note);
    return job;
}

/*  A writer on st that takes batch_max entries per transaction and waits
    wait_ms for more; it said "OK". */
static zactor_t *
s_writer (vf_store_t *st, size_t batch_max, int wait_ms)
{
    static vf_writer_args_t args;
    args = (vf_writer_args_t){ st, batch_max, wait_ms };
    zactor_t *writer = zactor_new (vf_writer_actor, &args);
    assert_non_null (writer);
    char *word = zstr_recv (writer);
    assert_string_equal (word, "OK");
    zstr_free (&word);
    return writer;
}

static zsock_t *
s_push (void)
{
    zsock_t *push = zsock_new (ZMQ_PUSH);
    assert_non_null (push);
    zsock_set_sndhwm (push, 0);
    assert_int_equal (zsock_connect (push, "%s", VF_WRITER_ENDPOINT), 0);
    return push;
}

/*  The next finished job (fails after 20 s without one). */
static vf_job_t *
s_answer (zsock_t *pull)
{
    zpoller_t *poller = zpoller_new (pull, NULL);
    vf_job_t *job = NULL;
    if (zpoller_wait (poller, 20000) == pull)
        zsock_recv (pull, "p", &job);
    zpoller_destroy (&poller);
    if (!job)
        fail_msg ("no answer from the writer");
    return job;
}

static size_t
s_outcomes (const vf_job_t *job, vf_outcome_t outcome)
{
    size_t n = 0;
    for (size_t k = 0; k < job->n; k++)
        n += job->results[k].outcome == outcome;
    return n;
}

/*  Three jobs queued together with room for 24 entries per transaction:
    A (5) cannot share one with B (24), nor B with C (5). B is too large for
    the 1 MiB store and its transaction fails: A and C are stored all the
    same, and only B's reply says "not stored". */
static void
test_a_failing_transaction_fails_only_its_jobs (void **state)
{
    vf_store_t *st = s_open ("only", VF_STORE_MAP_MIN);
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, 1, sizeof seed);
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    uint64_t seq = 1;
    vf_job_t *a = s_job (id, &seq, 1, "a", 5, 10);
    vf_job_t *b = s_job (id, &seq, 2, "b", 24, 60000); /* 1.4 MB */
    vf_job_t *c = s_job (id, &seq, 3, "c", 5, 10);
    zsock_t *pull = zsock_new_pull ("@" REPLIES);
    zactor_t *writer = s_writer (st, 24, 1000);
    zsock_t *push = s_push ();
    assert_int_equal (zsock_send (push, "p", a), 0);
    assert_int_equal (zsock_send (push, "p", b), 0);
    assert_int_equal (zsock_send (push, "p", c), 0);
    vf_job_t *done[4] = { NULL };
    for (int k = 0; k < 3; k++) {
        vf_job_t *job = s_answer (pull);
        assert_true (job->token >= 1 && job->token <= 3);
        done[job->token] = job;
    }
    assert_int_equal (done[1]->status, 0);
    assert_int_equal (s_outcomes (done[1], VF_OUTCOME_STORED), 5);
    assert_int_equal (done[2]->status, VF_EFULL);
    assert_non_null (strstr (done[2]->error, "map_size"));
    assert_int_equal (s_outcomes (done[2], VF_OUTCOME_STORED), 0);
    assert_int_equal (done[3]->status, 0);
    assert_int_equal (s_outcomes (done[3], VF_OUTCOME_STORED), 5);
    zactor_destroy (&writer);
    assert_int_equal (s_entries (st), 10);
    for (int k = 1; k <= 3; k++)
        vf_job_destroy (&done[k]);
    zsock_destroy (&push);
    zsock_destroy (&pull);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

/*  A job of VF_INGEST_BATCH_MAX small entries and 40 large ones takes two
    transactions; the store has room for the first only. The reply is
    per entry: the first VF_INGEST_BATCH_MAX stored, the rest refused with
    the store's error, and no "nothing stored" for the job. The small job
    behind it is stored in a transaction of its own. */
static void
test_a_job_larger_than_a_transaction_is_answered_entry_by_entry (void **state)
{
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, 2, sizeof seed);
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    /*  how much room the small entries take, measured on another store */
    uint64_t seq = 1;
    vf_job_t *probe = s_job (id, &seq, 0, "l", VF_INGEST_BATCH_MAX, 10);
    vf_store_t *st = s_open ("probe", 64ull << 20);
    vf_ingest_result_t *res = calloc (VF_INGEST_BATCH_MAX, sizeof *res);
    vf_err_t err = { 0 };
    assert_int_equal (vf_store_ingest (st, probe->entries, probe->n, res, &err), 0);
    vf_store_stat_t stat;
    assert_int_equal (vf_store_stat (st, &stat, NULL), 0);
    vf_store_destroy (&st);
    vf_job_destroy (&probe);
    free (res);

    st = s_open ("large", stat.map_used + (1u << 20));
    seq = 1;
    vf_job_t *large = s_job (id, &seq, 1, "l", VF_INGEST_BATCH_MAX, 10);
    vf_job_t *tail = s_job (id, &seq, 0, "t", 40, 60000); /* 2.4 MB: no room */
    vf_job_t *both = vf_job_new (large->n + tail->n, 1, REPLIES);
    for (size_t k = 0; k < large->n; k++)
        both->entries[k] = large->entries[k], large->entries[k] = NULL;
    for (size_t k = 0; k < tail->n; k++)
        both->entries[large->n + k] = tail->entries[k], tail->entries[k] = NULL;
    vf_job_destroy (&large);
    vf_job_destroy (&tail);
    vf_job_t *small = s_job (id, &seq, 2, "s", 3, 10);

    zsock_t *pull = zsock_new_pull ("@" REPLIES);
    zactor_t *writer = s_writer (st, 1000, 0);
    zsock_t *push = s_push ();
    assert_int_equal (zsock_send (push, "p", both), 0);
    assert_int_equal (zsock_send (push, "p", small), 0);
    vf_job_t *got = s_answer (pull);
    assert_int_equal (got->token, 1);
    assert_int_equal (got->status, 0);
    assert_int_equal (s_outcomes (got, VF_OUTCOME_STORED), VF_INGEST_BATCH_MAX);
    assert_int_equal (s_outcomes (got, VF_OUTCOME_REJECTED), 40);
    for (size_t k = 0; k < got->n; k++)
        if (k < VF_INGEST_BATCH_MAX)
            assert_int_equal (got->results[k].outcome, VF_OUTCOME_STORED);
        else {
            assert_int_equal (got->results[k].code, VF_EFULL);
            assert_non_null (strstr (got->results[k].reason, "not stored"));
        }
    vf_job_destroy (&got);
    got = s_answer (pull);
    assert_int_equal (got->token, 2);
    assert_int_equal (got->status, 0);
    assert_int_equal (s_outcomes (got, VF_OUTCOME_STORED), 3);
    vf_job_destroy (&got);
    zactor_destroy (&writer);
    assert_int_equal (s_entries (st), VF_INGEST_BATCH_MAX + 3);
    zsock_destroy (&push);
    zsock_destroy (&pull);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

/*  The requester stopped before the writer (as at SIGTERM): its answers
    are dropped after VF_WRITER_REPLY_TIMEOUT_MS for the first and at once
    for the next, and the writer stops promptly. */
static void
test_a_gone_requester_does_not_hold_up_the_stop (void **state)
{
    alarm (60); /* a writer that hangs fails the test instead of the run */
    vf_store_t *st = s_open ("gone", 0);
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, 3, sizeof seed);
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    uint64_t seq = 1;
    zsock_t *pull = zsock_new_pull ("@" REPLIES);
    zactor_t *writer = s_writer (st, 1000, 0);
    zsock_t *push = s_push ();
    assert_int_equal (zsock_send (push, "p", s_job (id, &seq, 1, "g", 1, 10)), 0);
    vf_job_t *got = s_answer (pull);
    vf_job_destroy (&got);
    zsock_destroy (&pull); /* the requester is gone */
    zclock_sleep (100);    /* (a job sent while it closes is lost with its queue) */
    for (uint64_t k = 2; k < 12; k++)
        assert_int_equal (zsock_send (push, "p", s_job (id, &seq, k, "g", 1, 10)), 0);
    zclock_sleep (100);
    int64_t start = zclock_mono ();
    zactor_destroy (&writer);
    int64_t took = zclock_mono () - start;
    assert_true (took < VF_WRITER_REPLY_TIMEOUT_MS + 2000);
    assert_int_equal (s_entries (st), 11); /* stored all the same */
    alarm (0);
    zsock_destroy (&push);
    vf_identity_destroy (&id);
    vf_store_destroy (&st);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_a_failing_transaction_fails_only_its_jobs),
        cmocka_unit_test (test_a_job_larger_than_a_transaction_is_answered_entry_by_entry),
        cmocka_unit_test (test_a_gone_requester_does_not_hold_up_the_stop),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
