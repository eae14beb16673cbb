/*  vf_effects.c - the effects of an EconomicEvent on its resources.

    Three steps: read the few properties that matter into an s_event_t
    (checking their shapes), collect the effects of the action's table row
    and, when provider != receiver implies one, of the transfer action's
    row into one slot per (field, side), then copy the used slots out in
    slot order. Slots make merging trivial (quantities add up) and the
    output order independent of the order the rules run in.
    docs/VOCABULARY.md "Effects of an event" is the specification.
*/
#include "vf_effects.h"

#include "vf_validate.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vf_limits.h"
#include "vf_vocab.h"

/*  What the effects are computed from. Strings point into the body. */
typedef struct {
    char who[VF_QUOTE_MAX + 16]; /* "EconomicEvent 'urn:x:1'", for messages */
    const vf_action_t *action;
    const char *res[2]; /* indexed by vf_side_t; NULL when absent */
    const char *provider;
    const char *receiver;
    const char *to_location;
    const char *state;
    const char *output_of;
    bool has_qty; /* resourceQuantity present */
    vf_decimal_t qty;
    const char *unit;
} s_event_t;

/*  The effects being collected: at most one per (field, side). */
typedef struct {
    const s_event_t *ev;
    bool used[VF_FX_FIELD_COUNT][2];
    vf_fx_t fx[VF_FX_FIELD_COUNT][2];
} s_slots_t;

static const char *const s_field_names[VF_FX_FIELD_COUNT] = {
    [VF_FX_ACCOUNTING] = "accountingQuantity",
    [VF_FX_ONHAND] = "onhandQuantity",
    [VF_FX_ACCOUNTABLE] = "primaryAccountable",
    [VF_FX_LOCATION] = "currentLocation",
    [VF_FX_CONTAINED] = "containedIn",
    [VF_FX_STAGE] = "stage",
    [VF_FX_STATE] = "state",
};

_Static_assert(VF_FX_STATE + 1 == VF_FX_FIELD_COUNT, "VF_FX_FIELD_COUNT counts the fields");
_Static_assert(2 * VF_FX_FIELD_COUNT <= VF_FX_MAX, "one effect per (side, field) fits");

const char *
vf_fx_field_name (vf_fx_field_t field)
{
    assert (field >= 0 && field < VF_FX_FIELD_COUNT);
    return s_field_names[field];
}

bool
vf_fx_is_quantity (vf_fx_field_t field)
{
    return field == VF_FX_ACCOUNTING || field == VF_FX_ONHAND;
}

static int s_bad (const s_event_t *ev, vf_err_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  Record "EconomicEvent '<@id>': <message>" as VF_EINVAL. */
static int
s_bad (const s_event_t *ev, vf_err_t *err, const char *fmt, ...)
{
    char msg[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof msg, fmt, ap);
    va_end (ap);
    return vf_err_set (err, VF_EINVAL, "%s: %s", ev->who, msg);
}

/*  *out = the string value of body[key], or NULL when key is absent. */
static int
s_string (const s_event_t *ev, const json_t *obj, const char *path, const char *key,
          const char **out, vf_err_t *err)
{
    const json_t *v = json_object_get (obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_string (v))
        return s_bad (ev, err, "%s%s must be a string, not %s", path, key, vf_json_kind (v));
    *out = json_string_value (v);
    return 0;
}

static int
s_read_quantity (s_event_t *ev, const json_t *q, vf_err_t *err)
{
    if (!json_is_object (q))
        return s_bad (ev, err, "resourceQuantity must be a measure object, not %s",
                      vf_json_kind (q));
    const char *num;
    int rc = s_string (ev, q, "resourceQuantity.", "hasNumericalValue", &num, err);
    if (rc == 0)
        rc = s_string (ev, q, "resourceQuantity.", "hasUnit", &ev->unit, err);
    if (rc != 0)
        return rc;
    if (!num || !ev->unit)
        return s_bad (ev, err, "resourceQuantity needs hasNumericalValue and hasUnit");
    vf_err_t derr = { 0 };
    if (vf_decimal_parse_canonical (&ev->qty, num, strlen (num), &derr) != 0)
        return s_bad (ev, err, "resourceQuantity.hasNumericalValue: %s", vf_err_msg (&derr, -1));
    ev->has_qty = true;
    return 0;
}

static int
s_read (s_event_t *ev, const json_t *body, vf_err_t *err)
{
    memset (ev, 0, sizeof *ev);
    char q[VF_QUOTE_MAX];
    const json_t *id = json_object_get (body, "@id");
    snprintf (ev->who, sizeof ev->who, "EconomicEvent %s",
              json_is_string (id)
                  ? vf_quote (q, sizeof q, json_string_value (id), json_string_length (id))
                  : "(no @id)");
    if (!json_is_object (body))
        return s_bad (ev, err, "an event body must be a JSON object, not %s",
                      body ? vf_json_kind (body) : "NULL");

    const char *action;
    int rc = s_string (ev, body, "", "action", &action, err);
    if (rc != 0)
        return rc;
    if (!action)
        return s_bad (ev, err, "action is required");
    ev->action = vf_action_by_name (action);
    if (!ev->action)
        return s_bad (ev, err, "action %s is not a VF 1.0 action",
                      vf_quote (q, sizeof q, action, strlen (action)));

    const struct {
        const char *key;
        const char **dst;
    } strings[] = {
        { "resourceInventoriedAs", &ev->res[VF_SIDE_FROM] },
        { "toResourceInventoriedAs", &ev->res[VF_SIDE_TO] },
        { "provider", &ev->provider },
        { "receiver", &ev->receiver },
        { "toLocation", &ev->to_location },
        { "state", &ev->state },
        { "outputOf", &ev->output_of },
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if ((rc = s_string (ev, body, "", strings[i].key, strings[i].dst, err)) != 0)
            return rc;

    const json_t *qty = json_object_get (body, "resourceQuantity");
    return qty ? s_read_quantity (ev, qty, err) : 0;
}

/*  The slot for (field, side), marked used and filled with what every
    effect there has in common. */
static vf_fx_t *
s_slot (s_slots_t *s, vf_fx_field_t field, vf_side_t side)
{
    vf_fx_t *fx = &s->fx[field][side];
    if (!s->used[field][side]) {
        s->used[field][side] = true;
        *fx = (vf_fx_t){
            .side = side, .resource = s->ev->res[side], .field = field, .mode = VF_FX_UPDATE
        };
    }
    return fx;
}

/*  Add sign * quantity (sign -1, 0 or +1) to field on side, if the event
    has a quantity and names that side's resource. */
static int
s_add (s_slots_t *s, vf_fx_field_t field, vf_side_t side, int sign)
{
    const s_event_t *ev = s->ev;
    if (sign == 0 || !ev->has_qty || !ev->res[side])
        return 0;
    vf_decimal_t d = ev->qty;
    if (sign < 0 && vf_decimal_neg (&d, d) != 0)
        return VF_ERANGE;
    bool merge = s->used[field][side];
    vf_fx_t *fx = s_slot (s, field, side);
    fx->unit = ev->unit;
    if (!merge) {
        fx->delta = d;
        return 0;
    }
    return vf_decimal_add (&fx->delta, fx->delta, d);
}

/*  What a quantity effect does to each side, as signs of the quantity. */
static void
s_signs (vf_qty_effect_t e, int *from, int *to)
{
    *from = *to = 0;
    switch (e) {
    case VF_QE_NA:
        break;
    case VF_QE_INCREMENT:
        *from = 1;
        break;
    case VF_QE_DECREMENT:
        *from = -1;
        break;
    case VF_QE_DECREMENT_INCREMENT:
        *from = -1;
        *to = 1;
        break;
    case VF_QE_INCREMENT_TO:
        *to = 1;
        break;
    }
}

/*  One quantity: the action's effect, then the implied transfer's (VF_QE_NA
    if none), which does not take from FROM a second time when the action
    already does (consume, pickup, accept: the same units leave once). */
static int
s_quantity (s_slots_t *s, vf_fx_field_t field, vf_qty_effect_t primary, vf_qty_effect_t implied)
{
    int from, to, ifrom, ito;
    s_signs (primary, &from, &to);
    s_signs (implied, &ifrom, &ito);
    if (from < 0 && ifrom < 0)
        ifrom = 0;
    int rc = s_add (s, field, VF_SIDE_FROM, from);
    if (rc == 0)
        rc = s_add (s, field, VF_SIDE_TO, to);
    if (rc == 0)
        rc = s_add (s, field, VF_SIDE_FROM, ifrom);
    if (rc == 0)
        rc = s_add (s, field, VF_SIDE_TO, ito);
    return rc;
}

/*  One non-quantity effect e of field, setting value (NULL: the event lacks
    it, so no effect - except for remove, which clears). new_side is the
    resource a `new` effect is for: the one the action may create. */
static void
s_set (s_slots_t *s, vf_fx_field_t field, vf_set_effect_t e, const char *value, vf_side_t new_side)
{
    vf_side_t side = VF_SIDE_FROM;
    vf_fx_mode_t mode = VF_FX_UPDATE;
    switch (e) {
    case VF_SE_NA:
        return;
    case VF_SE_NEW:
        side = new_side;
        mode = VF_FX_NEW;
        break;
    case VF_SE_UPDATE:
        break;
    case VF_SE_UPDATE_TO:
        side = VF_SIDE_TO;
        break;
    case VF_SE_REMOVE:
        value = NULL;
        break;
    }
    if ((!value && e != VF_SE_REMOVE) || !s->ev->res[side])
        return;
    /*  The table never sets one field of one side twice: an action with an
        implied transfer sets only FROM, the transfer only TO. */
    assert (!s->used[field][side]);
    vf_fx_t *fx = s_slot (s, field, side);
    fx->mode = mode;
    fx->value = value;
}

/*  The non-quantity effects of action a, with agent as the accountable. */
static void
s_sets (s_slots_t *s, const vf_action_t *a, const char *agent)
{
    const s_event_t *ev = s->ev;
    vf_side_t new_side = a->create == VF_CREATE_OPTIONAL_TO ? VF_SIDE_TO : VF_SIDE_FROM;
    s_set (s, VF_FX_ACCOUNTABLE, a->accountable, agent, new_side);
    s_set (s, VF_FX_LOCATION, a->location, ev->to_location, new_side);
    s_set (s, VF_FX_CONTAINED, a->contained, ev->res[VF_SIDE_TO], new_side);
    s_set (s, VF_FX_STAGE, a->stage, ev->output_of, new_side);
    s_set (s, VF_FX_STATE, a->state, ev->state, new_side);
}

/*  The transfer that provider != receiver implies, or NULL: only for an
    action that has one, and only if the event names the receiver's
    resource (without it there is nothing for the transfer to act on). */
static const vf_action_t *
s_implied (const s_event_t *ev)
{
    const vf_action_t *a = ev->action;
    if (a->implied_transfer == VF_ACTION_NONE || !ev->res[VF_SIDE_TO] || !ev->provider ||
        !ev->receiver || strcmp (ev->provider, ev->receiver) == 0)
        return NULL;
    return vf_action_get (a->implied_transfer);
}

int
vf_effects_of (const json_t *event_body, vf_fx_t out[VF_FX_MAX], size_t *n, vf_err_t *err)
{
    assert (out && n);
    *n = 0;
    s_event_t ev;
    int rc = s_read (&ev, event_body, err);
    if (rc != 0)
        return rc;

    s_slots_t s = { .ev = &ev };
    const vf_action_t *a = ev.action;
    const vf_action_t *t = s_implied (&ev);
    rc = s_quantity (&s, VF_FX_ACCOUNTING, a->accounting, t ? t->accounting : VF_QE_NA);
    if (rc == 0)
        rc = s_quantity (&s, VF_FX_ONHAND, a->onhand, t ? t->onhand : VF_QE_NA);
    if (rc != 0)
        return vf_err_set (err, rc, "%s: resourceQuantity: the merged quantity is out of range",
                           ev.who);
    /*  With an implied transfer the action is read as done by the provider
        for itself, then transferred: a resource it creates is the
        provider's, and the transfer gives the receiver's resource to the
        receiver. */
    s_sets (&s, a, t ? ev.provider : ev.receiver);
    if (t)
        s_sets (&s, t, ev.receiver);

    size_t k = 0;
    for (int f = 0; f < VF_FX_FIELD_COUNT; f++)
        for (int side = 0; side < 2; side++)
            if (s.used[f][side])
                out[k++] = s.fx[f][side];
    assert (k <= VF_FX_MAX);
    *n = k;
    return 0;
}
