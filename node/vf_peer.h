/*  vf_peer.h - the peer engine: an actor that connects this node to the
    members of its networks and exchanges entries with them (docs/PROTOCOL.md
    "Wire protocol", docs/ARCHITECTURE.md).

    Transport: one ROUTER bound on peer/bind and one DEALER per member with
    a known endpoint, all CurveZMQ with keys derived from the node's Ed25519
    identity; our own ZAP handler (vf_zap.h) admits members of shared
    networks only. Session: HELLO / WELCOME with the protocol version (a
    mismatch gets an ERROR saying so), PING / PONG heartbeats, a silent peer
    is greeted again. Push: a newly stored entry is announced (HAVE) to
    every connected peer that may hold it, except the one it came from;
    peers ask for what they lack (WANT) and get it (ENTRIES) within the
    credit they granted (CREDIT). Pull: at connect and every peer/reconcile,
    peers reconcile each shared network (and the public entries) with
    range-based set reconciliation (RECON, vf_recon.h); each side asks for
    what it lacks and announces what the other lacks. Entries from peers must be within the
    networks the peer shares with us; they are verified by the pool and
    stored by the writer. Bad frames and entries are counted per peer; a
    peer with peer/ban_after of them is refused for peer/ban_for. Counters,
    recent errors and bans outlive a restart: the engine reads
    DIR/peers.state when it starts and writes it while it runs and when it
    stops (vf_peer_state.h); a bad file is moved aside, never a reason not
    to start.

    The control server asks the engine about peers and networks with JSON
    requests on VF_PEER_CTL (REQ/REP). Its jobs go to the verifier pool and
    come back from the writer on VF_PEER_DONE, queues without a high-water
    mark (the credit it grants bounds them).

    Start: the actor signals its pipe (zactor_new's handshake) and then
    sends "OK", or "FAIL <reason>" (e.g. peer/bind cannot be bound) and
    ends.
*/
#ifndef VF_PEER_H
#define VF_PEER_H

#include <czmq.h>

#include "vf_identity.h"
#include "vf_store.h"

#define VF_PEER_CTL "inproc://vfnode-peer-ctl"
#define VF_PEER_DONE "inproc://vfnode-peer-done"

typedef struct {
    vf_store_t *store;
    const vf_identity_t *identity;
    const char *name; /* the co-op's name, sent in HELLO */
    const char *dir;  /* node directory (networks.json) */
    const char *bind; /* peer/bind; "" to not listen */
    int heartbeat_ms;
    int timeout_ms;
    size_t credit;
    int ban_after;
    int ban_ms;
    int reconcile_ms;
    int verifiers;
} vf_peer_args_t;

void vf_peer_actor (zsock_t *pipe, void *args);

#endif
