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

static int
s_on_record (vf_record_t *rec, const char *where, const char *msg, void *arg)
{
    s_tally_t *t = arg;
    if (rec)
        s_check_record (rec, where, t);
    else {
        t->total++, t->bad++;
        s_report (where, NULL, msg);
    }
    return 0;
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
    t.seen = json_object ();
    int rc = vfctl_read_entries (cmd->name, path, s_on_record, &t);
    json_decref (t.seen);
    if (rc)
        return rc;
    if (t.total == 0)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s holds no entries", path);
    if (t.bad)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%zu of %zu entries failed", t.bad, t.total);
    printf ("%zu entr%s verified\n", t.total, t.total == 1 ? "y" : "ies");
    return VFCTL_OK;
}
