/*  vf_check.c - the consistency check behind `vfctl db check`: the log is
    the truth; every entry must verify and every index must agree with it. */
#include "vf_store_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vf_text.h"

static void s_problem (vf_check_report_t *r, uint64_t *counter, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_problem (vf_check_report_t *r, uint64_t *counter, const char *fmt, ...)
{
    (*counter)++;
    if (r->first_problem[0])
        return;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (r->first_problem, sizeof r->first_problem, fmt, ap);
    va_end (ap);
}

/*  Is there a row key -> val in dupsort table t? */
static bool
s_has_dup (vf_db_t *db, MDB_txn *txn, vf_table_t t, const void *key, size_t klen, const void *val,
           size_t vlen)
{
    MDB_cursor *cur = NULL;
    MDB_val k = { klen, (void *) key }, v = { vlen, (void *) val };
    bool found = vf_db_cursor (db, txn, t, &cur, NULL) == 0 &&
                 vf_db_cursor_get (db, cur, &k, &v, MDB_GET_BOTH, NULL) == 0;
    if (cur)
        mdb_cursor_close (cur);
    return found;
}

/*  The index rows one entry must have. */
static void
s_check_rows (vf_db_t *db, MDB_txn *txn, const vf_entry_t *e, const uint8_t local[8],
              vf_check_report_t *r)
{
    char id[VF_TEXT_MAX];
    vf_text_encode (id, VF_TEXT_ID, e->id);
    MDB_val v;
    if (vf_db_get (db, txn, VF_T_IDS, e->id, VF_HASH_BYTES, &v, NULL) != 0 || v.mv_size != 8 ||
        memcmp (v.mv_data, local, 8) != 0)
        s_problem (r, &r->bad_index, "ids: no row (or a wrong one) for %s", id);
    uint8_t akey[VF_KEY_BYTES + 8];
    memcpy (akey, e->author, VF_KEY_BYTES);
    vf_be64_put (akey + VF_KEY_BYTES, e->seq);
    if (!s_has_dup (db, txn, VF_T_AUTHORS, akey, sizeof akey, e->id, VF_HASH_BYTES))
        s_problem (r, &r->bad_index, "authors: no row for %s", id);
    if (!s_has_dup (db, txn, VF_T_CLASSES, e->cls, strlen (e->cls), local, 8))
        s_problem (r, &r->bad_index, "classes: no row for %s", id);
    uint8_t order[VF_ORDER_KEY_BYTES], rkey[VF_REF_KEY_BYTES];
    vf_order_key (e, order);
    vf_ref_key (vf_entry_iri (e), VF_ROLE_DEFINES, rkey);
    if (!s_has_dup (db, txn, VF_T_REFS, rkey, sizeof rkey, order, sizeof order))
        s_problem (r, &r->bad_index, "refs: no definition row for %s", id);
    /*  the lot code row track and trace follow (schema 3) */
    const char *tracking = json_string_value (json_object_get (e->body, "trackingIdentifier"));
    if (tracking && strcmp (e->cls, "EconomicResource") == 0) {
        vf_ref_key (tracking, VF_ROLE_TRACKING, rkey);
        if (!s_has_dup (db, txn, VF_T_REFS, rkey, sizeof rkey, order, sizeof order))
            s_problem (r, &r->bad_index, "refs: no trackingIdentifier row for %s", id);
    }
}

/*  Remember the resources an entry defines or an event names, to rebuild
    them afterwards. */
static void
s_note_resources (const vf_entry_t *e, json_t *resources)
{
    static const char *sides[] = { "resourceInventoriedAs", "toResourceInventoriedAs" };
    if (strcmp (e->cls, "EconomicResource") == 0)
        json_object_set_new (resources, vf_entry_iri (e), json_true ());
    if (strcmp (e->cls, "EconomicEvent") != 0)
        return;
    for (size_t k = 0; k < 2; k++) {
        const char *iri = json_string_value (json_object_get (e->body, sides[k]));
        if (iri)
            json_object_set_new (resources, iri, json_true ());
    }
}

static void
s_check_entry (vf_db_t *db, MDB_txn *txn, const MDB_val *k, const MDB_val *v, vf_check_report_t *r,
               json_t *resources)
{
    vf_entry_t *e = NULL;
    vf_err_t why = { 0 };
    r->entries++;
    uint64_t local = k->mv_size == 8 ? vf_be64_get (k->mv_data) : 0;
    int rc = vf_entry_open (&e, v->mv_data, v->mv_size, &why);
    if (rc == 0)
        rc = vf_entry_check (e, &why);
    if (rc)
        s_problem (r, &r->bad_entries, "log entry %llu: %s", (unsigned long long) local,
                   vf_err_msg (&why, rc));
    else {
        s_check_rows (db, txn, e, k->mv_data, r);
        s_note_resources (e, resources);
    }
    vf_entry_destroy (&e);
}

/*  Every row of the ids table must point at a log entry with that id. */
static int
s_check_ids (vf_db_t *db, MDB_txn *txn, vf_check_report_t *r, vf_err_t *err)
{
    uint64_t ids = 0, log = 0;
    int rc = vf_db_count (db, txn, VF_T_IDS, &ids, err);
    if (rc == 0)
        rc = vf_db_count (db, txn, VF_T_LOG, &log, err);
    if (rc == 0 && ids != log)
        s_problem (r, &r->bad_index, "ids has %llu rows but the log %llu entries",
                   (unsigned long long) ids, (unsigned long long) log);
    return rc;
}

int
vf_store_check (vf_store_t *self, vf_check_report_t *r, vf_err_t *err)
{
    memset (r, 0, sizeof *r);
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc = vf_db_begin (self->db, false, &txn, err);
    if (rc)
        return rc;
    rc = vf_db_cursor (self->db, txn, VF_T_LOG, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_FIRST, err);
    json_t *resources = json_object ();
    while (got == 0 && resources) {
        s_check_entry (self->db, txn, &k, &v, r, resources);
        got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT, err);
    }
    if (rc == 0 && got != VF_ENOTFOUND)
        rc = got;
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0)
        rc = s_check_ids (self->db, txn, r, err);
    const char *iri;
    json_t *ignored;
    json_object_foreach (resources, iri, ignored) {
        bool same = false;
        if (rc == 0)
            rc = vf_project_verify (self, txn, iri, &same, err);
        r->resources++;
        if (rc == 0 && !same)
            s_problem (r, &r->bad_state,
                       "state or pending rows of resource %s differ from their rebuild", iri);
    }
    json_decref (resources);
    vf_db_abort (txn);
    return rc;
}
