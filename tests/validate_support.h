/*  validate_support.h - helpers shared by the validation tests: bodies
    written as JSON text with single quotes, and accept/reject checks.
    Included by tests/test_validate*.c only. */
#ifndef VALIDATE_SUPPORT_H
#define VALIDATE_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "vf_limits.h"
#include "vf_validate.h"

#define ALICE "https://alice.example/agent"
#define BOB "https://bob.example/agent"
#define PROC "https://alice.example/process/1"
#define APPLES "https://alice.example/spec/apples"

/*  JSON text with ' for " (the bodies below contain no apostrophes). */
static json_t *
s_json (const char *text)
{
    char buf[4096];
    snprintf (buf, sizeof buf, "%s", text);
    for (char *p = buf; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t jerr;
    json_t *j = json_loads (buf, 0, &jerr);
    if (!j)
        fail_msg ("bad test JSON: %s: %s", jerr.text, text);
    return j;
}

static const vf_class_t *
s_class (const char *name)
{
    const vf_class_t *c = vf_class_by_name (name);
    assert_non_null (c);
    return c;
}

/*  body (stolen) must pass as a record of class cls. */
static void
s_accept (const char *cls, json_t *body)
{
    vf_err_t err = { 0 };
    int rc = vf_validate_record (s_class (cls), body, &err);
    if (rc != 0) {
        char *text = json_dumps (body, JSON_COMPACT);
        print_error ("body: %s\n", text);
        free (text);
        json_decref (body);
        fail_msg ("%s rejected: %s", cls, err.msg);
    }
    json_decref (body);
}

/*  body (stolen) must fail as VF_EINVALID with a message containing
    expected. */
static void
s_reject (const char *cls, json_t *body, const char *expected)
{
    vf_err_t err = { 0 };
    int rc = vf_validate_record (s_class (cls), body, &err);
    char *text = json_dumps (body, JSON_COMPACT);
    json_decref (body);
    if (rc != VF_EINVALID || err.code != VF_EINVALID || !strstr (err.msg, expected)) {
        print_error ("body: %s\n", text);
        free (text);
        fail_msg ("%s: expected VF_EINVALID with \"%s\", got %d \"%s\"", cls, expected, rc,
                  err.msg);
    }
    free (text);
}

static void
s_set (json_t *body, const char *key, json_t *value)
{
    assert_int_equal (json_object_set_new (body, key, value), 0);
}

static json_t *
s_measure (const char *value, const char *unit)
{
    return json_pack ("{s:s, s:s}", "hasNumericalValue", value, "hasUnit", unit);
}

/*  What each action needs, written out from the TTL and the rules:
    io: 'i' input, 'o' output, 'b' outputInput, '-' no process;
    qty: 'r' resource, 'e' effort, 'b' both;
    to: uses toResourceInventoriedAs by itself (transfers, move, copy, and
    combine's container); implied: provider != receiver implies a transfer. */
static const struct {
    const char *name;
    char io, qty;
    bool to, implied;
} s_acts[] = {
    { "produce", 'o', 'r', false, true },
    { "consume", 'i', 'r', false, true },
    { "use", 'i', 'b', false, false },
    { "work", 'i', 'e', false, false },
    { "cite", 'i', 'r', false, false },
    { "deliverService", 'b', 'r', false, true },
    { "pickup", 'i', 'r', false, true },
    { "dropoff", 'o', 'r', false, true },
    { "accept", 'i', 'r', false, true },
    { "modify", 'o', 'r', false, true },
    { "combine", 'i', 'r', true, false },
    { "separate", 'o', 'r', false, false },
    { "transfer", '-', 'r', true, false },
    { "transferAllRights", '-', 'r', true, false },
    { "transferCustody", '-', 'r', true, false },
    { "move", '-', 'r', true, false },
    { "copy", '-', 'r', true, false },
    { "raise", '-', 'r', false, false },
    { "lower", '-', 'r', false, false },
};
#define S_NACTS (sizeof s_acts / sizeof s_acts[0])

/*  A valid flow of class cls for action i: the quantity its kind needs,
    the process link its inputOutput needs, a resource specification
    (not for work), and for events provider and receiver (both Alice). */
static json_t *
s_flow (const char *cls, size_t i)
{
    json_t *f = json_pack ("{s:s, s:s}", "@id", "urn:x:1", "action", s_acts[i].name);
    bool event = !strcmp (cls, "EconomicEvent");
    if (event) {
        s_set (f, "provider", json_string (ALICE));
        s_set (f, "receiver", json_string (ALICE));
        s_set (f, "hasPointInTime", json_string ("2024-05-01T09:30:00Z"));
    }
    if (s_acts[i].qty == 'e')
        s_set (f, "effortQuantity", s_measure ("3.5", "hour"));
    else
        s_set (f, "resourceQuantity", s_measure ("5", "kilogram"));
    if (strcmp (s_acts[i].name, "work") != 0)
        s_set (f, "resourceConformsTo", json_string (APPLES));
    bool links = event || !strcmp (cls, "Commitment") || !strcmp (cls, "Intent");
    if (links && s_acts[i].io == 'i')
        s_set (f, "inputOf", json_string (PROC));
    if (links && (s_acts[i].io == 'o' || s_acts[i].io == 'b'))
        s_set (f, "outputOf", json_string (PROC));
    return f;
}

static json_t *
s_event (size_t i)
{
    return s_flow ("EconomicEvent", i);
}

static size_t
s_act (const char *name)
{
    for (size_t i = 0; i < S_NACTS; i++)
        if (!strcmp (s_acts[i].name, name))
            return i;
    fail_msg ("no action %s", name);
    return 0;
}

/*  ---- Events, action by action ---- */

#endif
