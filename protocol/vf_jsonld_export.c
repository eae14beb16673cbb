/*  vf_jsonld_export.c - entries written back as VF JSON-LD nodes with their
    "vfn:entry" annotation (docs/PROTOCOL.md "JSON-LD form of an entry").

    The output is JSON-LD that a standard processor reads as the record
    says: references are typed "@id" and the action "@vocab" in the
    context, measures use the OM2 terms (units as om2:<label>), the
    envelope's keys are in vfn:, and extension objects and arrays are JSON
    literals ("@type": "@json"), so they are carried as they are. */
#include "vf_jsonld.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_jsonld_int.h"
#include "vf_lexical.h"
#include "vf_text.h"
#include "vf_vocab.h"

#define S_OM2_VALUE "om2:hasNumericalValue"
#define S_OM2_UNIT "om2:hasUnit"

/*  Set key to v (stolen); -1 if v is NULL or the set fails. */
static int
s_put (json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new (obj, key, v) == 0 ? 0 : -1;
}

/*  The term definition a property needs in the context, or NULL. */
static const char *
s_coercion (const vf_prop_t *prop)
{
    if (prop->type == VF_PT_IRI || prop->type == VF_PT_URI)
        return "@id";
    if (prop->type == VF_PT_ACTION)
        return "@vocab";
    return NULL;
}

/*  Does the property write om2: values or keys (measures, unit refs)? */
static bool
s_uses_om2 (const vf_prop_t *prop)
{
    return prop->type == VF_PT_MEASURE ||
           (prop->type == VF_PT_IRI && prop->target == VF_CLASS_UNIT);
}

/*  Add to ctx what the property term (as the node writes it) needs. */
static int
s_context_for (json_t *ctx, const char *term, const vf_prop_t *prop)
{
    const char *c = s_coercion (prop);
    if (s_uses_om2 (prop) && !json_object_get (ctx, "om2") &&
        s_put (ctx, "om2", json_string (VF_OM2_NS)))
        return -1;
    if (prop->type == VF_PT_MEASURE && !json_object_get (ctx, S_OM2_UNIT) &&
        s_put (ctx, S_OM2_UNIT, json_pack ("{s:s}", "@type", "@id")))
        return -1;
    if (c && !json_object_get (ctx, term) && s_put (ctx, term, json_pack ("{s:s}", "@type", c)))
        return -1;
    return 0;
}

static json_t *
s_base_context (void)
{
    return json_pack ("{s:s, s:s}", "@vocab", VF_NS, VF_VFN_PREFIX, VF_VFN_NS);
}

/*  How a property of cls is written as a key: VF names bare, vfnode's
    own in vfn:. */
static void
s_term (char *out, size_t size, const vf_class_t *cls, const char *name)
{
    snprintf (out, size, "%s%s", cls && vf_class_is_node (cls) ? VF_VFN_PREFIX ":" : "", name);
}

json_t *
vf_jsonld_context (void)
{
    json_t *ctx = s_base_context ();
    for (int i = 0; ctx && i < VF_CLASS_ALL_COUNT; i++) {
        const vf_class_t *cls = vf_class_get ((vf_class_id_t) i);
        for (size_t k = 0; k < cls->nprops; k++) {
            char term[128];
            s_term (term, sizeof term, cls, cls->props[k].name);
            if (s_context_for (ctx, term, &cls->props[k])) {
                json_decref (ctx);
                return NULL;
            }
        }
    }
    return ctx;
}

/*  A canonical decimal string as a JSON number when every JSON reader gets
    it back exactly (at most 15 significant digits), else the string. */
static json_t *
s_number (const char *text)
{
    vf_decimal_t d;
    if (vf_decimal_parse_canonical (&d, text, strlen (text), NULL) != 0)
        return json_string (text);
    int64_t c = d.coef < 0 ? -d.coef : d.coef;
    while (c != 0 && c % 10 == 0)
        c /= 10;
    int digits = 0;
    for (; c != 0; c /= 10)
        digits++;
    if (digits > VF_JSON_NUMBER_DIGITS_MAX)
        return json_string (text);
    if (d.scale == 0)
        return json_integer (d.coef);
    double x = strtod (text, NULL);
    vf_decimal_t back;
    if (vf_decimal_from_double (&back, x, NULL) == 0 && vf_decimal_cmp (back, d) == 0)
        return json_real (x);
    return json_string (text);
}

/*  A unit: a label as om2:<label> (an IRI), an IRI as it is. */
static json_t *
s_unit (const json_t *v)
{
    const char *s = json_string_value (v);
    if (s && vf_unit_label_valid (s, json_string_length (v))) {
        char iri[VF_UNIT_LABEL_MAX + 8];
        snprintf (iri, sizeof iri, "om2:%s", s);
        return json_string (iri);
    }
    return vf_ld_copy (v);
}

static json_t *
s_measure (const json_t *v)
{
    json_t *m = json_object ();
    const char *key;
    json_t *part;
    json_object_foreach ((json_t *) v, key, part) {
        int rc = 0;
        if (!m)
            break;
        if (!strcmp (key, "hasNumericalValue"))
            rc = s_put (m, S_OM2_VALUE,
                        json_is_string (part) ? s_number (json_string_value (part))
                                              : vf_ld_copy (part));
        else if (!strcmp (key, "hasUnit"))
            rc = s_put (m, S_OM2_UNIT, s_unit (part));
        else
            rc = s_put (m, key, vf_ld_copy (part));
        if (rc)
            json_decref (m), m = NULL;
    }
    return m;
}

/*  An extension value: scalars as they are, objects, arrays and null as
    JSON literals so that they are carried verbatim. */
static json_t *
s_extension (const json_t *v)
{
    if (json_is_object (v) || json_is_array (v) || json_is_null (v))
        return json_pack ("{s:o, s:s}", "@value", vf_ld_copy (v), "@type", "@json");
    return vf_ld_copy (v);
}

static json_t *
s_export_value (const vf_prop_t *prop, const json_t *v)
{
    if (!prop)
        return s_extension (v);
    if (prop->many && json_is_array (v)) {
        json_t *arr = json_array ();
        for (size_t k = 0; arr && k < json_array_size (v); k++)
            if (json_array_append_new (arr, s_export_value (prop, json_array_get (v, k))))
                json_decref (arr), arr = NULL;
        return arr;
    }
    if (prop->type == VF_PT_DECIMAL && json_is_string (v))
        return s_number (json_string_value (v));
    if (prop->type == VF_PT_MEASURE && json_is_object (v))
        return s_measure (v);
    if (prop->type == VF_PT_IRI && prop->target == VF_CLASS_UNIT)
        return s_unit (v);
    return vf_ld_copy (v);
}

static json_t *
s_export_envelope (const vf_entry_t *e)
{
    char text[VF_TEXT_MAX], sig[2 * VF_SIG_BYTES + 1];
    json_t *env = json_object ();
    if (!env)
        return NULL;
    int rc = 0;
    if (e->is_signed) {
        for (size_t k = 0; k < VF_SIG_BYTES; k++)
            snprintf (sig + 2 * k, 3, "%02x", e->sig[k]);
        rc |= s_put (env, "vfn:id", json_string (vf_text_encode (text, VF_TEXT_ID, e->id)));
        rc |= s_put (env, "vfn:sig", json_string (sig));
    }
    rc |= s_put (env, "vfn:author", json_string (vf_text_encode (text, VF_TEXT_KEY, e->author)));
    rc |= s_put (env, "vfn:seq", json_integer ((json_int_t) e->seq));
    rc |= s_put (env, "vfn:time", json_integer ((json_int_t) e->time));
    json_t *aud = e->is_public ? json_string ("public") : json_array ();
    for (size_t k = 0; aud && !e->is_public && k < e->naudience; k++)
        if (json_array_append_new (
                aud, json_string (vf_text_encode (text, VF_TEXT_NET, e->audience[k]))))
            json_decref (aud), aud = NULL;
    rc |= s_put (env, "vfn:audience", aud);
    if (rc)
        json_decref (env), env = NULL;
    return env;
}

/*  The body's properties into node, and what they need into ctx (NULL:
    no context wanted). */
static int
s_export_body (const vf_entry_t *e, const vf_class_t *cls, json_t *node, json_t *ctx)
{
    const char *key;
    json_t *val;
    json_object_foreach (e->body, key, val) {
        if (strcmp (key, "@id") == 0)
            continue;
        const vf_prop_t *prop = cls ? vf_class_prop (cls, key) : NULL;
        char term[256];
        if (prop)
            s_term (term, sizeof term, cls, key);
        if (prop && ctx && s_context_for (ctx, term, prop))
            return -1;
        if (s_put (node, prop ? term : key, s_export_value (prop, val)))
            return -1;
    }
    return 0;
}

json_t *
vf_jsonld_export_entry (const vf_entry_t *e, bool with_context)
{
    json_t *node = json_object ();
    json_t *ctx = with_context ? s_base_context () : NULL;
    const vf_class_t *cls = vf_class_by_name (e->cls);
    char name[VF_CLASS_MAX + 8];
    snprintf (name, sizeof name, "%s%s", cls && vf_class_is_node (cls) ? VF_VFN_PREFIX ":" : "",
              e->cls);
    int rc = !node || (with_context && !ctx);
    /* the context goes first, so that a reader sees it before the terms */
    if (rc == 0 && ctx)
        rc = json_object_set (node, "@context", ctx);
    const json_t *id = json_object_get (e->body, "@id");
    if (rc == 0 && id)
        rc = s_put (node, "@id", vf_ld_copy (id));
    if (rc == 0)
        rc = s_put (node, "@type", json_string (name));
    if (rc == 0)
        rc = s_export_body (e, cls, node, ctx);
    if (rc == 0)
        rc = s_put (node, VF_VFN_PREFIX ":entry", s_export_envelope (e));
    json_decref (ctx);
    if (rc) {
        json_decref (node);
        return NULL;
    }
    return node;
}
