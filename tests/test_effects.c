/*  test_effects.c - what each VF action does to the resources it names.

    Every case is a valid EconomicEvent body (each is first checked with
    vf_validate_record) and the exact list of effects vf_effects_of must
    give for it, in its fixed order (by field, FROM before TO). An effect is
    written as text:

        from accounting +5          accountingQuantity of resourceInventoriedAs += 5
        to onhand -2.5              onhandQuantity of toResourceInventoriedAs -= 2.5
        to accountable := urn:a:bob primaryAccountable := ..., mode VF_FX_UPDATE
        from location ?= urn:l:shop currentLocation, mode VF_FX_NEW (a new resource)
        from contained := null      containedIn cleared

    Bodies are JSON text with ' for " (s_json). The macros below are the
    recurring parts of an event: agents, the two resources, a quantity.
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

#include "vf_effects.h"
#include "vf_validate.h"
#include "vf_vocab.h"

/*  Parts of event bodies; each ends with ", ". */
#define SAME "'provider': 'urn:a:ann', 'receiver': 'urn:a:ann', "
#define ANN_TO_BOB "'provider': 'urn:a:ann', 'receiver': 'urn:a:bob', "
#define FROM "'resourceInventoriedAs': 'urn:r:ann', "
#define TO "'toResourceInventoriedAs': 'urn:r:bob', "
#define BOX "'toResourceInventoriedAs': 'urn:r:box', "
#define SPEC "'resourceConformsTo': 'urn:rs:wheat', "
#define Q(v) "'resourceQuantity': {'hasNumericalValue': '" v "', 'hasUnit': 'kilogram'}, "
#define EFFORT "'effortQuantity': {'hasNumericalValue': '2', 'hasUnit': 'hour'}, "
#define AT "'toLocation': 'urn:l:shop', "
#define STATE "'state': 'good', "
#define IN "'inputOf': 'urn:p:bake', "
#define OUT "'outputOf': 'urn:p:bake', "
#define CORRECTS "'corrects': 'urn:e:0', "
/*  An event of action with the given parts. */
#define EV(action, parts) "{'action': '" action "', " parts "'@id': 'urn:e:1'}"

typedef struct {
    const char *name;
    const char *body;
    const char *want[VF_FX_MAX + 1]; /* NULL-terminated */
} s_case_t;

/*  JSON text with ' for " (the bodies contain no apostrophes). */
static json_t *
s_json (const char *text)
{
    char buf[2048];
    assert_true (strlen (text) < sizeof buf);
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

/*  The effect as text (see the top of the file). */
static void
s_format (const vf_fx_t *fx, char *buf, size_t size)
{
    static const char *const sides[] = { "from", "to" };
    static const char *const fields[] = { "accounting", "onhand", "accountable", "location",
                                          "contained",  "stage",  "state" };
    if (fx->field == VF_FX_ACCOUNTING || fx->field == VF_FX_ONHAND) {
        char d[VF_DECIMAL_TEXT_MAX];
        vf_decimal_format (&fx->delta, d);
        snprintf (buf, size, "%s %s %s%s", sides[fx->side], fields[fx->field],
                  d[0] == '-' ? "" : "+", d);
    } else
        snprintf (buf, size, "%s %s %s %s", sides[fx->side], fields[fx->field],
                  fx->mode == VF_FX_NEW ? "?=" : ":=", fx->value ? fx->value : "null");
}

/*  What holds for every effect of every body: the resource is the body's
    own string for that side, quantities carry the body's own hasUnit
    string and no value, other fields no unit and a value (but clearing
    containedIn), and the list is in (field, side) order without repeats. */
static void
s_check_invariants (const json_t *body, const vf_fx_t *fx, size_t n)
{
    const char *keys[] = { "resourceInventoriedAs", "toResourceInventoriedAs" };
    const json_t *q = json_object_get (body, "resourceQuantity");
    const char *unit = json_string_value (json_object_get (q, "hasUnit"));
    assert_true (n <= 2 * VF_FX_FIELD_COUNT);
    for (size_t i = 0; i < n; i++) {
        assert_true (fx[i].side == VF_SIDE_FROM || fx[i].side == VF_SIDE_TO);
        assert_ptr_equal (fx[i].resource,
                          json_string_value (json_object_get (body, keys[fx[i].side])));
        assert_non_null (fx[i].resource);
        if (i > 0)
            assert_true (fx[i - 1].field * 2 + fx[i - 1].side < fx[i].field * 2 + fx[i].side);
        if (vf_fx_is_quantity (fx[i].field)) {
            assert_ptr_equal (fx[i].unit, unit);
            assert_non_null (fx[i].unit);
            assert_null (fx[i].value);
            assert_int_equal (fx[i].mode, VF_FX_UPDATE);
        } else {
            assert_null (fx[i].unit);
            assert_int_equal (fx[i].delta.coef, 0);
            if (fx[i].field != VF_FX_CONTAINED)
                assert_non_null (fx[i].value);
        }
    }
}

/*  The effects of c->body must be c->want, exactly. */
static void
s_check (const s_case_t *c)
{
    json_t *body = s_json (c->body);
    vf_err_t err = { 0 };
    if (vf_validate_record (vf_class_by_name ("EconomicEvent"), body, &err) != 0)
        fail_msg ("%s: the test event is not valid: %s", c->name, err.msg);

    vf_fx_t fx[VF_FX_MAX];
    size_t n = 99;
    int rc = vf_effects_of (body, fx, &n, &err);
    if (rc != 0)
        fail_msg ("%s: vf_effects_of failed: %s", c->name, vf_err_msg (&err, rc));
    s_check_invariants (body, fx, n);

    size_t nwant = 0;
    while (c->want[nwant])
        nwant++;
    bool same = n == nwant;
    char got[VF_FX_MAX][160];
    for (size_t i = 0; i < n; i++) {
        s_format (&fx[i], got[i], sizeof got[i]);
        if (same && strcmp (got[i], c->want[i]) != 0)
            same = false;
    }
    if (!same) {
        print_error ("%s\n  want:\n", c->name);
        for (size_t i = 0; i < nwant; i++)
            print_error ("    %s\n", c->want[i]);
        print_error ("  got:\n");
        for (size_t i = 0; i < n; i++)
            print_error ("    %s\n", got[i]);
        json_decref (body);
        fail ();
    }
    json_decref (body);
}

#define CHECK_ALL(cases)                                                                           \
    for (size_t i_ = 0; i_ < sizeof (cases) / sizeof (cases)[0]; i_++)                             \
    s_check (&(cases)[i_])

static void
test_produce (void **state)
{
    static const s_case_t cases[] = {
        { "produce into the producer's own stock",
          EV ("produce", SAME OUT FROM Q ("5") AT STATE),
          { "from accounting +5", "from onhand +5", "from accountable ?= urn:a:ann",
            "from location ?= urn:l:shop", "from stage := urn:p:bake", "from state := good" } },
        { "produce without toLocation or state: no location or state effect",
          EV ("produce", SAME OUT FROM Q ("5")),
          { "from accounting +5", "from onhand +5", "from accountable ?= urn:a:ann",
            "from stage := urn:p:bake" } },
        { "produce for bob into bob's resource: implied transfer, FROM nets 0",
          EV ("produce", ANN_TO_BOB OUT FROM TO Q ("5") AT STATE),
          { "from accounting +0", "to accounting +5", "from onhand +0", "to onhand +5",
            "from accountable ?= urn:a:ann", "to accountable := urn:a:bob",
            "from location ?= urn:l:shop", "to location := urn:l:shop", "from stage := urn:p:bake",
            "from state := good", "to state := good" } },
        { "produce for bob without toResourceInventoriedAs: no transfer effects",
          EV ("produce", ANN_TO_BOB OUT FROM Q ("5")),
          { "from accounting +5", "from onhand +5", "from accountable ?= urn:a:bob",
            "from stage := urn:p:bake" } },
        { "produce of a resource that is not inventoried: no effects",
          EV ("produce", SAME OUT SPEC Q ("5") AT STATE),
          { NULL } },
    };
    CHECK_ALL (cases);
}

static void
test_consume (void **state)
{
    static const s_case_t cases[] = {
        { "consume from own stock",
          EV ("consume", SAME IN FROM Q ("3") STATE),
          { "from accounting -3", "from onhand -3", "from state := good" } },
        { "consume ann's resource for bob: implied transfer does not take from FROM twice",
          EV ("consume", ANN_TO_BOB IN FROM TO Q ("3") AT),
          { "from accounting -3", "to accounting +3", "from onhand -3", "to onhand +3",
            "to accountable := urn:a:bob", "to location := urn:l:shop" } },
    };
    CHECK_ALL (cases);
}

static void
test_use_work_cite_change_no_quantity (void **state)
{
    static const s_case_t cases[] = {
        { "use with both quantities: effortQuantity and resourceQuantity change nothing",
          EV ("use", SAME IN FROM Q ("1") EFFORT STATE),
          { "from state := good" } },
        { "use by the hour only", EV ("use", SAME IN FROM EFFORT), { NULL } },
        { "work: no resource, no effect (state too is notApplicable)",
          EV ("work", SAME IN SPEC EFFORT STATE),
          { NULL } },
        { "cite a design: only its state",
          EV ("cite", SAME IN FROM Q ("1") STATE),
          { "from state := good" } },
    };
    CHECK_ALL (cases);
}

static void
test_deliver_service (void **state)
{
    static const s_case_t cases[] = {
        { "deliverService of a service: no effects",
          EV ("deliverService", ANN_TO_BOB SPEC Q ("1")),
          { NULL } },
        { "deliverService with both resources named: implied transfer",
          EV ("deliverService", ANN_TO_BOB OUT FROM TO Q ("1")),
          { "from accounting -1", "to accounting +1", "from onhand -1", "to onhand +1",
            "to accountable := urn:a:bob" } },
    };
    CHECK_ALL (cases);
}

static void
test_pickup_dropoff (void **state)
{
    static const s_case_t cases[] = {
        { "pickup by the owner",
          EV ("pickup", SAME IN FROM Q ("1") AT STATE),
          { "from onhand -1", "from location := urn:l:shop", "from state := good" } },
        { "pickup by carrier bob: implied custody transfer, onhand only",
          EV ("pickup", ANN_TO_BOB IN FROM TO Q ("1") AT STATE),
          { "from onhand -1", "to onhand +1", "from location := urn:l:shop",
            "to location := urn:l:shop", "from state := good", "to state := good" } },
        { "dropoff by the owner",
          EV ("dropoff", SAME OUT FROM Q ("1") AT),
          { "from onhand +1", "from location := urn:l:shop", "from stage := urn:p:bake" } },
        { "dropoff to bob: implied custody transfer, FROM nets 0",
          EV ("dropoff", ANN_TO_BOB OUT FROM TO Q ("1") AT),
          { "from onhand +0", "to onhand +1", "from location := urn:l:shop",
            "to location := urn:l:shop", "from stage := urn:p:bake" } },
    };
    CHECK_ALL (cases);
}

static void
test_accept_modify (void **state)
{
    static const s_case_t cases[] = {
        { "accept for repair in own workshop",
          EV ("accept", SAME IN FROM Q ("1") STATE),
          { "from onhand -1", "from state := good" } },
        { "accept by repairer bob: implied custody transfer",
          EV ("accept", ANN_TO_BOB IN FROM TO Q ("1") AT),
          { "from onhand -1", "to onhand +1", "from location := urn:l:shop",
            "to location := urn:l:shop" } },
        { "modify: back out, with the process's stage",
          EV ("modify", SAME OUT FROM Q ("1") STATE),
          { "from onhand +1", "from stage := urn:p:bake", "from state := good" } },
        { "modify by bob, handed back into bob's resource: implied custody transfer",
          EV ("modify", ANN_TO_BOB OUT FROM TO Q ("1")),
          { "from onhand +0", "to onhand +1", "from stage := urn:p:bake" } },
    };
    CHECK_ALL (cases);
}

static void
test_combine_separate (void **state)
{
    static const s_case_t cases[] = {
        { "combine into a box: containedIn := the box",
          EV ("combine", SAME IN FROM BOX Q ("1") STATE),
          { "from onhand -1", "from contained := urn:r:box", "from state := good" } },
        { "combine without naming the container",
          EV ("combine", SAME IN FROM Q ("1")),
          { "from onhand -1" } },
        { "combine by different agents: no implied transfer",
          EV ("combine", ANN_TO_BOB IN FROM BOX Q ("1")),
          { "from onhand -1", "from contained := urn:r:box" } },
        { "separate: containedIn cleared",
          EV ("separate", SAME OUT FROM Q ("1")),
          { "from onhand +1", "from contained := null", "from stage := urn:p:bake" } },
    };
    CHECK_ALL (cases);
}

static void
test_transfers (void **state)
{
    static const s_case_t cases[] = {
        { "transfer: rights and custody",
          EV ("transfer", ANN_TO_BOB FROM TO Q ("12.5") AT STATE),
          { "from accounting -12.5", "to accounting +12.5", "from onhand -12.5", "to onhand +12.5",
            "to accountable := urn:a:bob", "to location := urn:l:shop", "to state := good" } },
        { "transfer without toResourceInventoriedAs: only FROM decreases",
          EV ("transfer", ANN_TO_BOB FROM Q ("12.5") AT STATE),
          { "from accounting -12.5", "from onhand -12.5" } },
        { "transferAllRights: accounting only, accountable to bob; no location",
          EV ("transferAllRights", ANN_TO_BOB FROM TO Q ("4") AT),
          { "from accounting -4", "to accounting +4", "to accountable := urn:a:bob" } },
        { "transferCustody: onhand only, no accountable",
          EV ("transferCustody", ANN_TO_BOB FROM TO Q ("4") AT STATE),
          { "from onhand -4", "to onhand +4", "to location := urn:l:shop", "to state := good" } },
        { "move: both quantities and location, no accountable",
          EV ("move", SAME FROM TO Q ("4") AT),
          { "from accounting -4", "to accounting +4", "from onhand -4", "to onhand +4",
            "to location := urn:l:shop" } },
    };
    CHECK_ALL (cases);
}

static void
test_copy (void **state)
{
    static const s_case_t cases[] = {
        { "copy: only the new copy (TO) changes; its location and accountable are new",
          EV ("copy", ANN_TO_BOB FROM TO Q ("1") AT STATE),
          { "to accounting +1", "to onhand +1", "to accountable ?= urn:a:bob",
            "to location ?= urn:l:shop", "to state := good" } },
        { "copy without toResourceInventoriedAs: the original is unchanged",
          EV ("copy", ANN_TO_BOB FROM Q ("1") AT STATE),
          { NULL } },
    };
    CHECK_ALL (cases);
}

static void
test_raise_lower (void **state)
{
    static const s_case_t cases[] = {
        { "raise: opening balance",
          EV ("raise", SAME FROM Q ("10") STATE),
          { "from accounting +10", "from onhand +10", "from accountable ?= urn:a:ann",
            "from state := good" } },
        { "lower: stock count found less",
          EV ("lower", SAME FROM Q ("0.25")),
          { "from accounting -0.25", "from onhand -0.25", "from accountable ?= urn:a:ann" } },
        { "raise by zero: zero deltas are kept (they carry the unit)",
          EV ("raise", SAME FROM Q ("0")),
          { "from accounting +0", "from onhand +0", "from accountable ?= urn:a:ann" } },
    };
    CHECK_ALL (cases);
}

static void
test_corrections_are_events_with_negative_quantities (void **state)
{
    static const s_case_t cases[] = {
        { "raise corrected down by 2",
          EV ("raise", SAME CORRECTS FROM Q ("-2")),
          { "from accounting -2", "from onhand -2", "from accountable ?= urn:a:ann" } },
        { "consume corrected: 3 fewer used",
          EV ("consume", SAME CORRECTS IN FROM Q ("-3")),
          { "from accounting +3", "from onhand +3" } },
        { "transfer corrected: 5 fewer moved",
          EV ("transfer", ANN_TO_BOB CORRECTS FROM TO Q ("-5")),
          { "from accounting +5", "to accounting -5", "from onhand +5", "to onhand -5",
            "to accountable := urn:a:bob" } },
        { "produce with implied transfer corrected",
          EV ("produce", ANN_TO_BOB CORRECTS OUT FROM TO Q ("-5")),
          { "from accounting +0", "to accounting -5", "from onhand +0", "to onhand -5",
            "from accountable ?= urn:a:ann", "to accountable := urn:a:bob",
            "from stage := urn:p:bake" } },
    };
    CHECK_ALL (cases);
}

/*  Strings in the effects point into the body: no copies, nothing to free. */
static void
test_strings_point_into_the_body (void **state)
{
    json_t *body = s_json (EV ("transfer", ANN_TO_BOB FROM TO Q ("2") AT STATE));
    vf_fx_t fx[VF_FX_MAX];
    size_t n;
    assert_int_equal (vf_effects_of (body, fx, &n, NULL), 0);
    assert_int_equal (n, 7);
    const json_t *q = json_object_get (body, "resourceQuantity");
    assert_ptr_equal (fx[0].resource,
                      json_string_value (json_object_get (body, "resourceInventoriedAs")));
    assert_ptr_equal (fx[1].resource,
                      json_string_value (json_object_get (body, "toResourceInventoriedAs")));
    assert_ptr_equal (fx[0].unit, json_string_value (json_object_get (q, "hasUnit")));
    assert_ptr_equal (fx[4].value, json_string_value (json_object_get (body, "receiver")));
    assert_ptr_equal (fx[5].value, json_string_value (json_object_get (body, "toLocation")));
    assert_ptr_equal (fx[6].value, json_string_value (json_object_get (body, "state")));
    json_decref (body);
}

/*  Every action, with every property the module reads present, by one agent
    and by two: the invariants hold and one (side, field) is never set
    twice (vf_effects_of asserts that too). */
static void
test_every_action_with_every_property (void **state)
{
    for (int a = 0; a < VF_ACTION_COUNT; a++) {
        for (int two = 0; two < 2; two++) {
            json_t *body =
                s_json ("{'@id': 'urn:e:1', 'outputOf': 'urn:p:1', "
                        "'resourceInventoriedAs': 'urn:r:1', "
                        "'toResourceInventoriedAs': 'urn:r:2', 'toLocation': 'urn:l:1', "
                        "'state': 's', 'provider': 'urn:a:1', 'receiver': 'urn:a:1', "
                        "'resourceQuantity': {'hasNumericalValue': '7', 'hasUnit': 'one'}}");
            const vf_action_t *act = vf_action_get ((vf_action_id_t) a);
            json_object_set_new (body, "action", json_string (act->name));
            if (two)
                json_object_set_new (body, "receiver", json_string ("urn:a:2"));
            vf_fx_t fx[VF_FX_MAX];
            size_t n;
            vf_err_t err = { 0 };
            int rc = vf_effects_of (body, fx, &n, &err);
            if (rc != 0)
                fail_msg ("%s: %s", act->name, err.msg);
            s_check_invariants (body, fx, n);
            /* the same body gives the same effects */
            vf_fx_t again[VF_FX_MAX];
            size_t n2;
            assert_int_equal (vf_effects_of (body, again, &n2, NULL), 0);
            assert_int_equal (n2, n);
            for (size_t i = 0; i < n; i++) {
                char x[160], y[160];
                s_format (&fx[i], x, sizeof x);
                s_format (&again[i], y, sizeof y);
                assert_string_equal (x, y);
            }
            json_decref (body);
        }
    }
}

static void
s_reject (const char *text, const char *want)
{
    json_t *body = text ? s_json (text) : NULL;
    vf_fx_t fx[VF_FX_MAX];
    size_t n = 99;
    vf_err_t err = { 0 };
    assert_int_equal (vf_effects_of (body, fx, &n, &err), VF_EINVAL);
    assert_int_equal (n, 0);
    assert_int_equal (err.code, VF_EINVAL);
    if (strncmp (err.msg, want, strlen (want)) != 0)
        fail_msg ("message\n  got:  %s\n  want: %s...", err.msg, want);
    json_decref (body);
}

static void
test_a_body_that_is_not_an_event_is_refused (void **state)
{
    s_reject (NULL, "EconomicEvent (no @id): an event body must be a JSON object, not NULL");
    s_reject ("['produce']",
              "EconomicEvent (no @id): an event body must be a JSON object, not an array");
    s_reject ("{'@id': 'urn:e:1'}", "EconomicEvent 'urn:e:1': action is required");
    s_reject ("{'@id': 'urn:e:1', 'action': 3}",
              "EconomicEvent 'urn:e:1': action must be a string, not an integer");
    s_reject ("{'@id': 'urn:e:1', 'action': 'pack'}",
              "EconomicEvent 'urn:e:1': action 'pack' is not a VF 1.0 action");
    s_reject (EV ("transfer", "'provider': ['urn:a:1'], "),
              "EconomicEvent 'urn:e:1': provider must be a string, not an array");
    s_reject (EV ("transfer", "'toLocation': {}, "),
              "EconomicEvent 'urn:e:1': toLocation must be a string, not an object");
    s_reject (EV ("transfer", "'resourceQuantity': '5 kilogram', "),
              "EconomicEvent 'urn:e:1': resourceQuantity must be a measure object, not a string");
    s_reject (EV ("transfer", "'resourceQuantity': {'hasNumericalValue': 5, 'hasUnit': 'one'}, "),
              "EconomicEvent 'urn:e:1': resourceQuantity.hasNumericalValue must be a string, not "
              "an integer");
    s_reject (EV ("transfer", "'resourceQuantity': {'hasNumericalValue': '5'}, "),
              "EconomicEvent 'urn:e:1': resourceQuantity needs hasNumericalValue and hasUnit");
    s_reject (
        EV ("transfer", "'resourceQuantity': {'hasNumericalValue': '1.50', 'hasUnit': 'one'}, "),
        "EconomicEvent 'urn:e:1': resourceQuantity.hasNumericalValue: ");
    s_reject (
        EV ("transfer", "'resourceQuantity': {'hasNumericalValue': 'lots', 'hasUnit': 'one'}, "),
        "EconomicEvent 'urn:e:1': resourceQuantity.hasNumericalValue: ");
}

static void
test_field_names (void **state)
{
    assert_string_equal (vf_fx_field_name (VF_FX_ACCOUNTING), "accountingQuantity");
    assert_string_equal (vf_fx_field_name (VF_FX_ONHAND), "onhandQuantity");
    assert_string_equal (vf_fx_field_name (VF_FX_ACCOUNTABLE), "primaryAccountable");
    assert_string_equal (vf_fx_field_name (VF_FX_LOCATION), "currentLocation");
    assert_string_equal (vf_fx_field_name (VF_FX_CONTAINED), "containedIn");
    assert_string_equal (vf_fx_field_name (VF_FX_STAGE), "stage");
    assert_string_equal (vf_fx_field_name (VF_FX_STATE), "state");
    for (int f = 0; f < VF_FX_FIELD_COUNT; f++) {
        const vf_class_t *res = vf_class_by_name ("EconomicResource");
        assert_non_null (vf_class_prop (res, vf_fx_field_name ((vf_fx_field_t) f)));
        assert_int_equal (vf_fx_is_quantity ((vf_fx_field_t) f),
                          f == VF_FX_ACCOUNTING || f == VF_FX_ONHAND);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_produce),
        cmocka_unit_test (test_consume),
        cmocka_unit_test (test_use_work_cite_change_no_quantity),
        cmocka_unit_test (test_deliver_service),
        cmocka_unit_test (test_pickup_dropoff),
        cmocka_unit_test (test_accept_modify),
        cmocka_unit_test (test_combine_separate),
        cmocka_unit_test (test_transfers),
        cmocka_unit_test (test_copy),
        cmocka_unit_test (test_raise_lower),
        cmocka_unit_test (test_corrections_are_events_with_negative_quantities),
        cmocka_unit_test (test_strings_point_into_the_body),
        cmocka_unit_test (test_every_action_with_every_property),
        cmocka_unit_test (test_a_body_that_is_not_an_event_is_refused),
        cmocka_unit_test (test_field_names),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
