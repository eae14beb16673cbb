/*  vf_net.h - the networks this node belongs to and their members.

    A network is a named set of member nodes; a node may belong to several
    (a bridge). Membership is kept in DIR/networks.json (docs/PROTOCOL.md "Networks file"),
    written atomically (temporary file, fsync, rename) and edited through
    the daemon (vfctl network / peer commands). The peer engine asks it who
    may connect (a key that is a member of a network we share), which
    networks we share with a peer, and whether a peer may hold an entry
    (an entry goes only to peers in a network of its audience; public
    entries to any peer).
*/
#ifndef VF_NET_H
#define VF_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_entry.h"
#include "vf_error.h"

#define VF_NET_NAME_MAX 64      /* bytes of a network's or member's name */
#define VF_NET_ENDPOINT_MAX 256 /* bytes of a ZeroMQ endpoint */
#define VF_NET_MAX 64           /* networks one node belongs to */
#define VF_NET_MEMBERS_MAX 4096 /* members of one network */
_Static_assert(VF_NET_MAX <= 64, "networks are a 64-bit set");

typedef struct {
    uint8_t key[VF_KEY_BYTES];
    char name[VF_NET_NAME_MAX + 1];
    char endpoint[VF_NET_ENDPOINT_MAX + 1]; /* "" when we do not dial it */
} vf_member_t;

typedef struct {
    uint8_t id[VF_KEY_BYTES];
    char name[VF_NET_NAME_MAX + 1];
    vf_member_t *members;
    size_t nmembers;
} vf_network_t;

typedef struct _vf_nets_t vf_nets_t;

/*  Read DIR/networks.json (an absent file means no networks). Caller owns
    *out. Errors name the file and the field: VF_EPARSE, VF_EINVALID,
    VF_ETOOBIG, VF_EIO. */
int vf_nets_load (vf_nets_t **out, const char *dir, vf_err_t *err);
void vf_nets_destroy (vf_nets_t **self_p);

/*  Write it back atomically. */
int vf_nets_save (const vf_nets_t *self, vf_err_t *err);

/*  A new network: id = BLAKE2b-256 of a random 32 bytes when id is NULL.
    VF_EEXIST if a network of that name or id exists. */
int vf_nets_add_network (vf_nets_t *self, const char *name, const uint8_t *id, vf_err_t *err);

/*  Add (or update the name/endpoint of) member key in network net. */
int vf_nets_add_member (vf_nets_t *self, const uint8_t net[VF_KEY_BYTES],
                        const uint8_t key[VF_KEY_BYTES], const char *name, const char *endpoint,
                        vf_err_t *err);

/*  The network named name or with the text id (vfn_...), or NULL. */
const vf_network_t *vf_nets_find (const vf_nets_t *self, const char *name_or_id);

size_t vf_nets_count (const vf_nets_t *self);
const vf_network_t *vf_nets_get (const vf_nets_t *self, size_t k);

/*  The networks key is a member of, as a bit set over vf_nets_get
    indices (bit k set: network k). 0 if none: such a peer is refused. */
uint64_t vf_nets_of (const vf_nets_t *self, const uint8_t key[VF_KEY_BYTES]);

/*  May a peer whose shared networks are `shared` (vf_nets_of) hold e? */
bool vf_nets_may_hold (const vf_nets_t *self, uint64_t shared, const vf_entry_t *e);

/*  As JSON (the file's form; caller owns it). */
json_t *vf_nets_json (const vf_nets_t *self);

#endif
