/*  vf_jsonld_export.c - entries written back as VF JSON-LD nodes with their
    "vfn:entry" annotation (docs/PROTOCOL.md "JSON-LD form of an entry"). */
#include "vf_jsonld.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_text.h"
#include "vf_vocab.h"

json_t *
vf_jsonld_context (void)
{
    return json_pack ("{s:s, s:s}", "@vocab", VF_NS, VF_VFN_PREFIX, VF_VFN_NS);
}

/*  A canonical decimal string as a JSON number when the number reads back
    exactly (integers, and up to 15 significant digits), else the string. */
static json_t *
s_number (const char *text)
{
    vf_decimal_t d;
    if (vf_decimal_parse_canonical (&d, text, strlen (text), NULL) != 0)
        return json_string (text);
    if (d.scale == 0)
        return json_integer (d.coef);
    double x = strtod (text, NULL);
    vf_decimal_t back;
    if (vf_decimal_from_double (&back, x, NULL) == 0 && vf_decimal_cmp (back, d) == 0)
        return json_real (x);
    return json_string (text);
}

static json_t *
s_export_value (const vf_prop_t *prop, const json_t *v)
{
    if (prop && prop->type == VF_PT_DECIMAL && json_is_string (v))
        return s_number (json_string_value (v));
    if (prop && prop->type == VF_PT_MEASURE && json_is_object (v)) {
        json_t *m = json_deep_copy (v);
        const json_t *num = json_object_get (v, "hasNumericalValue");
        if (m && json_is_string (num))
            json_object_set_new (m, "hasNumericalValue", s_number (json_string_value (num)));
        return m;
    }
    if (prop && prop->many && json_is_array (v)) {
        json_t *arr = json_array ();
        for (size_t k = 0; arr && k < json_array_size (v); k++)
            json_array_append_new (arr, s_export_value (prop, json_array_get (v, k)));
        return arr;
    }
    return json_deep_copy (v);
}

static json_t *
s_export_envelope (const vf_entry_t *e)
{
    char text[VF_TEXT_MAX], sig[2 * VF_SIG_BYTES + 1];
    json_t *env = json_object ();
    if (!env)
        return NULL;
    if (e->is_signed) {
        json_object_set_new (env, "id", json_string (vf_text_encode (text, VF_TEXT_ID, e->id)));
        for (size_t k = 0; k < VF_SIG_BYTES; k++)
            snprintf (sig + 2 * k, 3, "%02x", e->sig[k]);
        json_object_set_new (env, "sig", json_string (sig));
    }
    json_object_set_new (env, "author",
                         json_string (vf_text_encode (text, VF_TEXT_KEY, e->author)));
    json_object_set_new (env, "seq", json_integer ((json_int_t) e->seq));
    json_object_set_new (env, "time", json_integer ((json_int_t) e->time));
    json_t *aud = e->is_public ? json_string ("public") : json_array ();
    for (size_t k = 0; !e->is_public && k < e->naudience; k++)
        json_array_append_new (aud,
                               json_string (vf_text_encode (text, VF_TEXT_NET, e->audience[k])));
    json_object_set_new (env, "audience", aud);
    return env;
}

json_t *
vf_jsonld_export_entry (const vf_entry_t *e, bool with_context)
{
    json_t *node = json_object ();
    if (!node)
        return NULL;
    if (with_context)
        json_object_set_new (node, "@context", vf_jsonld_context ());
    json_object_set (node, "@id", json_object_get (e->body, "@id"));
    const vf_class_t *cls = vf_class_by_name (e->cls);
    /*  vfnode's own classes and their terms live in the vfn: namespace */
    const char *ns = cls && vf_class_is_node (cls) ? VF_VFN_PREFIX ":" : "";
    char name[VF_CLASS_MAX + 8];
    snprintf (name, sizeof name, "%s%s", ns, e->cls);
    json_object_set_new (node, "@type", json_string (name));
    const char *key;
    json_t *val;
    json_object_foreach (e->body, key, val) {
        if (strcmp (key, "@id") == 0)
            continue;
        const vf_prop_t *prop = cls ? vf_class_prop (cls, key) : NULL;
        char term[256];
        snprintf (term, sizeof term, "%s%s", prop ? ns : "", key);
        json_object_set_new (node, term, s_export_value (prop, val));
    }
    json_object_set_new (node, VF_VFN_PREFIX ":entry", s_export_envelope (e));
    return node;
}
