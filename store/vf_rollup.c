/*  vf_rollup.c - the value rollup of a walk (vf_store_int.h): work per
    organisation, agent and unit; process inputs per organisation, action,
    resource specification and unit; summed exactly, units never mixed
    (docs/TRACE.md "Rollup"). */
#include <stdlib.h>
#include <string.h>

#include "vf_decimal.h"
#include "vf_store_int.h"

struct _vf_rollup_t {
    json_t *work, *inputs; /* group key -> {organisation, ..., unit, total} */
};

static const char *
s_str (const vf_entry_t *e, const char *key)
{
    return e ? json_string_value (json_object_get (e->body, key)) : NULL;
}

/*  Add measure (hasNumericalValue, hasUnit) to the group key + unit of
    groups, made from proto (stolen) when new. */
static int
s_sum (json_t *groups, const char *key, json_t *proto, const json_t *measure, vf_err_t *err)
{
    const char *num = json_string_value (json_object_get (measure, "hasNumericalValue"));
    const char *unit = json_string_value (json_object_get (measure, "hasUnit"));
    vf_decimal_t add, total = { 0, 0 };
    if (!proto)
        return vf_err_set (err, VF_ENOMEM, "out of memory");
    if (!num || !unit || vf_decimal_parse (&add, num, strlen (num), NULL) != 0) {
        json_decref (proto);
        return 0;
    }
    size_t len = strlen (key) + strlen (unit) + 2;
    char *k = malloc (len);
    int rc = k ? 0 : vf_err_set (err, VF_ENOMEM, "out of memory");
    if (k)
        snprintf (k, len, "%s\x1f%s", key, unit);
    json_t *g = k ? json_object_get (groups, k) : NULL;
    if (rc == 0 && !g) {
        if (json_object_set_new (proto, "unit", json_string (unit)) ||
            json_object_set_new (proto, "total", json_string ("0")) ||
            json_object_set (groups, k, proto))
            rc = vf_err_set (err, VF_ENOMEM, "out of memory");
        g = proto;
    }
    json_decref (proto); /* groups holds the new group */
    free (k);
    if (rc)
        return rc;
    const char *was = json_string_value (json_object_get (g, "total"));
    vf_decimal_parse (&total, was, strlen (was), NULL);
    if (vf_decimal_add (&total, total, add) != 0)
        return json_object_set_new (g, "overflow", json_true ())
                   ? vf_err_set (err, VF_ENOMEM, "out of memory")
                   : 0;
    char text[VF_DECIMAL_TEXT_MAX];
    return json_object_set_new (g, "total", json_string (vf_decimal_format (&total, text)))
               ? vf_err_set (err, VF_ENOMEM, "out of memory")
               : 0;
}

static int
s_cmp_keys (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/*  The groups' values ordered by their keys (NULL: out of memory). */
static json_t *
s_sorted_values (json_t *groups)
{
    json_t *arr = json_array ();
    const char **keys = malloc ((json_object_size (groups) + 1) * sizeof *keys);
    size_t n = 0;
    const char *k;
    json_t *v;
    if (!arr || !keys) {
        free (keys);
        json_decref (arr);
        return NULL;
    }
    json_object_foreach (groups, k, v)
        keys[n++] = k;
    qsort (keys, n, sizeof *keys, s_cmp_keys);
    for (size_t i = 0; i < n && arr; i++)
        if (json_array_append (arr, json_object_get (groups, keys[i]))) {
            json_decref (arr);
            arr = NULL;
        }
    free (keys);
    return arr;
}

vf_rollup_t *
vf_rollup_new (void)
{
    vf_rollup_t *r = calloc (1, sizeof *r);
    if (r && (!(r->work = json_object ()) || !(r->inputs = json_object ())))
        vf_rollup_destroy (&r);
    return r;
}

void
vf_rollup_destroy (vf_rollup_t **r)
{
    if (!r || !*r)
        return;
    json_decref ((*r)->work);
    json_decref ((*r)->inputs);
    free (*r);
    *r = NULL;
}

int
vf_rollup_add (vf_rollup_t *r, vf_store_t *self, MDB_txn *txn, const vf_entry_t *e, const char *org,
               vf_err_t *err)
{
    const char *action = s_str (e, "action"), *agent = s_str (e, "provider");
    char key[3 * VF_IRI_MAX];
    if (!action)
        return 0;
    if (strcmp (action, "work") == 0) {
        snprintf (key, sizeof key, "%s\x1f%s", org, agent ? agent : "");
        return s_sum (r->work, key, json_pack ("{s:s, s:s?}", "organisation", org, "agent", agent),
                      json_object_get (e->body, "effortQuantity"), err);
    }
    if (!s_str (e, "inputOf"))
        return 0;
    const char *spec = s_str (e, "resourceConformsTo");
    const char *res = s_str (e, "resourceInventoriedAs");
    vf_entry_t *rec = NULL;
    int rc = !spec && res ? vf_project_current (self, txn, res, "EconomicResource", &rec, err) : 0;
    if (!spec)
        spec = s_str (rec, "conformsTo");
    snprintf (key, sizeof key, "%s\x1f%s\x1f%s", org, action, spec ? spec : "");
    static const char *qtys[] = { "resourceQuantity", "effortQuantity" };
    for (size_t q = 0; q < 2 && rc == 0; q++)
        if (json_object_get (e->body, qtys[q]))
            rc = s_sum (
                r->inputs, key,
                json_pack ("{s:s, s:s, s:s?}", "organisation", org, "action", action, "spec", spec),
                json_object_get (e->body, qtys[q]), err);
    vf_entry_destroy (&rec);
    return rc;
}

json_t *
vf_rollup_result (vf_rollup_t *r)
{
    return json_pack ("{s:o, s:o}", "work", s_sorted_values (r->work), "inputs",
                      s_sorted_values (r->inputs));
}
