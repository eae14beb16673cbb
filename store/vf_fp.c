/*  vf_fp.c - cached id sums per time bucket, for range fingerprints. */
#include "vf_fp.h"

#include <string.h>

#include "vf_crypto.h"

#define S_LEVELS 5
#define S_TOTAL 0xff /* level byte of the per-network total */
static const int s_shift[S_LEVELS] = { 12, 18, 24, 30, 36 };
#define S_FANOUT_BITS 6 /* each level's buckets are 2^6 of the finer level's */
#define S_KEY_BYTES (32 + 1 + 8)
#define S_VAL_BYTES (VF_FP_SUM_BYTES + 8)

static void
s_key (uint8_t key[S_KEY_BYTES], const uint8_t net[32], uint8_t level, uint64_t bucket)
{
    memcpy (key, net, 32);
    key[32] = level;
    vf_be64_put (key + 33, bucket);
}

void
vf_fp_acc_add (vf_fp_acc_t *acc, const uint8_t id[32])
{
    unsigned carry = 0;
    for (int k = 0; k < 32; k++) {
        unsigned v = (unsigned) acc->sum[k] + id[k] + carry;
        acc->sum[k] = (uint8_t) v;
        carry = v >> 8;
    }
    acc->count++;
}

static void
s_acc_merge (vf_fp_acc_t *acc, const uint8_t *val, int sign)
{
    unsigned carry = 0;
    for (int k = 0; k < 32; k++) {
        int v = (int) acc->sum[k] + sign * (int) val[k] + (int) carry * (sign > 0 ? 1 : -1);
        carry = (v < 0 || v > 255) ? 1 : 0;
        acc->sum[k] = (uint8_t) (v & 0xff);
    }
    uint64_t count = 0;
    for (int k = 7; k >= 0; k--)
        count = (count << 8) | val[VF_FP_SUM_BYTES + k];
    acc->count = sign > 0 ? acc->count + count : acc->count - count;
}

static void
s_acc_value (const vf_fp_acc_t *acc, uint8_t val[S_VAL_BYTES])
{
    memcpy (val, acc->sum, VF_FP_SUM_BYTES);
    for (int k = 0; k < 8; k++)
        val[VF_FP_SUM_BYTES + k] = (uint8_t) (acc->count >> (8 * k));
}

void
vf_fp_finish (const vf_fp_acc_t *acc, uint8_t fp[VF_FP_BYTES])
{
    uint8_t val[S_VAL_BYTES], h[VF_HASH_BYTES];
    s_acc_value (acc, val);
    vf_hash (h, val, sizeof val);
    memcpy (fp, h, VF_FP_BYTES);
}

static int
s_bump (vf_db_t *db, MDB_txn *txn, const uint8_t key[S_KEY_BYTES], const uint8_t id[32],
        vf_err_t *err)
{
    vf_fp_acc_t acc = { { 0 }, 0 };
    MDB_val v;
    int rc = vf_db_get (db, txn, VF_T_FPSUMS, key, S_KEY_BYTES, &v, err);
    if (rc == 0 && v.mv_size == S_VAL_BYTES)
        s_acc_merge (&acc, v.mv_data, 1);
    else if (rc != VF_ENOTFOUND)
        return rc ? rc : vf_err_set (err, VF_ESTORE, "fpsums: bad value size");
    vf_fp_acc_add (&acc, id);
    uint8_t val[S_VAL_BYTES];
    s_acc_value (&acc, val);
    return vf_db_put (db, txn, VF_T_FPSUMS, key, S_KEY_BYTES, val, sizeof val, 0, err);
}

int
vf_fp_add (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], uint64_t time, const uint8_t id[32],
           vf_err_t *err)
{
    uint8_t key[S_KEY_BYTES];
    int rc = 0;
    for (int l = 0; l < S_LEVELS && rc == 0; l++) {
        s_key (key, net, (uint8_t) l, time >> s_shift[l]);
        rc = s_bump (db, txn, key, id, err);
    }
    if (rc == 0) {
        s_key (key, net, S_TOTAL, 0);
        rc = s_bump (db, txn, key, id, err);
    }
    return rc;
}

/*  acc += the buckets of level l numbered [from, to). */
static int
s_sum_buckets (vf_db_t *db, MDB_cursor *cur, const uint8_t net[32], int l, uint64_t from,
               uint64_t to, vf_fp_acc_t *acc, vf_err_t *err)
{
    if (from >= to)
        return 0;
    uint8_t key[S_KEY_BYTES];
    s_key (key, net, (uint8_t) l, from);
    MDB_val k = { sizeof key, key }, v;
    int rc = vf_db_cursor_get (db, cur, &k, &v, MDB_SET_RANGE, err);
    while (rc == 0 && k.mv_size == S_KEY_BYTES && memcmp (k.mv_data, net, 32) == 0 &&
           ((const uint8_t *) k.mv_data)[32] == l &&
           vf_be64_get ((const uint8_t *) k.mv_data + 33) < to) {
        if (v.mv_size == S_VAL_BYTES)
            s_acc_merge (acc, v.mv_data, 1);
        rc = vf_db_cursor_get (db, cur, &k, &v, MDB_NEXT, err);
    }
    return rc == VF_ENOTFOUND ? 0 : rc;
}

/*  acc += the items of net in x's finest bucket that sort before x. */
static int
s_sum_items (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], const vf_fp_bound_t *x,
             vf_fp_acc_t *acc, vf_err_t *err)
{
    uint8_t start[40], bound[72];
    memcpy (start, net, 32);
    vf_be64_put (start + 32, (x->time >> s_shift[0]) << s_shift[0]);
    memcpy (bound, net, 32);
    vf_be64_put (bound + 32, x->time);
    memcpy (bound + 40, x->prefix, x->prefix_len);
    size_t blen = 40 + x->prefix_len;
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof start, start }, v;
    int rc = vf_db_cursor (db, txn, VF_T_NETS, &cur, err);
    if (rc == 0)
        rc = vf_db_cursor_get (db, cur, &k, &v, MDB_SET_RANGE, err);
    while (rc == 0 && k.mv_size == 72 && memcmp (k.mv_data, bound, blen) < 0) {
        vf_fp_acc_add (acc, (const uint8_t *) k.mv_data + 40);
        rc = vf_db_cursor_get (db, cur, &k, &v, MDB_NEXT, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc == VF_ENOTFOUND ? 0 : rc;
}

/*  acc = sum and count of the items of net before x. */
static int
s_prefix (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], const vf_fp_bound_t *x,
          vf_fp_acc_t *acc, vf_err_t *err)
{
    memset (acc, 0, sizeof *acc);
    if (x->infinite) {
        uint8_t key[S_KEY_BYTES];
        MDB_val v;
        s_key (key, net, S_TOTAL, 0);
        int rc = vf_db_get (db, txn, VF_T_FPSUMS, key, sizeof key, &v, err);
        if (rc == 0 && v.mv_size == S_VAL_BYTES)
            s_acc_merge (acc, v.mv_data, 1);
        return rc == VF_ENOTFOUND ? 0 : rc;
    }
    MDB_cursor *cur = NULL;
    int rc = vf_db_cursor (db, txn, VF_T_FPSUMS, &cur, err);
    for (int l = S_LEVELS - 1; l >= 0 && rc == 0; l--) {
        uint64_t mine = x->time >> s_shift[l];
        uint64_t from = l == S_LEVELS - 1 ? 0 : (x->time >> s_shift[l + 1]) << S_FANOUT_BITS;
        rc = s_sum_buckets (db, cur, net, l, from, mine, acc, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc ? rc : s_sum_items (db, txn, net, x, acc, err);
}

int
vf_fp_range (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], const vf_fp_bound_t *lo,
             const vf_fp_bound_t *hi, vf_fp_acc_t *out, vf_err_t *err)
{
    vf_fp_acc_t below;
    int rc = s_prefix (db, txn, net, hi, out, err);
    if (rc == 0)
        rc = s_prefix (db, txn, net, lo, &below, err);
    if (rc == 0) {
        uint8_t val[S_VAL_BYTES];
        s_acc_value (&below, val);
        s_acc_merge (out, val, -1);
    }
    return rc;
}
