/*  vf_peer_state.h - what the peer engine knows of each peer that must
    outlive the process: DIR/peers.state (docs/PROTOCOL.md "Peer state
    file").

    Per peer (by its Ed25519 key): the traffic and fault counters, its
    round-trip time, when it was last heard, its recent errors, and its
    ban. Times are Unix milliseconds (wall clock), so that a ban keeps its
    end across a restart although the monotonic clock starts again; the
    engine converts them to its own clock when it loads them. Beside the
    peers, the handshakes admitted and refused in all.

    The engine loads the file once when it starts and writes it whole,
    atomically (a temporary file, fsync, rename, fsync of the directory,
    mode 0600): every VF_PEER_STATE_SAVE_MS when something that counts
    changed, every VF_PEER_STATE_IDLE_SAVE_MS when only traffic did, and
    when it stops. An absent file is a first start. A file that cannot be
    read or is not what vfnode writes is moved aside to peers.state.bad
    and the node starts without saved state: peer state is never a reason
    not to serve.
*/
#ifndef VF_PEER_STATE_H
#define VF_PEER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_crypto.h"
#include "vf_error.h"
#include "vf_limits.h"

#define VF_PEER_STATE_FILE "peers.state"
#define VF_PEER_STATE_BAD "peers.state.bad"
#define VF_PEER_STATE_VERSION 1

/*  One error a peer caused or told us, with when (Unix ms). */
typedef struct {
    int64_t time;
    char text[VF_ERR_MSG_MAX];
} vf_peer_error_t;

/*  A peer's state that survives restarts. Field names in the file are
    those of the control API's `peer` (docs/PROTOCOL.md "Counters"). */
typedef struct {
    uint64_t msgs_in, msgs_out, bytes_in, bytes_out;
    uint64_t entries_in, entries_out, dups_in, refused_in;
    uint64_t errors;           /* faults in all */
    uint64_t faults_since_ban; /* toward peer/ban_after */
    uint64_t recons, recon_need, recon_have, over_credit;
    int64_t rtt_ms;                             /* of the last answered PING; 0: none yet */
    int64_t last_seen;                          /* Unix ms of its last frame; 0: never */
    int64_t last_fault;                         /* Unix ms of its last fault; 0: none */
    int64_t banned_until;                       /* Unix ms when its ban ends; 0: not banned */
    vf_peer_error_t recent[VF_PEER_RECENT_MAX]; /* oldest first */
    size_t nrecent;
} vf_peer_kept_t;

/*  Remember an error of the peer at time now (Unix ms), dropping the
    oldest when VF_PEER_RECENT_MAX are kept. */
void vf_peer_kept_error (vf_peer_kept_t *self, int64_t now, const char *text);

/*  Its last error, or NULL if it has none. */
const char *vf_peer_kept_last_error (const vf_peer_kept_t *self);

typedef struct _vf_peer_state_t vf_peer_state_t;

/*  The state file of the node directory dir, empty until loaded. Caller
    owns it; NULL when out of memory or dir is too long. */
vf_peer_state_t *vf_peer_state_new (const char *dir);
void vf_peer_state_destroy (vf_peer_state_t **self_p);

/*  Its path (DIR/peers.state). */
const char *vf_peer_state_path (const vf_peer_state_t *self);

/*  Read the file. Absent: nothing is loaded, 0. Unreadable (VF_EIO),
    not JSON (VF_EPARSE), larger than VF_PEER_STATE_FILE_MAX (VF_ETOOBIG)
    or not what vfnode writes (VF_EINVALID): nothing is loaded, the file is
    moved aside to DIR/peers.state.bad (replacing an older one) and the
    message names the file, what was wrong and where it went. If it
    cannot be moved, vf_peer_state_save will not overwrite it. */
int vf_peer_state_load (vf_peer_state_t *self, vf_err_t *err);

/*  Peers loaded and not yet taken. */
size_t vf_peer_state_count (const vf_peer_state_t *self);

/*  Copy the loaded state of the peer key into out and forget it there:
    true if the file had it (out untouched otherwise). */
bool vf_peer_state_take (vf_peer_state_t *self, const uint8_t key[VF_KEY_BYTES],
                         vf_peer_kept_t *out);

/*  Forget the peers loaded and not taken (no longer members of our
    networks): the next save does not write them. */
void vf_peer_state_forget (vf_peer_state_t *self);

/*  The handshakes admitted and refused in all, as loaded (0 without a
    file). */
void vf_peer_state_handshakes (const vf_peer_state_t *self, uint64_t *admitted, uint64_t *refused);

/*  One peer to save. */
typedef struct {
    const uint8_t *key; /* VF_KEY_BYTES */
    const vf_peer_kept_t *kept;
} vf_peer_state_item_t;

/*  Write these n peers and the handshake totals as the whole file,
    atomically (mode 0600), unless it would be byte for byte what this
    object last wrote. Peers loaded and not taken are not written: a peer
    no longer in our networks loses its state here. VF_EIO naming the
    file and the failure; VF_ENOMEM. */
int vf_peer_state_save (vf_peer_state_t *self, const vf_peer_state_item_t *items, size_t n,
                        uint64_t admitted, uint64_t refused, vf_err_t *err);

#endif
