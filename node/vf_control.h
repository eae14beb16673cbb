/*  vf_control.h - the control server: an actor serving the control API
    (docs/API.md) on ipc://DIR/control.sock, a ZeroMQ ROUTER socket whose
    file only the node's owner may use (mode 0600 in a 0700 directory).

    Each request is one message whose last frame is the JSON request (a REQ
    or DEALER client both work); the reply goes back with the same routing
    frames. Reads are answered at once. Writes go down the pipeline
    (verifier pool, writer) and are answered after the commit. When more
    than `queue` requests wait for the writer, the server stops reading
    requests until some are answered: fast clients are slowed by ZeroMQ's
    queues, not dropped, and the node's memory stays bounded (at most
    VF_CONTROL_RCVHWM requests of max_request + VF_CONTROL_MSG_SLACK bytes
    queued per connection; a larger message closes the connection).

    Replies are never waited for. One the socket cannot take at once (its
    queue to that client is full: the writer answers a whole batch at once)
    waits in that client's backlog and goes out as the client reads, in
    order; a reply to a client that is gone, that would make its backlog
    exceed VF_CONTROL_BACKLOG_BYTES (or all backlogs VF_CONTROL_BACKLOG_ALL),
    or whose backlog has not moved for VF_CONTROL_BACKLOG_MS, is dropped and
    counted (vf_api_t.replies_dropped, status requests.replies_dropped).

    Start: the actor signals its pipe (zactor_new's handshake) and then
    sends "OK", or "FAIL <reason>" (e.g. the socket cannot be bound) and
    ends. On $TERM it stops reading requests, waits (up to 10 s) for the
    answers of what it already handed to the writer, sends them, and stops.
*/
#ifndef VF_CONTROL_H
#define VF_CONTROL_H

#include <czmq.h>

#include "vf_identity.h"
#include "vf_store.h"

/*  Requests queued per client connection before ZeroMQ stops reading
    from it: a client gets its requests in one after the other; more
    would only hold memory (up to one max_request message each). */
#define VF_CONTROL_RCVHWM 4

/*  Largest message the control socket takes: control/max_request plus
    this slack, so that a request just over the limit is answered
    too_large; a larger one closes the connection unanswered. */
#define VF_CONTROL_MSG_SLACK (64 * 1024)

/*  Replies queued at the node to one client that does not read them
    before further replies to it are dropped (and counted). What the
    client's own socket has taken in (ZeroMQ's default 1000 replies) is
    held in its process, not ours; these are what the node holds for it,
    so few: a reply may be megabytes (an export or a query of 1000
    entries), and a client that stops reading must not make the node hold
    a thousand of them. */
#define VF_CONTROL_SNDHWM 16

/*  Replies held for one client beyond its socket queue (bytes; at least
    one reply is held whatever its size), for all clients together, and
    how long a backlog may stand still before it is dropped: a client that
    reads gets every reply however many it asked for at once; one that
    stops reading costs the node a bounded amount, for a bounded time. */
#define VF_CONTROL_BACKLOG_BYTES (8u << 20)
#define VF_CONTROL_BACKLOG_ALL (32u << 20)
#define VF_CONTROL_BACKLOG_MS 5000

typedef struct {
    vf_store_t *store;
    const vf_identity_t *identity;
    const char *name;   /* the co-op's name */
    const char *dir;    /* the node directory; the socket is DIR/control.sock */
    size_t max_request; /* bytes; larger requests get a too_large error */
    size_t queue;       /* requests waiting for the writer before reading pauses */
    int verifiers;      /* workers in the verifier pool */
} vf_control_args_t;

void vf_control_actor (zsock_t *pipe, void *args);

#endif
