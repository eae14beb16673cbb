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
    VF_ROLE_CONFIRMS = 9,  /* a Confirmation's confirmsEvent */
    VF_ROLE_TRACKING = 10, /* an EconomicResource's trackingIdentifier (the key hashes
                              the identifier, not an IRI) */
    VF_ROLE_OTHER = 15     /* any other reference property */
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

/*  Within txn: the entry with this local number / this id (caller owns
 *out), and the local number of an id. VF_ENOTFOUND if absent. */
int vf_store_load_local (vf_store_t *self, MDB_txn *txn, uint64_t local, vf_entry_t **out,
                         vf_err_t *err);
int vf_store_load_id (vf_store_t *self, MDB_txn *txn, const uint8_t id[VF_HASH_BYTES],
                      vf_entry_t **out, vf_err_t *err);
int vf_store_local_of (vf_store_t *self, MDB_txn *txn, const uint8_t id[VF_HASH_BYTES],
                       uint64_t *local, vf_err_t *err);

/*  Bring the resource state of everything the new entry e affects up to
    date, in the ingest transaction (vf_project.c): an event later than all
    a resource has folded is folded in at once; any other change adds the
    resource to dirty (a JSON object used as a set of IRIs), and
    vf_project_flush recomputes each dirty resource once, before the
    transaction commits. */
int vf_project_entry (vf_store_t *self, MDB_txn *txn, const vf_entry_t *e, json_t *dirty,
                      vf_err_t *err);
int vf_project_flush (vf_store_t *self, MDB_txn *txn, json_t *dirty, vf_err_t *err);

/*  Compute the state of resource iri from the log (no writes): *state is a
    new JSON object (caller owns it), *pending a new array of the ids (text)
    of events whose effects wait for the owner's confirmation. */
int vf_project_compute (vf_store_t *self, MDB_txn *txn, const char *iri, json_t **state,
                        json_t **pending, vf_err_t *err);

/*  Does the stored state of resource iri equal its recomputation? */
int vf_project_verify (vf_store_t *self, MDB_txn *txn, const char *iri, bool *same, vf_err_t *err);

/*  Lookups the walks share with the projection, within txn:
    - does event e count (the first EconomicEvent under its IRI by its
      author; a later one reusing the IRI is a conflict, never applied)?
    - the current version of record iri of class cls (the first definer's
      entry with the highest seq; *out NULL when none is held);
    - the resource as vf_store_resource shows it (VF_ENOTFOUND if nothing
      names it). */
int vf_project_counts (vf_store_t *self, MDB_txn *txn, const vf_entry_t *e, bool *yes,
                       vf_err_t *err);
int vf_project_current (vf_store_t *self, MDB_txn *txn, const char *iri, const char *cls,
                        vf_entry_t **out, vf_err_t *err);
int vf_project_resource (vf_store_t *self, MDB_txn *txn, const char *iri, json_t **out,
                         vf_err_t *err);

/*  The value rollup of a walk (store/vf_rollup.c): add each event with
    the organisation it counts for; the result is {"work": [...],
    "inputs": [...]} (docs/API.md "trace"), NULL when out of memory. */
typedef struct _vf_rollup_t vf_rollup_t;
vf_rollup_t *vf_rollup_new (void);
int vf_rollup_add (vf_rollup_t *r, vf_store_t *self, MDB_txn *txn, const vf_entry_t *e,
                   const char *org, vf_err_t *err);
json_t *vf_rollup_result (vf_rollup_t *r);
void vf_rollup_destroy (vf_rollup_t **r);

#endif
