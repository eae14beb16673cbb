/*  vf_effects.h - what an EconomicEvent does to the resources it names.

    vf_effects_of reads one event body (the normal form of docs/PROTOCOL.md
    "Record bodies") and lists its effects on resourceInventoriedAs (the
    FROM side) and toResourceInventoriedAs (the TO side), following the
    action table of vf_vocab.c and VF's implied transfers. It is pure: the
    result depends on the body only, never on other records or on the order
    events arrive in, so the store can apply the effects of many events in
    any order (quantities add up; the modes below say which value wins).
    docs/VOCABULARY.md "Effects of an event" gives every rule.

    Ownership: every string in a vf_fx_t (resource, unit, value) points into
    the body passed in, and is valid while the body lives and is not
    modified. Nothing is allocated.
*/
#ifndef VF_EFFECTS_H
#define VF_EFFECTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vf_decimal.h"
#include "vf_error.h"

/*  Which resource of the event an effect is on. */
typedef enum {
    VF_SIDE_FROM = 0, /* resourceInventoriedAs */
    VF_SIDE_TO = 1    /* toResourceInventoriedAs */
} vf_side_t;

/*  Which economic field of the resource changes. The names in brackets
    are the EconomicResource properties (vf_fx_field_name). */
typedef enum {
    VF_FX_ACCOUNTING,  /* [accountingQuantity] += delta (delta may be negative or 0) */
    VF_FX_ONHAND,      /* [onhandQuantity] += delta */
    VF_FX_ACCOUNTABLE, /* [primaryAccountable] := value (an agent IRI) */
    VF_FX_LOCATION,    /* [currentLocation] := value (a SpatialThing IRI) */
    VF_FX_CONTAINED,   /* [containedIn] := value (a resource IRI); value NULL = clear */
    VF_FX_STAGE,       /* [stage] := the basedOn of the process IRI in value (the store
                          resolves it) */
    VF_FX_STATE        /* [state] := value (a string) */
} vf_fx_field_t;

/*  Number of vf_fx_field_t values (a define, not an enumerator, so that a
    switch over the fields need not handle it). */
#define VF_FX_FIELD_COUNT 7

/*  How a value of a non-quantity field competes with other events' values.
    Quantity effects always have VF_FX_UPDATE, which means nothing for them:
    deltas add up in any order. */
typedef enum {
    VF_FX_UPDATE, /* the latest event (by the store's order) wins */
    VF_FX_NEW     /* a value for a newly created resource: the earliest NEW wins,
                     and any later UPDATE overrides it */
} vf_fx_mode_t;

typedef struct {
    vf_side_t side;
    const char *resource; /* the IRI of that side; never NULL */
    vf_fx_field_t field;
    vf_fx_mode_t mode;
    vf_decimal_t delta; /* quantity fields; 0 otherwise */
    const char *unit;   /* quantity fields: the event's hasUnit; NULL otherwise */
    const char *value;  /* other fields; NULL for quantity fields and for
                           clearing containedIn */
} vf_fx_t;

/*  Most effects one event can have. An event has at most one effect per
    (side, field) - effects on the same pair are merged - so 2 sides x
    VF_FX_FIELD_COUNT fields = 14 bound it; 16 leaves room for one more
    field. */
#define VF_FX_MAX 16

/*  Fill out[0 .. *n-1] with the effects of the event body, in a fixed order:
    by field (the order of vf_fx_field_t), FROM before TO. An event may have
    no effects (*n = 0: work, or an event naming no inventoried resource).
    Reads only action, provider, receiver, resourceInventoriedAs,
    toResourceInventoriedAs, resourceQuantity, toLocation, state, outputOf
    and @id (for messages); it checks their shapes but is not
    vf_validate_record, which the body is expected to have passed.
    Returns 0; VF_EINVAL if body is not an event this module can read (not
    an object, no or unknown action, one of those properties of the wrong
    type, a resourceQuantity that is not {"hasNumericalValue": canonical
    decimal string, "hasUnit": string}); VF_ERANGE if merging quantities
    overflows (impossible with the VF 1.0 table, which puts at most +q and
    -q on one quantity). On error *n is 0 and err says why. */
int vf_effects_of (const json_t *event_body, vf_fx_t out[VF_FX_MAX], size_t *n, vf_err_t *err);

/*  The EconomicResource property a field changes ("accountingQuantity",
    "onhandQuantity", "primaryAccountable", "currentLocation", "containedIn",
    "stage", "state"). Static; never NULL. */
const char *vf_fx_field_name (vf_fx_field_t field);

/*  Is field a quantity (VF_FX_ACCOUNTING, VF_FX_ONHAND), whose effects carry
    delta and unit rather than value? */
bool vf_fx_is_quantity (vf_fx_field_t field);

#endif
