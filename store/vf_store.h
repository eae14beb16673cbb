/*  vf_store.h - the node's memory: every accepted entry, durably, in LMDB,
    with the indexes the node, queries and track/trace need, and the
    ValueFlows state the entries imply. Tables and keys: docs/STORE.md.

    One writer (ingest), any number of readers in other threads or
    processes. Every read returns copies (decoded entries the caller owns);
    no LMDB pointer leaves store/.
*/
#ifndef VF_STORE_H
#define VF_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_entry.h"
#include "vf_error.h"

typedef struct _vf_store_t vf_store_t;

typedef struct {
    uint64_t map_size; /* most bytes the store may grow to; 0: VF_STORE_MAP_DEFAULT */
    bool read_only;    /* for tools reading a live node's store */
} vf_store_opts_t;

/*  Open the store in dir (created mode 0700 unless read-only). Refuses a
    store of another schema version (VF_ESCHEMA, with what to do). Caller
    owns *out: vf_store_destroy. */
int vf_store_open (vf_store_t **out, const char *dir, const vf_store_opts_t *opts, vf_err_t *err);
void vf_store_destroy (vf_store_t **self_p);

/*  What happened to one entry of an ingest batch. */
typedef enum {
    VF_OUTCOME_STORED = 1,    /* new, now durable */
    VF_OUTCOME_DUPLICATE = 2, /* already held: nothing changed */
    VF_OUTCOME_REJECTED = 3   /* refused: code and reason say why */
} vf_outcome_t;

typedef struct {
    vf_outcome_t outcome;
    int code;                    /* VF_E* for rejected entries */
    char reason[VF_ERR_MSG_MAX]; /* for rejected entries */
    uint64_t local;              /* the entry's local sequence number */
    bool fork;                   /* its author signed another entry with this seq */
} vf_ingest_result_t;

/*  Store a batch of signed entries (vf_entry_sign / vf_entry_open /
    vf_record_verify made them; an entry that is not is_signed is refused)
    in one write transaction. Each entry is checked against the ValueFlows
    rules; an entry already held is a no-op. results[k] tells what happened
    to entries[k]. Returns 0 once the transaction has committed (only then
    is anything "stored"), or an error and nothing is stored: VF_EFULL
    (map full: grow it), VF_ETOOBIG (more than VF_INGEST_BATCH_MAX),
    VF_ESTORE, VF_ENOMEM. */
int vf_store_ingest (vf_store_t *self, vf_entry_t *const *entries, size_t n,
                     vf_ingest_result_t *results, vf_err_t *err);

/*  The entry with this id (caller owns *out, decoded and signed), or
    VF_ENOTFOUND. */
int vf_store_get (vf_store_t *self, const uint8_t id[VF_HASH_BYTES], vf_entry_t **out,
                  vf_err_t *err);

/*  Does the store hold the entry with this id? (One index read.) */
int vf_store_has (vf_store_t *self, const uint8_t id[VF_HASH_BYTES], bool *yes, vf_err_t *err);

/*  The entry with this local sequence number, or VF_ENOTFOUND. */
int vf_store_get_local (vf_store_t *self, uint64_t local, vf_entry_t **out, vf_err_t *err);

/*  Filters for vf_store_query; zero / NULL fields do not filter. */
typedef struct {
    const uint8_t *author; /* VF_KEY_BYTES */
    const char *cls;       /* "EconomicEvent" */
    const char *action;    /* "produce" */
    const char *resource;  /* events naming it as resourceInventoriedAs or
                              toResourceInventoriedAs */
    const char *process;   /* events that are inputOf or outputOf it */
    const char *agent;     /* events with it as provider or receiver */
    uint64_t time_from;    /* envelope time >= (ms) */
    uint64_t time_to;      /* envelope time < (ms); 0: no bound */
    uint64_t after;        /* cursor: only local numbers above this */
    size_t limit;          /* most entries to return; 0: 100 */
} vf_query_t;

/*  A page of entries matching q, in local order. *out is an array of *n
    entries (caller owns them: vf_store_free_entries). *next is the cursor
    for the next page, 0 when there is none. */
int vf_store_query (vf_store_t *self, const vf_query_t *q, vf_entry_t ***out, size_t *n,
                    uint64_t *next, vf_err_t *err);
void vf_store_free_entries (vf_entry_t ***entries_p, size_t n);

/*  What the store knows of resource iri, as one JSON object (caller owns
    it): the fields of its EconomicResource record as its owner last wrote
    it (name, conformsTo, trackingIdentifier, note ...), then the state its
    events imply: accountingQuantity and onhandQuantity (measures),
    primaryAccountable, currentLocation, containedIn (null when removed),
    stage (the basedOn of the process that last staged it), state,
    previousEvent (the last event applied), and "owner" (vfk_...),
    "events" (applied), "pending" (events waiting for the owner's
    confirmation), "unitMismatches" (effects in another unit, not summed).
    VF_ENOTFOUND if no record or event names it. */
int vf_store_resource (vf_store_t *self, const char *iri, json_t **out, vf_err_t *err);

/*  The events that name resource iri (as resourceInventoriedAs or
    toResourceInventoriedAs), in event order (effective time, then id):
    every one held, applied or not. Caller owns the array
    (vf_store_free_entries). */
int vf_store_history (vf_store_t *self, const char *iri, vf_entry_t ***out, size_t *n,
                      vf_err_t *err);

/*  Events by one author that wait for another author's confirmation
    before they change that author's resource: a JSON array of
    {"resource": IRI, "event": "vfe_..."} (caller owns it), only those on
    resources owned by owner, or all of them when owner is NULL. */
int vf_store_pending (vf_store_t *self, const uint8_t *owner, json_t **out, vf_err_t *err);

/*  An equivocation: one author, one seq, two different entries. */
typedef struct {
    uint8_t author[VF_KEY_BYTES];
    uint64_t seq;
    uint8_t id_a[VF_HASH_BYTES];
    uint8_t id_b[VF_HASH_BYTES];
} vf_fork_t;

/*  Every fork proof held (caller frees *out). */
int vf_store_forks (vf_store_t *self, vf_fork_t **out, size_t *n, vf_err_t *err);

/*  Has author equivocated (is there a fork proof against it)? */
int vf_store_is_equivocating (vf_store_t *self, const uint8_t author[VF_KEY_BYTES], bool *yes,
                              vf_err_t *err);

/*  The highest seq stored for author (0 if none): where a node continues
    numbering its own entries. */
int vf_store_last_seq (vf_store_t *self, const uint8_t author[VF_KEY_BYTES], uint64_t *seq,
                       vf_err_t *err);

typedef struct {
    uint64_t entries;        /* entries in the log */
    uint64_t table_rows[16]; /* rows per table, by vf_table order (docs/STORE.md) */
    const char *table_names[16];
    size_t tables;
    uint64_t map_size; /* bytes */
    uint64_t map_used; /* bytes */
    int schema;        /* schema version */
} vf_store_stat_t;

int vf_store_stat (vf_store_t *self, vf_store_stat_t *st, vf_err_t *err);

/*  True when the map is more than VF_STORE_WARN_PERCENT full (the node
    logs a warning then, early enough to grow it). */
bool vf_store_nearly_full (const vf_store_stat_t *st);

/*  What vf_store_check found. */
typedef struct {
    uint64_t entries;     /* entries read from the log */
    uint64_t bad_entries; /* entries that do not decode, verify or keep the rules */
    uint64_t bad_index;   /* index rows missing, extra, or pointing at the wrong entry */
    uint64_t resources;   /* resource states recomputed from the log */
    uint64_t bad_state;   /* stored states or pending rows that differ from the recomputation */
    char first_problem[VF_ERR_MSG_MAX];
} vf_check_report_t;

/*  Check the whole store: every entry in the log decodes canonically, its
    signature verifies and it keeps the ValueFlows rules; each entry has
    its `ids`, `authors`, `classes` and `refs` definition rows, every `ids`
    row points at a log entry with that id and the two tables hold as many
    rows; the state and pending rows of every resource that an entry
    defines or an event names, recomputed from the log, equal the stored
    ones. Other index rows (`nets`, `times`, `actions`, other `refs` roles,
    `fpsums`) are not checked. Returns 0 when the check ran (the report
    says whether it found problems), or a store error. */
int vf_store_check (vf_store_t *self, vf_check_report_t *report, vf_err_t *err);

/*  The benchmarks' ceiling for reads: n lookups of entries at random
    local numbers in one read transaction, touching each value (no
    decoding); *bytes sums what was read so the loop cannot be optimised
    away. */
int vf_store_random_reads (vf_store_t *self, size_t n, uint64_t seed, uint64_t *bytes,
                           vf_err_t *err);

/*  The benchmarks' ceiling for writes (store/vf_ceiling.c): a new LMDB
    environment in dir (which must not exist; the caller removes it), n
    values of value_len bytes (at most 64 KiB) put under sequential 8-byte
    keys (MDB_APPEND) into one table, committed durably every batch puts.
    Errors: VF_EINVAL, VF_EIO (dir), VF_ENOMEM, VF_ESTORE. */
int vf_store_append_ceiling (const char *dir, size_t n, size_t batch, size_t value_len,
                             vf_err_t *err);

/*  Test hook: fail the nth LMDB call from now (0: never); returns the calls
    made since the previous use. */
uint64_t vf_store_fail_after (vf_store_t *self, uint64_t n);

#endif
