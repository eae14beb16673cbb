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
    zlist_t *jobs;      /* waiting for the next commit */
    size_t queued;      /* entries in them */
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
        if (!push || zsock_connect (push, "%s", endpoint) != 0) {
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

/*  Store the entries of all waiting jobs in one transaction (or as few as
    the batch limit allows), then answer every job. */
static void
s_commit (s_writer_t *w)
{
    size_t n = 0;
    int status = 0;
    vf_err_t err = { 0 };
    for (vf_job_t *job = zlist_first (w->jobs); job; job = zlist_next (w->jobs))
        for (size_t k = 0; k < job->n; k++) {
            if (!job->entries[k] || job->results[k].outcome)
                continue;
            w->batch[n] = job->entries[k];
            w->slots[n++] = &job->results[k];
            if (n == VF_INGEST_BATCH_MAX && status == 0) {
                status = vf_store_ingest (w->store, w->batch, n, w->res, &err);
                for (size_t i = 0; i < n && status == 0; i++)
                    *w->slots[i] = w->res[i];
                n = 0;
            }
        }
    if (n && status == 0)
        status = vf_store_ingest (w->store, w->batch, n, w->res, &err);
    for (size_t i = 0; i < n && status == 0; i++)
        *w->slots[i] = w->res[i];
    if (status)
        VF_LOG_ERROR ("store: %s", vf_err_msg (&err, status));
    vf_job_t *job;
    while ((job = zlist_pop (w->jobs))) {
        if (status == 0)
            s_publish (w, job);
        if (status) {
            job->status = status;
            snprintf (job->error, sizeof job->error, "%s", vf_err_msg (&err, status));
        }
        zsock_t *push = s_reply_socket (w, job->reply_to);
        if (!push || zsock_send (push, "p", job) != 0) {
            VF_LOG_ERROR ("cannot answer job to %s; dropped", job->reply_to);
            vf_job_destroy (&job);
        }
    }
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
    w->queued += job->n;
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

void
vf_writer_actor (zsock_t *pipe, void *args)
{
    const vf_writer_args_t *a = args;
    s_writer_t w = { .store = a->store,
                     .batch_max = a->batch_max ? a->batch_max : 1,
                     .batch_wait_ms = a->batch_wait_ms };
    w.pull = zsock_new_pull ("@" VF_WRITER_ENDPOINT);
    w.stored = zsock_new_pub ("@" VF_WRITER_STORED);
    w.jobs = zlist_new ();
    w.replies = zhashx_new ();
    w.batch = calloc (VF_INGEST_BATCH_MAX, sizeof *w.batch);
    w.res = calloc (VF_INGEST_BATCH_MAX, sizeof *w.res);
    w.slots = calloc (VF_INGEST_BATCH_MAX, sizeof *w.slots);
    if (!w.pull || !w.stored || !w.jobs || !w.replies || !w.batch || !w.res || !w.slots) {
        zsock_signal (pipe, 1);
        goto out;
    }
    zhashx_set_destructor (w.replies, s_destroy_socket);
    zsock_signal (pipe, 0);
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
            running = !(cmd && streq (cmd, "$TERM"));
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
    zsock_destroy (&w.pull);
    zsock_destroy (&w.stored);
    free (w.batch);
    free (w.res);
    free (w.slots);
}
