/*  cmd_verify.c - vfctl verify: check signed entries (ids, signatures,
    ValueFlows rules, equivocation within the input). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_jsonld.h"
#include "vf_text.h"
#include "vfctl.h"

static int s_run (int argc, char **argv);

const vfctl_cmd_t vfctl_cmd_verify = {
    "verify",
    "check signed entries: ids, signatures and ValueFlows rules",
    "usage: vfctl verify [--list] [FILE|-]\n"
    "\n"
    "Check every signed entry in FILE (or standard input): JSON lines as written\n"
    "by `vfctl sign`, or one JSON-LD document whose nodes carry \"vfn:entry\".\n"
    "For each entry: the content must hash to the claimed id, the signature\n"
    "must verify for the author, and the record must keep the ValueFlows rules.\n"
    "Two entries with the same author and seq but different content are\n"
    "reported as an equivocation. Each failure is printed with its line or\n"
    "record number. Exit status 0 only if every entry passes, 1 otherwise.\n"
    "\n"
    "Options:\n"
    "  -l, --list   print one line per valid entry: author (short), seq, class,\n"
    "               action and quantity for events, the record's IRI, and for\n"
    "               events the resource it affects (-> the receiver's resource)\n"
    "\n"
    "Example:\n"
    "  vfctl verify harvest.entries\n"
    "  3 entries verified\n",
    s_run,
};

typedef struct {
    bool list;
    size_t total;
    size_t bad;
    json_t *seen; /* "author/seq" -> entry id text: equivocation check */
} s_tally_t;

static void
s_report (const char *where, const vf_entry_t *e, const char *msg)
{
    char id[VF_TEXT_MAX];
    if (e && e->is_signed)
        fprintf (stderr, "vfctl verify: %s (%s): %s\n", where,
                 vf_text_encode (id, VF_TEXT_ID, e->id), msg);
    else
        fprintf (stderr, "vfctl verify: %s: %s\n", where, msg);
}

static const char *
s_str (const json_t *body, const char *key)
{
    const char *s = json_string_value (json_object_get (body, key));
    return s ? s : "";
}

/*  One line about a verified entry, for --list. */
static void
s_list (const vf_entry_t *e)
{
    char author[VF_TEXT_MAX];
    vf_text_encode (author, VF_TEXT_KEY, e->author);
    printf ("%.12s  %4" PRIu64 "  %-22s", author, e->seq, e->cls);
    const json_t *q = json_object_get (e->body, "resourceQuantity");
    if (!q)
        q = json_object_get (e->body, "effortQuantity");
    if (json_object_get (e->body, "action"))
        printf (" %-9s %8s %-9s", s_str (e->body, "action"), s_str (q, "hasNumericalValue"),
                s_str (q, "hasUnit"));
    printf (" %s", vf_entry_iri (e));
    if (*s_str (e->body, "resourceInventoriedAs") || *s_str (e->body, "toResourceInventoriedAs"))
        printf ("\n%62s %s%s%s", "resource:", s_str (e->body, "resourceInventoriedAs"),
                *s_str (e->body, "toResourceInventoriedAs") ? " -> " : "",
                s_str (e->body, "toResourceInventoriedAs"));
    putchar ('\n');
}

static void
s_check_record (vf_record_t *rec, const char *where, s_tally_t *t)
{
    vf_err_t err = { 0 };
    t->total++;
    int rc = vf_record_verify (rec, &err);
    if (rc == 0)
        rc = vf_entry_check (rec->entry, &err);
    if (rc) {
        s_report (where, rec->entry, vf_err_msg (&err, rc));
        t->bad++;
        return;
    }
    char key[VF_TEXT_MAX + 32], id[VF_TEXT_MAX];
    snprintf (key, sizeof key, "%s/%" PRIu64, vf_text_encode (id, VF_TEXT_KEY, rec->entry->author),
              rec->entry->seq);
    vf_text_encode (id, VF_TEXT_ID, rec->entry->id);
    const json_t *prev = json_object_get (t->seen, key);
    if (prev && strcmp (json_string_value (prev), id) != 0) {
        char msg[256];
        snprintf (msg, sizeof msg, "equivocation: author and seq %s also signed %s", key,
                  json_string_value (prev));
        s_report (where, rec->entry, msg);
        t->bad++;
        return;
    }
    if (!prev)
        json_object_set_new (t->seen, key, json_string (id));
    if (t->list)
        s_list (rec->entry);
}

static void
s_check_doc (const json_t *doc, const char *where, s_tally_t *t)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import_json (doc, &recs, &err);
    if (rc) {
        t->total++, t->bad++;
        s_report (where, NULL, vf_err_msg (&err, rc));
        return;
    }
    for (size_t k = 0; k < recs->n; k++) {
        char here[64];
        if (recs->n == 1)
            snprintf (here, sizeof here, "%s", where);
        else
            snprintf (here, sizeof here, "%s record %zu", where, k + 1);
        s_check_record (&recs->items[k], here, t);
    }
    vf_records_destroy (&recs);
}

/*  JSON lines: every non-blank line is one JSON-LD document. */
static void
s_check_lines (char *text, s_tally_t *t)
{
    size_t lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
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
            t->total++, t->bad++;
            s_report (where, NULL, msg);
            continue;
        }
        s_check_doc (doc, where, t);
        json_decref (doc);
    }
}

static int
s_run (int argc, char **argv)
{
    const vfctl_cmd_t *cmd = &vfctl_cmd_verify;
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    s_tally_t t = { false, 0, 0, NULL };
    if (argc > 1 && (strcmp (argv[1], "-l") == 0 || strcmp (argv[1], "--list") == 0)) {
        t.list = true;
        argc--, argv++;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1]))
        return vfctl_usage (cmd, "expected at most one input file");
    const char *path = argc == 2 ? argv[1] : "-";
    char *text = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    int rc = vfctl_read_all (path, VF_JSONLD_MAX_BYTES, &text, &len, &err);
    if (rc)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    t.seen = json_object ();
    json_t *whole = json_loadb (text, len, JSON_REJECT_DUPLICATES, NULL);
    if (whole)
        s_check_doc (whole, "document", &t);
    else
        s_check_lines (text, &t);
    json_decref (whole);
    json_decref (t.seen);
    free (text);
    if (t.total == 0)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s holds no entries", path);
    if (t.bad)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%zu of %zu entries failed", t.bad, t.total);
    printf ("%zu entr%s verified\n", t.total, t.total == 1 ? "y" : "ies");
    return VFCTL_OK;
}
