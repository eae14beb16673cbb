/*  vf_project.c - the resource state projection.

    The state of a resource is a fold, in event order (vf_order_key), over
    the events that name it as resourceInventoriedAs or
    toResourceInventoriedAs, of their effects (vf_effects.h) on it. It
    depends only on which entries are held, never on the order they came
    in, because every rule below is a function of the held set:
    - the owner of a resource is the author of its first EconomicResource
      definition by order key; for a resource nobody defined, the author of
      the first EconomicEvent naming it;
    - an event counts only as the first EconomicEvent definition of its IRI
      by its author (events are immutable; a later redefinition by the same
      author is kept as a conflict, never applied; records of other classes
      or other authors under the same IRI neither count nor displace it);
    - an event by another author changes the resource only once its owner
      has confirmed it (a Confirmation naming the event's IRI and entry id);
      until then it is pending;
    - effects fold in event order: quantities add (in the resource's unit;
      an effect in another unit is counted as a mismatch, never summed),
      "new" fields are set only if never set before, "update" fields are
      overwritten.
    A new event later than every event already folded into a resource is
    folded in directly; anything else (an earlier event, a new owner, a
    confirmation, a replaced definition) marks the resource dirty, and
    every dirty resource is recomputed from the log once, when the ingest
    batch ends (vf_project_flush), so a batch of old events costs one
    recomputation per resource, not one per event. Layout of the stored
    state: docs/STORE.md.
*/
#include "vf_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_effects.h"
#include "vf_mp.h"
#include "vf_text.h"

typedef struct {
    vf_store_t *self;
    MDB_txn *txn;
    vf_err_t *err;
    json_t *dirty; /* resources to recompute when the batch ends (iri -> true) */
} s_ctx_t;

/* --------------------------------------------------------------- lookups */

/*  Call fn for every order key under iri || role; stops at fn's first
    non-zero result and returns it (1 means "found, stop"). */
typedef int (*s_ref_fn) (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg);

static int
s_each_ref (s_ctx_t *c, const char *iri, vf_role_t role, s_ref_fn fn, void *arg)
{
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key (iri, role, key);
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v;
    int rc = vf_db_cursor (c->self->db, c->txn, VF_T_REFS, &cur, c->err);
    int got = rc ? rc : vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_SET_KEY, c->err);
    while (got == 0 && rc == 0) {
        rc = fn (c, v.mv_data, arg);
        if (rc == 0)
            got = vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_NEXT_DUP, c->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc)
        return rc;
    return got == VF_ENOTFOUND ? 0 : got;
}

static int
s_load_order (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], vf_entry_t **out)
{
    return vf_store_load_id (c->self, c->txn, order + 8, out, c->err);
}

/*  The first definition (by order) of an IRI of class cls, by author if
    author is not NULL, other than the entry skip if skip is not NULL. */
typedef struct {
    const char *cls;
    const uint8_t *author;
    const uint8_t *skip;
    vf_entry_t *found;
} s_find_t;

static int
s_find_one (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    s_find_t *f = arg;
    if (f->skip && memcmp (order + 8, f->skip, VF_HASH_BYTES) == 0)
        return 0;
    vf_entry_t *e = NULL;
    int rc = s_load_order (c, order, &e);
    if (rc)
        return rc;
    if (strcmp (e->cls, f->cls) == 0 &&
        (!f->author || memcmp (e->author, f->author, VF_KEY_BYTES) == 0)) {
        f->found = e;
        return 1;
    }
    vf_entry_destroy (&e);
    return 0;
}

static int
s_find (s_ctx_t *c, const char *iri, s_find_t *f)
{
    f->found = NULL;
    int rc = s_each_ref (c, iri, VF_ROLE_DEFINES, s_find_one, f);
    return rc == 1 ? 0 : rc;
}

/*  Is event e the definition that counts for its IRI: the first
    EconomicEvent under it by e's author? The definitions come in order, so
    it is whether e comes before any other EconomicEvent of its author;
    reaching e itself needs no read (the usual case: e is the only one). */
typedef struct {
    const vf_entry_t *e;
    bool first;
} s_applied_t;

static int
s_applied_one (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    s_applied_t *a = arg;
    if (memcmp (order + 8, a->e->id, VF_HASH_BYTES) == 0) {
        a->first = true;
        return 1;
    }
    vf_entry_t *other = NULL;
    int rc = s_load_order (c, order, &other);
    if (rc)
        return rc;
    bool earlier = strcmp (other->cls, "EconomicEvent") == 0 &&
                   memcmp (other->author, a->e->author, VF_KEY_BYTES) == 0;
    vf_entry_destroy (&other);
    return earlier ? 1 : 0;
}

static int
s_is_applied (s_ctx_t *c, const vf_entry_t *e, bool *yes)
{
    s_applied_t a = { e, false };
    int rc = s_each_ref (c, vf_entry_iri (e), VF_ROLE_DEFINES, s_applied_one, &a);
    *yes = strcmp (e->cls, "EconomicEvent") == 0 && a.first;
    return rc == 1 ? 0 : rc;
}

typedef struct {
    const vf_entry_t *event;
    const uint8_t *owner;
    char id[VF_TEXT_MAX];
} s_confirm_t;

static int
s_confirms (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    s_confirm_t *q = arg;
    vf_entry_t *conf = NULL;
    int rc = s_load_order (c, order, &conf);
    if (rc)
        return rc;
    const char *named = json_string_value (json_object_get (conf->body, "confirmsEntry"));
    bool ok = strcmp (conf->cls, "Confirmation") == 0 &&
              memcmp (conf->author, q->owner, VF_KEY_BYTES) == 0 && named &&
              strcmp (named, q->id) == 0;
    vf_entry_destroy (&conf);
    return ok ? 1 : 0;
}

/*  May event e change a resource owned by owner? */
static int
s_authorized (s_ctx_t *c, const vf_entry_t *e, const uint8_t owner[VF_KEY_BYTES], bool *yes)
{
    *yes = memcmp (e->author, owner, VF_KEY_BYTES) == 0;
    if (*yes)
        return 0;
    s_confirm_t q = { e, owner, "" };
    vf_text_encode (q.id, VF_TEXT_ID, e->id);
    int rc = s_each_ref (c, vf_entry_iri (e), VF_ROLE_CONFIRMS, s_confirms, &q);
    *yes = rc == 1;
    return rc == 1 ? 0 : rc;
}

/* ----------------------------------------------------------------- fold */

static void
s_hex (char *out, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        snprintf (out + 2 * k, 3, "%02x", b[k]);
}

static void
s_count (json_t *state, const char *name)
{
    json_t *n = json_object_get (state, name);
    json_object_set_new (state, name, json_integer (n ? json_integer_value (n) + 1 : 1));
}

/*  Add a quantity effect in the resource's unit. */
static int
s_add (json_t *state, const vf_fx_t *fx)
{
    const char *name = vf_fx_field_name (fx->field);
    json_t *m = json_object_get (state, name);
    vf_decimal_t sum = fx->delta;
    if (m) {
        const char *unit = json_string_value (json_object_get (m, "hasUnit"));
        const json_t *num = json_object_get (m, "hasNumericalValue");
        vf_decimal_t have;
        if (!unit || strcmp (unit, fx->unit) != 0 ||
            vf_decimal_parse_canonical (&have, json_string_value (num), json_string_length (num),
                                        NULL)) {
            s_count (state, "unitMismatches");
            return 0;
        }
        if (vf_decimal_add (&sum, have, fx->delta)) {
            s_count (state, "overflows"); /* beyond 18 digits: the sum is left as it was */
            return 0;
        }
    }
    char text[VF_DECIMAL_TEXT_MAX];
    json_t *nm = json_pack ("{s:s, s:s}", "hasNumericalValue", vf_decimal_format (&sum, text),
                            "hasUnit", fx->unit);
    return nm && json_object_set_new (state, name, nm) == 0 ? 0 : VF_ENOMEM;
}

static int
s_apply (json_t *state, const vf_fx_t *fx)
{
    if (vf_fx_is_quantity (fx->field))
        return s_add (state, fx);
    /*  the stage is the process; its basedOn is looked up when read */
    const char *name = fx->field == VF_FX_STAGE ? "stageProcess" : vf_fx_field_name (fx->field);
    if (fx->mode == VF_FX_NEW && json_object_get (state, name))
        return 0; /* "new" only sets a field nothing set before */
    json_t *v = fx->value ? json_string (fx->value) : json_null ();
    return v && json_object_set_new (state, name, v) == 0 ? 0 : VF_ENOMEM;
}

/*  Fold one applied event into the state of resource iri, or record it as
    pending when its author may not change the resource. */
static int
s_fold (s_ctx_t *c, json_t *state, json_t *pending, const char *iri, const vf_entry_t *e,
        const uint8_t order[VF_ORDER_KEY_BYTES], const uint8_t owner[VF_KEY_BYTES])
{
    char last[2 * VF_ORDER_KEY_BYTES + 1];
    s_hex (last, order, VF_ORDER_KEY_BYTES);
    json_object_set_new (state, "last", json_string (last));
    bool ok = false;
    int rc = s_authorized (c, e, owner, &ok);
    if (rc)
        return rc;
    if (!ok) {
        char id[VF_TEXT_MAX];
        s_count (state, "pending");
        return json_array_append_new (pending, json_string (vf_text_encode (id, VF_TEXT_ID, e->id)))
                   ? VF_ENOMEM
                   : 0;
    }
    vf_fx_t fx[VF_FX_MAX];
    size_t n = 0;
    vf_err_t why = { 0 };
    if (vf_effects_of (e->body, fx, &n, &why) != 0) {
        s_count (state, "invalidEvents"); /* cannot happen for a validated event */
        return 0;
    }
    for (size_t k = 0; k < n && rc == 0; k++)
        if (strcmp (fx[k].resource, iri) == 0)
            rc = s_apply (state, &fx[k]);
    json_object_set (state, "previousEvent", json_object_get (e->body, "@id"));
    s_count (state, "events");
    return rc;
}

/* -------------------------------------------------------------- compute */

typedef struct {
    uint8_t (*keys)[VF_ORDER_KEY_BYTES];
    size_t n, cap;
} s_orders_t;

static int
s_collect (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    s_orders_t *o = arg;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 32;
        void *keys = realloc (o->keys, cap * VF_ORDER_KEY_BYTES);
        if (!keys)
            return VF_ENOMEM;
        o->keys = keys, o->cap = cap;
    }
    memcpy (o->keys[o->n++], order, VF_ORDER_KEY_BYTES);
    return 0;
}

static int
s_cmp_order (const void *a, const void *b)
{
    return memcmp (a, b, VF_ORDER_KEY_BYTES);
}

/*  The events naming iri as a resource, in order, each once. */
static int
s_events_of (s_ctx_t *c, const char *iri, s_orders_t *o)
{
    int rc = s_each_ref (c, iri, VF_ROLE_RESOURCE, s_collect, o);
    if (rc == 0)
        rc = s_each_ref (c, iri, VF_ROLE_TO_RESOURCE, s_collect, o);
    if (rc || o->n == 0)
        return rc;
    qsort (o->keys, o->n, VF_ORDER_KEY_BYTES, s_cmp_order);
    size_t w = 1;
    for (size_t r = 1; r < o->n; r++)
        if (memcmp (o->keys[r], o->keys[w - 1], VF_ORDER_KEY_BYTES) != 0)
            memcpy (o->keys[w++], o->keys[r], VF_ORDER_KEY_BYTES);
    o->n = w;
    return 0;
}

static int
s_compute (s_ctx_t *c, const char *iri, json_t *state, json_t *pending)
{
    uint8_t owner[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    bool known = false;
    s_orders_t o = { 0 };
    s_find_t f = { "EconomicResource", NULL, NULL, NULL };
    int rc = s_find (c, iri, &f);
    if (rc == 0 && f.found) {
        memcpy (owner, f.found->author, VF_KEY_BYTES);
        known = true;
    }
    vf_entry_destroy (&f.found);
    if (rc == 0)
        rc = s_events_of (c, iri, &o);
    for (size_t k = 0; k < o.n && rc == 0; k++) {
        vf_entry_t *e = NULL;
        bool applied = false;
        rc = s_load_order (c, o.keys[k], &e);
        if (rc == 0 && strcmp (e->cls, "EconomicEvent") == 0) {
            if (!known) { /* nobody defined it: the first event's author owns it */
                memcpy (owner, e->author, VF_KEY_BYTES);
                known = true;
            }
            rc = s_is_applied (c, e, &applied);
            if (rc == 0 && applied)
                rc = s_fold (c, state, pending, iri, e, o.keys[k], owner);
        }
        vf_entry_destroy (&e);
    }
    free (o.keys);
    if (rc == 0 && known)
        rc = json_object_set_new (state, "owner",
                                  json_string (vf_text_encode (text, VF_TEXT_KEY, owner)))
                 ? VF_ENOMEM
                 : 0;
    return rc;
}

int
vf_project_compute (vf_store_t *self, MDB_txn *txn, const char *iri, json_t **state,
                    json_t **pending, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, NULL };
    *state = json_pack ("{s:s}", "@id", iri);
    *pending = json_array ();
    int rc = *state && *pending ? s_compute (&c, iri, *state, *pending) : VF_ENOMEM;
    if (rc) {
        json_decref (*state);
        json_decref (*pending);
        *state = *pending = NULL;
    }
    return rc;
}

/* ---------------------------------------------------------------- store */

static int
s_read_state (s_ctx_t *c, const char *iri, json_t **state)
{
    uint8_t key[VF_HASH_BYTES];
    MDB_val v;
    vf_hash (key, iri, strlen (iri));
    *state = NULL;
    int rc = vf_db_get (c->self->db, c->txn, VF_T_STATE, key, sizeof key, &v, c->err);
    if (rc)
        return rc;
    vf_mp_reader_t r;
    vf_mp_reader_init (&r, v.mv_data, v.mv_size);
    return vf_mp_read_json (&r, 0, state, c->err);
}

static int
s_write_state (s_ctx_t *c, const char *iri, const json_t *state)
{
    uint8_t key[VF_HASH_BYTES];
    vf_hash (key, iri, strlen (iri));
    vf_mp_writer_t *w = vf_mp_writer_new (VF_ENTRY_MAX);
    int rc = w ? vf_mp_write_json (w, state, 0, c->err) : VF_ENOMEM;
    if (rc == 0)
        rc = vf_db_put (c->self->db, c->txn, VF_T_STATE, key, sizeof key, vf_mp_writer_data (w),
                        vf_mp_writer_size (w), 0, c->err);
    vf_mp_writer_destroy (&w);
    return rc;
}

/*  Replace the pending rows of resource iri (key: iri hash || event id). */
static int
s_write_pending (s_ctx_t *c, const char *iri, const json_t *pending, bool replace)
{
    uint8_t key[2 * VF_HASH_BYTES];
    vf_hash (key, iri, strlen (iri));
    MDB_cursor *cur = NULL;
    int rc = replace ? vf_db_cursor (c->self->db, c->txn, VF_T_PENDING, &cur, c->err) : 0;
    MDB_val k = { VF_HASH_BYTES, key }, v;
    int got = rc || !replace ? VF_ENOTFOUND
                             : vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_SET_RANGE, c->err);
    while (got == 0 && rc == 0 && memcmp (k.mv_data, key, VF_HASH_BYTES) == 0) {
        rc = vf_db_cursor_del (c->self->db, cur, c->err);
        /*  seek again: after deleting the last row LMDB leaves the cursor
            nowhere a GET_CURRENT could read */
        k.mv_size = VF_HASH_BYTES, k.mv_data = key;
        if (rc == 0)
            got = vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_SET_RANGE, c->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && got != 0 && got != VF_ENOTFOUND)
        rc = got;
    for (size_t n = 0; rc == 0 && n < json_array_size (pending); n++) {
        vf_text_decode (key + VF_HASH_BYTES, VF_TEXT_ID,
                        json_string_value (json_array_get (pending, n)), NULL);
        rc = vf_db_put (c->self->db, c->txn, VF_T_PENDING, key, sizeof key, "", 0, 0, c->err);
    }
    return rc;
}

static int
s_recompute (s_ctx_t *c, const char *iri)
{
    json_t *state = NULL, *pending = NULL;
    int rc = vf_project_compute (c->self, c->txn, iri, &state, &pending, c->err);
    if (rc == 0)
        rc = s_write_state (c, iri, state);
    if (rc == 0)
        rc = s_write_pending (c, iri, pending, true);
    json_decref (state);
    json_decref (pending);
    return rc;
}

/*  Recompute resource iri when the batch ends. */
static int
s_dirty (s_ctx_t *c, const char *iri)
{
    return json_object_set_new (c->dirty, iri, json_true ()) ? VF_ENOMEM : 0;
}

/*  A new applied event e names resource iri: fold it in if it comes after
    everything folded so far, else recompute. */
static int
s_update (s_ctx_t *c, const char *iri, const vf_entry_t *e)
{
    if (json_object_get (c->dirty, iri))
        return 0; /* recomputed at the end of the batch anyway */
    json_t *state = NULL, *pending = json_array ();
    uint8_t order[VF_ORDER_KEY_BYTES], owner[VF_KEY_BYTES];
    char hex[2 * VF_ORDER_KEY_BYTES + 1];
    vf_order_key (e, order);
    s_hex (hex, order, VF_ORDER_KEY_BYTES);
    int rc = pending ? s_read_state (c, iri, &state) : VF_ENOMEM;
    const char *last = json_string_value (json_object_get (state, "last"));
    const char *who = json_string_value (json_object_get (state, "owner"));
    bool fast = rc == 0 && last && who && strcmp (hex, last) > 0 &&
                vf_text_decode (owner, VF_TEXT_KEY, who, NULL) == 0;
    if (fast) {
        rc = s_fold (c, state, pending, iri, e, order, owner);
        if (rc == 0)
            rc = s_write_state (c, iri, state);
        if (rc == 0)
            rc = s_write_pending (c, iri, pending, false);
    } else if (rc == 0 || rc == VF_ENOTFOUND)
        rc = s_dirty (c, iri);
    json_decref (state);
    json_decref (pending);
    return rc;
}

/*  The resources an event names, each once. */
static size_t
s_sides (const vf_entry_t *e, const char *out[2])
{
    out[0] = json_string_value (json_object_get (e->body, "resourceInventoriedAs"));
    out[1] = json_string_value (json_object_get (e->body, "toResourceInventoriedAs"));
    if (out[0] && out[1] && strcmp (out[0], out[1]) == 0)
        out[1] = NULL;
    if (!out[0])
        out[0] = out[1], out[1] = NULL;
    return out[1] ? 2 : out[0] ? 1 : 0;
}

static int
s_dirty_sides (s_ctx_t *c, const vf_entry_t *e)
{
    const char *res[2];
    size_t n = s_sides (e, res);
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = s_dirty (c, res[k]);
    return rc;
}

static int
s_project_event (s_ctx_t *c, const vf_entry_t *e)
{
    bool applied = false;
    int rc = s_is_applied (c, e, &applied);
    if (rc || !applied)
        /*  a later redefinition: never applied, but it may be the first
            event naming a resource nobody defined, and so name its owner */
        return rc ? rc : s_dirty_sides (c, e);
    /*  the version of the event its author had before, which e displaces */
    s_find_t f = { "EconomicEvent", e->author, e->id, NULL };
    rc = s_find (c, vf_entry_iri (e), &f);
    if (rc == 0 && f.found) {
        rc = s_dirty_sides (c, f.found);
        if (rc == 0)
            rc = s_dirty_sides (c, e);
        vf_entry_destroy (&f.found);
        return rc;
    }
    const char *res[2];
    size_t n = rc ? 0 : s_sides (e, res);
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = s_update (c, res[k], e);
    return rc;
}

/*  A confirmation may authorize any event under the IRI it names. */
static int
s_confirmed_one (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    (void) arg;
    vf_entry_t *e = NULL;
    int rc = s_load_order (c, order, &e);
    if (rc == 0 && strcmp (e->cls, "EconomicEvent") == 0)
        rc = s_dirty_sides (c, e);
    vf_entry_destroy (&e);
    return rc;
}

static int
s_project_confirmation (s_ctx_t *c, const vf_entry_t *conf)
{
    /*  nothing under the IRI yet: the event will find this confirmation */
    const char *event = json_string_value (json_object_get (conf->body, "confirmsEvent"));
    return event ? s_each_ref (c, event, VF_ROLE_DEFINES, s_confirmed_one, NULL) : 0;
}

int
vf_project_entry (vf_store_t *self, MDB_txn *txn, const vf_entry_t *e, json_t *dirty, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, dirty };
    if (strcmp (e->cls, "EconomicEvent") == 0)
        return s_project_event (&c, e);
    if (strcmp (e->cls, "Confirmation") == 0)
        return s_project_confirmation (&c, e);
    if (strcmp (e->cls, "EconomicResource") == 0) {
        /*  a new first definition may change the resource's owner */
        s_find_t f = { "EconomicResource", NULL, NULL, NULL };
        int rc = s_find (&c, vf_entry_iri (e), &f);
        bool first = rc == 0 && f.found && memcmp (f.found->id, e->id, VF_HASH_BYTES) == 0;
        vf_entry_destroy (&f.found);
        return rc == 0 && first ? s_dirty (&c, vf_entry_iri (e)) : rc;
    }
    return 0;
}

int
vf_project_flush (vf_store_t *self, MDB_txn *txn, json_t *dirty, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, dirty };
    const char *iri;
    json_t *v;
    int rc = 0;
    json_object_foreach (dirty, iri, v) {
        if (rc == 0)
            rc = s_recompute (&c, iri);
    }
    json_object_clear (dirty);
    return rc;
}

/* ----------------------------------------------------------------- read */

/*  The latest definition of iri of class cls by its owner (highest seq);
    the owner is the author of the first definition of that class. */
typedef struct {
    const char *cls;
    uint8_t owner[VF_KEY_BYTES];
    vf_entry_t *best;
} s_latest_t;

static int
s_latest (s_ctx_t *c, const uint8_t order[VF_ORDER_KEY_BYTES], void *arg)
{
    s_latest_t *l = arg;
    vf_entry_t *e = NULL;
    int rc = s_load_order (c, order, &e);
    if (rc)
        return rc;
    if (strcmp (e->cls, l->cls) != 0) { /* another class under the same IRI decides nothing */
        vf_entry_destroy (&e);
        return 0;
    }
    if (!l->best)
        memcpy (l->owner, e->author, VF_KEY_BYTES); /* the first definer owns */
    if (memcmp (e->author, l->owner, VF_KEY_BYTES) == 0 && (!l->best || e->seq > l->best->seq)) {
        vf_entry_destroy (&l->best);
        l->best = e, e = NULL;
    }
    vf_entry_destroy (&e);
    return 0;
}

/*  The current version of the record iri of class cls (caller owns
 *out), or NULL. */
static int
s_current (s_ctx_t *c, const char *iri, const char *cls, vf_entry_t **out)
{
    s_latest_t l = { cls, { 0 }, NULL };
    int rc = s_each_ref (c, iri, VF_ROLE_DEFINES, s_latest, &l);
    if (rc)
        vf_entry_destroy (&l.best);
    *out = l.best;
    return rc;
}

static int
s_resource (s_ctx_t *c, const char *iri, json_t **out)
{
    json_t *state = NULL;
    vf_entry_t *rec = NULL, *proc = NULL;
    *out = NULL;
    int rc = s_read_state (c, iri, &state);
    int rc2 = rc == 0 || rc == VF_ENOTFOUND ? s_current (c, iri, "EconomicResource", &rec) : rc;
    if (rc2)
        rc = rc2;
    else if (rc == VF_ENOTFOUND && rec)
        rc = 0, state = json_pack ("{s:s}", "@id", iri);
    if (rc)
        goto out;
    json_t *res = rec ? json_deep_copy (rec->body) : json_object ();
    if (!res || json_object_update (res, state))
        rc = vf_err_set (c->err, VF_ENOMEM, "out of memory");
    json_object_del (res, "last");
    const char *p = json_string_value (json_object_get (state, "stageProcess"));
    if (rc == 0 && p && (rc = s_current (c, p, "Process", &proc)) == 0 && proc) {
        json_t *stage = json_object_get (proc->body, "basedOn");
        if (stage && json_object_set (res, "stage", stage))
            rc = vf_err_set (c->err, VF_ENOMEM, "out of memory");
    }
    json_object_del (res, "stageProcess");
    if (rc)
        json_decref (res);
    else
        *out = res;
out:
    json_decref (state);
    vf_entry_destroy (&rec);
    vf_entry_destroy (&proc);
    return rc;
}

int
vf_project_counts (vf_store_t *self, MDB_txn *txn, const vf_entry_t *e, bool *yes, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, NULL };
    return s_is_applied (&c, e, yes);
}

int
vf_project_current (vf_store_t *self, MDB_txn *txn, const char *iri, const char *cls,
                    vf_entry_t **out, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, NULL };
    return s_current (&c, iri, cls, out);
}

int
vf_project_resource (vf_store_t *self, MDB_txn *txn, const char *iri, json_t **out, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, NULL };
    return s_resource (&c, iri, out);
}

int
vf_store_resource (vf_store_t *self, const char *iri, json_t **out, vf_err_t *err)
{
    *out = NULL;
    MDB_txn *txn;
    int rc = vf_db_begin (self->db, false, &txn, err);
    if (rc)
        return rc;
    s_ctx_t c = { self, txn, err, NULL };
    rc = s_resource (&c, iri, out);
    vf_db_abort (txn);
    if (rc == VF_ENOTFOUND)
        vf_err_set (err, rc, "no record or event names resource %s", iri);
    return rc;
}

/*  The resource IRI behind a state key (its state holds "@id"), and
    whether owner (text; NULL: anyone) owns it. */
static int
s_iri_of_state (s_ctx_t *c, const uint8_t key[VF_HASH_BYTES], const char *owner, json_t **iri)
{
    MDB_val v;
    json_t *state = NULL;
    vf_mp_reader_t r;
    int rc = vf_db_get (c->self->db, c->txn, VF_T_STATE, key, VF_HASH_BYTES, &v, c->err);
    if (rc == 0) {
        vf_mp_reader_init (&r, v.mv_data, v.mv_size);
        rc = vf_mp_read_json (&r, 0, &state, c->err);
    }
    const char *who = json_string_value (json_object_get (state, "owner"));
    bool ours = !owner || (who && strcmp (who, owner) == 0);
    *iri = rc == 0 && ours ? json_incref (json_object_get (state, "@id")) : NULL;
    json_decref (state);
    return rc;
}

int
vf_store_pending (vf_store_t *self, const uint8_t *owner, json_t **out, vf_err_t *err)
{
    MDB_txn *txn;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    char who[VF_TEXT_MAX];
    json_t *list = json_array ();
    *out = NULL;
    int rc = list ? vf_db_begin (self->db, false, &txn, err) : VF_ENOMEM;
    if (rc) {
        json_decref (list);
        return rc;
    }
    if (owner)
        vf_text_encode (who, VF_TEXT_KEY, owner);
    s_ctx_t c = { self, txn, err, NULL };
    rc = vf_db_cursor (self->db, txn, VF_T_PENDING, &cur, err);
    int got = rc ? rc : vf_db_cursor_get (self->db, cur, &k, &v, MDB_FIRST, err);
    while (got == 0 && rc == 0) {
        json_t *iri = NULL;
        char id[VF_TEXT_MAX];
        rc = s_iri_of_state (&c, k.mv_data, owner ? who : NULL, &iri);
        if (rc == 0 && iri)
            rc = json_array_append_new (
                     list, json_pack ("{s:o, s:s}", "resource", iri, "event",
                                      vf_text_encode (id, VF_TEXT_ID,
                                                      (const uint8_t *) k.mv_data + VF_HASH_BYTES)))
                     ? VF_ENOMEM
                     : 0;
        if (rc == 0)
            got = vf_db_cursor_get (self->db, cur, &k, &v, MDB_NEXT, err);
    }
    if (cur)
        mdb_cursor_close (cur);
    vf_db_abort (txn);
    if (rc == 0 && got != VF_ENOTFOUND)
        rc = got;
    if (rc)
        json_decref (list);
    else
        *out = list;
    return rc;
}

/*  Append the ids of the pending rows of resource iri to ids. */
static int
s_read_pending (s_ctx_t *c, const char *iri, json_t *ids)
{
    uint8_t key[VF_HASH_BYTES];
    vf_hash (key, iri, strlen (iri));
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v;
    int rc = vf_db_cursor (c->self->db, c->txn, VF_T_PENDING, &cur, c->err);
    int got = rc ? rc : vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_SET_RANGE, c->err);
    while (got == 0 && rc == 0 && k.mv_size == 2 * VF_HASH_BYTES &&
           memcmp (k.mv_data, key, VF_HASH_BYTES) == 0) {
        char id[VF_TEXT_MAX];
        vf_text_encode (id, VF_TEXT_ID, (const uint8_t *) k.mv_data + VF_HASH_BYTES);
        rc = json_array_append_new (ids, json_string (id)) ? VF_ENOMEM : 0;
        if (rc == 0)
            got = vf_db_cursor_get (c->self->db, cur, &k, &v, MDB_NEXT, c->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc ? rc : got == 0 || got == VF_ENOTFOUND ? 0 : got;
}

static int
s_cmp_text (const void *a, const void *b)
{
    return strcmp (json_string_value (*(json_t *const *) a),
                   json_string_value (*(json_t *const *) b));
}

/*  The ids of a JSON array of strings, sorted (a new array). */
static json_t *
s_sorted (const json_t *ids)
{
    size_t n = json_array_size (ids);
    json_t **v = n ? calloc (n, sizeof *v) : NULL;
    json_t *out = json_array ();
    if ((n && !v) || !out) {
        free (v);
        json_decref (out);
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        v[k] = json_array_get (ids, k);
    if (n)
        qsort (v, n, sizeof *v, s_cmp_text);
    for (size_t k = 0; k < n; k++)
        json_array_append (out, v[k]);
    free (v);
    return out;
}

/*  Do the stored state and pending rows of iri equal their recomputation
    from the log? */
int
vf_project_verify (vf_store_t *self, MDB_txn *txn, const char *iri, bool *same, vf_err_t *err)
{
    s_ctx_t c = { self, txn, err, NULL };
    json_t *stored = NULL, *fresh = NULL, *pending = NULL, *rows = json_array ();
    json_t *have = NULL, *want = NULL;
    int rc = rows ? s_read_state (&c, iri, &stored) : VF_ENOMEM;
    if (rc == VF_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = vf_project_compute (self, txn, iri, &fresh, &pending, err);
    if (rc == 0)
        rc = s_read_pending (&c, iri, rows);
    if (rc == 0 && (!(have = s_sorted (rows)) || !(want = s_sorted (pending))))
        rc = VF_ENOMEM;
    *same = rc == 0 && stored && json_equal (stored, fresh) && json_equal (have, want);
    json_decref (stored);
    json_decref (fresh);
    json_decref (pending);
    json_decref (rows);
    json_decref (have);
    json_decref (want);
    return rc;
}
