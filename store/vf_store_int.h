/*  vf_store_int.h - what the store's source files share. Internal. */
#ifndef VF_STORE_INT_H
#define VF_STORE_INT_H

#include "vf_db.h"
#include "vf_store.h"

struct _vf_store_t {
    vf_db_t *db;
};

/*  How a record refers to an IRI, in the refs table (stable codes: they
    are part of the schema, docs/STORE.md). */
typedef enum {
    VF_ROLE_DEFINES = 1,     /* the record's own @id */
    VF_ROLE_RESOURCE = 2,    /* resourceInventoriedAs */
    VF_ROLE_TO_RESOURCE = 3, /* toResourceInventoriedAs */
    VF_ROLE_INPUT_OF = 4,
    VF_ROLE_OUTPUT_OF = 5,
    VF_ROLE_PROVIDER = 6,
    VF_ROLE_RECEIVER = 7,
    VF_ROLE_CORRECTS = 8,
    VF_ROLE_OTHER = 15 /* any other reference property */
} vf_role_t;

/*  Order key of an entry: effective time (ms, big-endian) then entry id.
    For events the effective time is hasPointInTime, else hasEnd, else
    hasBeginning, else the envelope time; for other records the envelope
    time. The same everywhere, so every node orders alike. */
#define VF_ORDER_KEY_BYTES (8 + VF_HASH_BYTES)
void vf_order_key (const vf_entry_t *e, uint8_t out[VF_ORDER_KEY_BYTES]);

/*  refs key: BLAKE2b-256 of the IRI, then the role byte. */
#define VF_REF_KEY_BYTES (VF_HASH_BYTES + 1)
void vf_ref_key (const char *iri, vf_role_t role, uint8_t out[VF_REF_KEY_BYTES]);

/*  Decode a stored blob into a new entry (caller owns it). */
int vf_store_decode (const void *blob, size_t len, vf_entry_t **out, vf_err_t *err);

#endif
