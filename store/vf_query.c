/*  vf_query.c - reading the store: entries by id or local number, filtered
    pages, fork proofs, per-author sequence, statistics. Every result is a
    copy the caller owns. */
#include "vf_store_int.h"

#include <stdlib.h>
#include <string.h>

#include "vf_limits.h"

/*  Read transaction helpers: every query runs in one snapshot. */
static int
s_read_begin (vf_store_t *self, MDB_txn **txn, vf_err_t *err)
{
    return vf_db_begin (self->db, false, txn, err);
}

int
vf_store_get (vf_store_t *self, const uint8_t id[VF_HASH_BYTES], vf_entry_t **out, vf_err_t *err)
{
    *out = NULL;
    MDB_txn *txn;
    uint64_t local = 0;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_store_local_of (self, txn, id, &local, err);
    if (rc == 0)
        rc = vf_store_load_local (self, txn, local, out, err);
    vf_db_abort (txn);
    return rc;
}

int
vf_store_has (vf_store_t *self, const uint8_t id[VF_HASH_BYTES], bool *yes, vf_err_t *err)
{
    MDB_txn *txn;
    uint64_t local;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_store_local_of (self, txn, id, &local, err);
    vf_db_abort (txn);
    *yes = rc == 0;
    return rc == VF_ENOTFOUND ? 0 : rc;
}

int
vf_store_get_local (vf_store_t *self, uint64_t local, vf_entry_t **out, vf_err_t *err)
{
    *out = NULL;
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_store_load_local (self, txn, local, out, err);
    vf_db_abort (txn);
    return rc;
}

void
vf_store_free_entries (vf_entry_t ***entries_p, size_t n)
{
    if (!entries_p || !*entries_p)
        return;
    for (size_t k = 0; k < n; k++)
        vf_entry_destroy (&(*entries_p)[k]);
    free (*entries_p);
    *entries_p = NULL;
}

/* ---------------------------------------------------------------- query */

/*  Candidate local numbers, ascending, from the most selective index. */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} s_locals_t;

static int
s_locals_add (s_locals_t *l, uint64_t local)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        uint64_t *v = realloc (l->v, cap * sizeof *v);
        if (!v)
            return VF_ENOMEM;
        l->v = v, l->cap = cap;
    }
    l->v[l->n++] = local;
    return 0;
}

static int
s_cmp_order (const void *a, const void *b)
{
    return memcmp (a, b, VF_ORDER_KEY_BYTES);
}

static int
s_cmp_u64 (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

/*  Locals of the entries referring to iri in one of the roles. */
static int
s_from_refs (vf_store_t *self, MDB_txn *txn, const char *iri, const vf_role_t *roles, size_t nroles,
             s_locals_t *out, vf_err_t *err)
{
    MDB_cursor *cur = NULL;
    int rc = vf_db_cursor (self->db, txn, VF_T_REFS, &cur, err);
    for (size_t r = 0; r < nroles && rc == 0; r++) {
        uint8_t key[VF_REF_KEY_BYTES];
        vf_ref_key (iri, roles[r], key);
        MDB_val k = { sizeof key, key }, v;
        int got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_SET_KEY, err);
        while (got == 0 && rc == 0) {
            uint64_t local;
            rc = vf_store_local_of (self, txn, (const uint8_t *) v.mv_data + 8, &local, err);
            if (rc == 0)
                rc = s_locals_add (out, local);
            got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT_DUP, err);
        }
        if (got != VF_ENOTFOUND && rc == 0)
            rc = got;
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && out->n) {
        /*  sorted and unique: an event may name the iri in two roles */
        qsort (out->v, out->n, sizeof *out->v, s_cmp_u64);
        size_t w = 1;
        for (size_t r = 1; r < out->n; r++)
            if (out->v[r] != out->v[w - 1])
                out->v[w++] = out->v[r];
        out->n = w;
    }
    return rc;
}

/*  Locals under a dupsort key of 8-byte locals (classes, actions). */
static int
s_from_dups (vf_store_t *self, MDB_txn *txn, vf_table_t t, const char *key, s_locals_t *out,
             vf_err_t *err)
{
    MDB_cursor *cur = NULL;
    MDB_val k = { strlen (key), (void *) key }, v;
    int rc = vf_db_cursor (self->db, txn, t, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_SET_KEY, err);
    while (got == 0 && rc == 0) {
        rc = s_locals_add (out, vf_be64_get (v.mv_data));
        got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT_DUP, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc ? rc : got == VF_ENOTFOUND ? 0 : got;
}

/*  Locals of the entries whose envelope time is in [from, to). */
static int
s_from_times (vf_store_t *self, MDB_txn *txn, const vf_query_t *q, s_locals_t *out, vf_err_t *err)
{
    uint8_t start[16] = { 0 };
    vf_be64_put (start, q->time_from);
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof start, start }, v;
    int rc = vf_db_cursor (self->db, txn, VF_T_TIMES, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_SET_RANGE, err);
    while (got == 0 && rc == 0 && k.mv_size == 16) {
        if (q->time_to && vf_be64_get (k.mv_data) >= q->time_to)
            break;
        rc = s_locals_add (out, vf_be64_get ((const uint8_t *) k.mv_data + 8));
        got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && out->n)
        qsort (out->v, out->n, sizeof *out->v, s_cmp_u64);
    return rc ? rc : got == VF_ENOTFOUND || got == 0 ? 0 : got;
}

static bool
s_refers (const vf_entry_t *e, const char *iri, const char *p1, const char *p2)
{
    const char *a = json_string_value (json_object_get (e->body, p1));
    const char *b = json_string_value (json_object_get (e->body, p2));
    return (a && strcmp (a, iri) == 0) || (b && strcmp (b, iri) == 0);
}

static bool
s_matches (const vf_entry_t *e, const vf_query_t *q)
{
    const char *action = json_string_value (json_object_get (e->body, "action"));
    if (q->author && memcmp (e->author, q->author, VF_KEY_BYTES) != 0)
        return false;
    if (q->cls && strcmp (e->cls, q->cls) != 0)
        return false;
    if (q->action && (!action || strcmp (action, q->action) != 0))
        return false;
    if (q->time_from && e->time < q->time_from)
        return false;
    if (q->time_to && e->time >= q->time_to)
        return false;
    if (q->resource &&
        !s_refers (e, q->resource, "resourceInventoriedAs", "toResourceInventoriedAs"))
        return false;
    if (q->process && !s_refers (e, q->process, "inputOf", "outputOf"))
        return false;
    return !q->agent || s_refers (e, q->agent, "provider", "receiver");
}

static int
s_candidates (vf_store_t *self, MDB_txn *txn, const vf_query_t *q, s_locals_t *l, bool *all,
              vf_err_t *err)
{
    static const vf_role_t res[] = { VF_ROLE_RESOURCE, VF_ROLE_TO_RESOURCE };
    static const vf_role_t proc[] = { VF_ROLE_INPUT_OF, VF_ROLE_OUTPUT_OF };
    static const vf_role_t agent[] = { VF_ROLE_PROVIDER, VF_ROLE_RECEIVER };
    *all = false;
    if (q->resource)
        return s_from_refs (self, txn, q->resource, res, 2, l, err);
    if (q->process)
        return s_from_refs (self, txn, q->process, proc, 2, l, err);
    if (q->agent)
        return s_from_refs (self, txn, q->agent, agent, 2, l, err);
    if (q->action)
        return s_from_dups (self, txn, VF_T_ACTIONS, q->action, l, err);
    if (q->cls)
        return s_from_dups (self, txn, VF_T_CLASSES, q->cls, l, err);
    if (q->time_from || q->time_to)
        return s_from_times (self, txn, q, l, err);
    *all = true; /* walk the log itself */
    return 0;
}

/*  Append matching entries with local > after until limit; *next is the
    last local taken when the page is full. */
static int
s_page (vf_store_t *self, MDB_txn *txn, const vf_query_t *q, const s_locals_t *l, bool all,
        vf_entry_t **page, size_t *n, uint64_t *next, vf_err_t *err)
{
    size_t limit = q->limit ? q->limit : 100;
    uint64_t local = q->after, last = 0;
    size_t idx = 0;
    int rc = 0;
    while (rc == 0 && *n < limit) {
        if (all)
            local++;
        else {
            while (idx < l->n && l->v[idx] <= q->after)
                idx++;
            if (idx == l->n)
                break;
            local = l->v[idx++];
        }
        vf_entry_t *e = NULL;
        rc = vf_store_load_local (self, txn, local, &e, err);
        if (rc == VF_ENOTFOUND && all) {
            rc = 0;
            break;
        }
        if (rc == 0 && s_matches (e, q))
            page[(*n)++] = e, e = NULL, last = local;
        vf_entry_destroy (&e);
    }
    *next = *n == limit ? last : 0;
    return rc;
}

int
vf_store_query (vf_store_t *self, const vf_query_t *q, vf_entry_t ***out, size_t *n, uint64_t *next,
                vf_err_t *err)
{
    *out = NULL, *n = 0, *next = 0;
    size_t limit = q->limit ? q->limit : 100;
    if (limit > VF_INGEST_BATCH_MAX)
        return vf_err_set (err, VF_EINVAL, "limit %zu is above the most a page holds (%d)", limit,
                           VF_INGEST_BATCH_MAX);
    vf_entry_t **page = calloc (limit, sizeof *page);
    s_locals_t l = { 0 };
    MDB_txn *txn = NULL;
    bool all = false;
    int rc = page ? s_read_begin (self, &txn, err) : VF_ENOMEM;
    if (rc == 0)
        rc = s_candidates (self, txn, q, &l, &all, err);
    if (rc == 0)
        rc = s_page (self, txn, q, &l, all, page, n, next, err);
    vf_db_abort (txn);
    free (l.v);
    if (rc) {
        vf_store_free_entries (&page, *n);
        *n = 0;
        return rc;
    }
    *out = page;
    return 0;
}

/* ---------------------------------------------------- forks, authors */

int
vf_store_forks (vf_store_t *self, vf_fork_t **out, size_t *n, vf_err_t *err)
{
    *out = NULL, *n = 0;
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    uint64_t count = 0;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_db_count (self->db, txn, VF_T_FORKS, &count, err);
    vf_fork_t *forks = rc == 0 && count ? calloc (count, sizeof *forks) : NULL;
    if (rc == 0 && count && !forks)
        rc = VF_ENOMEM;
    if (rc == 0)
        rc = vf_db_cursor (self->db, txn, VF_T_FORKS, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_FIRST, err);
    while (got == 0 && *n < count) {
        vf_fork_t *f = &forks[(*n)++];
        memcpy (f->author, k.mv_data, VF_KEY_BYTES);
        f->seq = vf_be64_get ((const uint8_t *) k.mv_data + VF_KEY_BYTES);
        memcpy (f->id_a, v.mv_data, VF_HASH_BYTES);
        memcpy (f->id_b, (const uint8_t *) v.mv_data + VF_HASH_BYTES, VF_HASH_BYTES);
        got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT, err);
    }
    if (rc == 0 && got != VF_ENOTFOUND && got != 0)
        rc = got;
    if (cur)
        mdb_cursor_close (cur);
    vf_db_abort (txn);
    if (rc) {
        free (forks);
        *n = 0;
        return rc;
    }
    *out = forks;
    return 0;
}

/*  First key at or after author (with the author prefix) in table t. */
static int
s_seek_author (vf_store_t *self, vf_table_t t, const uint8_t author[VF_KEY_BYTES], bool last,
               MDB_val *found, vf_err_t *err)
{
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    uint8_t key[VF_KEY_BYTES + 8];
    memcpy (key, author, VF_KEY_BYTES);
    memset (key + VF_KEY_BYTES, last ? 0xff : 0, 8);
    MDB_val k = { sizeof key, key }, v;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_db_cursor (self->db, txn, t, &cur, err);
    if (rc == 0)
        rc = vf_db_cursor_get (self->db, cur, &k, &v, MDB_SET_RANGE, err);
    if (last && (rc == 0 || rc == VF_ENOTFOUND)) /* the key before the end of the range */
        rc = vf_db_cursor_get (self->db, cur, &k, &v, rc == 0 ? MDB_PREV_NODUP : MDB_LAST, err);
    if (rc == 0 && (k.mv_size != sizeof key || memcmp (k.mv_data, author, VF_KEY_BYTES) != 0))
        rc = VF_ENOTFOUND;
    if (rc == 0)
        memcpy (found->mv_data, k.mv_data, sizeof key);
    if (cur)
        mdb_cursor_close (cur);
    vf_db_abort (txn);
    return rc;
}

int
vf_store_is_equivocating (vf_store_t *self, const uint8_t author[VF_KEY_BYTES], bool *yes,
                          vf_err_t *err)
{
    uint8_t key[VF_KEY_BYTES + 8];
    MDB_val found = { sizeof key, key };
    int rc = s_seek_author (self, VF_T_FORKS, author, false, &found, err);
    *yes = rc == 0;
    return rc == VF_ENOTFOUND ? 0 : rc;
}

int
vf_store_last_seq (vf_store_t *self, const uint8_t author[VF_KEY_BYTES], uint64_t *seq,
                   vf_err_t *err)
{
    uint8_t key[VF_KEY_BYTES + 8];
    MDB_val found = { sizeof key, key };
    int rc = s_seek_author (self, VF_T_AUTHORS, author, true, &found, err);
    *seq = rc == 0 ? vf_be64_get (key + VF_KEY_BYTES) : 0;
    return rc == VF_ENOTFOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- stat */

int
vf_store_stat (vf_store_t *self, vf_store_stat_t *st, vf_err_t *err)
{
    memset (st, 0, sizeof *st);
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    for (int t = 0; t < VF_T_COUNT && rc == 0; t++) {
        st->table_names[t] = vf_db_table_name ((vf_table_t) t);
        rc = vf_db_count (self->db, txn, (vf_table_t) t, &st->table_rows[t], err);
    }
    vf_db_abort (txn);
    st->tables = VF_T_COUNT;
    st->entries = st->table_rows[VF_T_LOG];
    st->schema = VF_DB_SCHEMA;
    return rc ? rc : vf_db_usage (self->db, &st->map_size, &st->map_used, err);
}

bool
vf_store_nearly_full (const vf_store_stat_t *st)
{
    return st->map_size && st->map_used * 100 > st->map_size * VF_STORE_WARN_PERCENT;
}

/* ------------------------------------------------------------- history */

int
vf_store_history (vf_store_t *self, const char *iri, vf_entry_t ***out, size_t *n, vf_err_t *err)
{
    static const vf_role_t roles[] = { VF_ROLE_RESOURCE, VF_ROLE_TO_RESOURCE };
    *out = NULL, *n = 0;
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    uint8_t (*keys)[VF_ORDER_KEY_BYTES] = NULL;
    size_t nkeys = 0, cap = 0;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_db_cursor (self->db, txn, VF_T_REFS, &cur, err);
    for (size_t r = 0; r < 2 && rc == 0; r++) {
        uint8_t key[VF_REF_KEY_BYTES];
        vf_ref_key (iri, roles[r], key);
        MDB_val k = { sizeof key, key }, v;
        int got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_SET_KEY, err);
        while (got == 0 && rc == 0) {
            if (nkeys == cap) {
                cap = cap ? 2 * cap : 32;
                void *more = realloc (keys, cap * VF_ORDER_KEY_BYTES);
                if (!more) {
                    rc = VF_ENOMEM;
                    break;
                }
                keys = more;
            }
            memcpy (keys[nkeys++], v.mv_data, VF_ORDER_KEY_BYTES);
            got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT_DUP, err);
        }
        if (rc == 0 && got != VF_ENOTFOUND)
            rc = got;
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && nkeys)
        qsort (keys, nkeys, VF_ORDER_KEY_BYTES, s_cmp_order);
    vf_entry_t **list = rc == 0 && nkeys ? calloc (nkeys, sizeof *list) : NULL;
    if (rc == 0 && nkeys && !list)
        rc = VF_ENOMEM;
    for (size_t k = 0; k < nkeys && rc == 0; k++) {
        if (k && memcmp (keys[k], keys[k - 1], VF_ORDER_KEY_BYTES) == 0)
            continue; /* an event naming the resource on both sides */
        rc = vf_store_load_id (self, txn, keys[k] + 8, &list[*n], err);
        if (rc == 0)
            (*n)++;
    }
    vf_db_abort (txn);
    free (keys);
    if (rc) {
        vf_store_free_entries (&list, *n);
        *n = 0;
        return rc;
    }
    *out = list;
    return 0;
}

int
vf_store_random_reads (vf_store_t *self, size_t n, uint64_t seed, uint64_t *bytes, vf_err_t *err)
{
    *bytes = 0;
    MDB_txn *txn;
    uint64_t entries = 0;
    int rc = s_read_begin (self, &txn, err);
    if (rc)
        return rc;
    rc = vf_db_count (self->db, txn, VF_T_LOG, &entries, err);
    uint64_t x = seed | 1;
    for (size_t k = 0; k < n && rc == 0 && entries > 0; k++) {
        /*  xorshift64: a cheap spread of local numbers 1..entries */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint8_t key[8];
        vf_be64_put (key, 1 + x % entries);
        MDB_val v;
        rc = vf_db_get (self->db, txn, VF_T_LOG, key, sizeof key, &v, err);
        if (rc == 0)
            *bytes += ((const uint8_t *) v.mv_data)[v.mv_size - 1] + v.mv_size;
    }
    vf_db_abort (txn);
    return rc;
}
