/*  vf_validate.c - the ValueFlows rules a record body must keep.

    Two passes. The first walks the body's keys and checks every value
    against its property row in the vocabulary (type, many, null, nesting),
    so that the second can trust the shapes. The second runs the class rules
    of s_rules[] (quantities, process links, agents, times, ...) for the
    classes each rule names. Every rule and message is listed in
    docs/VOCABULARY.md.
*/
#include "vf_validate.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_limits.h"
#include "vf_text.h"

/*  A body travels inside the entry envelope, which vf_limits.h counts as
    depth 1; so the body object is depth 2 and a value nested in it may go
    down to VF_DEPTH_MAX. */
#define S_BODY_DEPTH 2

/*  vfnode's namespace (vf_jsonld.h VF_VFN_NS): only vfnode's own terms. */
#define S_VFN_NS "urn:vfnode:"

/*  Room for a property path in a message ("resourceQuantity.hasUnit",
    "https://ex.org/ext.a[3].b"); longer paths are cut. */
#define S_PATH_MAX 192

typedef struct {
    const vf_class_t *cls;
    const json_t *body;
    const vf_action_t *action;                 /* flows, after the first pass */
    char who[VF_CLASS_MAX + VF_QUOTE_MAX + 2]; /* "EconomicEvent 'urn:x:1'" */
    vf_err_t *err;
} s_ctx_t;

static int s_fail (const s_ctx_t *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/*  Record "<Class> '<@id>': <message>" as VF_EINVALID. */
static int
s_fail (const s_ctx_t *c, const char *fmt, ...)
{
    char msg[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof msg, fmt, ap);
    va_end (ap);
    return vf_err_set (c->err, VF_EINVALID, "%s: %s", c->who, msg);
}

const char *
vf_json_kind (const json_t *v)
{
    switch (json_typeof (v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "an unknown JSON value";
}

static const char *
s_q (char buf[VF_QUOTE_MAX], const json_t *str)
{
    return vf_quote (buf, VF_QUOTE_MAX, json_string_value (str), json_string_length (str));
}

static const json_t *
s_get (const s_ctx_t *c, const char *name)
{
    return json_object_get (c->body, name);
}

/*  A string with no NUL byte; jansson has already checked the UTF-8. */
static int
s_string (const s_ctx_t *c, const char *path, const json_t *v)
{
    if (!json_is_string (v))
        return s_fail (c, "%s must be a string, not %s", path, vf_json_kind (v));
    if (strlen (json_string_value (v)) != json_string_length (v))
        return s_fail (c, "%s contains a NUL byte", path);
    return 0;
}

static bool
s_has_prefix (const char *s, const char *prefix)
{
    return strncmp (s, prefix, strlen (prefix)) == 0;
}

/*  ---- Suggestions for misspelt property names ---- */

static int
s_lower (int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/*  Case-insensitive Levenshtein distance of two short names. */
static size_t
s_distance (const char *a, const char *b)
{
    size_t la = strlen (a), lb = strlen (b);
    size_t row[VF_CLASS_MAX + 1];
    if (la > VF_CLASS_MAX || lb > VF_CLASS_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = s_lower ((unsigned char) a[i - 1]) != s_lower ((unsigned char) b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/*  Keep candidate in *best if it is closer to name than what is there. */
static void
s_closer (const char *name, const char *candidate, const char **best, size_t *best_d)
{
    size_t d = s_distance (name, candidate);
    if (d < *best_d) {
        *best_d = d;
        *best = candidate;
    }
}

/*  best, if it is an obvious typo of the name it was measured against: at
    most 2 edits, and fewer than a third of its length. */
static const char *
s_obvious (const char *best, size_t best_d)
{
    return best && best_d <= 2 && best_d * 3 < strlen (best) ? best : NULL;
}

/*  The property of cls that name is an obvious typo of, or NULL. */
static const char *
s_suggest_prop (const vf_class_t *cls, const char *name)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < cls->nprops; i++)
        s_closer (name, cls->props[i].name, &best, &best_d);
    return s_obvious (best, best_d);
}

/*  The action that name is an obvious typo of, or NULL. */
static const char *
s_suggest_action (const char *name)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (int i = 0; i < VF_ACTION_COUNT; i++)
        s_closer (name, vf_action_get ((vf_action_id_t) i)->name, &best, &best_d);
    return s_obvious (best, best_d);
}

/*  The first other class that has a property named name, or NULL. */
static const char *
s_owner (const vf_class_t *cls, const char *name)
{
    for (int i = 0; i < VF_CLASS_COUNT; i++) {
        const vf_class_t *o = vf_class_get ((vf_class_id_t) i);
        if (o != cls && vf_class_prop (o, name))
            return o->name;
    }
    return NULL;
}

/*  ---- First pass: the value of each key ---- */

static int
s_check_decimal (const s_ctx_t *c, const char *path, const json_t *v)
{
    char q[VF_QUOTE_MAX];
    if (json_is_number (v))
        return s_fail (c, "%s must be a decimal string like \"12.5\", not a JSON number", path);
    int rc = s_string (c, path, v);
    if (rc)
        return rc;
    vf_decimal_t d;
    const char *text = json_string_value (v);
    size_t len = json_string_length (v);
    rc = vf_decimal_parse_canonical (&d, text, len, NULL);
    if (rc == 0)
        return 0;
    if (rc == VF_ERANGE)
        return s_fail (c, "%s: %s has too many digits (at most %d significant, %d after the point)",
                       path, s_q (q, v), VF_DECIMAL_DIGITS_MAX, VF_DECIMAL_SCALE_MAX);
    if (vf_decimal_parse (&d, text, len, NULL) == 0) {
        char canon[VF_DECIMAL_TEXT_MAX];
        return s_fail (c, "%s: %s is not in canonical form; write '%s'", path, s_q (q, v),
                       vf_decimal_format (&d, canon));
    }
    return s_fail (c, "%s: %s is not a decimal", path, s_q (q, v));
}

/*  OM2 units are written as their label in a body (docs/PROTOCOL.md), so
    that "kilogram" and om2:kilogram are one unit: hasUnit and references
    to a Unit refuse the OM2 IRIs (either namespace spelling) and om2:x. */
static int
s_check_om2 (const s_ctx_t *c, const char *path, const json_t *v)
{
    char q[VF_QUOTE_MAX];
    const char *om2 = vf_om2_local (json_string_value (v), json_string_length (v));
    if (om2 && vf_unit_label_valid (om2, strlen (om2)))
        return s_fail (c, "%s: %s is an OM2 unit; write it as its label '%s'", path, s_q (q, v),
                       om2);
    return 0;
}

static int
s_check_unit (const s_ctx_t *c, const char *path, const json_t *v)
{
    char q[VF_QUOTE_MAX];
    int rc = s_string (c, path, v);
    if (rc)
        return rc;
    const char *s = json_string_value (v);
    size_t len = json_string_length (v);
    if ((rc = s_check_om2 (c, path, v)))
        return rc;
    if (vf_unit_label_valid (s, len) || (vf_iri_valid (s, len) && !vf_iri_reserved (s, len)))
        return 0;
    return s_fail (
        c, "%s: %s is neither a unit label (like 'kilogram', 'one', 'hour') nor an absolute IRI",
        path, s_q (q, v));
}

/*  {"hasNumericalValue": "<canonical decimal>", "hasUnit": "<label or IRI>"} */
static int
s_check_measure (const s_ctx_t *c, const char *path, const json_t *v)
{
    char sub[S_PATH_MAX], q[VF_QUOTE_MAX];
    if (!json_is_object (v))
        return s_fail (c,
                       "%s must be a measure object {\"hasNumericalValue\", \"hasUnit\"}, not %s",
                       path, vf_json_kind (v));
    const char *key;
    size_t key_len;
    json_t *item;
    json_object_keylen_foreach ((json_t *) v, key, key_len, item)
    {
        if (strlen (key) != key_len ||
            (strcmp (key, "hasNumericalValue") && strcmp (key, "hasUnit")))
            return s_fail (c,
                           "%s: %s is not part of a measure (only hasNumericalValue and hasUnit)",
                           path, vf_quote (q, sizeof q, key, key_len));
    }
    static const char *const parts[] = { "hasNumericalValue", "hasUnit" };
    for (size_t i = 0; i < 2; i++) {
        snprintf (sub, sizeof sub, "%s.%s", path, parts[i]);
        const json_t *part = json_object_get (v, parts[i]);
        if (!part)
            return s_fail (c, "%s is required", sub);
        int rc = i == 0 ? s_check_decimal (c, sub, part) : s_check_unit (c, sub, part);
        if (rc)
            return rc;
    }
    return 0;
}

/*  One value of property p (an element, if p is many-valued). */
static int
s_check_one (const s_ctx_t *c, const char *path, const vf_prop_t *p, const json_t *v)
{
    char q[VF_QUOTE_MAX];
    if (json_is_null (v))
        return s_fail (c, "%s is null; leave the property out instead", path);
    if (p->type == VF_PT_MEASURE)
        return s_check_measure (c, path, v);
    if (p->type == VF_PT_DECIMAL)
        return s_check_decimal (c, path, v);
    if (p->type == VF_PT_BOOL)
        return json_is_boolean (v)
                   ? 0
                   : s_fail (c, "%s must be true or false, not %s", path, vf_json_kind (v));
    int rc = s_string (c, path, v);
    if (rc)
        return rc;
    const char *s = json_string_value (v), *hint;
    size_t len = json_string_length (v);
    switch (p->type) {
    case VF_PT_STRING:
        if (p->required && len == 0)
            return s_fail (c, "%s is empty", path);
        return 0;
    case VF_PT_IRI:
        if (p->target == VF_CLASS_UNIT && vf_unit_label_valid (s, len))
            return 0;
        if (p->target == VF_CLASS_UNIT && (rc = s_check_om2 (c, path, v)))
            return rc;
        __attribute__ ((fallthrough));
    case VF_PT_URI:
        if ((hint = vf_iri_reserved (s, len)))
            return s_fail (c, "%s: %s uses the scheme %s, which is reserved for vfnode", path,
                           s_q (q, v), hint);
        if (vf_iri_valid (s, len))
            return 0;
        return s_fail (c, "%s: %s is not an absolute IRI", path, s_q (q, v));
    case VF_PT_DATETIME:
        if (vf_datetime_valid (s, len))
            return 0;
        return s_fail (c, "%s: %s is not a date-time with a zone (like '2024-05-01T09:30:00Z')",
                       path, s_q (q, v));
    case VF_PT_ACTION:
        if (vf_action_by_name (s))
            return 0;
        if ((hint = s_suggest_action (s)))
            return s_fail (c, "%s %s is not a VF 1.0 action (did you mean '%s'?)", path, s_q (q, v),
                           hint);
        return s_fail (c, "%s %s is not a VF 1.0 action", path, s_q (q, v));
    case VF_PT_PURPOSE:
        if (!strcmp (s, "offer") || !strcmp (s, "request"))
            return 0;
        return s_fail (c, "%s %s must be 'offer' or 'request'", path, s_q (q, v));
    case VF_PT_MEASURE:
    case VF_PT_DECIMAL:
    case VF_PT_BOOL:
        break;
    }
    assert (!"property type not handled");
    return VF_EINVAL;
}

typedef struct {
    const char *s;
    size_t len;
    size_t idx;
} s_elem_t;

static int
s_elem_cmp (const void *a, const void *b)
{
    const s_elem_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp (x->s, y->s, n);
    if (r)
        return r;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->idx < y->idx ? -1 : 1;
}

/*  The elements of a many-valued property (already checked one by one)
    must differ and be in canonical order: ascending by their bytes, so
    that one set of values has one body. Every many-valued VF property
    holds strings (test_vocab checks the tables for it). */
static int
s_check_order (const s_ctx_t *c, const char *name, const json_t *arr)
{
    char q[VF_QUOTE_MAX];
    for (size_t i = 1; i < json_array_size (arr); i++) {
        const json_t *a = json_array_get (arr, i - 1), *b = json_array_get (arr, i);
        if (!json_is_string (a) || !json_is_string (b))
            continue;
        s_elem_t x = { json_string_value (a), json_string_length (a), 0 };
        s_elem_t y = { json_string_value (b), json_string_length (b), 1 };
        int cmp = s_elem_cmp (&x, &y);
        if (x.len == y.len && !memcmp (x.s, y.s, x.len))
            return s_fail (c, "%s[%zu] repeats %s (values must be unique)", name, i,
                           vf_quote (q, sizeof q, y.s, y.len));
        if (cmp > 0)
            return s_fail (c,
                           "%s[%zu] %s is not in canonical order (values are sorted by their "
                           "bytes)",
                           name, i, vf_quote (q, sizeof q, y.s, y.len));
    }
    return 0;
}

static int
s_check_prop (const s_ctx_t *c, const vf_prop_t *p, const json_t *v)
{
    char path[S_PATH_MAX];
    if (!p->many) {
        if (json_is_array (v))
            return s_fail (c, "%s takes one value, not an array", p->name);
        return s_check_one (c, p->name, p, v);
    }
    if (!json_is_array (v))
        return s_fail (c, "%s is many-valued: write a JSON array, not %s", p->name,
                       vf_json_kind (v));
    size_t n = json_array_size (v);
    if (n == 0)
        return s_fail (c, "%s is an empty array; leave the property out instead", p->name);
    for (size_t i = 0; i < n; i++) {
        snprintf (path, sizeof path, "%s[%zu]", p->name, i);
        int rc = s_check_one (c, path, p, json_array_get (v, i));
        if (rc)
            return rc;
    }
    return s_check_order (c, p->name, v);
}

/*  path + "." + key, quoting keys that are not plain printable text. */
static void
s_path_key (char out[S_PATH_MAX], const char *path, const char *key, size_t key_len)
{
    bool plain = key_len > 0;
    for (size_t i = 0; i < key_len && plain; i++)
        plain = key[i] > 0x20 && key[i] < 0x7f && key[i] != '\'' && key[i] != '\\';
    if (plain)
        snprintf (out, S_PATH_MAX, "%s.%s", path, key);
    else {
        char q[VF_QUOTE_MAX];
        snprintf (out, S_PATH_MAX, "%s.%s", path, vf_quote (q, sizeof q, key, key_len));
    }
}

/*  An extension value: any JSON but real numbers and NUL bytes, nested no
    deeper than VF_DEPTH_MAX (depth is the depth v would have). */
static int
s_check_ext (const s_ctx_t *c, const char *path, const json_t *v, int depth)
{
    char sub[S_PATH_MAX];
    switch (json_typeof (v)) {
    case JSON_REAL:
        return s_fail (c, "%s is a real number; write exact values as decimal strings (\"2.5\")",
                       path);
    case JSON_STRING:
        return s_string (c, path, v);
    case JSON_INTEGER:
        if (json_integer_value (v) > (json_int_t) VF_JSON_INT_MAX ||
            json_integer_value (v) < -(json_int_t) VF_JSON_INT_MAX)
            return s_fail (c,
                           "%s is an integer beyond 2^53-1, which JSON readers may not read "
                           "exactly; write it as a string",
                           path);
        return 0;
    case JSON_ARRAY:
    case JSON_OBJECT:
        if (depth > VF_DEPTH_MAX)
            return s_fail (c, "%s nests deeper than %d levels", path, VF_DEPTH_MAX);
        break;
    default:
        return 0;
    }
    if (json_is_array (v)) {
        for (size_t i = 0; i < json_array_size (v); i++) {
            snprintf (sub, sizeof sub, "%s[%zu]", path, i);
            int rc = s_check_ext (c, sub, json_array_get (v, i), depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    const char *key;
    size_t key_len;
    json_t *item;
    json_object_keylen_foreach ((json_t *) v, key, key_len, item)
    {
        s_path_key (sub, path, key, key_len);
        if (strlen (key) != key_len)
            return s_fail (c, "%s: a key contains a NUL byte", sub);
        int rc = s_check_ext (c, sub, item, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

/*  A key that is not one of the class's properties. */
static int
s_check_other_key (const s_ctx_t *c, const char *key, size_t key_len, const json_t *v)
{
    char q[VF_QUOTE_MAX];
    /*  The VF namespace in full, or as the compact "vf:" that would
        otherwise pass as an IRI with the scheme "vf". */
    const char *local = s_has_prefix (key, VF_NS)        ? key + strlen (VF_NS)
                        : s_has_prefix (key, VF_NS_HTTP) ? key + strlen (VF_NS_HTTP)
                        : s_has_prefix (key, "vf:")      ? key + 3
                                                         : NULL;
    if (local && vf_class_prop (c->cls, local))
        return s_fail (c, "%s: write VF properties by their short name ('%s')",
                       vf_quote (q, sizeof q, key, key_len), local);
    if (local)
        return s_fail (c, "%s is in the VF namespace but is not a property of %s in VF 1.0",
                       vf_quote (q, sizeof q, key, key_len), c->cls->name);
    const char *scheme = vf_iri_reserved (key, key_len);
    if (scheme)
        return s_fail (c, "%s uses the scheme %s, which is reserved for vfnode",
                       vf_quote (q, sizeof q, key, key_len), scheme);
    if (s_has_prefix (key, S_VFN_NS))
        return s_fail (c, "%s: extension properties cannot be in vfnode's namespace " S_VFN_NS,
                       vf_quote (q, sizeof q, key, key_len));
    if (vf_iri_valid (key, key_len))
        return s_check_ext (c, key, v, S_BODY_DEPTH + 1);
    if (key[0] == '@')
        return s_fail (c,
                       "%s is not allowed in a record body (no JSON-LD keywords but @id; the "
                       "class is kept outside the body)",
                       vf_quote (q, sizeof q, key, key_len));
    const char *owner = s_owner (c->cls, key);
    if (owner)
        return s_fail (c, "%s is not a property of %s in VF 1.0 (VF has it on %s)",
                       vf_quote (q, sizeof q, key, key_len), c->cls->name, owner);
    const char *hint = s_suggest_prop (c->cls, key);
    if (hint)
        return s_fail (c, "unknown property %s for %s (did you mean '%s'?)",
                       vf_quote (q, sizeof q, key, key_len), c->cls->name, hint);
    return s_fail (c, "unknown property %s for %s; extension properties need an absolute IRI key",
                   vf_quote (q, sizeof q, key, key_len), c->cls->name);
}

static int
s_check_keys (s_ctx_t *c)
{
    char q[VF_QUOTE_MAX];
    const char *key;
    size_t key_len;
    json_t *v;
    json_object_keylen_foreach ((json_t *) c->body, key, key_len, v)
    {
        if (strlen (key) != key_len)
            return s_fail (c, "property name %s contains a NUL byte",
                           vf_quote (q, sizeof q, key, key_len));
        if (!strcmp (key, "@id"))
            continue;
        const vf_prop_t *p = vf_class_prop (c->cls, key);
        int rc = p ? s_check_prop (c, p, v) : s_check_other_key (c, key, key_len, v);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < c->cls->nprops; i++)
        if (c->cls->props[i].required && !s_get (c, c->cls->props[i].name))
            return s_fail (c, "%s is required", c->cls->props[i].name);
    const json_t *action = s_get (c, "action");
    if (action && c->cls->is_flow)
        c->action = vf_action_by_name (json_string_value (action));
    return 0;
}

/*  ---- Second pass: class rules ---- */

static const char *
s_qty_name (vf_qty_kind_t k)
{
    return k == VF_QTY_RESOURCE ? "resource" : k == VF_QTY_EFFORT ? "effort" : "both";
}

/*  Flows: the quantities must be the kind the action's eventQuantity
    names. */
static int
s_rule_quantity_kind (const s_ctx_t *c)
{
    const vf_action_t *a = c->action;
    if (a->quantity == VF_QTY_RESOURCE && s_get (c, "effortQuantity"))
        return s_fail (
            c, "action '%s' takes resourceQuantity, not effortQuantity (VF eventQuantity: %s)",
            a->name, s_qty_name (a->quantity));
    if (a->quantity == VF_QTY_EFFORT && s_get (c, "resourceQuantity"))
        return s_fail (
            c, "action '%s' takes effortQuantity, not resourceQuantity (VF eventQuantity: %s)",
            a->name, s_qty_name (a->quantity));
    return 0;
}

/*  EconomicEvent: an observed flow says how much. */
static int
s_rule_quantity_required (const s_ctx_t *c)
{
    const vf_action_t *a = c->action;
    bool res = s_get (c, "resourceQuantity") != NULL, eff = s_get (c, "effortQuantity") != NULL;
    if (a->quantity == VF_QTY_RESOURCE && !res)
        return s_fail (c, "action '%s' needs resourceQuantity", a->name);
    if (a->quantity == VF_QTY_EFFORT && !eff)
        return s_fail (c, "action '%s' needs effortQuantity", a->name);
    if (a->quantity == VF_QTY_BOTH && !res && !eff)
        return s_fail (c, "action '%s' needs resourceQuantity or effortQuantity", a->name);
    return 0;
}

/*  The process links an action's inputOutput allows: input needs `in`
    and refuses `out`, output the reverse, outputInput may have either or
    both, notApplicable neither. required: whether the link is required. */
static int
s_links (const s_ctx_t *c, const char *in, const char *out, bool required)
{
    const vf_action_t *a = c->action;
    bool has_in = s_get (c, in) != NULL, has_out = s_get (c, out) != NULL;
    switch (a->io) {
    case VF_IO_INPUT:
        if (has_out)
            return s_fail (c, "action '%s' is an input and cannot have %s", a->name, out);
        if (required && !has_in)
            return s_fail (c, "action '%s' is an input and needs %s", a->name, in);
        return 0;
    case VF_IO_OUTPUT:
        if (has_in)
            return s_fail (c, "action '%s' is an output and cannot have %s", a->name, in);
        if (required && !has_out)
            return s_fail (c, "action '%s' is an output and needs %s", a->name, out);
        return 0;
    case VF_IO_NA:
        if (has_in || has_out)
            return s_fail (c, "action '%s' is not a process flow and cannot have %s", a->name,
                           has_in ? in : out);
        return 0;
    case VF_IO_OUTPUT_INPUT:
        return 0;
    }
    return 0;
}

/*  Events and commitments must name their process; an Intent (an offer or
    a request, e.g. of work hours) often does not know it yet, so for
    intents only a link that contradicts the action is refused. */
static int
s_rule_process_links (const s_ctx_t *c)
{
    return s_links (c, "inputOf", "outputOf", c->cls->id != VF_CLASS_INTENT);
}

static int
s_rule_recipe_links (const s_ctx_t *c)
{
    return s_links (c, "recipeInputOf", "recipeOutputOf", false);
}

/*  EconomicEvent: provider and receiver, for ownership and transfers. */
static int
s_rule_agents (const s_ctx_t *c)
{
    if (!s_get (c, "provider"))
        return s_fail (c,
                       "provider is required on an EconomicEvent (the agent the flow comes from)");
    if (!s_get (c, "receiver"))
        return s_fail (c, "receiver is required on an EconomicEvent (the agent the flow is for)");
    return 0;
}

/*  EconomicEvent: which resource, except for work (skill optional). */
static int
s_rule_resource_ref (const s_ctx_t *c)
{
    if (c->action->id == VF_ACTION_WORK || s_get (c, "resourceInventoriedAs") ||
        s_get (c, "resourceConformsTo") || s_get (c, "resourceClassifiedAs"))
        return 0;
    return s_fail (c,
                   "action '%s' needs its resource: resourceInventoriedAs, resourceConformsTo "
                   "or resourceClassifiedAs",
                   c->action->name);
}

/*  Does the action itself (without an implied transfer) act on a
    receiver-side resource? */
static bool
s_uses_to_resource (const vf_action_t *a)
{
    return a->accounting == VF_QE_DECREMENT_INCREMENT || a->accounting == VF_QE_INCREMENT_TO ||
           a->onhand == VF_QE_DECREMENT_INCREMENT || a->onhand == VF_QE_INCREMENT_TO ||
           a->location == VF_SE_UPDATE_TO || a->accountable == VF_SE_UPDATE_TO ||
           a->state == VF_SE_UPDATE_TO || a->create == VF_CREATE_OPTIONAL_TO ||
           a->contained == VF_SE_UPDATE;
}

/*  EconomicEvent: toResourceInventoriedAs only where the action uses it. */
static int
s_rule_to_resource (const s_ctx_t *c)
{
    const vf_action_t *a = c->action;
    if (!s_get (c, "toResourceInventoriedAs") || s_uses_to_resource (a))
        return 0;
    const json_t *prov = s_get (c, "provider"), *recv = s_get (c, "receiver");
    if (a->implied_transfer != VF_ACTION_NONE) {
        if (!json_equal (prov, recv))
            return 0;
        return s_fail (c,
                       "action '%s' uses toResourceInventoriedAs only as an implied %s, when "
                       "provider and receiver differ",
                       a->name, vf_action_get (a->implied_transfer)->name);
    }
    return s_fail (c,
                   "action '%s' has no receiver-side resource, so no toResourceInventoriedAs "
                   "(used by transfers, move, copy, combine and implied transfers)",
                   a->name);
}

/*  Either a point in time, or a beginning and/or an end; and not a
    beginning after the end. */
static int
s_rule_time (const s_ctx_t *c)
{
    char q1[VF_QUOTE_MAX], q2[VF_QUOTE_MAX];
    const json_t *b = s_get (c, "hasBeginning"), *e = s_get (c, "hasEnd");
    if (s_get (c, "hasPointInTime") && (b || e))
        return s_fail (c,
                       "hasPointInTime cannot be combined with %s (VF: a point in time, or a "
                       "beginning and/or end)",
                       b ? "hasBeginning" : "hasEnd");
    vf_instant_t tb, te;
    if (b && e && vf_datetime_parse (json_string_value (b), json_string_length (b), &tb) &&
        vf_datetime_parse (json_string_value (e), json_string_length (e), &te) &&
        vf_instant_cmp (&tb, &te) > 0)
        return s_fail (c, "hasBeginning %s is after hasEnd %s", s_q (q1, b), s_q (q2, e));
    return 0;
}

/*  Negative quantities only on a correcting EconomicEvent. */
static int
s_rule_negative (const s_ctx_t *c)
{
    char q[VF_QUOTE_MAX];
    if (c->cls->id == VF_CLASS_ECONOMIC_EVENT && s_get (c, "corrects"))
        return 0;
    for (size_t i = 0; i < c->cls->nprops; i++) {
        const vf_prop_t *p = &c->cls->props[i];
        const json_t *m = p->type == VF_PT_MEASURE ? s_get (c, p->name) : NULL;
        const json_t *v = m ? json_object_get (m, "hasNumericalValue") : NULL;
        vf_decimal_t d;
        if (v &&
            vf_decimal_parse_canonical (&d, json_string_value (v), json_string_length (v), NULL) ==
                0 &&
            vf_decimal_sign (d) < 0)
            return s_fail (c,
                           "%s.hasNumericalValue %s is negative; only an EconomicEvent that "
                           "corrects another may carry negative quantities",
                           p->name, s_q (q, v));
    }
    return 0;
}

/*  EconomicResource: the economic fields follow from events (VF
    concepts/resources.md), with events that change each as the example. */
static const struct {
    const char *name;
    const char *events;
} s_event_fields[] = {
    { "accountingQuantity", "raise, produce" },
    { "onhandQuantity", "raise, produce" },
    { "primaryAccountable", "produce, transfer" },
    { "currentLocation", "move, transfer with toLocation" },
    { "containedIn", "combine, separate" },
    { "contains", "combine, separate of the contained resources" },
    { "stage", "produce, modify" },
    { "state", "modify, accept with state" },
};

static int
s_rule_resource_fields (const s_ctx_t *c)
{
    for (size_t i = 0; i < sizeof s_event_fields / sizeof s_event_fields[0]; i++)
        if (s_get (c, s_event_fields[i].name))
            return s_fail (c, "%s is changed by events (e.g. %s), not set on the resource record",
                           s_event_fields[i].name, s_event_fields[i].events);
    return 0;
}

static int
s_rule_resource_kind (const s_ctx_t *c)
{
    if (s_get (c, "conformsTo") || s_get (c, "classifiedAs"))
        return 0;
    return s_fail (
        c, "an EconomicResource needs conformsTo (its ResourceSpecification) or classifiedAs");
}

/*  Confirmation: confirmsEntry is the confirmed entry's id, vfe_... */
static int
s_rule_confirmation (const s_ctx_t *c)
{
    char q[VF_QUOTE_MAX];
    const json_t *id = s_get (c, "confirmsEntry");
    uint8_t bytes[VF_HASH_BYTES];
    vf_err_t why = { 0 };
    if (id && vf_text_decode (bytes, VF_TEXT_ID, json_string_value (id), &why) != 0)
        return s_fail (c, "confirmsEntry %s is not an entry id: %s", s_q (q, id), why.msg);
    return 0;
}

/*  The class rules, in the order they are checked, each with the classes
    it applies to. */
#define CL(x) ((uint64_t) 1 << VF_CLASS_##x)
#define S_FLOWS                                                                                    \
    (CL (ECONOMIC_EVENT) | CL (COMMITMENT) | CL (INTENT) | CL (CLAIM) | CL (RECIPE_FLOW))
#define S_ALL UINT64_MAX
_Static_assert(VF_CLASS_ALL_COUNT <= 64, "class masks are 64 bits");

static const struct {
    uint64_t classes;
    bool needs_action;
    int (*check) (const s_ctx_t *c);
} s_rules[] = {
    { S_FLOWS, true, s_rule_quantity_kind },
    { CL (ECONOMIC_EVENT), true, s_rule_quantity_required },
    { CL (ECONOMIC_EVENT) | CL (COMMITMENT) | CL (INTENT), true, s_rule_process_links },
    { CL (RECIPE_FLOW), true, s_rule_recipe_links },
    { CL (ECONOMIC_EVENT), false, s_rule_agents },
    { CL (ECONOMIC_EVENT), true, s_rule_resource_ref },
    { CL (ECONOMIC_EVENT), true, s_rule_to_resource },
    { S_ALL, false, s_rule_time },
    { S_ALL, false, s_rule_negative },
    { CL (ECONOMIC_RESOURCE), false, s_rule_resource_fields },
    { CL (ECONOMIC_RESOURCE), false, s_rule_resource_kind },
    { CL (CONFIRMATION), false, s_rule_confirmation },
};
#undef CL

int
vf_validate_record (const vf_class_t *cls, const json_t *body, vf_err_t *err)
{
    assert (cls);
    char q[VF_QUOTE_MAX];
    s_ctx_t c = { .cls = cls, .body = body, .err = err };
    snprintf (c.who, sizeof c.who, "%s", cls->name);
    if (!json_is_object (body))
        return s_fail (&c, "a record body must be a JSON object, not %s",
                       body ? vf_json_kind (body) : "nothing");
    const json_t *id = json_object_get (body, "@id");
    if (!id)
        return s_fail (&c, "@id is required (an absolute IRI)");
    if (!json_is_string (id))
        return s_fail (&c, "@id must be an absolute IRI string, not %s", vf_json_kind (id));
    const char *scheme = vf_iri_reserved (json_string_value (id), json_string_length (id));
    if (scheme)
        return s_fail (&c, "@id %s uses the scheme %s, which is reserved for vfnode", s_q (q, id),
                       scheme);
    if (!vf_iri_valid (json_string_value (id), json_string_length (id)))
        return s_fail (&c, "@id %s is not an absolute IRI", s_q (q, id));
    snprintf (c.who, sizeof c.who, "%s %s", cls->name, s_q (q, id));

    int rc = s_check_keys (&c);
    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof s_rules / sizeof s_rules[0]; i++) {
        if (!(s_rules[i].classes & ((uint64_t) 1 << cls->id)))
            continue;
        if (s_rules[i].needs_action && !c.action)
            continue; /* not a flow class: nothing to check */
        rc = s_rules[i].check (&c);
        if (rc)
            return rc;
    }
    return 0;
}
