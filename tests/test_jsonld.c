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

/*  JSON text with ' for " (the documents below contain no apostrophes). */
static char *
s_doc (const char *text)
{
    char *d = strdup (text);
    for (char *p = d; *p; p++)
        if (*p == '\'')
            *p = '"';
    return d;
}

static vf_records_t *
s_ok (const char *text)
{
    char *d = s_doc (text);
    vf_records_t *recs = s_import_ok (d);
    free (d);
    return recs;
}

static void
s_fails (const char *text, int code, const char *needle)
{
    char *d = s_doc (text);
    s_import_fails (d, code, needle);
    free (d);
}

/*  Regression: import refused nothing it did not understand, so a signed
    record could silently lack what the document said. */
static void
test_import_refuses_what_it_would_ignore (void **state)
{
    /* only @context and @graph at the top of a @graph document */
    s_fails ("{'@graph': [{'@type': 'Process', '@id': 'urn:p'}], '@id': 'urn:g'}", VF_EINVALID,
             "'@id' next to @graph");
    s_fails ("{'@graph': [{'@type': 'Process', '@id': 'urn:p'}], 'name': 'x'}", VF_EINVALID,
             "'name' next to @graph");
    /* one class, and nothing else */
    s_fails ("{'@type': ['Process', 'https://schema.org/Event'], '@id': 'urn:p'}", VF_EINVALID,
             "names more than one type");
    s_fails ("{'@type': 'https://schema.org/Event', '@id': 'urn:p'}", VF_EINVALID,
             "'https://schema.org/Event' is not a ValueFlows 1.0 class");
    vf_records_t *recs = s_ok ("{'@type': ['Process'], '@id': 'urn:p'}");
    vf_records_destroy (&recs);
    /* language tags and directions, in values and contexts */
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'name': {'@value': 'Schur', '@language': 'de'}}",
             VF_EINVALID, "@language is not supported");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'note': {'@value': 'x', '@direction': 'rtl'}}",
             VF_EINVALID, "@direction is not supported");
    s_fails ("{'@context': {'@language': 'en'}, '@type': 'Process', '@id': 'urn:p'}", VF_EINVALID,
             "@context keyword '@language' is not supported");
    s_fails ("{'@context': {'@direction': 'ltr'}, '@type': 'Process', '@id': 'urn:p'}", VF_EINVALID,
             "'@direction' is not supported");
    /* value object datatypes must fit the property */
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'hasBeginning': {'@value': "
             "'2024-05-01T00:00:00Z', '@type': 'xsd:date'}}",
             VF_EINVALID,
             "hasBeginning: datatype 'xsd:date' does not fit; expected "
             "xsd:dateTimeStamp or xsd:dateTime");
    s_fails ("{'@type': 'SpatialThing', '@id': 'urn:s', 'lat': {'@value': '1.5', '@type': "
             "'http://www.w3.org/2001/XMLSchema#double'}}",
             VF_EINVALID, "expected xsd:decimal");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'name': {'@value': 'x', '@type': "
             "'https://ex.org/T'}}",
             VF_EINVALID, "expected xsd:string");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'name': {'@value': 'x', '@index': 'i'}}",
             VF_EINVALID, "'@index' is not supported in a value object");
    s_fails ("{'@type': 'EconomicEvent', 'resourceQuantity': {'@type': 'om2:Thing', "
             "'hasNumericalValue': 1, 'hasUnit': 'one'}}",
             VF_EINVALID, "a measure's @type can only be om2:Measure");
    recs = s_ok ("{'@context': {'xsd': 'http://www.w3.org/2001/XMLSchema#'},"
                 " '@type': 'Process', '@id': 'urn:p', 'finished': {'@value': true, '@type': "
                 "'xsd:boolean'}, 'hasBeginning': {'@value': '2024-05-01T00:00:00Z', '@type': "
                 "'xsd:dateTimeStamp'}, 'hasEnd': {'@value': '2024-05-02T00:00:00Z', '@type': "
                 "'xsd:dateTime'}, 'name': {'@value': 'Shearing', '@type': 'xsd:string'}}");
    assert_string_equal (s_body_str (&recs->items[0], "name"), "Shearing");
    assert_int_equal (vf_entry_check (recs->items[0].entry, NULL), 0);
    vf_records_destroy (&recs);
    recs = s_ok ("{'@type': 'SpatialThing', '@id': 'urn:s', 'lat': {'@value': '52.5200', "
                 "'@type': 'xsd:decimal'}}");
    assert_string_equal (s_body_str (&recs->items[0], "lat"), "52.52");
    vf_records_destroy (&recs);
}

/*  Regression: the same property written two ways kept only one value. */
static void
test_a_property_given_twice_is_refused (void **state)
{
    s_fails ("{'@context': {'vf': 'https://w3id.org/valueflows/ont/vf#'}, '@type': 'Process',"
             " '@id': 'urn:p', 'name': 'a', 'vf:name': 'b'}",
             VF_EINVALID, "property name is given twice");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'name': 'a', "
             "'https://w3id.org/valueflows/ont/vf#name': 'b'}",
             VF_EINVALID, "property name is given twice");
    s_fails ("{'@context': {'om2': 'http://www.ontology-of-units-of-measure.org/resource/om-2/'},"
             " '@type': 'EconomicEvent', 'resourceQuantity': {'hasNumericalValue': 1, "
             "'hasUnit': 'one', 'om2:hasUnit': 'om2:kilogram'}}",
             VF_EINVALID, "hasUnit is given twice");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'seq': 1}, "
             "'urn:vfnode:entry': {'seq': 2}}",
             VF_EINVALID, "property vfn:entry is given twice");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'seq': 1, 'vfn:seq': 2}}",
             VF_EINVALID, "vfn:entry: field seq is given twice");
}

/*  Regression: keyword aliases and null terms were read wrongly. Term
    aliases of properties are fine. */
static void
test_context_terms (void **state)
{
    s_fails ("{'@context': {'id': '@id'}, '@type': 'Process', 'id': 'urn:p'}", VF_EINVALID,
             "@context term 'id' maps to the keyword '@id'; keyword aliases are not supported");
    s_fails ("{'@context': {'kind': {'@id': '@type'}}, 'kind': 'Process'}", VF_EINVALID,
             "keyword aliases");
    s_fails ("{'@context': {'name': null}, '@type': 'Process', '@id': 'urn:p', 'name': 'x'}",
             VF_EINVALID, "@context term 'name' is null");
    s_fails ("{'@context': null, '@type': 'Process', '@id': 'urn:p'}", VF_EINVALID,
             "null @context");
    s_fails ("{'@context': {'a': 'b:x', 'b': 'a:y'}, '@type': 'Process', '@id': 'urn:p'}",
             VF_EINVALID, "defined through itself");
    s_fails ("{'@context': {'tags': {'@id': 'classifiedAs', '@container': '@list'}},"
             " '@type': 'Process', '@id': 'urn:p'}",
             VF_EINVALID, "@container @list is not supported");
    s_fails ("{'@context': {'x': {'@id': 'vf:note', '@language': 'en'}}, '@type': 'Process',"
             " '@id': 'urn:p'}",
             VF_EINVALID, "'@language' is not supported in a term definition");
    s_fails ("{'@context': {'note': {'@type': '@id'}}, '@type': 'Process', '@id': 'urn:p',"
             " 'note': 'x'}",
             VF_EINVALID, "does not fit this property");
    s_fails ("{'@context': {'provider': {'@type': '@vocab'}}, '@type': 'EconomicEvent',"
             " 'provider': 'urn:a'}",
             VF_EINVALID, "does not fit this property");
    /* a prefix in JSON-LD 1.1 ends in a gen-delim */
    s_fails ("{'@context': {'ex': 'https://ex.org/ns'}, '@type': 'Process', '@id': 'ex:p'}",
             VF_EINVALID, "'ex:p' uses 'ex' as a prefix, but JSON-LD 1.1 does not expand it");
    vf_records_t *recs = s_ok ("{'@context': {'ex': {'@id': 'https://ex.org/ns', '@prefix': true}},"
                               " '@type': 'Process', '@id': 'ex:p'}");
    assert_string_equal (s_body_str (&recs->items[0], "@id"), "https://ex.org/nsp");
    vf_records_destroy (&recs);
    /* term aliases of VF properties, with coercions that fit */
    recs = s_ok ("{'@context': {'vf': 'https://w3id.org/valueflows/ont/vf#',"
                 "   'from': {'@id': 'vf:provider', '@type': '@id'}, 'to': 'receiver',"
                 "   'did': {'@id': 'action', '@type': '@vocab'}, 'Event': 'vf:EconomicEvent',"
                 "   'tags': {'@id': 'vf:resourceClassifiedAs', '@container': '@set'}},"
                 " '@type': 'Event', '@id': 'urn:e', 'did': 'vf:raise', 'from': 'urn:a',"
                 " 'to': 'urn:a', 'tags': ['b', 'a'], 'resourceQuantity':"
                 " {'hasNumericalValue': '1', 'hasUnit': 'one'}}");
    vf_record_t *r = &recs->items[0];
    assert_string_equal (r->entry->cls, "EconomicEvent");
    assert_string_equal (s_body_str (r, "provider"), "urn:a");
    assert_string_equal (s_body_str (r, "receiver"), "urn:a");
    assert_string_equal (s_body_str (r, "action"), "raise");
    assert_int_equal (vf_entry_check (r->entry, NULL), 0);
    vf_records_destroy (&recs);
    /* the prefix vfn is vfnode's */
    s_fails ("{'@context': {'vfn': 'https://ex.org/'}, '@type': 'Process', '@id': 'urn:p'}",
             VF_EINVALID, "vfn is vfnode's prefix and must be urn:vfnode:");
    s_fails ("{'@context': {'vfn': null}, '@type': 'Process', '@id': 'urn:p'}", VF_EINVALID,
             "is null");
    recs = s_ok ("{'@context': {'vfn': 'urn:vfnode:'}, '@type': 'Process', '@id': 'urn:p'}");
    vf_records_destroy (&recs);
    /* references are IRIs: terms are not looked up in them */
    recs = s_ok ("{'@context': {'alice': 'https://alice.example/'}, '@type': 'EconomicEvent',"
                 " 'provider': 'alice'}");
    assert_string_equal (s_body_str (&recs->items[0], "provider"), "alice");
    vf_records_destroy (&recs);
}

/*  Regression: a prefix defined with another prefix was not expanded. */
static void
test_chained_prefixes_are_expanded (void **state)
{
    vf_records_t *recs = s_ok ("{'@context': {'farm': 'ex:farm/', 'ex': 'https://ex.org/'},"
                               " '@type': 'Process', '@id': 'farm:p1', 'plannedWithin': "
                               "'farm:plan'}");
    assert_string_equal (s_body_str (&recs->items[0], "@id"), "https://ex.org/farm/p1");
    assert_string_equal (s_body_str (&recs->items[0], "plannedWithin"), "https://ex.org/farm/plan");
    vf_records_destroy (&recs);
    /* an inner context sees the outer one's prefixes */
    recs = s_ok ("{'@context': {'ex': 'https://ex.org/'}, '@graph': [{'@context': {'p':"
                 " 'ex:p/'}, '@type': 'Process', '@id': 'p:1'}]}");
    assert_string_equal (s_body_str (&recs->items[0], "@id"), "https://ex.org/p/1");
    vf_records_destroy (&recs);
}

/*  Regression: {"@id": x, "@type": y} is a reference (y says what x is),
    not a new record; and one @id is one node. */
static void
test_references_and_nodes_defined_twice (void **state)
{
    vf_records_t *recs = s_ok ("{'@type': 'EconomicEvent', 'action': 'raise', 'provider': "
                               "{'@id': 'urn:a', '@type': 'Person'}}");
    assert_int_equal (recs->n, 1);
    assert_string_equal (s_body_str (&recs->items[0], "provider"), "urn:a");
    vf_records_destroy (&recs);
    s_fails ("{'@type': 'EconomicEvent', 'provider': {'@id': 'urn:a', '@type': 'Widget'}}",
             VF_EINVALID, "'Widget' is not a ValueFlows 1.0 class");
    s_fails ("[{'@type': 'Process', '@id': 'urn:p'}, {'@type': 'Plan', '@id': 'urn:p'}]",
             VF_EINVALID, "@graph[1]: Plan: @id 'urn:p' is defined twice in this document");
    s_fails ("[{'@type': 'EconomicEvent', 'inputOf': {'@id': '_:p', '@type': 'Process', 'name': "
             "'x'}}, {'@type': 'Process', '@id': '_:p'}]",
             VF_EINVALID, "'_:p' is defined twice");
    s_fails ("{'@type': 'Process', '@id': '_:vfnode-b1'}", VF_EINVALID, "are reserved");
}

/*  Only the VF context URLs are known; anything else cannot be read. */
static void
test_remote_context_urls (void **state)
{
    static const char *const known[] = {
        "https://w3id.org/valueflows/ont/vf.jsonld",
        "http://w3id.org/valueflows/ont/vf.jsonld",
        "https://git.io/vf-examples-jsonld-context",
        ("https://raw.githubusercontent.com/valueflows/vf-examples-jsonld-context/master/"
         "context.jsonld"),
    };
    char doc[512];
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        snprintf (doc, sizeof doc, "{'@context': '%s', '@type': 'Process', '@id': 'urn:p'}",
                  known[k]);
        vf_records_t *recs = s_ok (doc);
        vf_records_destroy (&recs);
    }
    s_fails ("{'@context': 'https://w3id.org/valueflows/ont/vf.jsonld.evil.example/x',"
             " '@type': 'Process'}",
             VF_EINVALID, "cannot be fetched");
    s_fails ("{'@context': 'https://evil.example/valueflows', '@type': 'Process'}", VF_EINVALID,
             "cannot be fetched");
}

/*  @set is an array; @list (ordered) is refused; @value is the value. */
static void
test_list_set_and_value (void **state)
{
    vf_records_t *recs = s_ok ("{'@type': 'Process', '@id': 'urn:p', 'classifiedAs': {'@set':"
                               " ['urn:t:2', 'urn:t:1', 'urn:t:2']}, 'note': {'@value': 'n'}}");
    json_t *c = json_object_get (recs->items[0].entry->body, "classifiedAs");
    /* sorted by bytes, each value once: a JSON-LD array is a set */
    assert_int_equal (json_array_size (c), 2);
    assert_string_equal (json_string_value (json_array_get (c, 0)), "urn:t:1");
    assert_string_equal (json_string_value (json_array_get (c, 1)), "urn:t:2");
    assert_string_equal (s_body_str (&recs->items[0], "note"), "n");
    assert_int_equal (vf_entry_check (recs->items[0].entry, NULL), 0);
    vf_records_destroy (&recs);
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'classifiedAs': {'@list': ['b', 'a']}}",
             VF_EINVALID, "@list (an ordered list) is not supported");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'classifiedAs': {'@set': ['a'], 'x': 1}}",
             VF_EINVALID, "a @set object holds nothing but @set");
    s_fails ("{'@type': 'EconomicEvent', 'provider': {'@value': 'urn:a'}}", VF_EINVALID,
             "provider: expected an IRI string");
}

/*  Regression: blank node labels were rewritten everywhere, also in text
    and extension values; now only in references. Extension values are
    kept verbatim, compact IRIs and all. */
static void
test_blank_nodes_only_in_references (void **state)
{
    vf_records_t *recs =
        s_ok ("{'@context': {'ex': 'https://ex.org/'}, '@graph': ["
              " {'@type': 'Process', '@id': '_:p', 'note': '_:p', 'classifiedAs': ['_:p'],"
              "  'ex:ref': '_:p', 'ex:obj': {'a': ['_:p', 'ex:x']}},"
              " {'@type': 'Process', '@id': 'urn:q', 'plannedWithin': '_:plan'},"
              " {'@type': 'Plan', '@id': '_:plan', 'hasIndependentDemand': ['_:c', 'urn:z']},"
              " {'@type': 'Commitment', '@id': '_:c', 'action': 'deliverService'}]}");
    uint8_t author[VF_KEY_BYTES] = { 1 };
    uint64_t seq = 1;
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, author, &seq, 1, NULL, &err), 0);
    const json_t *b = recs->items[0].entry->body;
    assert_string_equal (json_string_value (json_object_get (b, "note")), "_:p");
    assert_string_equal (
        json_string_value (json_array_get (json_object_get (b, "classifiedAs"), 0)), "_:p");
    assert_string_equal (json_string_value (json_object_get (b, "https://ex.org/ref")), "_:p");
    json_t *obj = json_object_get (json_object_get (b, "https://ex.org/obj"), "a");
    assert_string_equal (json_string_value (json_array_get (obj, 0)), "_:p");
    assert_string_equal (json_string_value (json_array_get (obj, 1)), "ex:x");
    const char *plan = s_body_str (&recs->items[2], "@id");
    assert_string_equal (s_body_str (&recs->items[1], "plannedWithin"), plan);
    /* a many-valued reference is sorted again after the rewrite */
    json_t *hid = json_object_get (recs->items[2].entry->body, "hasIndependentDemand");
    assert_string_equal (json_string_value (json_array_get (hid, 0)),
                         s_body_str (&recs->items[3], "@id"));
    assert_string_equal (json_string_value (json_array_get (hid, 1)), "urn:z");
    for (size_t k = 0; k < recs->n; k++)
        if (vf_entry_check (recs->items[k].entry, &err))
            fail_msg ("record %zu: %s", k, err.msg);
    vf_records_destroy (&recs);
}

/*  Regression: JSON numbers a reader may not get exactly were accepted. */
static void
test_numbers_with_more_than_15_digits (void **state)
{
    s_import_fails ("{\"@type\": \"EconomicEvent\",\n \"resourceQuantity\": "
                    "{\"hasNumericalValue\": 1234567890.123456, \"hasUnit\": \"one\"}}",
                    VF_ERANGE,
                    "line 2 column 44: the number '1234567890.123456' has more than 15 "
                    "significant digits");
    s_fails ("{'@type': 'EconomicEvent', 'resourceQuantity': {'hasNumericalValue': "
             "12345678901234567, 'hasUnit': 'one'}}",
             VF_ERANGE, "write it as a string");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'https://ex.org/n': -9007199254740992}",
             VF_ERANGE, "'-9007199254740992'");
    /* strings are skipped; integers up to 2^53-1 and 15 digits are fine */
    vf_records_t *recs =
        s_ok ("{'@type': 'EconomicEvent', 'note': '1234567890123456789', 'resourceQuantity': "
              "{'hasNumericalValue': 123456789012.345, 'hasUnit': 'one'}, 'https://ex.org/n': "
              "9007199254740991, 'vfn:entry': {'seq': 9007199254740991}}");
    json_t *q = json_object_get (recs->items[0].entry->body, "resourceQuantity");
    assert_string_equal (json_string_value (json_object_get (q, "hasNumericalValue")),
                         "123456789012.345");
    assert_int_equal (recs->items[0].entry->seq, 9007199254740991ull);
    vf_records_destroy (&recs);
    /* the same 18 digits as a string are exact */
    recs = s_ok ("{'@type': 'EconomicEvent', 'resourceQuantity': {'hasNumericalValue': "
                 "'123456789012345678', 'hasUnit': 'one'}}");
    vf_records_destroy (&recs);
    /* already parsed: integers beyond 2^53-1 are refused */
    json_t *doc = json_pack ("{s:s, s:{s:I, s:s}}", "@type", "EconomicEvent", "resourceQuantity",
                             "hasNumericalValue", (json_int_t) 9007199254740993, "hasUnit", "one");
    vf_err_t err = { 0 };
    assert_int_equal (vf_jsonld_import_json (doc, &recs, &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "beyond 2^53-1"));
    json_decref (doc);
    /* seq and time beyond 2^53-1 */
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'seq': 9007199254740992}}",
             VF_ERANGE, "write it as a string");
    doc = json_pack ("{s:s, s:s, s:{s:I}}", "@type", "Process", "@id", "urn:p", "vfn:entry", "time",
                     (json_int_t) 9007199254740992);
    assert_int_equal (vf_jsonld_import_json (doc, &recs, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "vfn:entry.time: expected an integer from 0 to "
                                      "9007199254740991"));
    json_decref (doc);
}

/*  Regression: the envelope's error message was formatted from the buffer
    it was written into; a non-string had no message. */
static void
test_envelope_messages (void **state)
{
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'author': 'vfk_nope'}}",
             VF_EINVALID, "vfn:entry.author: ");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'author': 5}}", VF_EINVALID,
             "vfn:entry.author: expected a text form string");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'audience': ['vfk_x']}}",
             VF_EINVALID, "vfn:entry.audience[0]: ");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:entry': {'b\\u0001ad': 1}}", VF_EINVALID,
             "vfn:entry: unknown field 'b\\x01ad'");
    /* keys from the document are quoted in messages */
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'na\\u0007me': 1.5}", VF_EINVALID,
             "'na\\x07me': real number");
    s_fails ("{'@context': {'t\\u0001': '@id'}, '@type': 'Process'}", VF_EINVALID,
             "@context term 't\\x01'");
}

/*  Regression: extension keys under vfnode's namespace did not survive
    export and import. */
static void
test_vfnode_namespace_is_not_for_extensions (void **state)
{
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'vfn:shift': 1}", VF_EINVALID,
             "'urn:vfnode:shift' is in vfnode's namespace");
    s_fails ("{'@type': 'Process', '@id': 'urn:p', 'urn:vfnode:entryx': 1}", VF_EINVALID,
             "in vfnode's namespace");
}

/*  OM2 units, in measures and in references to a Unit, become labels;
    the https:// spelling of the namespace too. */
static void
test_om2_units_become_labels (void **state)
{
    vf_records_t *recs =
        s_ok ("{'@context': {'om2': 'https://www.ontology-of-units-of-measure.org/resource/om-2/'},"
              " '@type': 'ResourceSpecification', '@id': 'urn:rs', 'defaultUnitOfResource': "
              "'om2:kilogram', 'defaultUnitOfEffort': {'@id': "
              "'http://www.ontology-of-units-of-measure.org/resource/om-2/hour'}}");
    assert_string_equal (s_body_str (&recs->items[0], "defaultUnitOfResource"), "kilogram");
    assert_string_equal (s_body_str (&recs->items[0], "defaultUnitOfEffort"), "hour");
    assert_int_equal (vf_entry_check (recs->items[0].entry, NULL), 0);
    vf_records_destroy (&recs);
}

/*  The seqs of a batch: each once; the counter skips claimed ones. */
static void
test_prepare_gives_each_record_its_own_seq (void **state)
{
    uint8_t author[VF_KEY_BYTES] = { 2 };
    vf_err_t err = { 0 };
    vf_records_t *recs = s_ok ("[{'@type': 'Process', '@id': 'urn:p1'},"
                               " {'@type': 'Process', '@id': 'urn:p2', 'vfn:entry': {'seq': 5}},"
                               " {'@type': 'Process', '@id': 'urn:p3', 'vfn:entry': {'seq': 6}},"
                               " {'@type': 'Process', '@id': 'urn:p4'}]");
    uint64_t seq = 5;
    assert_int_equal (vf_records_prepare (recs, author, &seq, 1, NULL, &err), 0);
    assert_int_equal (recs->items[0].entry->seq, 7);
    assert_int_equal (recs->items[1].entry->seq, 5);
    assert_int_equal (recs->items[2].entry->seq, 6);
    assert_int_equal (recs->items[3].entry->seq, 8);
    assert_int_equal (seq, 9);
    vf_records_destroy (&recs);
    /* two records claiming one seq would be an equivocation */
    recs = s_ok ("[{'@type': 'Process', '@id': 'urn:p1', 'vfn:entry': {'seq': 3}},"
                 " {'@type': 'Process', '@id': 'urn:p2', 'vfn:entry': {'seq': 3}}]");
    seq = 1;
    assert_int_equal (vf_records_prepare (recs, author, &seq, 1, NULL, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "records 1 and 2 would both have seq 3"));
    vf_records_destroy (&recs);
    /* the counter cannot pass 2^53-1 */
    recs = s_ok ("[{'@type': 'Process', '@id': 'urn:p1'}, {'@type': 'Process', '@id': 'urn:p2'}]");
    seq = VF_SEQ_MAX;
    assert_int_equal (vf_records_prepare (recs, author, &seq, 1, NULL, &err), VF_ERANGE);
    vf_records_destroy (&recs);
}

/*  At most VF_GRAPH_MAX records; and a large document imports in linear
    time (regression: every node copied the whole context). */
static void
test_graph_max (void **state)
{
    size_t n = VF_GRAPH_MAX + 1, per = 24;
    const char *ctx = "{\"@context\": {\"ex\": \"https://ex.org/\"}, \"@graph\": [";
    char *doc = malloc (strlen (ctx) + n * per + 8);
    char *p = doc + sprintf (doc, "%s", ctx);
    for (size_t k = 0; k < n; k++)
        p += sprintf (p, "%s{\"@type\": \"Process\"}", k ? "," : "");
    strcpy (p, "]}");
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_jsonld_import (doc, strlen (doc), &recs, &err), VF_ETOOBIG);
    assert_non_null (strstr (err.msg, "more than 100000 records"));
    /* one fewer is fine */
    p = strrchr (doc, ',');
    strcpy (p, "]}");
    assert_int_equal (vf_jsonld_import (doc, strlen (doc), &recs, &err), 0);
    assert_int_equal (recs->n, VF_GRAPH_MAX);
    vf_records_destroy (&recs);
    free (doc);
}

/*  Export is JSON-LD a standard processor reads as the record says; the
    export of older versions (plain envelope keys) still imports. */
static void
test_export_is_json_ld (void **state)
{
    uint8_t seed[VF_SEED_BYTES] = { 5 };
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    vf_records_t *recs = s_ok (
        "{'@type': 'EconomicEvent', '@id': 'urn:e', 'action': 'produce', 'provider': 'urn:a',"
        " 'receiver': 'urn:a', 'outputOf': 'urn:p', 'resourceConformsTo': 'urn:s',"
        " 'resourceQuantity': {'hasNumericalValue': '1234567890.123456', 'hasUnit': 'kilogram'},"
        " 'effortQuantity': {'hasNumericalValue': 2, 'hasUnit': 'https://ex.org/u'},"
        " 'https://ex.org/x': {'@value': {'a': [1, null]}, '@type': '@json'},"
        " 'https://ex.org/y': 'ex:z'}");
    uint64_t seq = 1;
    vf_err_t err = { 0 };
    assert_int_equal (vf_records_prepare (recs, vf_identity_public (id), &seq, 7, NULL, &err), 0);
    vf_entry_t *e = recs->items[0].entry;
    json_t *ext = json_object_get (e->body, "https://ex.org/x");
    assert_true (json_is_object (ext) && json_object_get (ext, "a")); /* the JSON literal's value */
    json_object_set_new (
        e->body, "effortQuantity",
        json_pack ("{s:s, s:s}", "hasNumericalValue", "2", "hasUnit", "https://ex.org/u"));
    json_object_del (e->body, "effortQuantity"); /* produce takes resourceQuantity only */
    if (vf_entry_check (e, &err))
        fail_msg ("%s", err.msg);
    assert_int_equal (vf_entry_sign (e, id, &err), 0);
    json_t *node = vf_jsonld_export_entry (e, true);
    json_t *ctx = json_object_get (node, "@context");
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (ctx, "provider"), "@type")), "@id");
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (ctx, "action"), "@type")), "@vocab");
    assert_null (json_object_get (ctx, "note")); /* only the terms the node uses */
    json_t *q = json_object_get (node, "resourceQuantity");
    assert_string_equal (json_string_value (json_object_get (q, "om2:hasUnit")), "om2:kilogram");
    /* 16 significant digits: a string, never a JSON number */
    assert_string_equal (json_string_value (json_object_get (q, "om2:hasNumericalValue")),
                         "1234567890.123456");
    json_t *x = json_object_get (node, "https://ex.org/x");
    assert_string_equal (json_string_value (json_object_get (x, "@type")), "@json");
    json_t *env = json_object_get (node, "vfn:entry");
    assert_int_equal (json_integer_value (json_object_get (env, "vfn:seq")), 1);
    char *text = json_dumps (node, VF_JSON_DUMP_FLAGS);
    vf_records_t *again = s_import_ok (text);
    assert_int_equal (vf_record_verify (&again->items[0], &err), 0);
    assert_memory_equal (again->items[0].entry->id, e->id, VF_HASH_BYTES);
    vf_records_destroy (&again);
    free (text);
    /* the old export form: envelope keys without vfn:, measures in vf: */
    json_t *old = json_object_get (node, "vfn:entry");
    json_t *plain = json_object ();
    const char *k;
    json_t *v;
    json_object_foreach (old, k, v)
        json_object_set (plain, k + 4, v);
    json_object_set_new (node, "vfn:entry", plain);
    json_object_set_new (
        node, "resourceQuantity",
        json_pack ("{s:s, s:s}", "hasNumericalValue", "1234567890.123456", "hasUnit", "kilogram"));
    json_object_set_new (node, "@context",
                         json_pack ("{s:s, s:s}", "@vocab", "https://w3id.org/valueflows/ont/vf#",
                                    "vfn", "urn:vfnode:"));
    json_object_set_new (node, "https://ex.org/x", json_pack ("{s:[i, n]}", "a", 1));
    text = json_dumps (node, VF_JSON_DUMP_FLAGS);
    again = s_import_ok (text);
    assert_int_equal (vf_record_verify (&again->items[0], &err), 0);
    assert_memory_equal (again->items[0].entry->id, e->id, VF_HASH_BYTES);
    vf_records_destroy (&again);
    free (text);
    json_decref (node);
    /* a document-wide context covers any exported node */
    json_t *all = vf_jsonld_context ();
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (all, "fulfills"), "@type")), "@id");
    json_decref (all);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
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
        cmocka_unit_test (test_import_refuses_what_it_would_ignore),
        cmocka_unit_test (test_a_property_given_twice_is_refused),
        cmocka_unit_test (test_context_terms),
        cmocka_unit_test (test_chained_prefixes_are_expanded),
        cmocka_unit_test (test_references_and_nodes_defined_twice),
        cmocka_unit_test (test_remote_context_urls),
        cmocka_unit_test (test_list_set_and_value),
        cmocka_unit_test (test_blank_nodes_only_in_references),
        cmocka_unit_test (test_numbers_with_more_than_15_digits),
        cmocka_unit_test (test_envelope_messages),
        cmocka_unit_test (test_vfnode_namespace_is_not_for_extensions),
        cmocka_unit_test (test_om2_units_become_labels),
        cmocka_unit_test (test_prepare_gives_each_record_its_own_seq),
        cmocka_unit_test (test_graph_max),
        cmocka_unit_test (test_export_is_json_ld),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
