/*  vf_lexical.h - the text forms record bodies use: absolute IRIs, OM2
    unit labels and xsd:dateTimeStamp date-times. Pure functions. */
#ifndef VF_LEXICAL_H
#define VF_LEXICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  Longest unit label accepted in hasUnit: [A-Za-z][A-Za-z0-9_-]{0,63}.
    OM2 labels are short ("kilogram", "cubicMetre"); longer ones are IRIs. */
#define VF_UNIT_LABEL_MAX 64

/*  Is s (len bytes) an absolute IRI we accept: a scheme (letter, then
    letters, digits, "+", "-", "."), ":", then at least one character, no
    spaces, controls or any of <>"{}|\^`, valid UTF-8, at most VF_IRI_MAX
    bytes. */
bool vf_iri_valid (const char *s, size_t len);

/*  The OM2 units namespace (the VF docs write its units as om2:kilogram),
    and the https:// spelling, which is read as the same namespace. */
#define VF_OM2_NS "http://www.ontology-of-units-of-measure.org/resource/om-2/"
#define VF_OM2_NS_HTTPS "https://www.ontology-of-units-of-measure.org/resource/om-2/"

/*  Does the IRI use the scheme "vfn:" or "om2:"? Both are reserved:
    vfnode's JSON-LD context maps the prefixes vfn (to urn:vfnode:) and om2
    (to VF_OM2_NS), so an IRI written with such a scheme would change
    meaning on export and import. Returns the scheme ("vfn:", "om2:") or
    NULL. */
const char *vf_iri_reserved (const char *s, size_t len);

/*  If s is in the OM2 namespace (either spelling) or written "om2:x",
    the local name after it (pointing into s), else NULL. */
const char *vf_om2_local (const char *s, size_t len);

/*  Is s an OM2-style unit label ([A-Za-z][A-Za-z0-9_-]*, at most
    VF_UNIT_LABEL_MAX bytes)? */
bool vf_unit_label_valid (const char *s, size_t len);

/*  An xsd:dateTimeStamp as an instant: seconds since 1970-01-01T00:00:00Z
    and the fraction digits, for comparing. */
typedef struct {
    int64_t secs;
    const char *frac;
    size_t fraclen;
} vf_instant_t;

/*  Parse an xsd:dateTimeStamp YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
    with field ranges checked. out->frac points into s. */
bool vf_datetime_parse (const char *s, size_t len, vf_instant_t *out);

/*  Is s such a date-time? */
bool vf_datetime_valid (const char *s, size_t len);

/*  -1, 0, 1 as a is before, at, after b (time zones and fractions
    accounted for). */
int vf_instant_cmp (const vf_instant_t *a, const vf_instant_t *b);

#endif
