/*  vf_db.c - LMDB environment, tables, schema and call wrappers. */
#include "vf_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "vf_limits.h"

static const struct {
    const char *name;
    unsigned flags;
} s_tables[VF_T_COUNT] = {
    [VF_T_META] = { "meta", 0 },
    [VF_T_LOG] = { "log", 0 },
    [VF_T_IDS] = { "ids", 0 },
    [VF_T_AUTHORS] = { "authors", MDB_DUPSORT | MDB_DUPFIXED },
    [VF_T_FORKS] = { "forks", 0 },
    [VF_T_NETS] = { "nets", 0 },
    [VF_T_TIMES] = { "times", 0 },
    [VF_T_CLASSES] = { "classes", MDB_DUPSORT | MDB_DUPFIXED },
    [VF_T_ACTIONS] = { "actions", MDB_DUPSORT | MDB_DUPFIXED },
    [VF_T_REFS] = { "refs", MDB_DUPSORT | MDB_DUPFIXED },
    [VF_T_STATE] = { "state", 0 },
    [VF_T_PENDING] = { "pending", 0 },
    [VF_T_FPSUMS] = { "fpsums", 0 },
};

/*  The schema record: magic, version and a byte-order mark, in native
    order, so that a store moved to a machine of the other byte order is
    recognised and refused. */
#define S_MAGIC "VFST"
#define S_BOM 0x01020304u
typedef struct {
    char magic[4];
    uint32_t version;
    uint32_t bom;
} s_schema_t;

struct _vf_db_t {
    MDB_env *env;
    MDB_dbi dbi[VF_T_COUNT];
    char dir[1024];
    uint64_t map_size;
    bool read_only;
    uint64_t calls;        /* wrapped calls since the last vf_db_fail_after */
    uint64_t fail_at;      /* fail the call with this number; 0: never */
    uint32_t upgrade_from; /* the older schema found at open, to migrate; 0: current */
};

void
vf_be64_put (uint8_t out[8], uint64_t v)
{
    for (int k = 7; k >= 0; k--, v >>= 8)
        out[k] = (uint8_t) v;
}

uint64_t
vf_be64_get (const uint8_t in[8])
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v = (v << 8) | in[k];
    return v;
}

const char *
vf_db_table_name (vf_table_t t)
{
    return t < VF_T_COUNT ? s_tables[t].name : "?";
}

/*  Bytes free on the disk that holds the store (-1 if unknown). */
static long long
s_disk_free (const vf_db_t *db)
{
    struct statvfs fs;
    if (statvfs (db->dir, &fs) != 0)
        return -1;
    return (long long) fs.f_bavail * (long long) fs.f_frsize;
}

/*  Map an LMDB return code to ours, with a message naming the operation.
    A full disk is said so: LMDB reports a write cut short as EIO ("short
    write, filesystem full?"), which an operator would take for a failing
    disk. */
static int
s_rc (const vf_db_t *db, int rc, const char *what, vf_table_t t, vf_err_t *err)
{
    long long left = rc == ENOSPC || rc == EIO ? s_disk_free (db) : -1;
    if (rc == ENOSPC || (rc == EIO && left >= 0 && left < VF_STORE_DISK_LOW))
        return vf_err_set (err, VF_ESTORE,
                           "%s: the disk holding %s is full (%lld KiB free): make room on it; "
                           "nothing of this batch was stored",
                           what, db->dir, left < 0 ? 0 : left / 1024);
    switch (rc) {
    case MDB_SUCCESS:
        return 0;
    case MDB_NOTFOUND:
        return VF_ENOTFOUND;
    case MDB_KEYEXIST:
        return VF_EEXIST;
    case MDB_MAP_FULL:
        return vf_err_set (err, VF_EFULL,
                           "store is full (map_size %llu bytes): raise map_size in the node's "
                           "config and restart; nothing of this batch was stored",
                           (unsigned long long) db->map_size);
    case MDB_TXN_FULL:
        return vf_err_set (err, VF_ETOOBIG, "write transaction too large: use smaller batches");
    default:
        return vf_err_set (err, VF_ESTORE, "%s on table %s: %s", what, vf_db_table_name (t),
                           mdb_strerror (rc));
    }
}

/*  Count a call; true if this one must fail (test hook). */
static bool
s_inject (vf_db_t *db, vf_err_t *err)
{
    db->calls++;
    if (db->fail_at && db->calls == db->fail_at) {
        vf_err_set (err, VF_ESTORE, "injected failure of LMDB call %llu",
                    (unsigned long long) db->calls);
        return true;
    }
    return false;
}

uint64_t
vf_db_fail_after (vf_db_t *db, uint64_t n)
{
    uint64_t made = db->calls;
    db->calls = 0;
    db->fail_at = n;
    return made;
}

static int
s_check_schema (vf_db_t *db, MDB_txn *txn, vf_err_t *err)
{
    MDB_val key = { 6, (void *) "schema" }, val;
    int rc = mdb_get (txn, db->dbi[VF_T_META], &key, &val);
    if (rc == MDB_NOTFOUND && !db->read_only) {
        s_schema_t s = { { 'V', 'F', 'S', 'T' }, VF_DB_SCHEMA, S_BOM };
        MDB_val v = { sizeof s, &s };
        return s_rc (db, mdb_put (txn, db->dbi[VF_T_META], &key, &v, 0), "put", VF_T_META, err);
    }
    if (rc)
        return vf_err_set (err, VF_ESCHEMA, "%s is not a vfnode store (no schema record)", db->dir);
    s_schema_t s;
    if (val.mv_size != sizeof s)
        return vf_err_set (err, VF_ESCHEMA,
                           "%s: schema record of %zu bytes is not one this vfnode "
                           "knows",
                           db->dir, val.mv_size);
    memcpy (&s, val.mv_data, sizeof s);
    if (memcmp (s.magic, S_MAGIC, 4) != 0)
        return vf_err_set (err, VF_ESCHEMA, "%s is not a vfnode store (bad magic)", db->dir);
    if (s.bom != S_BOM)
        return vf_err_set (err, VF_ESCHEMA,
                           "%s was written on a machine of the other byte order; "
                           "move it with `vfctl db dump` there and `vfctl db load` here",
                           db->dir);
    if (s.version == VF_DB_SCHEMA_UPGRADABLE && !db->read_only) {
        db->upgrade_from = s.version; /* vf_store_open migrates it */
        return 0;
    }
    if (s.version == VF_DB_SCHEMA_UPGRADABLE)
        return vf_err_set (err, VF_ESCHEMA,
                           "%s has store schema version %u: start vfnode once (it upgrades the "
                           "store to version %d in place), then try again",
                           db->dir, s.version, VF_DB_SCHEMA);
    if (s.version != VF_DB_SCHEMA)
        return vf_err_set (err, VF_ESCHEMA,
                           "%s has store schema version %u, this vfnode reads "
                           "version %d: run the vfnode version that wrote it, or `vfctl db dump` "
                           "with it and `vfctl db load` into a new store",
                           db->dir, s.version, VF_DB_SCHEMA);
    return 0;
}

uint32_t
vf_db_upgrade_from (const vf_db_t *db)
{
    return db->upgrade_from;
}

int
vf_db_set_schema (vf_db_t *db, MDB_txn *txn, vf_err_t *err)
{
    s_schema_t s = { { 'V', 'F', 'S', 'T' }, VF_DB_SCHEMA, S_BOM };
    int rc = vf_db_put (db, txn, VF_T_META, "schema", 6, &s, sizeof s, 0, err);
    return rc;
}

void
vf_db_upgraded (vf_db_t *db)
{
    db->upgrade_from = 0;
}

static int
s_open_tables (vf_db_t *db, vf_err_t *err)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (db->env, NULL, db->read_only ? MDB_RDONLY : 0, &txn);
    if (rc)
        return s_rc (db, rc, "begin", VF_T_META, err);
    for (int t = 0; t < VF_T_COUNT && rc == 0; t++) {
        unsigned flags = s_tables[t].flags | (db->read_only ? 0 : MDB_CREATE);
        rc = mdb_dbi_open (txn, s_tables[t].name, flags, &db->dbi[t]);
        if (rc == MDB_NOTFOUND)
            rc = vf_err_set (err, VF_ESCHEMA, "%s is not a vfnode store (no table %s)", db->dir,
                             s_tables[t].name);
        else if (rc)
            rc = s_rc (db, rc, "open", (vf_table_t) t, err);
    }
    if (rc == 0)
        rc = s_check_schema (db, txn, err);
    if (rc) {
        mdb_txn_abort (txn);
        return rc;
    }
    return s_rc (db, mdb_txn_commit (txn), "commit", VF_T_META, err);
}

static int
s_open_env (vf_db_t *db, vf_err_t *err)
{
    int rc = mdb_env_create (&db->env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs (db->env, VF_T_COUNT);
    if (rc == 0)
        rc = mdb_env_set_mapsize (db->env, (size_t) db->map_size);
    if (rc)
        return s_rc (db, rc, "create environment", VF_T_META, err);
    /*  MDB_NOTLS: read transactions are not tied to threads, so readers
        may be handed between worker threads. */
    unsigned flags = MDB_NOTLS | (db->read_only ? MDB_RDONLY : 0);
    rc = mdb_env_open (db->env, db->dir, flags, 0600);
    if (rc == ENOENT)
        return vf_err_set (err, VF_ENOTFOUND, "no store in %s", db->dir);
    if (rc)
        return vf_err_set (err, rc == EACCES ? VF_EPERM : VF_ESTORE, "cannot open store %s: %s",
                           db->dir, mdb_strerror (rc));
    return 0;
}

int
vf_db_open (vf_db_t **out, const char *dir, const vf_db_opts_t *opts, vf_err_t *err)
{
    *out = NULL;
    vf_db_t *db = calloc (1, sizeof *db);
    if (!db)
        return VF_ENOMEM;
    db->read_only = opts && opts->read_only;
    db->map_size = opts && opts->map_size ? opts->map_size : VF_STORE_MAP_DEFAULT;
    int rc = 0;
    if (snprintf (db->dir, sizeof db->dir, "%s", dir) >= (int) sizeof db->dir)
        rc = vf_err_set (err, VF_EINVAL, "store path too long");
    else if (db->map_size < VF_STORE_MAP_MIN)
        rc = vf_err_set (err, VF_EINVAL, "map_size %llu is below the minimum %llu bytes",
                         (unsigned long long) db->map_size, (unsigned long long) VF_STORE_MAP_MIN);
    else if (!db->read_only && mkdir (dir, 0700) != 0 && errno != EEXIST)
        rc = vf_err_set (err, VF_EIO, "cannot create %s: %s", dir, strerror (errno));
    if (rc == 0)
        rc = s_open_env (db, err);
    if (rc == 0)
        rc = s_open_tables (db, err);
    if (rc) {
        vf_db_destroy (&db);
        return rc;
    }
    *out = db;
    return 0;
}

void
vf_db_destroy (vf_db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    if ((*self_p)->env)
        mdb_env_close ((*self_p)->env);
    free (*self_p);
    *self_p = NULL;
}

int
vf_db_begin (vf_db_t *db, bool write, MDB_txn **txn, vf_err_t *err)
{
    if (write && db->read_only)
        return vf_err_set (err, VF_EPERM, "store %s is open read-only", db->dir);
    if (s_inject (db, err))
        return VF_ESTORE;
    return s_rc (db, mdb_txn_begin (db->env, NULL, write ? 0 : MDB_RDONLY, txn), "begin", VF_T_META,
                 err);
}

int
vf_db_commit (vf_db_t *db, MDB_txn *txn, vf_err_t *err)
{
    if (s_inject (db, err)) {
        mdb_txn_abort (txn);
        return VF_ESTORE;
    }
    /*  mdb_txn_commit frees the transaction whatever it returns. */
    return s_rc (db, mdb_txn_commit (txn), "commit", VF_T_META, err);
}

void
vf_db_abort (MDB_txn *txn)
{
    if (txn)
        mdb_txn_abort (txn);
}

int
vf_db_get (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen, MDB_val *val,
           vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    MDB_val k = { klen, (void *) key };
    return s_rc (db, mdb_get (txn, db->dbi[t], &k, val), "get", t, err);
}

int
vf_db_put (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen, const void *val,
           size_t vlen, unsigned flags, vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    MDB_val k = { klen, (void *) key }, v = { vlen, (void *) val };
    return s_rc (db, mdb_put (txn, db->dbi[t], &k, &v, flags), "put", t, err);
}

int
vf_db_del (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen, const void *val,
           size_t vlen, vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    MDB_val k = { klen, (void *) key }, v = { vlen, (void *) val };
    return s_rc (db, mdb_del (txn, db->dbi[t], &k, val ? &v : NULL), "del", t, err);
}

int
vf_db_cursor (vf_db_t *db, MDB_txn *txn, vf_table_t t, MDB_cursor **cur, vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    return s_rc (db, mdb_cursor_open (txn, db->dbi[t], cur), "cursor", t, err);
}

int
vf_db_cursor_get (vf_db_t *db, MDB_cursor *cur, MDB_val *key, MDB_val *val, MDB_cursor_op op,
                  vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    return s_rc (db, mdb_cursor_get (cur, key, val, op), "cursor get", VF_T_META, err);
}

int
vf_db_cursor_del (vf_db_t *db, MDB_cursor *cur, vf_err_t *err)
{
    if (s_inject (db, err))
        return VF_ESTORE;
    return s_rc (db, mdb_cursor_del (cur, 0), "cursor del", VF_T_META, err);
}

int
vf_db_cursor_dups (vf_db_t *db, MDB_cursor *cur, size_t *dups, vf_err_t *err)
{
    size_t n = 0;
    if (s_inject (db, err))
        return VF_ESTORE;
    int rc = s_rc (db, mdb_cursor_count (cur, &n), "cursor count", VF_T_META, err);
    *dups = rc == 0 ? n : 0;
    return rc;
}

int
vf_db_count (vf_db_t *db, MDB_txn *txn, vf_table_t t, uint64_t *count, vf_err_t *err)
{
    MDB_stat st;
    int rc = s_rc (db, mdb_stat (txn, db->dbi[t], &st), "stat", t, err);
    if (rc == 0)
        *count = st.ms_entries;
    return rc;
}

int
vf_db_usage (vf_db_t *db, uint64_t *map_size, uint64_t *used, vf_err_t *err)
{
    MDB_envinfo info;
    MDB_stat st;
    int rc = mdb_env_info (db->env, &info);
    if (rc == 0)
        rc = mdb_env_stat (db->env, &st);
    if (rc)
        return s_rc (db, rc, "env info", VF_T_META, err);
    *map_size = info.me_mapsize;
    *used = (uint64_t) (info.me_last_pgno + 1) * st.ms_psize;
    return 0;
}
