/*  vf_writer.h - the one writer: an actor that owns the store's write
    side. Jobs (vf_job.h) of checked entries arrive on the inproc PULL
    socket VF_WRITER_ENDPOINT from any thread; the writer gathers them into
    one LMDB transaction (up to batch_max entries, waiting at most
    batch_wait_ms for more), commits, and only then sends each job back to
    its reply_to endpoint with an outcome per entry. On $TERM it drains what
    is queued, commits it, answers, and stops.
*/
#ifndef VF_WRITER_H
#define VF_WRITER_H

#include <czmq.h>

#include "vf_store.h"

#define VF_WRITER_ENDPOINT "inproc://vfnode-writer"

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
