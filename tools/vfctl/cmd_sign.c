/*  cmd_sign.c - vfctl sign: ValueFlows JSON-LD in, signed entries out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_identity.h"
#include "vf_jsonld.h"
#include "vf_text.h"
#include "vfctl.h"

static int s_run (int argc, char **argv);

const vfctl_cmd_t vfctl_cmd_sign = {
    "sign",
    "sign ValueFlows JSON-LD records as entries (JSON lines out)",
    "usage: vfctl sign --key KEYFILE --seq N [--time MS] [--audience NET]... [FILE|-]\n"
    "\n"
    "Read a ValueFlows JSON-LD document (one node, an array of nodes, or\n"
    "{\"@context\": ..., \"@graph\": [...]}) from FILE or standard input, check\n"
    "every record against the ValueFlows rules, and sign each record as one\n"
    "entry with the identity in KEYFILE. Writes one JSON-LD node per line: the\n"
    "record with a \"vfn:entry\" annotation holding its id, author, seq, time,\n"
    "audience and signature. Nothing is written unless every record is valid.\n"
    "\n"
    "Options:\n"
    "  -k, --key KEYFILE    identity key file (see vfctl keygen)\n"
    "  -s, --seq N          sequence number of the first record; the following\n"
    "                       records get N+1, N+2, ..., skipping the seqs that\n"
    "                       records of the input claim for themselves. A node\n"
    "                       keeps this counter itself; here you must: signing\n"
    "                       different content with a seq already used is an\n"
    "                       equivocation, which peers record as proof against\n"
    "                       the key. At most 2^53-1. Required unless every\n"
    "                       record has its own seq.\n"
    "  -t, --time MS        creation time in ms since the epoch (default: now;\n"
    "                       at most 2^53-1)\n"
    "  -a, --audience NET   a network (vfn_...) that may hold the entries;\n"
    "                       repeat for several. Default: public.\n"
    "\n"
    "A record that carries its own vfn:entry (as vfctl sign writes them) keeps\n"
    "its own seq, time and audience; --seq, --time and --audience apply only\n"
    "to the records without them. Its author must be KEYFILE's key. Two records\n"
    "that would get the same seq are refused (nothing is signed).\n"
    "\n"
    "Records without an @id (or with a blank node id \"_:x\") get the IRI\n"
    "urn:vfnode:<author key>:<seq>, and references to blank nodes are\n"
    "rewritten to it. Exit status 0 if all records were signed, 1 if any was\n"
    "invalid (each is reported) or the input could not be read, 2 for usage\n"
    "errors.\n"
    "\n"
    "Example:\n"
    "  vfctl sign --key farm.key --seq 1 harvest.jsonld > harvest.entries\n",
    s_run,
};

typedef struct {
    const char *keyfile;
    bool have_seq;
    uint64_t seq;
    uint64_t time;
    vf_entry_t *audience; /* only its audience fields are used */
    const char *input;
} s_opts_t;

static int
s_parse (const vfctl_cmd_t *cmd, int argc, char **argv, s_opts_t *o)
{
    static const struct option longopts[] = {
        { "key", required_argument, NULL, 'k' },
        { "seq", required_argument, NULL, 's' },
        { "time", required_argument, NULL, 't' },
        { "audience", required_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "k:s:t:a:", longopts, NULL)) != -1) {
        vf_err_t err = { 0 };
        uint8_t net[VF_KEY_BYTES];
        switch (c) {
        case 'k':
            o->keyfile = optarg;
            break;
        case 's':
            if (vfctl_parse_u64 (optarg, &o->seq) || o->seq == 0 || o->seq > VF_SEQ_MAX)
                return vfctl_usage (cmd, "--seq '%s': expected a whole number from 1 to %llu",
                                    optarg, (unsigned long long) VF_SEQ_MAX);
            o->have_seq = true;
            break;
        case 't':
            if (vfctl_parse_u64 (optarg, &o->time) || o->time > VF_TIME_MAX)
                return vfctl_usage (cmd,
                                    "--time '%s': expected milliseconds since 1970, at most %llu",
                                    optarg, (unsigned long long) VF_TIME_MAX);
            break;
        case 'a':
            if (strcmp (optarg, "public") == 0)
                break;
            if (vf_text_decode (net, VF_TEXT_NET, optarg, &err))
                return vfctl_usage (cmd, "--audience: %s", err.msg);
            if (vf_entry_add_network (o->audience, net))
                return vfctl_usage (cmd, "--audience: at most %d networks", VF_AUDIENCE_MAX);
            break;
        default:
            return vfctl_usage (cmd, "unknown option");
        }
    }
    if (!o->keyfile)
        return vfctl_usage (cmd, "--key KEYFILE is required");
    if (argc - optind > 1)
        return vfctl_usage (cmd, "expected at most one input file");
    o->input = optind < argc ? argv[optind] : "-";
    return 0;
}

/*  Check every record; report each invalid one. Returns how many failed. */
static size_t
s_check_all (const vfctl_cmd_t *cmd, vf_records_t *recs)
{
    size_t bad = 0;
    for (size_t k = 0; k < recs->n; k++) {
        vf_err_t err = { 0 };
        int rc = vf_entry_check (recs->items[k].entry, &err);
        if (rc) {
            vfctl_fail (cmd->name, VFCTL_ERROR, "record %zu: %s", k + 1, vf_err_msg (&err, rc));
            bad++;
        }
    }
    return bad;
}

static int
s_sign_all (const vfctl_cmd_t *cmd, vf_records_t *recs, const vf_identity_t *id)
{
    for (size_t k = 0; k < recs->n; k++) {
        vf_record_t *rec = &recs->items[k];
        uint8_t claimed[VF_HASH_BYTES];
        memcpy (claimed, rec->entry->id, VF_HASH_BYTES);
        vf_err_t err = { 0 };
        int rc = vf_entry_sign (rec->entry, id, &err);
        if (rc)
            return vfctl_fail (cmd->name, VFCTL_ERROR, "record %zu: %s", k + 1,
                               vf_err_msg (&err, rc));
        if (rec->has_id && memcmp (claimed, rec->entry->id, VF_HASH_BYTES) != 0) {
            char a[VF_TEXT_MAX], b[VF_TEXT_MAX];
            return vfctl_fail (cmd->name, VFCTL_ERROR,
                               "record %zu: signs to %s, but its "
                               "vfn:entry claims %s (was the record edited?)",
                               k + 1, vf_text_encode (a, VF_TEXT_ID, rec->entry->id),
                               vf_text_encode (b, VF_TEXT_ID, claimed));
        }
    }
    return 0;
}

static int
s_print_all (vf_records_t *recs)
{
    for (size_t k = 0; k < recs->n; k++) {
        json_t *node = vf_jsonld_export_entry (recs->items[k].entry, true);
        char *line = node ? json_dumps (node, VF_JSON_DUMP_FLAGS) : NULL;
        json_decref (node);
        if (!line)
            return VF_ENOMEM;
        puts (line);
        free (line);
    }
    return fflush (stdout) == 0 ? 0 : VF_EIO;
}

static int
s_run (int argc, char **argv)
{
    const vfctl_cmd_t *cmd = &vfctl_cmd_sign;
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    s_opts_t o = { .time = vfctl_now_ms (), .audience = vf_entry_new () };
    vf_identity_t *id = NULL;
    vf_records_t *recs = NULL;
    char *text = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    int rc, ret = o.audience ? s_parse (cmd, argc, argv, &o) : VFCTL_ERROR;
    if (ret)
        goto out;
    ret = VFCTL_ERROR;
    if ((rc = vfctl_read_all (o.input, VF_JSONLD_MAX_BYTES, &text, &len, &err)) ||
        (rc = vf_identity_load_file (&id, o.keyfile, &err)) ||
        (rc = vf_jsonld_import (text, len, &recs, &err))) {
        vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
        goto out;
    }
    for (size_t k = 0; k < recs->n && !o.have_seq; k++)
        if (!recs->items[k].has_seq) {
            ret =
                vfctl_usage (cmd, "--seq N is required (record %zu has no seq of its own)", k + 1);
            goto out;
        }
    if ((rc = vf_records_prepare (recs, vf_identity_public (id), &o.seq, o.time, o.audience,
                                  &err))) {
        vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
        goto out;
    }
    size_t bad = s_check_all (cmd, recs);
    if (bad) {
        vfctl_fail (cmd->name, VFCTL_ERROR, "%zu of %zu records invalid; nothing signed", bad,
                    recs->n);
        goto out;
    }
    if (s_sign_all (cmd, recs, id) == 0 && s_print_all (recs) == 0)
        ret = VFCTL_OK;
out:
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
    vf_entry_destroy (&o.audience);
    free (text);
    return ret;
}
