/*  vf_trace.c - track and trace walks (vf_trace.h; the rules: docs/TRACE.md).

    The walk is the depth-first search of the ValueFlows track/trace
    algorithm, with an explicit stack (a trace can be long):
    - expanding an item lists its "previous" (trace) or "next" (track)
      items from the refs index, in event order (newest first for a trace);
    - from an event to its resource only the resource's events before the
      event (a trace) or after it (a track) are followed: nothing that
      happened later went into it; a resource reached again from a later
      event (earlier, tracking) adds the events in between (a stock);
    - the breadcrumb of an event (for a trace the last event before it
      that added to its resource, for a track the first after it) is
      walked first, and is how a walk goes on from a resource it has
      visited already; it is the event's neighbour in the ordered refs
      index, so every node computes the same one;
    - pickup/dropoff, accept/modify and combine/separate are paired through
      the pending sets of the algorithm, and a dropoff (modify) whose
      resource no pickup (accept) of the same process names pairs with the
      pickups (accepts) whose resource no dropoff (modify) of that process
      names: the goods changed their name in the process (the apples shape);
    - an event naming another owner's resource crosses to that resource
      only once the owner confirmed it, unless pending events are asked for;
    - a transfer that names no receiving resource links to the resources
      with the same trackingIdentifier or ofBatchLot.
*/
#include "vf_trace.h"

#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_mp.h"
#include "vf_store_int.h"
#include "vf_text.h"

typedef enum { S_RESOURCE, S_PROCESS, S_EVENT } s_kind_t;

static const char *s_kind_class[] = { "EconomicResource", "Process", "EconomicEvent" };

/*  A step the walk may take. */
typedef struct {
    s_kind_t kind;
    char *iri;
    vf_entry_t *ev; /* events */
    const char *via;
    bool pending;
} s_cand_t;

typedef struct {
    s_kind_t kind;
    char *iri;
    vf_entry_t *ev;
    long parent;
    size_t depth;
    const char *via;
    bool pending, boundary, unknown;
    char org[VF_TEXT_MAX]; /* vfk_... or "" */
    char *agent;           /* unknown items: the agent the referring event names */
} s_item_t;

typedef struct {
    size_t item;
    s_cand_t *c;
    size_t n, next;
} s_frame_t;

typedef struct {
    vf_store_t *self;
    MDB_txn *txn;
    vf_err_t *err;
    const vf_trace_opts_t *o;
    size_t max;
    s_item_t *items;
    size_t n, cap;
    json_t *seen;     /* visited: kind letter + IRI, or "e" + entry id -> true */
    json_t *pairs[3]; /* pickup/dropoff, accept/modify, combine/separate: resource IRI -> count */
    json_t *agents;   /* agent IRI -> name | null */
    json_t *bounds;   /* visited resource -> the bound it was expanded with (s_set_bound) */
    bool truncated;
} s_walk_t;

/* ------------------------------------------------------------- helpers */

static const char *
s_str (const vf_entry_t *e, const char *key)
{
    return e ? json_string_value (json_object_get (e->body, key)) : NULL;
}

static const char *
s_action (const vf_entry_t *e)
{
    const char *a = s_str (e, "action");
    return a ? a : "";
}

static bool
s_is (const vf_entry_t *e, const char *action)
{
    return strcmp (s_action (e), action) == 0;
}

static bool
s_transferish (const vf_entry_t *e)
{
    return s_is (e, "transfer") || s_is (e, "transferAllRights") || s_is (e, "transferCustody") ||
           s_is (e, "move");
}

/*  Which of the three pairs an action belongs to (-1: none), and whether
    it is the output side (dropoff, modify, separate). */
static int
s_pair_kind (const vf_entry_t *e, bool *output_side)
{
    static const char *pairs[3][2] = { { "pickup", "dropoff" },
                                       { "accept", "modify" },
                                       { "combine", "separate" } };
    *output_side = false;
    for (int k = 0; k < 3; k++)
        for (int side = 0; side < 2; side++)
            if (s_is (e, pairs[k][side])) {
                *output_side = side == 1;
                return k;
            }
    return -1;
}

static void
s_order (const vf_entry_t *e, uint8_t key[VF_ORDER_KEY_BYTES])
{
    vf_order_key (e, key);
}

static int
s_cmp_events (const vf_entry_t *a, const vf_entry_t *b)
{
    uint8_t ka[VF_ORDER_KEY_BYTES], kb[VF_ORDER_KEY_BYTES];
    s_order (a, ka);
    s_order (b, kb);
    return memcmp (ka, kb, sizeof ka);
}

static void
s_cand_free (s_cand_t *c)
{
    free (c->iri);
    vf_entry_destroy (&c->ev);
}

static void
s_cands_free (s_cand_t *c, size_t n)
{
    for (size_t k = 0; k < n; k++)
        s_cand_free (&c[k]);
    free (c);
}

typedef struct {
    s_cand_t *c;
    size_t n, cap;
} s_cands_t;

static int
s_cands_add (s_walk_t *w, s_cands_t *l, s_kind_t kind, const char *iri, vf_entry_t **ev,
             const char *via, bool pending)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        s_cand_t *c = realloc (l->c, cap * sizeof *c);
        if (!c)
            return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        l->c = c, l->cap = cap;
    }
    s_cand_t *c = &l->c[l->n];
    c->iri = strdup (iri);
    if (!c->iri)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    c->kind = kind, c->via = via, c->pending = pending;
    c->ev = ev ? *ev : NULL;
    if (ev)
        *ev = NULL;
    l->n++;
    return 0;
}

/*  The visited-set key of a step (caller frees it): "e" and the entry id
    for events, "r" or "p" and the IRI for resources and processes. */
static char *
s_seen_key (s_kind_t kind, const char *iri, const vf_entry_t *ev)
{
    char id[VF_TEXT_MAX];
    const char *name = kind == S_EVENT ? vf_text_encode (id, VF_TEXT_ID, ev->id) : iri;
    size_t len = strlen (name) + 2;
    char *key = malloc (len);
    if (key)
        snprintf (key, len, "%c%s", kind == S_EVENT ? 'e' : kind == S_RESOURCE ? 'r' : 'p', name);
    return key;
}

static bool
s_seen (s_walk_t *w, s_kind_t kind, const char *iri, const vf_entry_t *ev)
{
    char *key = s_seen_key (kind, iri, ev);
    bool seen = !key || json_object_get (w->seen, key) != NULL; /* no memory: do not walk on */
    free (key);
    return seen;
}

/* ------------------------------------------------------------- lookups */

/*  Is event id waiting for the confirmation of the owner of resource iri? */
static int
s_pending_for (s_walk_t *w, const char *iri, const vf_entry_t *e, bool *yes)
{
    uint8_t key[2 * VF_HASH_BYTES];
    vf_hash (key, iri, strlen (iri));
    memcpy (key + VF_HASH_BYTES, e->id, VF_HASH_BYTES);
    MDB_val v;
    int rc = vf_db_get (w->self->db, w->txn, VF_T_PENDING, key, sizeof key, &v, w->err);
    *yes = rc == 0;
    return rc == VF_ENOTFOUND ? 0 : rc;
}

/*  May the walk cross between event e and resource iri? (*pending: it
    crosses only because pending events were asked for.) */
static int
s_may_cross (s_walk_t *w, const char *iri, const vf_entry_t *e, bool *ok, bool *pending)
{
    int rc = s_pending_for (w, iri, e, pending);
    *ok = rc == 0 && (!*pending || w->o->include_pending);
    return rc;
}

/*  The events under iri || role that count (the first EconomicEvent of its
    IRI by its author), in event order; bound (may be NULL) keeps only
    events before it (before) or after it (!before). */
typedef struct {
    vf_entry_t **e;
    size_t n, cap;
} s_events_t;

static void
s_events_free (s_events_t *l)
{
    vf_store_free_entries (&l->e, l->n);
    l->n = l->cap = 0;
}

/*  Has the walk taken the event entry with this id already? */
static bool
s_seen_id (s_walk_t *w, const uint8_t id[VF_HASH_BYTES])
{
    char key[VF_TEXT_MAX + 1];
    key[0] = 'e';
    vf_text_encode (key + 1, VF_TEXT_ID, id);
    return json_object_get (w->seen, key) != NULL;
}

/*  (unseen: leave out events the walk has taken already, without reading
    them: they could only be skipped) */
static int
s_events (s_walk_t *w, const char *iri, vf_role_t role, const uint8_t *lo, const uint8_t *hi,
          bool unseen, s_events_t *out)
{
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key (iri, role, key);
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v = { VF_ORDER_KEY_BYTES, (void *) lo };
    int rc = vf_db_cursor (w->self->db, w->txn, VF_T_REFS, &cur, w->err);
    int got = rc ? rc
                 : vf_db_cursor_get (w->self->db, cur, &k, &v,
                                     lo ? MDB_GET_BOTH_RANGE : MDB_SET_KEY, w->err);
    while (got == 0 && rc == 0) {
        if (hi && memcmp (v.mv_data, hi, VF_ORDER_KEY_BYTES) >= 0)
            break; /* dups are in order: nothing further is before hi */
        if ((!lo || memcmp (v.mv_data, lo, VF_ORDER_KEY_BYTES) > 0) &&
            !(unseen && s_seen_id (w, (const uint8_t *) v.mv_data + 8))) {
            vf_entry_t *e = NULL;
            bool counts = false;
            rc = vf_store_load_id (w->self, w->txn, (const uint8_t *) v.mv_data + 8, &e, w->err);
            if (rc == 0 && strcmp (e->cls, "EconomicEvent") == 0)
                rc = vf_project_counts (w->self, w->txn, e, &counts, w->err);
            if (rc == 0 && counts && out->n == out->cap) {
                size_t cap = out->cap ? 2 * out->cap : 8;
                vf_entry_t **grown = realloc (out->e, cap * sizeof *grown);
                if (!grown)
                    rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
                else
                    out->e = grown, out->cap = cap;
            }
            if (rc == 0 && counts)
                out->e[out->n++] = e, e = NULL;
            vf_entry_destroy (&e);
        }
        if (rc == 0)
            got = vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_NEXT_DUP, w->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc)
        return rc;
    return got == VF_ENOTFOUND ? 0 : got;
}

/*  Does event e add to resource iri, for a trace: an output naming it, a
    raise or lower of it, or an event naming it as toResourceInventoriedAs? */
static bool
s_adds_to (const vf_entry_t *e, const char *iri)
{
    const char *to = s_str (e, "toResourceInventoriedAs");
    if (to && strcmp (to, iri) == 0)
        return true;
    return s_str (e, "outputOf") || s_is (e, "raise") || s_is (e, "lower");
}

/*  The event nearest to e under iri || role, before it (before) or after
    it, that counts and that the walk may cross to iri with; *out NULL when
    there is none. Walks the dups from e's position outwards and stops at
    the first that qualifies. */
static int
s_nearest (s_walk_t *w, const char *iri, vf_role_t role, const vf_entry_t *e, bool before,
           vf_entry_t **out)
{
    *out = NULL;
    uint8_t key[VF_REF_KEY_BYTES], b[VF_ORDER_KEY_BYTES];
    vf_ref_key (iri, role, key);
    s_order (e, b);
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v = { sizeof b, b };
    int rc = vf_db_cursor (w->self->db, w->txn, VF_T_REFS, &cur, w->err);
    int got = rc ? rc : vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_GET_BOTH_RANGE, w->err);
    if (got == VF_ENOTFOUND && before) {
        /*  every dup is before e, or there are none */
        k.mv_size = sizeof key, k.mv_data = key;
        got = vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_SET_KEY, w->err);
        if (got == 0)
            got = vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_LAST_DUP, w->err);
    }
    MDB_cursor_op step = before ? MDB_PREV_DUP : MDB_NEXT_DUP;
    while (got == 0 && rc == 0 && !*out) {
        int c = memcmp (v.mv_data, b, sizeof b);
        if (before ? c < 0 : c > 0) {
            vf_entry_t *cand = NULL;
            bool counts = false, ok = false, pending;
            rc = vf_store_load_id (w->self, w->txn, (const uint8_t *) v.mv_data + 8, &cand, w->err);
            if (rc == 0 && strcmp (cand->cls, "EconomicEvent") == 0)
                rc = vf_project_counts (w->self, w->txn, cand, &counts, w->err);
            /*  a trace goes back only to what added to the resource */
            if (rc == 0 && counts && (!before || s_adds_to (cand, iri)))
                rc = s_may_cross (w, iri, cand, &ok, &pending);
            if (rc == 0 && ok)
                *out = cand, cand = NULL;
            vf_entry_destroy (&cand);
        }
        if (rc == 0 && !*out)
            got = vf_db_cursor_get (w->self->db, cur, &k, &v, step, w->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && got != 0 && got != VF_ENOTFOUND)
        rc = got;
    return rc;
}

/*  The breadcrumb of event e on resource iri (the previousEvent of
    algorithms/track.md): for a trace the last event before it that added
    to the resource (an output, raise, lower or incoming transfer), for a
    track the first event after it that names the resource, among those the
    walk may use. Derived from the order
    of the refs index, so every node that holds the same events has the
    same breadcrumbs, whatever order they arrived in. *out NULL when there
    is none. */
static int
s_breadcrumb (s_walk_t *w, const char *iri, const vf_entry_t *e, bool before, vf_entry_t **out)
{
    vf_entry_t *a = NULL, *b = NULL;
    int rc = s_nearest (w, iri, VF_ROLE_RESOURCE, e, before, &a);
    if (rc == 0)
        rc = s_nearest (w, iri, VF_ROLE_TO_RESOURCE, e, before, &b);
    if (a && b && (before ? s_cmp_events (b, a) > 0 : s_cmp_events (b, a) < 0)) {
        vf_entry_t *t = a;
        a = b, b = t;
    }
    *out = rc == 0 ? (a ? a : b) : NULL;
    if (*out == a)
        vf_entry_destroy (&b);
    else
        vf_entry_destroy (&a);
    if (rc)
        vf_entry_destroy (out);
    return rc;
}

/*  The resource an event takes from or adds to, for its breadcrumb. */
static const char *
s_event_resource (const vf_entry_t *e)
{
    const char *r = s_str (e, "resourceInventoriedAs");
    return r ? r : s_str (e, "toResourceInventoriedAs");
}

static const char *
s_agent_name (s_walk_t *w, const char *iri)
{
    json_t *known = json_object_get (w->agents, iri);
    if (known)
        return json_string_value (known);
    static const char *classes[] = { "Organization", "Person", "EcologicalAgent" };
    const char *name = NULL;
    for (size_t k = 0; k < 3 && !name; k++) {
        vf_entry_t *rec = NULL;
        vf_err_t ignored = { 0 };
        if (vf_project_current (w->self, w->txn, iri, classes[k], &rec, &ignored) == 0 && rec) {
            const char *n = s_str (rec, "name");
            if (n) {
                json_object_set_new (w->agents, iri, json_string (n));
                name = json_string_value (json_object_get (w->agents, iri));
            }
        }
        vf_entry_destroy (&rec);
    }
    if (!name)
        json_object_set_new (w->agents, iri, json_null ());
    return name;
}

/* ------------------------------------------------- tracking identifiers */

/*  The resources other than iri whose current record has the same
    trackingIdentifier or ofBatchLot as the current record of iri; calls
    fn for each with how they are linked. */
typedef int (*s_lot_fn) (s_walk_t *w, const char *other, const char *via, void *arg);

static int
s_lot_mates (s_walk_t *w, const char *iri, s_lot_fn fn, void *arg)
{
    vf_entry_t *rec = NULL;
    int rc = vf_project_current (w->self, w->txn, iri, "EconomicResource", &rec, w->err);
    if (rc || !rec)
        return rc;
    static const struct {
        const char *field;
        vf_role_t role;
    } links[] = { { "trackingIdentifier", VF_ROLE_TRACKING }, { "ofBatchLot", VF_ROLE_OTHER } };
    for (size_t k = 0; k < 2 && rc == 0; k++) {
        const char *value = s_str (rec, links[k].field);
        if (!value)
            continue;
        uint8_t key[VF_REF_KEY_BYTES];
        vf_ref_key (value, links[k].role, key);
        MDB_cursor *cur = NULL;
        MDB_val kv = { sizeof key, key }, v;
        rc = vf_db_cursor (w->self->db, w->txn, VF_T_REFS, &cur, w->err);
        int got = rc ? rc : vf_db_cursor_get (w->self->db, cur, &kv, &v, MDB_SET_KEY, w->err);
        while (got == 0 && rc == 0) {
            vf_entry_t *mate = NULL, *current = NULL;
            rc = vf_store_load_id (w->self, w->txn, (const uint8_t *) v.mv_data + 8, &mate, w->err);
            const char *other = rc == 0 ? vf_entry_iri (mate) : NULL;
            if (rc == 0 && strcmp (mate->cls, "EconomicResource") == 0 && strcmp (other, iri) != 0)
                rc = vf_project_current (w->self, w->txn, other, "EconomicResource", &current,
                                         w->err);
            /*  only the owner's current record links */
            if (rc == 0 && current && memcmp (current->id, mate->id, VF_HASH_BYTES) == 0) {
                const char *v2 = s_str (current, links[k].field);
                if (v2 && strcmp (v2, value) == 0)
                    rc = fn (w, other, links[k].field, arg);
            }
            vf_entry_destroy (&mate);
            vf_entry_destroy (&current);
            if (rc == 0)
                got = vf_db_cursor_get (w->self->db, cur, &kv, &v, MDB_NEXT_DUP, w->err);
        }
        if (cur)
            mdb_cursor_close (cur);
        if (rc == 0 && got != 0 && got != VF_ENOTFOUND)
            rc = got;
    }
    vf_entry_destroy (&rec);
    return rc;
}

typedef struct {
    s_cands_t *l;
    const uint8_t *lo, *hi;
} s_lot_arg_t;

/*  Trace: a transfer of a lot mate that names no receiving resource is
    where this resource may have come from. */
static int
s_lot_transfers (s_walk_t *w, const char *other, const char *via, void *arg)
{
    s_lot_arg_t *a = arg;
    s_events_t l = { 0 };
    int rc = s_events (w, other, VF_ROLE_RESOURCE, a->lo, a->hi, true, &l);
    for (size_t k = 0; k < l.n && rc == 0; k++) {
        bool ok, pending;
        if (!s_transferish (l.e[k]) || s_str (l.e[k], "toResourceInventoriedAs"))
            continue;
        rc = s_may_cross (w, other, l.e[k], &ok, &pending);
        if (rc == 0 && ok)
            rc = s_cands_add (w, a->l, S_EVENT, vf_entry_iri (l.e[k]), &l.e[k], via, pending);
    }
    s_events_free (&l);
    return rc;
}

/*  Track: the lot mates are where the goods of a transfer that names no
    receiving resource went. */
static int
s_lot_resources (s_walk_t *w, const char *other, const char *via, void *arg)
{
    s_lot_arg_t *a = arg;
    return s_cands_add (w, a->l, S_RESOURCE, other, NULL, via, false);
}

/* ----------------------------------------------------------- one step */

static int
s_cmp_cand_desc (const void *a, const void *b)
{
    const s_cand_t *x = a, *y = b;
    if (!x->ev || !y->ev)
        return (x->ev != NULL) - (y->ev != NULL);
    return s_cmp_events (y->ev, x->ev);
}

static int
s_cmp_cand_asc (const void *a, const void *b)
{
    return -s_cmp_cand_desc (a, b);
}

/*  Add the events of l that may cross to resource iri. */
static int
s_add_crossing (s_walk_t *w, s_cands_t *out, const char *iri, s_events_t *l, const char *via)
{
    int rc = 0;
    for (size_t k = 0; k < l->n && rc == 0; k++) {
        vf_entry_t *e = l->e[k];
        if (!w->o->forward && !s_adds_to (e, iri))
            continue;
        bool ok, pending;
        rc = s_may_cross (w, iri, e, &ok, &pending);
        if (rc == 0 && ok)
            rc = s_cands_add (w, out, S_EVENT, vf_entry_iri (e), &l->e[k], via, pending);
    }
    return rc;
}

/*  The steps from resource iri to its events between lo and hi
    (exclusive; NULL: open): for a trace the events that added to it and
    the transfers of its lot mates that name no receiving resource, for a
    track every event that names it as resourceInventoriedAs. */
static int
s_resource_steps (s_walk_t *w, const char *iri, const uint8_t *lo, const uint8_t *hi,
                  const char *via, s_cands_t *out)
{
    bool fwd = w->o->forward;
    s_events_t l = { 0 };
    int rc = s_events (w, iri, VF_ROLE_RESOURCE, lo, hi, true, &l);
    if (rc == 0)
        rc = s_add_crossing (w, out, iri, &l, via);
    s_events_free (&l);
    if (rc == 0 && !fwd)
        rc = s_events (w, iri, VF_ROLE_TO_RESOURCE, lo, hi, true, &l);
    if (rc == 0 && !fwd)
        rc = s_add_crossing (w, out, iri, &l, via);
    s_events_free (&l);
    s_lot_arg_t a = { out, lo, hi };
    if (rc == 0 && !fwd)
        rc = s_lot_mates (w, iri, s_lot_transfers, &a);
    return rc;
}

/*  The bound a resource was expanded with (hex order key; null: none),
    kept so that reaching it again from a later event (a trace; an earlier
    one, a track) adds the events in between. */
static int
s_set_bound (s_walk_t *w, const char *iri, const vf_entry_t *e)
{
    char *key = s_seen_key (S_RESOURCE, iri, NULL);
    json_t *v = json_null ();
    if (e) {
        uint8_t ok[VF_ORDER_KEY_BYTES];
        char hex[2 * VF_ORDER_KEY_BYTES + 1];
        s_order (e, ok);
        for (size_t k = 0; k < sizeof ok; k++)
            snprintf (hex + 2 * k, 3, "%02x", ok[k]);
        v = json_string (hex);
    }
    int rc = key && v && json_object_set_new (w->bounds, key, v) == 0
                 ? 0
                 : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    free (key);
    return rc;
}

static bool
s_get_bound (s_walk_t *w, const char *iri, uint8_t out[VF_ORDER_KEY_BYTES])
{
    char *key = s_seen_key (S_RESOURCE, iri, NULL);
    const char *hex = key ? json_string_value (json_object_get (w->bounds, key)) : NULL;
    free (key);
    for (size_t k = 0; hex && k < VF_ORDER_KEY_BYTES; k++) {
        unsigned byte;
        sscanf (hex + 2 * k, "%2x", &byte);
        out[k] = (uint8_t) byte;
    }
    return hex != NULL;
}

/*  Event e reaches resource iri, which the walk has expanded already: add
    the resource's events between the bound it was expanded with and e. */
static int
s_extend (s_walk_t *w, const char *iri, const vf_entry_t *e, s_cands_t *out)
{
    uint8_t old[VF_ORDER_KEY_BYTES], now[VF_ORDER_KEY_BYTES];
    if (!s_get_bound (w, iri, old))
        return 0; /* expanded with no bound: it has every step already */
    s_order (e, now);
    bool fwd = w->o->forward;
    int c = memcmp (now, old, sizeof now);
    if (fwd ? c >= 0 : c <= 0)
        return 0;
    int rc = s_resource_steps (w, iri, fwd ? now : old, fwd ? old : now, "stock", out);
    return rc ? rc : s_set_bound (w, iri, e);
}

/*  An event's step to a resource, if the walk may cross. */
static int
s_to_resource (s_walk_t *w, s_cands_t *out, const vf_entry_t *e, const char *iri)
{
    bool ok, pending;
    int rc = s_may_cross (w, iri, e, &ok, &pending);
    if (rc == 0 && ok)
        rc = s_cands_add (w, out, S_RESOURCE, iri, NULL, NULL, pending);
    if (rc == 0 && ok && s_seen (w, S_RESOURCE, iri, NULL))
        rc = s_extend (w, iri, e, out);
    return rc;
}

/*  previous (trace) or next (track) of item i. */
static int
s_steps (s_walk_t *w, size_t i, s_cands_t *out)
{
    const s_item_t *it = &w->items[i];
    const s_item_t *from = it->parent >= 0 ? &w->items[it->parent] : NULL;
    bool fwd = w->o->forward;
    s_events_t l = { 0 };
    int rc = 0;
    if (it->kind == S_RESOURCE) {
        /*  nothing after the event the walk came from went into it (trace),
            nothing before it came out of it (track) */
        const vf_entry_t *bound = from && from->kind == S_EVENT ? from->ev : NULL;
        uint8_t b[VF_ORDER_KEY_BYTES];
        if (bound)
            s_order (bound, b);
        rc = s_resource_steps (w, it->iri, bound && fwd ? b : NULL, bound && !fwd ? b : NULL, NULL,
                               out);
        if (rc == 0)
            rc = s_set_bound (w, it->iri, bound);
    } else if (it->kind == S_PROCESS) {
        rc =
            s_events (w, it->iri, fwd ? VF_ROLE_OUTPUT_OF : VF_ROLE_INPUT_OF, NULL, NULL, true, &l);
        for (size_t k = 0; k < l.n && rc == 0; k++)
            rc = s_cands_add (w, out, S_EVENT, vf_entry_iri (l.e[k]), &l.e[k], NULL, false);
    } else {
        const vf_entry_t *e = it->ev;
        const char *res = s_str (e, "resourceInventoriedAs");
        const char *to = s_str (e, "toResourceInventoriedAs");
        const char *in = s_str (e, "inputOf"), *outp = s_str (e, "outputOf");
        bool raise_lower = s_is (e, "raise") || s_is (e, "lower");
        if (!fwd) {
            vf_entry_t *crumb = NULL;
            if (outp)
                rc = s_cands_add (w, out, S_PROCESS, outp, NULL, NULL, false);
            else if (res && raise_lower)
                rc = s_breadcrumb (w, res, e, true, &crumb);
            if (rc == 0 && !outp && res && (!raise_lower || crumb))
                rc = s_to_resource (w, out, e, res);
            vf_entry_destroy (&crumb);
        } else if (in)
            rc = s_cands_add (w, out, S_PROCESS, in, NULL, NULL, false);
        else if (outp && res)
            rc = s_to_resource (w, out, e, res);
        else if (to)
            rc = s_to_resource (w, out, e, to);
        else if (res && s_transferish (e)) {
            s_lot_arg_t a = { out, NULL, NULL };
            rc = s_lot_mates (w, res, s_lot_resources, &a);
        } else if (res && raise_lower)
            rc = s_to_resource (w, out, e, res);
    }
    s_events_free (&l);
    if (rc == 0 && out->n > 1)
        qsort (out->c, out->n, sizeof *out->c, fwd ? s_cmp_cand_asc : s_cmp_cand_desc);
    /*  the breadcrumb first: it is how the walk goes on past a resource it
        has visited already (a cycle, a repeated process) */
    const char *res = it->kind == S_EVENT ? s_event_resource (it->ev) : NULL;
    bool events = false;
    for (size_t k = 0; k < out->n; k++)
        events |= out->c[k].kind == S_EVENT;
    bool revisit =
        out->n > 0 && out->c[0].kind == S_RESOURCE && s_seen (w, S_RESOURCE, out->c[0].iri, NULL);
    /*  (only then can the breadcrumb change anything: it is an event) */
    if (rc == 0 && res && (events || revisit)) {
        vf_entry_t *crumb = NULL;
        rc = s_breadcrumb (w, res, it->ev, !fwd, &crumb);
        size_t at = out->n;
        for (size_t k = 0; crumb && k < out->n; k++)
            if (out->c[k].ev && memcmp (out->c[k].ev->id, crumb->id, VF_HASH_BYTES) == 0)
                at = k;
        if (rc == 0 && crumb && at < out->n) {
            s_cand_t c = out->c[at];
            memmove (out->c + 1, out->c, at * sizeof c);
            out->c[0] = c;
        } else if (rc == 0 && crumb && revisit) {
            bool ok, pending;
            rc = s_may_cross (w, res, crumb, &ok, &pending);
            if (rc == 0 && ok)
                rc = s_cands_add (w, out, S_EVENT, vf_entry_iri (crumb), &crumb, "previousEvent",
                                  pending);
            if (rc == 0 && out->n > 1) {
                s_cand_t c = out->c[out->n - 1];
                memmove (out->c + 1, out->c, (out->n - 1) * sizeof c);
                out->c[0] = c;
            }
        }
        vf_entry_destroy (&crumb);
    }
    return rc;
}

/* ------------------------------------------------------------- pairing */

/*  Does any of the n events, of pair kind k and on the given side, name
    resource iri? */
static bool
s_side_names (vf_entry_t *const *e, size_t n, int k, bool output_side, const char *iri)
{
    for (size_t j = 0; j < n; j++) {
        bool side;
        const char *r = s_str (e[j], "resourceInventoriedAs");
        if (s_pair_kind (e[j], &side) == k && side == output_side && r && strcmp (r, iri) == 0)
            return true;
    }
    return false;
}

/*  The goods changed their name in process f->item: the way in (the
    parent of the process) is a dropoff (trace; a pickup when tracking)
    whose resource no pickup of the process names, and candidate c, a
    pickup (a dropoff), names a resource no dropoff (pickup) of the
    process names. Likewise accept/modify. */
static int
s_renamed (s_walk_t *w, s_frame_t *f, const s_cand_t *c, int k, bool *yes)
{
    *yes = false;
    const s_item_t *proc = &w->items[f->item];
    if (k == 2 || proc->kind != S_PROCESS || proc->parent < 0)
        return 0;
    const s_item_t *way = &w->items[proc->parent];
    bool way_side, c_side;
    const char *way_res = way->kind == S_EVENT ? s_str (way->ev, "resourceInventoriedAs") : NULL;
    const char *c_res = s_str (c->ev, "resourceInventoriedAs");
    if (!way_res || !c_res || s_pair_kind (way->ev, &way_side) != k)
        return 0;
    s_pair_kind (c->ev, &c_side);
    if (way_side == c_side)
        return 0;
    /*  the process's events on c's side (the frame's candidates may have
        been taken as items already) and on the way-in side */
    s_events_t mine = { 0 };
    int rc = s_events (w, proc->iri, c_side ? VF_ROLE_OUTPUT_OF : VF_ROLE_INPUT_OF, NULL, NULL,
                       false, &mine);
    bool way_paired = rc == 0 && s_side_names (mine.e, mine.n, k, c_side, way_res);
    s_events_free (&mine);
    if (rc || way_paired)
        return rc;
    s_events_t l = { 0 };
    rc = s_events (w, proc->iri, way_side ? VF_ROLE_OUTPUT_OF : VF_ROLE_INPUT_OF, NULL, NULL, false,
                   &l);
    if (rc == 0)
        *yes = !s_side_names (l.e, l.n, k, way_side, c_res);
    s_events_free (&l);
    return rc;
}

/*  May the walk take candidate c from frame f? Updates the pair sets. */
static int
s_pair_ok (s_walk_t *w, s_frame_t *f, s_cand_t *c, bool *ok)
{
    *ok = true;
    bool output_side;
    int k = c->kind == S_EVENT ? s_pair_kind (c->ev, &output_side) : -1;
    const char *res = k >= 0 ? s_str (c->ev, "resourceInventoriedAs") : NULL;
    if (!res)
        return 0;
    bool opens = output_side != w->o->forward; /* trace: dropoff opens; track: pickup */
    json_t *n = json_object_get (w->pairs[k], res);
    if (opens)
        return json_object_set_new (w->pairs[k], res, json_integer (json_integer_value (n) + 1))
                   ? vf_err_set (w->err, VF_ENOMEM, "out of memory walking")
                   : 0;
    if (json_integer_value (n) > 0)
        return json_object_set_new (w->pairs[k], res, json_integer (json_integer_value (n) - 1))
                   ? vf_err_set (w->err, VF_ENOMEM, "out of memory walking")
                   : 0;
    int rc = s_renamed (w, f, c, k, ok);
    if (rc == 0 && *ok)
        c->via = "renamed";
    return rc;
}

/* ---------------------------------------------------------------- walk */

static int
s_org_of (s_walk_t *w, s_item_t *it)
{
    if (it->kind == S_EVENT) {
        vf_text_encode (it->org, VF_TEXT_KEY, it->ev->author);
        return 0;
    }
    vf_entry_t *rec = NULL;
    int rc = vf_project_current (w->self, w->txn, it->iri, s_kind_class[it->kind], &rec, w->err);
    if (rc == 0 && it->kind == S_RESOURCE) {
        json_t *state = NULL;
        uint8_t key[VF_HASH_BYTES];
        MDB_val v;
        vf_hash (key, it->iri, strlen (it->iri));
        int got = vf_db_get (w->self->db, w->txn, VF_T_STATE, key, sizeof key, &v, w->err);
        if (got == 0) {
            vf_mp_reader_t r;
            vf_mp_reader_init (&r, v.mv_data, v.mv_size);
            rc = vf_mp_read_json (&r, 0, &state, w->err);
        } else if (got != VF_ENOTFOUND)
            rc = got;
        const char *owner = json_string_value (json_object_get (state, "owner"));
        if (owner)
            snprintf (it->org, sizeof it->org, "%s", owner);
        json_decref (state);
    }
    if (rc == 0 && !it->org[0] && rec)
        vf_text_encode (it->org, VF_TEXT_KEY, rec->author);
    if (rc == 0 && !it->org[0] && it->parent >= 0)
        memcpy (it->org, w->items[it->parent].org, sizeof it->org);
    vf_entry_destroy (&rec);
    return rc;
}

/*  Take candidate c as a new item reached from item parent. */
static int
s_add_item (s_walk_t *w, s_cand_t *c, long parent)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        s_item_t *grown = realloc (w->items, cap * sizeof *grown);
        if (!grown)
            return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        w->items = grown, w->cap = cap;
    }
    s_item_t *it = &w->items[w->n];
    memset (it, 0, sizeof *it);
    it->kind = c->kind, it->iri = c->iri, it->ev = c->ev, it->via = c->via;
    it->pending = c->pending, it->parent = parent;
    it->depth = parent >= 0 ? w->items[parent].depth + 1 : 0;
    c->iri = NULL, c->ev = NULL;
    w->n++;
    char *key = s_seen_key (it->kind, it->iri, it->ev);
    int rc = key && json_object_set_new (w->seen, key, json_true ()) == 0
                 ? 0
                 : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    free (key);
    if (rc == 0)
        rc = s_org_of (w, it);
    if (rc == 0 && w->o->stop_at_boundary && it->org[0] && w->n > 1 &&
        strcmp (it->org, w->items[0].org) != 0)
        it->boundary = true;
    return rc;
}

/*  Is the item's own record (a resource or process definition) held? */
static int
s_held (s_walk_t *w, const s_item_t *it, bool *yes)
{
    *yes = true;
    if (it->kind == S_EVENT)
        return 0;
    vf_entry_t *rec = NULL;
    int rc = vf_project_current (w->self, w->txn, it->iri, s_kind_class[it->kind], &rec, w->err);
    *yes = rec != NULL;
    vf_entry_destroy (&rec);
    return rc;
}

/*  What the walk knows of a record it does not hold: the agent the
    referring event names for it. */
static void
s_unknown_hints (s_walk_t *w, s_item_t *it)
{
    const s_item_t *from = it->parent >= 0 ? &w->items[it->parent] : NULL;
    if (!from || from->kind != S_EVENT)
        return;
    const char *to = s_str (from->ev, "toResourceInventoriedAs");
    bool receiving = it->kind == S_RESOURCE && to && strcmp (to, it->iri) == 0;
    const char *agent = s_str (from->ev, receiving ? "receiver" : "provider");
    if (agent)
        it->agent = strdup (agent);
}

static int
s_expand (s_walk_t *w, s_frame_t *f, size_t i)
{
    memset (f, 0, sizeof *f);
    f->item = i;
    s_cands_t l = { 0 };
    int rc = s_steps (w, i, &l);
    if (rc) {
        s_cands_free (l.c, l.n);
        return rc;
    }
    f->c = l.c, f->n = l.n;
    s_item_t *it = &w->items[i];
    bool held = true;
    if (l.n == 0)
        rc = s_held (w, it, &held);
    if (rc == 0 && !held) {
        it->unknown = true;
        it->org[0] = '\0'; /* not the organisation of the item it was reached from */
        s_unknown_hints (w, it);
    }
    return rc;
}

static bool
s_expandable (s_walk_t *w, const s_item_t *it)
{
    return !it->boundary && (!w->o->max_depth || it->depth < w->o->max_depth);
}

static int
s_walk (s_walk_t *w)
{
    s_frame_t *stack = NULL;
    size_t depth = 0, cap = 0;
    int rc = 0;
    if (s_expandable (w, &w->items[0])) {
        stack = malloc (sizeof *stack);
        if (!stack)
            return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        cap = 1;
        rc = s_expand (w, &stack[0], 0);
        depth = rc == 0;
    }
    while (rc == 0 && depth > 0) {
        s_frame_t *f = &stack[depth - 1];
        if (f->next == f->n) {
            s_cands_free (f->c, f->n);
            depth--;
            continue;
        }
        s_cand_t *c = &f->c[f->next++];
        if (s_seen (w, c->kind, c->iri, c->ev))
            continue;
        bool ok = true;
        if (!w->o->one_step)
            rc = s_pair_ok (w, f, c, &ok);
        if (rc || !ok)
            continue;
        if (w->n >= w->max) {
            w->truncated = true;
            break;
        }
        rc = s_add_item (w, c, (long) f->item);
        size_t i = w->n - 1;
        if (rc || w->o->one_step || !s_expandable (w, &w->items[i]))
            continue;
        if (depth == cap) {
            s_frame_t *grown = realloc (stack, 2 * cap * sizeof *grown);
            if (!grown) {
                rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
                break;
            }
            stack = grown, cap *= 2;
        }
        rc = s_expand (w, &stack[depth], i);
        if (rc == 0)
            depth++;
    }
    while (depth > 0) {
        depth--;
        s_cands_free (stack[depth].c, stack[depth].n);
    }
    free (stack);
    return rc;
}

/* --------------------------------------------------------------- start */

/*  What iri names: an event (the first that counts under it), a process,
    a resource; "vfe_..." names one event entry. */
static int
s_start (s_walk_t *w, const char *iri, s_cand_t *c)
{
    memset (c, 0, sizeof *c);
    uint8_t id[VF_HASH_BYTES];
    if (strncmp (iri, "vfe_", 4) == 0) {
        if (vf_text_decode (id, VF_TEXT_ID, iri, w->err) != 0)
            return VF_EINVAL;
        int rc = vf_store_load_id (w->self, w->txn, id, &c->ev, w->err);
        if (rc == VF_ENOTFOUND)
            return vf_err_set (w->err, rc, "no entry %s is held", iri);
        if (rc)
            return rc;
        if (strcmp (c->ev->cls, "EconomicEvent") != 0) {
            vf_entry_destroy (&c->ev);
            return vf_err_set (w->err, VF_EINVAL, "entry %s is a %s, not an EconomicEvent", iri,
                               c->ev ? c->ev->cls : "record");
        }
        c->kind = S_EVENT;
        c->iri = strdup (vf_entry_iri (c->ev));
        return c->iri ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
    }
    s_events_t l = { 0 };
    int rc = s_events (w, iri, VF_ROLE_DEFINES, NULL, NULL, false, &l);
    if (rc == 0 && l.n > 0) {
        c->kind = S_EVENT, c->ev = l.e[0], l.e[0] = NULL;
        s_events_free (&l);
        c->iri = strdup (iri);
        return c->iri ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
    }
    s_events_free (&l);
    if (rc)
        return rc;
    static const struct {
        s_kind_t kind;
        vf_role_t role;
    } uses[] = { { S_PROCESS, VF_ROLE_INPUT_OF },
                 { S_PROCESS, VF_ROLE_OUTPUT_OF },
                 { S_RESOURCE, VF_ROLE_RESOURCE },
                 { S_RESOURCE, VF_ROLE_TO_RESOURCE } };
    bool found = false;
    for (int kind = S_RESOURCE; kind <= S_PROCESS && rc == 0 && !found; kind++) {
        vf_entry_t *rec = NULL;
        rc = vf_project_current (w->self, w->txn, iri, s_kind_class[kind], &rec, w->err);
        if (rec)
            c->kind = (s_kind_t) kind, found = true;
        vf_entry_destroy (&rec);
    }
    for (size_t k = 0; k < 4 && rc == 0 && !found; k++) {
        uint8_t key[VF_REF_KEY_BYTES];
        MDB_val v;
        vf_ref_key (iri, uses[k].role, key);
        int got = vf_db_get (w->self->db, w->txn, VF_T_REFS, key, sizeof key, &v, w->err);
        if (got == 0)
            c->kind = uses[k].kind, found = true;
        else if (got != VF_ENOTFOUND)
            rc = got;
    }
    if (rc == 0 && !found)
        return vf_err_set (w->err, VF_ENOTFOUND,
                           "nothing this node holds names %s (an EconomicResource, EconomicEvent "
                           "or Process IRI, or an event's vfe_ entry id)",
                           iri);
    c->iri = rc ? NULL : strdup (iri);
    return rc || c->iri ? rc : vf_err_set (w->err, VF_ENOMEM, "out of memory");
}

/* -------------------------------------------------------------- output */

static int
s_sum (json_t *groups, const char *key, json_t *proto, const json_t *measure, vf_err_t *err)
{
    const char *num = json_string_value (json_object_get (measure, "hasNumericalValue"));
    const char *unit = json_string_value (json_object_get (measure, "hasUnit"));
    vf_decimal_t add, total = { 0, 0 };
    if (!num || !unit || vf_decimal_parse (&add, num, strlen (num), NULL) != 0) {
        json_decref (proto);
        return 0;
    }
    size_t len = strlen (key) + strlen (unit) + 2;
    char *k = malloc (len);
    if (!k) {
        json_decref (proto);
        return vf_err_set (err, VF_ENOMEM, "out of memory");
    }
    snprintf (k, len, "%s\x1f%s", key, unit);
    json_t *g = json_object_get (groups, k);
    if (!g) {
        json_object_set_new (proto, "unit", json_string (unit));
        json_object_set_new (proto, "total", json_string ("0"));
        json_object_set_new (groups, k, proto);
        g = proto;
    } else
        json_decref (proto);
    free (k);
    const char *was = json_string_value (json_object_get (g, "total"));
    vf_decimal_parse (&total, was, strlen (was), NULL);
    if (vf_decimal_add (&total, total, add) != 0) {
        json_object_set_new (g, "overflow", json_true ());
        return 0;
    }
    char text[VF_DECIMAL_TEXT_MAX];
    json_object_set_new (g, "total", json_string (vf_decimal_format (&total, text)));
    return 0;
}

static json_t *
s_sorted_values (json_t *groups)
{
    json_t *arr = json_array ();
    const char **keys = malloc ((json_object_size (groups) + 1) * sizeof *keys);
    size_t n = 0;
    const char *k;
    json_t *v;
    if (!arr || !keys) {
        free (keys);
        return arr;
    }
    json_object_foreach (groups, k, v)
        keys[n++] = k;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp (keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1], keys[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        json_array_append (arr, json_object_get (groups, keys[i]));
    free (keys);
    return arr;
}

/*  Work hours per organisation and agent; inputs per organisation,
    action, resource specification and unit. */
static int
s_rollup (s_walk_t *w, json_t *out)
{
    json_t *work = json_object (), *inputs = json_object ();
    int rc = work && inputs ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
    for (size_t i = 0; i < w->n && rc == 0; i++) {
        const s_item_t *it = &w->items[i];
        if (it->kind != S_EVENT)
            continue;
        const vf_entry_t *e = it->ev;
        const char *agent = s_str (e, "provider");
        if (s_is (e, "work")) {
            char key[8192];
            snprintf (key, sizeof key, "%s\x1f%s", it->org, agent ? agent : "");
            rc = s_sum (work, key,
                        json_pack ("{s:s, s:s?}", "organisation", it->org, "agent", agent),
                        json_object_get (e->body, "effortQuantity"), w->err);
            continue;
        }
        if (!s_str (e, "inputOf"))
            continue;
        const char *spec = s_str (e, "resourceConformsTo");
        vf_entry_t *rec = NULL;
        const char *res = s_str (e, "resourceInventoriedAs");
        if (!spec && res &&
            (rc = vf_project_current (w->self, w->txn, res, "EconomicResource", &rec, w->err)) == 0)
            spec = s_str (rec, "conformsTo");
        char key[8192];
        snprintf (key, sizeof key, "%s\x1f%s\x1f%s", it->org, s_action (e), spec ? spec : "");
        static const char *qtys[] = { "resourceQuantity", "effortQuantity" };
        for (size_t q = 0; q < 2 && rc == 0; q++)
            if (json_object_get (e->body, qtys[q]))
                rc = s_sum (inputs, key,
                            json_pack ("{s:s, s:s, s:s?}", "organisation", it->org, "action",
                                       s_action (e), "spec", spec),
                            json_object_get (e->body, qtys[q]), w->err);
        vf_entry_destroy (&rec);
    }
    if (rc == 0)
        json_object_set_new (out, "rollup",
                             json_pack ("{s:o, s:o}", "work", s_sorted_values (work), "inputs",
                                        s_sorted_values (inputs)));
    json_decref (work);
    json_decref (inputs);
    return rc;
}

static int
s_item_json (s_walk_t *w, size_t i, json_t **out)
{
    const s_item_t *it = &w->items[i];
    json_t *o = NULL;
    int rc = 0;
    if (it->kind == S_EVENT)
        o = json_deep_copy (it->ev->body);
    else if (it->kind == S_RESOURCE && !it->unknown) {
        rc = vf_project_resource (w->self, w->txn, it->iri, &o, w->err);
        if (rc == VF_ENOTFOUND)
            rc = 0;
    } else if (it->kind == S_PROCESS && !it->unknown) {
        vf_entry_t *rec = NULL;
        rc = vf_project_current (w->self, w->txn, it->iri, "Process", &rec, w->err);
        if (rc == 0 && rec)
            o = json_deep_copy (rec->body);
        vf_entry_destroy (&rec);
    }
    if (rc)
        return rc;
    if (!o)
        o = json_object ();
    if (!o)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory");
    json_object_set_new (o, "@id", json_string (it->iri));
    json_object_set_new (o, "@type", json_string (s_kind_class[it->kind]));
    json_object_set_new (o, "vfn:item", json_integer ((json_int_t) i));
    if (it->parent >= 0)
        json_object_set_new (o, "vfn:parent", json_integer (it->parent));
    json_object_set_new (o, "vfn:depth", json_integer ((json_int_t) it->depth));
    if (it->org[0])
        json_object_set_new (o, "vfn:organisation", json_string (it->org));
    if (it->kind == S_EVENT) {
        char id[VF_TEXT_MAX];
        json_object_set_new (o, "vfn:entry",
                             json_string (vf_text_encode (id, VF_TEXT_ID, it->ev->id)));
        static const char *agents[] = { "provider", "receiver" };
        for (size_t k = 0; k < 2; k++)
            if (s_str (it->ev, agents[k]))
                s_agent_name (w, s_str (it->ev, agents[k]));
    }
    if (it->via)
        json_object_set_new (o, "vfn:via", json_string (it->via));
    if (it->pending)
        json_object_set_new (o, "vfn:pending", json_true ());
    if (it->boundary)
        json_object_set_new (o, "vfn:boundary", json_true ());
    if (it->unknown) {
        json_object_set_new (o, "vfn:unknown", json_true ());
        if (it->agent)
            json_object_set_new (o, "vfn:agent", json_string (it->agent));
        /*  vfnode mints urn:vfnode:<vfk_...>:<seq> */
        if (strncmp (it->iri, "urn:vfnode:vfk_", 15) == 0 && strlen (it->iri) > 11 + VF_TEXT_LEN) {
            char key[VF_TEXT_MAX];
            snprintf (key, sizeof key, "%.*s", VF_TEXT_LEN, it->iri + 11);
            uint8_t raw[VF_KEY_BYTES];
            if (vf_text_decode (raw, VF_TEXT_KEY, key, NULL) == 0)
                json_object_set_new (o, "vfn:owner", json_string (key));
        }
    }
    *out = o;
    return 0;
}

static int
s_render (s_walk_t *w, const char *start, json_t **out)
{
    const vf_trace_opts_t *o = w->o;
    const char *direction =
        o->one_step ? (o->forward ? "next" : "previous") : (o->forward ? "track" : "trace");
    json_t *items = json_array ();
    json_t *res = json_pack ("{s:s, s:s, s:o, s:o, s:I, s:b}", "direction", direction, "start",
                             start, "items", items, "agents", json_incref (w->agents), "visited",
                             (json_int_t) w->n, "truncated", w->truncated);
    if (!res)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < w->n && rc == 0; i++) {
        json_t *it = NULL;
        rc = s_item_json (w, i, &it);
        if (rc == 0 && json_array_append_new (items, it))
            rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    }
    if (rc == 0 && o->rollup)
        rc = s_rollup (w, res);
    if (rc)
        json_decref (res);
    else
        *out = res;
    return rc;
}

int
vf_store_trace (vf_store_t *self, const char *iri, const vf_trace_opts_t *opts, json_t **out,
                vf_err_t *err)
{
    *out = NULL;
    if (!iri || !*iri)
        return vf_err_set (err, VF_EINVAL, "trace: no start IRI given");
    if (opts->max_items > VF_TRACE_ITEMS_MAX)
        return vf_err_set (err, VF_EINVAL, "trace: at most %d items, not %zu", VF_TRACE_ITEMS_MAX,
                           opts->max_items);
    s_walk_t w;
    memset (&w, 0, sizeof w);
    w.self = self, w.err = err, w.o = opts;
    w.max = opts->max_items ? opts->max_items : VF_TRACE_ITEMS_DEFAULT;
    w.seen = json_object ();
    w.agents = json_object ();
    w.bounds = json_object ();
    for (int k = 0; k < 3; k++)
        w.pairs[k] = json_object ();
    int rc = w.seen && w.agents && w.bounds && w.pairs[0] && w.pairs[1] && w.pairs[2]
                 ? vf_db_begin (self->db, false, &w.txn, err)
                 : vf_err_set (err, VF_ENOMEM, "out of memory");
    s_cand_t start = { 0 };
    if (rc == 0)
        rc = s_start (&w, iri, &start);
    if (rc == 0)
        rc = s_add_item (&w, &start, -1);
    s_cand_free (&start);
    /*  a walk starting at the output side of a pair opens it (trace), at
        the input side (track) */
    bool side;
    int k = rc == 0 && w.items[0].kind == S_EVENT ? s_pair_kind (w.items[0].ev, &side) : -1;
    const char *r = k >= 0 ? s_str (w.items[0].ev, "resourceInventoriedAs") : NULL;
    if (r && side != opts->forward)
        json_object_set_new (w.pairs[k], r, json_integer (1));
    if (rc == 0)
        rc = s_walk (&w);
    if (rc == 0)
        rc = s_render (&w, iri, out);
    if (w.txn)
        vf_db_abort (w.txn);
    for (size_t i = 0; i < w.n; i++) {
        free (w.items[i].iri);
        free (w.items[i].agent);
        vf_entry_destroy (&w.items[i].ev);
    }
    free (w.items);
    json_decref (w.seen);
    json_decref (w.agents);
    json_decref (w.bounds);
    for (int j = 0; j < 3; j++)
        json_decref (w.pairs[j]);
    return rc;
}
