/*  vf_validate.h - the ValueFlows rules a record must keep to be signed,
    stored or relayed.

    A record is a class (vf_vocab.h) and a body: a jansson JSON object in the
    normal form of docs/PROTOCOL.md "Record bodies" - "@id" (absolute IRI),
    VF property names as keys, references as IRI strings, many-valued
    properties as arrays, measures as {"hasNumericalValue": "<canonical
    decimal>", "hasUnit": "..."}, and extension properties under absolute
    IRI keys. The JSON-LD importer produces this form; the entry codec
    carries it.

    Messages name the record, the property, the value and what would be
    accepted, e.g.
      EconomicEvent 'urn:x:1': action 'consume' is an input and needs inputOf
      EconomicEvent 'urn:x:1': resourceQuantity.hasNumericalValue: '12,5' is not a decimal
*/
#ifndef VF_VALIDATE_H
#define VF_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vf_error.h"
#include "vf_lexical.h"
#include "vf_vocab.h"

/*  Check body against every rule for cls. Returns 0, or VF_EINVALID with a
    message in err. body is not modified. */
int vf_validate_record (const vf_class_t *cls, const json_t *body, vf_err_t *err);

/*  What kind of JSON value v is, for messages: "an object", "a string",
    "a real number", "null" ... Never NULL. */
const char *vf_json_kind (const json_t *v);

#endif
