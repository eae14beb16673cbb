/*  test_faults_exhaust.c - a real vfnode short of a resource: its store's
    map full, its disk full, more connections than it can hold, a control
    client that never reads its replies, a peer engine too busy to answer.

    - A store whose map (store/map_size) is tiny fills up: every publish
      after that is answered store_full with what to do, nothing
      acknowledged is lost, `vfctl db check` finds the store clean, a peer
      pushing entries is told (ERROR store_full), is not blamed and keeps
      its entries; once map_size is raised and the node restarted, publish
      works again and the peer's entries arrive by reconciliation.
    - A disk that fills up (a small tmpfs under the store; only as root,
      skipped otherwise): a clear error, reads still served, and writes
      again once there is room.
    - Hundreds of connections at once to the peer port (CURVE clients
      that are no members, many connections of one member, raw TCP
      connections that never greet) and to the control socket (clients
      that never read): the honest peer and the API are served all along,
      memory stays bounded. Then a node allowed 256 open files and raw
      connections until it would run out: it stops listening for a moment
      instead, and goes on serving.
    - A control client that sends thousands of requests and never reads:
      its replies are dropped and counted (requests.replies_dropped), other
      clients are answered, memory stays bounded.
    - A peer engine that answers too late: the API says so, and the late
      answer is not taken for the next request's.

    Each scenario prints one line that tools/check-faults.sh parses
    (docs/FAULTS.md):
        FAULTS<TAB>name<TAB>rounds<TAB>acked<TAB>lost<TAB>bad_inputs<TAB>crashes
    VF_FAULTS_LONG=1 runs more rounds and bigger floods, VF_FAULTS_ROUNDS=N
    exactly N rounds where a scenario has rounds; VF_TEST_ONLY=NAME runs
    one test. Ports 17451-17460. Every node is killed at teardown, even
    after a failure (tests/node_support.h).
*/
#define TEST_NAME "faults_exhaust"
#include "node_support.h"

#include "fake_peer.h"
#include "vf_api.h"
#include "vf_control.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>

/* ------------------------------------------------------------ the tally */

typedef struct {
    const char *name;
    int rounds;
    long long acked, lost, bad_inputs, crashes;
} s_tally_t;

static void
s_tally_print (const s_tally_t *t)
{
    printf ("FAULTS\t%s\t%d\t%lld\t%lld\t%lld\t%lld\n", t->name, t->rounds, t->acked, t->lost,
            t->bad_inputs, t->crashes);
    fflush (stdout);
}

static bool
s_long_form (void)
{
    const char *v = getenv ("VF_FAULTS_LONG");
    return v && *v && strcmp (v, "0") != 0;
}

/*  Rounds of a scenario: VF_FAULTS_ROUNDS if set, else the short or the
    long form's number. */
static int
s_rounds (int short_form, int long_form)
{
    const char *v = getenv ("VF_FAULTS_ROUNDS");
    if (v && atoi (v) > 0)
        return atoi (v);
    return s_long_form () ? long_form : short_form;
}

/*  What the running test owns, released at its teardown even after a
    failure: acknowledged entries ({"id", "dir"}), the fake, sockets, a
    mount point. */
static json_t *s_acked;
static s_fake_t s_fake;
static zlistx_t *s_socks;
static int s_fds[4096];
static int s_nfds;
static char s_mounted[400];
static char *s_kept[8]; /* strings of the running test */
static int s_nkept;

static char *
s_keep (char *text)
{
    assert_true (s_nkept < 8);
    return s_kept[s_nkept++] = text;
}

static void
s_sock_free (void **item)
{
    zsock_destroy ((zsock_t **) item);
}

static int
s_exhaust_setup (void **state)
{
    s_acked = json_array ();
    s_socks = zlistx_new ();
    zlistx_set_destructor (s_socks, s_sock_free);
    return 0;
}

static int
s_exhaust_teardown (void **state)
{
    s_kill_started (state);
    json_decref (s_acked);
    s_acked = NULL;
    zlistx_destroy (&s_socks);
    while (s_nfds > 0)
        close (s_fds[--s_nfds]);
    s_fake_destroy (&s_fake);
    while (s_nkept > 0)
        free (s_kept[--s_nkept]);
    if (s_mounted[0] && umount2 (s_mounted, MNT_DETACH) != 0)
        fprintf (stderr, "cannot unmount %s: %s\n", s_mounted, strerror (errno));
    s_mounted[0] = '\0';
    return 0;
}

/*  Did the node die without being asked? (reaped and forgotten) */
static bool
s_died (pid_t pid)
{
    int status = 0;
    if (waitpid (pid, &status, WNOHANG) != pid)
        return false;
    s_forget (pid);
    return true;
}

static long
s_rss_kib (pid_t pid)
{
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *f = fopen (path, "r");
    assert_non_null (f);
    long kib = -1;
    while (kib < 0 && fgets (line, sizeof line, f))
        if (strncmp (line, "VmRSS:", 6) == 0)
            kib = strtol (line + 6, NULL, 10);
    fclose (f);
    assert_true (kib > 0);
    return kib;
}

/*  A bound, not a speed. */
#define S_RSS_GROWTH_MAX_KIB (64 * 1024)

static void
s_expect_rss_bounded (pid_t pid, long before_kib, const char *after_what)
{
    long now = s_rss_kib (pid);
    printf ("# vfnode resident after %s: %ld KiB (%+ld)\n", after_what, now, now - before_kib);
    if (now - before_kib > S_RSS_GROWTH_MAX_KIB)
        fail_msg ("vfnode grew from %ld to %ld KiB after %s", before_kib, now, after_what);
}

/*  The node answers status within ms; false if not. */
static bool
s_answers_within (const char *dir, int ms)
{
    const char *status = "{\"request\": \"status\"}";
    json_t *r = s_request_within (dir, status, strlen (status), ms);
    bool ok = r && json_is_true (json_object_get (r, "ok"));
    json_decref (r);
    return ok;
}

/*  A field of status's "requests" or "store" object. */
static int64_t
s_status_number (const char *dir, const char *object, const char *field)
{
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    int64_t n =
        json_integer_value (json_object_get (json_object_get (s_result (r), object), field));
    json_decref (r);
    return n;
}

/*  Remember an acknowledged entry that dir must hold from now on. */
static void
s_ack (s_tally_t *t, const char *dir, const char *id)
{
    json_array_append_new (s_acked, json_pack ("{s:s, s:s}", "id", id, "dir", dir));
    t->acked++;
}

/*  How many acknowledged entries of dir (or of every node, dir NULL) are
    missing. */
static long long
s_missing (const char *dir)
{
    long long n = 0;
    size_t k;
    const json_t *e;
    json_array_foreach (s_acked, k, e) {
        const char *where = json_string_value (json_object_get (e, "dir"));
        if (!dir || strcmp (where, dir) == 0)
            n += !s_holds_entry (where, json_string_value (json_object_get (e, "id")));
    }
    return n;
}

/*  Publish n Processes urn:TAG:K (each with a name of about 300 bytes) in
    one request; the reply (the caller decrefs it), and the ids stored
    acknowledged for dir. */
static json_t *
s_publish_batch (s_tally_t *t, const char *dir, const char *tag, int n)
{
    json_t *graph = json_array ();
    char name[320];
    memset (name, 'w', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    for (int k = 0; k < n; k++) {
        char iri[128];
        snprintf (iri, sizeof iri, "urn:%s:%lld:%d", tag, t->acked, k);
        json_array_append_new (
            graph, json_pack ("{s:s, s:s, s:s}", "@type", "Process", "@id", iri, "name", name));
    }
    json_t *req = json_pack ("{s:s, s:o}", "request", "publish", "document", graph);
    char *text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    json_t *r = s_request (dir, text);
    free (text);
    if (!r)
        fail_msg ("%s did not answer a publish", dir);
    size_t k;
    const json_t *e;
    json_array_foreach (json_object_get (json_object_get (r, "result"), "entries"), k, e)
        if (strcmp (json_string_value (json_object_get (e, "outcome")), "stored") == 0)
            s_ack (t, dir, json_string_value (json_object_get (e, "entry")));
    return r;
}

/*  vfctl db check on dir: its exit status. */
static int
s_db_check (const char *dir)
{
    const char *args[] = { "db", "check", "-d", dir, NULL };
    return s_exec ("vfctl", args);
}

/*  Extra ASan settings for the nodes: a small quarantine and freed memory
    given back, so that their resident size shows what they hold rather
    than what ASan keeps of what they freed. Earlier settings of the
    caller's win. */
static void
s_asan_for_children (void)
{
    const char *old = getenv ("ASAN_OPTIONS");
    char opts[1024];
    snprintf (opts, sizeof opts, "quarantine_size_mb=4:allocator_release_to_os_interval_ms=50%s%s",
              old && *old ? ":" : "", old ? old : "");
    setenv ("ASAN_OPTIONS", opts, 1);
}

/* ----------------------------------------------------- a full store */

/*  Publish on dir until the store refuses: batches of 20 until one is
    refused, then single records until one is refused too. Every refusal
    must be store_full with a message that says what to do. The number of
    refused requests. */
static int
s_fill (s_tally_t *t, const char *dir, const char *tag)
{
    int refused = 0;
    for (int size = 20; size >= 1; size = size == 20 ? 1 : 0) {
        for (int k = 0; k < 2000; k++) {
            json_t *r = s_publish_batch (t, dir, tag, size);
            bool ok = json_is_true (json_object_get (r, "ok"));
            if (!ok) {
                const char *code = s_code (r);
                const char *msg =
                    json_string_value (json_object_get (json_object_get (r, "error"), "message"));
                if (!code || strcmp (code, "store_full") != 0 || !msg ||
                    !strstr (msg, "store is full") || !strstr (msg, "raise map_size"))
                    fail_msg ("a publish on a full store: %s: %s", code ? code : "?",
                              msg ? msg : "?");
                refused++;
            }
            json_decref (r);
            if (!ok)
                break;
        }
    }
    return refused;
}

/*  The peer's recent errors (as the node sees it) include one that starts
    with `what`. */
static bool
s_peer_said (const char *dir, const char *key, const char *what)
{
    json_t *p = s_peer_info (dir, key);
    size_t k;
    const json_t *e;
    bool found = false;
    json_array_foreach (json_object_get (p, "recent_errors"), k, e) {
        const char *text = json_string_value (json_object_get (e, "error"));
        found = found || (text && strncmp (text, what, strlen (what)) == 0);
    }
    json_decref (p);
    return found;
}

/*  A (store/map_size 1M) and B share wool, B dialling A. A is filled up:
    every publish after that is answered store_full, reads go on, `vfctl
    db check` is clean, every acknowledged entry is there. B publishes: A
    cannot store what B pushes, tells B so (ERROR store_full), does not
    count it against B, and B keeps its entries. A stopped, its map_size
    raised, started again: publishing works and B's entries arrive by
    reconciliation. (Long form: filled and grown three times, 1M to 4M.) */
static void
test_a_full_store_refuses_cleanly_and_recovers (void **state)
{
    char a[300], b[300];
    snprintf (a, sizeof a, "%s/full-a", s_dir);
    snprintf (b, sizeof b, "%s/full-b", s_dir);
    s_init_listening (a, 17451);
    s_init_listening (b, 17452);
    s_config_edit (a, "map_size = 4G", "map_size = 1M");
    pid_t pa = s_start (a), pb = s_start (b);
    char *ka = s_keep (s_key_of (a)), *kb = s_keep (s_key_of (b));
    char *wool = s_keep (s_network_create (a, "wool"));
    s_network_join (b, "wool", wool);
    s_peer_add (a, "wool", kb, NULL);
    s_peer_add (b, "wool", ka, "tcp://127.0.0.1:17451");
    s_wait_connected (a, kb);
    s_tally_t tally = { .name = "store_full", .rounds = s_rounds (1, 3) };
    json_t *from_b = json_array (); /* B's entries, which A must get in the end */
    for (int round = 0; round < tally.rounds; round++) {
        char tag[32];
        snprintf (tag, sizeof tag, "full%d", round);
        tally.bad_inputs += s_fill (&tally, a, tag);
        json_t *r = s_request (a, "{\"request\": \"status\"}");
        assert_true (json_is_true (
            json_object_get (json_object_get (s_result (r), "store"), "nearly_full")));
        json_decref (r);
        /*  reads go on, nothing acknowledged is missing, the store is clean */
        assert_int_equal (s_missing (a), 0);
        assert_int_equal (s_db_check (a), 0);
        /*  B's entries cannot be stored on A: B is told, not blamed */
        for (int k = 0; k < 5; k++) {
            size_t before = json_array_size (s_acked);
            json_decref (s_publish_batch (&tally, b, tag, 1));
            assert_int_equal (json_array_size (s_acked), before + 1);
            json_array_append (from_b, json_object_get (json_array_get (s_acked, before), "id"));
            tally.bad_inputs++;
        }
        bool told = false;
        for (int k = 0; k < 100 && !(told = s_peer_said (b, ka, "it said store_full: ")); k++)
            zclock_sleep (100);
        if (!told)
            fail_msg ("B was not told that A's store is full");
        assert_true (s_peer_said (a, kb, "not stored here: store is full"));
        assert_int_equal (s_peer_number (a, kb, "errors"), 0);
        assert_int_equal (s_peer_number (b, ka, "errors"), 0);
        assert_false (s_peer_state_is (a, kb, "banned"));
        assert_false (s_peer_state_is (b, ka, "banned"));
        assert_int_equal (s_missing (b), 0);
        /*  grown (config and restart), A stores again and catches up */
        assert_int_equal (s_stop (pa), 0);
        assert_int_equal (s_db_check (a), 0);
        char from[32], to[32]; /* 1M, then 2M, 3M ... */
        snprintf (from, sizeof from, "map_size = %dM", round + 1);
        snprintf (to, sizeof to, "map_size = %dM", round + 2);
        s_config_edit (a, from, to);
        pa = s_start (a);
        assert_int_equal (s_missing (a), 0);
        json_t *again = s_publish_batch (&tally, a, "again", 1);
        s_result (again);
        json_decref (again);
        size_t k;
        const json_t *id;
        json_array_foreach (from_b, k, id) {
            bool there = false;
            for (int w = 0; w < 300 && !(there = s_holds_entry (a, json_string_value (id))); w++)
                zclock_sleep (100);
            if (!there)
                fail_msg ("%s, stored on B, never reached A after it was grown",
                          json_string_value (id));
        }
    }
    tally.lost = s_missing (NULL);
    tally.crashes += s_died (pa) || s_stop (pa) != 0;
    tally.crashes += s_died (pb) || s_stop (pb) != 0;
    assert_int_equal (s_db_check (a), 0);
    s_tally_print (&tally);
    json_decref (from_b);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ------------------------------------------------------- a full disk */

/*  Copy every file of directory from into directory to. */
static void
s_copy_dir (const char *from, const char *to)
{
    char cmd[1000];
    snprintf (cmd, sizeof cmd, "cp -p '%s'/* '%s'/", from, to);
    assert_int_equal (system (cmd), 0);
}

/*  The node's store on a 1 MiB tmpfs (map_size 4G: the disk fills
    first). Publishing until the disk is full gets a clear error, and
    nothing acknowledged is lost; reads go on; with room again (the tmpfs
    grown), publishing works again; the store is clean throughout. Needs
    root to mount; skipped otherwise. */
static void
test_a_full_disk_is_reported_and_reads_go_on (void **state)
{
    if (geteuid () != 0) {
        printf ("# skipped: needs root (to mount a small tmpfs under the store)\n");
        skip ();
    }
    char a[300], store[400], init[400];
    snprintf (a, sizeof a, "%s/disk", s_dir);
    s_init (a);
    s_path (store, sizeof store, a, "store");
    s_path (init, sizeof init, a, "store.init");
    assert_int_equal (rename (store, init), 0);
    assert_int_equal (mkdir (store, 0700), 0);
    if (mount ("tmpfs", store, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700") != 0) {
        printf ("# skipped: cannot mount a small tmpfs under the store: %s\n", strerror (errno));
        skip ();
    }
    snprintf (s_mounted, sizeof s_mounted, "%s", store);
    s_copy_dir (init, store);
    pid_t pa = s_start (a);
    s_tally_t tally = { .name = "disk_full", .rounds = s_rounds (1, 3) };
    for (int round = 0; round < tally.rounds; round++) {
        json_t *r = NULL;
        for (int k = 0; k < 2000; k++) {
            json_decref (r);
            r = s_publish_batch (&tally, a, "disk", 20);
            if (!json_is_true (json_object_get (r, "ok")))
                break;
        }
        const char *msg =
            json_string_value (json_object_get (json_object_get (r, "error"), "message"));
        printf ("# a full disk: %s: %s\n", s_code (r) ? s_code (r) : "?", msg ? msg : "?");
        if (!msg || !strstr (msg, "is full") || !strstr (msg, "make room"))
            fail_msg ("a full disk was reported as '%s'", msg ? msg : "nothing");
        json_decref (r);
        tally.bad_inputs++;
        /*  reads go on */
        assert_true (s_answers_within (a, 1000));
        assert_int_equal (s_missing (a), 0);
        /*  room again: writes go on */
        char opts[32];
        snprintf (opts, sizeof opts, "size=%dm", 2 + round);
        assert_int_equal (mount (NULL, store, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, opts), 0);
        r = s_publish_batch (&tally, a, "room", 1);
        s_result (r);
        json_decref (r);
    }
    tally.crashes += s_died (pa) || s_stop (pa) != 0;
    assert_int_equal (s_db_check (a), 0);
    pa = s_start (a);
    tally.lost = s_missing (NULL);
    tally.crashes += s_died (pa) || s_stop (pa) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ------------------------------------------------- too many connections */

/*  A raw TCP connection to the node's peer port, kept open (closed at
    teardown); false if the node refused it. */
static bool
s_tcp_open (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    assert_true (fd >= 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        close (fd);
        return false;
    }
    assert_true (s_nfds < (int) (sizeof s_fds / sizeof s_fds[0]));
    s_fds[s_nfds++] = fd;
    return true;
}

static void
s_close_all (void)
{
    zlistx_purge (s_socks);
    while (s_nfds > 0)
        close (s_fds[--s_nfds]);
}

/*  One honest entry each way between a and b, acknowledged on both. */
static void
s_honest_both_ways (s_tally_t *t, const char *a, const char *b, const char *tag)
{
    const char *dirs[2][2] = { { a, b }, { b, a } };
    for (int k = 0; k < 2; k++) {
        char iri[128];
        snprintf (iri, sizeof iri, "urn:%s:%lld", tag, t->acked);
        char *id = s_publish_entry (dirs[k][0], iri, "\"public\"");
        s_ack (t, dirs[k][0], id);
        bool there = false;
        for (int w = 0; w < 200 && !(there = s_holds_entry (dirs[k][1], id)); w++)
            zclock_sleep (50);
        if (!there)
            fail_msg ("%s never reached %s", iri, dirs[k][1]);
        json_array_append_new (s_acked, json_pack ("{s:s, s:s}", "id", id, "dir", dirs[k][1]));
        free (id);
    }
}

/*  How many files the process has open. */
static int
s_fd_count (pid_t pid)
{
    char path[64];
    snprintf (path, sizeof path, "/proc/%d/fd", (int) pid);
    DIR *d = opendir (path);
    int n = 0;
    while (d && readdir (d))
        n++;
    if (d)
        closedir (d);
    return n - 2; /* . and .. */
}

/*  vfctl status on dir succeeds. */
static void
s_vfctl_status_ok (const char *dir)
{
    const char *args[] = { "status", "-d", dir, NULL };
    assert_int_equal (s_exec ("vfctl", args), 0);
}

/*  A (17455) dials its honest peer B (17456). Hundreds of connections
    reach A at once: CURVE clients that are no members, connections of one
    member that each greet, raw TCP connections that never greet, and
    control clients that ask and never read. A refuses what it must,
    answers its API and vfctl, and exchanges entries with B all along, its
    memory bounded. Then A again with a limit of 256 open files: raw TCP
    connections beyond what it may hold. It stops listening for peers for
    a moment rather than run out (its API would then fail, and libzmq
    aborts the process when a control client connects with no file
    descriptor left), and goes on serving B and the API. */
static void
test_too_many_connections (void **state)
{
    char a[300], b[300];
    snprintf (a, sizeof a, "%s/conn-a", s_dir);
    snprintf (b, sizeof b, "%s/conn-b", s_dir);
    s_init_listening (a, 17455);
    s_init_listening (b, 17456);
    pid_t pa = s_start (a), pb = s_start (b);
    char *ka = s_keep (s_key_of (a)), *kb = s_keep (s_key_of (b));
    char *wool = s_keep (s_network_create (a, "wool"));
    s_network_join (b, "wool", wool);
    s_peer_add (a, "wool", kb, "tcp://127.0.0.1:17456");
    s_peer_add (b, "wool", ka, NULL);
    s_fake_t *f = &s_fake;
    s_fake_new (f);
    s_peer_add (a, "wool", f->key, NULL);
    s_wait_connected (a, kb);
    bool lng = s_long_form ();
    s_tally_t tally = { .name = "too_many_connections", .rounds = s_rounds (1, 3) };
    s_honest_both_ways (&tally, a, b, "conn");
    uint8_t server[VF_KEY_BYTES];
    s_node_curve (a, server);
    long rss = s_rss_kib (pa);
    int ncurve = lng ? 400 : 150, nmember = lng ? 100 : 30, nraw = lng ? 1000 : 300,
        nctl = lng ? 400 : 150;
    for (int round = 0; round < tally.rounds; round++) {
        int64_t refused = s_peers_counter (a, "handshakes_refused");
        for (int k = 0; k < ncurve; k++) { /* keys of no shared network */
            zcert_t *cert = zcert_new ();
            zsock_t *s = zsock_new (ZMQ_DEALER);
            zsock_set_linger (s, 0);
            zcert_apply (cert, s);
            zsock_set_curve_serverkey_bin (s, server);
            zsock_connect (s, "tcp://127.0.0.1:17455");
            zstr_send (s, "hello?");
            zlistx_add_end (s_socks, s);
            zcert_destroy (&cert);
        }
        vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
        for (int k = 0; k < nmember; k++) { /* one member, many connections */
            zsock_t *s = s_dial (f, 17455, server);
            s_send (s, &hello);
            zlistx_add_end (s_socks, s);
        }
        for (int k = 0; k < nraw; k++) /* connections that never greet */
            assert_true (s_tcp_open (17455));
        for (int k = 0; k < nctl; k++) { /* control clients that never read */
            zsock_t *s = zsock_new (ZMQ_DEALER);
            zsock_set_linger (s, 0);
            zsock_connect (s, "ipc://%s/control.sock", a);
            for (int i = 0; i < 3; i++)
                zstr_send (s, "{\"request\": \"status\"}");
            zlistx_add_end (s_socks, s);
        }
        tally.bad_inputs += ncurve + nmember + nraw + nctl;
        if (!s_answers_within (a, 2000))
            fail_msg ("round %d: A did not answer within 2 s", round);
        s_vfctl_status_ok (a);
        s_honest_both_ways (&tally, a, b, "conn");
        for (int k = 0; k < 50 && s_peers_counter (a, "handshakes_refused") < refused + ncurve; k++)
            zclock_sleep (100);
        assert_true (s_peers_counter (a, "handshakes_refused") >= refused + ncurve);
        s_expect_rss_bounded (pa, rss, "hundreds of connections");
        s_close_all ();
        s_honest_both_ways (&tally, a, b, "conn");
    }

    /*  beyond what A may open: 256 files */
    assert_int_equal (s_stop (pa), 0);
    struct rlimit was, low = { 256, 256 };
    assert_int_equal (getrlimit (RLIMIT_NOFILE, &was), 0);
    low.rlim_max = was.rlim_max;
    assert_int_equal (setrlimit (RLIMIT_NOFILE, &low), 0);
    pa = s_start (a); /* inherits the limit */
    assert_int_equal (setrlimit (RLIMIT_NOFILE, &was), 0);
    s_wait_connected (a, kb);
    /*  raw connections, 50 at a time, until A holds nearly all it may
        open (or refuses them) */
    int opened = 0, tried = 0, fds = s_fd_count (pa);
    for (int k = 0; k < (lng ? 60 : 15) && fds < 250; k++) {
        for (int i = 0; i < 50; i++, tried++)
            opened += s_tcp_open (17455);
        zclock_sleep (300);
        fds = s_fd_count (pa);
    }
    tally.bad_inputs += tried;
    printf ("# %d of %d connections opened to a node that may open 256 files; it holds %d\n",
            opened, tried, fds);
    for (int k = 0; k < 20; k++) { /* control clients come and go meanwhile */
        if (!s_answers_within (a, 5000))
            fail_msg ("A did not answer with %d connections open (%s)", opened,
                      s_died (pa) ? "it died" : "still running");
    }
    s_vfctl_status_ok (a);
    s_honest_both_ways (&tally, a, b, "limit");
    s_close_all ();
    s_honest_both_ways (&tally, a, b, "limit");
    tally.lost = s_missing (NULL);
    tally.crashes += s_died (pa) || s_stop (pa) != 0;
    tally.crashes += s_died (pb) || s_stop (pb) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* -------------------------------------------------- a control client that never reads */

/*  A client that sends export requests (replies of ~100 KiB each) and
    never reads: once its socket's queue (here 1 message) and the node's
    16 for it are full, its replies are dropped and counted (requests.replies_dropped); another
    client is answered all along, and the node's memory stays bounded. */
static void
test_a_control_client_that_never_reads (void **state)
{
    char a[300];
    snprintf (a, sizeof a, "%s/deaf", s_dir);
    s_init (a);
    pid_t pa = s_start (a);
    s_tally_t tally = { .name = "control_never_reads", .rounds = 1 };
    for (int k = 0; k < 3; k++)
        json_decref (s_publish_batch (&tally, a, "deaf", 100));
    long rss = s_rss_kib (pa);
    zsock_t *deaf = zsock_new (ZMQ_DEALER);
    zlistx_add_end (s_socks, deaf);
    zsock_set_linger (deaf, 0);
    zsock_set_sndtimeo (deaf, 200);
    zsock_set_rcvhwm (deaf, 1); /* its own queue holds little: ours fills at once */
    assert_int_equal (zsock_connect (deaf, "ipc://%s/control.sock", a), 0);
    int requests = s_long_form () ? 5000 : 400;
    for (int k = 0; k < requests; k++) {
        tally.bad_inputs += zstr_send (deaf, "{\"request\": \"export\", \"limit\": 250}") == 0;
        if (k % 250 == 0 && !s_answers_within (a, 5000))
            fail_msg ("the node did not answer another client within 5 s");
    }
    /*  until every request is answered or dropped: no more dropped for 2 s
        beyond the time a backlog may stand still before it is dropped */
    int64_t dropped = 0, now = 0;
    const int64_t calm = VF_CONTROL_BACKLOG_MS + 2000;
    for (int64_t quiet = zclock_mono () + calm, until = zclock_mono () + 60000;
         zclock_mono () < quiet && zclock_mono () < until; zclock_sleep (100))
        if ((now = s_status_number (a, "requests", "replies_dropped")) != dropped || !now)
            dropped = now, quiet = zclock_mono () + calm;
    printf ("# %lld requests sent, %lld replies dropped\n", tally.bad_inputs, (long long) dropped);
    s_expect_rss_bounded (pa, rss, "export requests whose replies are never read");
    if (dropped < tally.bad_inputs - 100) /* ours (16), the kernel's buffers, its one */
        fail_msg ("only %lld of %lld replies were dropped", (long long) dropped, tally.bad_inputs);
    assert_true (s_answers_within (a, 1000));
    tally.lost = s_missing (NULL);
    tally.crashes += s_died (pa) || s_stop (pa) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ---------------------------------------------- a peer engine too busy */

/*  A stand-in for the peer engine: a REP socket that answers its first
    request late (after the API stopped waiting) and every one with its
    number. */
static void
s_slow_engine (zsock_t *pipe, void *args)
{
    zsock_t *rep = zsock_new_rep ("@inproc://test-slow-engine");
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, rep, NULL);
    for (int n = 1; zpoller_wait (poller, -1) == rep; n++) {
        char *req = zstr_recv (rep);
        if (n == 1)
            zclock_sleep (5500); /* longer than the API waits */
        zstr_sendf (rep, "{\"ok\": true, \"result\": {\"answer\": %d}}", n);
        zstr_free (&req);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&rep);
}

/*  The control API gives a peer engine that is too busy 5 s, then answers
    "did not answer in time"; the late answer, when it comes, must not be
    taken for the answer to the next request (it was, and every answer
    after it was one behind). */
static void
test_a_late_peer_engine_answer_is_not_the_next_ones (void **state)
{
    zactor_t *engine = zactor_new (s_slow_engine, NULL);
    zsock_t *ctl = zsock_new_dealer (">inproc://test-slow-engine");
    vf_api_t api = { .peer_ctl = ctl };
    json_t *req = json_pack ("{s:s}", "request", "peers");
    json_t *reply = NULL;
    vf_job_t *job = NULL;
    vf_api_handle (&api, req, &reply, &job);
    assert_null (job);
    assert_string_equal (s_code (reply), "internal"); /* did not answer in time */
    json_decref (reply);
    zclock_sleep (1000); /* the late answer comes meanwhile */
    for (int n = 2; n <= 3; n++) {
        vf_api_handle (&api, req, &reply, &job);
        int answer = (int) json_integer_value (json_object_get (s_result (reply), "answer"));
        json_decref (reply);
        if (answer != n)
            fail_msg ("request %d got the answer to request %d", n, answer);
    }
    json_decref (req);
    zsock_destroy (&ctl);
    zactor_destroy (&engine);
    s_tally_t tally = { .name = "peer_engine_late", .rounds = 1, .bad_inputs = 1 };
    s_tally_print (&tally);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_a_full_store_refuses_cleanly_and_recovers,
                                         s_exhaust_setup, s_exhaust_teardown),
        cmocka_unit_test_setup_teardown (test_a_full_disk_is_reported_and_reads_go_on,
                                         s_exhaust_setup, s_exhaust_teardown),
        cmocka_unit_test_setup_teardown (test_too_many_connections, s_exhaust_setup,
                                         s_exhaust_teardown),
        cmocka_unit_test_setup_teardown (test_a_control_client_that_never_reads, s_exhaust_setup,
                                         s_exhaust_teardown),
        cmocka_unit_test_setup_teardown (test_a_late_peer_engine_answer_is_not_the_next_ones,
                                         s_exhaust_setup, s_exhaust_teardown),
    };
    s_asan_for_children ();
    zsys_set_max_sockets (8192); /* the long form opens more than ZeroMQ's default 1024 */
    if (getenv ("VF_TEST_ONLY")) /* one test by name (a cmocka pattern) */
        cmocka_set_test_filter (getenv ("VF_TEST_ONLY"));
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
