/*  test_validate_values.c - the shapes of values in record bodies: ids,
    IRIs, date-times, measures, typed properties, unknown and extension
    keys, and a minimal valid record of every class. The rules about flows
    and events are in test_validate.c.
*/
#include "validate_support.h"

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
        { "fulfills", json_pack ("[s, s, s]", "urn:c:1", "urn:c:2", "urn:c:2"),
          "fulfills[2] repeats 'urn:c:2' (values must be unique)" },
        /* many values are in canonical order: sorted by their bytes */
        { "fulfills", json_pack ("[s, s]", "urn:c:2", "urn:c:1"),
          "fulfills[1] 'urn:c:1' is not in canonical order (values are sorted by their bytes)" },
        { "resourceClassifiedAs", json_pack ("[s, s]", "fruit", "Fruit"),
          "resourceClassifiedAs[1] 'Fruit' is not in canonical order" },
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
    s_accept ("Process", s_json ("{'@id': 'urn:p:1', 'finished': false, 'classifiedAs': "
                                 "['harvest', 'https://ex.org/tax/harvest']}"));
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

/*  Regression: one unit, one form, for Unit references too: OM2 IRIs
    (either namespace spelling) and om2:x are written as the label. */
static void
test_unit_references_use_the_om2_label (void **state)
{
    static const char *const om2[] = {
        "http://www.ontology-of-units-of-measure.org/resource/om-2/kilogram",
        "https://www.ontology-of-units-of-measure.org/resource/om-2/kilogram",
        "om2:kilogram",
    };
    for (size_t i = 0; i < sizeof om2 / sizeof om2[0]; i++) {
        json_t *rs = s_json ("{'@id': 'urn:rs:1'}");
        s_set (rs, "defaultUnitOfResource", json_string (om2[i]));
        s_reject ("ResourceSpecification", rs, "is an OM2 unit; write it as its label 'kilogram'");
        json_t *res = s_json ("{'@id': 'urn:r:1', 'classifiedAs': ['x']}");
        s_set (res, "unitOfEffort", json_string (om2[i]));
        s_reject ("EconomicResource", res, "unitOfEffort: ");
    }
    json_t *ev = s_event (s_act ("produce"));
    s_set (ev, "resourceQuantity",
           s_measure ("1", "https://www.ontology-of-units-of-measure.org/resource/om-2/litre"));
    s_reject ("EconomicEvent", ev, "is an OM2 unit; write it as its label 'litre'");
}

/*  Regression: the schemes vfn: and om2: are prefixes of vfnode's JSON-LD
    context, so IRIs with them would change on export and import; and
    urn:vfnode: holds only vfnode's own terms. */
static void
test_reserved_schemes_and_namespace (void **state)
{
    s_reject ("Process", s_json ("{'@id': 'om2:p1'}"),
              "@id 'om2:p1' uses the scheme om2:, which is reserved for vfnode");
    json_t *ev = s_event (s_act ("produce"));
    s_set (ev, "provider", json_string ("om2:farm"));
    s_reject ("EconomicEvent", ev, "provider: 'om2:farm' uses the scheme om2:");
    s_reject ("Process", s_json ("{'@id': 'urn:p:1', 'om2:x': 1}"), "uses the scheme om2:");
    s_reject ("Process", s_json ("{'@id': 'urn:p:1', 'urn:vfnode:entry': 1}"),
              "extension properties cannot be in vfnode's namespace urn:vfnode:");
    s_accept ("Process", s_json ("{'@id': 'urn:vfnode:vfk_x:1'}"));
}

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
        json_integer (9007199254740991),  /* 2^53-1 */
        json_integer (-9007199254740991), /* all JSON readers read it exactly */
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
        { json_pack ("[I]", (json_int_t) 9007199254740992),
          "https://schema.org/sku[0] is an integer beyond 2^53-1, which JSON readers may not read "
          "exactly; write it as a string" },
        { json_integer (-9007199254740992), "is an integer beyond 2^53-1" },
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

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_datetime_forms),
        cmocka_unit_test (test_measures),
        cmocka_unit_test (test_values_by_type),
        cmocka_unit_test (test_unit_references_use_the_om2_label),
        cmocka_unit_test (test_reserved_schemes_and_namespace),
        cmocka_unit_test (test_record_id),
        cmocka_unit_test (test_unknown_keys),
        cmocka_unit_test (test_extension_properties),
        cmocka_unit_test (test_iri_forms),
        cmocka_unit_test (test_economic_resource),
        cmocka_unit_test (test_a_minimal_record_of_every_class),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
