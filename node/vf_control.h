/*  vf_control.h - the control server: an actor serving the control API
    (docs/API.md) on ipc://DIR/control.sock, a ZeroMQ ROUTER socket whose
    file only the node's owner may use (mode 0600 in a 0700 directory).

    Each request is one message whose last frame is the JSON request (a REQ
    or DEALER client both work); the reply goes back with the same routing
    frames. Reads are answered at once. Writes go down the pipeline
    (verifier pool, writer) and are answered after the commit. When more
    than `queue` requests wait for the writer, the server stops reading
    requests until some are answered: fast clients are slowed by ZeroMQ's
    queues, not dropped, and the node's memory stays bounded.

    On $TERM it stops reading requests, waits (up to 10 s) for the
    answers of what it already handed to the writer, sends them, and stops.
*/
#ifndef VF_CONTROL_H
#define VF_CONTROL_H

#include <czmq.h>

#include "vf_identity.h"
#include "vf_store.h"

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
