/*  vf_writer.h - the one writer: an actor that owns the store's write
    side. Jobs (vf_job.h) of checked entries arrive on the inproc PULL
    socket VF_WRITER_ENDPOINT from any thread (no high-water mark: the
    requesters bound what they send). The writer gathers whole jobs into
    one LMDB transaction (up to batch_max entries, waiting at most
    batch_wait_ms for more; a job is never split, a larger one gets a
    transaction of its own), commits, and only then sends each job back to
    its reply_to endpoint with an outcome per entry. A transaction that
    fails fails the jobs in it (job->status) and no others. A job of more
    than VF_INGEST_BATCH_MAX entries takes several transactions; if one
    fails after another committed, its entries that were not stored are
    refused with the store's error and job->status stays 0.

    A reply that cannot be delivered within VF_WRITER_REPLY_TIMEOUT_MS (its
    requester is gone) is dropped with a log line; it never blocks the
    writer. On $TERM it drains what is queued, commits it, answers, and
    stops.

    Start: the actor signals its pipe (zactor_new's handshake) and then
    sends "OK", or "FAIL <reason>" and ends.
*/
#ifndef VF_WRITER_H
#define VF_WRITER_H

#include <czmq.h>

#include "vf_store.h"

#define VF_WRITER_ENDPOINT "inproc://vfnode-writer"

/*  How long the writer waits to hand a finished job back. Queues to
    requesters are unbounded, so a send only waits when nobody is there
    (the requester stopped first); two seconds is far more than a live one
    ever needs and still lets SIGTERM finish promptly. */
#define VF_WRITER_REPLY_TIMEOUT_MS 2000

/*  After each commit the writer publishes, per job, one message on this
    PUB endpoint: the origin peer's key (32 bytes, or 0 bytes for entries
    made or imported here) and then every stored entry's signed blob, one
    frame each. The peer engine announces them; delivery is best effort
    (reconciliation catches anything missed). */
#define VF_WRITER_STORED "inproc://vfnode-stored"

typedef struct {
    vf_store_t *store; /* not owned; must outlive the actor */
    size_t batch_max;  /* entries per transaction, 1..VF_INGEST_BATCH_MAX */
    int batch_wait_ms; /* how long to wait to fill a batch */
} vf_writer_args_t;

/*  The actor's body, for zactor_new (vf_writer_actor, &args). args must
    stay valid until the actor has signalled that it started. */
void vf_writer_actor (zsock_t *pipe, void *args);

#endif
