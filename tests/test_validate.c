/*  test_validate.c - the ValueFlows rules a record body must keep.

    Each test builds record bodies in the normal form (docs/VOCABULARY.md)
    and asks vf_validate_record whether they may be signed and stored.
    Bodies are written as JSON text with single quotes for readability
    (s_json turns them into double quotes). s_accept and s_reject take
    ownership of the body they are given.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "vf_limits.h"
#include "vf_validate.h"

#define ALICE "https://alice.example/agent"
#define BOB "https://bob.example/agent"
#define PROC "https://alice.example/process/1"
#define APPLES "https://alice.example/spec/apples"

/*  JSON text with ' for " (the bodies below contain no apostrophes). */
static json_t *
s_json (const char *text)
{
    char buf[4096];
    snprintf (buf, sizeof buf, "%s", text);
    for (char *p = buf; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t jerr;
    json_t *j = json_loads (buf, 0, &jerr);
    if (!j)
        fail_msg ("bad test JSON: %s: %s", jerr.text, text);
    return j;
}

static const vf_class_t *
s_class (const char *name)
{
    const vf_class_t *c = vf_class_by_name (name);
    assert_non_null (c);
    return c;
}

/*  body (stolen) must pass as a record of class cls. */
static void
s_accept (const char *cls, json_t *body)
{
    vf_err_t err = { 0 };
    int rc = vf_validate_record (s_class (cls), body, &err);
    if (rc != 0) {
        char *text = json_dumps (body, JSON_COMPACT);
        print_error ("body: %s\n", text);
        free (text);
        json_decref (body);
        fail_msg ("%s rejected: %s", cls, err.msg);
    }
    json_decref (body);
}

/*  body (stolen) must fail as VF_EINVALID with a message containing
    expected. */
static void
s_reject (const char *cls, json_t *body, const char *expected)
{
    vf_err_t err = { 0 };
    int rc = vf_validate_record (s_class (cls), body, &err);
    char *text = json_dumps (body, JSON_COMPACT);
    json_decref (body);
    if (rc != VF_EINVALID || err.code != VF_EINVALID || !strstr (err.msg, expected)) {
        print_error ("body: %s\n", text);
        free (text);
        fail_msg ("%s: expected VF_EINVALID with \"%s\", got %d \"%s\"", cls, expected, rc,
                  err.msg);
    }
    free (text);
}

static void
s_set (json_t *body, const char *key, json_t *value)
{
    assert_int_equal (json_object_set_new (body, key, value), 0);
}

static json_t *
s_measure (const char *value, const char *unit)
{
    return json_pack ("{s:s, s:s}", "hasNumericalValue", value, "hasUnit", unit);
}

/*  What each action needs, written out from the TTL and the rules:
    io: 'i' input, 'o' output, 'b' outputInput, '-' no process;
    qty: 'r' resource, 'e' effort, 'b' both;
    to: uses toResourceInventoriedAs by itself (transfers, move, copy, and
    combine's container); implied: provider != receiver implies a transfer. */
static const struct {
    const char *name;
    char io, qty;
    bool to, implied;
} s_acts[] = {
    { "produce", 'o', 'r', false, true },
    { "consume", 'i', 'r', false, true },
    { "use", 'i', 'b', false, false },
    { "work", 'i', 'e', false, false },
    { "cite", 'i', 'r', false, false },
    { "deliverService", 'b', 'r', false, true },
    { "pickup", 'i', 'r', false, true },
    { "dropoff", 'o', 'r', false, true },
    { "accept", 'i', 'r', false, true },
    { "modify", 'o', 'r', false, true },
    { "combine", 'i', 'r', true, false },
    { "separate", 'o', 'r', false, false },
    { "transfer", '-', 'r', true, false },
    { "transferAllRights", '-', 'r', true, false },
    { "transferCustody", '-', 'r', true, false },
    { "move", '-', 'r', true, false },
    { "copy", '-', 'r', true, false },
    { "raise", '-', 'r', false, false },
    { "lower", '-', 'r', false, false },
};
#define S_NACTS (sizeof s_acts / sizeof s_acts[0])

/*  A valid flow of class cls for action i: the quantity its kind needs,
    the process link its inputOutput needs, a resource specification
    (not for work), and for events provider and receiver (both Alice). */
static json_t *
s_flow (const char *cls, size_t i)
{
    json_t *f = json_pack ("{s:s, s:s}", "@id", "urn:x:1", "action", s_acts[i].name);
    bool event = !strcmp (cls, "EconomicEvent");
    if (event) {
        s_set (f, "provider", json_string (ALICE));
        s_set (f, "receiver", json_string (ALICE));
        s_set (f, "hasPointInTime", json_string ("2024-05-01T09:30:00Z"));
    }
    if (s_acts[i].qty == 'e')
        s_set (f, "effortQuantity", s_measure ("3.5", "hour"));
    else
        s_set (f, "resourceQuantity", s_measure ("5", "kilogram"));
    if (strcmp (s_acts[i].name, "work") != 0)
        s_set (f, "resourceConformsTo", json_string (APPLES));
    bool links = event || !strcmp (cls, "Commitment") || !strcmp (cls, "Intent");
    if (links && s_acts[i].io == 'i')
        s_set (f, "inputOf", json_string (PROC));
    if (links && (s_acts[i].io == 'o' || s_acts[i].io == 'b'))
        s_set (f, "outputOf", json_string (PROC));
    return f;
}

static json_t *
s_event (size_t i)
{
    return s_flow ("EconomicEvent", i);
}

static size_t
s_act (const char *name)
{
    for (size_t i = 0; i < S_NACTS; i++)
        if (!strcmp (s_acts[i].name, name))
            return i;
    fail_msg ("no action %s", name);
    return 0;
}

/*  ---- Events, action by action ---- */

static void
test_a_valid_event_for_every_action (void **state)
{
    for (size_t i = 0; i < S_NACTS; i++)
        s_accept ("EconomicEvent", s_event (i));
    /* the same flows as commitments, intents, claims and recipe flows */
    const char *flows[] = { "Commitment", "Intent", "Claim", "RecipeFlow" };
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < S_NACTS; i++)
            s_accept (flows[k], s_flow (flows[k], i));
}

static void
test_a_full_event (void **state)
{
    s_accept ("EconomicEvent",
              s_json ("{'@id': 'https://alice.example/event/7', 'action': 'transfer',"
                      " 'provider': 'https://alice.example/agent', 'receiver': "
                      "'https://bob.example/agent',"
                      " 'resourceInventoriedAs': 'https://alice.example/resource/apples',"
                      " 'toResourceInventoriedAs': 'https://bob.example/resource/apples',"
                      " 'resourceConformsTo': 'https://alice.example/spec/apples',"
                      " 'resourceClassifiedAs': ['https://www.wikidata.org/wiki/Q89', 'fruit'],"
                      " 'resourceQuantity': {'hasNumericalValue': '12.5', 'hasUnit': 'kilogram'},"
                      " 'hasBeginning': '2024-05-01T09:00:00+02:00', 'hasEnd': "
                      "'2024-05-01T09:30:00+02:00',"
                      " 'created': '2024-05-01T09:31:12.345Z', 'toLocation': "
                      "'https://bob.example/place/barn',"
                      " 'state': 'fresh', 'fulfills': ['https://alice.example/commitment/3'],"
                      " 'realizationOf': 'https://alice.example/agreement/1',"
                      " 'image': 'https://alice.example/img/apples.png', 'note': 'Autumn "
                      "harvest, 🍎',"
                      " 'https://schema.org/sku': 'APL-12', 'https://ex.org/ext': {'lot': [1, "
                      "2, true, null]}}"));
}

static void
test_process_links_follow_input_output (void **state)
{
    const char *classes[] = { "EconomicEvent", "Commitment", "Intent" };
    char want[128];
    for (size_t k = 0; k < 3; k++) {
        const char *cls = classes[k];
        for (size_t i = 0; i < S_NACTS; i++) {
            const char *a = s_acts[i].name;
            json_t *f;
            switch (s_acts[i].io) {
            case 'i':
                f = s_flow (cls, i);
                json_object_del (f, "inputOf");
                snprintf (want, sizeof want, "action '%s' is an input and needs inputOf", a);
                s_reject (cls, f, want);
                f = s_flow (cls, i);
                s_set (f, "outputOf", json_string (PROC));
                snprintf (want, sizeof want, "action '%s' is an input and cannot have outputOf", a);
                s_reject (cls, f, want);
                break;
            case 'o':
                f = s_flow (cls, i);
                json_object_del (f, "outputOf");
                snprintf (want, sizeof want, "action '%s' is an output and needs outputOf", a);
                s_reject (cls, f, want);
                f = s_flow (cls, i);
                s_set (f, "inputOf", json_string (PROC));
                snprintf (want, sizeof want, "action '%s' is an output and cannot have inputOf", a);
                s_reject (cls, f, want);
                break;
            case '-':
                f = s_flow (cls, i);
                s_set (f, "inputOf", json_string (PROC));
                snprintf (want, sizeof want,
                          "action '%s' is not a process flow and cannot have inputOf", a);
                s_reject (cls, f, want);
                f = s_flow (cls, i);
                s_set (f, "outputOf", json_string (PROC));
                snprintf (want, sizeof want,
                          "action '%s' is not a process flow and cannot have outputOf", a);
                s_reject (cls, f, want);
                break;
            case 'b': /* deliverService: output, input, both or neither */
                f = s_flow (cls, i);
                s_set (f, "inputOf", json_string ("https://bob.example/process/2"));
                s_accept (cls, f);
                f = s_flow (cls, i);
                json_object_del (f, "outputOf");
                s_accept (cls, json_incref (f));
                s_set (f, "inputOf", json_string (PROC));
                s_accept (cls, f);
                break;
            }
        }
    }
}

static void
test_the_message_names_record_and_rule (void **state)
{
    json_t *e = s_event (s_act ("consume"));
    json_object_del (e, "inputOf");
    vf_err_t err = { 0 };
    assert_int_equal (vf_validate_record (s_class ("EconomicEvent"), e, &err), VF_EINVALID);
    assert_int_equal (err.code, VF_EINVALID);
    assert_string_equal (err.msg,
                         "EconomicEvent 'urn:x:1': action 'consume' is an input and needs inputOf");
    /* NULL err is allowed */
    assert_int_equal (vf_validate_record (s_class ("EconomicEvent"), e, NULL), VF_EINVALID);
    json_decref (e);
}

static void
test_recipe_flow_links_must_not_contradict_the_action (void **state)
{
    for (size_t i = 0; i < S_NACTS; i++) {
        /* neither link is required */
        json_t *f = s_flow ("RecipeFlow", i);
        s_accept ("RecipeFlow", f);
        f = s_flow ("RecipeFlow", i);
        s_set (f, "recipeInputOf", json_string ("urn:recipe:proc"));
        if (s_acts[i].io == 'i' || s_acts[i].io == 'b')
            s_accept ("RecipeFlow", f);
        else
            s_reject ("RecipeFlow", f,
                      s_acts[i].io == 'o' ? "is an output and cannot have recipeInputOf"
                                          : "is not a process flow and cannot "
                                            "have recipeInputOf");
        f = s_flow ("RecipeFlow", i);
        s_set (f, "recipeOutputOf", json_string ("urn:recipe:proc"));
        if (s_acts[i].io == 'o' || s_acts[i].io == 'b')
            s_accept ("RecipeFlow", f);
        else
            s_reject ("RecipeFlow", f,
                      s_acts[i].io == 'i' ? "is an input and cannot have recipeOutputOf"
                                          : "is not a process flow and cannot "
                                            "have recipeOutputOf");
    }
    /* an exchange clause in a recipe */
    s_accept ("RecipeFlow", s_json ("{'@id': 'urn:rf:1', 'action': 'transfer', 'recipeClauseOf': "
                                    "'urn:rx:1', 'resourceConformsTo': 'urn:spec:1'}"));
}

static void
test_claim_has_no_process_links (void **state)
{
    json_t *c = s_flow ("Claim", s_act ("consume"));
    s_set (c, "inputOf", json_string (PROC));
    s_reject ("Claim", c,
              "'inputOf' is not a property of Claim in VF 1.0 (VF has it on EconomicEvent)");
}

static void
test_quantity_kind_follows_event_quantity (void **state)
{
    const char *flows[] = { "EconomicEvent", "Commitment", "Intent", "Claim", "RecipeFlow" };
    char want[160];
    for (size_t k = 0; k < 5; k++)
        for (size_t i = 0; i < S_NACTS; i++) {
            json_t *f = s_flow (flows[k], i);
            const char *a = s_acts[i].name;
            switch (s_acts[i].qty) {
            case 'r':
                s_set (f, "effortQuantity", s_measure ("2", "hour"));
                snprintf (want, sizeof want,
                          "action '%s' takes resourceQuantity, not effortQuantity (VF "
                          "eventQuantity: resource)",
                          a);
                s_reject (flows[k], f, want);
                break;
            case 'e':
                s_set (f, "resourceQuantity", s_measure ("2", "kilogram"));
                snprintf (want, sizeof want,
                          "action '%s' takes effortQuantity, not resourceQuantity (VF "
                          "eventQuantity: effort)",
                          a);
                s_reject (flows[k], f, want);
                break;
            case 'b': /* use: N units for T hours */
                s_set (f, "effortQuantity", s_measure ("2", "hour"));
                s_accept (flows[k], f);
                break;
            }
        }
}

static void
test_an_event_needs_the_quantity_of_its_kind (void **state)
{
    char want[128];
    for (size_t i = 0; i < S_NACTS; i++) {
        json_t *e = s_event (i);
        const char *a = s_acts[i].name;
        json_object_del (e, "resourceQuantity");
        json_object_del (e, "effortQuantity");
        snprintf (want, sizeof want, "action '%s' needs %s", a,
                  s_acts[i].qty == 'r'   ? "resourceQuantity"
                  : s_acts[i].qty == 'e' ? "effortQuantity"
                                         : "resourceQuantity or effortQuantity");
        s_reject ("EconomicEvent", e, want);
        /* plans may leave the quantity open */
        json_t *c = s_flow ("Commitment", i);
        json_object_del (c, "resourceQuantity");
        json_object_del (c, "effortQuantity");
        s_accept ("Commitment", c);
    }
    /* use with effort only */
    json_t *e = s_event (s_act ("use"));
    json_object_del (e, "resourceQuantity");
    s_set (e, "effortQuantity", s_measure ("4", "hour"));
    s_accept ("EconomicEvent", e);
}

static void
test_an_event_needs_provider_and_receiver (void **state)
{
    for (size_t i = 0; i < S_NACTS; i++) {
        json_t *e = s_event (i);
        json_object_del (e, "provider");
        s_reject ("EconomicEvent", e, "provider is required on an EconomicEvent");
        e = s_event (i);
        json_object_del (e, "receiver");
        s_reject ("EconomicEvent", e, "receiver is required on an EconomicEvent");
    }
    /* a commitment or intent may name one side only */
    json_t *c = s_flow ("Intent", s_act ("transfer"));
    s_set (c, "provider", json_string (ALICE));
    s_accept ("Intent", c);
}

static void
test_an_event_names_its_resource_except_work (void **state)
{
    char want[160];
    for (size_t i = 0; i < S_NACTS; i++) {
        json_t *e = s_event (i);
        json_object_del (e, "resourceConformsTo");
        if (!strcmp (s_acts[i].name, "work")) {
            s_accept ("EconomicEvent", e);
            continue;
        }
        snprintf (want, sizeof want,
                  "action '%s' needs its resource: resourceInventoriedAs, resourceConformsTo or "
                  "resourceClassifiedAs",
                  s_acts[i].name);
        s_reject ("EconomicEvent", json_incref (e), want);
        json_t *e2 = json_deep_copy (e);
        s_set (e, "resourceInventoriedAs", json_string ("https://alice.example/resource/1"));
        s_accept ("EconomicEvent", e);
        s_set (e2, "resourceClassifiedAs", json_pack ("[s]", "apples"));
        s_accept ("EconomicEvent", e2);
    }
    /* work with the skill as specification */
    json_t *w = s_event (s_act ("work"));
    s_set (w, "resourceConformsTo", json_string ("https://alice.example/skill/pruning"));
    s_accept ("EconomicEvent", w);
}

static void
test_to_resource_only_where_the_action_uses_it (void **state)
{
    for (size_t i = 0; i < S_NACTS; i++) {
        /* provider == receiver: only the action itself can use it */
        json_t *e = s_event (i);
        s_set (e, "toResourceInventoriedAs", json_string ("https://alice.example/resource/2"));
        if (s_acts[i].to)
            s_accept ("EconomicEvent", e);
        else if (s_acts[i].implied)
            s_reject ("EconomicEvent", e, "uses toResourceInventoriedAs only as an implied");
        else
            s_reject ("EconomicEvent", e,
                      "has no receiver-side resource, so no "
                      "toResourceInventoriedAs");
        /* provider != receiver: an implied transfer has a receiver side */
        e = s_event (i);
        s_set (e, "receiver", json_string (BOB));
        s_set (e, "toResourceInventoriedAs", json_string ("https://bob.example/resource/2"));
        if (s_acts[i].to || s_acts[i].implied)
            s_accept ("EconomicEvent", e);
        else
            s_reject ("EconomicEvent", e, "has no receiver-side resource");
    }
    json_t *e = s_event (s_act ("consume"));
    s_set (e, "toResourceInventoriedAs", json_string ("https://alice.example/resource/2"));
    s_reject ("EconomicEvent", e,
              "action 'consume' uses toResourceInventoriedAs only as an implied transfer, when "
              "provider and receiver differ");
    e = s_event (s_act ("pickup"));
    s_set (e, "toResourceInventoriedAs", json_string ("https://alice.example/resource/2"));
    s_reject ("EconomicEvent", e, "only as an implied transferCustody");
}

/*  ---- Times ---- */

static void
test_point_in_time_or_beginning_and_end (void **state)
{
    json_t *e = s_event (s_act ("produce"));
    s_set (e, "hasBeginning", json_string ("2024-05-01T09:00:00Z"));
    s_reject ("EconomicEvent", e, "hasPointInTime cannot be combined with hasBeginning");
    e = s_event (s_act ("produce"));
    s_set (e, "hasEnd", json_string ("2024-05-01T09:00:00Z"));
    s_reject ("EconomicEvent", e, "hasPointInTime cannot be combined with hasEnd");
    json_t *c = s_flow ("Commitment", s_act ("produce"));
    s_set (c, "hasPointInTime", json_string ("2024-05-01T09:00:00Z"));
    s_set (c, "hasEnd", json_string ("2024-05-02T09:00:00Z"));
    s_reject ("Commitment", c, "hasPointInTime cannot be combined with hasEnd");
}

/*  Set hasBeginning b and hasEnd e on a produce event. */
static json_t *
s_span (const char *b, const char *e)
{
    json_t *ev = s_event (s_act ("produce"));
    json_object_del (ev, "hasPointInTime");
    s_set (ev, "hasBeginning", json_string (b));
    s_set (ev, "hasEnd", json_string (e));
    return ev;
}

static void
test_beginning_not_after_end (void **state)
{
    s_accept ("EconomicEvent", s_span ("2024-05-01T09:00:00Z", "2024-05-01T10:00:00Z"));
    s_accept ("EconomicEvent", s_span ("2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z"));
    s_reject ("EconomicEvent", s_span ("2024-05-01T10:00:00Z", "2024-05-01T09:00:00Z"),
              "hasBeginning '2024-05-01T10:00:00Z' is after hasEnd '2024-05-01T09:00:00Z'");
    /* compared as instants, not as text: 10:00+02:00 is 08:00Z */
    s_accept ("EconomicEvent", s_span ("2024-05-01T10:00:00+02:00", "2024-05-01T09:00:00Z"));
    s_reject ("EconomicEvent", s_span ("2024-05-01T10:00:00-02:00", "2024-05-01T11:00:00Z"),
              "is after hasEnd");
    /* across a day and a year boundary */
    s_accept ("EconomicEvent", s_span ("2024-12-31T23:30:00-01:00", "2025-01-01T00:45:00Z"));
    s_reject ("EconomicEvent", s_span ("2025-01-01T00:30:00+00:00", "2024-12-31T23:30:00Z"),
              "is after hasEnd");
    /* fractions */
    s_accept ("EconomicEvent", s_span ("2024-05-01T09:00:00.25Z", "2024-05-01T09:00:00.5Z"));
    s_reject ("EconomicEvent", s_span ("2024-05-01T09:00:00.5Z", "2024-05-01T09:00:00.25Z"),
              "is after hasEnd");
    s_accept ("EconomicEvent", s_span ("2024-05-01T09:00:00.000Z", "2024-05-01T09:00:00Z"));
    /* other classes with both */
    s_reject ("Process",
              s_json ("{'@id': 'urn:p:1', 'hasBeginning': '2024-05-02T00:00:00Z', 'hasEnd': "
                      "'2024-05-01T00:00:00Z'}"),
              "Process 'urn:p:1': hasBeginning '2024-05-02T00:00:00Z' is after hasEnd");
    s_reject ("Proposal",
              s_json ("{'@id': 'urn:p:1', 'hasBeginning': '2024-05-02T00:00:00Z', 'hasEnd': "
                      "'2024-05-01T00:00:00Z'}"),
              "is after hasEnd");
}

static void
test_datetime_forms (void **state)
{
    const char *good[] = {
        "2024-05-01T09:30:00Z",      "2024-05-01T09:30:00.5Z",    "2024-05-01T09:30:00+02:00",
        "2024-05-01T09:30:00-14:00", "2024-05-01T09:30:00+14:00", "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",      "0001-01-01T00:00:00Z",      "9999-12-31T23:59:59.999999999Z",
    };
    const char *bad[] = {
        "2024-05-01T09:30:00", /* no zone: xsd:dateTime, not dateTimeStamp */
        "2024-05-01",
        "2024-05-01 09:30:00Z",
        "2024-05-01t09:30:00z",
        "2024-05-01T09:30Z",
        "2024-5-01T09:30:00Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z",
        "2024-05-00T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T09:60:00Z",
        "2024-05-01T09:30:60Z",
        "2024-05-01T09:30:00.Z",
        "2024-05-01T09:30:00+14:30",
        "2024-05-01T09:30:00+15:00",
        "2024-05-01T09:30:00+0200",
        "2024-05-01T09:30:00+02:60",
        "0000-01-01T00:00:00Z",
        "+2024-05-01T09:30:00Z",
        "2024-05-01T09:30:00ZZ",
        "",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!vf_datetime_valid (good[i], strlen (good[i])))
            fail_msg ("%s should be valid", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vf_datetime_valid (bad[i], strlen (bad[i])))
            fail_msg ("%s should be invalid", bad[i]);
    assert_false (vf_datetime_valid ("2024-05-01T09:30:00Z", 19)); /* length counts */
    json_t *e = s_event (s_act ("raise"));
    s_set (e, "hasPointInTime", json_string ("2024-05-01T09:30:00"));
    s_reject ("EconomicEvent", e,
              "hasPointInTime: '2024-05-01T09:30:00' is not a date-time with a zone");
}

/*  ---- Quantities ---- */

static void
test_measures (void **state)
{
    size_t consume = s_act ("consume");
    struct {
        json_t *m;
        const char *msg;
    } bad[] = {
        { s_measure ("12,5", "kilogram"),
          "EconomicEvent 'urn:x:1': resourceQuantity.hasNumericalValue: '12,5' is not a decimal" },
        { s_measure ("1.50", "kilogram"), "'1.50' is not in canonical form; write '1.5'" },
        { s_measure ("+1", "kilogram"), "'+1' is not in canonical form; write '1'" },
        { s_measure ("NaN", "kilogram"), "'NaN' is not a decimal" },
        { s_measure ("", "kilogram"), "'' is not a decimal" },
        { s_measure ("1234567890123456789", "kilogram"), "has too many digits" },
        { json_pack ("{s:f, s:s}", "hasNumericalValue", 12.5, "hasUnit", "kilogram"),
          "resourceQuantity.hasNumericalValue must be a decimal string like \"12.5\", not a JSON "
          "number" },
        { json_pack ("{s:i, s:s}", "hasNumericalValue", 12, "hasUnit", "kilogram"),
          "must be a decimal string" },
        { json_pack ("{s:s}", "hasNumericalValue", "1"), "resourceQuantity.hasUnit is required" },
        { json_pack ("{s:s}", "hasUnit", "one"), "resourceQuantity.hasNumericalValue is required" },
        { json_pack ("{s:s, s:s, s:s}", "hasNumericalValue", "1", "hasUnit", "one", "unit", "kg"),
          "resourceQuantity: 'unit' is not part of a measure" },
        { s_measure ("1", "kilo gram"), "'kilo gram' is neither a unit label" },
        { s_measure ("1", "http://www.ontology-of-units-of-measure.org/resource/om-2/kilogram"),
          "is an OM2 unit; write it as its label 'kilogram'" },
        { s_measure ("1", "om2:litre"),
          "resourceQuantity.hasUnit: 'om2:litre' is an OM2 unit; write it as its label 'litre'" },
        { s_measure ("1", "9kg"), "is neither a unit label" },
        { json_pack ("{s:s, s:i}", "hasNumericalValue", "1", "hasUnit", 3),
          "resourceQuantity.hasUnit must be a string, not an integer" },
        { json_string ("5 kilogram"), "resourceQuantity must be a measure object" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *e = s_event (consume);
        s_set (e, "resourceQuantity", bad[i].m);
        s_reject ("EconomicEvent", e, bad[i].msg);
    }
    const char *units[] = { "one",         "hour",          "kilogram",
                            "cubic_metre", "kilowatt-hour", "https://coop.example/units/crate" };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        json_t *e = s_event (consume);
        s_set (e, "resourceQuantity", s_measure ("0.25", units[i]));
        s_accept ("EconomicEvent", e);
    }
}

static void
test_negative_quantities_only_on_corrections (void **state)
{
    json_t *e = s_event (s_act ("consume"));
    s_set (e, "resourceQuantity", s_measure ("-5", "kilogram"));
    s_reject ("EconomicEvent", json_incref (e),
              "resourceQuantity.hasNumericalValue '-5' is negative; only an EconomicEvent that "
              "corrects another may carry negative quantities");
    s_set (e, "corrects", json_string ("https://alice.example/event/6"));
    s_accept ("EconomicEvent", e);

    e = s_event (s_act ("work"));
    s_set (e, "effortQuantity", s_measure ("-0.5", "hour"));
    s_reject ("EconomicEvent", e, "effortQuantity.hasNumericalValue '-0.5' is negative");

    e = s_event (s_act ("consume"));
    s_set (e, "resourceQuantity", s_measure ("0", "kilogram"));
    s_accept ("EconomicEvent", e);

    json_t *c = s_flow ("Commitment", s_act ("consume"));
    s_set (c, "resourceQuantity", s_measure ("-1", "kilogram"));
    s_reject ("Commitment", c, "is negative");

    json_t *in = s_flow ("Intent", s_act ("transfer"));
    s_set (in, "availableQuantity", s_measure ("-1", "kilogram"));
    s_reject ("Intent", in, "availableQuantity.hasNumericalValue '-1' is negative");

    s_reject ("RecipeProcess",
              s_json ("{'@id': 'urn:rp:1', 'hasDuration': {'hasNumericalValue': '-2', 'hasUnit': "
                      "'hour'}}"),
              "hasDuration.hasNumericalValue '-2' is negative");

    /* corrects exists only on events */
    c = s_flow ("Commitment", s_act ("consume"));
    s_set (c, "corrects", json_string ("https://alice.example/commitment/1"));
    s_reject ("Commitment", c,
              "'corrects' is not a property of Commitment in VF 1.0 (VF has it on EconomicEvent)");
}

/*  ---- Values by type ---- */

static void
test_values_by_type (void **state)
{
    size_t produce = s_act ("produce");
    struct {
        const char *key;
        json_t *value;
        const char *msg;
    } bad[] = {
        { "provider", json_string ("alice"), "provider: 'alice' is not an absolute IRI" },
        { "provider", json_string ("https://alice.example/a b"), "is not an absolute IRI" },
        { "provider", json_integer (7), "provider must be a string, not an integer" },
        { "provider", json_pack ("[s]", ALICE), "provider takes one value, not an array" },
        { "provider", json_null (), "provider is null; leave the property out instead" },
        { "provider", json_pack ("{s:s}", "@id", ALICE),
          "provider must be a string, not an object" },
        { "fulfills", json_string ("urn:c:1"),
          "fulfills is many-valued: write a JSON array, not a string" },
        { "fulfills", json_array (), "fulfills is an empty array; leave the property out instead" },
        { "fulfills", json_pack ("[s, s, s]", "urn:c:1", "urn:c:2", "urn:c:1"),
          "fulfills[2] repeats 'urn:c:1' (values must be unique)" },
        { "fulfills", json_pack ("[s, n]", "urn:c:1"), "fulfills[1] is null" },
        { "fulfills", json_pack ("[s, s]", "urn:c:1", "c2"),
          "fulfills[1]: 'c2' is not an absolute IRI" },
        { "resourceClassifiedAs", json_pack ("[s, s]", "fruit", "fruit"), "repeats 'fruit'" },
        { "resourceClassifiedAs", json_pack ("[i]", 3),
          "resourceClassifiedAs[0] must be a string" },
        { "action", json_string ("consum"),
          "action 'consum' is not a VF 1.0 action (did you mean 'consume'?)" },
        { "action", json_string ("pass"), "action 'pass' is not a VF 1.0 action" },
        { "action", json_string ("Produce"), "(did you mean 'produce'?)" },
        { "action", json_null (), "action is null" },
        { "note", json_true (), "note must be a string, not true" },
        { "note", json_real (1.5), "note must be a string, not a real number" },
        { "note", json_stringn ("a\0b", 3), "note contains a NUL byte" },
        { "image", json_string ("photo.png"), "image: 'photo.png' is not an absolute IRI" },
        { "created", json_string ("yesterday"), "created: 'yesterday' is not a date-time" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *e = s_event (produce);
        s_set (e, bad[i].key, bad[i].value);
        s_reject ("EconomicEvent", e, bad[i].msg);
    }
    /* action is required on every flow */
    json_t *e = s_event (produce);
    json_object_del (e, "action");
    s_reject ("EconomicEvent", e, "EconomicEvent 'urn:x:1': action is required");
    s_reject ("RecipeFlow", s_json ("{'@id': 'urn:rf:1'}"), "action is required");

    s_reject ("Process", s_json ("{'@id': 'urn:p:1', 'finished': 'yes'}"),
              "finished must be true or false, not a string");
    s_accept ("Process", s_json ("{'@id': 'urn:p:1', 'finished': false, 'classifiedAs': ['https://"
                                 "ex.org/tax/harvest', 'harvest']}"));
    s_reject ("Proposal", s_json ("{'@id': 'urn:p:1', 'purpose': 'sell'}"),
              "purpose 'sell' must be 'offer' or 'request'");
    s_accept ("Proposal", s_json ("{'@id': 'urn:p:1', 'purpose': 'request', 'unitBased': true}"));
    s_accept ("SpatialThing", s_json ("{'@id': 'urn:s:1', 'lat': '52.52', 'long': '-13.405', "
                                      "'alt': '34'}"));
    s_reject ("SpatialThing", s_json ("{'@id': 'urn:s:1', 'lat': 52.52}"),
              "lat must be a decimal string like \"12.5\", not a JSON number");
    s_reject ("SpatialThing", s_json ("{'@id': 'urn:s:1', 'lat': '52.520'}"),
              "lat: '52.520' is not in canonical form; write '52.52'");
    s_reject ("Unit", s_json ("{'@id': 'urn:u:1'}"), "Unit 'urn:u:1': label is required");
    s_reject ("Unit", s_json ("{'@id': 'urn:u:1', 'label': ''}"), "label is empty");
    /* references to a Unit may be a label, like hasUnit */
    s_accept ("ResourceSpecification",
              s_json ("{'@id': 'urn:rs:1', 'name': 'Apples', 'defaultUnitOfResource': "
                      "'kilogram', 'defaultUnitOfEffort': 'https://alice.example/unit/crate', "
                      "'mediumOfExchange': false}"));
    s_reject ("ResourceSpecification",
              s_json ("{'@id': 'urn:rs:1', 'defaultUnitOfResource': 'kilo gram'}"),
              "defaultUnitOfResource: 'kilo gram' is not an absolute IRI");
    /* ... but other references may not */
    json_t *ev = s_event (produce);
    s_set (ev, "provider", json_string ("kilogram"));
    s_reject ("EconomicEvent", ev, "'kilogram' is not an absolute IRI");
}

/*  ---- @id, keys, extensions ---- */

static void
test_record_id (void **state)
{
    s_reject ("Unit", s_json ("{'label': 'kilogram'}"), "Unit: @id is required");
    s_reject ("Unit", s_json ("{'@id': 5, 'label': 'kilogram'}"),
              "Unit: @id must be an absolute IRI string, not an integer");
    s_reject ("Unit", s_json ("{'@id': 'x1', 'label': 'kilogram'}"),
              "Unit: @id 'x1' is not an absolute IRI");
    s_reject ("Unit", s_json ("{'@id': '_:b0', 'label': 'kilogram'}"), "is not an absolute IRI");
    s_reject ("Unit", s_json ("['urn:u:1']"),
              "Unit: a record body must be a JSON object, not an array");
    vf_err_t err = { 0 };
    assert_int_equal (vf_validate_record (s_class ("Unit"), NULL, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "not nothing"));
    s_reject ("Unit", s_json ("{'@id': 'urn:u:1', '@type': 'Unit', 'label': 'kilogram'}"),
              "'@type' is not allowed in a record body");
    s_reject ("Unit", s_json ("{'@id': 'urn:u:1', '@context': {}, 'label': 'kilogram'}"),
              "'@context' is not allowed in a record body");
}

static void
test_unknown_keys (void **state)
{
    size_t produce = s_act ("produce");
    json_t *e = s_event (produce);
    s_set (e, "resourceQuantiy", s_measure ("1", "one"));
    s_reject ("EconomicEvent", e,
              "unknown property 'resourceQuantiy' for EconomicEvent (did you mean "
              "'resourceQuantity'?)");
    e = s_event (produce);
    s_set (e, "Provider", json_string (ALICE));
    s_reject ("EconomicEvent", e, "(did you mean 'provider'?)");
    e = s_event (produce);
    s_set (e, "colour", json_string ("red"));
    s_reject ("EconomicEvent", e,
              "unknown property 'colour' for EconomicEvent; extension properties need an absolute "
              "IRI key");
    e = s_event (produce);
    s_set (e, "stage", json_string ("urn:ps:1"));
    s_reject ("EconomicEvent", e,
              "'stage' is not a property of EconomicEvent in VF 1.0 (VF has it on");
    e = s_event (produce);
    s_set (e, "https://w3id.org/valueflows/ont/vf#note", json_string ("hi"));
    s_reject ("EconomicEvent", e, "write VF properties by their short name ('note')");
    e = s_event (produce);
    s_set (e, "http://w3id.org/valueflows/ont/vf#bogus", json_string ("hi"));
    s_reject ("EconomicEvent", e, "is in the VF namespace but is not a property of EconomicEvent");
    e = s_event (produce);
    s_set (e, "vf:note", json_string ("hi"));
    s_reject ("EconomicEvent", e, "'vf:note': write VF properties by their short name ('note')");
    e = s_event (produce);
    s_set (e, "vf:unknown", json_string ("hi"));
    s_reject ("EconomicEvent", e, "'vf:unknown' is in the VF namespace");
    e = s_event (produce);
    json_object_setn_new (e, "note\0x", 6, json_string ("hi"));
    s_reject ("EconomicEvent", e, "property name 'note\\x00x' contains a NUL byte");
}

static void
test_extension_properties (void **state)
{
    size_t produce = s_act ("produce");
    json_t *ok[] = {
        json_string ("APL-12"),
        json_integer (-42),
        json_true (),
        json_null (),
        json_pack ("[i, s, b]", 1, "two", 0),
        json_pack ("{s:{s:[i, {s:s}]}}", "a", "b", 1, "c", "d"),
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        json_t *e = s_event (produce);
        s_set (e, "https://schema.org/sku", ok[i]);
        s_accept ("EconomicEvent", e);
    }
    struct {
        json_t *v;
        const char *msg;
    } bad[] = {
        { json_real (2.5),
          "https://schema.org/sku is a real number; write exact values as decimal strings" },
        { json_pack ("{s:[i, {s:f}]}", "a", 1, "b", 0.5),
          "https://schema.org/sku.a[1].b is a real number" },
        { json_pack ("[s%]", "a\0b", (size_t) 3), "https://schema.org/sku[0] contains a NUL byte" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *e = s_event (produce);
        s_set (e, "https://schema.org/sku", bad[i].v);
        s_reject ("EconomicEvent", e, bad[i].msg);
    }
    /* a NUL in a nested key */
    json_t *obj = json_object ();
    json_object_setn_new (obj, "k\0", 2, json_integer (1));
    json_t *e = s_event (produce);
    s_set (e, "https://schema.org/sku", obj);
    s_reject ("EconomicEvent", e, "a key contains a NUL byte");

    /* the body is depth 2 inside its entry: an extension value may nest
       VF_DEPTH_MAX - 2 levels, one more is refused */
    json_t *deep = json_array ();
    for (int d = 1; d < VF_DEPTH_MAX - 2; d++)
        deep = json_pack ("[o]", deep);
    e = s_event (produce);
    s_set (e, "https://ex.org/deep", json_incref (deep));
    s_accept ("EconomicEvent", e);
    e = s_event (produce);
    s_set (e, "https://ex.org/deep", json_pack ("[o]", deep));
    s_reject ("EconomicEvent", e, "nests deeper than 16 levels");
}

static void
test_iri_forms (void **state)
{
    const char *good[] = { "https://alice.example/a",
                           "urn:x:1",
                           "mailto:a@b.example",
                           "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                           "https://ex.org/äpfel?q=1#frag",
                           "tag:alice.example,2024:x",
                           "a+b-c.d:x" };
    const char *bad[] = { "",
                          "alice.example",
                          "1http://x",
                          ":x",
                          "http:",
                          "ht tp://x",
                          "http://a b",
                          "http://a<b",
                          "http://a>b",
                          "http://a\"b",
                          "http://a{b",
                          "http://a|b",
                          "http://a\\b",
                          "http://a^b",
                          "http://a`b",
                          "http://a\tb",
                          "http://a\x7f",
                          "http://a\xc2\x85",     /* U+0085, a C1 control */
                          "http://a\xff",         /* not UTF-8 */
                          "http://a\xc0\xaf",     /* overlong */
                          "http://a\xed\xa0\x80", /* surrogate */
                          "_:b0" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!vf_iri_valid (good[i], strlen (good[i])))
            fail_msg ("%s should be an IRI", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vf_iri_valid (bad[i], strlen (bad[i])))
            fail_msg ("%s should not be an IRI", bad[i]);
    assert_false (vf_iri_valid ("urn:x\0y", 7));
    assert_false (vf_iri_valid (NULL, 0));
    /* at most VF_IRI_MAX bytes */
    char *long_iri = malloc (VF_IRI_MAX + 2);
    assert_non_null (long_iri);
    memcpy (long_iri, "urn:", 4);
    memset (long_iri + 4, 'a', VF_IRI_MAX - 3);
    assert_true (vf_iri_valid (long_iri, VF_IRI_MAX));
    assert_false (vf_iri_valid (long_iri, VF_IRI_MAX + 1));
    free (long_iri);
}

/*  ---- Resources and the other classes ---- */

static void
test_economic_resource (void **state)
{
    s_accept (
        "EconomicResource",
        s_json ("{'@id': 'urn:r:1', 'name': 'Apples in the barn', 'conformsTo': "
                "'https://alice.example/spec/apples', 'trackingIdentifier': 'LOT-7', "
                "'unitOfEffort': 'hour', 'imageList': ['https://ex.org/1.png', "
                "'https://ex.org/2.png'], 'currentVirtualLocation': 'https://ex.org/files'}"));
    s_accept ("EconomicResource",
              s_json ("{'@id': 'urn:r:1', 'classifiedAs': ['https://www.wikidata.org/wiki/Q89']}"));
    s_reject ("EconomicResource", s_json ("{'@id': 'urn:r:1', 'name': 'Apples'}"),
              "EconomicResource 'urn:r:1': an EconomicResource needs conformsTo (its "
              "ResourceSpecification) or classifiedAs");
    s_reject ("EconomicResource",
              s_json ("{'@id': 'urn:r:1', 'conformsTo': 'urn:rs:1', 'accountingQuantity': "
                      "{'hasNumericalValue': '5', 'hasUnit': 'kilogram'}}"),
              "EconomicResource 'urn:r:1': accountingQuantity is changed by events (e.g. raise, "
              "produce), not set on the resource record");
    struct {
        const char *key;
        json_t *v;
    } fields[] = {
        { "onhandQuantity", s_measure ("5", "kilogram") },
        { "primaryAccountable", json_string (ALICE) },
        { "currentLocation", json_string ("urn:place:1") },
        { "containedIn", json_pack ("[s]", "urn:r:2") },
        { "contains", json_pack ("[s]", "urn:r:3") },
        { "stage", json_string ("urn:ps:1") },
        { "state", json_string ("pass") },
    };
    char want[96];
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *r = s_json ("{'@id': 'urn:r:1', 'conformsTo': 'urn:rs:1'}");
        s_set (r, fields[i].key, fields[i].v);
        snprintf (want, sizeof want, "%s is changed by events (e.g. ", fields[i].key);
        s_reject ("EconomicResource", r, want);
    }
}

static void
test_a_minimal_record_of_every_class (void **state)
{
    static const char *const rec[][2] = {
        { "Process", "{'@id': 'urn:x:1', 'name': 'Harvest', 'basedOn': 'urn:ps:1', 'inScopeOf': "
                     "'urn:a:1', 'hasInput': ['urn:e:1', 'urn:e:2']}" },
        { "Agent", "{'@id': 'urn:x:1'}" },
        { "Person", "{'@id': 'urn:x:1', 'name': 'Alice', 'primaryLocation': 'urn:s:1'}" },
        { "Organization", "{'@id': 'urn:x:1', 'name': 'Orchard Co-op', 'classifiedAs': ['coop']}" },
        { "EcologicalAgent", "{'@id': 'urn:x:1', 'name': 'Bee colony 4'}" },
        { "ResourceSpecification", "{'@id': 'urn:x:1', 'name': 'Apples', 'substitutable': true}" },
        { "ProcessSpecification", "{'@id': 'urn:x:1', 'name': 'Harvesting'}" },
        { "Unit", "{'@id': 'urn:x:1', 'label': 'kilogram', 'symbol': 'kg', 'omUnitIdentifier': "
                  "'http://www.ontology-of-units-of-measure.org/resource/om-2/kilogram'}" },
        { "SpatialThing", "{'@id': 'urn:x:1', 'mappableAddress': '1 Orchard Lane'}" },
        { "Commitment", "{'@id': 'urn:x:1', 'action': 'transfer', 'due': '2024-06-01T00:00:00Z', "
                        "'clauseOf': 'urn:ag:1', 'finished': false}" },
        { "Intent", "{'@id': 'urn:x:1', 'action': 'transfer', 'name': 'Apples for sale', "
                    "'availableQuantity': {'hasNumericalValue': '100', 'hasUnit': 'kilogram'}}" },
        { "Plan", "{'@id': 'urn:x:1', 'name': 'Autumn', 'planIncludes': ['urn:p:1']}" },
        { "Agreement", "{'@id': 'urn:x:1', 'name': 'Sale', 'created': '2024-05-01T00:00:00Z'}" },
        { "AgreementBundle", "{'@id': 'urn:x:1', 'bundles': ['urn:ag:1', 'urn:ag:2']}" },
        { "Claim", "{'@id': 'urn:x:1', 'action': 'transfer', 'triggeredBy': 'urn:e:1'}" },
        { "Proposal", "{'@id': 'urn:x:1', 'purpose': 'offer', 'publishes': ['urn:i:1'], "
                      "'reciprocal': ['urn:i:2'], 'proposedTo': ['urn:a:1']}" },
        { "ProposalList", "{'@id': 'urn:x:1', 'lists': ['urn:pr:1']}" },
        { "RecipeFlow", "{'@id': 'urn:x:1', 'action': 'consume', 'recipeInputOf': 'urn:rp:1'}" },
        { "RecipeProcess", "{'@id': 'urn:x:1', 'name': 'Press', 'hasDuration': "
                           "{'hasNumericalValue': '2', 'hasUnit': 'hour'}}" },
        { "RecipeExchange", "{'@id': 'urn:x:1', 'recipeStipulates': ['urn:rf:1']}" },
        { "Recipe", "{'@id': 'urn:x:1', 'primaryOutput': 'urn:rs:1', 'recipeIncludes': "
                    "['urn:rp:1']}" },
        { "BatchLotRecord", "{'@id': 'urn:x:1', 'batchLotCode': 'L24-7', 'expirationDate': "
                            "'2024-12-31T00:00:00Z'}" },
    };
    for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++)
        s_accept (rec[i][0], s_json (rec[i][1]));
    /* agent classes differ only in classifiedAs */
    s_reject ("Person", s_json ("{'@id': 'urn:x:1', 'classifiedAs': ['coop']}"),
              "'classifiedAs' is not a property of Person in VF 1.0");
    s_reject ("BatchLotRecord", s_json ("{'@id': 'urn:x:1', 'note': 'x'}"),
              "'note' is not a property of BatchLotRecord in VF 1.0");
}

static void
test_intents_follow_input_output_too (void **state)
{
    /* an offer of work is an input, so it names its process (hREA does
       the same); see docs/VOCABULARY.md */
    s_reject ("Intent",
              s_json ("{'@id': 'urn:i:1', 'action': 'work', 'provider': 'urn:a:1', "
                      "'effortQuantity': {'hasNumericalValue': '5', 'hasUnit': 'hour'}}"),
              "Intent 'urn:i:1': action 'work' is an input and needs inputOf");
    s_accept ("Intent", s_json ("{'@id': 'urn:i:1', 'action': 'deliverService', 'provider': "
                                "'urn:a:1', 'resourceConformsTo': 'urn:rs:massage'}"));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_a_valid_event_for_every_action),
        cmocka_unit_test (test_a_full_event),
        cmocka_unit_test (test_process_links_follow_input_output),
        cmocka_unit_test (test_the_message_names_record_and_rule),
        cmocka_unit_test (test_recipe_flow_links_must_not_contradict_the_action),
        cmocka_unit_test (test_claim_has_no_process_links),
        cmocka_unit_test (test_quantity_kind_follows_event_quantity),
        cmocka_unit_test (test_an_event_needs_the_quantity_of_its_kind),
        cmocka_unit_test (test_an_event_needs_provider_and_receiver),
        cmocka_unit_test (test_an_event_names_its_resource_except_work),
        cmocka_unit_test (test_to_resource_only_where_the_action_uses_it),
        cmocka_unit_test (test_point_in_time_or_beginning_and_end),
        cmocka_unit_test (test_beginning_not_after_end),
        cmocka_unit_test (test_datetime_forms),
        cmocka_unit_test (test_measures),
        cmocka_unit_test (test_negative_quantities_only_on_corrections),
        cmocka_unit_test (test_values_by_type),
        cmocka_unit_test (test_record_id),
        cmocka_unit_test (test_unknown_keys),
        cmocka_unit_test (test_extension_properties),
        cmocka_unit_test (test_iri_forms),
        cmocka_unit_test (test_economic_resource),
        cmocka_unit_test (test_a_minimal_record_of_every_class),
        cmocka_unit_test (test_intents_follow_input_output_too),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
