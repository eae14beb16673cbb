/*  cmd_node.c - the node commands of vfctl: init and id (offline), and
    the commands that ask the node (status, publish, events, show,
    resources, resource, process, pending, confirm, export, import). Read
    commands work without the daemon, from the store. */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf_config.h"
#include "vf_identity.h"
#include "vf_limits.h"
#include "vf_store.h"
#include "vf_text.h"
#include "vfctl.h"

typedef struct {
    const char *dir;
    bool json;
    const char *name;
    const char *out;
    json_t *req; /* request being built from the options */
    bool wait;   /* sync --wait */
    uint64_t timeout_s;
    int argc;
    char **argv; /* positional arguments */
} s_opts_t;

/*  Query filter options: option letter -> request parameter. */
static const struct {
    int letter;
    const char *param;
} s_filters[] = {
    { 'A', "author" },   { 'C', "class" },   { 'a', "action" },
    { 'r', "resource" }, { 'p', "process" }, { 'g', "agent" },
};

static bool
s_filter (json_t *req, int letter)
{
    for (size_t k = 0; k < sizeof s_filters / sizeof s_filters[0]; k++)
        if (s_filters[k].letter == letter) {
            json_object_set_new (req, s_filters[k].param, json_string (optarg));
            return true;
        }
    return false;
}

/*  Options every node command takes, plus the query filters. */
static int
s_parse (const vfctl_cmd_t *cmd, int argc, char **argv, s_opts_t *o)
{
    static const struct option longopts[] = {
        { "dir", required_argument, NULL, 'd' },      { "json", no_argument, NULL, 'j' },
        { "name", required_argument, NULL, 'n' },     { "out", required_argument, NULL, 'o' },
        { "author", required_argument, NULL, 'A' },   { "class", required_argument, NULL, 'C' },
        { "action", required_argument, NULL, 'a' },   { "resource", required_argument, NULL, 'r' },
        { "process", required_argument, NULL, 'p' },  { "agent", required_argument, NULL, 'g' },
        { "after", required_argument, NULL, 'f' },    { "limit", required_argument, NULL, 'l' },
        { "audience", required_argument, NULL, 'u' }, { "history", no_argument, NULL, 'H' },
        { "network", required_argument, NULL, 'N' },  { "wait", no_argument, NULL, 'W' },
        { "timeout", required_argument, NULL, 'T' },  { NULL, 0, NULL, 0 },
    };
    o->req = json_object ();
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "d:jn:o:", longopts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'd':
            o->dir = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'N':
            json_object_set_new (o->req, "network", json_string (optarg));
            break;
        case 'H':
            json_object_set_new (o->req, "history", json_true ());
            break;
        case 'W':
            o->wait = true;
            break;
        case 'T':
            if (vfctl_parse_u64 (optarg, &o->timeout_s) || o->timeout_s == 0 ||
                o->timeout_s > 86400)
                return vfctl_usage (cmd, "--timeout '%s': expected seconds, 1 to 86400", optarg);
            break;
        case 'u': {
            json_t *aud = json_object_get (o->req, "audience");
            if (!aud)
                json_object_set_new (o->req, "audience", aud = json_array ());
            json_array_append_new (aud, json_string (optarg));
            break;
        }
        case 'f':
        case 'l':
            if (vfctl_parse_u64 (optarg, &v))
                return vfctl_usage (cmd, "--%s '%s': expected a whole number",
                                    c == 'f' ? "after" : "limit", optarg);
            json_object_set_new (o->req, c == 'f' ? "after" : "limit",
                                 json_integer ((json_int_t) v));
            break;
        default:
            if (!s_filter (o->req, c))
                return vfctl_usage (cmd, "unknown option");
        }
    }
    o->dir = vfctl_node_dir (o->dir);
    o->argc = argc - optind;
    o->argv = argv + optind;
    return 0;
}

/*  Send the request built in o->req (which it consumes), named request
    unless the caller named it already (NULL). */
static int
s_call (const vfctl_cmd_t *cmd, s_opts_t *o, const char *request, bool read_only, json_t **r)
{
    if (request)
        json_object_set_new (o->req, "request", json_string (request));
    int rc = vfctl_call (cmd->name, o->dir, o->req, read_only, r);
    o->req = NULL;
    return rc;
}

/*  The envelope of an exported entry node (vfn:entry, either form). */
static const json_t *
s_env (const json_t *node, const char *field)
{
    const json_t *env = json_object_get (node, "vfn:entry");
    char name[32];
    snprintf (name, sizeof name, "vfn:%s", field);
    const json_t *v = json_object_get (env, field);
    return v ? v : json_object_get (env, name);
}

static const char *
s_s (const json_t *o, const char *key)
{
    const char *s = json_string_value (json_object_get (o, key));
    return s ? s : "";
}

/*  One line per entry: author (short), seq, class, action and quantity for
    events, IRI. */
static void
s_print_entries (const json_t *list)
{
    size_t k;
    const json_t *node;
    json_array_foreach (list, k, node) {
        const json_t *q = json_object_get (node, "resourceQuantity");
        if (!q)
            q = json_object_get (node, "effortQuantity");
        /*  measures may be written with om2: terms (docs/PROTOCOL.md) */
        const json_t *num = json_object_get (q, "hasNumericalValue");
        const char *unit = s_s (q, "hasUnit");
        if (!num)
            num = json_object_get (q, "om2:hasNumericalValue"), unit = s_s (q, "om2:hasUnit");
        if (strncmp (unit, "om2:", 4) == 0)
            unit += 4;
        char qty[64] = "";
        if (num) {
            char *n = json_is_string (num)
                          ? strdup (json_string_value (num))
                          : json_dumps (num, JSON_ENCODE_ANY | JSON_REAL_PRECISION (15));
            snprintf (qty, sizeof qty, "%s %s", n ? n : "", unit);
            free (n);
        }
        printf ("%.12s %5" PRId64 "  %-20s %-10s %-16s %s\n",
                json_string_value (s_env (node, "author"))
                    ? json_string_value (s_env (node, "author"))
                    : "",
                (int64_t) json_integer_value (s_env (node, "seq")), s_s (node, "@type"),
                s_s (node, "action"), qty, s_s (node, "@id"));
    }
}

/* ----------------------------------------------------------- commands */

static int
s_init (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc != 1)
        return vfctl_usage (cmd, "expected the node directory to create");
    const char *dir = o->argv[0];
    char path[1200];
    struct stat st;
    snprintf (path, sizeof path, "%s/identity.key", dir);
    if (stat (path, &st) == 0)
        return vfctl_fail (cmd->name, VFCTL_ERROR,
                           "%s already holds a node (identity.key exists); "
                           "nothing was changed",
                           dir);
    if (mkdir (dir, 0700) != 0 && errno != EEXIST)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "cannot create %s: %s", dir, strerror (errno));
    vf_identity_t *id = vf_identity_new ();
    vf_store_t *store = NULL;
    vf_err_t err = { 0 };
    int rc = id ? vf_identity_save (id, dir, &err) : VF_ENOMEM;
    snprintf (path, sizeof path, "%s/vfnode.conf", dir);
    if (rc == 0)
        rc = vf_config_write_default (path, o->name ? o->name : "", &err);
    snprintf (path, sizeof path, "%s/store", dir);
    if (rc == 0)
        rc = vf_store_open (&store, path, NULL, &err);
    char key[VF_TEXT_MAX];
    if (rc == 0)
        printf ("%s\n", vf_text_encode (key, VF_TEXT_KEY, vf_identity_public (id)));
    vf_store_destroy (&store);
    vf_identity_destroy (&id);
    if (rc)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    fprintf (stderr, "vfctl init: node created in %s; start it with: vfnode -d %s\n", dir, dir);
    return VFCTL_OK;
}

static int
s_id (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    char path[1200], key[VF_TEXT_MAX];
    vf_identity_t *id = NULL;
    vf_config_t *cfg = vf_config_new ();
    vf_err_t err = { 0 };
    int rc = vf_identity_load (&id, o->dir, &err);
    snprintf (path, sizeof path, "%s/vfnode.conf", o->dir);
    if (rc == 0 && cfg)
        rc = vf_config_load (cfg, path, &err);
    if (rc == 0) {
        const char *name = vf_config_str (cfg, "node/name");
        vf_text_encode (key, VF_TEXT_KEY, vf_identity_public (id));
        if (o->json) {
            json_t *j = json_pack ("{s:s, s:s}", "key", key, "name", name);
            vfctl_print_json (j);
            json_decref (j);
        } else
            printf ("%s %s\n", key, name);
    }
    vf_identity_destroy (&id);
    vf_config_destroy (&cfg);
    return rc ? vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc)) : VFCTL_OK;
}

static int
s_status (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, "status", true, &r);
    if (rc)
        return rc;
    if (o->json)
        vfctl_print_json (r);
    else {
        const json_t *node = json_object_get (r, "node"), *st = json_object_get (r, "store"),
                     *rq = json_object_get (r, "requests");
        printf ("node      %s %s\n", s_s (node, "key"), s_s (node, "name"));
        printf ("store     %" PRId64 " entries, %.1f of %.0f MiB used%s\n",
                (int64_t) json_integer_value (json_object_get (st, "entries")),
                (double) json_integer_value (json_object_get (st, "map_used")) / 1048576.0,
                (double) json_integer_value (json_object_get (st, "map_size")) / 1048576.0,
                json_is_true (json_object_get (st, "nearly_full"))
                    ? " (nearly full: raise store/map_size)"
                    : "");
        printf ("requests  %" PRId64 " answered, %" PRId64 " errors (%" PRId64 " bad), %" PRId64
                " in flight\n",
                (int64_t) json_integer_value (json_object_get (rq, "answered")),
                (int64_t) json_integer_value (json_object_get (rq, "errors")),
                (int64_t) json_integer_value (json_object_get (rq, "bad_requests")),
                (int64_t) json_integer_value (json_object_get (rq, "in_flight")));
    }
    json_decref (r);
    return VFCTL_OK;
}

static int
s_report_stored (const json_t *r, bool json)
{
    if (json) {
        vfctl_print_json (r);
        return json_integer_value (json_object_get (r, "refused")) ? VFCTL_ERROR : VFCTL_OK;
    }
    size_t k;
    const json_t *one;
    json_array_foreach (json_object_get (r, "entries"), k, one) {
        printf ("%-9s %s %s %s%s%s\n", s_s (one, "outcome"), s_s (one, "entry"), s_s (one, "class"),
                s_s (one, "iri"), json_object_get (one, "reason") ? " : " : "",
                s_s (one, "reason"));
    }
    printf ("%" PRId64 " stored, %" PRId64 " already held, %" PRId64 " refused\n",
            (int64_t) json_integer_value (json_object_get (r, "stored")),
            (int64_t) json_integer_value (json_object_get (r, "duplicates")),
            (int64_t) json_integer_value (json_object_get (r, "refused")));
    return json_integer_value (json_object_get (r, "refused")) ? VFCTL_ERROR : VFCTL_OK;
}

static int
s_publish (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc > 1)
        return vfctl_usage (cmd, "expected at most one JSON-LD file");
    char *text = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    int rc = vfctl_read_all (o->argc ? o->argv[0] : "-", VF_JSONLD_MAX_BYTES, &text, &len, &err);
    if (rc)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    json_error_t jerr;
    json_t *doc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
    free (text);
    if (!doc)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "not JSON: line %d column %d: %s", jerr.line,
                           jerr.column, jerr.text);
    json_object_set_new (o->req, "document", doc);
    json_t *r = NULL;
    rc = s_call (cmd, o, "publish", false, &r);
    if (rc == 0)
        rc = s_report_stored (r, o->json);
    json_decref (r);
    return rc;
}

/*  A read request whose result holds a list of entries under `key`. */
static int
s_list_request (const vfctl_cmd_t *cmd, s_opts_t *o, const char *request, const char *key)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, request, true, &r);
    if (rc)
        return rc;
    if (o->json)
        vfctl_print_json (r);
    else {
        s_print_entries (json_object_get (r, key));
        if (json_integer_value (json_object_get (r, "next")))
            printf ("(more: --after %" PRId64 ")\n",
                    (int64_t) json_integer_value (json_object_get (r, "next")));
    }
    json_decref (r);
    return VFCTL_OK;
}

static int
s_events (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (!json_object_get (o->req, "class"))
        json_object_set_new (o->req, "class", json_string ("EconomicEvent"));
    return s_list_request (cmd, o, "query", "entries");
}

static int
s_resources (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_object_set_new (o->req, "class", json_string ("EconomicResource"));
    return s_list_request (cmd, o, "query", "entries");
}

static int
s_show (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc != 1)
        return vfctl_usage (cmd, "expected an entry id (vfe_...)");
    json_object_set_new (o->req, "entry", json_string (o->argv[0]));
    json_t *r = NULL;
    int rc = s_call (cmd, o, "get", true, &r);
    if (rc == 0)
        vfctl_print_json (json_object_get (r, "entry"));
    json_decref (r);
    return rc;
}

/*  A read request about one IRI whose result is printed as JSON. */
static int
s_iri_request (const vfctl_cmd_t *cmd, s_opts_t *o, const char *request)
{
    if (o->argc != 1)
        return vfctl_usage (cmd, "expected one IRI");
    json_object_set_new (o->req, "iri", json_string (o->argv[0]));
    json_t *r = NULL;
    int rc = s_call (cmd, o, request, true, &r);
    if (rc == 0)
        vfctl_print_json (r);
    json_decref (r);
    return rc;
}

static int
s_resource (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    return s_iri_request (cmd, o, "resource");
}

static int
s_process (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    return s_iri_request (cmd, o, "process");
}

static int
s_pending (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, "pending", true, &r);
    if (rc)
        return rc;
    if (o->json)
        vfctl_print_json (r);
    else {
        size_t k;
        const json_t *p;
        json_array_foreach (json_object_get (r, "pending"), k, p)
            printf ("%s  waits to change  %s\n", s_s (p, "event"), s_s (p, "resource"));
        if (json_array_size (json_object_get (r, "pending")) == 0)
            printf ("nothing pending\n");
    }
    json_decref (r);
    return VFCTL_OK;
}

static int
s_confirm (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc != 1)
        return vfctl_usage (cmd, "expected the id (vfe_...) of the event to confirm");
    json_object_set_new (o->req, "entry", json_string (o->argv[0]));
    json_t *r = NULL;
    int rc = s_call (cmd, o, "confirm", false, &r);
    if (rc == 0)
        rc = s_report_stored (r, o->json);
    json_decref (r);
    return rc;
}

static int
s_export (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    FILE *out = o->out ? fopen (o->out, "w") : stdout;
    if (!out)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "cannot write %s: %s", o->out, strerror (errno));
    uint64_t after = 0;
    int rc = VFCTL_OK;
    do {
        json_t *req = json_pack ("{s:s, s:I, s:i}", "request", "export", "after",
                                 (json_int_t) after, "limit", 1000),
               *r = NULL;
        rc = vfctl_call (cmd->name, o->dir, req, true, &r);
        size_t k;
        const json_t *node;
        json_array_foreach (json_object_get (r, "entries"), k, node) {
            char *line = json_dumps (node, VF_JSON_DUMP_FLAGS);
            if (!line || fprintf (out, "%s\n", line) < 0)
                rc = vfctl_fail (cmd->name, VFCTL_ERROR, "cannot write the export");
            free (line);
        }
        after = (uint64_t) json_integer_value (json_object_get (r, "next"));
        json_decref (r);
    } while (rc == 0 && after);
    if (out != stdout && fclose (out) != 0)
        rc = vfctl_fail (cmd->name, VFCTL_ERROR, "cannot write %s", o->out);
    return rc;
}

/*  import: send the signed entries of a file in requests of 1000. */
typedef struct {
    const vfctl_cmd_t *cmd;
    s_opts_t *o;
    json_t *batch;
    int rc;
    uint64_t stored, duplicate, refused;
} s_import_t;

static void
s_import_flush (s_import_t *im)
{
    if (json_array_size (im->batch) == 0 || im->rc)
        return;
    /*  the request takes the batch; the next one starts empty */
    json_t *req = json_pack ("{s:s, s:o}", "request", "import", "entries", im->batch), *r = NULL;
    im->batch = json_array ();
    im->rc = vfctl_call (im->cmd->name, im->o->dir, req, false, &r);
    im->stored += (uint64_t) json_integer_value (json_object_get (r, "stored"));
    im->duplicate += (uint64_t) json_integer_value (json_object_get (r, "duplicates"));
    im->refused += (uint64_t) json_integer_value (json_object_get (r, "refused"));
    size_t k;
    const json_t *one;
    json_array_foreach (json_object_get (r, "entries"), k, one)
        if (json_object_get (one, "reason"))
            fprintf (stderr, "vfctl import: %s: %s\n", s_s (one, "entry"), s_s (one, "reason"));
    json_decref (r);
}

static int
s_import_record (vf_record_t *rec, const char *where, const char *msg, void *arg)
{
    s_import_t *im = arg;
    if (!rec) {
        im->refused++;
        fprintf (stderr, "vfctl import: %s: %s\n", where, msg);
        return 0;
    }
    vf_err_t err = { 0 };
    int rc = vf_record_verify (rec, &err); /* early, per-entry errors; the node checks again */
    if (rc) {
        im->refused++;
        fprintf (stderr, "vfctl import: %s: %s\n", where, vf_err_msg (&err, rc));
        return 0;
    }
    json_array_append_new (im->batch, vf_jsonld_export_entry (rec->entry, true));
    if (json_array_size (im->batch) == 1000)
        s_import_flush (im);
    return im->rc;
}

static int
s_import (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc > 1)
        return vfctl_usage (cmd, "expected at most one file of signed entries");
    s_import_t im = { cmd, o, json_array (), 0, 0, 0, 0 };
    int rc = vfctl_read_entries (cmd->name, o->argc ? o->argv[0] : "-", s_import_record, &im);
    if (rc == 0)
        s_import_flush (&im);
    json_decref (im.batch);
    if (rc == 0 && im.rc == 0)
        printf ("%" PRIu64 " stored, %" PRIu64 " already held, %" PRIu64 " refused\n", im.stored,
                im.duplicate, im.refused);
    return rc ? rc : im.rc ? im.rc : im.refused ? VFCTL_ERROR : VFCTL_OK;
}

/* ------------------------------------------------- networks and peers */

static int
s_networks (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, "networks", true, &r);
    if (rc)
        return rc;
    if (o->json)
        vfctl_print_json (r);
    else {
        size_t k, m;
        const json_t *net, *mem;
        json_array_foreach (json_object_get (r, "networks"), k, net) {
            printf ("%s  %s\n", s_s (net, "id"), s_s (net, "name"));
            json_array_foreach (json_object_get (net, "members"), m, mem)
                printf ("    %s  %-24s %s\n", s_s (mem, "key"), s_s (mem, "name"),
                        s_s (mem, "endpoint"));
        }
        if (json_array_size (json_object_get (r, "networks")) == 0)
            printf ("this node is in no network yet (vfctl network add NAME)\n");
    }
    json_decref (r);
    return VFCTL_OK;
}

/*  A request that edits networks.json through the daemon. */
static int
s_edit (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, NULL, false, &r);
    if (rc == 0 && o->json)
        vfctl_print_json (r);
    json_decref (r);
    return rc;
}

static int
s_network (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc == 2 && strcmp (o->argv[0], "add") == 0)
        json_object_set_new (o->req, "name", json_string (o->argv[1]));
    else if (o->argc == 3 && strcmp (o->argv[0], "join") == 0) {
        json_object_set_new (o->req, "network_id", json_string (o->argv[1]));
        json_object_set_new (o->req, "name", json_string (o->argv[2]));
    } else
        return vfctl_usage (cmd, "expected: network add NAME, or network join ID NAME");
    json_object_set_new (o->req, "request", json_string ("network_add"));
    int rc = s_edit (cmd, o);
    if (rc == 0 && !o->json)
        printf ("ok; `vfctl networks` shows its id, to give to the other members\n");
    return rc;
}

static int
s_peers (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    json_t *r = NULL;
    int rc = s_call (cmd, o, "peers", false, &r);
    if (rc)
        return rc;
    if (o->json)
        vfctl_print_json (r);
    else {
        printf ("%-20s %-12s %-10s %6s %9s %9s %9s %9s %6s %s\n", "name", "key", "state", "rtt",
                "in", "out", "bytes in", "bytes out", "errors", "endpoint");
        size_t k;
        const json_t *p;
        json_array_foreach (json_object_get (r, "peers"), k, p)
            printf ("%-20.20s %-12.12s %-10s %4lldms %9lld %9lld %9lld %9lld %6lld %s\n",
                    s_s (p, "name"), s_s (p, "key"), s_s (p, "state"),
                    (long long) json_integer_value (json_object_get (p, "rtt_ms")),
                    (long long) json_integer_value (json_object_get (p, "entries_in")),
                    (long long) json_integer_value (json_object_get (p, "entries_out")),
                    (long long) json_integer_value (json_object_get (p, "bytes_in")),
                    (long long) json_integer_value (json_object_get (p, "bytes_out")),
                    (long long) json_integer_value (json_object_get (p, "errors")),
                    s_s (p, "endpoint"));
        printf ("handshakes: %lld admitted, %lld refused\n",
                (long long) json_integer_value (json_object_get (r, "handshakes_admitted")),
                (long long) json_integer_value (json_object_get (r, "handshakes_refused")));
    }
    json_decref (r);
    return VFCTL_OK;
}

static int
s_peer (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc >= 2 && strcmp (o->argv[0], "add") == 0 && o->argc <= 3) {
        if (!json_object_get (o->req, "network"))
            return vfctl_usage (cmd, "peer add needs --network NAME");
        json_object_set_new (o->req, "request", json_string ("peer_add"));
        json_object_set_new (o->req, "key", json_string (o->argv[1]));
        if (o->argc == 3)
            json_object_set_new (o->req, "endpoint", json_string (o->argv[2]));
        if (o->name)
            json_object_set_new (o->req, "name", json_string (o->name));
        return s_edit (cmd, o);
    }
    if (o->argc != 1)
        return vfctl_usage (cmd, "expected: peer KEY, or peer add KEY [ENDPOINT] --network N");
    json_object_set_new (o->req, "key", json_string (o->argv[0]));
    json_t *r = NULL;
    int rc = s_call (cmd, o, "peer", false, &r);
    if (rc == 0)
        vfctl_print_json (json_object_get (r, "peer"));
    json_decref (r);
    return rc;
}

/*  Sum of a counter over the peers we sync with (one key, or all
    connected); *connected counts them. */
static int64_t
s_peers_sum (const json_t *r, const char *key, const char *field, size_t *connected)
{
    int64_t sum = 0;
    size_t k;
    const json_t *p;
    *connected = 0;
    json_array_foreach (json_object_get (r, "peers"), k, p) {
        if (key ? strcmp (s_s (p, "key"), key) != 0 : strcmp (s_s (p, "state"), "connected") != 0)
            continue;
        *connected += strcmp (s_s (p, "state"), "connected") == 0;
        sum += json_integer_value (json_object_get (p, field));
    }
    return sum;
}

/*  Are the reconciliations with the peers we sync with over: no message
    either way for a second and for three of that peer's round trips? */
static bool
s_recon_quiet (const json_t *r, const char *key)
{
    size_t k;
    const json_t *p;
    json_array_foreach (json_object_get (r, "peers"), k, p) {
        if (key ? strcmp (s_s (p, "key"), key) != 0 : strcmp (s_s (p, "state"), "connected") != 0)
            continue;
        const json_t *idle = json_object_get (p, "recon_idle_ms");
        int64_t rtt = json_integer_value (json_object_get (p, "rtt_ms"));
        int64_t need = 3 * rtt > 1000 ? 3 * rtt : 1000;
        if (json_is_integer (idle) && json_integer_value (idle) < need)
            return false;
    }
    return true;
}

/*  Poll the peers until nothing is left to fetch for a second, showing
    progress on a terminal. */
static int
s_sync_wait (const vfctl_cmd_t *cmd, const s_opts_t *o, const char *key)
{
    bool tty = isatty (STDERR_FILENO);
    int64_t start = zclock_mono (), quiet_since = 0, first_in = -1, in = 0, left = 0;
    int64_t limit = start + (int64_t) (o->timeout_s ? o->timeout_s : 600) * 1000;
    while (zclock_mono () < limit) {
        json_t *r = NULL;
        int rc = vfctl_call (cmd->name, o->dir, json_pack ("{s:s}", "request", "peers"), false, &r);
        if (rc)
            return rc;
        size_t connected = 0;
        left = s_peers_sum (r, key, "to_fetch", &connected);
        in = s_peers_sum (r, key, "entries_in", &connected);
        bool quiet = s_recon_quiet (r, key);
        json_decref (r);
        if (first_in < 0)
            first_in = in;
        int64_t now = zclock_mono ();
        double secs = (double) (now - start) / 1000.0;
        if (tty)
            fprintf (stderr, "\rsync: %lld received, %lld to fetch, %.0f entries/s   ",
                     (long long) (in - first_in), (long long) left,
                     secs > 0 ? (double) (in - first_in) / secs : 0.0);
        if (connected == 0) {
            if (tty)
                fputc ('\n', stderr);
            return vfctl_fail (cmd->name, VFCTL_ERROR, "the peer disconnected");
        }
        /*  settled: nothing left to fetch for a second, and the
            reconciliations quiet for several round trips */
        quiet_since = left || !quiet ? 0 : quiet_since ? quiet_since : now;
        if (quiet_since && now - quiet_since >= 1000 && now - start >= 1000) {
            if (tty)
                fputc ('\n', stderr);
            printf ("in sync: %lld entries received in %.1f s\n", (long long) (in - first_in),
                    secs);
            return VFCTL_OK;
        }
        zclock_sleep (200);
    }
    if (tty)
        fputc ('\n', stderr);
    return vfctl_fail (cmd->name, VFCTL_ERROR, "not in sync after %llu s: %lld entries to fetch",
                       (unsigned long long) (o->timeout_s ? o->timeout_s : 600), (long long) left);
}

static int
s_sync (const vfctl_cmd_t *cmd, s_opts_t *o)
{
    if (o->argc > 1)
        return vfctl_usage (cmd, "expected at most one KEY (vfk_...)");
    const char *key = o->argc == 1 ? o->argv[0] : NULL;
    if (key)
        json_object_set_new (o->req, "key", json_string (key));
    json_t *r = NULL;
    int rc = s_call (cmd, o, "sync", false, &r);
    if (rc)
        return rc;
    size_t n = json_array_size (json_object_get (r, "reconciling"));
    json_decref (r);
    if (n == 0)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "no peer is connected: nothing to sync with");
    if (!o->wait) {
        printf ("reconciling with %zu peer%s\n", n, n == 1 ? "" : "s");
        return VFCTL_OK;
    }
    return s_sync_wait (cmd, o, key);
}

/* ----------------------------------------------------------- the table */

typedef int (*s_fn_t) (const vfctl_cmd_t *cmd, s_opts_t *o);

#define S_DIR_HELP                                                                                 \
    "  -d, --dir DIR   node directory (default: $VFNODE_DIR, else /var/lib/vfnode\n"               \
    "                  for root, else ~/.vfnode)\n"
#define S_OFFLINE "Answered from the store when the node is not running.\n"

#define S_CMD(fn, nm, summary, help)                                                               \
    static int s_run_##fn (int argc, char **argv);                                                 \
    const vfctl_cmd_t vfctl_cmd_##fn = { nm, summary, help, s_run_##fn };                          \
    static int s_run_##fn (int argc, char **argv)                                                  \
    {                                                                                              \
        return s_dispatch (&vfctl_cmd_##fn, s_##fn, argc, argv);                                   \
    }

static int
s_dispatch (const vfctl_cmd_t *cmd, s_fn_t fn, int argc, char **argv)
{
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    s_opts_t o = { 0 };
    int rc = s_parse (cmd, argc, argv, &o);
    if (rc == 0)
        rc = fn (cmd, &o);
    json_decref (o.req);
    return rc;
}

S_CMD (init, "init", "create a node directory: identity, config, store",
       "usage: vfctl init DIR [--name \"Co-op name\"]\n\n"
       "Create a node directory (mode 0700) with a new identity (identity.key,\n"
       "identity.pub), a config file with every option present, commented and set\n"
       "to its default (vfnode.conf, see docs/CONFIG.md), and an empty store.\n"
       "Refuses to touch a directory that already holds a node. Prints the key.\n\n"
       "Example:\n  vfctl init /var/lib/vfnode --name \"Hill Farm Co-op\"\n")
S_CMD (id, "id", "print the node's public key and name",
       "usage: vfctl id [-d DIR] [--json]\n\n" S_DIR_HELP "\nExample:\n  vfctl id -d farm\n")
S_CMD (status, "status", "the node, its store and its counters",
       "usage: vfctl status [-d DIR] [--json]\n\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl status -d farm\n")
S_CMD (publish, "publish", "validate, sign and store ValueFlows JSON-LD",
       "usage: vfctl publish [-d DIR] [--audience NET]... [--json] [FILE|-]\n\n"
       "Send a VF JSON-LD document to the node, which checks every record, numbers\n"
       "and signs them as this co-op, stores them durably, and only then answers\n"
       "with the entry id and IRI of each (minted IRIs for records without @id).\n"
       "Nothing is stored unless every record is valid. Needs the node running.\n\n"
       "  -u, --audience NET   a network (vfn_...) that may hold the entries;\n"
       "                       repeat for several (default: public)\n" S_DIR_HELP
       "\nExample:\n  vfctl publish -d farm docs/examples/farm.jsonld\n")
S_CMD (events, "events", "economic events, filtered, a page at a time",
       "usage: vfctl events [-d DIR] [--json] [--action A] [--resource IRI] [--process IRI]\n"
       "                    [--agent IRI] [--author vfk_...] [--after N] [--limit N]\n\n"
       "List events in the order the node received them; --after continues a page.\n" S_OFFLINE
           S_DIR_HELP "\nExample:\n  vfctl events -d farm --action produce\n")
S_CMD (show, "show", "one entry by id, as JSON-LD",
       "usage: vfctl show [-d DIR] ENTRY\n\n"
       "Print the entry with id ENTRY (vfe_...) as a JSON-LD node with its signed\n"
       "envelope (vfn:entry).\n" S_OFFLINE S_DIR_HELP "\nExample:\n  vfctl show -d farm vfe_...\n")
S_CMD (resources, "resources", "EconomicResource records",
       "usage: vfctl resources [-d DIR] [--json] [--after N] [--limit N]\n\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl resources -d farm\n")
S_CMD (resource, "resource", "a resource's state (quantities, custody, location ...)",
       "usage: vfctl resource [-d DIR] [--history] IRI\n\n"
       "The resource's record and the state its events imply (see docs/STORE.md);\n"
       "--history adds its events in order.\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl resource -d farm https://farm.coop.example/lot/wool-2026-11\n")
S_CMD (process, "process", "a process's input and output events",
       "usage: vfctl process [-d DIR] [--after N] IRI\n\n"
       "The economic events that are its inputs and outputs, as JSON, 1000 at a\n"
       "time: when \"next\" is not null, ask again with --after NEXT.\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl process -d farm https://farm.coop.example/process/shearing-2026-11\n")
S_CMD (pending, "pending", "events by others that wait for our confirmation",
       "usage: vfctl pending [-d DIR] [--json]\n\n"
       "Events another co-op authored that would change a resource we own; they\n"
       "count only once we confirm them (vfctl confirm).\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl pending -d mill\n")
S_CMD (confirm, "confirm", "countersign another co-op's event on our resource",
       "usage: vfctl confirm [-d DIR] [--json] ENTRY\n\n"
       "Publish a Confirmation of the event with entry id ENTRY (vfe_...), so that\n"
       "its effects on our resources count. Needs the node running.\n" S_DIR_HELP
       "\nExample:\n  vfctl confirm -d mill vfe_...\n")
S_CMD (export, "export", "every signed entry, as JSON lines",
       "usage: vfctl export [-d DIR] [-o FILE]\n\n"
       "Write every entry the node holds as JSON lines (the format of vfctl sign),\n"
       "in the order the node received them.\n" S_OFFLINE S_DIR_HELP
       "\nExample:\n  vfctl export -d farm -o farm.entries\n")
S_CMD (import, "import", "verify and store signed entries",
       "usage: vfctl import [-d DIR] [FILE|-]\n\n"
       "Send signed entries (JSON lines or a JSON-LD document, e.g. from vfctl\n"
       "export or vfctl sign) to the node, which verifies each on all cores and\n"
       "stores the valid ones. Exit 1 if any was refused. Needs the node running.\n" S_DIR_HELP
       "\nExample:\n  vfctl import -d mill farm.entries\n")
S_CMD (networks, "networks", "the networks this node is in, and their members",
       "usage: vfctl networks [-d DIR] [--json]\n\n"
       "Each network's id (vfn_...) and name, then its members: key, name and the\n"
       "endpoint this node dials (if any). Read from DIR/networks.json when the node\n"
       "is not running.\n" S_DIR_HELP "\nExample:\n  vfctl networks -d farm\n")
S_CMD (network, "network", "create a network, or join one by its id",
       "usage: vfctl network [-d DIR] add NAME\n"
       "       vfctl network [-d DIR] join ID NAME\n\n"
       "add creates a new network (a random id); give its id (vfctl networks) to\n"
       "the other members, who join it by id under a name of their choice. Then\n"
       "add each other as peers (vfctl peer add). Needs the node running; the\n"
       "change is kept in DIR/networks.json.\n" S_DIR_HELP
       "\nExample:\n  vfctl network -d farm add wool-region\n")
S_CMD (peers, "peers", "every member of our networks: state, traffic, errors",
       "usage: vfctl peers [-d DIR] [--json]\n\n"
       "One row per member: name, key, state (connected, connecting, waiting for it\n"
       "to dial us, banned), round-trip time, entries and bytes in and out, errors,\n"
       "and the endpoint we dial. --json has every counter. Needs the node running.\n" S_DIR_HELP
       "\nExample:\n  vfctl peers -d farm\n")
S_CMD (sync, "sync", "reconcile with peers now",
       "usage: vfctl sync [-d DIR] [--wait [--timeout S]] [KEY]\n\n"
       "Start a reconciliation with the peer KEY (vfk_...), or with every connected\n"
       "peer, at once instead of at the next peer/reconcile. With --wait, show\n"
       "what comes in (entries received, still to fetch, entries/s) until nothing\n"
       "is left to fetch, then say how many came; exit 1 if that takes longer than\n"
       "--timeout seconds (default 600). Needs the node running.\n\n"
       "  -W, --wait          wait until in sync\n"
       "  -T, --timeout S     give up waiting after S seconds\n" S_DIR_HELP
       "\nExample:\n  vfctl sync -d farm --wait\n")
S_CMD (peer, "peer", "add a member to a network, or show one member",
       "usage: vfctl peer [-d DIR] add KEY [ENDPOINT] --network NAME [--name NAME]\n"
       "       vfctl peer [-d DIR] KEY\n\n"
       "add makes KEY (vfk_...) a member of one of our networks; with an ENDPOINT\n"
       "(tcp://host:7690) this node dials it, otherwise it waits for KEY to dial.\n"
       "Only members of a network we share may connect. With a KEY alone, every\n"
       "counter and the last error of that member. Needs the node running.\n" S_DIR_HELP
       "\nExample:\n  vfctl peer -d farm add vfk_... tcp://mill.example:7690 --network "
       "wool-region --name Mill\n")
