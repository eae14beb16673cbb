/*  vf_entry.h - the entry: one signed ValueFlows record.

    An entry is an envelope (format version, author, seq, time, audience,
    class) around a record body, encoded as canonical msgpack
    (docs/PROTOCOL.md "Entry"). Its id is BLAKE2b-256 of that encoding, and
    its signature is the author's Ed25519 signature of the 32-byte id.

    A signed entry travels and is stored as one blob: the 64-byte signature
    followed by the canonical encoding. vf_entry_open checks such a blob
    completely (canonical form, id, signature) before handing back an entry.
*/
#ifndef VF_ENTRY_H
#define VF_ENTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_crypto.h"
#include "vf_error.h"
#include "vf_identity.h"
#include "vf_limits.h"

/*  The envelope format this code writes and reads. */
#define VF_ENTRY_VERSION 1

typedef struct {
    /*  Envelope. */
    uint8_t author[VF_KEY_BYTES];                    /* the signing node's Ed25519 key */
    uint64_t seq;                                    /* per-author sequence number, 1..VF_SEQ_MAX */
    uint64_t time;                                   /* creation time, ms since the epoch,
                                                        at most VF_TIME_MAX */
    bool is_public;                                  /* audience: public, or ... */
    size_t naudience;                                /* ... these networks (1..VF_AUDIENCE_MAX), */
    uint8_t audience[VF_AUDIENCE_MAX][VF_KEY_BYTES]; /* sorted by bytes */
    char cls[VF_CLASS_MAX + 1];                      /* ValueFlows class, e.g. "EconomicEvent" */
    json_t *body;                                    /* the record, owned by the entry */

    /*  Set by vf_entry_sign and vf_entry_open. */
    bool is_signed;
    uint8_t id[VF_HASH_BYTES]; /* BLAKE2b-256 of the canonical encoding */
    uint8_t sig[VF_SIG_BYTES]; /* Ed25519 signature of id by author */
    uint8_t *blob;             /* sig || canonical encoding, owned */
    size_t blob_len;
} vf_entry_t;

/*  An empty entry (public audience, no body). Caller owns it. NULL if out
    of memory. */
vf_entry_t *vf_entry_new (void);

/*  Free the entry and its body and blob; safe twice; NULLs *self_p. */
void vf_entry_destroy (vf_entry_t **self_p);

/*  Set the body, taking ownership of *body_p (and NULLing it). */
void vf_entry_set_body (vf_entry_t *self, json_t **body_p);

/*  Add a network to the audience (making it non-public). Duplicates are
    ignored. VF_ETOOBIG past VF_AUDIENCE_MAX networks. */
int vf_entry_add_network (vf_entry_t *self, const uint8_t net[VF_KEY_BYTES]);

/*  The canonical encoding of the envelope and body into a new buffer
    (caller frees *out). Errors: VF_EINVAL (missing class or body, seq 0,
    seq or time above 2^53-1 (VF_SEQ_MAX, VF_TIME_MAX),
    a value with no canonical form such as a real number), VF_ETOOBIG
    (larger than VF_ENTRY_MAX), VF_ENOMEM. */
int vf_entry_encode (const vf_entry_t *self, uint8_t **out, size_t *len, vf_err_t *err);

/*  Decode a canonical encoding (no signature) into a new entry (caller
    owns *out). Rejects anything not canonical, trailing bytes, an unknown
    version, inputs over VF_ENTRY_MAX, seq 0 and seq or time above 2^53-1. Does not check the
   signature or the ValueFlows rules. */
int vf_entry_decode (vf_entry_t **out, const uint8_t *buf, size_t len, vf_err_t *err);

/*  Sign: set author to the identity's key, encode, compute id, sign it and
    keep the blob. The entry's other fields must be set. */
int vf_entry_sign (vf_entry_t *self, const vf_identity_t *identity, vf_err_t *err);

/*  Open a signed blob (signature || encoding): decode strictly, compute
    the id and verify the signature by the author. On success *out is a
    signed entry (caller owns it). Errors: those of vf_entry_decode,
    VF_EBADSIG. Does not check the ValueFlows rules (vf_entry_check does). */
int vf_entry_open (vf_entry_t **out, const uint8_t *blob, size_t len, vf_err_t *err);

/*  Like vf_entry_open, for a blob that was verified before it was stored:
    decodes strictly and computes the id, but does not check the signature
    (about 50 us saved per entry). Stores use it to read their own data;
    their consistency check (vfctl db check) verifies every signature. */
int vf_entry_load (vf_entry_t **out, const uint8_t *blob, size_t len, vf_err_t *err);

/*  The ValueFlows rules for the entry's class and body (vf_validate.h),
    plus the envelope rules. Returns 0 or VF_EINVALID. */
int vf_entry_check (const vf_entry_t *self, vf_err_t *err);

/*  The record's "@id" (NULL if the body has none). Owned by the body. */
const char *vf_entry_iri (const vf_entry_t *self);

#endif
