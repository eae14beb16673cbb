/*  vf_wire.h - the messages between peers (docs/PROTOCOL.md "Wire
    protocol"). Every message is one ZeroMQ frame holding one canonical
    msgpack array whose first element is the message type; the decoder is
    strict (canonical form, exact field count and types, every list and
    byte string within its limit) and never trusts a declared length.
*/
#ifndef VF_WIRE_H
#define VF_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_crypto.h"
#include "vf_error.h"
#include "vf_limits.h"

/*  The wire protocol version this code speaks. */
#define VF_WIRE_VERSION 1

/*  Limits (part of the protocol). A frame holds at most VF_WIRE_FRAME_MAX
    bytes: one batch of entries (VF_WIRE_ENTRIES_MAX of at most
    VF_ENTRY_MAX + 64 bytes would exceed it, so senders fill frames up to
    the byte limit). Lists of ids are bounded so a HAVE or WANT is at most
    ~32 KiB. */
#define VF_WIRE_FRAME_MAX (1024 * 1024)
#define VF_WIRE_IDS_MAX 1024
#define VF_WIRE_ENTRIES_MAX 256
#define VF_WIRE_NETWORKS_MAX 64
#define VF_WIRE_NAME_MAX 64
#define VF_WIRE_TEXT_MAX 256
#define VF_WIRE_CAPS_MAX 16

typedef enum {
    VF_WIRE_HELLO = 1,   /* version, key, name, networks, capabilities */
    VF_WIRE_WELCOME = 2, /* the same, in answer to HELLO */
    VF_WIRE_ERROR = 3,   /* code, message: the sender closes the session */
    VF_WIRE_PING = 4,    /* nonce */
    VF_WIRE_PONG = 5,    /* nonce */
    VF_WIRE_HAVE = 6,    /* ids of entries the sender holds (announce) */
    VF_WIRE_WANT = 7,    /* ids the sender asks for */
    VF_WIRE_ENTRIES = 8, /* signed entries (signature || canonical encoding) */
    VF_WIRE_CREDIT = 9,  /* how many more entries the sender will accept */
    VF_WIRE_RECON = 10,  /* network, reconciliation message */
    VF_WIRE_TYPE_MAX = 10
} vf_wire_type_t;

typedef struct {
    vf_wire_type_t type;
    /* HELLO / WELCOME */
    uint64_t version;
    uint8_t key[VF_KEY_BYTES];
    char name[VF_WIRE_NAME_MAX + 1];
    size_t nnetworks;
    uint8_t networks[VF_WIRE_NETWORKS_MAX][VF_KEY_BYTES];
    size_t ncaps;
    char caps[VF_WIRE_CAPS_MAX][VF_WIRE_NAME_MAX + 1];
    /* ERROR */
    char code[VF_WIRE_NAME_MAX + 1];
    char text[VF_WIRE_TEXT_MAX + 1];
    /* PING / PONG nonce, CREDIT count */
    uint64_t number;
    /* HAVE / WANT */
    size_t nids;
    uint8_t (*ids)[VF_HASH_BYTES]; /* points into the frame (decode) */
    /* ENTRIES */
    size_t nentries;
    const uint8_t *entries[VF_WIRE_ENTRIES_MAX]; /* point into the frame */
    size_t entry_lens[VF_WIRE_ENTRIES_MAX];
    /* RECON */
    uint8_t network[VF_KEY_BYTES];
    const uint8_t *payload; /* points into the frame */
    size_t payload_len;
} vf_wire_msg_t;

/*  Decode a frame. Pointers in *msg point into frame, which must outlive
    their use. Errors: VF_EPARSE / VF_ENONCANON / VF_ETOOBIG, with the field
    named; an unknown type is VF_EPARSE "unknown message type N". */
int vf_wire_decode (vf_wire_msg_t *msg, const uint8_t *frame, size_t len, vf_err_t *err);

/*  Encode a message into a new buffer (caller frees *out). */
int vf_wire_encode (const vf_wire_msg_t *msg, uint8_t **out, size_t *len, vf_err_t *err);

/*  The name of a message type ("HELLO"), for logs and counters. */
const char *vf_wire_type_name (int type);

#endif
