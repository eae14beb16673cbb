/*  vf_jsonld_int.h - what the JSON-LD import files share: the active
    context (terms and prefixes), IRI expansion and the number scan.
    Included by protocol/vf_jsonld*.c only.
*/
#ifndef VF_JSONLD_INT_H
#define VF_JSONLD_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "vf_error.h"

#define VF_XSD_NS "http://www.w3.org/2001/XMLSchema#"

/*  The active context: term -> definition, a JSON object of
      "@id"     the term's IRI, expanded (always present)
      "@type"   the coercion: "@id", "@vocab", "@json" or a datatype IRI
                (absent if none)
      "prefix"  true if the term may be used as a prefix in compact IRIs
                (JSON-LD 1.1: a simple definition ending in a gen-delim,
                or "@prefix": true)
    @vocab is always the VF namespace. Contexts are shared by reference
    (json_incref) and never changed once built. */
typedef struct {
    json_t *terms;
} vf_ld_ctx_t;

/*  The document's starting context: only the predefined prefix vfn. */
int vf_ld_ctx_root (vf_ld_ctx_t *ctx);

/*  child = parent with the "@context" value local (NULL: none) applied.
    Without a local context the parent's terms are shared, not copied.
    Errors: VF_EINVALID (what the context holds that we refuse, with a
    message), VF_ETOOBIG, VF_ENOMEM. */
int vf_ld_ctx_child (vf_ld_ctx_t *child, const vf_ld_ctx_t *parent, const json_t *local,
                     vf_err_t *err);

void vf_ld_ctx_release (vf_ld_ctx_t *ctx);

/*  Expand s as JSON-LD does: with vocab (keys, @type values, @vocab-typed
    values) terms are looked up and a bare name gets the VF namespace;
    without (@id values, references) only prefixes apply. A compact IRI
    p:x expands if p is a prefix; an undefined p leaves s as it is (an
    absolute IRI). *out is a new string (caller frees); *def (if not NULL)
    the term's definition when s was a term. Errors: VF_EINVALID (p is a
    term that JSON-LD 1.1 does not use as a prefix), VF_ENOMEM. */
int vf_ld_expand (const vf_ld_ctx_t *ctx, const char *s, bool vocab, char **out, const json_t **def,
                  vf_err_t *err);

/*  Refuse JSON number tokens in text that a JSON reader may not read
    exactly: more than VF_JSON_NUMBER_DIGITS_MAX significant digits,
    unless an integer of at most VF_JSON_INT_MAX. Strings are skipped.
    VF_ERANGE with line and column. */
int vf_ld_scan_numbers (const char *text, size_t len, vf_err_t *err);

/*  A deep copy of v, or NULL if out of memory. (json_deep_copy and
    json_copy of jansson 2.14 ignore some failed insertions and may return
    a partial copy; this one does not.) */
json_t *vf_ld_copy (const json_t *v);

/*  Sort the values of a many-valued property by their bytes and drop
    repeats (the body's normal form). Arrays holding anything but strings
    are left alone, for the validator to refuse. 0 or VF_ENOMEM. */
int vf_jsonld_sort_values (json_t *arr);

#endif
