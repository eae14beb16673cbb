/*  vf_recon_store.c - reconciliation source over the nets index. */
#include "vf_recon_store.h"

#include <stdlib.h>
#include <string.h>

#include "vf_fp.h"
#include "vf_store_int.h"

struct _vf_store_recon_t {
    vf_store_t *store;
    MDB_txn *txn;
    uint8_t net[VF_KEY_BYTES];
};

int
vf_store_recon_open (vf_store_t *store, const uint8_t net[VF_KEY_BYTES], vf_store_recon_t **out,
                     vf_err_t *err)
{
    *out = NULL;
    vf_store_recon_t *self = calloc (1, sizeof *self);
    if (!self)
        return VF_ENOMEM;
    self->store = store;
    memcpy (self->net, net, VF_KEY_BYTES);
    int rc = vf_db_begin (store->db, false, &self->txn, err);
    if (rc) {
        free (self);
        return rc;
    }
    *out = self;
    return 0;
}

void
vf_store_recon_close (vf_store_recon_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_db_abort ((*self_p)->txn);
    free (*self_p);
    *self_p = NULL;
}

static vf_fp_bound_t
s_bound (const vf_recon_bound_t *b)
{
    vf_fp_bound_t f = { 0 };
    if (vf_recon_bound_is_inf (b)) {
        f.infinite = true;
        return f;
    }
    f.time = b->time;
    f.prefix_len = b->prefix_len;
    memcpy (f.prefix, b->prefix, b->prefix_len);
    return f;
}

static int
s_fingerprint (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t *count,
               uint8_t fp[VF_RECON_FP_BYTES])
{
    vf_store_recon_t *self = ctx;
    vf_fp_bound_t l = s_bound (lo), h = s_bound (hi);
    vf_fp_acc_t acc;
    int rc = vf_fp_range (self->store->db, self->txn, self->net, &l, &h, &acc, NULL);
    if (rc)
        return rc;
    vf_recon_acc_t r;
    memcpy (r.sum, acc.sum, sizeof r.sum);
    r.count = acc.count;
    vf_recon_acc_fingerprint (&r, fp);
    *count = acc.count;
    return 0;
}

/*  Cursor on the first item of net at or after bound b. */
static int
s_seek (vf_store_recon_t *self, const vf_recon_bound_t *b, MDB_cursor **cur, MDB_val *k)
{
    static uint8_t key[72];
    memcpy (key, self->net, 32);
    vf_be64_put (key + 32, b->time);
    memcpy (key + 40, b->prefix, b->prefix_len);
    k->mv_size = 40 + b->prefix_len;
    k->mv_data = key;
    MDB_val v;
    int rc = vf_db_cursor (self->store->db, self->txn, VF_T_NETS, cur, NULL);
    return rc ? rc : vf_db_cursor_get (self->store->db, *cur, k, &v, MDB_SET_RANGE, NULL);
}

/*  Is the cursor's key an item of our net below hi? */
static bool
s_in (vf_store_recon_t *self, const MDB_val *k, const vf_recon_bound_t *hi)
{
    if (k->mv_size != 72 || memcmp (k->mv_data, self->net, 32) != 0)
        return false;
    vf_recon_item_t it;
    it.time = vf_be64_get ((const uint8_t *) k->mv_data + 32);
    memcpy (it.id, (const uint8_t *) k->mv_data + 40, 32);
    return !vf_recon_item_at_or_above (&it, hi);
}

static void
s_item (const MDB_val *k, vf_recon_item_t *it)
{
    it->time = vf_be64_get ((const uint8_t *) k->mv_data + 32);
    memcpy (it->id, (const uint8_t *) k->mv_data + 40, 32);
}

static int
s_items (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, vf_recon_item_t *out,
         size_t max, size_t *n)
{
    vf_store_recon_t *self = ctx;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    *n = 0;
    int rc = s_seek (self, lo, &cur, &k);
    while (rc == 0 && *n < max && s_in (self, &k, hi)) {
        s_item (&k, &out[(*n)++]);
        rc = vf_db_cursor_get (self->store->db, cur, &k, &v, MDB_NEXT, NULL);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc == VF_ENOTFOUND ? 0 : rc;
}

static int
s_nth_bound (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t index,
             vf_recon_bound_t *out)
{
    vf_store_recon_t *self = ctx;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    vf_recon_item_t prev = { 0 }, at = { 0 };
    uint64_t i = 0;
    int rc = s_seek (self, lo, &cur, &k);
    while (rc == 0 && s_in (self, &k, hi) && i <= index) {
        prev = at;
        s_item (&k, &at);
        i++;
        if (i <= index)
            rc = vf_db_cursor_get (self->store->db, cur, &k, &v, MDB_NEXT, NULL);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == VF_ENOTFOUND || i <= index)
        return VF_EINVAL; /* the engine asked beyond the range */
    if (rc)
        return rc;
    *out = vf_recon_bound_between (&prev, &at);
    return 0;
}

vf_recon_source_t
vf_store_recon_source (vf_store_recon_t *self)
{
    /*  Splits by count (nth_bound) scan the range; the fingerprints, which
        most steps need, come from the cached sums without scanning. */
    vf_recon_source_t src = { self, s_fingerprint, s_items, s_nth_bound, NULL };
    return src;
}
