/*  vfctl_entries.c - read signed entries from a file for verify and load:
    one JSON-LD document whose nodes carry "vfn:entry", or JSON lines (one
    such node per line, as vfctl sign and vfctl db dump write them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_limits.h"
#include "vfctl.h"

/*  Import one document and hand each record (or the import error) on. */
static int
s_doc (const json_t *doc, const char *where, vfctl_entry_fn fn, void *arg)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import_json (doc, &recs, &err);
    if (rc)
        return fn (NULL, where, vf_err_msg (&err, rc), arg);
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        char here[64];
        if (recs->n == 1)
            snprintf (here, sizeof here, "%s", where);
        else
            snprintf (here, sizeof here, "%s record %zu", where, k + 1);
        rc = fn (&recs->items[k], here, NULL, arg);
    }
    vf_records_destroy (&recs);
    return rc;
}

static int
s_lines (char *text, vfctl_entry_fn fn, void *arg)
{
    size_t lineno = 0;
    int rc = 0;
    for (char *line = text, *next; rc == 0 && line && *line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (strspn (line, " \t\r") == strlen (line))
            continue;
        char where[32];
        snprintf (where, sizeof where, "line %zu", lineno);
        json_error_t jerr;
        json_t *doc = json_loads (line, JSON_REJECT_DUPLICATES, &jerr);
        if (!doc) {
            char msg[256];
            snprintf (msg, sizeof msg, "not JSON: column %d: %s", jerr.column, jerr.text);
            rc = fn (NULL, where, msg, arg);
            continue;
        }
        rc = s_doc (doc, where, fn, arg);
        json_decref (doc);
    }
    return rc;
}

int
vfctl_read_entries (const char *cmd, const char *path, vfctl_entry_fn fn, void *arg)
{
    char *text = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    int rc = vfctl_read_all (path, VF_JSONLD_MAX_BYTES, &text, &len, &err);
    if (rc)
        return vfctl_fail (cmd, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    json_t *whole = json_loadb (text, len, JSON_REJECT_DUPLICATES, NULL);
    rc = whole ? s_doc (whole, "document", fn, arg) : s_lines (text, fn, arg);
    json_decref (whole);
    free (text);
    return rc;
}
