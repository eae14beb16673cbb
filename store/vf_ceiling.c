/*  vf_ceiling.c - the raw LMDB write loop the benchmarks measure the
    store's ingest against (tools/bench/): what LMDB itself does with
    sequential keys and batched durable commits, without the store's
    indexes, checks or decoding. */
#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vf_store.h"

/*  An error of LMDB call what, in err. */
static int
s_fail (vf_err_t *err, const char *what, const char *dir, int rc)
{
    return vf_err_set (err, VF_ESTORE, "%s (%s): %s", what, dir, mdb_strerror (rc));
}

int
vf_store_append_ceiling (const char *dir, size_t n, size_t batch, size_t value_len, vf_err_t *err)
{
    if (batch == 0 || value_len == 0 || value_len > 65536)
        return vf_err_set (err, VF_EINVAL, "append ceiling: batch %zu, value of %zu bytes", batch,
                           value_len);
    if (mkdir (dir, 0700) != 0)
        return vf_err_set (err, VF_EIO, "append ceiling: cannot make %s", dir);
    uint8_t *value = malloc (value_len);
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    int rc = value ? mdb_env_create (&env) : ENOMEM;
    if (rc == 0)
        rc = mdb_env_set_mapsize (env, (size_t) (n + 1024) * (value_len + 64) * 2);
    if (rc == 0)
        rc = mdb_env_open (env, dir, 0, 0600); /* durable: every commit synced */
    if (rc)
        goto out;
    for (size_t k = 0; k < value_len; k++)
        value[k] = (uint8_t) (k * 131 + 7);
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (!txn && (rc = mdb_txn_begin (env, NULL, 0, &txn)) == 0)
            rc = mdb_dbi_open (txn, NULL, 0, &dbi);
        uint8_t key[8];
        uint64_t local = k + 1;
        for (int b = 0; b < 8; b++)
            key[b] = (uint8_t) (local >> (56 - 8 * b)); /* big-endian: sorted keys */
        memcpy (value, key, sizeof key);                /* no two values alike */
        MDB_val kv = { sizeof key, key }, vv = { value_len, value };
        if (rc == 0)
            rc = mdb_put (txn, dbi, &kv, &vv, MDB_APPEND);
        if (rc == 0 && ((k + 1) % batch == 0 || k + 1 == n)) {
            rc = mdb_txn_commit (txn);
            txn = NULL;
        }
    }
out:
    if (txn)
        mdb_txn_abort (txn);
    if (env)
        mdb_env_close (env);
    free (value);
    return rc == ENOMEM ? VF_ENOMEM : rc ? s_fail (err, "append ceiling", dir, rc) : 0;
}
