/*  vf_jsonld.c - ValueFlows JSON-LD import and export. */
#include "vf_jsonld.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_text.h"
#include "vf_vocab.h"

#define OM2_NS "http://www.ontology-of-units-of-measure.org/resource/om-2/"
#define VFN_ENTRY VF_VFN_NS "entry"

/*  The active context: the prefix/term map. @vocab is always ValueFlows
    (a document that declares another @vocab is refused). */
typedef struct {
    json_t *terms; /* term or prefix -> IRI string */
} s_ctx_t;

/*  Import state for one document. */
typedef struct {
    vf_records_t *recs;
    unsigned blank_seq; /* for embedded nodes without @id */
    vf_err_t *err;
} s_import_t;

static int s_node (s_import_t *im, const s_ctx_t *parent, const json_t *node, int depth,
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

/* -------------------------------------------------------------- context */

static bool
s_is_vf_ns (const char *iri)
{
    return strcmp (iri, VF_NS) == 0 || strcmp (iri, VF_NS_HTTP) == 0;
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

/*  Remote contexts we recognise without fetching: the VF ones. */
static bool
s_known_context_url (const char *url)
{
    return strstr (url, "valueflows") != NULL || strstr (url, "vf-examples-jsonld-context") != NULL;
}

static int
s_ctx_term (s_ctx_t *ctx, const char *key, const json_t *def, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const json_t *iri = def;
    if (json_is_object (def)) {
        if (json_object_get (def, "@reverse"))
            return vf_err_set (err, VF_EINVALID, "@context term '%s': @reverse is not supported",
                               key);
        iri = json_object_get (def, "@id");
    }
    if (json_is_null (def))
        return json_object_del (ctx->terms, key), 0;
    if (!json_is_string (iri))
        return vf_err_set (err, VF_EINVALID,
                           "@context term '%s': expected an IRI string or "
                           "{\"@id\": IRI}",
                           key);
    const char *s = json_string_value (iri);
    if (strlen (s) > VF_IRI_MAX)
        return vf_err_set (err, VF_ETOOBIG, "@context term '%s': IRI %s too long", key,
                           vf_quote (q, sizeof q, s, strlen (s)));
    return json_object_set_new (ctx->terms, key, json_string (s)) ? VF_ENOMEM : 0;
}

static int
s_ctx_object (s_ctx_t *ctx, const json_t *obj, vf_err_t *err)
{
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) obj, key, val) {
        char q[VF_QUOTE_MAX];
        if (strcmp (key, "@vocab") == 0) {
            if (!json_is_string (val) || !s_is_vf_ns (json_string_value (val)))
                return vf_err_set (err, VF_EINVALID,
                                   "@context @vocab must be the ValueFlows "
                                   "namespace %s",
                                   VF_NS);
        } else if (strcmp (key, "@version") == 0 || strcmp (key, "@language") == 0) {
            continue; /* no effect on what we read */
        } else if (key[0] == '@') {
            return vf_err_set (err, VF_EINVALID, "@context keyword %s is not supported",
                               vf_quote (q, sizeof q, key, strlen (key)));
        } else {
            int rc = s_ctx_term (ctx, key, val, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/*  Apply a "@context" value (string, object or array of them) to ctx. */
static int
s_ctx_apply (s_ctx_t *ctx, const json_t *value, vf_err_t *err)
{
    if (json_is_array (value)) {
        for (size_t k = 0; k < json_array_size (value); k++) {
            int rc = s_ctx_apply (ctx, json_array_get (value, k), err);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (json_is_string (value)) {
        const char *url = json_string_value (value);
        char q[VF_QUOTE_MAX];
        if (!s_known_context_url (url))
            return vf_err_set (err, VF_EINVALID,
                               "remote @context %s cannot be fetched: put its "
                               "terms in an inline @context",
                               vf_quote (q, sizeof q, url, strlen (url)));
        return 0;
    }
    if (json_is_object (value))
        return s_ctx_object (ctx, value, err);
    if (json_is_null (value))
        return json_object_clear (ctx->terms), 0;
    return vf_err_set (err, VF_EINVALID, "@context must be an object, a URL or an array");
}

/*  A child context: a copy of parent with node's own @context applied. */
static int
s_ctx_child (s_ctx_t *child, const s_ctx_t *parent, const json_t *node, vf_err_t *err)
{
    child->terms = json_copy (parent->terms);
    if (!child->terms)
        return VF_ENOMEM;
    const json_t *local = json_object_get (node, "@context");
    return local ? s_ctx_apply (child, local, err) : 0;
}

/* ------------------------------------------------------------ expansion */

/*  Expand a compact IRI or term into a new string (caller frees). Values
    without a known prefix are returned unchanged. */
static char *
s_expand (const s_ctx_t *ctx, const char *s, bool is_vocab)
{
    const json_t *term = json_object_get (ctx->terms, s);
    if (json_is_string (term))
        return strdup (json_string_value (term));
    const char *colon = strchr (s, ':');
    if (colon && strncmp (colon + 1, "//", 2) != 0 && s[0] != '_') {
        char prefix[128];
        size_t plen = (size_t) (colon - s);
        if (plen < sizeof prefix) {
            memcpy (prefix, s, plen);
            prefix[plen] = '\0';
            const json_t *ns = json_object_get (ctx->terms, prefix);
            if (json_is_string (ns)) {
                char *out = NULL;
                if (asprintf (&out, "%s%s", json_string_value (ns), colon + 1) < 0)
                    return NULL;
                return out;
            }
        }
    }
    if (is_vocab && !colon) { /* a vfnode document speaks VF: @vocab is VF */
        char *out = NULL;
        if (asprintf (&out, "%s%s", VF_NS, s) < 0)
            return NULL;
        return out;
    }
    return strdup (s);
}

/*  The VF term a key or type names, written into out: the local name for
    VF IRIs, "" if the key is an extension IRI (then *ext is the IRI,
    caller frees). */
static int
s_term (const s_ctx_t *ctx, const char *key, char *out, size_t outsz, char **ext)
{
    *ext = NULL;
    char *iri = s_expand (ctx, key, true);
    if (!iri)
        return VF_ENOMEM;
    const char *local = s_vf_local (iri);
    if (local && strlen (local) < outsz) {
        strcpy (out, local);
        free (iri);
    } else {
        out[0] = '\0';
        *ext = iri;
    }
    return 0;
}

/*  vfnode's own terms (urn:vfnode:Confirmation, vfn:confirmsEvent) name
    node classes and their properties: turn such an extension IRI into the
    local term. The envelope annotation (vfn:entry) stays an IRI. */
static void
s_node_term (char *term, size_t termsz, char **ext)
{
    size_t ns = strlen (VF_VFN_NS);
    if (!*ext || strncmp (*ext, VF_VFN_NS, ns) != 0 || strcmp (*ext, VFN_ENTRY) == 0 ||
        strlen (*ext + ns) >= termsz)
        return;
    strcpy (term, *ext + ns);
    free (*ext);
    *ext = NULL;
}

/* ------------------------------------------------------------ values */

static int
s_type_error (vf_err_t *err, const char *prop, const char *want)
{
    (void) prop; /* the caller prefixes the property's key */
    return vf_err_set (err, VF_EINVALID, "expected %s", want);
}

/*  Unwrap {"@value": x} value objects. */
static const json_t *
s_unwrap (const json_t *v)
{
    if (json_is_object (v) && json_object_get (v, "@value"))
        return json_object_get (v, "@value");
    return v;
}

static int
s_decimal (const json_t *v, const char *prop, json_t **out, vf_err_t *err)
{
    vf_decimal_t d;
    int rc;
    v = s_unwrap (v);
    if (json_is_string (v))
        rc = vf_decimal_parse (&d, json_string_value (v), json_string_length (v), err);
    else if (json_is_integer (v))
        rc = vf_decimal_from_int_checked (&d, json_integer_value (v), err);
    else if (json_is_real (v))
        rc = vf_decimal_from_double (&d, json_real_value (v), err);
    else
        return s_type_error (err, prop, "a number or a decimal string");
    if (rc)
        return rc;
    char text[VF_DECIMAL_TEXT_MAX];
    *out = json_string (vf_decimal_format (&d, text));
    return *out ? 0 : VF_ENOMEM;
}

/*  An IRI value: a string or {"@id": ...}, expanded. */
static int
s_iri_value (const s_ctx_t *ctx, const json_t *v, const char *prop, json_t **out, vf_err_t *err)
{
    if (json_is_object (v) && json_object_size (v) == 1 && json_object_get (v, "@id"))
        v = json_object_get (v, "@id");
    if (!json_is_string (v))
        return s_type_error (err, prop, "an IRI string or {\"@id\": IRI}");
    char *iri = s_expand (ctx, json_string_value (v), false);
    if (!iri)
        return VF_ENOMEM;
    *out = json_string (iri);
    free (iri);
    return *out ? 0 : VF_ENOMEM;
}

/*  hasUnit: a label, or an IRI; OM2 IRIs (expanded or as om2:x) become
    their label so that "kilogram" and om2:kilogram are one unit. */
static int
s_unit (const s_ctx_t *ctx, const json_t *v, json_t **out, vf_err_t *err)
{
    int rc = s_iri_value (ctx, v, "hasUnit", out, err);
    if (rc)
        return rc;
    const char *s = json_string_value (*out);
    const char *label = NULL;
    if (strncmp (s, OM2_NS, strlen (OM2_NS)) == 0)
        label = s + strlen (OM2_NS);
    else if (strncmp (s, "om2:", 4) == 0)
        label = s + 4;
    if (label && *label) {
        json_t *l = json_string (label);
        json_decref (*out);
        *out = l;
    }
    return *out ? 0 : VF_ENOMEM;
}

static int
s_measure (const s_ctx_t *ctx, const json_t *v, const char *prop, json_t **out, vf_err_t *err)
{
    if (!json_is_object (v))
        return s_type_error (err, prop, "a measure {\"hasNumericalValue\": ..., \"hasUnit\": ...}");
    json_t *m = json_object ();
    if (!m)
        return VF_ENOMEM;
    int rc = 0;
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) v, key, val) {
        char term[64], *ext = NULL;
        json_t *nv = NULL;
        if (strcmp (key, "@type") == 0)
            continue; /* om2:Measure */
        if ((rc = s_term (ctx, key, term, sizeof term, &ext)))
            break;
        const char *om2 = ext && strncmp (ext, OM2_NS, strlen (OM2_NS)) == 0 ? ext + strlen (OM2_NS)
                          : ext && strncmp (ext, "om2:", 4) == 0             ? ext + 4
                                                                             : NULL;
        const char *name = ext ? om2 : term;
        if (name && strcmp (name, "hasNumericalValue") == 0)
            rc = s_decimal (val, "hasNumericalValue", &nv, err);
        else if (name && strcmp (name, "hasUnit") == 0)
            rc = s_unit (ctx, val, &nv, err);
        else {
            char q[VF_QUOTE_MAX];
            rc = vf_err_set (err, VF_EINVALID,
                             "unknown key %s (a measure has hasNumericalValue "
                             "and hasUnit)",
                             vf_quote (q, sizeof q, key, strlen (key)));
        }
        if (rc == 0 && json_object_set_new (m, name, nv))
            rc = VF_ENOMEM;
        if (rc && name)
            vf_err_prefix (err, "%s", name);
        free (ext);
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

/*  Extension values are kept as they are, but without real numbers. */
static int
s_extension (const json_t *v, const char *prop, json_t **out, vf_err_t *err)
{
    if (json_is_real (v))
        return vf_err_set (err, VF_EINVALID,
                           "real number not allowed in an extension "
                           "property; write it as a string");
    if (json_is_object (v) || json_is_array (v)) {
        size_t idx;
        const char *key;
        json_t *child;
        if (json_is_array (v)) {
            json_array_foreach (v, idx, child)
                if (json_is_real (child) || json_is_object (child) || json_is_array (child)) {
                    json_t *tmp = NULL;
                    int rc = s_extension (child, prop, &tmp, err);
                    json_decref (tmp);
                    if (rc)
                        return rc;
                }
        } else {
            json_object_foreach ((json_t *) v, key, child) {
                json_t *tmp = NULL;
                int rc = s_extension (child, prop, &tmp, err);
                json_decref (tmp);
                if (rc)
                    return rc;
            }
        }
    }
    *out = json_deep_copy (v);
    return *out ? 0 : VF_ENOMEM;
}

/*  Is v an embedded node object (more than a bare {"@id": ...})? */
static bool
s_is_embedded (const json_t *v)
{
    return json_is_object (v) && !(json_object_size (v) == 1 && json_object_get (v, "@id"));
}

/*  One value of a known property, normalised by the property's type. */
static int
s_scalar (s_import_t *im, const s_ctx_t *ctx, const vf_prop_t *prop, const json_t *v, int depth,
          json_t **out)
{
    vf_err_t *err = im->err;
    const json_t *u = s_unwrap (v);
    switch (prop->type) {
    case VF_PT_IRI:
        if (s_is_embedded (v))
            return s_node (im, ctx, v, depth + 1, out);
        return s_iri_value (ctx, v, prop->name, out, err);
    case VF_PT_URI:
        return s_iri_value (ctx, v, prop->name, out, err);
    case VF_PT_MEASURE:
        return s_measure (ctx, v, prop->name, out, err);
    case VF_PT_DECIMAL:
        return s_decimal (v, prop->name, out, err);
    case VF_PT_BOOL:
        if (!json_is_boolean (u))
            return s_type_error (err, prop->name, "true or false");
        *out = json_deep_copy (u);
        return 0;
    case VF_PT_ACTION: {
        int rc = s_iri_value (ctx, v, prop->name, out, err);
        const char *local = rc == 0 ? s_vf_local (json_string_value (*out)) : NULL;
        if (!local && rc == 0 && strncmp (json_string_value (*out), "vf:", 3) == 0)
            local = json_string_value (*out) + 3;
        if (local) {
            json_t *a = json_string (local);
            json_decref (*out);
            *out = a;
        }
        return rc;
    }
    case VF_PT_STRING:
    case VF_PT_DATETIME:
    case VF_PT_PURPOSE:
        if (!json_is_string (u))
            return s_type_error (err, prop->name, "a string");
        *out = json_deep_copy (u);
        return 0;
    }
    return VF_EINVAL;
}

static int
s_value (s_import_t *im, const s_ctx_t *ctx, const vf_prop_t *prop, const json_t *v, int depth,
         json_t **out)
{
    if (json_is_object (v) && (json_object_get (v, "@list") || json_object_get (v, "@set")))
        v = json_object_get (v, "@list") ? json_object_get (v, "@list")
                                         : json_object_get (v, "@set");
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
    if (rc)
        json_decref (arr);
    else
        *out = arr;
    return rc;
}

/* ------------------------------------------------------------ envelope */

static int
s_env_key (const json_t *env, const char *name, vf_text_kind_t kind, uint8_t out[32], bool *has,
           vf_err_t *err)
{
    const json_t *v = json_object_get (env, name);
    if (!v)
        return 0;
    if (!json_is_string (v) || vf_text_decode (out, kind, json_string_value (v), err) != 0) {
        vf_err_prefix (err, "vfn:entry.%s", name);
        return vf_err_set (err, VF_EINVALID, "%s", vf_err_msg (err, VF_EINVALID));
    }
    *has = true;
    return 0;
}

static int
s_env_uint (const json_t *env, const char *name, uint64_t min, uint64_t *out, bool *has,
            vf_err_t *err)
{
    const json_t *v = json_object_get (env, name);
    if (!v)
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < (json_int_t) min)
        return vf_err_set (err, VF_EINVALID, "vfn:entry.%s: expected an integer >= %" PRIu64, name,
                           min);
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
                           "vfn:entry.audience: expected \"public\" or a list "
                           "of 1-%d network ids (vfn_...)",
                           VF_AUDIENCE_MAX);
    for (size_t k = 0; k < json_array_size (v); k++) {
        uint8_t net[VF_KEY_BYTES];
        const json_t *s = json_array_get (v, k);
        if (!json_is_string (s) || vf_text_decode (net, VF_TEXT_NET, json_string_value (s), err)) {
            vf_err_prefix (err, "vfn:entry.audience[%zu]", k);
            return vf_err_set (err, VF_EINVALID, "%s", vf_err_msg (err, VF_EINVALID));
        }
        vf_entry_add_network (rec->entry, net);
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

static int
s_envelope (const json_t *env, vf_record_t *rec, vf_err_t *err)
{
    if (!json_is_object (env))
        return vf_err_set (err, VF_EINVALID, "vfn:entry: expected an object");
    vf_entry_t *e = rec->entry;
    int rc;
    if ((rc = s_env_key (env, "author", VF_TEXT_KEY, e->author, &rec->has_author, err)) ||
        (rc = s_env_key (env, "id", VF_TEXT_ID, e->id, &rec->has_id, err)) ||
        (rc = s_env_uint (env, "seq", 1, &e->seq, &rec->has_seq, err)) ||
        (rc = s_env_uint (env, "time", 0, &e->time, &rec->has_time, err)) ||
        (rc = s_env_audience (json_object_get (env, "audience"), rec, err)))
        return rc;
    const json_t *sig = json_object_get (env, "sig");
    if (sig) {
        if (!json_is_string (sig) || s_hex_decode (e->sig, VF_SIG_BYTES, json_string_value (sig)))
            return vf_err_set (err, VF_EINVALID, "vfn:entry.sig: expected %d lowercase hex digits",
                               2 * VF_SIG_BYTES);
        rec->has_sig = true;
    }
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) env, key, val) {
        static const char *known[] = { "author", "id", "seq", "time", "audience", "sig" };
        bool ok = false;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            ok = ok || strcmp (key, known[k]) == 0;
        if (!ok)
            return vf_err_set (err, VF_EINVALID, "vfn:entry: unknown field '%s'", key);
    }
    return 0;
}

/* ------------------------------------------------------------ nodes */

static int
s_class (const s_ctx_t *ctx, const json_t *type, char out[VF_CLASS_MAX + 1], vf_err_t *err)
{
    size_t n = json_is_array (type) ? json_array_size (type) : 1;
    out[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        const json_t *t = json_is_array (type) ? json_array_get (type, k) : type;
        if (!json_is_string (t))
            return vf_err_set (err, VF_EINVALID, "@type: expected a class name");
        char term[VF_CLASS_MAX + 1], *ext = NULL;
        if (s_term (ctx, json_string_value (t), term, sizeof term, &ext))
            return VF_ENOMEM;
        s_node_term (term, sizeof term, &ext);
        free (ext);
        if (term[0] && vf_class_by_name (term)) {
            if (out[0])
                return vf_err_set (err, VF_EINVALID, "@type names two ValueFlows classes (%s, %s)",
                                   out, term);
            strcpy (out, term);
        }
    }
    if (!out[0]) {
        char q[VF_QUOTE_MAX];
        char *s = json_dumps (type, JSON_ENCODE_ANY | JSON_COMPACT);
        vf_err_set (err, VF_EINVALID, "@type %s is not a ValueFlows 1.0 class",
                    vf_quote (q, sizeof q, s ? s : "?", s ? strlen (s) : 1));
        free (s);
        return VF_EINVALID;
    }
    return 0;
}

/*  One property of the record at index (an index, not a pointer: values
    that embed nodes add records and may move the array). */
static int
s_property (s_import_t *im, const s_ctx_t *ctx, const vf_class_t *cls, size_t index,
            const char *key, const json_t *val, int depth)
{
    char term[128], *ext = NULL;
    json_t *nv = NULL;
    int rc = s_term (ctx, key, term, sizeof term, &ext);
    if (rc)
        return rc;
    if (cls && vf_class_is_node (cls))
        s_node_term (term, sizeof term, &ext);
    if (ext && strcmp (ext, VFN_ENTRY) == 0)
        rc = s_envelope (val, &im->recs->items[index], im->err);
    else if (ext)
        rc = s_extension (val, ext, &nv, im->err);
    else {
        const vf_prop_t *prop = vf_class_prop (cls, term);
        if (prop)
            rc = s_value (im, ctx, prop, val, depth, &nv);
        else /* validation names it with the class and suggestions */
            rc = s_extension (val, term, &nv, im->err);
    }
    json_t *body = im->recs->items[index].entry->body;
    if (rc == 0 && nv && json_object_set_new (body, ext ? ext : term, nv))
        rc = VF_ENOMEM;
    free (ext);
    return rc;
}

static int
s_node_id (s_import_t *im, const s_ctx_t *ctx, const json_t *node, json_t *body)
{
    const json_t *id = json_object_get (node, "@id");
    char label[32];
    if (!id) {
        snprintf (label, sizeof label, "_:vfnode-b%u", ++im->blank_seq);
        return json_object_set_new (body, "@id", json_string (label)) ? VF_ENOMEM : 0;
    }
    if (!json_is_string (id))
        return vf_err_set (im->err, VF_EINVALID, "@id: expected an IRI string");
    char *iri = s_expand (ctx, json_string_value (id), false);
    if (!iri)
        return VF_ENOMEM;
    int rc = json_object_set_new (body, "@id", json_string (iri)) ? VF_ENOMEM : 0;
    free (iri);
    return rc;
}

/*  Import one node object as a record; *iri_out (if not NULL) gets its
    @id as a new JSON string, for embedding nodes. */
static int
s_node (s_import_t *im, const s_ctx_t *parent, const json_t *node, int depth, json_t **iri_out)
{
    vf_err_t *err = im->err;
    if (!json_is_object (node))
        return vf_err_set (err, VF_EINVALID, "expected a node object");
    if (depth > VF_DEPTH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "nodes embedded deeper than %d levels", VF_DEPTH_MAX);
    if (im->recs->n >= VF_GRAPH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "more than %d records in one document", VF_GRAPH_MAX);
    s_ctx_t ctx;
    int rc = s_ctx_child (&ctx, parent, node, err);
    vf_record_t *rec = rc ? NULL : s_records_add (im->recs);
    size_t index = im->recs->n - 1;
    if (rc == 0 && !rec)
        rc = VF_ENOMEM;
    const json_t *type = json_object_get (node, "@type");
    if (rc == 0 && !type)
        rc = vf_err_set (err, VF_EINVALID, "no @type: say which ValueFlows class this is");
    if (rc == 0)
        rc = s_class (&ctx, type, rec->entry->cls, err);
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
        if (strcmp (key, "@id") == 0 || strcmp (key, "@type") == 0 || strcmp (key, "@context") == 0)
            continue;
        if (key[0] == '@')
            rc = vf_err_set (err, VF_EINVALID, "keyword %s is not supported in a node", key);
        else
            rc = s_property (im, &ctx, cls, index, key, val, depth);
        if (rc)
            vf_err_prefix (err, "%s", key);
    }
    json_decref (ctx.terms);
    if (rc && rc != VF_ENOMEM && index < im->recs->n && im->recs->items[index].entry->cls[0]) {
        const vf_entry_t *e = im->recs->items[index].entry;
        const char *iri = e->body ? vf_entry_iri (e) : NULL;
        char q[VF_QUOTE_MAX];
        if (iri && strncmp (iri, "_:", 2) != 0)
            vf_err_prefix (err, "%s %s", e->cls, vf_quote (q, sizeof q, iri, strlen (iri)));
        else
            vf_err_prefix (err, "%s", e->cls);
    }
    if (rc == 0 && iri_out)
        *iri_out = json_deep_copy (json_object_get (im->recs->items[index].entry->body, "@id"));
    return rc;
}

static int
s_document (s_import_t *im, const json_t *doc)
{
    /* "vfn" is predefined, so that an entry's annotation is read even
       from a document that does not declare it */
    s_ctx_t root = { .terms = json_pack ("{s:s}", VF_VFN_PREFIX, VF_VFN_NS) };
    if (!root.terms)
        return VF_ENOMEM;
    const json_t *nodes = doc;
    int rc = 0;
    if (json_is_object (doc) && json_object_get (doc, "@graph")) {
        const json_t *ctx = json_object_get (doc, "@context");
        if (ctx)
            rc = s_ctx_apply (&root, ctx, im->err);
        nodes = json_object_get (doc, "@graph");
        if (rc == 0 && !json_is_array (nodes))
            rc = vf_err_set (im->err, VF_EINVALID, "@graph must be an array of nodes");
    }
    if (rc == 0 && json_is_array (nodes)) {
        for (size_t k = 0; k < json_array_size (nodes) && rc == 0; k++) {
            rc = s_node (im, &root, json_array_get (nodes, k), 1, NULL);
            if (rc)
                vf_err_prefix (im->err, "@graph[%zu]", k);
        }
    } else if (rc == 0) {
        rc = s_node (im, &root, nodes, 1, NULL);
    }
    json_decref (root.terms);
    return rc;
}

int
vf_jsonld_import_json (const json_t *doc, vf_records_t **out, vf_err_t *err)
{
    *out = NULL;
    vf_records_t *recs = calloc (1, sizeof *recs);
    if (!recs)
        return VF_ENOMEM;
    s_import_t im = { .recs = recs, .blank_seq = 0, .err = err };
    int rc = s_document (&im, doc);
    if (rc == 0 && recs->n == 0)
        rc = vf_err_set (err, VF_EINVALID, "the document holds no records");
    if (rc) {
        if (rc != VF_ENOMEM && rc != VF_ETOOBIG && rc != VF_ERANGE)
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
    json_error_t jerr;
    json_t *doc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return vf_err_set (err, VF_EPARSE, "not JSON: line %d column %d: %s", jerr.line,
                           jerr.column, jerr.text);
    int rc = vf_jsonld_import_json (doc, out, err);
    json_decref (doc);
    return rc;
}
