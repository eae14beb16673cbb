/*  vf_writer.c - the writer actor: batches jobs into store transactions. */
#include "vf_writer.h"

#include "vf_job.h"
#include "vf_limits.h"
#include "vf_log.h"

typedef struct {
    vf_store_t *store;
    size_t batch_max;
    int batch_wait_ms;
    zsock_t *pull;
    zsock_t *stored;    /* PUB: what each commit stored */
    zlist_t *jobs;      /* waiting for the next commit, oldest first */
    size_t queued;      /* entries in them still to store */
    int64_t deadline;   /* when the oldest waiting job must be committed */
    zhashx_t *replies;  /* endpoint -> PUSH socket */
    vf_entry_t **batch; /* scratch: the entries of one transaction */
    vf_ingest_result_t *res;
    vf_ingest_result_t **slots; /* where each result goes */
} s_writer_t;

static zsock_t *
s_reply_socket (s_writer_t *w, const char *endpoint)
{
    zsock_t *push = zhashx_lookup (w->replies, endpoint);
    if (!push) {
        push = zsock_new (ZMQ_PUSH);
        if (!push)
            return NULL;
        /*  unbounded (the requester bounds what it hands us), but never
            blocking for long on a requester that is gone */
        zsock_set_sndhwm (push, 0);
        zsock_set_sndtimeo (push, VF_WRITER_REPLY_TIMEOUT_MS);
        if (zsock_connect (push, "%s", endpoint) != 0) {
            zsock_destroy (&push);
            return NULL;
        }
        zhashx_insert (w->replies, endpoint, push);
    }
    return push;
}

/*  Tell the peer engine what a job stored. */
static void
s_publish (s_writer_t *w, const vf_job_t *job)
{
    zmsg_t *msg = NULL;
    for (size_t k = 0; k < job->n; k++) {
        if (job->results[k].outcome != VF_OUTCOME_STORED || !job->entries[k])
            continue;
        if (!msg) {
            msg = zmsg_new ();
            zmsg_addmem (msg, job->origin, job->has_origin ? 32 : 0);
        }
        zmsg_addmem (msg, job->entries[k]->blob, job->entries[k]->blob_len);
    }
    if (msg)
        zmsg_send (&msg, w->stored);
}

/*  Publish what the job stored and send it back to its requester. A
    requester that is gone (it stopped before us) cannot be answered: the
    job is dropped with a log line, and the next answers to that endpoint
    fail at once instead of waiting again. */
static void
s_answer (s_writer_t *w, vf_job_t *job)
{
    s_publish (w, job);
    zsock_t *push = s_reply_socket (w, job->reply_to);
    if (push && zsock_send (push, "p", job) == 0)
        return;
    VF_LOG_LIMITED ("writer-reply", VF_LOG_LEVEL_WARNING,
                    "cannot answer a job of %zu entries to %s (its requester is gone); dropped",
                    job->n, job->reply_to);
    if (push)
        zsock_set_sndtimeo (push, 0);
    vf_job_destroy (&job);
}

/*  Entries of job that are still to be stored (not refused before). */
static size_t
s_pending (const vf_job_t *job)
{
    size_t n = 0;
    for (size_t k = 0; k < job->n; k++)
        n += job->entries[k] && !job->results[k].outcome;
    return n;
}

/*  Add the pending entries of job from index k on to the transaction being
    gathered (*n entries so far), until it holds max; the index to go on
    from. */
static size_t
s_gather (s_writer_t *w, vf_job_t *job, size_t k, size_t *n, size_t max)
{
    for (; k < job->n && *n < max; k++) {
        if (!job->entries[k] || job->results[k].outcome)
            continue;
        w->batch[*n] = job->entries[k];
        w->slots[(*n)++] = &job->results[k];
    }
    return k;
}

/*  One transaction of the n gathered entries; their results go to their
    jobs only once it committed. */
static int
s_ingest (s_writer_t *w, size_t n, vf_err_t *err)
{
    int rc = vf_store_ingest (w->store, w->batch, n, w->res, err);
    for (size_t i = 0; i < n && rc == 0; i++)
        *w->slots[i] = w->res[i];
    if (rc)
        VF_LOG_ERROR ("store: %s; %zu entries not stored", vf_err_msg (err, rc), n);
    return rc;
}

/*  A job with more entries than one ingest call takes gets transactions of
    its own, VF_INGEST_BATCH_MAX entries each. When one fails, it is the
    last: if an earlier one committed, the job is answered entry by entry
    (stored, or refused with the store's error) since "nothing stored"
    would not be true; otherwise the whole job failed. */
static void
s_commit_large (s_writer_t *w, vf_job_t *job)
{
    vf_err_t err = { 0 };
    size_t k = 0, committed = 0;
    int rc = 0;
    while (k < job->n && rc == 0) {
        size_t n = 0;
        k = s_gather (w, job, k, &n, VF_INGEST_BATCH_MAX);
        rc = n ? s_ingest (w, n, &err) : 0;
        committed += rc ? 0 : n;
    }
    if (rc && committed == 0) {
        job->status = rc;
        snprintf (job->error, sizeof job->error, "%s", vf_err_msg (&err, rc));
    } else if (rc)
        for (k = 0; k < job->n; k++)
            if (job->entries[k] && !job->results[k].outcome) {
                job->results[k].outcome = VF_OUTCOME_REJECTED;
                job->results[k].code = rc;
                snprintf (job->results[k].reason, sizeof job->results[k].reason, "not stored: %s",
                          vf_err_msg (&err, rc));
            }
}

/*  Commit the oldest waiting jobs that fit in one transaction: whole jobs
    only, up to batch_max entries (a larger job alone), then answer each.
    A failed transaction fails the jobs in it and no others. */
static void
s_commit_some (s_writer_t *w)
{
    vf_job_t *job = zlist_first (w->jobs);
    if (s_pending (job) > VF_INGEST_BATCH_MAX) {
        zlist_pop (w->jobs);
        s_commit_large (w, job);
        s_answer (w, job);
        return;
    }
    size_t n = 0, njobs = 0;
    for (; job; job = zlist_next (w->jobs), njobs++) {
        size_t pending = s_pending (job);
        if (njobs && n + pending > w->batch_max)
            break;
        s_gather (w, job, 0, &n, VF_INGEST_BATCH_MAX);
    }
    vf_err_t err = { 0 };
    int rc = n ? s_ingest (w, n, &err) : 0;
    while (njobs--) {
        job = zlist_pop (w->jobs);
        if (rc && s_pending (job)) { /* it was in the failed transaction */
            job->status = rc;
            snprintf (job->error, sizeof job->error, "%s", vf_err_msg (&err, rc));
        }
        s_answer (w, job);
    }
}

/*  Store every waiting job, in as many transactions as it takes. */
static void
s_commit (s_writer_t *w)
{
    while (zlist_size (w->jobs))
        s_commit_some (w);
    w->queued = 0;
}

static void
s_accept (s_writer_t *w)
{
    vf_job_t *job = NULL;
    if (zsock_recv (w->pull, "p", &job) != 0 || !job)
        return;
    if (zlist_size (w->jobs) == 0)
        w->deadline = zclock_mono () + w->batch_wait_ms;
    zlist_append (w->jobs, job);
    w->queued += s_pending (job);
    if (w->queued >= w->batch_max)
        s_commit (w);
}

/*  Take whatever is already queued without waiting. */
static void
s_drain (s_writer_t *w)
{
    while (zsock_events (w->pull) & ZMQ_POLLIN)
        s_accept (w);
    if (zlist_size (w->jobs))
        s_commit (w);
}

static void
s_destroy_socket (void **item)
{
    zsock_destroy ((zsock_t **) item);
}

/*  Sockets and scratch space; NULL, or why the writer cannot start. */
static const char *
s_open (s_writer_t *w)
{
    w->pull = zsock_new (ZMQ_PULL);
    w->stored = zsock_new (ZMQ_PUB);
    w->jobs = zlist_new ();
    w->replies = zhashx_new ();
    w->batch = calloc (VF_INGEST_BATCH_MAX, sizeof *w->batch);
    w->res = calloc (VF_INGEST_BATCH_MAX, sizeof *w->res);
    w->slots = calloc (VF_INGEST_BATCH_MAX, sizeof *w->slots);
    if (!w->pull || !w->stored || !w->jobs || !w->replies || !w->batch || !w->res || !w->slots)
        return "out of memory";
    zhashx_set_destructor (w->replies, s_destroy_socket);
    /*  unbounded: the requesters bound what they hand us (control/queue,
        peer credit); a bounded queue could block a requester while we
        block answering it */
    zsock_set_rcvhwm (w->pull, 0);
    if (zsock_bind (w->pull, "%s", VF_WRITER_ENDPOINT) != 0)
        return "cannot bind " VF_WRITER_ENDPOINT;
    if (zsock_bind (w->stored, "%s", VF_WRITER_STORED) != 0)
        return "cannot bind " VF_WRITER_STORED;
    return NULL;
}

void
vf_writer_actor (zsock_t *pipe, void *args)
{
    const vf_writer_args_t *a = args;
    size_t max = a->batch_max ? a->batch_max : 1;
    s_writer_t w = { .store = a->store,
                     .batch_max = max < VF_INGEST_BATCH_MAX ? max : VF_INGEST_BATCH_MAX,
                     .batch_wait_ms = a->batch_wait_ms };
    const char *failed = s_open (&w);
    zsock_signal (pipe, failed ? 1 : 0);
    if (failed) {
        zstr_sendf (pipe, "FAIL %s", failed);
        goto out;
    }
    zstr_send (pipe, "OK");
    zpoller_t *poller = zpoller_new (pipe, w.pull, NULL);
    bool running = poller != NULL;
    while (running) {
        int wait = -1;
        if (zlist_size (w.jobs)) {
            wait = (int) (w.deadline - zclock_mono ());
            if (wait < 0)
                wait = 0;
        }
        zsock_t *which = zpoller_wait (poller, wait);
        if (which == pipe) {
            char *cmd = zstr_recv (pipe);
            running = cmd && !streq (cmd, "$TERM");
            zstr_free (&cmd);
        } else if (which == w.pull)
            s_accept (&w);
        else if (zpoller_terminated (poller))
            running = false;
        if (zlist_size (w.jobs) && zclock_mono () >= w.deadline)
            s_commit (&w);
    }
    s_drain (&w); /* what was handed over is committed before we stop */
    zpoller_destroy (&poller);
out:
    zhashx_destroy (&w.replies);
    zlist_destroy (&w.jobs);
    /*  unbind first: closing hands a socket to libzmq's reaper, which
        frees an inproc name only later, so a writer started right after
        (tests, a restart in one process) could not bind it */
    if (w.pull)
        zsock_unbind (w.pull, "%s", VF_WRITER_ENDPOINT);
    if (w.stored)
        zsock_unbind (w.stored, "%s", VF_WRITER_STORED);
    zsock_destroy (&w.pull);
    zsock_destroy (&w.stored);
    free (w.batch);
    free (w.res);
    free (w.slots);
}
