/*  vf_db.h - the LMDB layer under the store: one environment per node
    directory, the named tables, the schema record, and every LMDB call the
    store makes. Internal to store/: nothing outside store/ includes it, and
    no LMDB pointer leaves store/.

    Each call goes through a wrapper that can be told to fail the Nth call
    (vf_db_fail_after), so that tests can check that a failure at any point
    leaves the store consistent (the SQLite way).
*/
#ifndef VF_DB_H
#define VF_DB_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"

/*  The schema this code reads and writes; bump it with a migration. */
#define VF_DB_SCHEMA 3
/*  An older schema this code migrates at open (vf_store_open; 2 -> 3 adds
    the trackingIdentifier rows of refs). */
#define VF_DB_SCHEMA_UPGRADABLE 2

/*  The tables (named LMDB databases). Layouts in docs/STORE.md. */
typedef enum {
    VF_T_META,    /* "schema" -> schema record */
    VF_T_LOG,     /* local u64 -> signed entry blob (sig || canonical) */
    VF_T_IDS,     /* entry id -> local u64 */
    VF_T_AUTHORS, /* author || seq -> entry ids (dupsort) */
    VF_T_FORKS,   /* author || seq -> id a || id b: equivocation proof */
    VF_T_NETS,    /* network || time || id -> (empty): reconciliation order */
    VF_T_TIMES,   /* time || local -> (empty) */
    VF_T_CLASSES, /* class name -> local u64 (dupsort) */
    VF_T_ACTIONS, /* action name -> local u64 (dupsort) */
    VF_T_REFS,    /* iri hash || role -> order key (dupsort) */
    VF_T_STATE,   /* resource iri hash -> resource state */
    VF_T_PENDING, /* resource iri hash || event id -> (empty) */
    VF_T_FPSUMS,  /* network || level || bucket -> id sum || count (vf_fp.c) */
    VF_T_COUNT
} vf_table_t;

typedef struct _vf_db_t vf_db_t;

typedef struct {
    uint64_t map_size; /* bytes; 0 for VF_STORE_MAP_DEFAULT */
    bool read_only;    /* open for reading only (vfctl db ... on a live node) */
} vf_db_opts_t;

/*  Open (creating if needed, unless read-only) the environment in dir
    (created mode 0700 if missing). Checks the schema record: a store of
    another schema version or byte order is refused (VF_ESCHEMA) with a
    message saying what to do. Errors: VF_ESCHEMA, VF_ESTORE, VF_EIO,
    VF_ENOMEM. Caller owns *out. */
int vf_db_open (vf_db_t **out, const char *dir, const vf_db_opts_t *opts, vf_err_t *err);
void vf_db_destroy (vf_db_t **self_p);

/*  The older schema found at open that the store must migrate (0: none);
    after migrating in a write transaction, vf_db_set_schema records the
    current version in it and, once committed, vf_db_upgraded says so. */
uint32_t vf_db_upgrade_from (const vf_db_t *db);
int vf_db_set_schema (vf_db_t *db, MDB_txn *txn, vf_err_t *err);
void vf_db_upgraded (vf_db_t *db);

/*  Transactions. A failed write transaction is aborted, never reused. */
int vf_db_begin (vf_db_t *db, bool write, MDB_txn **txn, vf_err_t *err);
int vf_db_commit (vf_db_t *db, MDB_txn *txn, vf_err_t *err);
void vf_db_abort (MDB_txn *txn);

/*  Calls on a table. Each returns 0, VF_ENOTFOUND (get, del, cursor
    positioning), VF_EEXIST (put with MDB_NOOVERWRITE / MDB_NODUPDATA),
    VF_EFULL (map full) or VF_ESTORE. */
int vf_db_get (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen, MDB_val *val,
               vf_err_t *err);
int vf_db_put (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen,
               const void *val, size_t vlen, unsigned flags, vf_err_t *err);
int vf_db_del (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen,
               const void *val, size_t vlen, vf_err_t *err);
int vf_db_cursor (vf_db_t *db, MDB_txn *txn, vf_table_t t, MDB_cursor **cur, vf_err_t *err);
int vf_db_cursor_get (vf_db_t *db, MDB_cursor *cur, MDB_val *key, MDB_val *val, MDB_cursor_op op,
                      vf_err_t *err);

/*  Delete the row under the cursor; count the values under its key. */
int vf_db_cursor_del (vf_db_t *db, MDB_cursor *cur, vf_err_t *err);
int vf_db_cursor_dups (vf_db_t *db, MDB_cursor *cur, size_t *dups, vf_err_t *err);

/*  Entries in table t. */
int vf_db_count (vf_db_t *db, MDB_txn *txn, vf_table_t t, uint64_t *count, vf_err_t *err);

/*  Name of a table ("log"). */
const char *vf_db_table_name (vf_table_t t);

/*  Map size and how much of it is used, in bytes. */
int vf_db_usage (vf_db_t *db, uint64_t *map_size, uint64_t *used, vf_err_t *err);

/*  Test hook: make the nth wrapped LMDB call from now fail (n >= 1);
    0 turns it off. Returns how many calls were made since the last
    call to this function, so a test can learn how many calls an operation
    makes. */
uint64_t vf_db_fail_after (vf_db_t *db, uint64_t n);

/*  Big-endian u64 keys, so that byte order is numeric order. */
void vf_be64_put (uint8_t out[8], uint64_t v);
uint64_t vf_be64_get (const uint8_t in[8]);

#endif
