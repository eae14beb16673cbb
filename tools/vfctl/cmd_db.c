/*  cmd_db.c - vfctl db stat|check|dump|load: offline commands that read
    (or, for load, write) a node's store directly. They work while the
    daemon runs: LMDB allows any number of readers beside its writer. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "vf_config.h"
#include "vf_jsonld.h"
#include "vf_limits.h"
#include "vf_store.h"
#include "vfctl.h"

static int s_run (int argc, char **argv);

const vfctl_cmd_t vfctl_cmd_db = {
    "db",
    "offline store commands: stat, check, dump, load",
    "usage: vfctl db stat  [-d DIR] [--json]\n"
    "       vfctl db check [-d DIR]\n"
    "       vfctl db dump  [-d DIR] [-o FILE]\n"
    "       vfctl db load  [-d DIR] FILE|-\n"
    "\n"
    "Work on the node's store (DIR/store) directly, without the daemon; stat,\n"
    "check and dump only read and are safe while vfnode runs.\n"
    "\n"
    "  stat    rows per table, map size and use, schema version\n"
    "  check   verify every entry's signature and ValueFlows rules, the main\n"
    "          index rows and every resource's state against the log; exit 1\n"
    "          if anything is wrong\n"
    "  dump    every entry as JSON lines (the format of vfctl sign), in the\n"
    "          order the store received them\n"
    "  load    verify and store the entries of a dump (or of vfctl sign);\n"
    "          entries already held are skipped; exit 1 if any was refused.\n"
    "          Refused while the node runs (use vfctl import then); the store\n"
    "          may grow to store/map_size of DIR/vfnode.conf\n"
    "\n"
    "Options:\n"
    "  -d, --dir DIR    node directory (default: $VFNODE_DIR, else /var/lib/vfnode\n"
    "                   for root, else ~/.vfnode)\n"
    "  -o, --out FILE   dump into FILE instead of standard output\n"
    "      --json       stat as one JSON object\n"
    "\n"
    "Examples:\n"
    "  vfctl db check -d /var/lib/vfnode\n"
    "  vfctl db dump -d old-node > backup.entries && vfctl db load -d new-node backup.entries\n",
    s_run,
};

typedef struct {
    const char *dir;
    const char *out;
    bool json;
    int argc;
    char **argv;
} s_opts_t;

static int
s_open (const char *dir, bool read_only, vf_store_t **st)
{
    char path[1024];
    vf_store_opts_t opts = { 0, read_only };
    vf_err_t err = { 0 };
    int rc = 0;
    if (!read_only) { /* a store we write grows as far as the node lets it */
        vf_config_t *cfg = vf_config_new ();
        snprintf (path, sizeof path, "%s/vfnode.conf", dir);
        rc = !cfg ? VF_ENOMEM : access (path, F_OK) == 0 ? vf_config_load (cfg, path, &err) : 0;
        if (rc == 0)
            opts.map_size = vf_config_size (cfg, "store/map_size");
        vf_config_destroy (&cfg);
    }
    snprintf (path, sizeof path, "%s/store", dir);
    if (rc == 0)
        rc = vf_store_open (st, path, &opts, &err);
    if (rc)
        return vfctl_fail ("db", VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    return 0;
}

/*  db load writes the store itself: never beside a running node, which
    would go on numbering its own entries without seeing the loaded ones.
    Holds the node's directory lock (vfnode.lock) until *fd is closed. */
static int
s_lock (const char *dir, int *fd)
{
    char path[1024];
    snprintf (path, sizeof path, "%s/vfnode.lock", dir);
    *fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0)
        return vfctl_fail ("db load", VFCTL_ERROR, "cannot open %s: %s", path, strerror (errno));
    if (flock (*fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    close (*fd);
    *fd = -1;
    return vfctl_fail ("db load", VFCTL_ERROR,
                       "the node in %s is running (%s is locked): stop it first, or send the "
                       "entries to it with `vfctl import`",
                       dir, path);
}

static int
s_stat (const s_opts_t *o)
{
    vf_store_t *st = NULL;
    vf_store_stat_t s;
    vf_err_t err = { 0 };
    if (s_open (o->dir, true, &st))
        return VFCTL_ERROR;
    int rc = vf_store_stat (st, &s, &err);
    vf_store_destroy (&st);
    if (rc)
        return vfctl_fail ("db stat", VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    double pct = s.map_size ? 100.0 * (double) s.map_used / (double) s.map_size : 0;
    if (o->json) {
        json_t *tables = json_object ();
        for (size_t k = 0; k < s.tables; k++)
            json_object_set_new (tables, s.table_names[k],
                                 json_integer ((json_int_t) s.table_rows[k]));
        json_t *j = json_pack ("{s:i, s:I, s:I, s:I, s:b, s:o}", "schema", s.schema, "entries",
                               (json_int_t) s.entries, "map_size", (json_int_t) s.map_size,
                               "map_used", (json_int_t) s.map_used, "nearly_full",
                               vf_store_nearly_full (&s), "tables", tables);
        vfctl_print_json (j);
        json_decref (j);
        return VFCTL_OK;
    }
    printf ("store    %s/store (schema %d)\n", o->dir, s.schema);
    printf ("entries  %" PRIu64 "\n", s.entries);
    printf ("map      %.1f of %.1f MiB used (%.1f%%)%s\n", (double) s.map_used / 1048576.0,
            (double) s.map_size / 1048576.0, pct,
            vf_store_nearly_full (&s) ? "  -- nearly full: raise map_size" : "");
    printf ("\n%-10s %12s\n", "table", "rows");
    for (size_t k = 0; k < s.tables; k++)
        printf ("%-10s %12" PRIu64 "\n", s.table_names[k], s.table_rows[k]);
    return VFCTL_OK;
}

static int
s_check (const s_opts_t *o)
{
    vf_store_t *st = NULL;
    vf_check_report_t r;
    vf_err_t err = { 0 };
    if (s_open (o->dir, true, &st))
        return VFCTL_ERROR;
    int rc = vf_store_check (st, &r, &err);
    vf_store_destroy (&st);
    if (rc)
        return vfctl_fail ("db check", VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    printf ("%" PRIu64 " entries checked: %" PRIu64 " bad entries, %" PRIu64 " bad index rows\n"
            "%" PRIu64 " resources rebuilt from the log: %" PRIu64
            " differ from the stored state\n",
            r.entries, r.bad_entries, r.bad_index, r.resources, r.bad_state);
    if (r.bad_entries || r.bad_index || r.bad_state)
        return vfctl_fail ("db check", VFCTL_ERROR, "first problem: %s", r.first_problem);
    return VFCTL_OK;
}

static int
s_dump (const s_opts_t *o)
{
    FILE *out = o->out ? fopen (o->out, "w") : stdout;
    if (!out)
        return vfctl_fail ("db dump", VFCTL_ERROR, "cannot write %s", o->out);
    vf_store_t *st = NULL;
    int ret = s_open (o->dir, true, &st) ? VFCTL_ERROR : VFCTL_OK;
    vf_query_t q = { .limit = 1000 };
    vf_err_t err = { 0 };
    while (ret == VFCTL_OK) {
        vf_entry_t **page = NULL;
        size_t n = 0;
        int rc = vf_store_query (st, &q, &page, &n, &q.after, &err);
        if (rc)
            ret = vfctl_fail ("db dump", VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
        for (size_t k = 0; k < n && ret == VFCTL_OK; k++) {
            json_t *node = vf_jsonld_export_entry (page[k], true);
            char *line = node ? json_dumps (node, VF_JSON_DUMP_FLAGS) : NULL;
            if (!line || fprintf (out, "%s\n", line) < 0)
                ret = vfctl_fail ("db dump", VFCTL_ERROR, "cannot write the dump");
            free (line);
            json_decref (node);
        }
        vf_store_free_entries (&page, n);
        if (q.after == 0)
            break;
    }
    vf_store_destroy (&st);
    if (out != stdout && fclose (out) != 0)
        ret = vfctl_fail ("db dump", VFCTL_ERROR, "cannot write %s", o->out);
    return ret;
}

/*  db load: verify each entry, store them in batches of 1000. */
typedef struct {
    vf_store_t *st;
    vf_entry_t *batch[1000];
    char where[1000][64];
    size_t n;
    uint64_t stored, duplicate, rejected;
    int failed; /* a store error ended the load */
} s_load_t;

static void
s_flush (s_load_t *l)
{
    vf_ingest_result_t *res = calloc (l->n ? l->n : 1, sizeof *res);
    vf_err_t err = { 0 };
    int rc = res ? vf_store_ingest (l->st, l->batch, l->n, res, &err) : VF_ENOMEM;
    if (rc)
        l->failed = vfctl_fail ("db load", VFCTL_ERROR, "%s (%zu entries from %s not stored)",
                                vf_err_msg (&err, rc), l->n, l->where[0]);
    for (size_t k = 0; k < l->n && rc == 0; k++) {
        if (res[k].outcome == VF_OUTCOME_STORED)
            l->stored++;
        else if (res[k].outcome == VF_OUTCOME_DUPLICATE)
            l->duplicate++;
        else {
            l->rejected++;
            fprintf (stderr, "vfctl db load: %s: %s\n", l->where[k], res[k].reason);
        }
    }
    for (size_t k = 0; k < l->n; k++)
        vf_entry_destroy (&l->batch[k]);
    l->n = 0;
    free (res);
}

static int
s_on_load (vf_record_t *rec, const char *where, const char *msg, void *arg)
{
    s_load_t *l = arg;
    vf_err_t err = { 0 };
    int rc = rec ? vf_record_verify (rec, &err) : VF_EPARSE;
    if (rc) {
        l->rejected++;
        fprintf (stderr, "vfctl db load: %s: %s\n", where, rec ? vf_err_msg (&err, rc) : msg);
        return 0;
    }
    snprintf (l->where[l->n], sizeof l->where[0], "%s", where);
    l->batch[l->n++] = rec->entry;
    rec->entry = NULL; /* transferred */
    if (l->n == sizeof l->batch / sizeof l->batch[0])
        s_flush (l);
    return l->failed;
}

static int
s_load (const s_opts_t *o, const char *file)
{
    s_load_t *l = calloc (1, sizeof *l);
    if (!l)
        return vfctl_fail ("db load", VFCTL_ERROR, "out of memory");
    int fd = -1;
    int ret = s_lock (o->dir, &fd) || s_open (o->dir, false, &l->st) ? VFCTL_ERROR : VFCTL_OK;
    if (ret == VFCTL_OK)
        ret = vfctl_read_entries ("db load", file, s_on_load, l);
    if (ret == VFCTL_OK && l->n)
        s_flush (l);
    for (size_t k = 0; k < l->n; k++)
        vf_entry_destroy (&l->batch[k]);
    vf_store_destroy (&l->st);
    if (fd >= 0)
        close (fd);
    if (ret == VFCTL_OK && !l->failed)
        printf ("%" PRIu64 " stored, %" PRIu64 " already held, %" PRIu64 " refused\n", l->stored,
                l->duplicate, l->rejected);
    if (ret == VFCTL_OK && (l->failed || l->rejected))
        ret = VFCTL_ERROR;
    free (l);
    return ret;
}

static int
s_run (int argc, char **argv)
{
    const vfctl_cmd_t *cmd = &vfctl_cmd_db;
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    static const struct option longopts[] = {
        { "dir", required_argument, NULL, 'd' },
        { "out", required_argument, NULL, 'o' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    if (argc < 2)
        return vfctl_usage (cmd, "which db command? stat, check, dump or load");
    const char *sub = argv[1];
    s_opts_t o = { 0 };
    int c;
    optind = 2;
    while ((c = getopt_long (argc, argv, "d:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.dir = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        default:
            return vfctl_usage (cmd, "unknown option");
        }
    }
    o.dir = vfctl_node_dir (o.dir);
    int rest = argc - optind;
    if (strcmp (sub, "load") == 0) {
        if (rest != 1)
            return vfctl_usage (cmd, "db load takes one file (or - for standard input)");
        return s_load (&o, argv[optind]);
    }
    if (rest != 0)
        return vfctl_usage (cmd, "db %s takes no arguments", sub);
    if (strcmp (sub, "stat") == 0)
        return s_stat (&o);
    if (strcmp (sub, "check") == 0)
        return s_check (&o);
    if (strcmp (sub, "dump") == 0)
        return s_dump (&o);
    return vfctl_usage (cmd, "unknown db command '%s' (stat, check, dump, load)", sub);
}
