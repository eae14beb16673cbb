/*  test_jsonld.c - ValueFlows JSON-LD in and out.

    vf_jsonld_import turns a document into records (class + body in normal
    form); vf_records_prepare gives them seq, time, audience and minted IRIs;
    vf_entry_sign signs; vf_jsonld_export_entry writes them back.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_jsonld.h"
#include "vf_text.h"

static vf_records_t *
s_import_ok (const char *text)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import (text, strlen (text), &recs, &err);
    if (rc)
        fail_msg ("import failed (%d): %s", rc, err.msg);
    return recs;
}

/*  Import must fail with code, and the message must contain needle. */
static void
s_import_fails (const char *text, int code, const char *needle)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import (text, strlen (text), &recs, &err);
    if (rc != code || !strstr (err.msg, needle))
        fail_msg ("expected %d with '%s', got %d: %s", code, needle, rc, err.msg);
    assert_null (recs);
}

static const char *
s_body_str (const vf_record_t *r, const char *key)
{
    return json_string_value (json_object_get (r->entry->body, key));
}

static void
test_a_graph_with_the_vf_context (void **state)
{
    vf_records_t *recs = s_import_ok (
        "{\"@context\": {\"@vocab\": \"https://w3id.org/valueflows/ont/vf#\","
        "                \"farm\": \"https://farm.example/\"},"
        " \"@graph\": ["
        "  {\"@id\": \"farm:shearing\", \"@type\": \"Process\", \"name\": \"Shearing\"},"
        "  {\"@id\": \"farm:ev1\", \"@type\": \"EconomicEvent\", \"action\": \"produce\","
        "   \"outputOf\": {\"@id\": \"farm:shearing\"}, \"provider\": \"farm:\","
        "   \"receiver\": \"farm:\", \"resourceConformsTo\": \"farm:wool\","
        "   \"resourceClassifiedAs\": \"https://tags.example/raw\","
        "   \"resourceQuantity\": {\"hasNumericalValue\": 1531.8, \"hasUnit\": \"kilogram\"}}"
        "]}");
    assert_int_equal (recs->n, 2);
    vf_record_t *p = &recs->items[0], *ev = &recs->items[1];
    assert_string_equal (p->entry->cls, "Process");
    assert_string_equal (s_body_str (p, "@id"), "https://farm.example/shearing");
    assert_string_equal (ev->entry->cls, "EconomicEvent");
    /* references are plain IRI strings, compact IRIs expanded */
    assert_string_equal (s_body_str (ev, "outputOf"), "https://farm.example/shearing");
    assert_string_equal (s_body_str (ev, "provider"), "https://farm.example/");
    /* many-valued properties are always arrays */
    json_t *cls = json_object_get (ev->entry->body, "resourceClassifiedAs");
    assert_true (json_is_array (cls));
    assert_int_equal (json_array_size (cls), 1);
    /* quantities are exact canonical decimals */
    json_t *q = json_object_get (ev->entry->body, "resourceQuantity");
    assert_string_equal (json_string_value (json_object_get (q, "hasNumericalValue")), "1531.8");
    assert_string_equal (json_string_value (json_object_get (q, "hasUnit")), "kilogram");
    /* no envelope in the document: nothing claimed */
    assert_false (ev->has_seq || ev->has_author || ev->has_sig);
    vf_records_destroy (&recs);
    vf_records_destroy (&recs);
}

static void
test_docs_spelling_and_om2_units (void **state)
{
    /* the VF docs' examples use http://, vf: prefixes and om2 units */
    vf_records_t *recs = s_import_ok (
        "{\"@context\": {\"@vocab\": \"http://w3id.org/valueflows/ont/vf#\","
        "  \"vf\": \"http://w3id.org/valueflows/ont/vf#\","
        "  \"om2\": \"http://www.ontology-of-units-of-measure.org/resource/om-2/\","
        "  \"alice\": \"https://alice.example/\"},"
        " \"@id\": \"alice:ev\", \"@type\": \"vf:EconomicEvent\", \"vf:action\": \"vf:raise\","
        " \"provider\": \"alice:\", \"receiver\": \"alice:\","
        " \"resourceInventoriedAs\": \"alice:apples\","
        " \"resourceQuantity\": {\"@type\": \"om2:Measure\", \"om2:hasNumericalValue\": \"2455\","
        "                        \"om2:hasUnit\": \"om2:kilogram\"}}");
    assert_int_equal (recs->n, 1);
    vf_record_t *ev = &recs->items[0];
    assert_string_equal (ev->entry->cls, "EconomicEvent");
    assert_string_equal (s_body_str (ev, "action"), "raise");
    json_t *q = json_object_get (ev->entry->body, "resourceQuantity");
    assert_string_equal (json_string_value (json_object_get (q, "hasUnit")), "kilogram");
    assert_string_equal (json_string_value (json_object_get (q, "hasNumericalValue")), "2455");
    assert_int_equal (vf_entry_check (ev->entry, NULL), 0);
    vf_records_destroy (&recs);
}

static void
test_embedded_nodes_and_blank_nodes_become_records (void **state)
{
    vf_records_t *recs = s_import_ok (
        "[{\"@type\": \"EconomicEvent\", \"action\": \"raise\", \"provider\": \"urn:a\","
        "  \"receiver\": \"urn:a\", \"resourceQuantity\": {\"hasNumericalValue\": 3,"
        "  \"hasUnit\": \"one\"}, \"resourceInventoriedAs\": {\"@id\": \"_:r\","
        "  \"@type\": \"EconomicResource\", \"name\": \"Spade\","
        "  \"conformsTo\": \"urn:spec:spade\"}}]");
    assert_int_equal (recs->n, 2);
    assert_string_equal (recs->items[1].entry->cls, "EconomicResource");
    assert_string_equal (s_body_str (&recs->items[0], "resourceInventoriedAs"), "_:r");
    uint8_t author[VF_KEY_BYTES];
    memset (author, 9, sizeof author);
    uint64_t seq = 40;
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, author, &seq, 1234, NULL, &err), 0);
    assert_int_equal (seq, 42);
    char key[VF_TEXT_MAX], want[128];
    vf_text_encode (key, VF_TEXT_KEY, author);
    snprintf (want, sizeof want, "urn:vfnode:%s:41", key);
    /* the resource got its minted IRI and the event's reference follows */
    assert_string_equal (s_body_str (&recs->items[1], "@id"), want);
    assert_string_equal (s_body_str (&recs->items[0], "resourceInventoriedAs"), want);
    assert_int_equal (recs->items[0].entry->time, 1234);
    assert_true (recs->items[0].entry->is_public);
    vf_records_destroy (&recs);
}

static void
test_undefined_blank_node_is_an_error (void **state)
{
    vf_records_t *recs =
        s_import_ok ("{\"@type\": \"Process\", \"@id\": \"urn:p\", \"plannedWithin\": \"_:nope\"}");
    uint8_t author[VF_KEY_BYTES] = { 0 };
    uint64_t seq = 1;
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, author, &seq, 0, NULL, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "_:nope"));
    vf_records_destroy (&recs);
}

static void
test_what_import_refuses (void **state)
{
    s_import_fails ("{\"@type\": ", VF_EPARSE, "not JSON");
    s_import_fails ("{\"name\": \"x\"}", VF_EINVALID, "no @type");
    s_import_fails ("{\"@type\": \"Widget\"}", VF_EINVALID, "not a ValueFlows 1.0 class");
    s_import_fails ("{\"@context\": \"https://example.org/ctx.jsonld\", \"@type\": \"Process\"}",
                    VF_EINVALID, "cannot be fetched");
    s_import_fails ("{\"@context\": {\"@base\": \"https://x/\"}, \"@type\": \"Process\"}",
                    VF_EINVALID, "@base");
    s_import_fails ("{\"@context\": {\"@vocab\": \"https://schema.org/\"}, \"@type\": \"Process\"}",
                    VF_EINVALID, "@vocab");
    s_import_fails ("{\"@type\": \"EconomicEvent\", \"resourceQuantity\": "
                    "{\"hasNumericalValue\": \"12,5\", \"hasUnit\": \"kilogram\"}}",
                    VF_EINVALID, "12,5");
    s_import_fails ("{\"@type\": \"EconomicEvent\", \"resourceQuantity\": "
                    "{\"hasNumericalValue\": 0.30000000000000004, \"hasUnit\": \"one\"}}",
                    VF_ERANGE, "string");
    s_import_fails ("{\"@type\": \"Process\", \"https://coop.example/ns#score\": 1.5}", VF_EINVALID,
                    "real number");
    s_import_fails ("{\"@type\": \"Process\", \"name\": [\"a\", \"b\"]}", VF_EINVALID, "one value");
    s_import_fails ("{\"@graph\": {}}", VF_EINVALID, "@graph");
    s_import_fails ("[]", VF_EINVALID, "no records");
    s_import_fails ("{\"@type\": \"Process\", \"@reverse\": {}}", VF_EINVALID, "@reverse");
}

static void
test_errors_name_the_node (void **state)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    const char *doc = "{\"@graph\": [{\"@type\": \"Process\", \"@id\": \"urn:p\"},"
                      " {\"@type\": \"EconomicEvent\", \"effortQuantity\": "
                      "  {\"hasNumericalValue\": \"1.2.3\", \"hasUnit\": \"hour\"}}]}";
    assert_int_equal (vf_jsonld_import (doc, strlen (doc), &recs, &err), VF_EINVALID);
    assert_non_null (
        strstr (err.msg, "@graph[1]: EconomicEvent: effortQuantity: hasNumericalValue"));
    assert_non_null (strstr (err.msg, "effortQuantity"));
}

static void
test_extension_properties_are_kept (void **state)
{
    vf_records_t *recs = s_import_ok (
        "{\"@context\": {\"coop\": \"https://coop.example/ns#\"}, \"@type\": \"Process\","
        " \"@id\": \"urn:p\", \"coop:shift\": {\"team\": [\"a\", \"b\"], \"size\": 2}}");
    json_t *ext = json_object_get (recs->items[0].entry->body, "https://coop.example/ns#shift");
    assert_non_null (ext);
    assert_int_equal (json_integer_value (json_object_get (ext, "size")), 2);
    assert_int_equal (vf_entry_check (recs->items[0].entry, NULL), 0);
    vf_records_destroy (&recs);
}

/*  The promise of the tools: import -> sign -> export -> import -> sign
    gives byte-identical entries. */
static void
test_export_import_round_trip_keeps_ids (void **state)
{
    uint8_t seed[VF_SEED_BYTES] = { 42 };
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    vf_records_t *recs = s_import_ok (
        "{\"@graph\": ["
        " {\"@type\": \"EconomicEvent\", \"action\": \"transfer\", \"provider\": \"urn:a\","
        "  \"receiver\": \"urn:b\", \"resourceInventoriedAs\": \"urn:r1\","
        "  \"toResourceInventoriedAs\": \"urn:r2\", \"hasPointInTime\": \"2026-11-23T10:00:00Z\","
        "  \"resourceQuantity\": {\"hasNumericalValue\": \"0.125\", \"hasUnit\": \"kilogram\"}},"
        " {\"@type\": \"SpatialThing\", \"@id\": \"urn:barn\", \"lat\": \"51.1234567890123456\","
        "  \"long\": -0.5, \"name\": \"Barn\"}]}");
    uint64_t seq = 1;
    uint8_t net[VF_KEY_BYTES];
    memset (net, 3, sizeof net);
    vf_entry_t *aud = vf_entry_new ();
    vf_entry_add_network (aud, net);
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, vf_identity_public (id), &seq, 99, aud, &err), 0);
    for (size_t k = 0; k < recs->n; k++) {
        vf_entry_t *e = recs->items[k].entry;
        if (vf_entry_check (e, &err))
            fail_msg ("record %zu: %s", k, err.msg);
        assert_int_equal (vf_entry_sign (e, id, &err), 0);
        json_t *node = vf_jsonld_export_entry (e, true);
        char *text = json_dumps (node, VF_JSON_DUMP_FLAGS);
        vf_records_t *again = s_import_ok (text);
        assert_int_equal (again->n, 1);
        vf_record_t *r = &again->items[0];
        assert_true (r->has_author && r->has_seq && r->has_time && r->has_audience && r->has_sig);
        assert_int_equal (vf_record_verify (r, &err), 0);
        assert_memory_equal (r->entry->id, e->id, VF_HASH_BYTES);
        assert_int_equal (r->entry->naudience, 1);
        /* editing the exported record breaks the claimed id */
        json_object_set_new (r->entry->body, "note", json_string ("edited"));
        assert_int_equal (vf_record_verify (r, &err), VF_EBADSIG);
        assert_non_null (strstr (err.msg, "claimed id"));
        vf_records_destroy (&again);
        free (text);
        json_decref (node);
    }
    vf_entry_destroy (&aud);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
}

static void
test_a_record_of_another_author_is_refused (void **state)
{
    vf_records_t *recs =
        s_import_ok ("{\"@type\": \"Process\", \"@id\": \"urn:p\", \"vfn:entry\": {\"author\": "
                     "\"vfk_aeaqcaibaeaqcaibaeaqcaibaeaqcaibaeaqcaibaeaqcaibaeaq\", \"seq\": 5}}");
    assert_true (recs->items[0].has_author);
    assert_int_equal (recs->items[0].entry->seq, 5);
    uint8_t other[VF_KEY_BYTES] = { 0 };
    uint64_t seq = 1;
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, other, &seq, 0, NULL, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "not by this key"));
    vf_records_destroy (&recs);
}

/*  Regression (found by fuzz_jsonld): an IRI with the scheme vfn: would
    be expanded when the export is read back, since vfn is a prefix. A
    prefix defined through vfn: is expanded when the context is read (one
    level, as JSON-LD does), and vfn: IRIs in a body are refused. */
static void
test_the_vfn_scheme_is_reserved (void **state)
{
    vf_records_t *recs = s_import_ok ("{\"@context\": {\"farm\": \"vfn:farm/\"},"
                                      " \"@type\": \"Process\", \"@id\": \"farm:p1\"}");
    assert_string_equal (s_body_str (&recs->items[0], "@id"), "urn:vfnode:farm/p1");
    json_object_set_new (recs->items[0].entry->body, "@id", json_string ("vfn:farm/p1"));
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_check (recs->items[0].entry, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "reserved"));
    vf_records_destroy (&recs);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_a_graph_with_the_vf_context),
        cmocka_unit_test (test_docs_spelling_and_om2_units),
        cmocka_unit_test (test_embedded_nodes_and_blank_nodes_become_records),
        cmocka_unit_test (test_undefined_blank_node_is_an_error),
        cmocka_unit_test (test_what_import_refuses),
        cmocka_unit_test (test_errors_name_the_node),
        cmocka_unit_test (test_extension_properties_are_kept),
        cmocka_unit_test (test_export_import_round_trip_keeps_ids),
        cmocka_unit_test (test_a_record_of_another_author_is_refused),
        cmocka_unit_test (test_the_vfn_scheme_is_reserved),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
