/*  vfctl_entries.c - read signed entries from a file for verify and load:
    one JSON-LD document whose nodes carry "vfn:entry", or JSON lines (one
    such node per line, as vfctl sign and vfctl db dump write them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_limits.h"
#include "vfctl.h"

/*  Import one document's text (so that JSON numbers are checked as
    written) and hand each record (or the import error) on. */
static int
s_doc (const char *text, size_t len, const char *where, vfctl_entry_fn fn, void *arg)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import (text, len, &recs, &err);
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
        rc = s_doc (line, strlen (line), where, fn, arg);
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
    if (memchr (text, '\0', len)) {
        free (text);
        return vfctl_fail (cmd, VFCTL_ERROR, "%s contains a NUL byte; it is not JSON text", path);
    }
    /* one JSON document, or else JSON lines */
    json_t *whole = json_loadb (text, len, JSON_REJECT_DUPLICATES, NULL);
    rc = whole ? s_doc (text, len, "document", fn, arg) : s_lines (text, fn, arg);
    json_decref (whole);
    free (text);
    return rc;
}
