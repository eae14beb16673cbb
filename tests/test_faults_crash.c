/*  test_faults_crash.c - crash durability: a node killed with SIGKILL at
    random moments loses nothing it acknowledged, and its store stays
    consistent.

    Two real nodes in one network: V (the victim) and P (its peer), each
    listening and dialling the other, as operators set them up. Each round, this program publishes
   batches of records to both through the control API, keeping a few requests in flight on each, and
   records every entry id a reply said was "stored". At a random moment it sends V SIGKILL, lets P
   publish a little longer, then, with V down:
      - `vfctl db check` on V's directory must find nothing wrong;
      - V's store (opened read-only here) must hold every entry V ever
        acknowledged, before P can hand any of them back;
    then restarts V and waits (60 s at most) until V holds every entry P
    acknowledged and P every entry V acknowledged: the peers resume by
    reconciliation alone (nobody asks for a sync). A vfnode that dies
    other than by our SIGKILL, or a sanitizer report in a node's log, is
    a crash. At the end both nodes hold the same entries, neither knows
    of a fork (V never signed two entries under one seq across its
    restarts), both stop cleanly and both stores check clean.

    The second scenario kills V while it imports a few thousand entries
    signed elsewhere in one request (one write transaction): the kill
    lands anywhere from the parsing to the writer's commit. An import
    that was not answered must have left all of its entries or none.

    Rounds: 3 per scenario, 100 with VF_FAULTS_LONG=1 (VF_FAULTS_ROUNDS=N
    overrides both). The random choices (batch sizes, when to kill) come
    from a seed printed at the start; VF_FAULTS_SEED=S replays them (the
    kill still lands wherever the node is at that moment). Each scenario
    ends with one line on stdout (docs/FAULTS.md):
        FAULTS<TAB>name<TAB>rounds<TAB>acked<TAB>lost<TAB>bad_inputs<TAB>crashes

    VF_TEST_ONLY=NAME runs one test. Ports 17401-17405; a second run on
    the machine waits for the first (flock on
    /tmp/vf-test-faults_crash.lock). Every node is killed at teardown,
    even after a failure (tests/node_support.h).
*/
#define TEST_NAME "faults_crash"
#include "node_support.h"

#include <inttypes.h>
#include <sys/file.h>

#include "fake_peer.h"
#include "vf_store.h"

#define S_WAIT_CATCH_UP_MS 60000 /* generous: ASan, two cores, a busy machine */
#define S_INFLIGHT 4             /* publish requests each client keeps in flight */
#define S_BATCH_MAX 48           /* records in one publish request, at most */
/*  Rounds on one pair of nodes before a fresh pair: vfctl db check reads
    the whole store after every kill, so the stores must stay small
    enough for 100 rounds to take minutes, not hours. */
#define S_EPOCH_ROUNDS 10

/*  splitmix64: small, and the same sequence everywhere for a seed. */
static uint64_t
s_rand (uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*  A number in [lo, hi]. */
static int64_t
s_between (uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t) (s_rand (state) % (uint64_t) (hi - lo + 1));
}

static uint64_t s_seed;

/*  What one scenario found: its FAULTS line, and the first problem. */
typedef struct {
    const char *name;
    int rounds;
    int64_t acked, lost, crashes, problems;
    int answered, all_stored, none_stored; /* how imports ended */
    int cut_in_commit; /* of none_stored: killed while the writer wrote their pages */
    char first_problem[600];
} s_tally_t;

static void s_problem (s_tally_t *t, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_problem (s_tally_t *t, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    printf ("faults_crash: %s: %s\n", t->name, text);
    fflush (stdout);
    if (t->problems++ == 0)
        snprintf (t->first_problem, sizeof t->first_problem, "%s", text);
}

static void
s_print_line (const s_tally_t *t)
{
    printf ("FAULTS\t%s\t%d\t%" PRId64 "\t%" PRId64 "\t0\t%" PRId64 "\n", t->name, t->rounds,
            t->acked, t->lost, t->crashes);
    fflush (stdout);
}

static int
s_rounds (void)
{
    const char *n = getenv ("VF_FAULTS_ROUNDS");
    if (n && atoi (n) > 0)
        return atoi (n);
    const char *l = getenv ("VF_FAULTS_LONG");
    return l && strcmp (l, "1") == 0 ? 100 : 3;
}

/*  Start vfnode on dir as s_start does, but say -1 instead of failing the
    test when it does not come up (a store it refuses is a finding). */
static pid_t
s_try_start (const char *dir)
{
    char path[1200], log[1200];
    s_path (path, sizeof path, s_bin, "vfnode");
    s_path (log, sizeof log, dir, "vfnode.log");
    pid_t pid = fork ();
    if (pid == 0) {
        int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open ("/dev/null", O_WRONLY);
        dup2 (null, 1);
        dup2 (fd, 2);
        execl (path, path, "-d", dir, (char *) NULL);
        _exit (127);
    }
    int slot = 0;
    while (slot < s_nstarted && s_started[slot] > 0)
        slot++;
    assert_true (slot < S_NODES_MAX);
    s_started[slot] = pid;
    if (slot == s_nstarted)
        s_nstarted++;
    const char *status = "{\"request\": \"status\"}";
    for (int k = 0; k < 400; k++) {
        if (waitpid (pid, NULL, WNOHANG) == pid) {
            s_forget (pid);
            return -1;
        }
        json_t *r = s_request_within (dir, status, strlen (status), 500);
        bool ok = r && json_is_true (json_object_get (r, "ok"));
        json_decref (r);
        if (ok)
            return pid;
        zclock_sleep (50);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    s_forget (pid);
    return -1;
}

/*  The last lines of a node's log, for the record (the directory goes at
    teardown). */
static void
s_show_log_tail (const char *path)
{
    char cmd[600];
    printf ("faults_crash: the end of %s:\n", path);
    fflush (stdout);
    snprintf (cmd, sizeof cmd, "tail -n 20 '%s'", path);
    if (system (cmd) != 0)
        printf ("(cannot read it)\n");
}

/*  Sanitizer reports in the log at path from *offset on (moved to its
    end). */
static int
s_log_reports (const char *path, long *offset)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return 0;
    fseek (f, *offset, SEEK_SET);
    char line[4096];
    int n = 0;
    while (fgets (line, sizeof line, f))
        n += strstr (line, "ERROR: AddressSanitizer") || strstr (line, "ERROR: LeakSanitizer") ||
             strstr (line, "runtime error:");
    *offset = ftell (f);
    fclose (f);
    return n;
}

/*  The two nodes of a scenario and what they acknowledged. */
typedef struct {
    char v[300], p[300];
    char vlog[400], plog[400];
    long vlog_at, plog_at;
    pid_t pv, pp;
    json_t *acked_v; /* ids (vfe_...) V said it stored, as object keys */
    json_t *acked_p;
    uint64_t rng;
    int64_t serial; /* numbers the records' IRIs */
} s_pair_t;

/*  A new pair of nodes for epoch number `epoch` of the scenario `name`:
    V listening on port, P on port + 1. */
static void
s_pair_start (s_pair_t *p, const char *name, int epoch, int port)
{
    snprintf (p->v, sizeof p->v, "%s/%s-%d-v", s_dir, name, epoch);
    snprintf (p->p, sizeof p->p, "%s/%s-%d-p", s_dir, name, epoch);
    p->vlog_at = p->plog_at = 0;
    s_path (p->vlog, sizeof p->vlog, p->v, "vfnode.log");
    s_path (p->plog, sizeof p->plog, p->p, "vfnode.log");
    s_init_listening (p->v, port);
    s_init_listening (p->p, port + 1);
    p->pv = s_start (p->v);
    p->pp = s_start (p->p);
    char *kv = s_key_of (p->v), *kp = s_key_of (p->p);
    char *net = s_network_create (p->v, "crash");
    s_network_join (p->p, "crash", net);
    char to_v[64], to_p[64];
    snprintf (to_v, sizeof to_v, "tcp://127.0.0.1:%d", port);
    snprintf (to_p, sizeof to_p, "tcp://127.0.0.1:%d", port + 1);
    s_peer_add (p->v, "crash", kp, to_p);
    s_peer_add (p->p, "crash", kv, to_v);
    free (kv);
    free (kp);
    free (net);
    p->acked_v = json_object ();
    p->acked_p = json_object ();
}

/*  A publish request of n records by node tag (v or p): Processes, and
    events that produce into, consume from and transfer between a few
    resources, some of them shared by both nodes (so that events arrive
    late and resources are recomputed, owners confirm or wait). */
static char *
s_batch (s_pair_t *p, char tag, int n)
{
    json_t *doc = json_array ();
    for (int k = 0; k < n; k++) {
        int64_t s = p->serial++;
        char iri[96], lot[96], to[96], proc[96];
        snprintf (iri, sizeof iri, "urn:crash:%c:%" PRId64, tag, s);
        snprintf (proc, sizeof proc, "urn:crash:%c:process:%" PRId64, tag, s % 7);
        snprintf (lot, sizeof lot, "urn:crash:%c:lot:%" PRId64, tag, s % 5);
        snprintf (to, sizeof to, "urn:crash:shared:lot:%" PRId64, s % 3);
        json_t *rec = NULL, *qty = NULL;
        if (s % 4)
            qty = json_pack ("{s:s, s:s}", "hasNumericalValue", "2", "hasUnit", "kilogram");
        switch (s % 4) {
        case 0:
            rec = json_pack ("{s:s, s:s, s:s}", "@type", "Process", "@id", iri, "name", "run");
            break;
        case 1:
            rec = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "@type", "EconomicEvent",
                             "@id", iri, "action", "produce", "provider", "urn:crash:agent",
                             "receiver", "urn:crash:agent", "outputOf", proc,
                             "resourceInventoriedAs", lot, "resourceQuantity", qty);
            break;
        case 2:
            rec = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "@type", "EconomicEvent",
                             "@id", iri, "action", "consume", "provider", "urn:crash:agent",
                             "receiver", "urn:crash:agent", "inputOf", proc,
                             "resourceInventoriedAs", lot, "resourceQuantity", qty);
            break;
        default:
            rec = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "@type", "EconomicEvent",
                             "@id", iri, "action", "transfer", "provider", "urn:crash:agent",
                             "receiver", "urn:crash:other", "resourceInventoriedAs", lot,
                             "toResourceInventoriedAs", to, "resourceQuantity", qty);
        }
        json_array_append_new (doc, rec);
    }
    json_t *req = json_pack ("{s:s, s:o}", "request", "publish", "document", doc);
    char *text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    assert_non_null (text);
    return text;
}

/*  Add the ids a publish or import reply says were stored to acked; how
    many. A reply that is not ok is a problem. */
static int64_t
s_take_reply (zsock_t *s, json_t *acked, s_tally_t *t, const char *who)
{
    char *text = zstr_recv (s);
    json_t *r = text ? json_loads (text, 0, NULL) : NULL;
    zstr_free (&text);
    int64_t n = 0;
    if (!r || !json_is_true (json_object_get (r, "ok")))
        s_problem (t, "%s answered an error: %s", who,
                   r ? json_string_value (json_object_get (json_object_get (r, "error"), "message"))
                     : "(not JSON)");
    size_t k;
    const json_t *e;
    json_array_foreach (json_object_get (json_object_get (r, "result"), "entries"), k, e) {
        const char *outcome = json_string_value (json_object_get (e, "outcome"));
        const char *id = json_string_value (json_object_get (e, "entry"));
        if (outcome && strcmp (outcome, "stored") == 0 && id && !json_object_get (acked, id)) {
            json_object_set_new (acked, id, json_true ());
            n++;
        }
    }
    json_decref (r);
    return n;
}

/*  A DEALER to dir's control socket. */
static zsock_t *
s_client (const char *dir)
{
    zsock_t *s = zsock_new (ZMQ_DEALER);
    assert_non_null (s);
    zsock_set_linger (s, 0);
    zsock_set_sndhwm (s, 0);
    assert_int_equal (zsock_connect (s, "ipc://%s/control.sock", dir), 0);
    return s;
}

/*  How many of ids (object keys, or array values) the store in dir does
    not hold; the first few go to stdout under label. Opens the store
    read-only beside a running node, or alone when it is down. -1 if the
    store cannot be opened. */
static int64_t
s_missing (const char *dir, const json_t *ids, const char *label, bool quiet)
{
    char path[400];
    s_path (path, sizeof path, dir, "store");
    vf_store_t *st = NULL;
    vf_store_opts_t opts = { 0, true };
    vf_err_t err = { 0 };
    if (vf_store_open (&st, path, &opts, &err) != 0) {
        printf ("faults_crash: cannot open %s: %s\n", path, err.msg);
        return -1;
    }
    int64_t missing = 0;
    const char *id;
    const json_t *v;
    size_t k;
    uint8_t bin[VF_HASH_BYTES];
    bool yes = false;
    if (json_is_object (ids))
        json_object_foreach ((json_t *) ids, id, v) {
            assert_int_equal (vf_text_decode (bin, VF_TEXT_ID, id, &err), 0);
            assert_int_equal (vf_store_has (st, bin, &yes, &err), 0);
            if (!yes && missing++ < 3 && !quiet)
                printf ("faults_crash: %s: %s not in %s\n", label, id, dir);
        }
    else
        json_array_foreach (ids, k, v) {
            assert_int_equal (vf_text_decode (bin, VF_TEXT_ID, json_string_value (v), &err), 0);
            assert_int_equal (vf_store_has (st, bin, &yes, &err), 0);
            missing += !yes;
        }
    vf_store_destroy (&st);
    return missing;
}

/*  vfctl db check on dir: 0 when it finds nothing wrong. */
static int
s_db_check (const char *dir, s_tally_t *t)
{
    const char *args[] = { "db", "check", "-d", dir, NULL };
    int rc = s_exec ("vfctl", args);
    if (rc != 0) {
        char path[300], text[512] = "";
        snprintf (path, sizeof path, "%s/stderr.txt", s_dir);
        FILE *f = fopen (path, "r");
        size_t n = f ? fread (text, 1, sizeof text - 1, f) : 0;
        text[n] = '\0';
        if (f)
            fclose (f);
        s_problem (t, "vfctl db check on %s exited %d: %s", dir, rc, text);
    }
    return rc;
}

/*  A node still running, and its log free of sanitizer reports since the
    last look; counts crashes otherwise. */
static void
s_expect_alive (pid_t pid, const char *log, long *at, s_tally_t *t, const char *who)
{
    int status = 0;
    if (pid > 0 && waitpid (pid, &status, WNOHANG) == pid) {
        s_forget (pid);
        t->crashes++;
        s_problem (t, "%s died by itself (status 0x%x; %s)", who, (unsigned) status, log);
    }
    int reports = s_log_reports (log, at);
    if (reports) {
        t->crashes += reports;
        s_problem (t, "%s: %d sanitizer report(s) in %s", who, reports, log);
    }
}

/*  SIGKILL V; a crash if it had died already. */
static void
s_kill_v (s_pair_t *p, s_tally_t *t)
{
    s_expect_alive (p->pv, p->vlog, &p->vlog_at, t, "V");
    if (p->pv <= 0)
        return;
    int status = 0;
    if (kill (p->pv, SIGKILL) == 0 && waitpid (p->pv, &status, 0) == p->pv &&
        !(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL)) {
        t->crashes++;
        s_problem (t, "V ended with status 0x%x before our SIGKILL", (unsigned) status);
    }
    s_forget (p->pv);
    p->pv = 0;
}

/*  What a node says of its peer, for the record when they do not catch
    up. */
static void
s_show_peers (const char *dir, const char *who)
{
    const char *req = "{\"request\": \"peers\"}";
    json_t *r = s_request_within (dir, req, strlen (req), 5000);
    char *text = r ? json_dumps (json_object_get (r, "result"), JSON_COMPACT) : NULL;
    printf ("faults_crash: %s's peers: %s\n", who, text ? text : "(no answer)");
    free (text);
    json_decref (r);
}

/*  Wait until V holds what P acknowledged and P what V acknowledged;
    what is still missing after S_WAIT_CATCH_UP_MS counts as lost. The
    time it took (ms). */
static int64_t
s_catch_up (s_pair_t *p, s_tally_t *t, int round)
{
    int64_t start = zclock_mono (), on_v = -1, on_p = -1;
    while (zclock_mono () - start < S_WAIT_CATCH_UP_MS) {
        on_v = s_missing (p->v, p->acked_p, "P's", true);
        on_p = s_missing (p->p, p->acked_v, "V's", true);
        if (on_v == 0 && on_p == 0)
            return zclock_mono () - start;
        zclock_sleep (200);
    }
    on_v = s_missing (p->v, p->acked_p, "P's acknowledged", false);
    on_p = s_missing (p->p, p->acked_v, "V's acknowledged", false);
    t->lost += (on_v > 0 ? on_v : 0) + (on_p > 0 ? on_p : 0);
    s_show_peers (p->v, "V");
    s_show_peers (p->p, "P");
    s_show_log_tail (p->vlog);
    s_show_log_tail (p->plog);
    s_problem (t,
               "round %d: after %d s, V lacks %" PRId64
               " entries P acknowledged and P lacks %" PRId64 " entries V acknowledged",
               round, S_WAIT_CATCH_UP_MS / 1000, on_v, on_p);
    return -1;
}

/*  An import request of n entries signed by `who` (seqs from *seq on),
    whose ids (vfe_...) are appended to ids: Processes, and events on
    their author's resources. */
static char *
s_import_request (vf_identity_t *who, uint64_t *seq, int64_t *serial, int n, json_t *ids)
{
    json_t *doc = json_array ();
    for (int k = 0; k < n; k++) {
        int64_t s = (*serial)++;
        char iri[96], lot[96], proc[96];
        snprintf (iri, sizeof iri, "urn:crash:c:%" PRId64, s);
        snprintf (proc, sizeof proc, "urn:crash:c:process:%" PRId64, s % 11);
        snprintf (lot, sizeof lot, "urn:crash:c:lot:%" PRId64, s % 13);
        if (k % 3)
            json_array_append_new (doc, json_pack ("{s:s, s:s}", "@type", "Process", "@id", iri));
        else
            json_array_append_new (
                doc, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "@type",
                                "EconomicEvent", "@id", iri, "action", "produce", "provider",
                                "urn:crash:c", "receiver", "urn:crash:c", "outputOf", proc,
                                "resourceInventoriedAs", lot, "resourceQuantity",
                                "hasNumericalValue", "1", "hasUnit", "kilogram"));
    }
    char *text = json_dumps (doc, JSON_COMPACT);
    json_decref (doc);
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (text, strlen (text), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (who), seq, (uint64_t) zclock_time (), NULL,
                            &err))
        fail_msg ("%s", err.msg);
    free (text);
    json_t *entries = json_array ();
    for (size_t k = 0; k < recs->n; k++) {
        if (vf_entry_sign (recs->items[k].entry, who, &err))
            fail_msg ("%s", err.msg);
        char id[VF_TEXT_MAX];
        vf_text_encode (id, VF_TEXT_ID, recs->items[k].entry->id);
        json_array_append_new (ids, json_string (id));
        json_array_append_new (entries, vf_jsonld_export_entry (recs->items[k].entry, true));
    }
    vf_records_destroy (&recs);
    json_t *req = json_pack ("{s:s, s:o}", "request", "import", "entries", entries);
    text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    return text;
}

/*  An import of a round: its request, its ids, whether it was answered. */
typedef struct {
    char *request; /* NULL: the round has none */
    json_t *ids;
    zsock_t *sock;
    bool answered;
    int64_t answered_at; /* ms into the round */
} s_import_t;

/*  Publish on both nodes (and send V the import, if any) until kill_at
    ms, SIGKILL V, go on publishing on P for p_more ms, then collect P's
    last answers. */
static void
s_load (s_pair_t *p, s_tally_t *t, s_import_t *imp, int64_t kill_at, int64_t p_more)
{
    zsock_t *cv = s_client (p->v), *cp = s_client (p->p);
    zpoller_t *poller = zpoller_new (cv, cp, NULL);
    if (imp->request) {
        imp->sock = s_client (p->v);
        zpoller_add (poller, imp->sock);
        zstr_send (imp->sock, imp->request);
    }
    int in_v = 0, in_p = 0;
    int64_t start = zclock_mono (), stop_p = kill_at + p_more;
    for (;;) {
        int64_t now = zclock_mono () - start;
        if (p->pv > 0 && now >= kill_at)
            s_kill_v (p, t);
        if (now >= stop_p && in_p == 0)
            break;
        if (now >= stop_p + 20000) {
            s_problem (t, "P left %d publish requests unanswered for 20 s", in_p);
            break;
        }
        for (; p->pv > 0 && !imp->request && in_v < S_INFLIGHT; in_v++) {
            char *req = s_batch (p, 'v', (int) s_between (&p->rng, 1, S_BATCH_MAX));
            zstr_send (cv, req);
            free (req);
        }
        /*  beside an import, P's entries come one batch at a time: enough
            to keep V's peer side busy, not so many that the import's
            length becomes a lottery */
        for (; now < stop_p && in_p < (imp->request ? 1 : S_INFLIGHT); in_p++) {
            char *req = s_batch (p, 'p', (int) s_between (&p->rng, 1, S_BATCH_MAX));
            zstr_send (cp, req);
            free (req);
        }
        zsock_t *which = zpoller_wait (poller, 5);
        /*  a reply that reached us before the kill was sent after the
            commit: it counts, whenever we read it */
        if (which == cv) {
            t->acked += s_take_reply (cv, p->acked_v, t, "V");
            in_v--;
        } else if (which == cp) {
            t->acked += s_take_reply (cp, p->acked_p, t, "P");
            in_p--;
        } else if (which && which == imp->sock) {
            t->acked += s_take_reply (imp->sock, p->acked_v, t, "V (import)");
            imp->answered = true;
            imp->answered_at = now;
        }
    }
    zpoller_destroy (&poller);
    zsock_destroy (&cv);
    zsock_destroy (&cp);
    zsock_destroy (&imp->sock);
}

/*  Telling a kill inside the writer's commit. LMDB writes a
    transaction's pages, beyond the store's committed end, before the
    meta page that makes them count: after an unanswered import left
    none of its entries, more than S_COMMIT_WRITTEN bytes beyond the
    committed end that changed during the round (the small batches in
    flight write far less) mean the kill landed inside its commit. The
    file's size alone would not tell: a commit cut earlier leaves the
    file grown, and the next ones write over that. */
#define S_COMMIT_WRITTEN (512 * 1024)

typedef struct {
    uint64_t used; /* the committed end (bytes) */
    char *tail;    /* the file from there to its end */
    size_t len;
} s_tail_t;

/*  The committed end of the store in dir and the bytes after it. */
static void
s_tail_read (const char *dir, s_tail_t *tail)
{
    char path[400];
    s_path (path, sizeof path, dir, "store");
    vf_store_t *st = NULL;
    vf_store_opts_t opts = { 0, true };
    vf_store_stat_t stat;
    vf_err_t err = { 0 };
    memset (tail, 0, sizeof *tail);
    if (vf_store_open (&st, path, &opts, &err) == 0 && vf_store_stat (st, &stat, &err) == 0)
        tail->used = stat.map_used;
    vf_store_destroy (&st);
    s_path (path, sizeof path, dir, "store/data.mdb");
    FILE *f = fopen (path, "rb");
    if (!f || fseek (f, 0, SEEK_END) != 0) {
        if (f)
            fclose (f);
        return;
    }
    long size = ftell (f);
    if (size > (long) tail->used && fseek (f, (long) tail->used, SEEK_SET) == 0) {
        tail->len = (size_t) size - tail->used;
        tail->tail = malloc (tail->len);
        assert_non_null (tail->tail);
        tail->len = fread (tail->tail, 1, tail->len, f);
    }
    fclose (f);
}

/*  Bytes beyond the committed end of after that were not there, as they
    are now, in before. */
static size_t
s_tail_written (const s_tail_t *before, const s_tail_t *after)
{
    size_t written = 0;
    for (size_t at = 0; at < after->len; at += 4096) {
        size_t n = after->len - at < 4096 ? after->len - at : 4096;
        uint64_t off = after->used + at; /* in the file */
        bool same = off >= before->used && off - before->used + n <= before->len &&
                    memcmp (before->tail + (off - before->used), after->tail + at, n) == 0;
        written += same ? 0 : n;
    }
    return written;
}

/*  One round: load, kill, check V down, restart, check both caught up. */
static bool
s_round (s_pair_t *p, s_tally_t *t, int round, s_import_t *imp, int64_t kill_at)
{
    int64_t p_more = s_between (&p->rng, 0, 600);
    int64_t acked_before = t->acked;
    s_tail_t before = { 0 }, after = { 0 };
    if (imp->request)
        s_tail_read (p->v, &before);
    s_load (p, t, imp, kill_at, p_more);
    if (imp->request)
        s_tail_read (p->v, &after);
    size_t written = s_tail_written (&before, &after);
    free (before.tail);
    free (after.tail);
    /*  V is down: its store as the kill left it */
    s_db_check (p->v, t);
    int64_t gone = s_missing (p->v, p->acked_v, "V's acknowledged, after the kill", false);
    if (gone != 0) {
        t->lost += gone > 0 ? gone : 0;
        s_problem (t, "round %d: V lost %" PRId64 " of the %zu entries it acknowledged", round,
                   gone, json_object_size (p->acked_v));
    }
    int64_t partial = -1;
    if (imp->request && !imp->answered) { /* one transaction: all or none */
        partial = s_missing (p->v, imp->ids, "", true);
        if (partial != 0 && partial != (int64_t) json_array_size (imp->ids))
            s_problem (t, "round %d: an unanswered import left %zu of its %zu entries", round,
                       json_array_size (imp->ids) - (size_t) partial, json_array_size (imp->ids));
    }
    p->pv = s_try_start (p->v);
    if (p->pv <= 0) {
        t->crashes++;
        s_problem (t, "round %d: V does not start again after the kill (%s)", round, p->vlog);
        s_show_log_tail (p->vlog);
        return false;
    }
    int64_t took = s_catch_up (p, t, round);
    s_expect_alive (p->pv, p->vlog, &p->vlog_at, t, "V");
    s_expect_alive (p->pp, p->plog, &p->plog_at, t, "P");
    t->rounds++;
    char what[96] = "";
    t->answered += imp->request && imp->answered;
    if (imp->request && imp->answered)
        snprintf (what, sizeof what, " (import of %zu answered at %" PRId64 " ms)",
                  json_array_size (imp->ids), imp->answered_at);
    else if (imp->request) {
        bool in_commit = partial != 0 && written >= S_COMMIT_WRITTEN;
        snprintf (what, sizeof what, " (import of %zu unanswered: %s stored%s)",
                  json_array_size (imp->ids), partial == 0 ? "all" : "none",
                  in_commit ? ", cut inside the commit" : "");
        t->cut_in_commit += in_commit;
        t->all_stored += partial == 0;
        t->none_stored += partial != 0;
    }
    printf ("faults_crash: %s round %d: killed at %" PRId64 " ms, %" PRId64
            " acknowledged%s, caught up in %" PRId64 " ms\n",
            t->name, round, kill_at, t->acked - acked_before, what, took);
    fflush (stdout);
    return took >= 0 && p->pp > 0;
}

/*  The node knows of no equivocation. */
static void
s_expect_no_forks (const char *dir, s_tally_t *t, const char *who)
{
    json_t *r = s_request (dir, "{\"request\": \"forks\"}");
    size_t n = json_array_size (json_object_get (s_result (r), "forks"));
    json_decref (r);
    if (n)
        s_problem (t, "%s holds %zu fork proofs", who, n);
}

/*  The end of an epoch: both nodes hold the same entries and no fork
    proof, stop cleanly (exit 0: no leak report), their stores check
    clean and hold what each acknowledged. Their directories go when all
    was well (unless VF_TEST_KEEP). */
static void
s_epoch_end (s_pair_t *p, s_tally_t *t)
{
    if (p->pv > 0 && p->pp > 0) {
        int64_t v = 0, q = 0;
        for (int k = 0; k < 300 && (v = s_entries_held (p->v)) != (q = s_entries_held (p->p)); k++)
            zclock_sleep (200);
        if (v != q)
            s_problem (t, "V holds %" PRId64 " entries and P %" PRId64 " after 60 s", v, q);
        s_expect_no_forks (p->v, t, "V");
        s_expect_no_forks (p->p, t, "P");
    }
    pid_t *pids[2] = { &p->pv, &p->pp };
    const char *logs[2] = { p->vlog, p->plog }, *who[2] = { "V", "P" };
    long *at[2] = { &p->vlog_at, &p->plog_at };
    for (int k = 0; k < 2; k++) {
        if (*pids[k] > 0) {
            int rc = s_stop (*pids[k]);
            if (rc != 0) {
                t->crashes++;
                s_problem (t, "%s exited %d at SIGTERM (%s)", who[k], rc, logs[k]);
            }
        }
        *pids[k] = 0;
        s_expect_alive (0, logs[k], at[k], t, who[k]);
    }
    s_db_check (p->v, t);
    s_db_check (p->p, t);
    int64_t v_lost = s_missing (p->v, p->acked_v, "V's acknowledged, at the end", false);
    int64_t p_lost = s_missing (p->p, p->acked_p, "P's acknowledged, at the end", false);
    if (v_lost || p_lost) {
        t->lost += (v_lost > 0 ? v_lost : 0) + (p_lost > 0 ? p_lost : 0);
        s_problem (t, "at the end, V lacks %" PRId64 " of its acknowledged entries, P %" PRId64,
                   v_lost, p_lost);
    }
    json_decref (p->acked_v);
    json_decref (p->acked_p);
    p->acked_v = p->acked_p = NULL;
    if (t->problems == 0 && !getenv ("VF_TEST_KEEP")) {
        char cmd[700];
        snprintf (cmd, sizeof cmd, "rm -rf '%s' '%s'", p->v, p->p);
        assert_int_equal (system (cmd), 0);
    }
}

/*  The scenario's line; the test fails with its first problem. */
static void
s_report (const s_tally_t *t)
{
    s_print_line (t);
    if (t->problems)
        fail_msg ("%s: %" PRId64 " problem(s), the first: %s (seed %" PRIu64 ")", t->name,
                  t->problems, t->first_problem, s_seed);
}

/*  V is killed while it takes publish batches from the control API and
    entries from P. */
static void
test_kill_during_publish (void **state)
{
    s_tally_t t = { .name = "crash_publish" };
    s_pair_t p = { .rng = s_seed };
    int rounds = s_rounds ();
    for (int r = 1, epoch = 1; r <= rounds && t.problems == 0; epoch++) {
        s_pair_start (&p, "publish", epoch, 17401);
        for (int k = 0; k < S_EPOCH_ROUNDS && r <= rounds && t.problems == 0; k++, r++) {
            s_import_t none = { 0 };
            if (!s_round (&p, &t, r, &none, s_between (&p.rng, 50, 1500)))
                break;
        }
        s_epoch_end (&p, &t);
    }
    s_report (&t);
}

/*  An import of 3000 entries by c that V answers, not killed: how long
    it took (ms). */
static int64_t
s_import_alone (s_pair_t *p, s_tally_t *t, vf_identity_t *c, uint64_t *seq, int64_t *serial)
{
    json_t *ids = json_array ();
    char *req = s_import_request (c, seq, serial, 3000, ids);
    int64_t start = zclock_mono ();
    json_t *r = s_request_within (p->v, req, strlen (req), 60000);
    int64_t took = zclock_mono () - start;
    free (req);
    assert_int_equal (json_integer_value (json_object_get (s_result (r), "stored")), 3000);
    json_decref (r);
    size_t k;
    const json_t *id;
    json_array_foreach (ids, k, id)
        json_object_set_new (p->acked_v, json_string_value (id), json_true ());
    json_decref (ids);
    t->acked += 3000;
    printf ("faults_crash: an import of 3000 entries took %" PRId64 " ms\n", took);
    return took;
}

/*  V is killed while it imports a few thousand entries signed by a third
    co-op in one request, while P's entries come in. A first import on
    each pair of nodes, not killed, measures how long one takes alone;
    the estimate of how long one takes beside P's entries starts at
    twice that and follows the imports that are answered. The kills land
    between a quarter of the estimate and a quarter more than it, so
    that imports are cut anywhere from their parsing to the writer's
    commit, and some are answered. */
static void
test_kill_during_import (void **state)
{
    s_tally_t t = { .name = "crash_import" };
    s_pair_t p = { .rng = s_seed ^ 0x1234567ull };
    uint8_t seed[VF_SEED_BYTES];
    for (size_t k = 0; k < sizeof seed; k++)
        seed[k] = (uint8_t) s_rand (&p.rng);
    vf_identity_t *c = vf_identity_new_from_seed (seed);
    uint64_t seq = 1;
    int64_t serial = 0;
    s_import_t imp = { .ids = json_array () };
    int rounds = s_rounds ();
    for (int r = 1, epoch = 1; r <= rounds && t.problems == 0; epoch++) {
        s_pair_start (&p, "import", epoch, 17403);
        int64_t est = 2 * s_import_alone (&p, &t, c, &seq, &serial);
        for (int k = 0; k < S_EPOCH_ROUNDS && r <= rounds && t.problems == 0; k++, r++) {
            free (imp.request);
            json_array_clear (imp.ids);
            imp.answered = false;
            int n = (int) s_between (&p.rng, 2000, 4000);
            imp.request = s_import_request (c, &seq, &serial, n, imp.ids);
            int64_t kill_at = s_between (&p.rng, est / 4, est * 5 / 4);
            if (!s_round (&p, &t, r, &imp, kill_at))
                break;
            if (imp.answered) /* how long it really took */
                est = (est + imp.answered_at) / 2;
            else if (kill_at > est) /* longer than we thought */
                est = kill_at + est / 4;
        }
        s_epoch_end (&p, &t);
    }
    free (imp.request);
    json_decref (imp.ids);
    vf_identity_destroy (&c);
    printf ("faults_crash: crash_import: of %d imports, %d answered, %d killed after their "
            "commit and before the answer (all stored), %d killed before their commit "
            "ended (none stored; %d of them inside the commit's page writes)\n",
            t.rounds, t.answered, t.all_stored, t.none_stored, t.cut_in_commit);
    s_report (&t);
}

/*  The fake peer of the regression test (destroyed at its teardown,
    even after a failure). */
static s_fake_t s_fake;
static vf_entry_t *s_signed[3];

static int
s_fake_teardown (void **state)
{
    s_fake_destroy (&s_fake);
    for (int k = 0; k < 3; k++)
        vf_entry_destroy (&s_signed[k]);
    return s_kill_started (state);
}

/*  Regression: a peer that was asked for entries and greets again
    before sending them (it restarted, like V in the crash scenarios) is
    asked for them again as soon as its new session names them, not a
    minute later at the next periodic reconciliation. crash_publish found
    it (seed 1795461505880, round 7; where the kill lands decides, so the
    seed does not replay it reliably): P had asked V for entries V
    announced just before the kill; those asks were still recent when
    the new session's reconciliation named the same ids, so P skipped
    them, and forgot them when the asks expired. Here the peer is a
    fake: it announces three entries, ignores the WANT, connects anew
    with a new HELLO, announces them again, must be asked again well
    within peer/timeout (3 s), and then sends them. */
static void
test_a_peer_that_greets_again_is_asked_again (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/ask", s_dir);
    s_init_listening (dir, 17405);
    pid_t pid = s_start (dir);
    free (s_network_create (dir, "ask"));
    s_fake_t *f = &s_fake;
    s_fake_new (f);
    s_peer_add (dir, "ask", f->key, NULL);
    uint8_t server[VF_KEY_BYTES], ids[3][VF_HASH_BYTES];
    s_node_curve (dir, server);
    vf_entry_t **entries = s_signed;
    s_sign (f, "asked", 3, NULL, entries);
    for (int k = 0; k < 3; k++)
        memcpy (ids[k], entries[k]->id, VF_HASH_BYTES);
    vf_wire_msg_t have = { .type = VF_WIRE_HAVE, .nids = 3, .ids = ids };
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    for (int session = 1; session <= 2; session++) {
        zsock_destroy (&f->sock); /* the fake "restarts": a new connection */
        f->sock = s_dial (f, 17405, server);
        s_send (f->sock, &hello);
        for (int k = 0; k < 50 && f->received[VF_WIRE_WELCOME] < session; k++)
            s_pump (f, 100);
        assert_int_equal (f->received[VF_WIRE_WELCOME], session);
        s_send (f->sock, &have);
        for (int k = 0; k < 10 && f->received[VF_WIRE_WANT] < session; k++)
            s_pump (f, 100);
        if (f->received[VF_WIRE_WANT] != session)
            fail_msg ("session %d: the node asked %d times for what the fake announced", session,
                      f->received[VF_WIRE_WANT]);
    }
    s_send_entries (f->sock, entries, 3);
    for (int k = 0; k < 3; k++) {
        char id[VF_TEXT_MAX];
        vf_text_encode (id, VF_TEXT_ID, ids[k]);
        for (int t = 0; t < 50 && !s_holds_entry (dir, id); t++)
            s_pump (f, 100);
        assert_true (s_holds_entry (dir, id));
    }
    assert_int_equal (s_peer_number (dir, f->key, "errors"), 0);
    assert_int_equal (s_stop (pid), 0);
}

/*  One run of this program at a time on this machine: another (a second
    `make test` in the same tree) would bind the same ports, and its
    nodes would take the place of ours while V is down. Held until exit. */
static void
s_one_at_a_time (void)
{
    const char *path = "/tmp/vf-test-faults_crash.lock";
    int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return; /* no lock to be had: run all the same */
    if (flock (fd, LOCK_EX | LOCK_NB) != 0) {
        printf ("faults_crash: waiting for another run of this test (ports 17401-17405, %s)\n",
                path);
        fflush (stdout);
        if (flock (fd, LOCK_EX) != 0)
            close (fd);
    }
}

int
main (void)
{
    const char *seed = getenv ("VF_FAULTS_SEED");
    s_seed = seed ? strtoull (seed, NULL, 10) : (uint64_t) zclock_time () ^ (uint64_t) getpid ();
    printf ("faults_crash: seed %" PRIu64 " (VF_FAULTS_SEED=%" PRIu64 " replays the choices), %d "
            "rounds per scenario\n",
            s_seed, s_seed, s_rounds ());
    fflush (stdout);
    s_one_at_a_time ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_kill_during_publish, s_kill_started),
        cmocka_unit_test_teardown (test_kill_during_import, s_kill_started),
        cmocka_unit_test_teardown (test_a_peer_that_greets_again_is_asked_again, s_fake_teardown),
    };
    if (getenv ("VF_TEST_ONLY")) /* one test by name (a cmocka pattern) */
        cmocka_set_test_filter (getenv ("VF_TEST_ONLY"));
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
