/*  vf_jsonld_context.c - JSON-LD contexts as vfnode reads them: term and
    prefix definitions, IRI expansion, and the scan that refuses JSON
    numbers a reader may not read exactly. What a context may hold is in
    docs/PROTOCOL.md "JSON-LD form of an entry". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_jsonld.h"
#include "vf_jsonld_int.h"
#include "vf_limits.h"
#include "vf_vocab.h"

/*  Remote contexts accepted without fetching them: the VF ones, exactly. */
static const char *const s_remote_contexts[] = {
    "https://w3id.org/valueflows/ont/vf.jsonld",
    "http://w3id.org/valueflows/ont/vf.jsonld",
    "https://git.io/vf-examples-jsonld-context",
    "https://raw.githubusercontent.com/valueflows/vf-examples-jsonld-context/master/context.jsonld",
};

/*  Keys an expanded term definition may have. */
static const char *const s_def_keys[] = { "@id", "@type", "@container", "@prefix" };

/*  Terms being defined from one local context: the local object, and per
    key whether it is being defined (cycle) or done. */
typedef struct {
    vf_ld_ctx_t *ctx;
    const json_t *local;
    json_t *state; /* key -> false (in progress) / true (done) */
    vf_err_t *err;
} s_define_t;

static int s_define (s_define_t *d, const char *key);

static const char *
s_q (char buf[VF_QUOTE_MAX], const char *s)
{
    return vf_quote (buf, VF_QUOTE_MAX, s, strlen (s));
}

static bool
s_is_keyword_form (const char *s)
{
    return s[0] == '@';
}

/*  Does iri end in a gen-delim (RFC 3986), so that JSON-LD 1.1 uses a
    simple term for it as a prefix? */
static bool
s_gen_delim_end (const char *iri)
{
    size_t n = strlen (iri);
    return n > 0 && strchr (":/?#[]@", iri[n - 1]) != NULL;
}

static char *
s_concat (const char *a, const char *b)
{
    char *out = NULL;
    if (asprintf (&out, "%s%s", a, b) < 0)
        return NULL;
    return out;
}

/*  The expansion rule, against ctx plus (while a local context is being
    read) the terms d still has to define. */
static int
s_expand (s_define_t *d, const vf_ld_ctx_t *ctx, const char *s, bool vocab, char **out,
          const json_t **def, vf_err_t *err)
{
    char q[VF_QUOTE_MAX], q2[VF_QUOTE_MAX];
    *out = NULL;
    if (def)
        *def = NULL;
    if (vocab && d && s[0] != '@' && json_object_get (d->local, s)) {
        int rc = s_define (d, s);
        if (rc)
            return rc;
    }
    const json_t *term = vocab ? json_object_get (ctx->terms, s) : NULL;
    if (term) {
        if (def)
            *def = term;
        *out = strdup (json_string_value (json_object_get (term, "@id")));
        return *out ? 0 : VF_ENOMEM;
    }
    const char *colon = strchr (s, ':');
    if (colon && colon != s && strncmp (colon + 1, "//", 2) != 0 && strncmp (s, "_:", 2) != 0) {
        size_t plen = (size_t) (colon - s);
        char *prefix = strndup (s, plen);
        if (!prefix)
            return VF_ENOMEM;
        int rc = 0;
        if (d && prefix[0] != '@' && json_object_get (d->local, prefix))
            rc = s_define (d, prefix);
        const json_t *p = rc ? NULL : json_object_get (ctx->terms, prefix);
        if (p && !json_is_true (json_object_get (p, "prefix")))
            rc = vf_err_set (err, VF_EINVALID,
                             "%s uses %s as a prefix, but JSON-LD 1.1 does not expand it: a "
                             "prefix's IRI must end in '/' or '#' (or its definition must say "
                             "\"@prefix\": true)",
                             s_q (q, s), s_q (q2, prefix));
        else if (p &&
                 !(*out = s_concat (json_string_value (json_object_get (p, "@id")), colon + 1)))
            rc = VF_ENOMEM;
        free (prefix);
        if (rc || *out)
            return rc;
    }
    if (vocab && !colon) /* @vocab is always VF */
        *out = s_concat (VF_NS, s);
    else
        *out = strdup (s);
    return *out ? 0 : VF_ENOMEM;
}

int
vf_ld_expand (const vf_ld_ctx_t *ctx, const char *s, bool vocab, char **out, const json_t **def,
              vf_err_t *err)
{
    return s_expand (NULL, ctx, s, vocab, out, def, err);
}

/*  The "@type" of a term definition: "@id", "@vocab", "@json" or a
    datatype IRI (expanded). */
static int
s_def_type (s_define_t *d, const char *key, const json_t *type, json_t *out)
{
    char q[VF_QUOTE_MAX];
    if (!json_is_string (type))
        return vf_err_set (d->err, VF_EINVALID, "@context term %s: @type must be a string",
                           s_q (q, key));
    const char *t = json_string_value (type);
    if (!strcmp (t, "@id") || !strcmp (t, "@vocab") || !strcmp (t, "@json"))
        return json_object_set_new (out, "@type", json_string (t)) ? VF_ENOMEM : 0;
    if (s_is_keyword_form (t))
        return vf_err_set (d->err, VF_EINVALID,
                           "@context term %s: @type %s is not supported (only @id, @vocab, "
                           "@json or a datatype IRI)",
                           s_q (q, key), s_q (q, t));
    char *iri = NULL;
    int rc = s_expand (d, d->ctx, t, true, &iri, NULL, d->err);
    if (rc == 0 && json_object_set_new (out, "@type", json_string (iri)))
        rc = VF_ENOMEM;
    free (iri);
    return rc;
}

static int
s_def_container (s_define_t *d, const char *key, const json_t *c)
{
    char q[VF_QUOTE_MAX];
    if (json_is_array (c) && json_array_size (c) == 1)
        c = json_array_get (c, 0);
    if (json_is_string (c) && !strcmp (json_string_value (c), "@set"))
        return 0; /* an array is a set already */
    if (json_is_string (c) && !strcmp (json_string_value (c), "@list"))
        return vf_err_set (d->err, VF_EINVALID,
                           "@context term %s: @container @list is not supported (ValueFlows "
                           "properties hold unordered values)",
                           s_q (q, key));
    return vf_err_set (d->err, VF_EINVALID,
                       "@context term %s: only \"@container\": \"@set\" is supported",
                       s_q (q, key));
}

/*  Check an expanded term definition's keys and read its @type,
    @container and @prefix into out; *id_raw is its @id (or NULL). */
static int
s_def_object (s_define_t *d, const char *key, const json_t *def, json_t *out, const json_t **id_raw)
{
    char q[VF_QUOTE_MAX], q2[VF_QUOTE_MAX];
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *) def, k, v) {
        bool known = false;
        for (size_t i = 0; i < sizeof s_def_keys / sizeof s_def_keys[0]; i++)
            known = known || !strcmp (k, s_def_keys[i]);
        if (!known)
            return vf_err_set (d->err, VF_EINVALID,
                               "@context term %s: %s is not supported in a term definition "
                               "(only @id, @type, @container: @set, @prefix)",
                               s_q (q, key), s_q (q2, k));
    }
    int rc = 0;
    const json_t *type = json_object_get (def, "@type");
    const json_t *container = json_object_get (def, "@container");
    const json_t *prefix = json_object_get (def, "@prefix");
    if (type && (rc = s_def_type (d, key, type, out)))
        return rc;
    if (container && (rc = s_def_container (d, key, container)))
        return rc;
    if (prefix && !json_is_boolean (prefix))
        return vf_err_set (d->err, VF_EINVALID, "@context term %s: @prefix must be true or false",
                           s_q (q, key));
    if (json_is_true (prefix) && json_object_set_new (out, "prefix", json_true ()))
        return VF_ENOMEM;
    *id_raw = json_object_get (def, "@id");
    if (*id_raw && !json_is_string (*id_raw))
        return vf_err_set (d->err, VF_EINVALID, "@context term %s: @id must be an IRI string",
                           s_q (q, key));
    return 0;
}

/*  The IRI of term key with the raw @id value id_raw (NULL: none). */
static int
s_def_iri (s_define_t *d, const char *key, const json_t *id_raw, char **iri)
{
    char q[VF_QUOTE_MAX], q2[VF_QUOTE_MAX];
    const char *raw = id_raw ? json_string_value (id_raw) : NULL;
    if (raw && strlen (raw) != json_string_length (id_raw))
        return vf_err_set (d->err, VF_EINVALID, "@context term %s: the IRI contains a NUL byte",
                           s_q (q, key));
    if (raw && s_is_keyword_form (raw))
        return vf_err_set (d->err, VF_EINVALID,
                           "@context term %s maps to the keyword %s; keyword aliases are not "
                           "supported: write %s itself",
                           s_q (q, key), s_q (q2, raw), raw);
    if (raw && strncmp (raw, "_:", 2) == 0)
        return vf_err_set (d->err, VF_EINVALID,
                           "@context term %s maps to the blank node %s; terms must be IRIs",
                           s_q (q, key), s_q (q2, raw));
    int rc = 0;
    if (strchr (key, ':')) {
        /* a compact or absolute IRI as a term always means its own IRI */
        rc = s_expand (d, d->ctx, key, false, iri, NULL, d->err);
        char *other = NULL;
        if (rc == 0 && raw && (rc = s_expand (d, d->ctx, raw, true, &other, NULL, d->err)) == 0 &&
            strcmp (*iri, other) != 0)
            rc = vf_err_set (d->err, VF_EINVALID,
                             "@context term %s is an IRI itself and cannot be mapped to %s",
                             s_q (q, key), s_q (q2, raw));
        free (other);
    } else if (!raw || !strcmp (raw, key)) /* the term's IRI comes from @vocab (VF) */
        rc = (*iri = s_concat (VF_NS, key)) ? 0 : VF_ENOMEM;
    else
        rc = s_expand (d, d->ctx, raw, true, iri, NULL, d->err);
    if (rc == 0 && strlen (*iri) > VF_IRI_MAX)
        rc = vf_err_set (d->err, VF_ETOOBIG, "@context term %s: IRI %s is longer than %d bytes",
                         s_q (q, key), s_q (q2, *iri), VF_IRI_MAX);
    return rc;
}

/*  Define the term key of the local context (once; its IRI may use other
    terms of the same context, which are defined first). */
static int
s_define (s_define_t *d, const char *key)
{
    char q[VF_QUOTE_MAX], q2[VF_QUOTE_MAX];
    const json_t *state = json_object_get (d->state, key);
    if (json_is_true (state))
        return 0;
    if (state)
        return vf_err_set (d->err, VF_EINVALID, "@context term %s is defined through itself",
                           s_q (q, key));
    if (json_object_set_new (d->state, key, json_false ()))
        return VF_ENOMEM;
    const json_t *def = json_object_get (d->local, key);
    json_t *out = json_object ();
    if (!out)
        return VF_ENOMEM;
    const json_t *id_raw = NULL;
    char *iri = NULL;
    int rc = 0;
    if (json_is_null (def))
        rc = vf_err_set (d->err, VF_EINVALID,
                         "@context term %s is null, which makes JSON-LD drop the term; remove "
                         "the term or its uses instead",
                         s_q (q, key));
    else if (json_is_string (def))
        id_raw = def;
    else if (json_is_object (def))
        rc = s_def_object (d, key, def, out, &id_raw);
    else
        rc = vf_err_set (d->err, VF_EINVALID,
                         "@context term %s: expected an IRI string or {\"@id\": IRI, ...}",
                         s_q (q, key));
    if (rc == 0)
        rc = s_def_iri (d, key, id_raw, &iri);
    if (rc == 0 && !strcmp (key, VF_VFN_PREFIX) && strcmp (iri, VF_VFN_NS) != 0)
        rc = vf_err_set (d->err, VF_EINVALID,
                         "@context term 'vfn' is %s; vfn is vfnode's prefix and must be %s",
                         s_q (q2, iri), VF_VFN_NS);
    bool prefix = json_is_string (def) && !strchr (key, ':') && s_gen_delim_end (iri ? iri : "");
    if (rc == 0 && ((prefix && json_object_set_new (out, "prefix", json_true ())) ||
                    json_object_set_new (out, "@id", json_string (iri)) ||
                    json_object_set_new (d->ctx->terms, key, json_incref (out)) ||
                    json_object_set_new (d->state, key, json_true ())))
        rc = VF_ENOMEM;
    free (iri);
    json_decref (out);
    return rc;
}

static int
s_ctx_object (vf_ld_ctx_t *ctx, const json_t *obj, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    s_define_t d = { ctx, obj, json_object (), err };
    if (!d.state)
        return VF_ENOMEM;
    int rc = 0;
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) obj, key, val) {
        if (!strcmp (key, "@vocab")) {
            if (!json_is_string (val) || (strcmp (json_string_value (val), VF_NS) &&
                                          strcmp (json_string_value (val), VF_NS_HTTP)))
                rc = vf_err_set (err, VF_EINVALID,
                                 "@context @vocab must be the ValueFlows namespace %s", VF_NS);
        } else if (!strcmp (key, "@version")) {
            if (!json_is_number (val) || json_number_value (val) != 1.1)
                rc = vf_err_set (err, VF_EINVALID, "@context @version must be 1.1");
        } else if (s_is_keyword_form (key))
            rc =
                vf_err_set (err, VF_EINVALID, "@context keyword %s is not supported", s_q (q, key));
        else
            rc = s_define (&d, key);
        if (rc)
            break;
    }
    json_decref (d.state);
    return rc;
}

/*  Apply a "@context" value (a URL, an object or an array of them). */
static int
s_ctx_apply (vf_ld_ctx_t *ctx, const json_t *value, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
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
        for (size_t k = 0; k < sizeof s_remote_contexts / sizeof s_remote_contexts[0]; k++)
            if (!strcmp (url, s_remote_contexts[k]))
                return 0;
        return vf_err_set (err, VF_EINVALID,
                           "remote @context %s cannot be fetched: put its terms in an inline "
                           "@context (only the ValueFlows context URLs are known)",
                           s_q (q, url));
    }
    if (json_is_object (value))
        return s_ctx_object (ctx, value, err);
    if (json_is_null (value))
        return vf_err_set (err, VF_EINVALID,
                           "a null @context (which would also drop the prefix vfn) is not "
                           "supported");
    return vf_err_set (err, VF_EINVALID, "@context must be an object, a URL or an array");
}

int
vf_ld_ctx_root (vf_ld_ctx_t *ctx)
{
    /* "vfn" is predefined, so that an entry's annotation is read even
       from a document that does not declare it */
    ctx->terms = json_pack ("{s:{s:s, s:b}}", VF_VFN_PREFIX, "@id", VF_VFN_NS, "prefix", 1);
    return ctx->terms ? 0 : VF_ENOMEM;
}

int
vf_ld_ctx_child (vf_ld_ctx_t *child, const vf_ld_ctx_t *parent, const json_t *local, vf_err_t *err)
{
    if (!local) {
        child->terms = json_incref (parent->terms);
        return 0;
    }
    /* a shallow copy (definitions are shared), checked: json_copy ignores
       a failed insertion and would silently drop terms */
    child->terms = json_object ();
    const char *key;
    json_t *def;
    json_object_foreach (parent->terms, key, def) {
        if (child->terms && json_object_set (child->terms, key, def))
            vf_ld_ctx_release (child);
    }
    if (!child->terms)
        return VF_ENOMEM;
    int rc = s_ctx_apply (child, local, err);
    if (rc)
        vf_ld_ctx_release (child);
    return rc;
}

void
vf_ld_ctx_release (vf_ld_ctx_t *ctx)
{
    json_decref (ctx->terms);
    ctx->terms = NULL;
}

json_t *
vf_ld_copy (const json_t *v)
{
    json_t *out = NULL;
    size_t idx;
    const char *key;
    json_t *x;
    if (json_is_object (v)) {
        out = json_object ();
        json_object_foreach ((json_t *) v, key, x) {
            if (out && json_object_set_new (out, key, vf_ld_copy (x)))
                json_decref (out), out = NULL;
        }
    } else if (json_is_array (v)) {
        out = json_array ();
        json_array_foreach (v, idx, x) {
            if (out && json_array_append_new (out, vf_ld_copy (x)))
                json_decref (out), out = NULL;
        }
    } else if (v)
        out = json_deep_copy (v); /* a scalar: one allocation, or NULL */
    return out;
}

/* ------------------------------------------------------------ numbers */

/*  Skip the JSON string starting at text[*i] == '"'. */
static void
s_skip_string (const char *text, size_t len, size_t *i)
{
    for ((*i)++; *i < len; (*i)++) {
        if (text[*i] == '\\')
            (*i)++;
        else if (text[*i] == '"') {
            (*i)++;
            return;
        }
    }
}

/*  Is the number token t (n bytes) one a JSON reader gets exactly? */
static bool
s_number_ok (const char *t, size_t n)
{
    size_t first = 0, last = 0, digits = 0, pos = 0;
    bool integer = true;
    for (size_t k = 0; k < n; k++) {
        char c = t[k];
        if (c == 'e' || c == 'E')
            break;
        if (c == '.')
            integer = false;
        if (c < '0' || c > '9')
            continue;
        pos++;
        if (c != '0') {
            if (!first)
                first = pos;
            last = pos;
        }
    }
    digits = first ? last - first + 1 : 0;
    if (digits <= VF_JSON_NUMBER_DIGITS_MAX)
        return true;
    if (!integer || memchr (t, 'e', n) || memchr (t, 'E', n))
        return false;
    const char *p = t[0] == '-' ? t + 1 : t;
    size_t plen = (size_t) (t + n - p);
    char max[32];
    int mlen = snprintf (max, sizeof max, "%llu", VF_JSON_INT_MAX);
    return plen < (size_t) mlen || (plen == (size_t) mlen && memcmp (p, max, plen) <= 0);
}

int
vf_ld_scan_numbers (const char *text, size_t len, vf_err_t *err)
{
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (c == '"') {
            s_skip_string (text, len, &i);
            continue;
        }
        if (c == '\n')
            line++, line_start = i + 1;
        if (c != '-' && (c < '0' || c > '9')) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && strchr ("0123456789+-.eE", text[i]) && text[i])
            i++;
        if (!s_number_ok (text + start, i - start)) {
            char q[VF_QUOTE_MAX];
            return vf_err_set (err, VF_ERANGE,
                               "line %zu column %zu: the number %s has more than %d significant "
                               "digits, which JSON readers may not read exactly; write it as a "
                               "string (\"...\")",
                               line, start - line_start + 1,
                               vf_quote (q, sizeof q, text + start, i - start),
                               VF_JSON_NUMBER_DIGITS_MAX);
        }
    }
    return 0;
}
