/*  test_state.c - what the store says a resource is, after its events.

    Each test publishes a few signed records (JSON-LD, signed by the co-op
    that authors them) into a fresh store and reads the resource back with
    vf_store_resource: quantities, who is accountable, where it is, what it
    is in, its stage and state, and which events wait for confirmation.
    The expected values are worked out by hand from the VF 1.0 action
    effects (docs/VOCABULARY.md "Effects of an event").
*/
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_NAME "state"
#include "store_support.h"
#include "vf_text.h"

static int s_stores;

typedef struct {
    vf_store_t *st;
    vf_identity_t *farm, *mill, *carrier;
    uint64_t seq[3];
    uint64_t time;
} s_world_t;

static void
s_world (s_world_t *w)
{
    char path[400];
    snprintf (path, sizeof path, "%s/s%d", s_dir, s_stores++);
    vf_err_t err = { 0 };
    if (vf_store_open (&w->st, path, NULL, &err))
        fail_msg ("%s", err.msg);
    w->farm = s_identity (1), w->mill = s_identity (2), w->carrier = s_identity (3);
    w->seq[0] = w->seq[1] = w->seq[2] = 1;
    w->time = 1700000000000ull;
}

static void
s_end (s_world_t *w)
{
    vf_store_destroy (&w->st);
    vf_identity_destroy (&w->farm);
    vf_identity_destroy (&w->mill);
    vf_identity_destroy (&w->carrier);
}

static uint64_t *
s_seq_of (s_world_t *w, const vf_identity_t *who)
{
    return &w->seq[who == w->farm ? 0 : who == w->mill ? 1 : 2];
}

/*  Sign the records of a JSON-LD document as who (one second later than
    the previous publication) and return them, not yet stored. */
static vf_records_t *
s_sign (s_world_t *w, const vf_identity_t *who, const char *jsonld)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    w->time += 1000;
    if (vf_jsonld_import (jsonld, strlen (jsonld), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (who), s_seq_of (w, who), w->time, NULL, &err))
        fail_msg ("%s", err.msg);
    for (size_t k = 0; k < recs->n; k++)
        if (vf_entry_check (recs->items[k].entry, &err) ||
            vf_entry_sign (recs->items[k].entry, who, &err))
            fail_msg ("record %zu: %s", k, err.msg);
    return recs;
}

static void
s_store (vf_store_t *st, vf_entry_t *e)
{
    vf_ingest_result_t res;
    vf_err_t err = { 0 };
    if (vf_store_ingest (st, &e, 1, &res, &err))
        fail_msg ("ingest: %s", err.msg);
    if (res.outcome == VF_OUTCOME_REJECTED)
        fail_msg ("rejected: %s", res.reason);
}

static void
s_publish (s_world_t *w, const vf_identity_t *who, const char *jsonld)
{
    vf_records_t *recs = s_sign (w, who, jsonld);
    for (size_t k = 0; k < recs->n; k++)
        s_store (w->st, recs->items[k].entry);
    vf_records_destroy (&recs);
}

/*  "12.5 kilogram", or "-" when the resource has no such quantity. */
static const char *
s_qty (const json_t *res, const char *field)
{
    static char buf[8][64];
    static int slot;
    const json_t *m = json_object_get (res, field);
    if (!m)
        return "-";
    char *b = buf[slot++ % 8];
    snprintf (b, 64, "%s %s", json_string_value (json_object_get (m, "hasNumericalValue")),
              json_string_value (json_object_get (m, "hasUnit")));
    return b;
}

static const char *
s_str (const json_t *res, const char *field)
{
    const json_t *v = json_object_get (res, field);
    return json_is_null (v) ? "null" : v ? json_string_value (v) : "-";
}

static json_t *
s_res (s_world_t *w, const char *iri)
{
    json_t *res = NULL;
    vf_err_t err = { 0 };
    if (vf_store_resource (w->st, iri, &res, &err))
        fail_msg ("resource %s: %s", iri, err.msg);
    return res;
}

/*  Accounting and onhand of iri must be as given. */
static void
s_expect (s_world_t *w, const char *iri, const char *acct, const char *onhand)
{
    json_t *res = s_res (w, iri);
    if (strcmp (s_qty (res, "accountingQuantity"), acct) != 0 ||
        strcmp (s_qty (res, "onhandQuantity"), onhand) != 0)
        fail_msg ("%s: accounting %s onhand %s, expected %s / %s", iri,
                  s_qty (res, "accountingQuantity"), s_qty (res, "onhandQuantity"), acct, onhand);
    json_decref (res);
}

#define FARM "https://farm.example/"
#define MILL "https://mill.example/"
#define EV(body) "{\"@type\": \"EconomicEvent\", " body "}"
#define QTY(n, u) "\"resourceQuantity\": {\"hasNumericalValue\": \"" n "\", \"hasUnit\": \"" u "\"}"
#define AGENTS(p, r) "\"provider\": \"" p "\", \"receiver\": \"" r "\""

static void
s_raise (s_world_t *w, const vf_identity_t *who, const char *res, const char *n)
{
    char doc[512];
    snprintf (
        doc, sizeof doc,
        EV ("\"action\": \"raise\", " AGENTS (
            FARM,
            FARM) ", \"resourceInventoriedAs\": "
                  "\"%s\", \"resourceQuantity\": {\"hasNumericalValue\": \"%s\", \"hasUnit\": "
                  "\"kilogram\"}"),
        res, n);
    s_publish (w, who, doc);
}

static void
test_raise_lower_produce_consume (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:wool", "10");
    s_expect (&w, "urn:wool", "10 kilogram", "10 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"lower\", " AGENTS (FARM, FARM) ", \"resourceInventoriedAs\": "
                                                                 "\"urn:wool\", " QTY (
                                                                     "2.5", "kilogram")));
    s_expect (&w, "urn:wool", "7.5 kilogram", "7.5 kilogram");
    s_publish (
        &w, w.farm,
        "[{\"@type\": \"ProcessSpecification\", \"@id\": \"urn:spec:shear\", \"name\": \"S\"},"
        " {\"@type\": \"Process\", \"@id\": \"urn:p1\", \"basedOn\": \"urn:spec:shear\"}," EV (
            "\"action\": \"produce\", " AGENTS (
                FARM,
                FARM) ", \"outputOf\": \"urn:p1\","
                      "\"resourceInventoriedAs\": \"urn:wool\", \"toLocation\": "
                      "\"urn:barn\", " QTY (
                          "0.5",
                          "kilogram")) "," EV ("\"action\": \"consume\", " AGENTS (FARM,
                                                                                   FARM) ", "
                                                                                         "\"inputOf"
                                                                                         "\": "
                                                                                         "\"urn:"
                                                                                         "p1\","
                                                                                         "\"resourc"
                                                                                         "eInventor"
                                                                                         "iedAs\": "
                                                                                         "\"urn:"
                                                                                         "wool\","
                                                                                         " " QTY (
                                                                                             "3",
                                                                                             "kilog"
                                                                                             "ram")) "]");
    s_expect (&w, "urn:wool", "5 kilogram", "5 kilogram");
    /* its history: the four events, in event order (produce and consume
       were signed at the same time, so their ids order them) */
    vf_entry_t **hist = NULL;
    size_t nh = 0;
    assert_int_equal (vf_store_history (w.st, "urn:wool", &hist, &nh, NULL), 0);
    assert_int_equal (nh, 4);
    assert_string_equal (json_string_value (json_object_get (hist[0]->body, "action")), "raise");
    assert_string_equal (json_string_value (json_object_get (hist[1]->body, "action")), "lower");
    assert_true (memcmp (hist[2]->id, hist[3]->id, VF_HASH_BYTES) < 0);
    assert_string_not_equal (json_string_value (json_object_get (hist[2]->body, "action")),
                             json_string_value (json_object_get (hist[3]->body, "action")));
    vf_store_free_entries (&hist, nh);
    json_t *res = s_res (&w, "urn:wool");
    /* raise set the accountable first ("new"); produce's location is "new" too */
    assert_string_equal (s_str (res, "primaryAccountable"), FARM);
    assert_string_equal (s_str (res, "currentLocation"), "urn:barn");
    assert_string_equal (s_str (res, "stage"), "urn:spec:shear"); /* the process's basedOn */
    assert_int_equal (json_integer_value (json_object_get (res, "events")), 4);
    char owner[VF_TEXT_MAX];
    assert_string_equal (s_str (res, "owner"),
                         vf_text_encode (owner, VF_TEXT_KEY, vf_identity_public (w.farm)));
    json_decref (res);
    s_end (&w);
}

static void
test_use_work_cite_deliver_change_no_quantity (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:loom", "1");
    s_publish (
        &w, w.farm,
        "[{\"@type\": \"Process\", \"@id\": \"urn:p2\"}," EV (
            "\"action\": \"use\", " AGENTS (
                FARM,
                FARM) ", \"inputOf\": \"urn:p2\","
                      "\"resourceInventoriedAs\": \"urn:loom\", \"effortQuantity\": "
                      "{\"hasNumericalValue\": \"8\", \"hasUnit\": \"hour\"}") "," EV ("\"action\":"
                                                                                       " \"cite\","
                                                                                       " " AGENTS (FARM, FARM) ", \"inputOf\": \"urn:p2\","
                                                                                                               "\"resourceInventoriedAs\": \"urn:loom\", " QTY (
                                                                                                                   "1", "kilogram")) "," EV ("\"action\": \"work\", " AGENTS (FARM, FARM) ", \"inputOf\": \"urn:p2\","
                                                                                                                                                                                          "\"effortQuantity\": {\"hasNumericalValue\": \"3\", \"hasUnit\": \"hour\"}") "," EV ("\"action\": \"deliverService\", " AGENTS (FARM, MILL) ", \"outputOf\": "
                                                                                                                                                                                                                                                                                                                                      "\"urn:p2\", \"resourceConformsTo\": \"urn:spec:weaving\", " QTY (
                                                                                                                                                                                                                                                                                                                                          "1",
                                                                                                                                                                                                                                                                                                                                          "one")) "]");
    s_expect (&w, "urn:loom", "1 kilogram", "1 kilogram");
    json_t *res = s_res (&w, "urn:loom");
    assert_int_equal (json_integer_value (json_object_get (res, "events")), 3);
    json_decref (res);
    s_end (&w);
}

static void
test_transfers_move_copy (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:a", "10");
    /* same owner on both sides: the farm's own resources */
    s_publish (&w, w.farm,
               EV ("\"action\": \"transferCustody\", " AGENTS (
                   FARM, FARM) ", \"resourceInventoriedAs\": "
                               "\"urn:a\", \"toResourceInventoriedAs\": \"urn:b\", \"toLocation\": "
                               "\"urn:shed\", " QTY ("4", "kilogram")));
    s_expect (&w, "urn:a", "10 kilogram", "6 kilogram");
    s_expect (&w, "urn:b", "-", "4 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"transferAllRights\", " AGENTS (
                   FARM, FARM) ", "
                               "\"resourceInventoriedAs\": \"urn:a\", \"toResourceInventoriedAs\": "
                               "\"urn:b\", " QTY ("4", "kilogram")));
    s_expect (&w, "urn:a", "6 kilogram", "6 kilogram");
    s_expect (&w, "urn:b", "4 kilogram", "4 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"transfer\", " AGENTS (
                   FARM, FARM) ", \"resourceInventoriedAs\": "
                               "\"urn:a\", \"toResourceInventoriedAs\": \"urn:c\", " QTY (
                                   "1", "kilogram")));
    s_expect (&w, "urn:a", "5 kilogram", "5 kilogram");
    s_expect (&w, "urn:c", "1 kilogram", "1 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"move\", " AGENTS (
                   FARM, FARM) ", \"resourceInventoriedAs\": "
                               "\"urn:a\", \"toResourceInventoriedAs\": \"urn:c\", " QTY (
                                   "2", "kilogram")));
    s_expect (&w, "urn:a", "3 kilogram", "3 kilogram");
    s_expect (&w, "urn:c", "3 kilogram", "3 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"copy\", " AGENTS (
                   FARM, FARM) ", \"resourceInventoriedAs\": "
                               "\"urn:a\", \"toResourceInventoriedAs\": \"urn:d\", " QTY (
                                   "3", "kilogram")));
    s_expect (&w, "urn:a", "3 kilogram", "3 kilogram"); /* copy leaves the source alone */
    s_expect (&w, "urn:d", "3 kilogram", "3 kilogram");
    json_t *b = s_res (&w, "urn:b");
    assert_string_equal (s_str (b, "currentLocation"), "urn:shed"); /* updateTo */
    json_decref (b);
    s_end (&w);
}

static void
test_pickup_dropoff_accept_modify_combine_separate (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:crate", "5");
    s_raise (&w, w.farm, "urn:pallet", "1");
    s_publish (&w, w.farm,
               "[{\"@type\": \"ProcessSpecification\", \"@id\": \"urn:spec:repair\"},"
               " {\"@type\": \"Process\", \"@id\": \"urn:trip\"},"
               " {\"@type\": \"Process\", \"@id\": \"urn:fix\", \"basedOn\": \"urn:spec:repair\"},"
               " {\"@type\": \"Process\", \"@id\": \"urn:pack\"}]");
    s_publish (&w, w.farm,
               EV ("\"action\": \"pickup\", " AGENTS (
                   FARM, FARM) ", \"inputOf\": \"urn:trip\","
                               "\"resourceInventoriedAs\": \"urn:crate\", " QTY ("5", "kilogram")));
    s_expect (&w, "urn:crate", "5 kilogram", "0 kilogram");
    s_publish (
        &w, w.farm,
        EV ("\"action\": \"dropoff\", " AGENTS (
            FARM,
            FARM) ", \"outputOf\": \"urn:trip\","
                  "\"resourceInventoriedAs\": \"urn:crate\", \"toLocation\": \"urn:market\"," QTY (
                      "5", "kilogram")));
    s_expect (&w, "urn:crate", "5 kilogram", "5 kilogram");
    s_publish (&w, w.farm,
               EV ("\"action\": \"accept\", " AGENTS (
                   FARM, FARM) ", \"inputOf\": \"urn:fix\","
                               "\"resourceInventoriedAs\": \"urn:crate\", " QTY ("5", "kilogram")));
    s_expect (&w, "urn:crate", "5 kilogram", "0 kilogram");
    s_publish (
        &w, w.farm,
        EV ("\"action\": \"modify\", " AGENTS (
            FARM, FARM) ", \"outputOf\": \"urn:fix\","
                        "\"resourceInventoriedAs\": \"urn:crate\", \"state\": \"repaired\"," QTY (
                            "5", "kilogram")));
    json_t *crate = s_res (&w, "urn:crate");
    assert_string_equal (s_qty (crate, "onhandQuantity"), "5 kilogram");
    assert_string_equal (s_str (crate, "currentLocation"), "urn:market");
    assert_string_equal (s_str (crate, "stage"), "urn:spec:repair");
    assert_string_equal (s_str (crate, "state"), "repaired");
    json_decref (crate);
    s_publish (
        &w, w.farm,
        EV ("\"action\": \"combine\", " AGENTS (
            FARM, FARM) ", \"inputOf\": \"urn:pack\","
                        "\"resourceInventoriedAs\": \"urn:crate\", \"toResourceInventoriedAs\": "
                        "\"urn:pallet\", " QTY ("5", "kilogram")));
    crate = s_res (&w, "urn:crate");
    assert_string_equal (s_qty (crate, "onhandQuantity"), "0 kilogram");
    assert_string_equal (s_str (crate, "containedIn"), "urn:pallet");
    json_decref (crate);
    s_publish (&w, w.farm,
               EV ("\"action\": \"separate\", " AGENTS (
                   FARM, FARM) ", \"outputOf\": \"urn:pack\","
                               "\"resourceInventoriedAs\": \"urn:crate\", " QTY ("5", "kilogram")));
    crate = s_res (&w, "urn:crate");
    assert_string_equal (s_qty (crate, "onhandQuantity"), "5 kilogram");
    assert_string_equal (s_str (crate, "containedIn"), "null"); /* removed */
    json_decref (crate);
    s_end (&w);
}

static void
test_a_correction_adjusts_the_quantity (void **state)
{
    s_world_t w;
    s_world (&w);
    s_publish (
        &w, w.farm,
        "{\"@type\": \"EconomicEvent\", \"@id\": \"urn:ev:count\", \"action\": \"raise\", " AGENTS (
            FARM, FARM) ", \"resourceInventoriedAs\": \"urn:hay\", " QTY ("100", "kilogram") "}");
    s_publish (&w, w.farm,
               EV ("\"action\": \"raise\", " AGENTS (
                   FARM, FARM) ", \"corrects\": \"urn:ev:count\","
                               "\"resourceInventoriedAs\": \"urn:hay\", " QTY ("-10", "kilogram")));
    s_expect (&w, "urn:hay", "90 kilogram", "90 kilogram");
    s_end (&w);
}

static void
test_units_are_never_summed_across (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:oil", "10");
    s_publish (
        &w, w.farm,
        EV ("\"action\": \"lower\", " AGENTS (FARM, FARM) ", \"resourceInventoriedAs\": "
                                                          "\"urn:oil\", " QTY ("2", "litre")));
    s_expect (&w, "urn:oil", "10 kilogram", "10 kilogram");
    json_t *res = s_res (&w, "urn:oil");
    assert_int_equal (json_integer_value (json_object_get (res, "unitMismatches")), 2);
    assert_null (json_object_get (res, "overflows"));
    json_decref (res);
    /* a sum beyond 18 digits is counted, never wrapped or rounded */
    s_raise (&w, w.farm, "urn:big", "999999999999999999");
    s_raise (&w, w.farm, "urn:big", "1");
    s_expect (&w, "urn:big", "999999999999999999 kilogram", "999999999999999999 kilogram");
    res = s_res (&w, "urn:big");
    assert_int_equal (json_integer_value (json_object_get (res, "overflows")), 2);
    assert_null (json_object_get (res, "unitMismatches"));
    json_decref (res);
    s_end (&w);
}

static void
test_only_the_owner_defines_a_resource (void **state)
{
    s_world_t w;
    s_world (&w);
    /* a record of another class under the IRI, earlier: it decides nothing */
    s_publish (&w, w.mill,
               "{\"@type\": \"Process\", \"@id\": \"urn:r\", \"name\": \"mill's process\"}");
    s_publish (&w, w.farm,
               "{\"@type\": \"EconomicResource\", \"@id\": \"urn:r\", \"name\": \"Farm wool\","
               " \"conformsTo\": \"urn:spec:wool\"}");
    s_publish (&w, w.mill,
               "{\"@type\": \"EconomicResource\", \"@id\": \"urn:r\", \"name\": \"Mill's claim\","
               " \"conformsTo\": \"urn:spec:wool\"}");
    s_publish (&w, w.farm,
               "{\"@type\": \"EconomicResource\", \"@id\": \"urn:r\", \"name\": \"Fleece wool\","
               " \"conformsTo\": \"urn:spec:wool\"}");
    json_t *res = s_res (&w, "urn:r");
    /* the owner's latest version, never the other co-op's */
    assert_string_equal (s_str (res, "name"), "Fleece wool");
    assert_string_equal (s_str (res, "conformsTo"), "urn:spec:wool");
    json_decref (res);
    /* the mill cannot raise the farm's stock by itself */
    s_raise (&w, w.mill, "urn:r", "1000");
    s_expect (&w, "urn:r", "-", "-");
    res = s_res (&w, "urn:r");
    assert_int_equal (json_integer_value (json_object_get (res, "pending")), 1);
    json_decref (res);
    s_end (&w);
}

/*  The farm transfers wool into the mill's own stock: it counts for the
    mill only once the mill confirms it. */
static void
test_a_cross_owner_event_waits_for_confirmation (void **state)
{
    s_world_t w;
    s_world (&w);
    s_raise (&w, w.farm, "urn:farm-wool", "100");
    s_publish (&w, w.mill,
               "{\"@type\": \"EconomicResource\", \"@id\": \"urn:mill-wool\","
               " \"conformsTo\": \"urn:spec:wool\"}");
    vf_records_t *sale = s_sign (
        &w, w.farm,
        "{\"@type\": \"EconomicEvent\", \"@id\": \"urn:sale\", \"action\": \"transfer\", " AGENTS (
            FARM, MILL) ", \"resourceInventoriedAs\": \"urn:farm-wool\", "
                        "\"toResourceInventoriedAs\": \"urn:mill-wool\", " QTY ("40",
                                                                                "kilogram") "}");
    s_store (w.st, sale->items[0].entry);
    s_expect (&w, "urn:farm-wool", "60 kilogram", "60 kilogram"); /* the farm's own side */
    s_expect (&w, "urn:mill-wool", "-", "-");                     /* pending */
    json_t *pending = NULL;
    assert_int_equal (vf_store_pending (w.st, NULL, &pending, NULL), 0);
    assert_int_equal (json_array_size (pending), 1);
    assert_string_equal (s_str (json_array_get (pending, 0), "resource"), "urn:mill-wool");
    json_decref (pending);
    /* it waits for the mill, not for the farm */
    assert_int_equal (vf_store_pending (w.st, vf_identity_public (w.mill), &pending, NULL), 0);
    assert_int_equal (json_array_size (pending), 1);
    json_decref (pending);
    assert_int_equal (vf_store_pending (w.st, vf_identity_public (w.farm), &pending, NULL), 0);
    assert_int_equal (json_array_size (pending), 0);
    json_decref (pending);

    char conf[400], id[VF_TEXT_MAX];
    snprintf (conf, sizeof conf,
              "{\"@type\": \"vfn:Confirmation\", \"vfn:confirmsEvent\": \"urn:sale\","
              " \"vfn:confirmsEntry\": \"%s\"}",
              vf_text_encode (id, VF_TEXT_ID, sale->items[0].entry->id));
    /* a confirmation by someone who does not own the resource changes nothing */
    s_publish (&w, w.carrier, conf);
    s_expect (&w, "urn:mill-wool", "-", "-");
    s_publish (&w, w.mill, conf);
    s_expect (&w, "urn:mill-wool", "40 kilogram", "40 kilogram");
    json_t *res = s_res (&w, "urn:mill-wool");
    assert_string_equal (s_str (res, "primaryAccountable"), MILL);
    json_decref (res);
    assert_int_equal (vf_store_pending (w.st, NULL, &pending, NULL), 0);
    assert_int_equal (json_array_size (pending), 0);
    json_decref (pending);
    vf_records_destroy (&sale);
    s_end (&w);
}

/*  Everything above at once, stored in many arrival orders: every store
    must end with the same state, equal to its own rebuild. */
static void
test_arrival_order_does_not_matter (void **state)
{
    s_world_t w;
    s_world (&w);
    const char *docs[][2] = {
        /*  records that reuse IRIs or name resources without owning them,
            signed first so that they come earliest in event order: none of
            them may decide an owner or displace an event */
        { "mill", "{\"@type\": \"Process\", \"@id\": \"urn:sale\", \"name\": \"not the sale\"}" },
        { "farm",
          "{\"@type\": \"Commitment\", \"action\": \"transfer\", " AGENTS (
              FARM, MILL) ", \"resourceInventoriedAs\": \"urn:mw2\", " QTY ("1", "kilogram") "}" },
        { "carrier",
          EV ("\"@id\": \"urn:sale\", \"action\": \"raise\", " AGENTS (
              FARM, FARM) ", \"resourceInventoriedAs\": \"urn:cw\", " QTY ("7", "kilogram")) },
        { "farm",
          EV ("\"@id\": \"urn:e1\", \"action\": \"raise\", " AGENTS (
              FARM, FARM) ", \"resourceInventoriedAs\": \"urn:fw\", " QTY ("100", "kilogram")) },
        { "farm",
          EV ("\"action\": \"raise\", " AGENTS (
              FARM, FARM) ", \"corrects\": \"urn:e1\","
                          " \"resourceInventoriedAs\": \"urn:fw\", " QTY ("-5", "kilogram")) },
        { "mill",
          "{\"@type\": \"EconomicResource\", \"@id\": \"urn:mw\", \"conformsTo\": \"urn:s\"}" },
        { "farm", "{\"@type\": \"EconomicEvent\", \"@id\": \"urn:sale\", \"action\": "
                  "\"transfer\", " AGENTS (FARM, MILL) ", \"resourceInventoriedAs\": \"urn:fw\", "
                                                       "\"toResourceInventoriedAs\": \"urn:mw\", "
                                                       "\"toLocation\": \"urn:mill-yard\", " QTY (
                                                           "40", "kilogram") "}" },
        { "mill", EV ("\"action\": \"move\", " AGENTS (
                      MILL, MILL) ", \"resourceInventoriedAs\": "
                                  "\"urn:mw\", \"toResourceInventoriedAs\": \"urn:mw2\", " QTY (
                                      "10", "kilogram")) },
        { "farm",
          EV ("\"action\": \"lower\", " AGENTS (
              FARM, FARM) ", \"resourceInventoriedAs\": \"urn:fw\", " QTY ("1.5", "kilogram")) },
        { "farm",
          "{\"@type\": \"EconomicResource\", \"@id\": \"urn:fw\", \"conformsTo\": \"urn:s\","
          " \"name\": \"Fleece\"}" },
        /*  the farm reuses the IRI of its first raise: kept, never applied */
        { "farm",
          EV ("\"@id\": \"urn:e1\", \"action\": \"raise\", " AGENTS (
              FARM, FARM) ", \"resourceInventoriedAs\": \"urn:fw\", " QTY ("999", "kilogram")) },
    };
    size_t n = sizeof docs / sizeof docs[0];
    vf_entry_t *all[16];
    vf_records_t *recs[16];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        const vf_identity_t *who = strcmp (docs[k][0], "farm") == 0   ? w.farm
                                   : strcmp (docs[k][0], "mill") == 0 ? w.mill
                                                                      : w.carrier;
        recs[k] = s_sign (&w, who, docs[k][1]);
        all[m++] = recs[k]->items[0].entry;
    }
    /* the mill confirms the sale */
    char conf[400], id[VF_TEXT_MAX];
    snprintf (conf, sizeof conf,
              "{\"@type\": \"Confirmation\", \"confirmsEvent\": \"urn:sale\", \"confirmsEntry\": "
              "\"%s\"}",
              vf_text_encode (id, VF_TEXT_ID, all[6]->id));
    recs[n] = s_sign (&w, w.mill, conf);
    all[m++] = recs[n]->items[0].entry;
    const char *resources[] = { "urn:fw", "urn:mw", "urn:mw2", "urn:cw" };
    const size_t nres = sizeof resources / sizeof resources[0];
    char *expect[4] = { NULL };
    srand (42);
    for (int round = 0; round < 24; round++) {
        s_world_t r;
        s_world (&r);
        vf_entry_t *order[16];
        memcpy (order, all, m * sizeof *order);
        for (size_t k = m - 1; k > 0 && round > 0; k--) { /* round 0: as signed */
            size_t j = (size_t) rand () % (k + 1);
            vf_entry_t *t = order[k];
            order[k] = order[j], order[j] = t;
        }
        for (size_t k = 0; k < m; k++)
            s_store (r.st, order[k]);
        for (size_t k = 0; k < nres; k++) {
            json_t *res = s_res (&r, resources[k]);
            char *text = json_dumps (res, JSON_SORT_KEYS | JSON_COMPACT);
            if (!expect[k])
                expect[k] = text;
            else {
                if (strcmp (text, expect[k]) != 0)
                    fail_msg ("round %d, %s:\n  %s\nvs\n  %s", round, resources[k], text,
                              expect[k]);
                free (text);
            }
            json_decref (res);
        }
        vf_check_report_t rep;
        assert_int_equal (vf_store_check (r.st, &rep, NULL), 0);
        if (rep.bad_entries || rep.bad_index || rep.bad_state)
            fail_msg ("round %d: %s", round, rep.first_problem);
        assert_int_equal (rep.resources, nres);
        s_end (&r);
    }
    /* and the values are the ones worked out by hand, also when everything
       comes in one batch, backwards (one transaction, recomputed once) */
    s_world_t r;
    s_world (&r);
    vf_entry_t *back[16];
    vf_ingest_result_t res[16];
    for (size_t k = 0; k < m; k++)
        back[k] = all[m - 1 - k];
    assert_int_equal (vf_store_ingest (r.st, back, m, res, NULL), 0);
    for (size_t k = 0; k < m; k++)
        assert_int_equal (res[k].outcome, VF_OUTCOME_STORED);
    for (size_t k = 0; k < nres; k++) {
        json_t *one = s_res (&r, resources[k]);
        char *text = json_dumps (one, JSON_SORT_KEYS | JSON_COMPACT);
        assert_string_equal (text, expect[k]);
        free (text);
        json_decref (one);
    }
    s_expect (&r, "urn:fw", "53.5 kilogram", "53.5 kilogram"); /* 100 - 5 - 40 - 1.5 */
    s_expect (&r, "urn:mw", "30 kilogram", "30 kilogram");     /* 40 confirmed, 10 moved on */
    s_expect (&r, "urn:mw2", "10 kilogram", "10 kilogram");    /* the mill's, not the farm's */
    s_expect (&r, "urn:cw", "7 kilogram", "7 kilogram");       /* the carrier's own urn:sale */
    json_t *mw = s_res (&r, "urn:mw");
    assert_string_equal (s_str (mw, "currentLocation"), "urn:mill-yard");
    json_decref (mw);
    mw = s_res (&r, "urn:mw2");
    char mill[VF_TEXT_MAX];
    assert_string_equal (s_str (mw, "owner"),
                         vf_text_encode (mill, VF_TEXT_KEY, vf_identity_public (w.mill)));
    assert_int_equal (json_integer_value (json_object_get (mw, "pending")), 0);
    json_decref (mw);
    s_end (&r);
    for (size_t k = 0; k < nres; k++)
        free (expect[k]);
    for (size_t k = 0; k <= n; k++)
        vf_records_destroy (&recs[k]);
    s_end (&w);
}

/*  An event dated more than a day after it was signed orders at its
    signing time: it cannot claim the last word on a resource. */
static void
test_a_far_future_event_orders_when_signed (void **state)
{
    s_world_t w;
    s_world (&w);
    s_publish (
        &w, w.farm,
        EV ("\"@id\": \"urn:late\", \"hasPointInTime\": \"2100-01-01T00:00:00Z\", "
            "\"action\": \"raise\", " AGENTS (FARM, FARM) ", \"resourceInventoriedAs\": "
                                                          "\"urn:r\", " QTY ("1", "kilogram")));
    s_publish (&w, w.farm,
               EV ("\"@id\": \"urn:next\", \"action\": \"raise\", " AGENTS (
                   FARM, FARM) ", \"resourceInventoriedAs\": \"urn:r\", " QTY ("2", "kilogram")));
    vf_entry_t **hist = NULL;
    size_t nh = 0;
    assert_int_equal (vf_store_history (w.st, "urn:r", &hist, &nh, NULL), 0);
    assert_int_equal (nh, 2);
    assert_string_equal (vf_entry_iri (hist[0]), "urn:late");
    assert_string_equal (vf_entry_iri (hist[1]), "urn:next");
    vf_store_free_entries (&hist, nh);
    json_t *res = s_res (&w, "urn:r");
    assert_string_equal (s_str (res, "previousEvent"), "urn:next");
    json_decref (res);
    s_end (&w);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_raise_lower_produce_consume),
        cmocka_unit_test (test_use_work_cite_deliver_change_no_quantity),
        cmocka_unit_test (test_transfers_move_copy),
        cmocka_unit_test (test_pickup_dropoff_accept_modify_combine_separate),
        cmocka_unit_test (test_a_correction_adjusts_the_quantity),
        cmocka_unit_test (test_units_are_never_summed_across),
        cmocka_unit_test (test_only_the_owner_defines_a_resource),
        cmocka_unit_test (test_a_cross_owner_event_waits_for_confirmation),
        cmocka_unit_test (test_arrival_order_does_not_matter),
        cmocka_unit_test (test_a_far_future_event_orders_when_signed),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
