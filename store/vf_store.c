/*  vf_store.c - opening the store and ingesting batches of entries. */
#include "vf_store_int.h"

#include <stdlib.h>
#include <string.h>

#include "vf_fp.h"
#include "vf_lexical.h"
#include "vf_limits.h"
#include "vf_vocab.h"

static int s_upgrade (vf_store_t *self, vf_err_t *err);

int
vf_store_open (vf_store_t **out, const char *dir, const vf_store_opts_t *opts, vf_err_t *err)
{
    *out = NULL;
    vf_store_t *self = calloc (1, sizeof *self);
    if (!self)
        return VF_ENOMEM;
    vf_db_opts_t dbo = { opts ? opts->map_size : 0, opts && opts->read_only };
    int rc = vf_db_open (&self->db, dir, &dbo, err);
    if (rc == 0 && vf_db_upgrade_from (self->db))
        rc = s_upgrade (self, err);
    if (rc) {
        vf_store_destroy (&self);
        return rc;
    }
    *out = self;
    return 0;
}

void
vf_store_destroy (vf_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_db_destroy (&(*self_p)->db);
    free (*self_p);
    *self_p = NULL;
}

uint64_t
vf_store_fail_after (vf_store_t *self, uint64_t n)
{
    return vf_db_fail_after (self->db, n);
}

/* ---------------------------------------------------------------- keys */

void
vf_ref_key (const char *iri, vf_role_t role, uint8_t out[VF_REF_KEY_BYTES])
{
    vf_hash (out, iri, strlen (iri));
    out[VF_HASH_BYTES] = (uint8_t) role;
}

/*  Milliseconds of a date-time property of the body, or 0 if absent. */
static uint64_t
s_body_ms (const json_t *body, const char *name)
{
    const char *s = json_string_value (json_object_get (body, name));
    vf_instant_t t;
    if (!s || !vf_datetime_parse (s, strlen (s), &t) || t.secs < 0)
        return 0;
    uint64_t ms = (uint64_t) t.secs * 1000;
    for (size_t k = 0, scale = 100; k < 3 && k < t.fraclen; k++, scale /= 10)
        ms += (uint64_t) (t.frac[k] - '0') * scale;
    return ms;
}

void
vf_order_key (const vf_entry_t *e, uint8_t out[VF_ORDER_KEY_BYTES])
{
    uint64_t t = 0;
    if (strcmp (e->cls, "EconomicEvent") == 0) {
        static const char *names[] = { "hasPointInTime", "hasEnd", "hasBeginning" };
        for (size_t k = 0; k < 3 && t == 0; k++)
            t = s_body_ms (e->body, names[k]);
    }
    if (t == 0 || t > e->time + VF_EVENT_AHEAD_MAX_MS)
        t = e->time; /* no time, or one too far past the signing */
    vf_be64_put (out, t);
    memcpy (out + 8, e->id, VF_HASH_BYTES);
}

int
vf_store_decode (const void *blob, size_t len, vf_entry_t **out, vf_err_t *err)
{
    /*  What is stored was verified before it was written: decode (which
        re-checks the canonical form and recomputes the id) without paying
        for the signature again; `vfctl db check` verifies them all. */
    return vf_entry_load (out, blob, len, err);
}

int
vf_store_local_of (vf_store_t *self, MDB_txn *txn, const uint8_t id[VF_HASH_BYTES], uint64_t *local,
                   vf_err_t *err)
{
    MDB_val v;
    int rc = vf_db_get (self->db, txn, VF_T_IDS, id, VF_HASH_BYTES, &v, err);
    if (rc == 0)
        *local = vf_be64_get (v.mv_data);
    return rc;
}

int
vf_store_load_local (vf_store_t *self, MDB_txn *txn, uint64_t local, vf_entry_t **out,
                     vf_err_t *err)
{
    uint8_t key[8];
    MDB_val v;
    vf_be64_put (key, local);
    int rc = vf_db_get (self->db, txn, VF_T_LOG, key, 8, &v, err);
    return rc ? rc : vf_store_decode (v.mv_data, v.mv_size, out, err);
}

int
vf_store_load_id (vf_store_t *self, MDB_txn *txn, const uint8_t id[VF_HASH_BYTES], vf_entry_t **out,
                  vf_err_t *err)
{
    uint64_t local = 0;
    int rc = vf_store_local_of (self, txn, id, &local, err);
    return rc ? rc : vf_store_load_local (self, txn, local, out, err);
}

/* --------------------------------------------------------------- ingest */

typedef struct {
    vf_store_t *self;
    MDB_txn *txn;
    uint64_t next_local;
    json_t *dirty; /* resources to recompute before commit (vf_project_entry) */
    vf_err_t *err;
} s_batch_t;

static vf_role_t
s_role (const char *prop)
{
    static const struct {
        const char *name;
        vf_role_t role;
    } roles[] = {
        { "resourceInventoriedAs", VF_ROLE_RESOURCE },
        { "toResourceInventoriedAs", VF_ROLE_TO_RESOURCE },
        { "inputOf", VF_ROLE_INPUT_OF },
        { "outputOf", VF_ROLE_OUTPUT_OF },
        { "provider", VF_ROLE_PROVIDER },
        { "receiver", VF_ROLE_RECEIVER },
        { "corrects", VF_ROLE_CORRECTS },
        { "confirmsEvent", VF_ROLE_CONFIRMS },
    };
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        if (strcmp (prop, roles[k].name) == 0)
            return roles[k].role;
    return VF_ROLE_OTHER;
}

static int
s_put_ref (s_batch_t *b, const char *iri, vf_role_t role, const uint8_t order[VF_ORDER_KEY_BYTES])
{
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key (iri, role, key);
    int rc = vf_db_put (b->self->db, b->txn, VF_T_REFS, key, sizeof key, order, VF_ORDER_KEY_BYTES,
                        MDB_NODUPDATA, b->err);
    return rc == VF_EEXIST ? 0 : rc;
}

/*  Index every reference the record makes, by the referring property. */
static int
s_index_refs (s_batch_t *b, const vf_entry_t *e, const uint8_t order[VF_ORDER_KEY_BYTES])
{
    const vf_class_t *cls = vf_class_by_name (e->cls);
    int rc = s_put_ref (b, vf_entry_iri (e), VF_ROLE_DEFINES, order);
    const char *key;
    json_t *val;
    json_object_foreach (e->body, key, val) {
        const vf_prop_t *prop = cls ? vf_class_prop (cls, key) : NULL;
        if (rc || !prop || prop->type != VF_PT_IRI)
            continue;
        vf_role_t role = s_role (key);
        size_t n = json_is_array (val) ? json_array_size (val) : 1;
        for (size_t k = 0; k < n && rc == 0; k++) {
            const char *iri =
                json_string_value (json_is_array (val) ? json_array_get (val, k) : val);
            if (iri)
                rc = s_put_ref (b, iri, role, order);
        }
    }
    /*  serial numbers and lot codes link resources that no transfer links */
    const char *tracking = json_string_value (json_object_get (e->body, "trackingIdentifier"));
    if (rc == 0 && tracking && strcmp (e->cls, "EconomicResource") == 0)
        rc = s_put_ref (b, tracking, VF_ROLE_TRACKING, order);
    return rc;
}

/*  Schema 2 -> 3: the trackingIdentifier rows of refs, for every
    EconomicResource entry in the log, in one write transaction with the
    new schema record (all or nothing). */
static int
s_upgrade (vf_store_t *self, vf_err_t *err)
{
    MDB_txn *txn;
    int rc = vf_db_begin (self->db, true, &txn, err);
    if (rc)
        return rc;
    s_batch_t b = { self, txn, 0, NULL, err };
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    rc = vf_db_cursor (self->db, txn, VF_T_LOG, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_FIRST, err);
    while (got == 0 && rc == 0) {
        vf_entry_t *e = NULL;
        rc = vf_store_decode (v.mv_data, v.mv_size, &e, err);
        const char *t =
            rc == 0 ? json_string_value (json_object_get (e->body, "trackingIdentifier")) : NULL;
        if (t && strcmp (e->cls, "EconomicResource") == 0) {
            uint8_t order[VF_ORDER_KEY_BYTES];
            vf_order_key (e, order);
            rc = s_put_ref (&b, t, VF_ROLE_TRACKING, order);
        }
        vf_entry_destroy (&e);
        if (rc == 0)
            got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && got != VF_ENOTFOUND)
        rc = got;
    if (rc == 0)
        rc = vf_db_set_schema (self->db, txn, err);
    if (rc) {
        vf_db_abort (txn);
        return rc;
    }
    rc = vf_db_commit (self->db, txn, err);
    if (rc == 0)
        vf_db_upgraded (self->db);
    return rc;
}

/*  Keep the two smallest ids under an author||seq key as the fork proof. */
static int
s_record_fork (s_batch_t *b, const uint8_t key[VF_KEY_BYTES + 8])
{
    MDB_cursor *cur = NULL;
    MDB_val k = { VF_KEY_BYTES + 8, (void *) key }, v;
    uint8_t proof[2 * VF_HASH_BYTES];
    int rc = vf_db_cursor (b->self->db, b->txn, VF_T_AUTHORS, &cur, b->err);
    if (rc == 0)
        rc = vf_db_cursor_get (b->self->db, cur, &k, &v, MDB_SET_KEY, b->err);
    if (rc == 0) {
        memcpy (proof, v.mv_data, VF_HASH_BYTES);
        rc = vf_db_cursor_get (b->self->db, cur, &k, &v, MDB_NEXT_DUP, b->err);
    }
    if (rc == 0) {
        memcpy (proof + VF_HASH_BYTES, v.mv_data, VF_HASH_BYTES);
        rc = vf_db_put (b->self->db, b->txn, VF_T_FORKS, key, VF_KEY_BYTES + 8, proof, sizeof proof,
                        0, b->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc;
}

/*  author || seq -> id; a second id under the key is an equivocation. */
static int
s_index_author (s_batch_t *b, const vf_entry_t *e, bool *fork)
{
    uint8_t key[VF_KEY_BYTES + 8];
    memcpy (key, e->author, VF_KEY_BYTES);
    vf_be64_put (key + VF_KEY_BYTES, e->seq);
    int rc = vf_db_put (b->self->db, b->txn, VF_T_AUTHORS, key, sizeof key, e->id, VF_HASH_BYTES,
                        MDB_NODUPDATA, b->err);
    if (rc)
        return rc;
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v;
    size_t dups = 0;
    rc = vf_db_cursor (b->self->db, b->txn, VF_T_AUTHORS, &cur, b->err);
    if (rc == 0)
        rc = vf_db_cursor_get (b->self->db, cur, &k, &v, MDB_SET_KEY, b->err);
    if (rc == 0)
        rc = vf_db_cursor_dups (b->self->db, cur, &dups, b->err);
    if (cur)
        mdb_cursor_close (cur);
    *fork = rc == 0 && dups > 1;
    return rc == 0 && *fork ? s_record_fork (b, key) : rc;
}

static int
s_index_nets (s_batch_t *b, const vf_entry_t *e)
{
    static const uint8_t public_net[VF_KEY_BYTES] = { 0 };
    size_t n = e->is_public ? 1 : e->naudience;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        uint8_t key[VF_KEY_BYTES + 8 + VF_HASH_BYTES];
        memcpy (key, e->is_public ? public_net : e->audience[k], VF_KEY_BYTES);
        vf_be64_put (key + VF_KEY_BYTES, e->time);
        memcpy (key + VF_KEY_BYTES + 8, e->id, VF_HASH_BYTES);
        rc = vf_db_put (b->self->db, b->txn, VF_T_NETS, key, sizeof key, "", 0, 0, b->err);
        if (rc == 0)
            rc = vf_fp_add (b->self->db, b->txn, key, e->time, e->id, b->err);
    }
    return rc;
}

static int
s_index_attrs (s_batch_t *b, const vf_entry_t *e, const uint8_t local[8])
{
    uint8_t tkey[16];
    vf_be64_put (tkey, e->time);
    memcpy (tkey + 8, local, 8);
    int rc = vf_db_put (b->self->db, b->txn, VF_T_TIMES, tkey, sizeof tkey, "", 0, 0, b->err);
    if (rc == 0)
        rc = vf_db_put (b->self->db, b->txn, VF_T_CLASSES, e->cls, strlen (e->cls), local, 8, 0,
                        b->err);
    const char *action = json_string_value (json_object_get (e->body, "action"));
    if (rc == 0 && action)
        rc = vf_db_put (b->self->db, b->txn, VF_T_ACTIONS, action, strlen (action), local, 8, 0,
                        b->err);
    return rc;
}

/*  Write one new entry and all its index rows. */
static int
s_write (s_batch_t *b, const vf_entry_t *e, vf_ingest_result_t *res)
{
    uint8_t local[8], order[VF_ORDER_KEY_BYTES];
    res->local = b->next_local++;
    vf_be64_put (local, res->local);
    vf_order_key (e, order);
    int rc = vf_db_put (b->self->db, b->txn, VF_T_LOG, local, 8, e->blob, e->blob_len, MDB_APPEND,
                        b->err);
    if (rc == 0)
        rc = vf_db_put (b->self->db, b->txn, VF_T_IDS, e->id, VF_HASH_BYTES, local, 8,
                        MDB_NOOVERWRITE, b->err);
    if (rc == 0)
        rc = s_index_author (b, e, &res->fork);
    if (rc == 0)
        rc = s_index_nets (b, e);
    if (rc == 0)
        rc = s_index_attrs (b, e, local);
    if (rc == 0)
        rc = s_index_refs (b, e, order);
    if (rc == 0)
        rc = vf_project_entry (b->self, b->txn, e, b->dirty, b->err);
    return rc;
}

/*  Outcome for one entry; returns non-zero only for store failures, which
    end the whole batch. */
static int
s_ingest_one (s_batch_t *b, const vf_entry_t *e, vf_ingest_result_t *res)
{
    memset (res, 0, sizeof *res);
    vf_err_t why = { 0 };
    res->outcome = VF_OUTCOME_REJECTED;
    if (!e->is_signed || !e->blob) {
        res->code = vf_err_set (&why, VF_EBADSIG, "entry is not signed or was not verified");
    } else if ((res->code = vf_entry_check (e, &why)) == 0) {
        MDB_val v;
        int rc = vf_db_get (b->self->db, b->txn, VF_T_IDS, e->id, VF_HASH_BYTES, &v, b->err);
        if (rc == 0 && v.mv_size == 8) {
            res->outcome = VF_OUTCOME_DUPLICATE;
            res->local = vf_be64_get (v.mv_data);
            return 0;
        }
        if (rc != VF_ENOTFOUND)
            return rc ? rc : vf_err_set (b->err, VF_ESTORE, "ids table: bad value size");
        res->outcome = VF_OUTCOME_STORED;
        return s_write (b, e, res);
    }
    snprintf (res->reason, sizeof res->reason, "%s", vf_err_msg (&why, res->code));
    return 0;
}

static int
s_last_local (s_batch_t *b, uint64_t *last)
{
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc = vf_db_cursor (b->self->db, b->txn, VF_T_LOG, &cur, b->err);
    if (rc == 0)
        rc = vf_db_cursor_get (b->self->db, cur, &k, &v, MDB_LAST, b->err);
    if (cur)
        mdb_cursor_close (cur);
    *last = rc == 0 && k.mv_size == 8 ? vf_be64_get (k.mv_data) : 0;
    return rc == VF_ENOTFOUND ? 0 : rc;
}

int
vf_store_ingest (vf_store_t *self, vf_entry_t *const *entries, size_t n,
                 vf_ingest_result_t *results, vf_err_t *err)
{
    if (n > VF_INGEST_BATCH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "batch of %zu entries; at most %d per call", n,
                           VF_INGEST_BATCH_MAX);
    s_batch_t b = { self, NULL, 0, json_object (), err };
    uint64_t last = 0;
    int rc = b.dirty ? vf_db_begin (self->db, true, &b.txn, err) : VF_ENOMEM;
    if (rc == 0)
        rc = s_last_local (&b, &last);
    b.next_local = last + 1;
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = s_ingest_one (&b, entries[k], &results[k]);
    if (rc == 0)
        rc = vf_project_flush (self, b.txn, b.dirty, err);
    json_decref (b.dirty);
    if (rc) {
        if (b.txn)
            vf_db_abort (b.txn);
        return rc;
    }
    return vf_db_commit (self->db, b.txn, err);
}
