/*  test_trace.c - track and trace (store/vf_trace.c, docs/TRACE.md).

    The ValueFlows example shapes, written here as fixtures: each test
    publishes the records of a few co-ops (each co-op signs its own) into
    a fresh store and checks the exact set of items trace and track return
    from a given start, and where it matters their order and parents.
    Then a deliberately simple reference walk is compared with the real one
    on random production graphs.
*/
#include "vf_store_int.h"
#include "vf_text.h"
#include "vf_trace.h"

#define TEST_NAME "trace"
#include "store_support.h"

#define ORGS 6

typedef struct {
    vf_store_t *st;
    vf_identity_t *who[ORGS];
    uint64_t seq[ORGS];
    uint64_t time;
    json_t *ids; /* record IRI -> vfe_ id of the entry last published under it */
} s_world_t;

static int s_stores;

static void
s_world (s_world_t *w)
{
    char path[400];
    snprintf (path, sizeof path, "%s/t%d", s_dir, s_stores++);
    vf_err_t err = { 0 };
    if (vf_store_open (&w->st, path, NULL, &err))
        fail_msg ("%s", err.msg);
    for (int k = 0; k < ORGS; k++)
        w->who[k] = s_identity ((uint8_t) (k + 1)), w->seq[k] = 1;
    /*  signed on 2026-03-01, after every event of the fixtures (January):
        an event dated more than a day after its signing is not believed */
    w->time = 1772323200000ull;
    w->ids = json_object ();
}

static void
s_end (s_world_t *w)
{
    vf_store_destroy (&w->st);
    for (int k = 0; k < ORGS; k++)
        vf_identity_destroy (&w->who[k]);
    json_decref (w->ids);
}

/*  Sign record rec (stolen) as co-op org and store it. */
static void
s_pub (s_world_t *w, int org, json_t *rec)
{
    char *text = json_dumps (rec, 0);
    json_decref (rec);
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    w->time += 1000;
    if (vf_jsonld_import (text, strlen (text), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (w->who[org]), &w->seq[org], w->time, NULL,
                            &err))
        fail_msg ("%s: %s", text, err.msg);
    for (size_t k = 0; k < recs->n; k++) {
        vf_entry_t *e = recs->items[k].entry;
        vf_ingest_result_t res;
        if (vf_entry_check (e, &err) || vf_entry_sign (e, w->who[org], &err) ||
            vf_store_ingest (w->st, &e, 1, &res, &err))
            fail_msg ("%s: %s", text, err.msg);
        if (res.outcome == VF_OUTCOME_REJECTED)
            fail_msg ("%s: rejected: %s", text, res.reason);
        char id[VF_TEXT_MAX];
        json_object_set_new (w->ids, vf_entry_iri (e),
                             json_string (vf_text_encode (id, VF_TEXT_ID, e->id)));
    }
    vf_records_destroy (&recs);
    free (text);
}

static const char *
s_agent (int org)
{
    static char buf[ORGS][32];
    snprintf (buf[org], sizeof buf[org], "urn:agent:%d", org);
    return buf[org];
}

static void
s_resource (s_world_t *w, int org, const char *iri, const char *tracking)
{
    json_t *rec = json_pack ("{s:s, s:s, s:s}", "@type", "EconomicResource", "@id", iri,
                             "conformsTo", "urn:spec:thing");
    if (tracking)
        json_object_set_new (rec, "trackingIdentifier", json_string (tracking));
    s_pub (w, org, rec);
}

static void
s_process (s_world_t *w, int org, const char *iri)
{
    s_pub (w, org, json_pack ("{s:s, s:s, s:s}", "@type", "Process", "@id", iri, "name", iri));
}

/*  An event at hour t of 2026 by co-op org (provider; receiver to_org),
    in or out of process proc as its action says. */
static void
s_ev2 (s_world_t *w, int org, int to_org, const char *iri, const char *action, const char *proc,
       const char *res, const char *to, int t)
{
    static const char *inputs[] = {
        "consume", "use", "cite", "work", "pickup", "accept", "combine"
    };
    bool input = false;
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++)
        input |= strcmp (action, inputs[k]) == 0;
    char when[32];
    snprintf (when, sizeof when, "2026-01-%02dT%02d:00:00Z", 1 + t / 24, t % 24);
    json_t *e = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s}", "@type", "EconomicEvent", "@id", iri,
                           "action", action, "provider", s_agent (org), "receiver",
                           s_agent (to_org), "hasPointInTime", when);
    if (proc)
        json_object_set_new (e, input ? "inputOf" : "outputOf", json_string (proc));
    if (res)
        json_object_set_new (e, "resourceInventoriedAs", json_string (res));
    if (to)
        json_object_set_new (e, "toResourceInventoriedAs", json_string (to));
    bool work = strcmp (action, "work") == 0;
    json_object_set_new (
        e, work ? "effortQuantity" : "resourceQuantity",
        json_pack ("{s:s, s:s}", "hasNumericalValue", "1", "hasUnit", work ? "hour" : "one"));
    s_pub (w, org, e);
}

static void
s_ev (s_world_t *w, int org, const char *iri, const char *action, const char *proc, const char *res,
      int t)
{
    s_ev2 (w, org, org, iri, action, proc, res, NULL, t);
}

/*  Co-op org, owner of the resource event iri names, confirms it. */
static void
s_confirm (s_world_t *w, int org, const char *iri)
{
    const char *id = json_string_value (json_object_get (w->ids, iri));
    assert_non_null (id);
    s_pub (w, org,
           json_pack ("{s:s, s:s, s:s}", "@type", "Confirmation", "confirmsEvent", iri,
                      "confirmsEntry", id));
}

static json_t *
s_walk (s_world_t *w, const char *start, const vf_trace_opts_t *o)
{
    json_t *out = NULL;
    vf_err_t err = { 0 };
    if (vf_store_trace (w->st, start, o, &out, &err))
        fail_msg ("walk from %s: %s", start, err.msg);
    return out;
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

/*  The walk's items must be exactly the space-separated IRIs of expect. */
static void
s_expect_set (const json_t *walk, const char *expect)
{
    json_t *items = json_object_get (walk, "items");
    size_t n = json_array_size (items);
    const char **got = calloc (n + 1, sizeof *got);
    for (size_t k = 0; k < n; k++)
        got[k] = json_string_value (json_object_get (json_array_get (items, k), "@id"));
    qsort (got, n, sizeof *got, s_cmp_str);
    char *copy = strdup (expect);
    const char *want[256];
    size_t m = 0;
    for (char *tok = strtok (copy, " "); tok && m < 256; tok = strtok (NULL, " "))
        want[m++] = tok;
    qsort (want, m, sizeof *want, s_cmp_str);
    char gots[4096] = "", wants[4096] = "";
    for (size_t k = 0; k < n; k++)
        snprintf (gots + strlen (gots), sizeof gots - strlen (gots), " %s", got[k]);
    for (size_t k = 0; k < m; k++)
        snprintf (wants + strlen (wants), sizeof wants - strlen (wants), " %s", want[k]);
    free (got);
    free (copy);
    if (strcmp (gots, wants) != 0 && getenv ("TRACE_DEBUG")) {
        char *dump = json_dumps (json_object_get (walk, "items"), JSON_INDENT (1));
        fprintf (stderr, "%s\n", dump);
        free (dump);
    }
    if (strcmp (gots, wants) != 0)
        fail_msg ("walk from %s\n  got: %s\n want: %s",
                  json_string_value (json_object_get (walk, "start")), gots, wants);
}

/*  The item with this @id (the first), or fail. */
static json_t *
s_item (const json_t *walk, const char *iri)
{
    json_t *items = json_object_get (walk, "items");
    for (size_t k = 0; k < json_array_size (items); k++) {
        json_t *it = json_array_get (items, k);
        if (strcmp (json_string_value (json_object_get (it, "@id")), iri) == 0)
            return it;
    }
    fail_msg ("%s is not in the walk", iri);
    return NULL;
}

static long
s_index (const json_t *walk, const char *iri)
{
    return (long) json_integer_value (json_object_get (s_item (walk, iri), "vfn:item"));
}

static const char *
s_parent (const json_t *walk, const char *iri)
{
    json_t *p = json_object_get (s_item (walk, iri), "vfn:parent");
    json_t *items = json_object_get (walk, "items");
    return json_string_value (
        json_object_get (json_array_get (items, (size_t) json_integer_value (p)), "@id"));
}

static const vf_trace_opts_t s_trace = { 0 };
static const vf_trace_opts_t s_track = { .forward = true };

/* ------------------------------------------------------- manufacturing */

static void
s_manufacturing (s_world_t *w)
{
    s_resource (w, 0, "urn:plywood", NULL);
    s_resource (w, 0, "urn:cnc", NULL);
    s_resource (w, 0, "urn:design", NULL);
    s_resource (w, 0, "urn:desk", NULL);
    s_process (w, 0, "urn:make-desk");
    s_ev (w, 0, "urn:raise-plywood", "raise", NULL, "urn:plywood", 0);
    s_ev (w, 0, "urn:raise-cnc", "raise", NULL, "urn:cnc", 0);
    s_ev (w, 0, "urn:raise-design", "raise", NULL, "urn:design", 0);
    s_ev (w, 0, "urn:consume-plywood", "consume", "urn:make-desk", "urn:plywood", 5);
    s_ev (w, 0, "urn:use-cnc", "use", "urn:make-desk", "urn:cnc", 6);
    s_ev (w, 0, "urn:cite-design", "cite", "urn:make-desk", "urn:design", 6);
    s_ev (w, 0, "urn:work-alice", "work", "urn:make-desk", NULL, 7);
    s_ev (w, 0, "urn:produce-desk", "produce", "urn:make-desk", "urn:desk", 9);
    /* a second desk later: not part of the first desk's story */
    s_ev (w, 0, "urn:consume-plywood-2", "consume", "urn:make-desk-2", "urn:plywood", 20);
    s_ev (w, 0, "urn:produce-desk-2", "produce", "urn:make-desk-2", "urn:desk-2", 21);
}

static void
test_manufacturing (void **state)
{
    s_world_t w;
    s_world (&w);
    s_manufacturing (&w);
    json_t *t = s_walk (&w, "urn:desk", &s_trace);
    s_expect_set (t, "urn:desk urn:produce-desk urn:make-desk urn:consume-plywood urn:use-cnc "
                     "urn:cite-design urn:work-alice urn:plywood urn:cnc urn:design "
                     "urn:raise-plywood urn:raise-cnc urn:raise-design");
    assert_string_equal (s_parent (t, "urn:make-desk"), "urn:produce-desk");
    assert_string_equal (s_parent (t, "urn:plywood"), "urn:consume-plywood");
    assert_string_equal (json_string_value (json_object_get (t, "direction")), "trace");
    json_decref (t);

    /*  the plywood went into the desk and into the second desk */
    t = s_walk (&w, "urn:plywood", &s_track);
    s_expect_set (t, "urn:plywood urn:raise-plywood urn:consume-plywood urn:make-desk "
                     "urn:produce-desk urn:desk urn:consume-plywood-2 urn:make-desk-2 "
                     "urn:produce-desk-2 urn:desk-2");
    json_decref (t);

    /*  from the consumption of the first desk's plywood: only that desk */
    t = s_walk (&w, "urn:consume-plywood", &s_track);
    s_expect_set (t, "urn:consume-plywood urn:make-desk urn:produce-desk urn:desk");
    json_decref (t);

    /*  one step each way */
    vf_trace_opts_t prev = { .one_step = true }, next = { .one_step = true, .forward = true };
    t = s_walk (&w, "urn:make-desk", &prev);
    s_expect_set (t, "urn:make-desk urn:consume-plywood urn:use-cnc urn:cite-design "
                     "urn:work-alice");
    assert_string_equal (json_string_value (json_object_get (t, "direction")), "previous");
    json_decref (t);
    t = s_walk (&w, "urn:make-desk", &next);
    s_expect_set (t, "urn:make-desk urn:produce-desk");
    json_decref (t);

    /*  depth: the desk, its event, the process */
    vf_trace_opts_t shallow = { .max_depth = 2 };
    t = s_walk (&w, "urn:desk", &shallow);
    s_expect_set (t, "urn:desk urn:produce-desk urn:make-desk");
    json_decref (t);

    /*  at most 4 items: truncated, and says so */
    vf_trace_opts_t few = { .max_items = 4 };
    t = s_walk (&w, "urn:desk", &few);
    assert_int_equal (json_array_size (json_object_get (t, "items")), 4);
    assert_true (json_is_true (json_object_get (t, "truncated")));
    json_decref (t);

    /*  the rollup: 1 hour of work, and the inputs per action */
    vf_trace_opts_t roll = { .rollup = true };
    t = s_walk (&w, "urn:desk", &roll);
    json_t *work = json_object_get (json_object_get (t, "rollup"), "work");
    assert_int_equal (json_array_size (work), 1);
    assert_string_equal (json_string_value (json_object_get (json_array_get (work, 0), "total")),
                         "1");
    assert_string_equal (json_string_value (json_object_get (json_array_get (work, 0), "agent")),
                         "urn:agent:0");
    json_t *inputs = json_object_get (json_object_get (t, "rollup"), "inputs");
    assert_int_equal (json_array_size (inputs), 3); /* consume, use, cite of urn:spec:thing */
    json_decref (t);

    /*  nothing names it */
    json_t *none = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_store_trace (w.st, "urn:nothing", &s_trace, &none, &err), VF_ENOTFOUND);
    assert_non_null (strstr (err.msg, "urn:nothing"));
    s_end (&w);
}

/* -------------------------------------------------------------- repair */

static void
test_repair (void **state)
{
    s_world_t w;
    s_world (&w);
    const int alice = 0, shop = 1;
    s_resource (&w, alice, "urn:car", "VIN-1");
    s_resource (&w, shop, "urn:oil", NULL);
    s_resource (&w, shop, "urn:pads", NULL);
    s_process (&w, shop, "urn:repair-0");
    s_process (&w, shop, "urn:repair-1");
    s_process (&w, shop, "urn:repair-2");
    s_ev (&w, alice, "urn:raise-car", "raise", NULL, "urn:car", 0);
    s_ev (&w, shop, "urn:raise-oil", "raise", NULL, "urn:oil", 0);
    s_ev (&w, shop, "urn:raise-pads", "raise", NULL, "urn:pads", 0);
    /*  an earlier repair: brake pads */
    s_ev2 (&w, shop, alice, "urn:accept-0", "accept", "urn:repair-0", "urn:car", NULL, 2);
    s_ev (&w, shop, "urn:consume-pads", "consume", "urn:repair-0", "urn:pads", 3);
    s_ev2 (&w, shop, alice, "urn:modify-0", "modify", "urn:repair-0", "urn:car", NULL, 4);
    /*  alice hands the car over (custody only) */
    s_ev2 (&w, alice, shop, "urn:custody", "transferCustody", NULL, "urn:car", NULL, 10);
    /*  the oil change */
    s_ev2 (&w, shop, alice, "urn:accept-1", "accept", "urn:repair-1", "urn:car", NULL, 11);
    s_ev (&w, shop, "urn:consume-oil", "consume", "urn:repair-1", "urn:oil", 12);
    s_ev (&w, shop, "urn:work-mechanic", "work", "urn:repair-1", NULL, 12);
    s_ev2 (&w, shop, alice, "urn:modify-1", "modify", "urn:repair-1", "urn:car", NULL, 13);
    /*  a later repair */
    s_ev2 (&w, shop, alice, "urn:accept-2", "accept", "urn:repair-2", "urn:car", NULL, 30);
    s_ev2 (&w, shop, alice, "urn:modify-2", "modify", "urn:repair-2", "urn:car", NULL, 31);
    const char *on_car[] = { "urn:accept-0", "urn:modify-0", "urn:accept-1",
                             "urn:modify-1", "urn:accept-2", "urn:modify-2" };

    /*  not confirmed by alice: the shop's events do not touch her car */
    json_t *t = s_walk (&w, "urn:modify-1", &s_trace);
    s_expect_set (t, "urn:modify-1 urn:repair-1 urn:accept-1 urn:consume-oil urn:oil "
                     "urn:raise-oil urn:work-mechanic");
    json_decref (t);
    vf_trace_opts_t pending = { .include_pending = true };
    t = s_walk (&w, "urn:modify-1", &pending);
    assert_true (json_is_true (json_object_get (s_item (t, "urn:car"), "vfn:pending")));
    json_decref (t);

    for (size_t k = 0; k < 6; k++)
        s_confirm (&w, alice, on_car[k]);
    /*  what went into the car as it left the oil change: that repair, the
        car's history before it, never the later repair */
    t = s_walk (&w, "urn:modify-1", &s_trace);
    s_expect_set (t, "urn:modify-1 urn:repair-1 urn:accept-1 urn:consume-oil urn:oil "
                     "urn:raise-oil urn:work-mechanic urn:car urn:modify-0 urn:repair-0 "
                     "urn:accept-0 urn:consume-pads urn:pads urn:raise-pads urn:raise-car");
    /*  the earlier repair hangs under the car, the oil change's accept led there */
    assert_string_equal (s_parent (t, "urn:car"), "urn:accept-1");
    assert_string_equal (s_parent (t, "urn:modify-0"), "urn:car");
    json_decref (t);

    /*  forwards from the oil change's accept: that repair, then the car
        goes on to the later repair */
    t = s_walk (&w, "urn:accept-1", &s_track);
    s_expect_set (t, "urn:accept-1 urn:repair-1 urn:modify-1 urn:car urn:accept-2 "
                     "urn:repair-2 urn:modify-2");
    json_decref (t);

    /*  stop at the organisation boundary: the shop's side only */
    vf_trace_opts_t own = { .stop_at_boundary = true };
    t = s_walk (&w, "urn:modify-1", &own);
    assert_true (json_is_true (json_object_get (s_item (t, "urn:car"), "vfn:boundary")));
    s_expect_set (t, "urn:modify-1 urn:repair-1 urn:accept-1 urn:consume-oil urn:oil "
                     "urn:raise-oil urn:work-mechanic urn:car");
    json_decref (t);
    s_end (&w);
}

/* ------------------------------------------------------------- apples */

/*  Alice's apples travel to Bob in two hops with Claudia the carrier. The
    pickups name the resource the carrier takes from (Alice's apples, then
    Claudia's load), the dropoffs the resource the goods arrive as
    (Claudia's load, then Bob's apples): the same goods change their name
    in each transport. Dan's pears ride along in the first hop, picked up
    and dropped off under one name. */
static void
s_apples (s_world_t *w, bool confirm)
{
    const int alice = 0, claudia = 1, bob = 2, dan = 3;
    s_resource (w, alice, "urn:alice-apples", NULL);
    s_resource (w, claudia, "urn:claudia-load", NULL);
    s_resource (w, bob, "urn:bob-apples", NULL);
    s_resource (w, dan, "urn:dan-pears", NULL);
    s_process (w, alice, "urn:harvest");
    s_process (w, claudia, "urn:hop-1");
    s_process (w, claudia, "urn:hop-2");
    s_ev (w, alice, "urn:pick-apples", "work", "urn:harvest", NULL, 1);
    s_ev (w, alice, "urn:apples-out", "produce", "urn:harvest", "urn:alice-apples", 2);
    s_ev (w, dan, "urn:raise-pears", "raise", NULL, "urn:dan-pears", 2);
    s_ev2 (w, claudia, claudia, "urn:pickup-apples", "pickup", "urn:hop-1", "urn:alice-apples",
           NULL, 3);
    s_ev2 (w, claudia, claudia, "urn:pickup-pears", "pickup", "urn:hop-1", "urn:dan-pears", NULL,
           3);
    s_ev (w, claudia, "urn:dropoff-load", "dropoff", "urn:hop-1", "urn:claudia-load", 5);
    s_ev2 (w, claudia, dan, "urn:dropoff-pears", "dropoff", "urn:hop-1", "urn:dan-pears", NULL, 5);
    s_ev (w, claudia, "urn:pickup-load", "pickup", "urn:hop-2", "urn:claudia-load", 6);
    s_ev2 (w, claudia, bob, "urn:dropoff-bob", "dropoff", "urn:hop-2", "urn:bob-apples", NULL, 8);
    if (confirm) {
        s_confirm (w, alice, "urn:pickup-apples");
        s_confirm (w, bob, "urn:dropoff-bob");
        s_confirm (w, dan, "urn:pickup-pears");
        s_confirm (w, dan, "urn:dropoff-pears");
    }
}

static void
test_apples (void **state)
{
    s_world_t w;
    s_world (&w);
    s_apples (&w, true);
    json_t *t = s_walk (&w, "urn:bob-apples", &s_trace);
    s_expect_set (t, "urn:bob-apples urn:dropoff-bob urn:hop-2 urn:pickup-load urn:claudia-load "
                     "urn:dropoff-load urn:hop-1 urn:pickup-apples urn:alice-apples "
                     "urn:apples-out urn:harvest urn:pick-apples");
    assert_string_equal (
        json_string_value (json_object_get (s_item (t, "urn:pickup-apples"), "vfn:via")),
        "renamed");
    json_decref (t);

    t = s_walk (&w, "urn:alice-apples", &s_track);
    s_expect_set (t, "urn:alice-apples urn:apples-out urn:pickup-apples urn:hop-1 "
                     "urn:dropoff-load urn:claudia-load urn:pickup-load urn:hop-2 "
                     "urn:dropoff-bob urn:bob-apples");
    json_decref (t);

    /*  the pears' own trace does not pull in the apples */
    t = s_walk (&w, "urn:dropoff-pears", &s_trace);
    s_expect_set (t, "urn:dropoff-pears urn:hop-1 urn:pickup-pears urn:dan-pears "
                     "urn:raise-pears");
    json_decref (t);
    s_end (&w);

    /*  unconfirmed: the walk stops where the owner has not agreed, unless
        asked to go on */
    s_world (&w);
    s_apples (&w, false);
    t = s_walk (&w, "urn:claudia-load", &s_trace);
    s_expect_set (t, "urn:claudia-load urn:dropoff-load urn:hop-1 urn:pickup-apples");
    json_decref (t);
    vf_trace_opts_t pending = { .include_pending = true };
    t = s_walk (&w, "urn:claudia-load", &pending);
    s_expect_set (t, "urn:claudia-load urn:dropoff-load urn:hop-1 urn:pickup-apples "
                     "urn:alice-apples urn:apples-out urn:harvest urn:pick-apples");
    assert_true (json_is_true (json_object_get (s_item (t, "urn:alice-apples"), "vfn:pending")));
    json_decref (t);
    s_end (&w);
}

/* ----------------------------------------------------------- pack/unpack */

static void
test_pack_unpack (void **state)
{
    s_world_t w;
    s_world (&w);
    const int med = 0, wash = 1;
    const char *mine[] = { "urn:box", "urn:gown-1", "urn:gown-2" };
    for (int k = 0; k < 3; k++) {
        char raise[64];
        snprintf (raise, sizeof raise, "urn:raise-%s", mine[k] + 4);
        s_resource (&w, med, mine[k], NULL);
        s_ev (&w, med, raise, "raise", NULL, mine[k], 0);
    }
    s_resource (&w, med, "urn:package", NULL);
    s_resource (&w, wash, "urn:package-in", NULL);
    s_process (&w, med, "urn:pack");
    s_process (&w, wash, "urn:unpack");
    s_ev (&w, med, "urn:combine-box", "combine", "urn:pack", "urn:box", 1);
    s_ev (&w, med, "urn:combine-gown-1", "combine", "urn:pack", "urn:gown-1", 1);
    s_ev (&w, med, "urn:combine-gown-2", "combine", "urn:pack", "urn:gown-2", 1);
    s_ev (&w, med, "urn:produce-package", "produce", "urn:pack", "urn:package", 2);
    s_ev2 (&w, med, wash, "urn:custody", "transferCustody", NULL, "urn:package", "urn:package-in",
           4);
    s_ev (&w, wash, "urn:consume-package", "consume", "urn:unpack", "urn:package-in", 6);
    s_ev2 (&w, wash, med, "urn:separate-box", "separate", "urn:unpack", "urn:box", NULL, 7);
    s_ev2 (&w, wash, med, "urn:separate-gown-1", "separate", "urn:unpack", "urn:gown-1", NULL, 7);
    s_ev2 (&w, wash, med, "urn:separate-gown-2", "separate", "urn:unpack", "urn:gown-2", NULL, 7);
    s_confirm (&w, wash, "urn:custody");
    s_confirm (&w, med, "urn:separate-box");
    s_confirm (&w, med, "urn:separate-gown-1");
    s_confirm (&w, med, "urn:separate-gown-2");

    /*  where did gown 1 come from: its unpacking, the package, its packing,
        and of the packing only gown 1 itself */
    json_t *t = s_walk (&w, "urn:gown-1", &s_trace);
    s_expect_set (t, "urn:gown-1 urn:separate-gown-1 urn:unpack urn:consume-package "
                     "urn:package-in urn:custody urn:package urn:produce-package urn:pack "
                     "urn:combine-gown-1 urn:raise-gown-1");
    json_decref (t);

    /*  where did gown 2 go: into the package, across to the laundry, out
        again as itself, never as the box or gown 1 */
    t = s_walk (&w, "urn:gown-2", &s_track);
    s_expect_set (t, "urn:gown-2 urn:raise-gown-2 urn:combine-gown-2 urn:pack "
                     "urn:produce-package urn:package urn:custody urn:package-in "
                     "urn:consume-package urn:unpack urn:separate-gown-2");
    json_decref (t);
    s_end (&w);
}

/* ----------------------------------------------------- production cycle */

/*  Polymer is made, checked by quality control (consumed and produced
    back), then used; twice over, with the same processes repeating. */
static void
test_production_cycle (void **state)
{
    s_world_t w;
    s_world (&w);
    s_resource (&w, 0, "urn:monomer", NULL);
    s_resource (&w, 0, "urn:polymer", NULL);
    s_ev (&w, 0, "urn:raise-monomer", "raise", NULL, "urn:monomer", 0);
    const char *cycle[2][8] = {
        { "urn:make-1", "urn:qc-1", "urn:use-1", "urn:product-1", "1", "2", "3", "4" },
        { "urn:make-2", "urn:qc-2", "urn:use-2", "urn:product-2", "11", "12", "13", "14" },
    };
    for (int c = 0; c < 2; c++) {
        int t0 = c * 10;
        char a[64], b[64], d[64], e[64], f[64], g[64];
        snprintf (a, sizeof a, "urn:consume-monomer-%d", c + 1);
        snprintf (b, sizeof b, "urn:make-polymer-%d", c + 1);
        snprintf (d, sizeof d, "urn:qc-in-%d", c + 1);
        snprintf (e, sizeof e, "urn:qc-out-%d", c + 1);
        snprintf (f, sizeof f, "urn:consume-polymer-%d", c + 1);
        snprintf (g, sizeof g, "urn:produce-product-%d", c + 1);
        s_ev (&w, 0, a, "consume", cycle[c][0], "urn:monomer", t0 + 1);
        s_ev (&w, 0, b, "produce", cycle[c][0], "urn:polymer", t0 + 2);
        s_ev (&w, 0, d, "consume", cycle[c][1], "urn:polymer", t0 + 3);
        s_ev (&w, 0, e, "produce", cycle[c][1], "urn:polymer", t0 + 4);
        s_ev (&w, 0, f, "consume", cycle[c][2], "urn:polymer", t0 + 5);
        s_ev (&w, 0, g, "produce", cycle[c][2], cycle[c][3], t0 + 6);
    }
    /*  the first product: the first cycle only, quality control after making */
    json_t *t = s_walk (&w, "urn:product-1", &s_trace);
    s_expect_set (t, "urn:product-1 urn:produce-product-1 urn:use-1 urn:consume-polymer-1 "
                     "urn:polymer urn:qc-out-1 urn:qc-1 urn:qc-in-1 urn:make-polymer-1 "
                     "urn:make-1 urn:consume-monomer-1 urn:monomer urn:raise-monomer");
    /*  the breadcrumb: what quality control took in was what making put out */
    assert_string_equal (s_parent (t, "urn:make-polymer-1"), "urn:qc-in-1");
    assert_string_equal (
        json_string_value (json_object_get (s_item (t, "urn:make-polymer-1"), "vfn:via")),
        "previousEvent");
    assert_true (s_index (t, "urn:qc-out-1") < s_index (t, "urn:make-polymer-1"));
    json_decref (t);

    /*  the second product: the polymer is one stock, so both cycles, the
        newest first, each once */
    t = s_walk (&w, "urn:product-2", &s_trace);
    s_expect_set (t, "urn:product-2 urn:produce-product-2 urn:use-2 urn:consume-polymer-2 "
                     "urn:polymer urn:qc-out-2 urn:qc-2 urn:qc-in-2 urn:make-polymer-2 "
                     "urn:make-2 urn:consume-monomer-2 urn:monomer urn:raise-monomer "
                     "urn:qc-out-1 urn:qc-1 urn:qc-in-1 urn:make-polymer-1 urn:make-1 "
                     "urn:consume-monomer-1");
    assert_string_equal (s_parent (t, "urn:make-polymer-2"), "urn:qc-in-2");
    assert_true (s_index (t, "urn:qc-out-2") < s_index (t, "urn:qc-out-1"));
    json_decref (t);

    /*  forwards from the first making: everything after it that took polymer */
    t = s_walk (&w, "urn:make-polymer-1", &s_track);
    s_expect_set (t, "urn:make-polymer-1 urn:polymer urn:qc-in-1 urn:qc-1 urn:qc-out-1 "
                     "urn:consume-polymer-1 urn:use-1 urn:produce-product-1 urn:product-1 "
                     "urn:qc-in-2 urn:qc-2 urn:qc-out-2 urn:consume-polymer-2 urn:use-2 "
                     "urn:produce-product-2 urn:product-2 urn:make-polymer-2");
    json_decref (t);
    s_end (&w);
}

/* ---------------------------------------------- lots and unknown records */

static void
test_lots_and_unknowns (void **state)
{
    s_world_t w;
    s_world (&w);
    const int farm = 0, mill = 1;
    s_resource (&w, farm, "urn:farm-lot", "HF-7");
    s_process (&w, farm, "urn:shearing");
    s_ev (&w, farm, "urn:fleece-out", "produce", "urn:shearing", "urn:farm-lot", 1);
    /*  the farm sells the lot but names no receiving resource; the mill
        books what it received under the same lot code */
    s_ev2 (&w, farm, mill, "urn:sale", "transfer", NULL, "urn:farm-lot", NULL, 3);
    s_resource (&w, mill, "urn:mill-wool", "HF-7");
    s_ev (&w, mill, "urn:wool-in", "raise", NULL, "urn:mill-wool", 4);
    json_t *t = s_walk (&w, "urn:mill-wool", &s_trace);
    s_expect_set (t, "urn:mill-wool urn:wool-in urn:sale urn:farm-lot urn:fleece-out "
                     "urn:shearing");
    assert_string_equal (json_string_value (json_object_get (s_item (t, "urn:sale"), "vfn:via")),
                         "trackingIdentifier");
    json_decref (t);
    t = s_walk (&w, "urn:sale", &s_track);
    s_expect_set (t, "urn:sale urn:mill-wool urn:wool-in");
    json_decref (t);

    /*  an incoming transfer from a resource this node knows nothing else
        of, made by a process it does not hold */
    s_ev2 (&w, mill, mill, "urn:yarn-in", "transfer", NULL, "urn:vfnode:elsewhere:yarn",
           "urn:mill-yarn", 6);
    s_ev (&w, mill, "urn:dye-out", "produce", "urn:vfnode:elsewhere:dyeing", "urn:mill-dyed", 7);
    t = s_walk (&w, "urn:mill-yarn", &s_trace);
    s_expect_set (t, "urn:mill-yarn urn:yarn-in urn:vfnode:elsewhere:yarn");
    json_t *u = s_item (t, "urn:vfnode:elsewhere:yarn");
    assert_true (json_is_true (json_object_get (u, "vfn:unknown")));
    assert_string_equal (json_string_value (json_object_get (u, "vfn:agent")), "urn:agent:1");
    json_decref (t);
    t = s_walk (&w, "urn:mill-dyed", &s_trace);
    assert_true (
        json_is_true (json_object_get (s_item (t, "urn:vfnode:elsewhere:dyeing"), "vfn:unknown")));
    json_decref (t);
    s_end (&w);
}

/* ------------------------------------------------- reference comparison */

/*  Random production graphs: resources made by processes from other
    resources, in time order, some resources stocked by more than one
    process. The reference walk is the definition in docs/TRACE.md for
    graphs without pairs, written as plainly as possible: a fixpoint over
    in-memory lists, with each resource carrying the latest event (trace;
    earliest, track) it was reached from. */
#define R_RES 24
#define R_PROC 16
#define R_EV 96

typedef struct {
    int proc, res, t;
    bool out;
    int to; /* a transfer (proc -1) from res into resource to; else -1 */
} s_rev_t;

typedef struct {
    s_rev_t ev[R_EV];
    int nev;
} s_graph_t;

static void
s_reference (const s_graph_t *g, int start_res, bool fwd, bool in[R_RES + R_PROC + R_EV])
{
    /*  item index: resources 0.., processes R_RES.., events R_RES+R_PROC.. */
    int bound[R_RES]; /* trace: events before this time; track: after; -1 none yet */
    bool have[R_RES + R_PROC + R_EV] = { false };
    for (int r = 0; r < R_RES; r++)
        bound[r] = -1;
    have[start_res] = true;
    bound[start_res] = fwd ? -2 : 1 << 30; /* the start: every event */
    for (bool changed = true; changed;) {
        changed = false;
        for (int k = 0; k < g->nev; k++) {
            const s_rev_t *e = &g->ev[k];
            int ei = R_RES + R_PROC + k, pi = R_RES + e->proc;
            bool add = false;
            if (e->to >= 0) {
                /*  a transfer: it adds to `to` (trace) and takes from `res`
                    (track), and leads to the other side with its time */
                int near = fwd ? e->res : e->to, far = fwd ? e->to : e->res;
                if (bound[near] != -1 && (fwd ? e->t > bound[near] : e->t < bound[near]) &&
                    !have[ei])
                    have[ei] = changed = true;
                if (have[ei] &&
                    (bound[far] == -1 || (fwd ? bound[far] > e->t : bound[far] < e->t))) {
                    bound[far] = e->t;
                    have[far] = changed = true;
                }
                continue;
            }
            if (!fwd) {
                /*  resource <- its outputs before the bound; process <- inputs;
                    output -> process; input -> its resource */
                if (e->out && bound[e->res] != -1 && e->t < bound[e->res] && !have[ei])
                    add = true;
                if (!e->out && have[pi] && !have[ei])
                    add = true;
                if (have[ei] && e->out && !have[pi])
                    have[pi] = changed = true;
                if (have[ei] && !e->out && (bound[e->res] == -1 || bound[e->res] < e->t)) {
                    bound[e->res] = e->t;
                    have[e->res] = changed = true;
                }
            } else {
                if (bound[e->res] != -1 && e->t > bound[e->res] && !have[ei])
                    add = true;
                if (e->out && have[pi] && !have[ei])
                    add = true;
                if (have[ei] && !e->out && !have[pi])
                    have[pi] = changed = true;
                if (have[ei] && e->out && (bound[e->res] == -1 || bound[e->res] > e->t)) {
                    bound[e->res] = e->t;
                    have[e->res] = changed = true;
                }
            }
            if (add)
                have[ei] = changed = true;
        }
    }
    for (int i = 0; i < R_RES + R_PROC + R_EV; i++)
        in[i] = have[i];
}

static void
test_random_graphs_match_reference (void **state)
{
    srand (20261123);
    for (int round = 0; round < 16; round++) {
        s_world_t w;
        s_world (&w);
        s_graph_t g = { .nev = 0 };
        /*  process p runs at hours 3p+1 (inputs) and 3p+2 (outputs); it takes
            from resources made earlier and makes one or two resources; at
            3p+3 goods may move from one resource into another (from round
            4 on) */
        int made[R_RES] = { 0 };
        for (int r = 0; r < 4; r++)
            made[r] = 1; /* raw materials, raised at hour 0 */
        for (int p = 0; p < R_PROC && g.nev < R_EV - 7; p++) {
            int ins = 1 + rand () % 3;
            for (int k = 0; k < ins; k++) {
                int r = rand () % R_RES;
                if (made[r])
                    g.ev[g.nev++] = (s_rev_t){ p, r, 3 * p + 1, false, -1 };
            }
            int outs = 1 + rand () % 2;
            for (int k = 0; k < outs; k++) {
                int r = 4 + rand () % (R_RES - 4);
                g.ev[g.nev++] = (s_rev_t){ p, r, 3 * p + 2, true, -1 };
                made[r] = 1;
            }
            int from = rand () % R_RES, to = 4 + rand () % (R_RES - 4);
            if (round >= 4 && made[from] && from != to && rand () % 2) {
                g.ev[g.nev++] = (s_rev_t){ -1, from, 3 * p + 3, false, to };
                made[to] = 1;
            }
        }
        char iri[R_RES + R_PROC + R_EV][48];
        for (int r = 0; r < R_RES; r++)
            snprintf (iri[r], sizeof iri[r], "urn:r%d", r);
        for (int p = 0; p < R_PROC; p++)
            snprintf (iri[R_RES + p], sizeof iri[0], "urn:p%d", p);
        for (int k = 0; k < g.nev; k++) {
            snprintf (iri[R_RES + R_PROC + k], sizeof iri[0], "urn:e%d", k);
            if (g.ev[k].to >= 0)
                s_ev2 (&w, 0, 0, iri[R_RES + R_PROC + k], "transfer", NULL, iri[g.ev[k].res],
                       iri[g.ev[k].to], g.ev[k].t);
            else
                s_ev (&w, 0, iri[R_RES + R_PROC + k], g.ev[k].out ? "produce" : "consume",
                      iri[R_RES + g.ev[k].proc], iri[g.ev[k].res], g.ev[k].t);
        }
        for (int start = 4; start < R_RES; start += 5) {
            for (int dir = 0; dir < 2; dir++) {
                bool in[R_RES + R_PROC + R_EV];
                s_reference (&g, start, dir == 1, in);
                char expect[8192] = "";
                for (int i = 0; i < R_RES + R_PROC + R_EV; i++)
                    if (in[i] && (i < R_RES + R_PROC || i - R_RES - R_PROC < g.nev))
                        snprintf (expect + strlen (expect), sizeof expect - strlen (expect), "%s ",
                                  iri[i]);
                json_t *out = NULL;
                vf_err_t err = { 0 };
                int rc = vf_store_trace (w.st, iri[start], dir ? &s_track : &s_trace, &out, &err);
                if (rc == VF_ENOTFOUND) /* a resource no event names */
                    continue;
                assert_int_equal (rc, 0);
                s_expect_set (out, expect);
                json_decref (out);
            }
        }
        s_end (&w);
    }
}

static void
test_every_walk_terminates_on_cycles (void **state)
{
    /*  a resource produced from itself, through two processes that feed
        each other: the walk ends, each item once */
    s_world_t w;
    s_world (&w);
    s_ev (&w, 0, "urn:raise-a", "raise", NULL, "urn:a", 0);
    for (int k = 0; k < 6; k++) {
        char in[32], out[32], p[32];
        snprintf (p, sizeof p, "urn:loop-%d", k % 2);
        snprintf (in, sizeof in, "urn:in-%d", k);
        snprintf (out, sizeof out, "urn:out-%d", k);
        s_ev (&w, 0, in, "consume", p, k % 2 ? "urn:b" : "urn:a", 2 * k + 1);
        s_ev (&w, 0, out, "produce", p, k % 2 ? "urn:a" : "urn:b", 2 * k + 2);
    }
    for (int dir = 0; dir < 2; dir++) {
        json_t *t = s_walk (&w, "urn:a", dir ? &s_track : &s_trace);
        json_t *items = json_object_get (t, "items");
        json_t *seen = json_object ();
        for (size_t k = 0; k < json_array_size (items); k++) {
            json_t *it = json_array_get (items, k);
            const char *key = json_string_value (json_object_get (it, "vfn:entry"));
            if (!key)
                key = json_string_value (json_object_get (it, "@id"));
            assert_null (json_object_get (seen, key));
            json_object_set_new (seen, key, json_true ());
        }
        /*  everything: a, b, two processes, raise, 12 events */
        assert_int_equal (json_array_size (items), 17);
        json_decref (seen);
        json_decref (t);
    }
    s_end (&w);
}

/*  A store of schema 2 (before trackingIdentifier rows) is upgraded in
    place by the first read-write open; a read-only open says what to do. */
static void
test_schema_2_store_is_upgraded (void **state)
{
    s_world_t w;
    s_world (&w);
    char path[400];
    snprintf (path, sizeof path, "%s/t%d", s_dir, s_stores - 1);
    s_resource (&w, 0, "urn:farm-lot", "HF-7");
    s_ev (&w, 0, "urn:fleece-out", "produce", "urn:shearing", "urn:farm-lot", 1);
    s_ev2 (&w, 0, 1, "urn:sale", "transfer", NULL, "urn:farm-lot", NULL, 3);
    s_resource (&w, 1, "urn:mill-wool", "HF-7");
    s_ev (&w, 1, "urn:wool-in", "raise", NULL, "urn:mill-wool", 4);
    vf_store_destroy (&w.st);

    /*  make it a schema 2 store: no tracking rows, version 2 */
    vf_db_t *db = NULL;
    vf_err_t err = { 0 };
    MDB_txn *txn;
    struct {
        char magic[4];
        uint32_t version, bom;
    } old = { { 'V', 'F', 'S', 'T' }, 2, 0x01020304u };
    uint8_t key[VF_REF_KEY_BYTES];
    vf_ref_key ("HF-7", VF_ROLE_TRACKING, key);
    assert_int_equal (vf_db_open (&db, path, NULL, &err), 0);
    assert_int_equal (vf_db_begin (db, true, &txn, &err), 0);
    assert_int_equal (vf_db_del (db, txn, VF_T_REFS, key, sizeof key, NULL, 0, &err), 0);
    assert_int_equal (vf_db_put (db, txn, VF_T_META, "schema", 6, &old, sizeof old, 0, &err), 0);
    assert_int_equal (vf_db_commit (db, txn, &err), 0);
    vf_db_destroy (&db);

    vf_store_opts_t ro = { 0, true };
    assert_int_equal (vf_store_open (&w.st, path, &ro, &err), VF_ESCHEMA);
    assert_non_null (strstr (err.msg, "start vfnode once"));
    assert_int_equal (vf_store_open (&w.st, path, NULL, &err), 0);
    json_t *t = s_walk (&w, "urn:mill-wool", &s_trace);
    s_expect_set (t, "urn:mill-wool urn:wool-in urn:sale urn:farm-lot urn:fleece-out "
                     "urn:shearing");
    json_decref (t);
    vf_check_report_t report;
    assert_int_equal (vf_store_check (w.st, &report, &err), 0);
    assert_int_equal (report.bad_entries + report.bad_index + report.bad_state, 0);
    vf_store_destroy (&w.st);
    assert_int_equal (vf_store_open (&w.st, path, &ro, &err), 0);
    vf_store_destroy (&w.st);

    /*  the check sees missing lot code rows */
    assert_int_equal (vf_db_open (&db, path, NULL, &err), 0);
    assert_int_equal (vf_db_begin (db, true, &txn, &err), 0);
    assert_int_equal (vf_db_del (db, txn, VF_T_REFS, key, sizeof key, NULL, 0, &err), 0);
    assert_int_equal (vf_db_commit (db, txn, &err), 0);
    vf_db_destroy (&db);
    assert_int_equal (vf_store_open (&w.st, path, NULL, &err), 0);
    assert_int_equal (vf_store_check (w.st, &report, &err), 0);
    assert_int_equal (report.bad_index, 2);
    assert_non_null (strstr (report.first_problem, "no trackingIdentifier row"));
    s_end (&w);
}

/*  Check that every item comes after its parent, depth first, and that
    depths follow the parents. */
static void
s_expect_tree (const json_t *walk)
{
    json_t *items = json_object_get (walk, "items");
    for (size_t k = 0; k < json_array_size (items); k++) {
        json_t *it = json_array_get (items, k);
        assert_int_equal (json_integer_value (json_object_get (it, "vfn:item")), (json_int_t) k);
        json_t *p = json_object_get (it, "vfn:parent");
        json_int_t depth = json_integer_value (json_object_get (it, "vfn:depth"));
        if (k == 0) {
            assert_null (p);
            continue;
        }
        assert_true (json_integer_value (p) >= 0 && (size_t) json_integer_value (p) < k);
        json_t *parent = json_array_get (items, (size_t) json_integer_value (p));
        assert_int_equal (depth, json_integer_value (json_object_get (parent, "vfn:depth")) + 1);
        /*  depth first: the parent is on the path to the item before */
        json_int_t up = (json_int_t) k - 1;
        while (up >= 0 && up != json_integer_value (p))
            up = json_integer_value (
                json_object_get (json_array_get (items, (size_t) up), "vfn:parent"));
        assert_int_equal (up, json_integer_value (p));
    }
}

/*  A stock reached first from an early event (through another branch),
    then from a later one: the additions in between are walked, as
    "stock", each once. */
static void
test_stock_reached_again (void **state)
{
    s_world_t w;
    s_world (&w);
    s_resource (&w, 0, "urn:S", NULL);
    s_ev (&w, 0, "urn:raise-1", "raise", NULL, "urn:S", 0);
    s_ev (&w, 0, "urn:take-q", "consume", "urn:Q", "urn:S", 1);
    s_ev (&w, 0, "urn:raise-2", "raise", NULL, "urn:S", 2);
    s_ev (&w, 0, "urn:take-p", "consume", "urn:P", "urn:S", 3);
    s_ev (&w, 0, "urn:raise-3", "raise", NULL, "urn:S", 4); /* after both: not in X */
    s_ev (&w, 0, "urn:make-a", "produce", "urn:Q", "urn:A", 5);
    s_ev (&w, 0, "urn:take-a", "consume", "urn:P", "urn:A", 6);
    s_ev (&w, 0, "urn:make-x", "produce", "urn:P", "urn:X", 7);
    json_t *t = s_walk (&w, "urn:X", &s_trace);
    s_expect_set (t, "urn:X urn:make-x urn:P urn:take-a urn:A urn:make-a urn:Q urn:take-q urn:S "
                     "urn:raise-1 urn:take-p urn:raise-2");
    assert_string_equal (json_string_value (json_object_get (s_item (t, "urn:raise-2"), "vfn:via")),
                         "stock");
    assert_string_equal (s_parent (t, "urn:raise-2"), "urn:take-p");
    s_expect_tree (t);
    json_decref (t);
    s_end (&w);
}

/* ------------------------------------------------ starts and their rules */

/*  A walk from a process takes all of its events (the process is the way
    in): the pickups of a transport included. */
static void
test_process_start (void **state)
{
    s_world_t w;
    s_world (&w);
    s_apples (&w, true);
    json_t *t = s_walk (&w, "urn:hop-2", &s_trace);
    s_expect_set (t, "urn:hop-2 urn:pickup-load urn:claudia-load urn:dropoff-load urn:hop-1 "
                     "urn:pickup-apples urn:alice-apples urn:apples-out urn:harvest "
                     "urn:pick-apples");
    assert_string_equal (json_string_value (json_object_get (
                             json_array_get (json_object_get (t, "items"), 0), "@type")),
                         "Process");
    json_decref (t);
    t = s_walk (&w, "urn:hop-1", &s_track);
    s_expect_set (t, "urn:hop-1 urn:dropoff-load urn:claudia-load urn:pickup-load urn:hop-2 "
                     "urn:dropoff-bob urn:bob-apples urn:dropoff-pears urn:dan-pears");
    json_decref (t);
    s_end (&w);
}

/*  Anyone can sign an event under another co-op's resource IRI: the walk
    from that IRI still starts at the resource. A vfe_ start must be the
    event that counts under its IRI. */
static void
test_start_is_not_hijacked (void **state)
{
    s_world_t w;
    s_world (&w);
    s_apples (&w, true);
    json_t *before = s_walk (&w, "urn:bob-apples", &s_trace);
    s_ev (&w, 4, "urn:bob-apples", "raise", NULL, "urn:mallory-stuff", 9);
    json_t *t = s_walk (&w, "urn:bob-apples", &s_trace);
    json_t *first = json_array_get (json_object_get (t, "items"), 0);
    assert_string_equal (json_string_value (json_object_get (first, "@type")), "EconomicResource");
    assert_int_equal (json_array_size (json_object_get (t, "items")),
                      json_array_size (json_object_get (before, "items")));
    json_decref (t);
    json_decref (before);

    /*  the author signs a second event under an event's IRI: it does not
        count, and cannot be a start */
    s_ev (&w, 0, "urn:apples-out", "produce", "urn:harvest", "urn:alice-apples", 10);
    const char *second = json_string_value (json_object_get (w.ids, "urn:apples-out"));
    vf_err_t err = { 0 };
    json_t *out = NULL;
    assert_int_equal (vf_store_trace (w.st, second, &s_trace, &out, &err), VF_EINVAL);
    assert_null (out);
    assert_non_null (strstr (err.msg, "not the event that counts"));
    s_end (&w);
}

/* ------------------------------------------------------------ max_depth */

/*  B is reached first far from the start (through A), then near it: with
    max_depth its history must be there all the same. In the first shape
    the far visit leaves B unexpanded, in the second B is expanded there
    but the limit cuts its history short. */
static void
test_depth_reaches_what_is_near (void **state)
{
    for (int shape = 0; shape < 2; shape++) {
        s_world_t w;
        s_world (&w);
        const char *res[] = { "urn:R", "urn:A", "urn:B", "urn:C" };
        for (int k = 0; k < 4; k++)
            s_resource (&w, 0, res[k], NULL);
        s_ev (&w, 0, "urn:raise-C", "raise", NULL, "urn:C", 0);
        s_ev (&w, 0, "urn:raise-B", "raise", NULL, "urn:B", 0);
        s_ev (&w, 0, "urn:consume-C", "consume", "urn:P3", "urn:C", 1);
        s_ev (&w, 0, "urn:produce-B", "produce", "urn:P3", "urn:B", 2);
        if (shape == 0) { /* A made from B: B 8 steps from R */
            s_ev (&w, 0, "urn:consume-B2", "consume", "urn:P2", "urn:B", 3);
            s_ev (&w, 0, "urn:produce-A", "produce", "urn:P2", "urn:A", 4);
        } else /* B moved into A: B 6 steps from R */
            s_ev2 (&w, 0, 0, "urn:move-B", "move", NULL, "urn:B", "urn:A", 3);
        s_ev (&w, 0, "urn:consume-B", "consume", "urn:P1", "urn:B", 5);
        s_ev (&w, 0, "urn:consume-A", "consume", "urn:P1", "urn:A", 6);
        s_ev (&w, 0, "urn:produce-R", "produce", "urn:P1", "urn:R", 7);
        /*  shape 0: B is 8 steps away through A and left unexpanded there;
            reached again from consume-B it is 4 away and its history (raise-B
            5 away) is walked. consume-B's breadcrumb (produce-B, the last
            addition to B before it) hangs under consume-B.
            shape 1: B is expanded 6 steps away, its additions 7 away are
            left unexpanded; from consume-B they come 3 steps nearer, and
            what lies behind produce-B is walked, up to C (7 steps) */
        vf_trace_opts_t o = { .max_depth = shape == 0 ? 8 : 7 };
        json_t *t = s_walk (&w, "urn:R", &o);
        s_expect_set (t, shape == 0 ? "urn:R urn:produce-R urn:P1 urn:consume-A urn:A "
                                      "urn:produce-A urn:P2 urn:consume-B2 urn:B urn:consume-B "
                                      "urn:produce-B urn:raise-B urn:P3 urn:consume-C urn:C "
                                      "urn:raise-C"
                                    : "urn:R urn:produce-R urn:P1 urn:consume-A urn:A "
                                      "urn:move-B urn:B urn:consume-B urn:produce-B "
                                      "urn:raise-B urn:P3 urn:consume-C urn:C");
        json_t *b = s_item (t, "urn:B");
        assert_int_equal (json_integer_value (json_object_get (b, "vfn:depth")), 4);
        assert_string_equal (s_parent (t, "urn:B"), "urn:consume-B");
        assert_string_equal (s_parent (t, "urn:produce-B"), "urn:consume-B");
        assert_int_equal (json_integer_value (json_object_get (s_item (t, "urn:C"), "vfn:depth")),
                          7);
        s_expect_tree (t);
        json_decref (t);
        /*  without a limit: everything, raise-C too */
        t = s_walk (&w, "urn:R", &s_trace);
        assert_non_null (s_item (t, "urn:raise-C"));
        s_expect_tree (t);
        json_decref (t);
        s_end (&w);
    }
}

/* ------------------------------------------------------- lots, scoped */

static void
s_lot_resource (s_world_t *w, int org, const char *iri, const char *field, const char *value,
                const char *spec)
{
    s_pub (w, org,
           json_pack ("{s:s, s:s, s:s, s:s}", "@type", "EconomicResource", "@id", iri, "conformsTo",
                      spec, field, value));
}

/*  A lot code links a transfer that names no receiving resource to the
    resources of the receiver with that code (primaryAccountable, or the
    co-op that published the receiver's agent record), or failing that to
    those of the same specification; never to anyone else's resource that
    happens to carry the same code. ofBatchLot links the same way. */
static void
test_lots_are_scoped (void **state)
{
    s_world_t w;
    s_world (&w);
    const int farm = 0, mill = 1, weaver = 2, other = 3;
    s_lot_resource (&w, farm, "urn:farm-lot", "trackingIdentifier", "L-9", "urn:spec:wool");
    s_ev (&w, farm, "urn:raise-lot", "raise", NULL, "urn:farm-lot", 0);
    s_ev2 (&w, farm, mill, "urn:sale", "transfer", NULL, "urn:farm-lot", NULL, 2);
    s_ev2 (&w, farm, weaver, "urn:sale-2", "transfer", NULL, "urn:farm-lot", NULL, 3);
    /*  the mill: its own spec; linked by the co-op that published the
        receiver's agent record */
    s_pub (&w, mill,
           json_pack ("{s:s, s:s, s:s}", "@type", "Organization", "@id", s_agent (mill), "name",
                      "Mill"));
    s_lot_resource (&w, mill, "urn:mill-lot", "trackingIdentifier", "L-9", "urn:spec:m");
    /*  the weaver: by primaryAccountable (the transfer of another lot of
        the farm's into it made the weaver its accountable agent) */
    s_lot_resource (&w, weaver, "urn:weaver-lot", "trackingIdentifier", "L-9", "urn:spec:w");
    s_resource (&w, farm, "urn:farm-extra", NULL);
    s_ev (&w, farm, "urn:raise-extra", "raise", NULL, "urn:farm-extra", 0);
    s_ev2 (&w, farm, weaver, "urn:extra", "transfer", NULL, "urn:farm-extra", "urn:weaver-lot", 1);
    s_confirm (&w, weaver, "urn:extra");
    /*  someone else with the same code and another spec: not linked */
    s_lot_resource (&w, other, "urn:other-lot", "trackingIdentifier", "L-9", "urn:spec:o");
    json_t *t = s_walk (&w, "urn:mill-lot", &s_trace);
    s_expect_set (t, "urn:mill-lot urn:sale urn:farm-lot urn:raise-lot");
    json_decref (t);
    t = s_walk (&w, "urn:weaver-lot", &s_trace);
    s_expect_set (t, "urn:weaver-lot urn:sale-2 urn:farm-lot urn:raise-lot urn:extra "
                     "urn:farm-extra urn:raise-extra");
    json_decref (t);
    t = s_walk (&w, "urn:other-lot", &s_trace);
    s_expect_set (t, "urn:other-lot");
    json_decref (t);
    t = s_walk (&w, "urn:farm-lot", &s_track);
    s_expect_set (t, "urn:farm-lot urn:raise-lot urn:sale urn:mill-lot urn:sale-2 "
                     "urn:weaver-lot");
    json_decref (t);

    /*  ofBatchLot: the same specification links */
    s_lot_resource (&w, farm, "urn:farm-batch", "ofBatchLot", "urn:batch:1", "urn:spec:wool");
    s_ev (&w, farm, "urn:raise-batch", "raise", NULL, "urn:farm-batch", 4);
    s_ev2 (&w, farm, other, "urn:sale-3", "transfer", NULL, "urn:farm-batch", NULL, 5);
    s_lot_resource (&w, other, "urn:other-batch", "ofBatchLot", "urn:batch:1", "urn:spec:wool");
    t = s_walk (&w, "urn:other-batch", &s_trace);
    s_expect_set (t, "urn:other-batch urn:sale-3 urn:farm-batch urn:raise-batch");
    assert_string_equal (json_string_value (json_object_get (s_item (t, "urn:sale-3"), "vfn:via")),
                         "ofBatchLot");
    json_decref (t);
    s_end (&w);
}

/* --------------------------------------------------------------- cost */

/*  One stock taken from by many processes, whose outputs all went into
    one mix: a trace from the mix visits every consumption, and each one's
    breadcrumb is the stock's last addition before it. The walk must read
    a bounded number of records per item (it used to scan back over every
    earlier consumption for each: quadratic). And a walk that runs out of
    reads stops, truncated, with what it had. */
static void
test_cost_is_bounded (void **state)
{
    s_world_t w;
    s_world (&w);
    s_resource (&w, 0, "urn:stock", NULL);
    s_resource (&w, 0, "urn:mix", NULL);
    s_ev (&w, 0, "urn:raise-stock", "raise", NULL, "urn:stock", 0);
    const int n = 300;
    for (int k = 0; k < n; k++) {
        char p[32], in[32], out[32];
        snprintf (p, sizeof p, "urn:run-%d", k);
        snprintf (in, sizeof in, "urn:take-%d", k);
        snprintf (out, sizeof out, "urn:make-%d", k);
        s_ev (&w, 0, in, "consume", p, "urn:stock", 1 + k / 20);
        s_ev (&w, 0, out, "produce", p, "urn:mix", 1 + k / 20);
    }
    json_t *t = s_walk (&w, "urn:mix", &s_trace);
    json_int_t visited = json_integer_value (json_object_get (t, "visited"));
    json_int_t reads = json_integer_value (json_object_get (t, "reads"));
    assert_int_equal (visited, 3 * n + 3); /* mix, stock, raise, and per run 3 */
    if (reads > 20 * visited)
        fail_msg ("%lld reads for %lld items", (long long) reads, (long long) visited);
    assert_false (json_is_true (json_object_get (t, "truncated")));
    json_decref (t);

    vf_trace_opts_t o = { .max_reads = 100 };
    t = s_walk (&w, "urn:mix", &o);
    assert_true (json_is_true (json_object_get (t, "truncated")));
    assert_string_equal (json_string_value (json_object_get (t, "limit")), "reads");
    assert_true (json_integer_value (json_object_get (t, "visited")) < visited);
    s_expect_tree (t);
    json_decref (t);
    s_end (&w);
}

/* --------------------------------------- second review: crumbs, depth */

/*  A track's breadcrumb is on the resource the step goes to (a transfer
    A -> B: on B), and is what was taken from it, never a later addition. */
static void
test_track_breadcrumbs (void **state)
{
    s_world_t w;
    s_world (&w);
    s_resource (&w, 0, "urn:A", NULL);
    s_resource (&w, 0, "urn:B", NULL);
    s_ev (&w, 0, "urn:consume-A1", "consume", "urn:Q", "urn:A", 1);
    s_ev (&w, 0, "urn:produce-B", "produce", "urn:Q", "urn:B", 2);
    s_ev2 (&w, 0, 0, "urn:T", "transfer", NULL, "urn:A", "urn:B", 3);
    s_ev (&w, 0, "urn:consume-A2", "consume", "urn:P2", "urn:A", 5);
    s_ev (&w, 0, "urn:consume-B", "consume", "urn:P3", "urn:B", 6);
    json_t *t = s_walk (&w, "urn:A", &s_track);
    assert_string_equal (s_parent (t, "urn:consume-A2"), "urn:A");
    json_decref (t);

    s_resource (&w, 0, "urn:S", NULL);
    s_ev (&w, 0, "urn:consume-X0", "consume", "urn:P0", "urn:X", 0);
    s_ev (&w, 0, "urn:produce-S0", "produce", "urn:P0", "urn:S", 1);
    s_ev (&w, 0, "urn:produce-S1", "produce", "urn:P1", "urn:S", 2);
    s_ev (&w, 0, "urn:produce-S2", "produce", "urn:P4", "urn:S", 4);
    s_ev (&w, 0, "urn:take-S", "consume", "urn:P5", "urn:S", 6);
    t = s_walk (&w, "urn:X", &s_track);
    assert_string_equal (s_parent (t, "urn:take-S"), "urn:produce-S1");
    assert_string_equal (json_string_value (json_object_get (s_item (t, "urn:take-S"), "vfn:via")),
                         "previousEvent");
    assert_string_equal (s_parent (t, "urn:produce-S2"), "urn:S");
    json_decref (t);
    s_end (&w);
}

/*  One transport carries two goods that both went into the product: the
    apples (renamed on the way) are traced to their origin whichever way
    in reaches the transport first. */
static void
test_shared_transport (void **state)
{
    s_world_t w;
    s_world (&w);
    const char *res[] = { "urn:Z", "urn:alice-apples", "urn:bob-apples", "urn:pears" };
    for (int k = 0; k < 4; k++)
        s_resource (&w, 0, res[k], NULL);
    s_ev (&w, 0, "urn:raise-alice", "raise", NULL, "urn:alice-apples", 1);
    s_ev (&w, 0, "urn:raise-pears", "raise", NULL, "urn:pears", 1);
    s_ev (&w, 0, "urn:pickup-alice", "pickup", "urn:X", "urn:alice-apples", 3);
    s_ev (&w, 0, "urn:pickup-pears", "pickup", "urn:X", "urn:pears", 3);
    s_ev (&w, 0, "urn:dropoff-bob", "dropoff", "urn:X", "urn:bob-apples", 5);
    s_ev (&w, 0, "urn:dropoff-pears", "dropoff", "urn:X", "urn:pears", 5);
    s_ev (&w, 0, "urn:consume-bob", "consume", "urn:PZ", "urn:bob-apples", 8);
    s_ev (&w, 0, "urn:consume-pears", "consume", "urn:PZ", "urn:pears", 9);
    s_ev (&w, 0, "urn:produce-Z", "produce", "urn:PZ", "urn:Z", 10);
    json_t *t = s_walk (&w, "urn:Z", &s_trace);
    s_expect_set (t, "urn:Z urn:produce-Z urn:PZ urn:consume-pears urn:pears urn:dropoff-pears "
                     "urn:X urn:pickup-pears urn:raise-pears urn:consume-bob urn:bob-apples "
                     "urn:dropoff-bob urn:pickup-alice urn:alice-apples urn:raise-alice");
    assert_string_equal (s_parent (t, "urn:pickup-alice"), "urn:dropoff-bob");
    assert_string_equal (
        json_string_value (json_object_get (s_item (t, "urn:pickup-alice"), "vfn:via")), "renamed");
    s_expect_tree (t);
    json_decref (t);
    s_end (&w);
}

static char *
s_items_text (const json_t *walk)
{
    return json_dumps (json_object_get (walk, "items"), JSON_SORT_KEYS);
}

/*  A max_depth that does not bind gives the walk without one; one that
    does keeps causal order (what a stock got after an event is not put
    under it) and reaches what is near through a process. */
static void
test_depth_is_faithful (void **state)
{
    s_world_t w;
    s_world (&w);
    const char *res[] = { "urn:Z", "urn:M", "urn:apples", "urn:pears", "urn:S" };
    for (int k = 0; k < 5; k++)
        s_resource (&w, 0, res[k], NULL);
    /*  a transport reached far away (pears) and near (apples) */
    s_ev (&w, 0, "urn:raise-p", "raise", NULL, "urn:pears", 1);
    s_ev (&w, 0, "urn:raise-a", "raise", NULL, "urn:apples", 1);
    s_ev (&w, 0, "urn:pickup-a", "pickup", "urn:X", "urn:apples", 4);
    s_ev (&w, 0, "urn:pickup-p", "pickup", "urn:X", "urn:pears", 4);
    s_ev (&w, 0, "urn:dropoff-a", "dropoff", "urn:X", "urn:apples", 6);
    s_ev (&w, 0, "urn:dropoff-p", "dropoff", "urn:X", "urn:pears", 6);
    s_ev (&w, 0, "urn:consume-apples", "consume", "urn:PZ", "urn:apples", 7);
    s_ev (&w, 0, "urn:consume-pears", "consume", "urn:PM", "urn:pears", 7);
    /*  a stock taken from early (near) and late (far) */
    s_ev (&w, 0, "urn:raise-S", "raise", NULL, "urn:S", 0);
    s_ev (&w, 0, "urn:consume-S-early", "consume", "urn:PZ", "urn:S", 2);
    s_ev (&w, 0, "urn:raise-S2", "raise", NULL, "urn:S", 3);
    s_ev (&w, 0, "urn:consume-S-late", "consume", "urn:PM", "urn:S", 7);
    s_ev (&w, 0, "urn:produce-M", "produce", "urn:PM", "urn:M", 8);
    s_ev (&w, 0, "urn:consume-M", "consume", "urn:PZ", "urn:M", 9);
    s_ev (&w, 0, "urn:produce-Z", "produce", "urn:PZ", "urn:Z", 10);
    json_t *free_walk = s_walk (&w, "urn:Z", &s_trace);
    vf_trace_opts_t o = { .max_depth = 100 };
    json_t *deep = s_walk (&w, "urn:Z", &o);
    char *a = s_items_text (free_walk), *b = s_items_text (deep);
    assert_string_equal (a, b);
    free (a), free (b);
    json_decref (deep);
    /*  with a limit that binds, raise-S2 (after consume-S-early) never
        hangs under consume-S-early */
    for (size_t d = 1; d < 14; d++) {
        o.max_depth = d;
        json_t *t = s_walk (&w, "urn:Z", &o);
        s_expect_tree (t);
        json_t *items = json_object_get (t, "items");
        for (size_t k = 0; k < json_array_size (items); k++) {
            const char *iri =
                json_string_value (json_object_get (json_array_get (items, k), "@id"));
            if (strcmp (iri, "urn:raise-S2") != 0)
                continue;
            for (json_int_t up =
                     json_integer_value (json_object_get (json_array_get (items, k), "vfn:parent"));
                 up > 0; up = json_integer_value (
                             json_object_get (json_array_get (items, (size_t) up), "vfn:parent")))
                assert_string_not_equal (json_string_value (json_object_get (
                                             json_array_get (items, (size_t) up), "@id")),
                                         "urn:consume-S-early");
        }
        json_decref (t);
    }
    json_decref (free_walk);
    s_end (&w);

    /*  a process first reached far away (its inputs' resources cut), then
        near: what lies behind it is walked */
    s_world (&w);
    const char *rs[] = { "urn:R", "urn:D", "urn:E", "urn:N", "urn:X", "urn:Y" };
    for (int k = 0; k < 6; k++)
        s_resource (&w, 0, rs[k], NULL);
    s_ev (&w, 0, "urn:raise-X", "raise", NULL, "urn:X", 0);
    s_ev (&w, 0, "urn:raise-Y", "raise", NULL, "urn:Y", 0);
    s_ev (&w, 0, "urn:consume-X", "consume", "urn:P", "urn:X", 1);
    s_ev (&w, 0, "urn:consume-Y", "consume", "urn:P", "urn:Y", 1);
    s_ev (&w, 0, "urn:produce-N", "produce", "urn:P", "urn:N", 2);
    s_ev (&w, 0, "urn:produce-E", "produce", "urn:P", "urn:E", 2);
    s_ev (&w, 0, "urn:consume-N", "consume", "urn:PR", "urn:N", 3);
    s_ev (&w, 0, "urn:consume-E", "consume", "urn:Q", "urn:E", 6);
    s_ev (&w, 0, "urn:produce-D", "produce", "urn:Q", "urn:D", 7);
    s_ev (&w, 0, "urn:consume-D", "consume", "urn:PR", "urn:D", 8);
    s_ev (&w, 0, "urn:produce-R", "produce", "urn:PR", "urn:R", 9);
    o.max_depth = 12;
    json_t *t = s_walk (&w, "urn:R", &o);
    assert_int_equal (json_integer_value (json_object_get (s_item (t, "urn:raise-X"), "vfn:depth")),
                      9);
    assert_non_null (s_item (t, "urn:raise-Y"));
    assert_string_equal (s_parent (t, "urn:P"), "urn:produce-N");
    s_expect_tree (t);
    json_decref (t);

    /*  any read budget: a whole tree, cut short; even one read gives the
        start */
    json_t *full = s_walk (&w, "urn:R", &o);
    json_int_t reads = json_integer_value (json_object_get (full, "reads"));
    json_decref (full);
    for (json_int_t r = 1; r <= reads; r++) {
        o.max_reads = (size_t) r;
        t = s_walk (&w, "urn:R", &o);
        s_expect_tree (t);
        assert_true (json_array_size (json_object_get (t, "items")) >= 1);
        assert_true (json_is_true (json_object_get (t, "truncated")) == (r < reads));
        json_decref (t);
    }
    s_end (&w);
}

/*  Many resources share a lot code and a specification, each transferred
    on without a receiving resource: a track's cost is bounded (it stops
    with limit: reads) instead of growing with the square of their number. */
static void
test_shared_lot_code_is_bounded (void **state)
{
    s_world_t w;
    s_world (&w);
    const int m = 600;
    for (int k = 0; k < m; k++) {
        char iri[32], ev[32];
        snprintf (iri, sizeof iri, "urn:lot-%d", k);
        snprintf (ev, sizeof ev, "urn:out-%d", k);
        s_resource (&w, 0, iri, "COMMON");
        s_ev2 (&w, 0, 0, ev, "transfer", NULL, iri, NULL, k); /* an hour apart */
    }
    vf_trace_opts_t o = { .forward = true, .max_items = 1000 };
    json_t *t = s_walk (&w, "urn:lot-0", &o);
    assert_true (json_is_true (json_object_get (t, "truncated")));
    assert_string_equal (json_string_value (json_object_get (t, "limit")), "reads");
    assert_true (json_integer_value (json_object_get (t, "reads")) <= 100000 + 1000);
    s_expect_tree (t);
    json_decref (t);
    s_end (&w);
}

/* -------------------------------------------------------- out of memory */

static long s_fail_at, s_allocs;

static void *
s_failing_malloc (size_t n)
{
    return ++s_allocs == s_fail_at ? NULL : malloc (n);
}

/*  Every jansson allocation of a walk fails in turn (SQLite style): each
    walk either fails with VF_ENOMEM and hands out nothing, or returns
    exactly what a walk without failures returns. LeakSanitizer checks
    that the failed ones freed what they took. */
static void
test_out_of_memory (void **state)
{
    s_world_t w;
    s_world (&w);
    s_apples (&w, true);
    s_resource (&w, 4, "urn:farm-lot", "HF-7");
    s_ev2 (&w, 4, 0, "urn:sale", "transfer", NULL, "urn:farm-lot", NULL, 0);
    s_resource (&w, 0, "urn:alice-lot", "HF-7");
    s_ev (&w, 0, "urn:use-lot", "consume", "urn:harvest", "urn:alice-lot", 1);
    const struct {
        const char *start;
        vf_trace_opts_t o;
    } walks[] = {
        { "urn:bob-apples", { .rollup = true } },
        { "urn:farm-lot", { .forward = true, .max_depth = 3 } },
    };
    for (size_t k = 0; k < sizeof walks / sizeof walks[0]; k++) {
        json_t *good = s_walk (&w, walks[k].start, &walks[k].o);
        char *want = json_dumps (good, JSON_SORT_KEYS);
        json_decref (good);
        long failed = 0;
        for (s_fail_at = 1;; s_fail_at++) {
            json_t *out = NULL;
            vf_err_t err = { 0 };
            s_allocs = 0;
            json_set_alloc_funcs (s_failing_malloc, free);
            int rc = vf_store_trace (w.st, walks[k].start, &walks[k].o, &out, &err);
            json_set_alloc_funcs (malloc, free);
            if (rc == 0) {
                char *got = json_dumps (out, JSON_SORT_KEYS);
                if (strcmp (got, want) != 0)
                    fail_msg ("allocation %ld failed, the walk from %s gave\n%s\nnot\n%s",
                              s_fail_at, walks[k].start, got, want);
                free (got);
                json_decref (out);
                if (s_allocs < s_fail_at)
                    break; /* nothing failed: done */
                continue;
            }
            if (rc != VF_ENOMEM)
                fail_msg ("allocation %ld failed: %d %s", s_fail_at, rc, err.msg);
            assert_null (out);
            failed++;
        }
        assert_true (failed > 100);
        free (want);
    }
    s_end (&w);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_manufacturing),
        cmocka_unit_test (test_repair),
        cmocka_unit_test (test_apples),
        cmocka_unit_test (test_pack_unpack),
        cmocka_unit_test (test_production_cycle),
        cmocka_unit_test (test_lots_and_unknowns),
        cmocka_unit_test (test_random_graphs_match_reference),
        cmocka_unit_test (test_every_walk_terminates_on_cycles),
        cmocka_unit_test (test_schema_2_store_is_upgraded),
        cmocka_unit_test (test_stock_reached_again),
        cmocka_unit_test (test_process_start),
        cmocka_unit_test (test_start_is_not_hijacked),
        cmocka_unit_test (test_depth_reaches_what_is_near),
        cmocka_unit_test (test_lots_are_scoped),
        cmocka_unit_test (test_cost_is_bounded),
        cmocka_unit_test (test_track_breadcrumbs),
        cmocka_unit_test (test_shared_transport),
        cmocka_unit_test (test_depth_is_faithful),
        cmocka_unit_test (test_shared_lot_code_is_bounded),
        cmocka_unit_test (test_out_of_memory),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
