/*  vf_control.c - the control server actor. */
#include "vf_control.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "vf_api.h"
#include "vf_job.h"
#include "vf_log.h"
#include "vf_peer.h"
#include "vf_verifier.h"
#include "vf_writer.h"

/*  A request waiting for the writer. */
typedef struct {
    uint64_t token;   /* the key of this entry in `waiting` */
    zmsg_t *envelope; /* routing frames to answer with */
    json_t *req;
} s_waiting_t;

/*  Replies to one client that its socket queue could not take yet. */
typedef struct {
    zlist_t *msgs;    /* zmsg_t *, routing frames and the reply, in order */
    size_t bytes;     /* of the replies */
    int64_t progress; /* when one last went out, or the backlog began */
} s_backlog_t;

typedef struct {
    const vf_control_args_t *args;
    vf_api_t api;
    zsock_t *router;
    zsock_t *done;     /* finished jobs come back here */
    zsock_t *writer;   /* jobs of local entries */
    zsock_t *verify;   /* jobs that need their signatures checked */
    zsock_t *peer_ctl; /* DEALER to the peer engine\'s control requests */
    zpoller_t *poller;
    bool reading;      /* the router is in the poller */
    zhashx_t *waiting; /* token -> s_waiting_t */
    uint64_t next_token;
    zhashx_t *backlogs; /* client routing id (hex) -> s_backlog_t */
    size_t backlog_bytes;
} s_control_t;

/*  Send the frames of msg as one message without waiting; 0 or -1 when
    nothing was sent (the client is gone: EHOSTUNREACH, as the router is
    mandatory; or its queue is full: EAGAIN). */
static int
s_send_now (zsock_t *router, zmsg_t *msg)
{
    size_t left = zmsg_size (msg);
    for (zframe_t *f = zmsg_first (msg); f; f = zmsg_next (msg)) {
        int flags = ZFRAME_REUSE | ZFRAME_DONTWAIT | (--left ? ZFRAME_MORE : 0);
        if (zframe_send (&f, router, flags) != 0)
            return -1; /* only the first frame can fail: the rest follow it */
    }
    return 0;
}

static void
s_dropped (s_control_t *c, size_t n, const char *why)
{
    c->api.replies_dropped += n;
    VF_LOG_LIMITED ("control-drop", VF_LOG_LEVEL_NOTICE,
                    "control: %zu repl%s dropped (%s); %llu so far", n, n == 1 ? "y" : "ies", why,
                    (unsigned long long) c->api.replies_dropped);
}

static void
s_backlog_destroy (void **item)
{
    s_backlog_t *b = *item;
    if (b) {
        zmsg_t *m;
        while ((m = zlist_pop (b->msgs)))
            zmsg_destroy (&m);
        zlist_destroy (&b->msgs);
        free (b);
    }
    *item = NULL;
}

static size_t
s_reply_bytes (zmsg_t *msg)
{
    return zframe_size (zmsg_last (msg));
}

/*  Answer a request: at once if the client's socket queue has room, else
    behind what waits in its backlog (s_flush sends it as the client
    reads); dropped and counted if the client is gone or its backlog is
    full. */
static void
s_send (s_control_t *c, zmsg_t *envelope, json_t *reply)
{
    char *text = reply ? json_dumps (reply, JSON_COMPACT) : NULL;
    json_decref (reply);
    char *key = text ? zframe_strhex (zmsg_first (envelope)) : NULL;
    if (!text || !key || zmsg_addstr (envelope, text) != 0) {
        s_dropped (c, 1, "out of memory");
        goto out;
    }
    s_backlog_t *b = zhashx_lookup (c->backlogs, key);
    if (!b && s_send_now (c->router, envelope) == 0)
        goto out;
    if (!b && zmq_errno () != EAGAIN) {
        s_dropped (c, 1, "the client is gone");
        goto out;
    }
    size_t size = strlen (text);
    if ((b && b->bytes + size > VF_CONTROL_BACKLOG_BYTES) ||
        c->backlog_bytes + size > VF_CONTROL_BACKLOG_ALL) {
        s_dropped (c, 1, "the client does not read its replies");
        goto out;
    }
    if (!b) {
        b = calloc (1, sizeof *b);
        if (b && !(b->msgs = zlist_new ()))
            s_backlog_destroy ((void **) &b);
        if (!b) {
            s_dropped (c, 1, "out of memory");
            goto out;
        }
        b->progress = zclock_mono ();
        if (zhashx_insert (c->backlogs, key, b) != 0) {
            s_backlog_destroy ((void **) &b);
            s_dropped (c, 1, "out of memory");
            goto out;
        }
    }
    if (zlist_append (b->msgs, envelope) != 0) {
        s_dropped (c, 1, "out of memory");
        goto out;
    }
    envelope = NULL;
    b->bytes += size, c->backlog_bytes += size;
out:
    free (text);
    free (key);
    zmsg_destroy (&envelope);
}

/*  Send what waits in the backlogs as far as the clients' queues take it;
    drop the backlogs of clients that are gone or have taken nothing for
    VF_CONTROL_BACKLOG_MS. */
static void
s_flush (s_control_t *c)
{
    zlist_t *done = zlist_new ();
    if (!done)
        return;
    zlist_autofree (done);
    int64_t now = zclock_mono ();
    for (s_backlog_t *b = zhashx_first (c->backlogs); b; b = zhashx_next (c->backlogs)) {
        const char *key = zhashx_cursor (c->backlogs);
        zmsg_t *m;
        bool gone = false;
        while ((m = zlist_first (b->msgs))) {
            if (s_send_now (c->router, m) != 0) {
                gone = zmq_errno () != EAGAIN;
                break;
            }
            zlist_pop (b->msgs);
            size_t size = s_reply_bytes (m);
            b->bytes -= size, c->backlog_bytes -= size;
            b->progress = now;
            zmsg_destroy (&m);
        }
        if (zlist_size (b->msgs) == 0 || gone || now - b->progress >= VF_CONTROL_BACKLOG_MS)
            zlist_append (done, (void *) key);
        if (gone)
            s_dropped (c, zlist_size (b->msgs), "the client is gone");
        else if (zlist_size (b->msgs) && now - b->progress >= VF_CONTROL_BACKLOG_MS)
            s_dropped (c, zlist_size (b->msgs), "the client does not read its replies");
    }
    for (const char *key = zlist_first (done); key; key = zlist_next (done)) {
        s_backlog_t *b = zhashx_lookup (c->backlogs, key);
        c->backlog_bytes -= b->bytes;
        zhashx_delete (c->backlogs, key);
    }
    zlist_destroy (&done);
}

static void
s_free_waiting (void **item)
{
    s_waiting_t *w = *item;
    if (w) {
        zmsg_destroy (&w->envelope);
        json_decref (w->req);
        free (w);
    }
    *item = NULL;
}

/*  Pause reading requests while too many wait for the writer. */
static void
s_flow (s_control_t *c)
{
    bool full = c->api.in_flight >= c->args->queue;
    if (full && c->reading) {
        zpoller_remove (c->poller, c->router);
        c->reading = false;
    } else if (!full && !c->reading) {
        zpoller_add (c->poller, c->router);
        c->reading = true;
    }
}

static void
s_submit (s_control_t *c, zmsg_t *envelope, json_t *req, vf_job_t *job)
{
    s_waiting_t *w = calloc (1, sizeof *w);
    if (!w) {
        s_send (c, envelope,
                vf_api_error (json_object_get (req, "id"), VF_API_INTERNAL, "out of memory"));
        json_decref (req);
        vf_job_destroy (&job);
        return;
    }
    job->token = w->token = ++c->next_token;
    w->envelope = envelope, w->req = req;
    zhashx_insert (c->waiting, &w->token, w);
    zsock_t *to = job->blobs ? c->verify : c->writer;
    if (zsock_send (to, "p", job) != 0) {
        VF_LOG_ERROR ("control: cannot hand a job down the pipeline");
        s_send (c, w->envelope,
                vf_api_error (json_object_get (req, "id"), VF_API_INTERNAL,
                              "cannot hand the request to the writer; nothing stored"));
        w->envelope = NULL;
        zhashx_delete (c->waiting, &w->token);
        vf_job_destroy (&job);
        return;
    }
    c->api.in_flight++;
}

static void
s_request (s_control_t *c)
{
    zmsg_t *msg = zmsg_recv (c->router);
    if (!msg)
        return;
    zframe_t *body = zmsg_last (msg);
    zmsg_remove (msg, body); /* msg keeps the routing frames */
    json_t *req = NULL;
    json_error_t jerr;
    if (zframe_size (body) > c->args->max_request) {
        c->api.bad_requests++, c->api.errors++;
        s_send (c, msg,
                vf_api_error (NULL, VF_API_TOO_LARGE,
                              "request of %zu bytes; at most %zu (control/max_request)",
                              zframe_size (body), c->args->max_request));
        msg = NULL; /* s_send took it */
    } else if (!(req = json_loadb ((const char *) zframe_data (body), zframe_size (body),
                                   JSON_REJECT_DUPLICATES, &jerr)) ||
               !json_is_object (req)) {
        c->api.bad_requests++, c->api.errors++;
        s_send (
            c, msg,
            vf_api_error (NULL, VF_API_BAD_REQUEST,
                          req ? "a request is a JSON object" : "not JSON: line %d column %d: %s",
                          jerr.line, jerr.column, jerr.text));
        msg = NULL; /* s_send took it */
    } else {
        json_t *reply = NULL;
        vf_job_t *job = NULL;
        vf_api_handle (&c->api, req, &reply, &job);
        if (job) {
            s_submit (c, msg, req, job);
            req = NULL, msg = NULL; /* transferred */
        } else
            s_send (c, msg, reply);
        msg = NULL;
    }
    zmsg_destroy (&msg);
    json_decref (req);
    zframe_destroy (&body);
    s_flow (c);
}

static void
s_finished (s_control_t *c)
{
    vf_job_t *job = NULL;
    if (zsock_recv (c->done, "p", &job) != 0 || !job)
        return;
    s_waiting_t *w = zhashx_lookup (c->waiting, &job->token);
    if (!w) {
        vf_job_destroy (&job);
        return;
    }
    c->api.in_flight--;
    /*  the store may have moved past our own seqs (an import of our own
        entries): never reuse a seq */
    uint64_t last = 0;
    if (vf_store_last_seq (c->args->store, vf_identity_public (c->args->identity), &last, NULL) ==
            0 &&
        last >= c->api.next_seq)
        c->api.next_seq = last + 1;
    uint64_t token = w->token;
    zmsg_t *envelope = w->envelope;
    w->envelope = NULL;
    s_send (c, envelope, vf_api_finish (&c->api, w->req, job)); /* job freed */
    zhashx_delete (c->waiting, &token);
    s_flow (c);
}

/*  Sockets; 0, or -1 with the reason in why. */
static int
s_open (s_control_t *c, char *why, size_t len)
{
    const vf_control_args_t *a = c->args;
    char path[1200];
    snprintf (path, sizeof path, "%s/control.sock", a->dir);
    unlink (path); /* a stale socket of a node that died; the lock proved we are alone */
    c->router = zsock_new (ZMQ_ROUTER);
    c->done = zsock_new (ZMQ_PULL);
    c->writer = zsock_new (ZMQ_PUSH);
    c->verify = zsock_new (ZMQ_PUSH);
    c->peer_ctl = zsock_new_dealer (">" VF_PEER_CTL);
    c->waiting = zhashx_new ();
    c->backlogs = zhashx_new ();
    if (!c->router || !c->done || !c->writer || !c->verify || !c->peer_ctl || !c->waiting ||
        !c->backlogs) {
        snprintf (why, len, "out of memory");
        return -1;
    }
    /*  keys are the waiting entries' own tokens: not copied, not freed */
    zhashx_set_key_duplicator (c->waiting, NULL);
    zhashx_set_key_destructor (c->waiting, NULL);
    zhashx_set_destructor (c->waiting, s_free_waiting);
    zhashx_set_destructor (c->backlogs, s_backlog_destroy);
    /*  inside the node, queues are unbounded: control/queue bounds the
        jobs in flight, and a full queue would block us while the writer
        blocks answering us (options before bind/connect) */
    zsock_set_rcvhwm (c->done, 0);
    zsock_set_sndhwm (c->writer, 0);
    zsock_set_sndhwm (c->verify, 0);
    /*  what a local client can make us hold: a few requests per
        connection, none larger than a request we answer with too_large */
    zsock_set_maxmsgsize (c->router, (int) (a->max_request + VF_CONTROL_MSG_SLACK));
    zsock_set_rcvhwm (c->router, VF_CONTROL_RCVHWM);
    zsock_set_sndhwm (c->router, VF_CONTROL_SNDHWM);
    zsock_set_router_mandatory (c->router, 1); /* a reply to a gone client fails */
    if (zsock_bind (c->done, "%s", VF_CONTROL_DONE) != 0 ||
        zsock_connect (c->writer, "%s", VF_WRITER_ENDPOINT) != 0) {
        snprintf (why, len, "cannot open its inproc sockets");
        return -1;
    }
    if (zsock_bind (c->router, "ipc://%s", path) != 0) {
        struct stat st;
        bool other = lstat (path, &st) == 0 && !S_ISSOCK (st.st_mode);
        snprintf (why, len, "cannot bind the control socket %s: %s", path,
                  other ? "something else of that name is in the way; remove it"
                        : zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (chmod (path, 0600) != 0) {
        snprintf (why, len, "cannot make %s private (chmod 0600): %s", path, strerror (errno));
        return -1;
    }
    if (vf_verifier_connect (c->verify, a->verifiers) != 0) {
        snprintf (why, len, "cannot connect to the verifiers");
        return -1;
    }
    return 0;
}

/*  Hash and compare tokens by value (uint64_t keys). */
static size_t
s_token_hash (const void *key)
{
    return (size_t) * (const uint64_t *) key;
}

static int
s_token_cmp (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

void
vf_control_actor (zsock_t *pipe, void *args)
{
    s_control_t c = { .args = args };
    c.api.store = c.args->store;
    c.api.identity = c.args->identity;
    c.api.name = c.args->name;
    c.api.dir = c.args->dir;
    c.api.started = zclock_time ();
    uint64_t last = 0;
    char why[1400] = "";
    vf_err_t err = { 0 };
    int rc = s_open (&c, why, sizeof why);
    if (rc == 0 && (rc = vf_store_last_seq (c.args->store, vf_identity_public (c.args->identity),
                                            &last, &err)) != 0)
        snprintf (why, sizeof why, "%s", vf_err_msg (&err, rc));
    if (rc) {
        zsock_signal (pipe, 1);
        zstr_sendf (pipe, "FAIL %s", why);
        goto out;
    }
    zhashx_set_key_hasher (c.waiting, s_token_hash);
    zhashx_set_key_comparator (c.waiting, s_token_cmp);
    c.api.next_seq = last + 1;
    c.api.peer_ctl = c.peer_ctl;
    c.poller = zpoller_new (pipe, c.done, c.router, NULL);
    c.reading = true;
    zsock_signal (pipe, 0);
    zstr_send (pipe, "OK");
    int64_t stop_by = 0;
    while (c.poller) {
        /*  backlogs go out as their clients read: look again soon */
        bool backlog = zhashx_size (c.backlogs) > 0;
        zsock_t *which = zpoller_wait (c.poller, backlog ? 10 : stop_by ? 100 : -1);
        if (which == c.router)
            s_request (&c);
        else if (which == c.done)
            s_finished (&c);
        else if (which == pipe) {
            char *cmd = zstr_recv (pipe);
            if (!cmd || streq (cmd, "$TERM")) {
                /*  stop reading; answer what the writer still holds */
                if (c.reading)
                    zpoller_remove (c.poller, c.router);
                c.reading = false;
                stop_by = zclock_mono () + 10000;
                if (c.api.in_flight == 0)
                    stop_by = zclock_mono ();
            }
            zstr_free (&cmd);
        }
        if (zhashx_size (c.backlogs))
            s_flush (&c);
        if (stop_by &&
            ((c.api.in_flight == 0 && zhashx_size (c.backlogs) == 0) || zclock_mono () >= stop_by))
            break;
        if (!stop_by)
            s_flow (&c);
    }
out:
    zpoller_destroy (&c.poller);
    zhashx_destroy (&c.waiting);
    if (c.backlogs && zhashx_size (c.backlogs))
        VF_LOG_NOTICE ("control: stopping with replies of %zu clients unsent",
                       zhashx_size (c.backlogs));
    zhashx_destroy (&c.backlogs);
    zsock_destroy (&c.router);
    zsock_destroy (&c.done);
    zsock_destroy (&c.writer);
    zsock_destroy (&c.verify);
    zsock_destroy (&c.peer_ctl);
}
