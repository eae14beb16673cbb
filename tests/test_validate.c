/*  test_validate.c - the ValueFlows rules a record body must keep.

    Each test builds record bodies in the normal form (docs/VOCABULARY.md)
    and asks vf_validate_record whether they may be signed and stored.
    Bodies are written as JSON text with single quotes for readability
    (s_json turns them into double quotes). s_accept and s_reject take
    ownership of the body they are given.
*/
#include "validate_support.h"

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
                      " 'resourceClassifiedAs': ['fruit', 'https://www.wikidata.org/wiki/Q89'],"
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
                if (strcmp (cls, "Intent") == 0)
                    s_accept (cls, f); /* an offer may not know its process */
                else
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
                if (strcmp (cls, "Intent") == 0)
                    s_accept (cls, f); /* an offer may not know its process */
                else
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

/*  ---- Quantities ---- */

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

/*  ---- @id, keys, extensions ---- */

/*  ---- Resources and the other classes ---- */

static void
test_intents_follow_input_output_too (void **state)
{
    /* an offer of work hours need not know its process yet ... */
    s_accept ("Intent",
              s_json ("{'@id': 'urn:i:1', 'action': 'work', 'provider': 'urn:a:1', "
                      "'effortQuantity': {'hasNumericalValue': '5', 'hasUnit': 'hour'}}"));
    /* ... but a link that contradicts the action is still refused */
    s_reject ("Intent",
              s_json ("{'@id': 'urn:i:1', 'action': 'work', 'provider': 'urn:a:1', "
                      "'outputOf': 'urn:p:1', "
                      "'effortQuantity': {'hasNumericalValue': '5', 'hasUnit': 'hour'}}"),
              "Intent 'urn:i:1': action 'work' is an input and cannot have outputOf");
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
        cmocka_unit_test (test_negative_quantities_only_on_corrections),
        cmocka_unit_test (test_intents_follow_input_output_too),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
