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
      that added to its resource, for a track the first after it that took
      from it) is walked first, and is how a walk goes on from a resource
      it has visited already; it is the event's neighbour in the ordered
      refs index, so every node computes the same one; each resource's
      list of possible breadcrumbs is read once per walk and searched;
    - pickup/dropoff and accept/modify are paired per process and
      resource, combine/separate per resource, through the pending sets of
      the algorithm; a dropoff (modify) whose resource no pickup (accept)
      of the same process names pairs with the pickups (accepts) whose
      resource no dropoff (modify) of that process names: the goods changed
      their name in the process (the apples shape);
    - an event naming another owner's resource crosses to that resource
      only once the owner confirmed it, unless pending events are asked for;
    - a transfer that names no receiving resource links to the resources
      with the same trackingIdentifier or ofBatchLot that belong to its
      receiver or conform to the same specification;
    - a second way into a transport or repair walked already takes that
      process's events that pair with it as its own steps (s_counterparts);
    - an item left unexpanded by max_depth is expanded after all when the
      walk reaches it again in fewer steps (s_nearer, with what may move);
      the items are then put back in depth-first order;
    - a walk reads at most S_READS_PER_ITEM records per item it may return
      (and at least S_READS_MIN; or max_reads) and holds at most S_HELD_MAX
      steps: it stops there, truncated, whatever the shape of the graph.
*/
#include "vf_trace.h"

#include <stdlib.h>
#include <string.h>

#include "vf_mp.h"
#include "vf_store_int.h"
#include "vf_text.h"

typedef enum { S_RESOURCE, S_PROCESS, S_EVENT } s_kind_t;

static const char *s_kind_class[] = { "EconomicResource", "Process", "EconomicEvent" };

/*  A step the walk may take. */
/*  Records a walk may read per item it may return, and at least: the
    bound on a walk's cost whatever the graph (a stock taken from by many
    processes, a lot code shared by many resources). */
#define S_READS_PER_ITEM 100
#define S_READS_MIN 100000
/*  Steps a walk holds (decoded events waiting in its stack) at most: the
    bound on its memory, whatever the graph. */
#define S_HELD_MAX 250000

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
    long first, last, next; /* children, in the order taken; -1: none */
    size_t depth;
    const char *via;
    bool pending, boundary, unknown;
    bool cut;              /* not expanded because of max_depth */
    char org[VF_TEXT_MAX]; /* vfk_... or "" */
    char *agent;           /* unknown items: the agent the referring event names */
} s_item_t;

typedef struct {
    size_t item;
    s_cand_t *c;
    size_t n, next;
} s_frame_t;

/*  The order keys of the events of one resource that can be a breadcrumb
    in this walk's direction, ascending. */
typedef struct {
    uint8_t (*k)[VF_ORDER_KEY_BYTES];
    size_t n;
} s_crumbs_t;

typedef struct {
    vf_store_t *self;
    MDB_txn *txn;
    vf_err_t *err;
    const vf_trace_opts_t *o;
    size_t max;
    s_item_t *items;
    size_t n, cap;
    json_t *seen;     /* visited: kind letter + IRI, or "e" + entry id -> item index */
    json_t *pairs[3]; /* pickup/dropoff, accept/modify: process + resource, combine/separate:
                         resource -> count */
    json_t *agents;   /* agent IRI -> name | null */
    json_t *owners;   /* agent IRI -> vfk_... of its record's author | null */
    json_t *bounds;   /* visited resource -> the bound it was expanded with (s_keep_bound) */
    json_t *crumbs;   /* resource IRI -> index in crumb */
    s_crumbs_t *crumb;
    size_t ncrumb;
    json_t *procs; /* process IRI -> the resources its pair events name (s_proc_names) */
    json_t *lots;  /* field, value -> the resources whose current record has it (s_lot) */
    size_t reads, budget;
    size_t held;       /* decoded events in the stack's steps */
    const char *limit; /* what stopped the walk early: "max_items" | "reads" | "memory" */
    bool moved;        /* an item was reparented (s_walk) */
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
s_cands_free (s_walk_t *w, s_cand_t *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        w->held -= c[k].ev != NULL;
        s_cand_free (&c[k]);
    }
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
    if (ev && *ev && w->held >= S_HELD_MAX) {
        w->limit = "memory";
        return vf_err_set (w->err, VF_ETOOBIG, "the walk holds %d steps, its limit", S_HELD_MAX);
    }
    s_cand_t *c = &l->c[l->n];
    c->iri = strdup (iri);
    if (!c->iri)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    c->kind = kind, c->via = via, c->pending = pending;
    c->ev = ev ? *ev : NULL;
    if (ev)
        *ev = NULL;
    w->held += c->ev != NULL;
    l->n++;
    return 0;
}

/*  The longest visited-set key: a kind letter and an IRI. */
#define S_KEY_MAX (VF_IRI_MAX + 2)

/*  The visited-set key of a step in key: "e" and the entry id for events,
    "r" or "p" and the IRI for resources and processes; NULL (and err set)
    for an IRI longer than any the store holds. */
static const char *
s_seen_key (s_walk_t *w, s_kind_t kind, const char *iri, const vf_entry_t *ev, char key[S_KEY_MAX])
{
    char id[VF_TEXT_MAX];
    const char *name = kind == S_EVENT ? vf_text_encode (id, VF_TEXT_ID, ev->id) : iri;
    int n = snprintf (key, S_KEY_MAX, "%c%s",
                      kind == S_EVENT      ? 'e'
                      : kind == S_RESOURCE ? 'r'
                                           : 'p',
                      name);
    if (n < 0 || n >= S_KEY_MAX) {
        vf_err_set (w->err, VF_ETOOBIG, "an IRI of more than %d bytes in the walk", VF_IRI_MAX);
        return NULL;
    }
    return key;
}

/*  The index of the item the walk took for this step in *at, -1 when it
    has not taken it. */
static int
s_find (s_walk_t *w, s_kind_t kind, const char *iri, const vf_entry_t *ev, long *at)
{
    char key[S_KEY_MAX];
    *at = -1;
    if (!s_seen_key (w, kind, iri, ev, key))
        return VF_ETOOBIG;
    json_t *v = json_object_get (w->seen, key);
    if (v)
        *at = (long) json_integer_value (v);
    return 0;
}

/*  Count one read against the walk's budget. */
static int
s_read (s_walk_t *w)
{
    if (++w->reads <= w->budget)
        return 0;
    w->limit = "reads";
    return vf_err_set (w->err, VF_ETOOBIG, "the walk read %zu records, its limit", w->budget);
}

static int
s_load (s_walk_t *w, const uint8_t id[VF_HASH_BYTES], vf_entry_t **e)
{
    int rc = s_read (w);
    return rc ? rc : vf_store_load_id (w->self, w->txn, id, e, w->err);
}

/*  The current record of iri of class cls, or NULL (vf_project_current). */
static int
s_current (s_walk_t *w, const char *iri, const char *cls, vf_entry_t **rec)
{
    *rec = NULL;
    int rc = s_read (w);
    return rc ? rc : vf_project_current (w->self, w->txn, iri, cls, rec, w->err);
}

/*  Is e the event that counts under its IRI? */
static int
s_counts (s_walk_t *w, const vf_entry_t *e, bool *yes)
{
    *yes = false;
    if (strcmp (e->cls, "EconomicEvent") != 0)
        return 0;
    int rc = s_read (w);
    return rc ? rc : vf_project_counts (w->self, w->txn, e, yes, w->err);
}

/*  The state the store keeps of resource iri (owner, primaryAccountable,
    quantities...; docs/STORE.md), or NULL. */
static int
s_state (s_walk_t *w, const char *iri, json_t **state)
{
    *state = NULL;
    uint8_t key[VF_HASH_BYTES];
    MDB_val v;
    vf_hash (key, iri, strlen (iri));
    int rc = s_read (w);
    int got = rc ? rc : vf_db_get (w->self->db, w->txn, VF_T_STATE, key, sizeof key, &v, w->err);
    if (got == VF_ENOTFOUND)
        return 0;
    if (got)
        return got;
    vf_mp_reader_t r;
    vf_mp_reader_init (&r, v.mv_data, v.mv_size);
    return vf_mp_read_json (&r, 0, state, w->err);
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
    char key[VF_TEXT_MAX + 2];
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
            rc = s_load (w, (const uint8_t *) v.mv_data + 8, &e);
            if (rc == 0)
                rc = s_counts (w, e, &counts);
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

static int
s_cmp_order (const void *a, const void *b)
{
    return memcmp (a, b, VF_ORDER_KEY_BYTES);
}

/*  Add to l the order keys of the events under iri || role that can be
    a breadcrumb on iri: events that count and that the walk may cross to
    iri with; for a trace only those that added to it. */
static int
s_crumbs_scan (s_walk_t *w, const char *iri, vf_role_t role, s_crumbs_t *l, size_t *cap)
{
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key (iri, role, key);
    MDB_cursor *cur = NULL;
    MDB_val k = { sizeof key, key }, v;
    int rc = vf_db_cursor (w->self->db, w->txn, VF_T_REFS, &cur, w->err);
    int got = rc ? rc : vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_SET_KEY, w->err);
    while (got == 0 && rc == 0) {
        vf_entry_t *e = NULL;
        bool counts = false, ok = false, pending;
        rc = s_load (w, (const uint8_t *) v.mv_data + 8, &e);
        if (rc == 0)
            rc = s_counts (w, e, &counts);
        if (rc == 0 && counts && s_adds_to (e, iri) != w->o->forward)
            rc = s_may_cross (w, iri, e, &ok, &pending);
        vf_entry_destroy (&e);
        if (rc == 0 && ok && l->n == *cap) {
            size_t grown = *cap ? 2 * *cap : 8;
            void *k2 = realloc (l->k, grown * sizeof *l->k);
            if (!k2)
                rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
            else
                l->k = k2, *cap = grown;
        }
        if (rc == 0 && ok)
            memcpy (l->k[l->n++], v.mv_data, VF_ORDER_KEY_BYTES);
        if (rc == 0)
            got = vf_db_cursor_get (w->self->db, cur, &k, &v, MDB_NEXT_DUP, w->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    return rc ? rc : got == VF_ENOTFOUND ? 0 : got;
}

/*  The possible breadcrumbs on resource iri, read once per walk: for a
    trace the events that added to it (an output, raise, lower or incoming
    transfer), for a track the events that took from it (that name it as
    resourceInventoriedAs and do not add to it). */
static int
s_crumbs (s_walk_t *w, const char *iri, const s_crumbs_t **out)
{
    *out = NULL;
    json_t *at = json_object_get (w->crumbs, iri);
    if (at) {
        *out = &w->crumb[json_integer_value (at)];
        return 0;
    }
    s_crumbs_t l = { NULL, 0 }, *grown = realloc (w->crumb, (w->ncrumb + 1) * sizeof *grown);
    if (!grown)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    w->crumb = grown;
    size_t cap = 0;
    int rc = s_crumbs_scan (w, iri, VF_ROLE_RESOURCE, &l, &cap);
    if (rc == 0 && !w->o->forward)
        rc = s_crumbs_scan (w, iri, VF_ROLE_TO_RESOURCE, &l, &cap);
    if (rc == 0 && l.n > 1)
        qsort (l.k, l.n, sizeof *l.k, s_cmp_order);
    size_t n = 0; /* an event may name the resource in both roles */
    for (size_t k = 0; k < l.n; k++)
        if (n == 0 || memcmp (l.k[n - 1], l.k[k], VF_ORDER_KEY_BYTES) != 0)
            memmove (l.k[n++], l.k[k], VF_ORDER_KEY_BYTES);
    l.n = n;
    if (rc == 0 && json_object_set_new (w->crumbs, iri, json_integer ((json_int_t) w->ncrumb)))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    if (rc) {
        free (l.k);
        return rc;
    }
    w->crumb[w->ncrumb] = l;
    *out = &w->crumb[w->ncrumb++];
    return 0;
}

/*  The breadcrumb of event e on resource iri (the previousEvent of
    algorithms/track.md): for a trace the last event before it that added
    to the resource, for a track the first event after it that took from
    it, among those the walk may use. Derived from the order of the refs
    index, so every node that holds the same events has the same
    breadcrumbs, whatever order they arrived in. *out NULL when there is
    none. */
static int
s_breadcrumb (s_walk_t *w, const char *iri, const vf_entry_t *e, bool before, vf_entry_t **out)
{
    *out = NULL;
    const s_crumbs_t *l;
    int rc = s_crumbs (w, iri, &l);
    if (rc)
        return rc;
    uint8_t b[VF_ORDER_KEY_BYTES];
    s_order (e, b);
    size_t lo = 0, hi = l->n; /* the first key >= b (before), > b (after) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp (l->k[mid], b, sizeof b);
        if (before ? c < 0 : c <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (before ? lo == 0 : lo == l->n)
        return 0;
    return s_load (w, l->k[before ? lo - 1 : lo] + 8, out);
}

/*  What the store holds of agent iri, read once per walk: its name and
    the co-op that published its record (vfk_...); NULL where it holds no
    Organization, Person or EcologicalAgent record (or it has no name). */
static int
s_agent (s_walk_t *w, const char *iri, const char **name, const char **owner)
{
    int rc = 0;
    if (!json_object_get (w->agents, iri)) {
        static const char *classes[] = { "Organization", "Person", "EcologicalAgent" };
        vf_entry_t *rec = NULL;
        for (size_t k = 0; k < 3 && rc == 0 && !rec; k++)
            rc = s_current (w, iri, classes[k], &rec);
        char key[VF_TEXT_MAX];
        const char *n = s_str (rec, "name");
        if (rc == 0 &&
            (json_object_set_new (w->agents, iri, n ? json_string (n) : json_null ()) ||
             json_object_set_new (w->owners, iri,
                                  rec ? json_string (vf_text_encode (key, VF_TEXT_KEY, rec->author))
                                      : json_null ())))
            rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        vf_entry_destroy (&rec);
        if (rc) {
            json_object_del (w->agents, iri);
            return rc;
        }
    }
    if (name)
        *name = json_string_value (json_object_get (w->agents, iri));
    if (owner)
        *owner = json_string_value (json_object_get (w->owners, iri));
    return 0;
}

/* ------------------------------------------------- tracking identifiers */

/*  What links a resource by its lot: its IRI, from its current record
    the co-op that published it ("a") and its conformsTo ("c"), and from
    its state its primaryAccountable ("p"). */
static int
s_lot_info (s_walk_t *w, const char *iri, const vf_entry_t *rec, json_t **out)
{
    char key[VF_TEXT_MAX];
    json_t *state = NULL;
    int rc = s_state (w, iri, &state);
    *out = rc ? NULL
              : json_pack ("{s:s, s:s, s:s?, s:s?}", "@id", iri, "a",
                           vf_text_encode (key, VF_TEXT_KEY, rec->author), "c",
                           s_str (rec, "conformsTo"), "p",
                           json_string_value (json_object_get (state, "primaryAccountable")));
    json_decref (state);
    return rc ? rc : *out ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
}

/*  The resources whose current record (the owner's) has value in field
    (role: the refs rows of such values), as s_lot_info objects; read once
    per walk. *out is borrowed. */
static int
s_lot (s_walk_t *w, const char *field, vf_role_t role, const char *value, json_t **out)
{
    size_t len = strlen (field) + strlen (value) + 2;
    char *name = malloc (len);
    if (!name)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    snprintf (name, len, "%s\x1f%s", field, value);
    json_t *l = json_object_get (w->lots, name);
    if (l) {
        free (name);
        *out = l;
        return 0;
    }
    l = json_array ();
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key (value, role, key);
    MDB_cursor *cur = NULL;
    MDB_val kv = { sizeof key, key }, v;
    int rc = l ? vf_db_cursor (w->self->db, w->txn, VF_T_REFS, &cur, w->err)
               : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    int got = rc ? rc : vf_db_cursor_get (w->self->db, cur, &kv, &v, MDB_SET_KEY, w->err);
    while (got == 0 && rc == 0) {
        vf_entry_t *mate = NULL, *current = NULL;
        rc = s_load (w, (const uint8_t *) v.mv_data + 8, &mate);
        const char *other = rc == 0 ? vf_entry_iri (mate) : NULL;
        if (rc == 0 && strcmp (mate->cls, "EconomicResource") == 0)
            rc = s_current (w, other, "EconomicResource", &current);
        /*  only the owner's current record links */
        const char *now = s_str (current, field);
        json_t *info = NULL;
        if (rc == 0 && current && memcmp (current->id, mate->id, VF_HASH_BYTES) == 0 && now &&
            strcmp (now, value) == 0 && (rc = s_lot_info (w, other, current, &info)) == 0 &&
            json_array_append_new (l, info))
            rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        vf_entry_destroy (&mate);
        vf_entry_destroy (&current);
        if (rc == 0)
            got = vf_db_cursor_get (w->self->db, cur, &kv, &v, MDB_NEXT_DUP, w->err);
    }
    if (cur)
        mdb_cursor_close (cur);
    if (rc == 0 && got != 0 && got != VF_ENOTFOUND)
        rc = got;
    if (rc == 0 && json_object_set_new (w->lots, name, l))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    else if (rc)
        json_decref (l);
    *out = rc ? NULL : json_object_get (w->lots, name);
    free (name);
    return rc;
}

/*  The resources other than iri whose current record has the same
    trackingIdentifier or ofBatchLot as the current record of iri; calls
    fn with both (s_lot_info) and the field that links them. */
typedef int (*s_lot_fn) (s_walk_t *w, const json_t *self, const json_t *mate, const char *via,
                         void *arg);

static int
s_lot_mates (s_walk_t *w, const char *iri, s_lot_fn fn, void *arg)
{
    vf_entry_t *rec = NULL;
    int rc = s_current (w, iri, "EconomicResource", &rec);
    if (rc || !rec)
        return rc;
    static const struct {
        const char *field;
        vf_role_t role;
    } links[] = { { "trackingIdentifier", VF_ROLE_TRACKING }, { "ofBatchLot", VF_ROLE_OTHER } };
    json_t *self = NULL;
    rc = s_lot_info (w, iri, rec, &self);
    for (size_t k = 0; k < 2 && rc == 0; k++) {
        const char *value = s_str (rec, links[k].field);
        json_t *mates = NULL;
        if (value)
            rc = s_lot (w, links[k].field, links[k].role, value, &mates);
        for (size_t j = 0; j < json_array_size (mates) && rc == 0; j++) {
            const json_t *m = json_array_get (mates, j);
            /*  each mate looked at costs as a read: a code shared by many
                resources must not make the walk's cost grow unbounded */
            rc = s_read (w);
            if (rc == 0 && strcmp (json_string_value (json_object_get (m, "@id")), iri) != 0)
                rc = fn (w, self, m, links[k].field, arg);
        }
    }
    json_decref (self);
    vf_entry_destroy (&rec);
    return rc;
}

static const char *
s_info (const json_t *info, const char *key)
{
    return json_string_value (json_object_get (info, key));
}

/*  Does transfer t, of resource sent, whose goods arrive as resource
    got by lot (neither named in t), go to got's owner? Yes when got's
    primaryAccountable is t's receiver, or the co-op that published got
    also published the receiver's agent record; failing both, when the
    two resources conform to the same specification. A lot code alone
    (common ones like "1" or "A") links nothing. */
static int
s_lot_scoped (s_walk_t *w, const json_t *got, const json_t *sent, const vf_entry_t *t, bool *yes)
{
    const char *receiver = s_str (t, "receiver"), *owner = NULL;
    const char *pa = s_info (got, "p"), *spec = s_info (got, "c"), *spec2 = s_info (sent, "c");
    int rc = receiver ? s_agent (w, receiver, NULL, &owner) : 0;
    *yes = rc == 0 && ((receiver && pa && strcmp (receiver, pa) == 0) ||
                       (owner && strcmp (owner, s_info (got, "a")) == 0) ||
                       (spec && spec2 && strcmp (spec, spec2) == 0));
    return rc;
}

typedef struct {
    s_cands_t *l;
    const uint8_t *lo, *hi;
    const vf_entry_t *t; /* track: the transfer */
} s_lot_arg_t;

/*  Trace: a transfer of a lot mate that names no receiving resource and
    goes to this resource's owner is where this resource may have come
    from. */
static int
s_lot_transfers (s_walk_t *w, const json_t *self, const json_t *mate, const char *via, void *arg)
{
    s_lot_arg_t *a = arg;
    s_events_t l = { 0 };
    const char *other = s_info (mate, "@id");
    int rc = s_events (w, other, VF_ROLE_RESOURCE, a->lo, a->hi, true, &l);
    for (size_t k = 0; k < l.n && rc == 0; k++) {
        bool ok = false, pending, scoped = false;
        if (!s_transferish (l.e[k]) || s_str (l.e[k], "toResourceInventoriedAs"))
            continue;
        rc = s_lot_scoped (w, self, mate, l.e[k], &scoped);
        if (rc == 0 && scoped)
            rc = s_may_cross (w, other, l.e[k], &ok, &pending);
        if (rc == 0 && ok)
            rc = s_cands_add (w, a->l, S_EVENT, vf_entry_iri (l.e[k]), &l.e[k], via, pending);
    }
    s_events_free (&l);
    return rc;
}

/*  Track: the lot mates of the receiver are where the goods of a transfer
    that names no receiving resource went. */
static int
s_lot_resources (s_walk_t *w, const json_t *self, const json_t *mate, const char *via, void *arg)
{
    s_lot_arg_t *a = arg;
    bool scoped = false;
    long at = -1;
    int rc = s_find (w, S_RESOURCE, s_info (mate, "@id"), NULL, &at);
    if (rc == 0 && at < 0) /* (one walked already is no step) */
        rc = s_lot_scoped (w, mate, self, a->t, &scoped);
    if (rc == 0 && scoped)
        rc = s_cands_add (w, a->l, S_RESOURCE, s_info (mate, "@id"), NULL, via, false);
    return rc;
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
    s_lot_arg_t a = { out, lo, hi, NULL };
    if (rc == 0 && !fwd)
        rc = s_lot_mates (w, iri, s_lot_transfers, &a);
    return rc;
}

/*  The bound a resource was expanded with (hex order key; null: none),
    kept so that reaching it again from a later event (a trace; an earlier
    one, a track) adds the events in between. */
static int
s_keep_bound (s_walk_t *w, const char *iri, const uint8_t *key)
{
    json_t *v = json_null ();
    if (key) {
        char hex[2 * VF_ORDER_KEY_BYTES + 1];
        for (size_t k = 0; k < VF_ORDER_KEY_BYTES; k++)
            snprintf (hex + 2 * k, 3, "%02x", key[k]);
        v = json_string (hex);
    }
    return v && json_object_set_new (w->bounds, iri, v) == 0
               ? 0
               : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
}

/*  The bound resource iri was expanded with; false if it was expanded
    with none, or not at all. */
static bool
s_get_bound (s_walk_t *w, const char *iri, uint8_t out[VF_ORDER_KEY_BYTES])
{
    const char *hex = json_string_value (json_object_get (w->bounds, iri));
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
    bool fwd = w->o->forward;
    /*  expanded with no bound, it has every step already; not expanded
        (max_depth), if it is, it is with its own parent's bound */
    if (!s_get_bound (w, iri, old))
        return 0;
    s_order (e, now);
    int c = memcmp (now, old, sizeof now);
    if (fwd ? c >= 0 : c <= 0)
        return 0;
    int rc = s_resource_steps (w, iri, fwd ? now : old, fwd ? old : now, "stock", out);
    return rc ? rc : s_keep_bound (w, iri, now);
}

/*  An event's step to a resource, if the walk may cross. */
static int
s_to_resource (s_walk_t *w, s_cands_t *out, const vf_entry_t *e, const char *iri)
{
    bool ok, pending;
    long at = -1;
    int rc = s_may_cross (w, iri, e, &ok, &pending);
    if (rc == 0 && ok)
        rc = s_cands_add (w, out, S_RESOURCE, iri, NULL, NULL, pending);
    if (rc == 0 && ok)
        rc = s_find (w, S_RESOURCE, iri, NULL, &at);
    if (rc == 0 && at >= 0)
        rc = s_extend (w, iri, e, out);
    return rc;
}

static int s_counterparts (s_walk_t *w, const vf_entry_t *e, s_cands_t *out);

/*  previous (trace) or next (track) of item i. */
static int
s_steps (s_walk_t *w, size_t i, s_cands_t *out)
{
    const s_item_t *it = &w->items[i];
    const s_item_t *from = it->parent >= 0 ? &w->items[it->parent] : NULL;
    bool fwd = w->o->forward;
    s_events_t l = { 0 };
    const char *target = NULL; /* the resource an event leads to */
    vf_entry_t *crumb = NULL;  /* its breadcrumb there */
    bool crumbed = false;      /* found already */
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
            rc = s_keep_bound (w, it->iri, bound ? b : NULL);
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
            if (outp)
                rc = s_cands_add (w, out, S_PROCESS, outp, NULL, NULL, false);
            else if (res && raise_lower) /* back only along a breadcrumb */
                rc = s_breadcrumb (w, res, e, true, &crumb), crumbed = true;
            if (rc == 0 && !outp && res && (!raise_lower || crumb))
                rc = s_to_resource (w, out, e, target = res);
        } else if (in)
            rc = s_cands_add (w, out, S_PROCESS, in, NULL, NULL, false);
        else if (outp && res)
            rc = s_to_resource (w, out, e, target = res);
        else if (to)
            rc = s_to_resource (w, out, e, target = to);
        else if (res && s_transferish (e)) {
            s_lot_arg_t a = { out, NULL, NULL, e };
            rc = s_lot_mates (w, res, s_lot_resources, &a);
        } else if (res && raise_lower)
            rc = s_to_resource (w, out, e, target = res);
        if (rc == 0)
            rc = s_counterparts (w, e, out);
    }
    s_events_free (&l);
    if (rc == 0 && out->n > 1)
        qsort (out->c, out->n, sizeof *out->c, fwd ? s_cmp_cand_asc : s_cmp_cand_desc);
    /*  the breadcrumb (on the resource the event leads to) first: it is
        how the walk goes on past a resource it has visited already (a
        cycle, a repeated process) */
    const char *res = target;
    bool events = false;
    for (size_t k = 0; k < out->n; k++)
        events |= out->c[k].kind == S_EVENT;
    long seen = -1;
    if (rc == 0 && out->n > 0 && out->c[0].kind == S_RESOURCE)
        rc = s_find (w, S_RESOURCE, out->c[0].iri, NULL, &seen);
    bool revisit = seen >= 0;
    /*  (only then can the breadcrumb change anything: it is an event) */
    if (rc == 0 && res && (events || revisit)) {
        if (!crumbed)
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
    }
    vf_entry_destroy (&crumb);
    return rc;
}

/* ------------------------------------------------------------- pairing */

/*  The resources the pickups, dropoffs, accepts and modifies of process
    p name, read once per walk: { "0i": {IRI: true}, "0o", "1i", "1o" }
    by pair kind and side (input, output). *out is borrowed. */
static int
s_proc_names (s_walk_t *w, const char *p, json_t **out)
{
    *out = json_object_get (w->procs, p);
    if (*out)
        return 0;
    json_t *names = json_pack ("{s:{}, s:{}, s:{}, s:{}}", "0i", "0o", "1i", "1o");
    int rc = names ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    for (int role = 0; role < 2 && rc == 0; role++) {
        s_events_t l = { 0 };
        rc = s_events (w, p, role ? VF_ROLE_OUTPUT_OF : VF_ROLE_INPUT_OF, NULL, NULL, false, &l);
        for (size_t j = 0; j < l.n && rc == 0; j++) {
            bool side;
            int k = s_pair_kind (l.e[j], &side);
            const char *r = s_str (l.e[j], "resourceInventoriedAs");
            char slot[3] = { (char) ('0' + k), side ? 'o' : 'i', '\0' };
            if (k >= 0 && k < 2 && side == (role == 1) && r &&
                json_object_set_new (json_object_get (names, slot), r, json_true ()))
                rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        }
        s_events_free (&l);
    }
    if (rc == 0 && json_object_set_new (w->procs, p, names))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    else if (rc)
        json_decref (names);
    *out = rc ? NULL : json_object_get (w->procs, p);
    return rc;
}

static bool
s_names (const json_t *names, int k, bool output_side, const char *iri)
{
    char slot[3] = { (char) ('0' + k), output_side ? 'o' : 'i', '\0' };
    return json_object_get (json_object_get (names, slot), iri) != NULL;
}

/*  The goods changed their name in process proc, entered by event way (a
    dropoff when tracing, a pickup when tracking) whose resource no pickup
    (dropoff) of the process names; candidate c, a pickup (a dropoff), names
    a resource no dropoff (pickup) of the process names. Likewise
    accept/modify. */
static int
s_renamed (s_walk_t *w, const char *proc, const s_item_t *way, const s_cand_t *c, int k, bool *yes)
{
    *yes = false;
    if (k == 2 || way->kind != S_EVENT)
        return 0;
    bool way_side, c_side;
    const char *way_res = s_str (way->ev, "resourceInventoriedAs");
    const char *c_res = s_str (c->ev, "resourceInventoriedAs");
    if (!way_res || !c_res || s_pair_kind (way->ev, &way_side) != k)
        return 0;
    s_pair_kind (c->ev, &c_side);
    if (way_side == c_side)
        return 0;
    json_t *names;
    int rc = s_proc_names (w, proc, &names);
    if (rc == 0 && !s_names (names, k, c_side, way_res))
        *yes = !s_names (names, k, way_side, c_res);
    return rc;
}

/*  The pair set key of event e of pair kind k: its process and resource
    for pickup/dropoff and accept/modify (a truck picks up and drops off
    in one transport process), its resource for combine/separate (packing
    and unpacking are different processes). NULL if e names no resource. */
static const char *
s_pair_key (const vf_entry_t *e, int k, char *buf, size_t size)
{
    const char *res = s_str (e, "resourceInventoriedAs");
    const char *proc = s_str (e, "inputOf");
    if (!proc)
        proc = s_str (e, "outputOf");
    if (!res)
        return NULL;
    snprintf (buf, size, "%s\x1f%s", k < 2 && proc ? proc : "", res);
    return buf;
}

/*  Item e (an event) is being expanded: if it is the side of a pair the
    walk goes in by (a dropoff, modify or separate for a trace; a pickup,
    accept or combine for a track), open its pair. */
static int
s_pair_open (s_walk_t *w, const vf_entry_t *e)
{
    bool output_side;
    int k = e ? s_pair_kind (e, &output_side) : -1;
    char buf[2 * VF_IRI_MAX + 2];
    const char *key = k >= 0 ? s_pair_key (e, k, buf, sizeof buf) : NULL;
    if (!key || output_side == w->o->forward)
        return 0;
    json_t *n = json_object_get (w->pairs[k], key);
    return json_object_set_new (w->pairs[k], key, json_integer (json_integer_value (n) + 1))
               ? vf_err_set (w->err, VF_ENOMEM, "out of memory walking")
               : 0;
}

/*  May the walk take candidate c from frame f? The other side of a pair
    is taken only where its pair is open (and closes it), or where the
    goods were renamed in the process; at a walk that starts from a
    process, the process is the way in to all of its events. A frame of an
    event holds the counterparts of a process walked already
    (s_counterparts): they pair with that event only. */
static int
s_pair_ok (s_walk_t *w, s_frame_t *f, s_cand_t *c, bool *ok)
{
    *ok = true;
    bool output_side, fwd = w->o->forward;
    int k = c->kind == S_EVENT ? s_pair_kind (c->ev, &output_side) : -1;
    char buf[2 * VF_IRI_MAX + 2];
    const char *key = k >= 0 ? s_pair_key (c->ev, k, buf, sizeof buf) : NULL;
    if (!key || output_side != fwd || (f->item == 0 && w->items[0].kind == S_PROCESS))
        return 0;
    const s_item_t *fi = &w->items[f->item], *way = NULL;
    const char *proc = NULL;
    json_int_t n = json_integer_value (json_object_get (w->pairs[k], key));
    if (fi->kind == S_EVENT && k < 2) {
        const char *mine = s_str (c->ev, fwd ? "outputOf" : "inputOf");
        const char *theirs = s_str (fi->ev, fwd ? "inputOf" : "outputOf");
        const char *r = s_str (fi->ev, "resourceInventoriedAs");
        const char *cr = s_str (c->ev, "resourceInventoriedAs");
        bool side;
        *ok = false;
        if (!mine || !theirs || strcmp (mine, theirs) != 0 || s_pair_kind (fi->ev, &side) != k)
            return 0;
        if (r && cr && strcmp (r, cr) == 0) { /* its own pair */
            *ok = true;
            return n > 0 && json_object_set_new (w->pairs[k], key, json_integer (n - 1))
                       ? vf_err_set (w->err, VF_ENOMEM, "out of memory walking")
                       : 0;
        }
        proc = mine, way = fi;
    } else if (n > 0)
        return json_object_set_new (w->pairs[k], key, json_integer (n - 1))
                   ? vf_err_set (w->err, VF_ENOMEM, "out of memory walking")
                   : 0;
    else if (fi->kind == S_PROCESS && fi->parent >= 0)
        proc = fi->iri, way = &w->items[fi->parent];
    *ok = false;
    int rc = proc ? s_renamed (w, proc, way, c, k, ok) : 0;
    if (rc == 0 && *ok)
        c->via = "renamed";
    return rc;
}

/*  Event e opens a pair (a dropoff or modify when tracing, a pickup or
    accept when tracking) of a process the walk has expanded already, by
    another way in: the process's events on the other side of that pair
    become steps of e (s_pair_ok takes those that pair with e, or the
    renamed goods), as the process is not expanded again. */
static int
s_counterparts (s_walk_t *w, const vf_entry_t *e, s_cands_t *out)
{
    bool output_side, fwd = w->o->forward;
    int k = s_pair_kind (e, &output_side);
    const char *proc = s_str (e, fwd ? "inputOf" : "outputOf");
    if (k < 0 || k == 2 || output_side == fwd || !proc)
        return 0;
    long at = -1;
    int rc = s_find (w, S_PROCESS, proc, NULL, &at);
    if (rc || at < 0 || w->items[at].cut || w->items[at].boundary)
        return rc;
    s_events_t l = { 0 };
    rc = s_events (w, proc, fwd ? VF_ROLE_OUTPUT_OF : VF_ROLE_INPUT_OF, NULL, NULL, true, &l);
    for (size_t j = 0; j < l.n && rc == 0; j++) {
        bool side;
        if (s_pair_kind (l.e[j], &side) == k && side == fwd)
            rc = s_cands_add (w, out, S_EVENT, vf_entry_iri (l.e[j]), &l.e[j], NULL, false);
    }
    s_events_free (&l);
    return rc;
}

/* ---------------------------------------------------------------- walk */

/*  The organisation of an item: the author of an event; the owner of a
    resource (its state, else the author of its record); the author of a
    process record. Empty when the node holds none of that: never the
    organisation of the item it was reached from. */
static int
s_org_of (s_walk_t *w, s_item_t *it)
{
    if (it->kind == S_EVENT) {
        vf_text_encode (it->org, VF_TEXT_KEY, it->ev->author);
        return 0;
    }
    vf_entry_t *rec = NULL;
    int rc = s_current (w, it->iri, s_kind_class[it->kind], &rec);
    if (rc == 0 && it->kind == S_RESOURCE) {
        json_t *state = NULL;
        rc = s_state (w, it->iri, &state);
        const char *owner = json_string_value (json_object_get (state, "owner"));
        if (owner)
            snprintf (it->org, sizeof it->org, "%s", owner);
        json_decref (state);
    }
    if (rc == 0 && !it->org[0] && rec)
        vf_text_encode (it->org, VF_TEXT_KEY, rec->author);
    vf_entry_destroy (&rec);
    return rc;
}

/*  Hang item i (not linked) under item parent (-1: the start). */
static void
s_link (s_walk_t *w, size_t i, long parent)
{
    s_item_t *it = &w->items[i];
    it->parent = parent, it->next = -1;
    it->depth = parent >= 0 ? w->items[parent].depth + 1 : 0;
    if (parent < 0)
        return;
    s_item_t *p = &w->items[parent];
    if (p->last >= 0)
        w->items[p->last].next = (long) i;
    else
        p->first = (long) i;
    p->last = (long) i;
}

static void
s_unlink (s_walk_t *w, size_t i)
{
    s_item_t *p = &w->items[w->items[i].parent];
    long prev = -1;
    for (long c = p->first; c >= 0 && c != (long) i; c = w->items[c].next)
        prev = c;
    if (prev >= 0)
        w->items[prev].next = w->items[i].next;
    else
        p->first = w->items[i].next;
    if (p->last == (long) i)
        p->last = prev;
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
    char key[S_KEY_MAX];
    if (!s_seen_key (w, c->kind, c->iri, c->ev, key))
        return VF_ETOOBIG;
    if (json_object_set_new (w->seen, key, json_integer ((json_int_t) w->n)))
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    s_item_t *it = &w->items[w->n];
    memset (it, 0, sizeof *it);
    it->kind = c->kind, it->iri = c->iri, it->ev = c->ev, it->via = c->via;
    it->pending = c->pending, it->parent = -1, it->first = it->last = it->next = -1;
    c->iri = NULL, c->ev = NULL;
    s_link (w, w->n, parent);
    w->n++;
    /*  an item taken is described whole, whatever is left of the budget */
    size_t budget = w->budget;
    w->budget = (size_t) -1;
    int rc = s_org_of (w, it);
    w->budget = budget;
    /*  (a start of no known organisation has no boundary) */
    if (rc == 0 && w->o->stop_at_boundary && it->org[0] && w->n > 1 && w->items[0].org[0] &&
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
    int rc = s_current (w, it->iri, s_kind_class[it->kind], &rec);
    *yes = rec != NULL;
    vf_entry_destroy (&rec);
    return rc;
}

/*  Mark item i unknown if the node does not hold its own record: with
    the agent the referring event names for it (its provider for what it
    takes from, its receiver for what it adds to). */
static int
s_mark_unknown (s_walk_t *w, size_t i)
{
    s_item_t *it = &w->items[i];
    bool held = true;
    int rc = s_held (w, it, &held);
    if (rc || held)
        return rc;
    it->unknown = true;
    const s_item_t *from = it->parent >= 0 ? &w->items[it->parent] : NULL;
    if (!from || from->kind != S_EVENT || it->agent)
        return 0;
    const char *to = s_str (from->ev, "toResourceInventoriedAs");
    bool receiving = it->kind == S_RESOURCE && to && strcmp (to, it->iri) == 0;
    const char *agent = s_str (from->ev, receiving ? "receiver" : "provider");
    if (agent && !(it->agent = strdup (agent)))
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    return 0;
}

static int
s_expand (s_walk_t *w, s_frame_t *f, size_t i)
{
    memset (f, 0, sizeof *f);
    f->item = i;
    w->items[i].cut = false;
    s_cands_t l = { 0 };
    int rc = s_pair_open (w, w->items[i].ev);
    if (rc == 0)
        rc = s_steps (w, i, &l);
    if (rc) {
        s_cands_free (w, l.c, l.n);
        return rc;
    }
    f->c = l.c, f->n = l.n;
    /*  a record the node does not hold, from which the walk cannot go on */
    if (l.n == 0)
        return s_mark_unknown (w, i);
    s_item_t *it = &w->items[i];
    it->unknown = false; /* marked while it was not expanded: it leads on */
    free (it->agent);
    it->agent = NULL;
    return 0;
}

static bool
s_expandable (s_walk_t *w, const s_item_t *it)
{
    return !it->boundary && (!w->o->max_depth || it->depth < w->o->max_depth);
}

/*  Push the expansion of item i onto the walk's stack. */
static int
s_push (s_walk_t *w, s_frame_t **stack, size_t *depth, size_t *cap, size_t i)
{
    if (*depth == *cap) {
        size_t grown = *cap ? 2 * *cap : 16;
        s_frame_t *s = realloc (*stack, grown * sizeof *s);
        if (!s)
            return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
        *stack = s, *cap = grown;
    }
    int rc = s_expand (w, &(*stack)[*depth], i);
    if (rc == 0)
        (*depth)++;
    return rc;
}

/*  May item it, expanded already, hang under item from instead? An event
    may (its steps are its own). A process may unless it took pickups or
    accepts (dropoffs or modifies, tracking): those were chosen by the way
    it was entered. A resource may only under an event that bounds it no
    more narrowly than the bound it was expanded with: what it led to all
    fed that event too. */
static bool
s_movable (s_walk_t *w, const s_item_t *it, const s_item_t *from)
{
    if (it->kind == S_EVENT)
        return true;
    if (it->kind == S_PROCESS) {
        for (long k = it->first; k >= 0; k = w->items[k].next) {
            bool side;
            const s_item_t *x = &w->items[k];
            int pair = x->kind == S_EVENT ? s_pair_kind (x->ev, &side) : -1;
            if (pair >= 0 && pair < 2 && side == w->o->forward)
                return false;
        }
        return true;
    }
    uint8_t kept[VF_ORDER_KEY_BYTES], now[VF_ORDER_KEY_BYTES];
    if (it->kind != S_RESOURCE || from->kind != S_EVENT || !s_get_bound (w, it->iri, kept))
        return false;
    s_order (from->ev, now);
    int c = memcmp (now, kept, sizeof now);
    return w->o->forward ? c <= 0 : c >= 0;
}

/*  Candidate c of the item on top of the stack is item at, which the walk
    took already. If max_depth is set and at is fewer steps from the start
    this way, hang it here (if it may move): it and everything under it
    come nearer, and what max_depth left unexpanded under it is expanded
    now if it may be. */
static int
s_nearer (s_walk_t *w, s_frame_t **stack, size_t *depth, size_t *cap, const s_cand_t *c, long at)
{
    size_t from = (*stack)[*depth - 1].item;
    s_item_t *it = &w->items[at];
    size_t nearer = w->items[from].depth + 1;
    if (!w->o->max_depth || nearer >= it->depth || at == 0 ||
        (!it->cut && !s_movable (w, it, &w->items[from])))
        return 0;
    /*  only if that reaches something the limit left out: with a limit
        that does not bind, the walk is the same as without */
    size_t delta = it->depth - nearer, *todo = malloc (2 * w->n * sizeof *todo), n = 0, m = 0;
    if (!todo)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    bool gain = false;
    todo[n++] = (size_t) at;
    while (n > 0 && !gain) {
        const s_item_t *x = &w->items[todo[--n]];
        gain = x->cut && !x->boundary && x->depth - delta < w->o->max_depth;
        for (long k = x->first; k >= 0; k = w->items[k].next)
            todo[n++] = (size_t) k;
        w->reads++; /* looking costs as a read would */
    }
    if (!gain) {
        free (todo);
        return 0;
    }
    n = 0;
    s_unlink (w, (size_t) at);
    s_link (w, (size_t) at, (long) from);
    it->via = c->via, it->pending = c->pending, w->moved = true;
    if (it->cut) { /* its new parent decides again what is known of it */
        it->unknown = false;
        free (it->agent);
        it->agent = NULL;
    }
    /*  first every new depth (the tree stays whole whatever fails after),
        then the expansions */
    size_t *cut = todo + w->n;
    todo[n++] = (size_t) at;
    while (n > 0) {
        size_t i = todo[--n];
        s_item_t *x = &w->items[i];
        x->depth = w->items[x->parent].depth + 1;
        for (long k = x->first; k >= 0; k = w->items[k].next)
            todo[n++] = (size_t) k;
        if (x->cut)
            cut[m++] = i;
        w->reads++; /* moving costs as a read would */
    }
    int rc = 0;
    for (size_t j = 0; j < m && rc == 0; j++) {
        s_item_t *x = &w->items[cut[j]];
        if (s_expandable (w, x))
            rc = s_push (w, stack, depth, cap, cut[j]);
        else if (cut[j] == (size_t) at)
            rc = s_mark_unknown (w, cut[j]);
    }
    free (todo);
    return rc;
}

/*  Put the items back in depth-first order (each after its parent and
    its earlier siblings) after s_nearer moved some: the order the API
    promises and vfctl's tree relies on. */
static int
s_reorder (s_walk_t *w)
{
    size_t n = w->n, m = 0, depth = 0;
    size_t *stack = malloc (n * sizeof *stack), *renum = malloc (n * sizeof *renum);
    s_item_t *items = malloc (n * sizeof *items);
    int rc = stack && renum && items ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory walking");
    if (rc == 0 && n > 0)
        stack[depth++] = 0;
    while (depth > 0) { /* pre-order: an item, then its children's subtrees in order */
        size_t i = stack[--depth], kids = 0;
        renum[i] = m, items[m++] = w->items[i];
        for (long c = w->items[i].first; c >= 0; c = w->items[c].next)
            stack[depth + kids++] = (size_t) c;
        for (size_t a = 0; a < kids / 2; a++) { /* the first child on top */
            size_t t = stack[depth + a];
            stack[depth + a] = stack[depth + kids - 1 - a], stack[depth + kids - 1 - a] = t;
        }
        depth += kids;
    }
    if (rc == 0 && m != n)
        rc = vf_err_set (w->err, VF_EINVAL, "trace: %zu of %zu items outside the tree", n - m, n);
    for (size_t j = 0; rc == 0 && j < n; j++) {
        s_item_t *it = &items[j];
        it->parent = it->parent >= 0 ? (long) renum[it->parent] : -1;
        it->first = it->first >= 0 ? (long) renum[it->first] : -1;
        it->last = it->last >= 0 ? (long) renum[it->last] : -1;
        it->next = it->next >= 0 ? (long) renum[it->next] : -1;
    }
    if (rc == 0) {
        memcpy (w->items, items, n * sizeof *items);
        w->moved = false;
    }
    free (stack), free (renum), free (items);
    return rc;
}

static int
s_walk (s_walk_t *w)
{
    s_frame_t *stack = NULL;
    size_t depth = 0, cap = 0;
    int rc = s_push (w, &stack, &depth, &cap, 0);
    while (rc == 0 && depth > 0) {
        s_frame_t *f = &stack[depth - 1];
        if (f->next == f->n) {
            s_cands_free (w, f->c, f->n);
            depth--;
            continue;
        }
        s_cand_t *c = &f->c[f->next++];
        long at = -1;
        bool ok = true;
        rc = s_find (w, c->kind, c->iri, c->ev, &at);
        if (rc == 0 && at >= 0 && !w->o->one_step)
            rc = s_nearer (w, &stack, &depth, &cap, c, at);
        if (rc || at >= 0)
            continue;
        if (!w->o->one_step)
            rc = s_pair_ok (w, f, c, &ok);
        if (rc || !ok)
            continue;
        if (w->n >= w->max) {
            w->limit = "max_items";
            break;
        }
        rc = s_add_item (w, c, (long) f->item);
        size_t i = w->n - 1;
        s_item_t *it = &w->items[i];
        if (rc == 0)
            w->held -= it->ev != NULL; /* taken: an item now */
        if (rc == 0 && (w->o->one_step || !s_expandable (w, it))) {
            it->cut = !w->o->one_step && !it->boundary;
            rc = s_mark_unknown (w, i);
        } else if (rc == 0)
            rc = s_push (w, &stack, &depth, &cap, i);
    }
    while (depth > 0) {
        depth--;
        s_cands_free (w, stack[depth].c, stack[depth].n);
    }
    free (stack);
    /*  out of reads or room: what was walked is the result, cut short */
    if (rc == VF_ETOOBIG && w->limit && strcmp (w->limit, "max_items") != 0) {
        rc = 0;
        if (w->err)
            memset (w->err, 0, sizeof *w->err);
    }
    if (rc == 0 && w->moved)
        rc = s_reorder (w);
    return rc;
}

/* --------------------------------------------------------------- start */

/*  What iri names: a resource or a process the node holds a record of;
    else an event (the one that counts under the IRI); else a resource or
    process that events name. "vfe_..." names one event entry. Records
    come before events: anyone can sign an event under another co-op's
    resource IRI, and that must not take the walk elsewhere (an event can
    always be named by its entry id). */
static int
s_start (s_walk_t *w, const char *iri, s_cand_t *c)
{
    memset (c, 0, sizeof *c);
    int rc = 0;
    if (strncmp (iri, "vfe_", 4) == 0) {
        uint8_t id[VF_HASH_BYTES];
        bool counts = false;
        if (vf_text_decode (id, VF_TEXT_ID, iri, w->err) != 0)
            return VF_EINVAL;
        rc = vf_store_load_id (w->self, w->txn, id, &c->ev, w->err);
        if (rc == VF_ENOTFOUND)
            return vf_err_set (w->err, rc, "no entry %s is held", iri);
        if (rc == 0 && strcmp (c->ev->cls, "EconomicEvent") != 0)
            rc = vf_err_set (w->err, VF_EINVAL, "entry %s is a %s, not an EconomicEvent", iri,
                             c->ev->cls);
        if (rc == 0)
            rc = vf_project_counts (w->self, w->txn, c->ev, &counts, w->err);
        if (rc == 0 && !counts)
            rc = vf_err_set (w->err, VF_EINVAL,
                             "entry %s is not the event that counts under %s: its author "
                             "signed an earlier EconomicEvent under that IRI",
                             iri, vf_entry_iri (c->ev));
        if (rc == 0) {
            c->kind = S_EVENT;
            c->iri = strdup (vf_entry_iri (c->ev));
            rc = c->iri ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
        }
        if (rc)
            vf_entry_destroy (&c->ev);
        return rc;
    }
    bool found = false;
    for (int kind = S_RESOURCE; kind <= S_PROCESS && rc == 0 && !found; kind++) {
        vf_entry_t *rec = NULL;
        rc = vf_project_current (w->self, w->txn, iri, s_kind_class[kind], &rec, w->err);
        if (rec)
            c->kind = (s_kind_t) kind, found = true;
        vf_entry_destroy (&rec);
    }
    if (rc == 0 && !found) {
        s_events_t l = { 0 };
        rc = s_events (w, iri, VF_ROLE_DEFINES, NULL, NULL, false, &l);
        if (rc == 0 && l.n > 0)
            c->kind = S_EVENT, c->ev = l.e[0], l.e[0] = NULL, found = true;
        s_events_free (&l);
    }
    static const struct {
        s_kind_t kind;
        vf_role_t role;
    } uses[] = { { S_PROCESS, VF_ROLE_INPUT_OF },
                 { S_PROCESS, VF_ROLE_OUTPUT_OF },
                 { S_RESOURCE, VF_ROLE_RESOURCE },
                 { S_RESOURCE, VF_ROLE_TO_RESOURCE } };
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
        rc = vf_err_set (w->err, VF_ENOTFOUND,
                         "nothing this node holds names %s (an EconomicResource, EconomicEvent "
                         "or Process IRI, or an event's vfe_ entry id)",
                         iri);
    if (rc == 0 && !(c->iri = strdup (iri)))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    if (rc)
        vf_entry_destroy (&c->ev);
    return rc;
}

/* -------------------------------------------------------------- output */

/*  The value rollup over the walk's events (vf_rollup). */
static int
s_rollup (s_walk_t *w, json_t *out)
{
    vf_rollup_t *r = vf_rollup_new ();
    int rc = r ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
    for (size_t i = 0; i < w->n && rc == 0; i++)
        if (w->items[i].kind == S_EVENT)
            rc = vf_rollup_add (r, w->self, w->txn, w->items[i].ev, w->items[i].org, w->err);
    json_t *sum = rc == 0 ? vf_rollup_result (r) : NULL;
    if (rc == 0 && (!sum || json_object_set_new (out, "rollup", sum)))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    vf_rollup_destroy (&r);
    return rc;
}

static void
s_set (json_t *o, const char *key, json_t *v, bool *bad)
{
    *bad |= json_object_set_new (o, key, v) != 0;
}

static int
s_item_json (s_walk_t *w, size_t i, json_t *agents, json_t **out)
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
        if (rc == 0 && rec && !(o = json_deep_copy (rec->body)))
            rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
        vf_entry_destroy (&rec);
    } else
        o = json_object ();
    if (rc == 0 && !o && it->kind != S_EVENT)
        o = json_object (); /* nothing held: what the walk knows */
    if (rc)
        return rc;
    if (!o)
        return vf_err_set (w->err, VF_ENOMEM, "out of memory");
    bool bad = false;
    s_set (o, "@id", json_string (it->iri), &bad);
    s_set (o, "@type", json_string (s_kind_class[it->kind]), &bad);
    s_set (o, "vfn:item", json_integer ((json_int_t) i), &bad);
    if (it->parent >= 0)
        s_set (o, "vfn:parent", json_integer (it->parent), &bad);
    s_set (o, "vfn:depth", json_integer ((json_int_t) it->depth), &bad);
    if (it->org[0])
        s_set (o, "vfn:organisation", json_string (it->org), &bad);
    if (it->kind == S_EVENT) {
        char id[VF_TEXT_MAX];
        s_set (o, "vfn:entry", json_string (vf_text_encode (id, VF_TEXT_ID, it->ev->id)), &bad);
        static const char *roles[] = { "provider", "receiver" };
        for (size_t k = 0; k < 2 && rc == 0; k++) {
            const char *agent = s_str (it->ev, roles[k]), *name = NULL;
            if (agent)
                rc = s_agent (w, agent, &name, NULL);
            if (rc == 0 && name)
                s_set (agents, agent, json_string (name), &bad);
        }
    }
    if (it->via)
        s_set (o, "vfn:via", json_string (it->via), &bad);
    if (it->pending)
        s_set (o, "vfn:pending", json_true (), &bad);
    if (it->boundary)
        s_set (o, "vfn:boundary", json_true (), &bad);
    if (it->unknown) {
        s_set (o, "vfn:unknown", json_true (), &bad);
        if (it->agent)
            s_set (o, "vfn:agent", json_string (it->agent), &bad);
        /*  vfnode mints urn:vfnode:<vfk_...>:<seq>; what the IRI claims */
        if (strncmp (it->iri, "urn:vfnode:vfk_", 15) == 0 && strlen (it->iri) > 11 + VF_TEXT_LEN) {
            char key[VF_TEXT_MAX];
            snprintf (key, sizeof key, "%.*s", VF_TEXT_LEN, it->iri + 11);
            uint8_t raw[VF_KEY_BYTES];
            if (vf_text_decode (raw, VF_TEXT_KEY, key, NULL) == 0)
                s_set (o, "vfn:owner", json_string (key), &bad);
        }
    }
    if (rc == 0 && bad)
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    if (rc)
        json_decref (o);
    else
        *out = o;
    return rc;
}

static int
s_render (s_walk_t *w, const char *start, json_t **out)
{
    const vf_trace_opts_t *o = w->o;
    const char *direction =
        o->one_step ? (o->forward ? "next" : "previous") : (o->forward ? "track" : "trace");
    json_t *items = json_array (), *agents = json_object ();
    json_t *res = items && agents ? json_pack ("{s:s, s:s, s:O, s:O, s:I, s:b, s:I}", "direction",
                                               direction, "start", start, "items", items, "agents",
                                               agents, "visited", (json_int_t) w->n, "truncated",
                                               w->limit != NULL, "reads", (json_int_t) w->reads)
                                  : NULL;
    int rc = res ? 0 : vf_err_set (w->err, VF_ENOMEM, "out of memory");
    if (rc == 0 && w->limit && json_object_set_new (res, "limit", json_string (w->limit)))
        rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    w->budget = (size_t) -1; /* the walk is over: rendering reads what it needs */
    for (size_t i = 0; i < w->n && rc == 0; i++) {
        json_t *it = NULL;
        rc = s_item_json (w, i, agents, &it);
        if (rc == 0 && json_array_append_new (items, it))
            rc = vf_err_set (w->err, VF_ENOMEM, "out of memory");
    }
    if (rc == 0 && o->rollup)
        rc = s_rollup (w, res);
    json_decref (items);
    json_decref (agents);
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
    size_t budget = w.max * S_READS_PER_ITEM > S_READS_MIN ? w.max * S_READS_PER_ITEM : S_READS_MIN;
    if (opts->max_reads)
        budget = opts->max_reads;
    w.budget = (size_t) -1; /* the start is found whatever the budget */
    json_t **sets[] = { &w.seen,  &w.agents, &w.owners,   &w.bounds,   &w.crumbs,
                        &w.procs, &w.lots,   &w.pairs[0], &w.pairs[1], &w.pairs[2] };
    size_t nsets = sizeof sets / sizeof sets[0];
    bool made = true;
    for (size_t k = 0; k < nsets; k++)
        made &= (*sets[k] = json_object ()) != NULL;
    int rc = made ? vf_db_begin (self->db, false, &w.txn, err)
                  : vf_err_set (err, VF_ENOMEM, "out of memory");
    s_cand_t start = { 0 };
    if (rc == 0)
        rc = s_start (&w, iri, &start);
    if (rc == 0)
        rc = s_add_item (&w, &start, -1);
    s_cand_free (&start);
    w.budget = budget;
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
    for (size_t k = 0; k < w.ncrumb; k++)
        free (w.crumb[k].k);
    free (w.crumb);
    for (size_t k = 0; k < nsets; k++)
        json_decref (*sets[k]);
    return rc;
}
