/*  vf_jsonld.c - ValueFlows JSON-LD import: node objects to records.

    Everything a document says must end up in a signed record or be
    refused: keywords, types, language tags and datatypes that would not
    survive into the body are errors with a message, never dropped.
    Contexts and IRI expansion are in vf_jsonld_context.c. */
#include "vf_jsonld.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_jsonld_int.h"
#include "vf_lexical.h"
#include "vf_text.h"
#include "vf_vocab.h"

#define VFN_ENTRY VF_VFN_NS "entry"

/*  Blank node labels given to nodes without @id; reserved in documents. */
#define S_BLANK_PREFIX "_:vfnode-"

/*  Import state for one document. */
typedef struct {
    vf_records_t *recs;
    unsigned blank_seq; /* for nodes without @id */
    json_t *ids;        /* @id -> true, for every node defined */
    vf_err_t *err;
} s_import_t;

static int s_node (s_import_t *im, const vf_ld_ctx_t *parent, const json_t *node, int depth,
                   json_t **iri_out);

/* -------------------------------------------------------------- records */

void
vf_records_destroy (vf_records_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_records_t *self = *self_p;
    for (size_t k = 0; k < self->n; k++)
        vf_entry_destroy (&self->items[k].entry);
    free (self->items);
    free (self);
    *self_p = NULL;
}

static vf_record_t *
s_records_add (vf_records_t *recs)
{
    if (recs->n == recs->cap) {
        size_t cap = recs->cap ? recs->cap * 2 : 16;
        vf_record_t *items = realloc (recs->items, cap * sizeof *items);
        if (!items)
            return NULL;
        recs->items = items;
        recs->cap = cap;
    }
    vf_record_t *rec = &recs->items[recs->n];
    memset (rec, 0, sizeof *rec);
    if (!(rec->entry = vf_entry_new ()))
        return NULL;
    recs->n++;
    return rec;
}

/* -------------------------------------------------------------- helpers */

/*  A key or label from the document for a message: as it is when short
    and plain, else quoted with vf_quote. */
static const char *
s_label (char buf[VF_QUOTE_MAX], const char *s)
{
    size_t n = strlen (s);
    bool plain = n > 0 && n < VF_QUOTE_MAX - 8;
    for (size_t k = 0; k < n && plain; k++)
        plain = s[k] > 0x20 && s[k] < 0x7f && s[k] != '\'' && s[k] != '\\';
    if (plain) {
        memcpy (buf, s, n + 1);
        return buf;
    }
    return vf_quote (buf, VF_QUOTE_MAX, s, n);
}

static const char *
s_q (char buf[VF_QUOTE_MAX], const char *s)
{
    return vf_quote (buf, VF_QUOTE_MAX, s, strlen (s));
}

/*  The text of a JSON string without NUL bytes, or NULL. */
static const char *
s_text (const json_t *v)
{
    const char *s = json_string_value (v);
    return s && strlen (s) == json_string_length (v) ? s : NULL;
}

/*  The VF local name of iri, or NULL if iri is not in the VF namespace. */
static const char *
s_vf_local (const char *iri)
{
    if (strncmp (iri, VF_NS, strlen (VF_NS)) == 0)
        return iri + strlen (VF_NS);
    if (strncmp (iri, VF_NS_HTTP, strlen (VF_NS_HTTP)) == 0)
        return iri + strlen (VF_NS_HTTP);
    return NULL;
}

static const char *
s_vfn_local (const char *iri)
{
    return strncmp (iri, VF_VFN_NS, strlen (VF_VFN_NS)) == 0 ? iri + strlen (VF_VFN_NS) : NULL;
}

static int
s_set (json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new (obj, key, v) == 0 ? 0 : VF_ENOMEM;
}

/* ------------------------------------------------------------ datatypes */

/*  The XSD local name of a datatype IRI ("xsd:x" with xsd undeclared is
    read as XSD too), or NULL. */
static const char *
s_xsd_local (const char *iri)
{
    if (strncmp (iri, VF_XSD_NS, strlen (VF_XSD_NS)) == 0)
        return iri + strlen (VF_XSD_NS);
    if (strncmp (iri, "xsd:", 4) == 0)
        return iri + 4;
    return NULL;
}

/*  The datatypes a literal of property type t may carry. */
static const char *
s_datatypes (vf_ptype_t t)
{
    switch (t) {
    case VF_PT_DATETIME:
        return "xsd:dateTimeStamp or xsd:dateTime";
    case VF_PT_DECIMAL:
    case VF_PT_MEASURE: /* its hasNumericalValue */
        return "xsd:decimal";
    case VF_PT_BOOL:
        return "xsd:boolean";
    case VF_PT_STRING:
    case VF_PT_PURPOSE:
        return "xsd:string";
    default:
        return NULL;
    }
}

static bool
s_datatype_ok (vf_ptype_t t, const char *iri)
{
    const char *x = s_xsd_local (iri);
    if (!x)
        return false;
    switch (t) {
    case VF_PT_DATETIME:
        return !strcmp (x, "dateTimeStamp") || !strcmp (x, "dateTime");
    case VF_PT_DECIMAL:
    case VF_PT_MEASURE:
        return !strcmp (x, "decimal");
    case VF_PT_BOOL:
        return !strcmp (x, "boolean");
    case VF_PT_STRING:
    case VF_PT_PURPOSE:
        return !strcmp (x, "string");
    default:
        return false;
    }
}

static int
s_datatype_check (vf_ptype_t t, const char *iri, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    if (s_datatype_ok (t, iri))
        return 0;
    const char *want = s_datatypes (t);
    if (want)
        return vf_err_set (err, VF_EINVALID, "datatype %s does not fit; expected %s", s_q (q, iri),
                           want);
    return vf_err_set (err, VF_EINVALID, "datatype %s does not fit a reference (an IRI)",
                       s_q (q, iri));
}

/*  A term's "@type" coercion against the property type it is used for:
    references take "@id", action "@vocab", literals their datatypes. */
static int
s_coercion_check (const json_t *def, vf_ptype_t t, bool is_unit, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const char *c = json_string_value (json_object_get (def, "@type"));
    if (!c)
        return 0;
    if (!strcmp (c, "@id") && (t == VF_PT_IRI || t == VF_PT_URI || is_unit))
        return 0;
    if (!strcmp (c, "@vocab") && t == VF_PT_ACTION)
        return 0;
    if (c[0] != '@' && s_datatypes (t) && !is_unit)
        return s_datatype_check (t, c, err);
    return vf_err_set (err, VF_EINVALID, "the term's \"@type\": %s does not fit this property",
                       s_q (q, c));
}

/*  Unwrap a value object {"@value": x, "@type": datatype}: *inner is x.
    Language tags are refused: a body keeps no language. */
static int
s_literal (const vf_ld_ctx_t *ctx, vf_ptype_t t, const json_t *v, const json_t **inner,
           vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    *inner = v;
    if (!json_is_object (v))
        return 0;
    if (!json_object_get (v, "@value"))
        return vf_err_set (err, VF_EINVALID, "expected a value, not an object");
    const char *key;
    json_t *x;
    json_object_foreach ((json_t *) v, key, x) {
        if (!strcmp (key, "@language") || !strcmp (key, "@direction"))
            return vf_err_set (err, VF_EINVALID,
                               "%s is not supported: a record keeps no language or direction "
                               "(write the plain string)",
                               key);
        if (strcmp (key, "@value") && strcmp (key, "@type"))
            return vf_err_set (err, VF_EINVALID, "%s is not supported in a value object",
                               s_q (q, key));
    }
    const json_t *type = json_object_get (v, "@type");
    if (type) {
        const char *ts = s_text (type);
        if (!ts)
            return vf_err_set (err, VF_EINVALID, "a value object's @type must be a datatype IRI");
        char *iri = NULL;
        int rc = vf_ld_expand (ctx, ts, true, &iri, NULL, err);
        if (rc == 0)
            rc = s_datatype_check (t, iri, err);
        free (iri);
        if (rc)
            return rc;
    }
    *inner = json_object_get (v, "@value");
    return 0;
}

/* ------------------------------------------------------------ values */

static int
s_type_error (vf_err_t *err, const char *want)
{
    return vf_err_set (err, VF_EINVALID, "expected %s", want);
}

/*  A JSON integer that JSON readers all read exactly. */
static int
s_int_ok (json_int_t v, vf_err_t *err)
{
    if (v > (json_int_t) VF_JSON_INT_MAX || v < -(json_int_t) VF_JSON_INT_MAX)
        return vf_err_set (err, VF_ERANGE,
                           "the integer %" JSON_INTEGER_FORMAT
                           " is beyond 2^53-1, which JSON readers may not read exactly; write it "
                           "as a string",
                           v);
    return 0;
}

static int
s_decimal (const vf_ld_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    vf_decimal_t d;
    int rc = s_literal (ctx, VF_PT_DECIMAL, v, &v, err);
    if (rc)
        return rc;
    if (json_is_string (v))
        rc = vf_decimal_parse (&d, json_string_value (v), json_string_length (v), err);
    else if (json_is_integer (v)) {
        if ((rc = s_int_ok (json_integer_value (v), err)) == 0)
            rc = vf_decimal_from_int_checked (&d, json_integer_value (v), err);
    } else if (json_is_real (v))
        rc = vf_decimal_from_double (&d, json_real_value (v), err);
    else
        return s_type_error (err, "a number or a decimal string");
    if (rc)
        return rc;
    char text[VF_DECIMAL_TEXT_MAX];
    *out = json_string (vf_decimal_format (&d, text));
    return *out ? 0 : VF_ENOMEM;
}

/*  An IRI value: a string or {"@id": ...}, expanded (prefixes only). */
static int
s_iri_value (const vf_ld_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    if (json_is_object (v) && json_object_size (v) == 1 && json_object_get (v, "@id"))
        v = json_object_get (v, "@id");
    if (!json_is_string (v))
        return s_type_error (err, "an IRI string or {\"@id\": IRI}");
    const char *s = s_text (v);
    if (!s)
        return vf_err_set (err, VF_EINVALID, "the IRI contains a NUL byte");
    char *iri = NULL;
    int rc = vf_ld_expand (ctx, s, false, &iri, NULL, err);
    if (rc == 0 && !(*out = json_string (iri)))
        rc = VF_ENOMEM;
    free (iri);
    return rc;
}

/*  OM2 units (either namespace spelling, or om2:x) become their label, so
    that "kilogram" and om2:kilogram are one unit. *v is replaced. */
static int
s_unit_label (json_t **v)
{
    const char *s = json_string_value (*v);
    const char *label = vf_om2_local (s, strlen (s));
    if (!label || !vf_unit_label_valid (label, strlen (label)))
        return 0;
    json_t *l = json_string (label);
    if (!l)
        return VF_ENOMEM;
    json_decref (*v);
    *v = l;
    return 0;
}

static int
s_unit (const vf_ld_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    int rc = s_iri_value (ctx, v, out, err);
    if (rc == 0 && (rc = s_unit_label (out)) != 0) {
        json_decref (*out);
        *out = NULL;
    }
    return rc;
}

/*  One key of a measure: hasNumericalValue or hasUnit, in OM2 (as the VF
    docs write them) or bare (read as the same). */
static int
s_measure_part (const vf_ld_ctx_t *ctx, const char *key, const json_t *val, json_t *m,
                vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    char *iri = NULL;
    const json_t *def = NULL;
    int rc = vf_ld_expand (ctx, key, true, &iri, &def, err);
    if (rc)
        return rc;
    const char *name = s_vf_local (iri);
    if (!name)
        name = vf_om2_local (iri, strlen (iri));
    json_t *nv = NULL;
    bool unit = name && !strcmp (name, "hasUnit");
    if (!name || (strcmp (name, "hasNumericalValue") && !unit))
        rc = vf_err_set (err, VF_EINVALID,
                         "unknown key %s (a measure has hasNumericalValue and hasUnit)",
                         s_q (q, key));
    else if (json_object_get (m, name))
        rc = vf_err_set (err, VF_EINVALID, "%s is given twice", name);
    else if ((rc = s_coercion_check (def, unit ? VF_PT_IRI : VF_PT_MEASURE, unit, err)) == 0)
        rc = unit ? s_unit (ctx, val, &nv, err) : s_decimal (ctx, val, &nv, err);
    if (rc == 0)
        rc = s_set (m, name, nv);
    if (rc && name)
        vf_err_prefix (err, "%s", name);
    free (iri);
    return rc;
}

/*  A measure's @type may only say what it is: om2:Measure. */
static int
s_measure_type (const vf_ld_ctx_t *ctx, const json_t *type, vf_err_t *err)
{
    char *iri = NULL;
    const char *s = s_text (type);
    int rc = s ? vf_ld_expand (ctx, s, true, &iri, NULL, err) : 0;
    const char *local = iri ? vf_om2_local (iri, strlen (iri)) : NULL;
    if (rc == 0 && !(local && !strcmp (local, "Measure")))
        rc = vf_err_set (err, VF_EINVALID, "a measure's @type can only be om2:Measure");
    free (iri);
    return rc;
}

static int
s_measure (const vf_ld_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    if (!json_is_object (v))
        return s_type_error (err, "a measure {\"hasNumericalValue\": ..., \"hasUnit\": ...}");
    json_t *m = json_object ();
    if (!m)
        return VF_ENOMEM;
    int rc = 0;
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) v, key, val) {
        if (!strcmp (key, "@type"))
            rc = s_measure_type (ctx, val, err);
        else if (key[0] == '@')
            rc = vf_err_set (err, VF_EINVALID, "%s is not supported in a measure", s_q (q, key));
        else
            rc = s_measure_part (ctx, key, val, m, err);
        if (rc)
            break;
    }
    if (rc) {
        json_decref (m);
        return rc;
    }
    *out = m;
    return 0;
}

/*  Integers JSON readers read exactly, no real numbers, at any depth. */
static int
s_extension_check (const json_t *v, vf_err_t *err)
{
    if (json_is_real (v))
        return vf_err_set (err, VF_EINVALID,
                           "real number not allowed in an extension property; write it as a "
                           "string");
    if (json_is_integer (v))
        return s_int_ok (json_integer_value (v), err);
    size_t idx;
    const char *key;
    json_t *child;
    int rc = 0;
    if (json_is_array (v))
        json_array_foreach (v, idx, child)
            if (!rc)
                rc = s_extension_check (child, err);
    if (json_is_object (v))
        json_object_foreach ((json_t *) v, key, child)
            if (!rc)
                rc = s_extension_check (child, err);
    return rc;
}

/*  Extension values are kept verbatim (compact IRIs in them are not
    expanded). A JSON literal {"@value": x, "@type": "@json"}, as export
    writes objects and arrays, is x; so is any value of a term declared
    "@type": "@json". */
static int
s_extension (const json_t *v, const json_t *def, json_t **out, vf_err_t *err)
{
    const char *coerce = json_string_value (json_object_get (def, "@type"));
    if (coerce && strcmp (coerce, "@json"))
        return vf_err_set (err, VF_EINVALID,
                           "an extension property's term can only declare \"@type\": \"@json\" "
                           "(its value is kept as JSON)");
    const json_t *type = json_object_get (v, "@type");
    if (!coerce && json_is_object (v) && json_object_size (v) == 2 &&
        json_object_get (v, "@value") && json_is_string (type) &&
        !strcmp (json_string_value (type), "@json"))
        v = json_object_get (v, "@value");
    int rc = s_extension_check (v, err);
    if (rc)
        return rc;
    *out = vf_ld_copy (v);
    return *out ? 0 : VF_ENOMEM;
}

/*  Is v an embedded node object, not a reference ({"@id": x}, or
    {"@id": x, "@type": class}, which only says what x is)? */
static bool
s_is_embedded (const json_t *v)
{
    if (!json_is_object (v) || !json_object_get (v, "@id"))
        return json_is_object (v);
    size_t n = json_object_size (v);
    return !(n == 1 || (n == 2 && json_object_get (v, "@type")));
}

static int s_class (const vf_ld_ctx_t *ctx, const json_t *type, char out[VF_CLASS_MAX + 1],
                    vf_err_t *err);

/*  A reference property's value: an IRI, a reference or an embedded node
    (which becomes a record of its own). */
static int
s_reference (s_import_t *im, const vf_ld_ctx_t *ctx, const vf_prop_t *prop, const json_t *v,
             int depth, json_t **out)
{
    vf_err_t *err = im->err;
    int rc;
    if (json_is_object (v) && (json_object_get (v, "@value") || json_object_get (v, "@list") ||
                               json_object_get (v, "@set")))
        return s_type_error (err, "an IRI string, {\"@id\": IRI} or a node");
    if (s_is_embedded (v))
        rc = s_node (im, ctx, v, depth + 1, out);
    else {
        const json_t *type = json_object_get (v, "@type");
        char cls[VF_CLASS_MAX + 1];
        if (type && (rc = s_class (ctx, type, cls, err)))
            return rc;
        rc = s_iri_value (ctx, json_is_object (v) ? json_object_get (v, "@id") : v, out, err);
    }
    if (rc == 0 && prop->target == VF_CLASS_UNIT && (rc = s_unit_label (out)) != 0) {
        json_decref (*out);
        *out = NULL;
    }
    return rc;
}

/*  The action: a VF action name, read with @vocab (so "produce",
    "vf:produce" and the full IRI are one action). */
static int
s_action (const vf_ld_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    if (json_is_object (v) && json_object_size (v) == 1 && json_object_get (v, "@id"))
        v = json_object_get (v, "@id");
    const char *s = s_text (v);
    if (!s)
        return s_type_error (err, "an action name such as \"produce\"");
    char *iri = NULL;
    int rc = vf_ld_expand (ctx, s, true, &iri, NULL, err);
    if (rc)
        return rc;
    const char *local = s_vf_local (iri);
    if (!local && strncmp (iri, "vf:", 3) == 0)
        local = iri + 3;
    *out = json_string (local ? local : iri);
    free (iri);
    return *out ? 0 : VF_ENOMEM;
}

/*  One value of a known property, normalised by the property's type. */
static int
s_scalar (s_import_t *im, const vf_ld_ctx_t *ctx, const vf_prop_t *prop, const json_t *v, int depth,
          json_t **out)
{
    vf_err_t *err = im->err;
    const json_t *u = v;
    int rc;
    switch (prop->type) {
    case VF_PT_IRI:
        return s_reference (im, ctx, prop, v, depth, out);
    case VF_PT_URI:
        return s_iri_value (ctx, v, out, err);
    case VF_PT_MEASURE:
        return s_measure (ctx, v, out, err);
    case VF_PT_DECIMAL:
        return s_decimal (ctx, v, out, err);
    case VF_PT_ACTION:
        return s_action (ctx, v, out, err);
    case VF_PT_BOOL:
        if ((rc = s_literal (ctx, prop->type, v, &u, err)))
            return rc;
        if (!json_is_boolean (u))
            return s_type_error (err, "true or false");
        break;
    case VF_PT_STRING:
    case VF_PT_DATETIME:
    case VF_PT_PURPOSE:
        if ((rc = s_literal (ctx, prop->type, v, &u, err)))
            return rc;
        if (!json_is_string (u))
            return s_type_error (err, "a string");
        break;
    }
    *out = vf_ld_copy (u);
    return *out ? 0 : VF_ENOMEM;
}

/*  Order for the values of a many-valued property: by their bytes. */
static int
s_value_cmp (const void *a, const void *b)
{
    const json_t *x = *(json_t *const *) a, *y = *(json_t *const *) b;
    size_t lx = json_string_length (x), ly = json_string_length (y);
    int r = memcmp (json_string_value (x), json_string_value (y), lx < ly ? lx : ly);
    return r ? r : lx < ly ? -1 : lx > ly;
}

/*  A JSON-LD array is a set: the normal form sorts it and keeps each
    value once. */
int
vf_jsonld_sort_values (json_t *arr)
{
    size_t n = json_array_size (arr);
    for (size_t k = 0; k < n; k++)
        if (!json_is_string (json_array_get (arr, k)))
            return 0;
    json_t **v = malloc ((n ? n : 1) * sizeof *v);
    if (!v)
        return VF_ENOMEM;
    for (size_t k = 0; k < n; k++)
        v[k] = json_incref (json_array_get (arr, k));
    qsort (v, n, sizeof *v, s_value_cmp);
    int rc = json_array_clear (arr) ? VF_ENOMEM : 0;
    for (size_t k = 0; k < n; k++) {
        if (rc == 0 && (k == 0 || s_value_cmp (&v[k - 1], &v[k]) != 0) &&
            json_array_append (arr, v[k]))
            rc = VF_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        json_decref (v[k]);
    free (v);
    return rc;
}

static int
s_value (s_import_t *im, const vf_ld_ctx_t *ctx, const vf_prop_t *prop, const json_t *v, int depth,
         json_t **out)
{
    if (json_is_object (v) && json_object_get (v, "@list"))
        return vf_err_set (im->err, VF_EINVALID,
                           "@list (an ordered list) is not supported: ValueFlows properties hold "
                           "unordered values; write an array");
    if (json_is_object (v) && json_object_get (v, "@set")) {
        if (json_object_size (v) != 1)
            return vf_err_set (im->err, VF_EINVALID, "a @set object holds nothing but @set");
        v = json_object_get (v, "@set");
    }
    if (!prop->many) {
        if (json_is_array (v))
            return vf_err_set (im->err, VF_EINVALID, "has one value, got a list");
        return s_scalar (im, ctx, prop, v, depth, out);
    }
    json_t *arr = json_array ();
    if (!arr)
        return VF_ENOMEM;
    size_t n = json_is_array (v) ? json_array_size (v) : 1;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        json_t *one = NULL;
        rc = s_scalar (im, ctx, prop, json_is_array (v) ? json_array_get (v, k) : v, depth, &one);
        if (rc == 0 && json_array_append_new (arr, one))
            rc = VF_ENOMEM;
    }
    if (rc == 0)
        rc = vf_jsonld_sort_values (arr);
    if (rc)
        json_decref (arr);
    else
        *out = arr;
    return rc;
}

/* ------------------------------------------------------------ envelope */

static const char *const s_env_fields[] = { "author", "id", "seq", "time", "audience", "sig" };

static int
s_env_key (const json_t *env, const char *name, vf_text_kind_t kind, uint8_t out[32], bool *has,
           vf_err_t *err)
{
    const json_t *v = json_object_get (env, name);
    if (!v)
        return 0;
    const char *s = s_text (v);
    if (!s)
        return vf_err_set (err, VF_EINVALID, "vfn:entry.%s: expected a text form string", name);
    vf_err_t why = { 0 };
    if (vf_text_decode (out, kind, s, &why) != 0) {
        char msg[VF_ERR_MSG_MAX]; /* why.msg is copied: never format a buffer into itself */
        snprintf (msg, sizeof msg, "%s", vf_err_msg (&why, VF_EPARSE));
        return vf_err_set (err, VF_EINVALID, "vfn:entry.%s: %s", name, msg);
    }
    *has = true;
    return 0;
}

static int
s_env_uint (const json_t *env, const char *name, uint64_t min, uint64_t max, uint64_t *out,
            bool *has, vf_err_t *err)
{
    const json_t *v = json_object_get (env, name);
    if (!v)
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < (json_int_t) min ||
        (uint64_t) json_integer_value (v) > max)
        return vf_err_set (err, VF_EINVALID,
                           "vfn:entry.%s: expected an integer from %" PRIu64 " to %" PRIu64, name,
                           min, max);
    *out = (uint64_t) json_integer_value (v);
    *has = true;
    return 0;
}

static int
s_env_audience (const json_t *v, vf_record_t *rec, vf_err_t *err)
{
    if (!v)
        return 0;
    rec->has_audience = true;
    if (json_is_string (v) && strcmp (json_string_value (v), "public") == 0)
        return 0;
    if (!json_is_array (v) || json_array_size (v) == 0 || json_array_size (v) > VF_AUDIENCE_MAX)
        return vf_err_set (err, VF_EINVALID,
                           "vfn:entry.audience: expected \"public\" or a list of 1-%d network "
                           "ids (vfn_...)",
                           VF_AUDIENCE_MAX);
    for (size_t k = 0; k < json_array_size (v); k++) {
        uint8_t net[VF_KEY_BYTES];
        const char *s = s_text (json_array_get (v, k));
        vf_err_t why = { 0 };
        if (!s || vf_text_decode (net, VF_TEXT_NET, s, &why)) {
            char msg[VF_ERR_MSG_MAX];
            snprintf (msg, sizeof msg, "%s",
                      s ? vf_err_msg (&why, VF_EPARSE) : "expected a string");
            return vf_err_set (err, VF_EINVALID, "vfn:entry.audience[%zu]: %s", k, msg);
        }
        if (vf_entry_add_network (rec->entry, net))
            return vf_err_set (err, VF_EINVALID, "vfn:entry.audience: more than %d networks",
                               VF_AUDIENCE_MAX);
    }
    return 0;
}

static int
s_hex_decode (uint8_t *out, size_t n, const char *hex)
{
    if (strlen (hex) != 2 * n)
        return -1;
    for (size_t k = 0; k < 2 * n; k++) {
        char c = hex[k];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        out[k / 2] = (uint8_t) (k % 2 ? (out[k / 2] | v) : v << 4);
    }
    return 0;
}

/*  The field an envelope key names: "vfn:seq" (as export writes it) or
    "seq" (as older exports did), or NULL. */
static int
s_env_field (const vf_ld_ctx_t *ctx, const char *key, const char **field, vf_err_t *err)
{
    *field = NULL;
    size_t n = sizeof s_env_fields / sizeof s_env_fields[0];
    for (size_t k = 0; k < n; k++)
        if (!strcmp (key, s_env_fields[k]))
            return *field = s_env_fields[k], 0;
    if (key[0] == '@')
        return 0;
    char *iri = NULL;
    int rc = vf_ld_expand (ctx, key, true, &iri, NULL, err);
    const char *local = rc ? NULL : s_vfn_local (iri);
    for (size_t k = 0; local && k < n; k++)
        if (!strcmp (local, s_env_fields[k]))
            *field = s_env_fields[k];
    free (iri);
    return rc;
}

/*  The envelope's fields by name, each once. */
static int
s_env_fields_of (const vf_ld_ctx_t *ctx, const json_t *env, json_t *fields, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) env, key, val) {
        const char *field = NULL;
        int rc = s_env_field (ctx, key, &field, err);
        if (rc)
            return rc;
        if (!field)
            return vf_err_set (err, VF_EINVALID, "vfn:entry: unknown field %s", s_q (q, key));
        if (json_object_get (fields, field))
            return vf_err_set (err, VF_EINVALID, "vfn:entry: field %s is given twice", field);
        if (json_object_set (fields, field, val))
            return VF_ENOMEM;
    }
    return 0;
}

static int
s_envelope (const vf_ld_ctx_t *ctx, const json_t *env, vf_record_t *rec, vf_err_t *err)
{
    if (!json_is_object (env))
        return vf_err_set (err, VF_EINVALID, "vfn:entry: expected an object");
    json_t *f = json_object ();
    if (!f)
        return VF_ENOMEM;
    vf_entry_t *e = rec->entry;
    int rc;
    if ((rc = s_env_fields_of (ctx, env, f, err)) ||
        (rc = s_env_key (f, "author", VF_TEXT_KEY, e->author, &rec->has_author, err)) ||
        (rc = s_env_key (f, "id", VF_TEXT_ID, e->id, &rec->has_id, err)) ||
        (rc = s_env_uint (f, "seq", 1, VF_SEQ_MAX, &e->seq, &rec->has_seq, err)) ||
        (rc = s_env_uint (f, "time", 0, VF_TIME_MAX, &e->time, &rec->has_time, err)) ||
        (rc = s_env_audience (json_object_get (f, "audience"), rec, err))) {
        json_decref (f);
        return rc;
    }
    const json_t *sig = json_object_get (f, "sig");
    if (sig && (!s_text (sig) || s_hex_decode (e->sig, VF_SIG_BYTES, json_string_value (sig))))
        rc = vf_err_set (err, VF_EINVALID, "vfn:entry.sig: expected %d lowercase hex digits",
                         2 * VF_SIG_BYTES);
    rec->has_sig = sig && rc == 0;
    json_decref (f);
    return rc;
}

/* ------------------------------------------------------------ nodes */

/*  The class one @type value names: a VF 1.0 class in the VF namespace,
    or one of vfnode's classes in urn:vfnode: (which may also be written
    bare, like the VF ones, as before vfn: was required). */
static const vf_class_t *
s_class_of (const char *iri)
{
    const char *vf = s_vf_local (iri), *vfn = s_vfn_local (iri);
    const vf_class_t *cls = vf_class_by_name (vf ? vf : vfn ? vfn : "");
    if (cls && (vf || vf_class_is_node (cls)))
        return cls;
    return NULL;
}

/*  @type: exactly one class (a string, or an array of one). */
static int
s_class (const vf_ld_ctx_t *ctx, const json_t *type, char out[VF_CLASS_MAX + 1], vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    out[0] = '\0';
    if (json_is_array (type) && json_array_size (type) == 1)
        type = json_array_get (type, 0);
    if (json_is_array (type)) {
        char *s = json_dumps (type, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!s)
            return VF_ENOMEM;
        vf_err_set (err, VF_EINVALID,
                    "@type %s names more than one type; a record has exactly one ValueFlows "
                    "class (and nothing else)",
                    vf_quote (q, sizeof q, s, strlen (s)));
        free (s);
        return VF_EINVALID;
    }
    const char *t = s_text (type);
    if (!t)
        return vf_err_set (err, VF_EINVALID, "@type: expected a class name");
    char *iri = NULL;
    int rc = vf_ld_expand (ctx, t, true, &iri, NULL, err);
    if (rc)
        return rc;
    const vf_class_t *cls = s_class_of (iri);
    free (iri);
    if (!cls)
        return vf_err_set (err, VF_EINVALID, "@type %s is not a ValueFlows 1.0 class", s_q (q, t));
    strcpy (out, cls->name);
    return 0;
}

/*  The body key a node key stands for: a property name, or (for
    extensions) an absolute IRI; envelope for vfn:entry. */
static int
s_key (const vf_ld_ctx_t *ctx, const vf_class_t *cls, const char *key, char **name, bool *envelope,
       const json_t **def, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    *envelope = false;
    int rc = vf_ld_expand (ctx, key, true, name, def, err);
    if (rc)
        return rc;
    const char *local = s_vf_local (*name), *vfn = s_vfn_local (*name);
    if (!strcmp (*name, VFN_ENTRY))
        *envelope = true;
    else if (vfn && cls && vf_class_is_node (cls) && vf_class_prop (cls, vfn))
        local = vfn;
    else if (vfn)
        rc = vf_err_set (err, VF_EINVALID,
                         "%s is in vfnode's namespace %s, which holds only vfn:entry and the "
                         "properties of vfnode's classes",
                         s_q (q, *name), VF_VFN_NS);
    if (rc == 0 && local)
        memmove (*name, local, strlen (local) + 1);
    return rc;
}

/*  One property of the record at index (an index, not a pointer: values
    that embed nodes add records and may move the array). */
static int
s_property (s_import_t *im, const vf_ld_ctx_t *ctx, const vf_class_t *cls, size_t index,
            const char *key, const json_t *val, int depth)
{
    char *name = NULL;
    bool envelope;
    const json_t *def = NULL;
    json_t *nv = NULL;
    vf_record_t *rec = &im->recs->items[index];
    int rc = s_key (ctx, cls, key, &name, &envelope, &def, im->err);
    const vf_prop_t *prop = rc || envelope ? NULL : vf_class_prop (cls, name);
    bool twice = envelope ? rec->has_envelope : name && json_object_get (rec->entry->body, name);
    if (rc)
        ;
    else if (twice)
        rc = vf_err_set (im->err, VF_EINVALID, "property %s is given twice",
                         envelope ? "vfn:entry" : name);
    else if (envelope && def && json_object_get (def, "@type"))
        rc = vf_err_set (im->err, VF_EINVALID, "vfn:entry cannot have a \"@type\" coercion");
    else if (envelope)
        rc = s_envelope (ctx, val, rec, im->err), rec->has_envelope = true;
    else if (prop && !(rc = s_coercion_check (
                           def, prop->type,
                           prop->type == VF_PT_IRI && prop->target == VF_CLASS_UNIT, im->err)))
        rc = s_value (im, ctx, prop, val, depth, &nv);
    else if (!prop) /* an extension, or a VF name the validator will explain */
        rc = s_extension (val, def, &nv, im->err);
    rec = &im->recs->items[index];
    if (rc == 0 && nv && json_object_set_new (rec->entry->body, name, nv))
        rc = VF_ENOMEM;
    free (name);
    return rc;
}

static int
s_node_id (s_import_t *im, const vf_ld_ctx_t *ctx, const json_t *node, json_t *body)
{
    char q[VF_QUOTE_MAX];
    const json_t *id = json_object_get (node, "@id");
    char label[32];
    if (!id) {
        snprintf (label, sizeof label, S_BLANK_PREFIX "b%u", ++im->blank_seq);
        return s_set (body, "@id", json_string (label));
    }
    const char *s = s_text (id);
    if (!s)
        return vf_err_set (im->err, VF_EINVALID, "@id: expected an IRI string");
    char *iri = NULL;
    int rc = vf_ld_expand (ctx, s, false, &iri, NULL, im->err);
    if (rc)
        return rc;
    if (strncmp (iri, S_BLANK_PREFIX, strlen (S_BLANK_PREFIX)) == 0)
        rc = vf_err_set (im->err, VF_EINVALID,
                         "@id %s: blank node labels starting with " S_BLANK_PREFIX
                         " are reserved for nodes without @id",
                         s_q (q, iri));
    else if (json_object_get (im->ids, iri))
        rc = vf_err_set (im->err, VF_EINVALID, "@id %s is defined twice in this document",
                         s_q (q, iri));
    else if (json_object_set_new (im->ids, iri, json_true ()))
        rc = VF_ENOMEM;
    if (rc == 0)
        rc = s_set (body, "@id", json_string (iri));
    free (iri);
    return rc;
}

/*  The node's keywords: only @id, @type and @context. (@type is checked
    after the node's context, which might try to alias it.) */
static int
s_node_keywords (const json_t *node, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) node, key, val) {
        if (key[0] != '@' || !strcmp (key, "@id") || !strcmp (key, "@type") ||
            !strcmp (key, "@context"))
            continue;
        return vf_err_set (err, VF_EINVALID, "keyword %s is not supported in a node", s_q (q, key));
    }
    return 0;
}

/*  Prefix err with the node's class and @id. */
static void
s_name_node (s_import_t *im, size_t index)
{
    if (index >= im->recs->n || !im->recs->items[index].entry->cls[0])
        return;
    const vf_entry_t *e = im->recs->items[index].entry;
    const char *iri = e->body ? vf_entry_iri (e) : NULL;
    char q[VF_QUOTE_MAX];
    if (iri && strncmp (iri, S_BLANK_PREFIX, strlen (S_BLANK_PREFIX)) != 0)
        vf_err_prefix (im->err, "%s %s", e->cls, s_q (q, iri));
    else
        vf_err_prefix (im->err, "%s", e->cls);
}

/*  Import one node object as a record; *iri_out (if not NULL) gets its
    @id as a new JSON string, for embedding nodes. */
static int
s_node (s_import_t *im, const vf_ld_ctx_t *parent, const json_t *node, int depth, json_t **iri_out)
{
    vf_err_t *err = im->err;
    if (!json_is_object (node))
        return vf_err_set (err, VF_EINVALID, "expected a node object");
    if (depth > VF_DEPTH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "nodes embedded deeper than %d levels", VF_DEPTH_MAX);
    if (im->recs->n >= VF_GRAPH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "more than %d records in one document", VF_GRAPH_MAX);
    vf_ld_ctx_t ctx = { NULL };
    int rc = s_node_keywords (node, err);
    if (rc == 0)
        rc = vf_ld_ctx_child (&ctx, parent, json_object_get (node, "@context"), err);
    vf_record_t *rec = rc ? NULL : s_records_add (im->recs);
    if (rc == 0 && !rec)
        rc = VF_ENOMEM;
    size_t index = im->recs->n - 1;
    if (rc == 0 && !json_object_get (node, "@type"))
        rc = vf_err_set (err, VF_EINVALID, "no @type: say which ValueFlows class this is");
    if (rc == 0)
        rc = s_class (&ctx, json_object_get (node, "@type"), rec->entry->cls, err);
    if (rc == 0 && !(rec->entry->body = json_object ()))
        rc = VF_ENOMEM;
    if (rc == 0)
        rc = s_node_id (im, &ctx, node, rec->entry->body);
    const vf_class_t *cls = rc ? NULL : vf_class_by_name (rec->entry->cls);
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) node, key, val) {
        if (rc)
            break;
        if (key[0] == '@')
            continue;
        rc = s_property (im, &ctx, cls, index, key, val, depth);
        if (rc) {
            char q[VF_QUOTE_MAX];
            vf_err_prefix (err, "%s", s_label (q, key));
        }
    }
    vf_ld_ctx_release (&ctx);
    if (rc && rc != VF_ENOMEM)
        s_name_node (im, index);
    if (rc == 0 && iri_out &&
        !(*iri_out = vf_ld_copy (json_object_get (im->recs->items[index].entry->body, "@id"))))
        rc = VF_ENOMEM;
    return rc;
}

/*  {"@context": ..., "@graph": [...]} holds nothing else. */
static int
s_graph_keys (const json_t *doc, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) doc, key, val) {
        if (strcmp (key, "@context") && strcmp (key, "@graph"))
            return vf_err_set (err, VF_EINVALID,
                               "%s next to @graph: a document with @graph holds only @context "
                               "and @graph (put properties in the nodes)",
                               s_q (q, key));
    }
    return 0;
}

static int
s_document (s_import_t *im, const json_t *doc)
{
    vf_ld_ctx_t root = { NULL }, top = { NULL };
    int rc = vf_ld_ctx_root (&root);
    if (rc)
        return rc;
    const json_t *nodes = doc;
    if (json_is_object (doc) && json_object_get (doc, "@graph")) {
        rc = s_graph_keys (doc, im->err);
        if (rc == 0)
            rc = vf_ld_ctx_child (&top, &root, json_object_get (doc, "@context"), im->err);
        nodes = json_object_get (doc, "@graph");
        if (rc == 0 && !json_is_array (nodes))
            rc = vf_err_set (im->err, VF_EINVALID, "@graph must be an array of nodes");
    } else
        top.terms = json_incref (root.terms);
    if (rc == 0 && json_is_array (nodes)) {
        for (size_t k = 0; k < json_array_size (nodes) && rc == 0; k++) {
            rc = s_node (im, &top, json_array_get (nodes, k), 1, NULL);
            if (rc)
                vf_err_prefix (im->err, "@graph[%zu]", k);
        }
    } else if (rc == 0)
        rc = s_node (im, &top, nodes, 1, NULL);
    vf_ld_ctx_release (&top);
    vf_ld_ctx_release (&root);
    return rc;
}

int
vf_jsonld_import_json (const json_t *doc, vf_records_t **out, vf_err_t *err)
{
    *out = NULL;
    vf_records_t *recs = calloc (1, sizeof *recs);
    if (!recs)
        return VF_ENOMEM;
    s_import_t im = { .recs = recs, .blank_seq = 0, .ids = json_object (), .err = err };
    int rc = im.ids ? s_document (&im, doc) : VF_ENOMEM;
    json_decref (im.ids);
    if (rc == 0 && recs->n == 0)
        rc = vf_err_set (err, VF_EINVALID, "the document holds no records");
    if (rc) {
        if (rc == VF_ENOMEM)
            vf_err_set (err, rc, "out of memory reading the JSON-LD document");
        else if (rc != VF_ETOOBIG && rc != VF_ERANGE)
            rc = VF_EINVALID;
        vf_records_destroy (&recs);
    }
    *out = recs;
    return rc;
}

int
vf_jsonld_import (const char *text, size_t len, vf_records_t **out, vf_err_t *err)
{
    *out = NULL;
    if (len > VF_JSONLD_MAX_BYTES)
        return vf_err_set (err, VF_ETOOBIG, "JSON-LD document of %zu bytes is larger than %u", len,
                           VF_JSONLD_MAX_BYTES);
    int rc = vf_ld_scan_numbers (text, len, err);
    if (rc)
        return rc;
    json_error_t jerr;
    json_t *doc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        /* jansson says nothing when it cannot allocate its own state */
        if (json_error_code (&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')
            return vf_err_set (err, VF_ENOMEM, "out of memory reading JSON");
        return vf_err_set (err, VF_EPARSE, "not JSON: line %d column %d: %s", jerr.line,
                           jerr.column, jerr.text);
    }
    rc = vf_jsonld_import_json (doc, out, err);
    json_decref (doc);
    return rc;
}
