/*  test_node.c - real vfnode processes: init, start, publish, query,
    restart, bad input, a second node on the same directory, SIGTERM in the
    middle of a burst, entries travelling between nodes. Each test makes
    its own node directory under /tmp and stops every process it started
    (tests/node_support.h).
*/
#define TEST_NAME "node"
#include "node_support.h"
#include "vf_jsonld.h"
#include "vf_text.h"

static char *
s_publish_request (const char *file)
{
    json_t *doc = json_load_file (file, 0, NULL);
    assert_non_null (doc);
    json_t *req = json_pack ("{s:s, s:o}", "request", "publish", "document", doc);
    char *text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    return text;
}

static int64_t
s_count (const char *dir, const char *query)
{
    json_t *r = s_request (dir, query);
    int64_t n = (int64_t) json_array_size (json_object_get (s_result (r), "entries"));
    json_decref (r);
    return n;
}

static void
test_publish_query_restart (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/farm", s_dir);
    s_init (dir);
    pid_t pid = s_start (dir);
    char *req = s_publish_request ("docs/examples/farm.jsonld");
    json_t *r = s_request (dir, req);
    json_t *res = s_result (r);
    assert_int_equal (json_integer_value (json_object_get (res, "stored")), 9);
    json_decref (r);
    assert_int_equal (s_count (dir, "{\"request\": \"query\", \"class\": \"EconomicEvent\"}"), 3);
    const char *lot =
        "{\"request\": \"resource\", \"iri\": \"https://farm.coop.example/lot/wool-2026-11\"}";
    r = s_request (dir, lot);
    const json_t *onhand =
        json_object_get (json_object_get (s_result (r), "resource"), "onhandQuantity");
    assert_string_equal (json_string_value (json_object_get (onhand, "hasNumericalValue")), "20.5");
    json_decref (r);
    assert_int_equal (s_stop (pid), 0);
    pid = s_start (dir);
    assert_int_equal (s_count (dir, "{\"request\": \"query\", \"class\": \"EconomicEvent\"}"), 3);
    r = s_request (dir, "{\"request\": \"status\"}");
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (s_result (r), "store"), "entries")),
        9);
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (s_result (r), "node"), "next_seq")),
        10);
    json_decref (r);
    /* the control socket is the owner's only */
    char sock[400];
    struct stat st;
    snprintf (sock, sizeof sock, "%s/control.sock", dir);
    assert_int_equal (stat (sock, &st), 0);
    assert_int_equal (st.st_mode & 0777, 0600);
    assert_int_equal (s_stop (pid), 0);
    free (req);
}

#define S_63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"

static void
test_bad_input_is_answered_and_counted (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/bad", s_dir);
    s_init (dir);
    pid_t pid = s_start (dir);
    static const struct {
        const char *text;
        const char *code;
    } cases[] = {
        { "not json", "bad_request" },
        { "[1, 2]", "bad_request" },
        { "{\"request\": 5}", "bad_request" },
        { "{\"request\": \"frobnicate\"}", "unknown_request" },
        /* quoted in the message cut to 64 bytes, in the middle of the é */
        { "{\"request\": \"" S_63 "\u00e9\"}", "unknown_request" },
        { "{\"request\": \"trace\", \"iri\": \"urn:x\", \"direction\": \"" S_63 "\u00e9\"}",
          "bad_request" },
        { "{\"request\": \"get\", \"entry\": 7}", "bad_request" },
        { "{\"request\": \"get\", \"entry\": \"vfe_nope\"}", "bad_request" },
        { "{\"request\": \"query\", \"limit\": -3}", "bad_request" },
        { "{\"request\": \"resource\", \"iri\": \"urn:nothing\"}", "not_found" },
        /* a network id in the request's own "id" would make a new network */
        { "{\"request\": \"network_add\", \"name\": \"w\", \"id\": \"vfn_x\"}", "bad_request" },
        { "{\"request\": \"publish\", \"document\": {\"@type\": \"EconomicEvent\", \"action\": "
          "\"consume\", \"provider\": \"urn:a\", \"receiver\": \"urn:a\", \"resourceConformsTo\": "
          "\"urn:s\", \"resourceQuantity\": {\"hasNumericalValue\": 1, \"hasUnit\": \"one\"}}}",
          "invalid" },
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t k = 0; k < n; k++) {
        json_t *r = s_request (dir, cases[k].text);
        assert_non_null (r);
        assert_false (json_is_true (json_object_get (r, "ok")));
        if (!s_code (r) || strcmp (s_code (r), cases[k].code) != 0)
            fail_msg ("%s: expected %s, got %s", cases[k].text, cases[k].code, s_code (r));
        json_decref (r);
    }
    /* a request just over control/max_request (16 MiB by default) is
       answered; one over it by more than 64 KiB closes the connection */
    size_t big = (16u << 20) + 1024;
    char *huge = malloc ((16u << 20) + (65u << 10));
    memset (huge, ' ', (16u << 20) + (65u << 10));
    json_t *r = s_request_raw (dir, huge, big);
    assert_string_equal (s_code (r), "too_large");
    json_decref (r);
    assert_null (s_request_within (dir, huge, (16u << 20) + (65u << 10), 1000));
    free (huge);
    /* still serving, and the errors are counted */
    r = s_request (dir, "{\"request\": \"status\", \"id\": \"after\"}");
    const json_t *req = json_object_get (s_result (r), "requests");
    assert_string_equal (json_string_value (json_object_get (r, "id")), "after");
    assert_true (json_integer_value (json_object_get (req, "errors")) >= (json_int_t) n + 1);
    assert_true (json_integer_value (json_object_get (req, "bad_requests")) >= 6);
    json_decref (r);
    assert_int_equal (s_stop (pid), 0);
}

static void
test_a_second_node_on_the_directory_is_refused (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/twice", s_dir);
    s_init (dir);
    pid_t pid = s_start (dir);
    const char *args[] = { "-d", dir, NULL };
    assert_int_equal (s_exec ("vfnode", args), 1);
    char path[400], msg[512] = "";
    snprintf (path, sizeof path, "%s/stderr.txt", s_dir);
    FILE *f = fopen (path, "r");
    assert_non_null (f);
    size_t got = fread (msg, 1, sizeof msg - 1, f);
    msg[got] = '\0';
    fclose (f);
    assert_non_null (strstr (msg, "is in use by another vfnode"));
    /* the first one is unharmed */
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    s_result (r);
    json_decref (r);
    assert_int_equal (s_stop (pid), 0);
}

/*  An actor that cannot start stops the node with a message that names it:
    here DIR/control.sock is a directory, so the control server cannot bind
    its socket. */
static void
test_a_control_socket_that_cannot_be_bound_stops_the_node (void **state)
{
    char dir[300], sock[400];
    snprintf (dir, sizeof dir, "%s/nosock", s_dir);
    s_init (dir);
    snprintf (sock, sizeof sock, "%s/control.sock", dir);
    assert_int_equal (mkdir (sock, 0700), 0);
    const char *args[] = { "-d", dir, NULL };
    assert_int_equal (s_exec ("vfnode", args), 1);
    char path[400], msg[2048] = "";
    snprintf (path, sizeof path, "%s/stderr.txt", s_dir);
    FILE *f = fopen (path, "r");
    assert_non_null (f);
    size_t got = fread (msg, 1, sizeof msg - 1, f);
    msg[got] = '\0';
    fclose (f);
    if (!strstr (msg, "cannot start the control server: cannot bind the control socket"))
        fail_msg ("unexpected message: %s", msg);
    assert_non_null (strstr (msg, sock));
}

/*  A client that asks and goes away before the answer: the reply is
    dropped, counted in status, and the node goes on serving. */
static void
test_a_reply_to_a_gone_client_is_counted (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/gone", s_dir);
    s_init (dir);
    s_config_edit (dir, "batch_wait = 2ms", "batch_wait = 1s"); /* a slow answer */
    pid_t pid = s_start (dir);
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_linger (s, 2000); /* the request is delivered ... */
    zsock_connect (s, "ipc://%s/control.sock", dir);
    zstr_send (s, "{\"request\": \"publish\", \"document\": {\"@type\": \"Process\"}}");
    zclock_sleep (200);
    zsock_destroy (&s); /* ... and its sender gone before the commit */
    int64_t dropped = 0;
    for (int k = 0; k < 40 && dropped == 0; k++) {
        zclock_sleep (100);
        json_t *r = s_request (dir, "{\"request\": \"status\"}");
        const json_t *req = json_object_get (s_result (r), "requests");
        dropped = json_integer_value (json_object_get (req, "replies_dropped"));
        json_decref (r);
    }
    assert_int_equal (dropped, 1);
    assert_int_equal (s_entries_held (dir), 1); /* stored all the same */
    assert_int_equal (s_stop (pid), 0);
}

/*  A client socket on dir's control API that has sent n publish requests
    (Process urn:TAG:k, request id k) at once, without reading. */
static zsock_t *
s_publish_burst (const char *dir, const char *tag, int n)
{
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_linger (s, 0);
    zsock_connect (s, "ipc://%s/control.sock", dir);
    for (int k = 0; k < n; k++)
        zstr_sendf (s,
                    "{\"request\": \"publish\", \"id\": %d, \"document\": {\"@type\": \"Process\","
                    " \"@id\": \"urn:%s:%d\", \"name\": \"P%d\"}}",
                    k, tag, k, k);
    return s;
}

/*  Publish in a burst, SIGTERM in the middle: every entry the node said
    it stored is there after a restart. */
static void
test_sigterm_during_a_burst_loses_nothing_answered (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/burst", s_dir);
    s_init (dir);
    pid_t pid = s_start (dir);
    zsock_t *s = s_publish_burst (dir, "burst", 300);
    int answered = 0;
    json_t *stored = json_array ();
    zpoller_t *p = zpoller_new (s, NULL);
    bool killed = false;
    while (zpoller_wait (p, killed ? 3000 : 20000) == s) {
        char *text = zstr_recv (s);
        json_t *r = text ? json_loads (text, 0, NULL) : NULL;
        zstr_free (&text);
        answered++;
        if (r && json_is_true (json_object_get (r, "ok"))) {
            const json_t *one = json_array_get (json_object_get (s_result (r), "entries"), 0);
            if (strcmp (json_string_value (json_object_get (one, "outcome")), "stored") == 0)
                json_array_append (stored, json_object_get (one, "entry"));
        }
        json_decref (r);
        if (answered == 50 && !killed) {
            kill (pid, SIGTERM);
            killed = true;
        }
    }
    zpoller_destroy (&p);
    zsock_destroy (&s);
    int status = 0;
    waitpid (pid, &status, 0);
    s_forget (pid);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    assert_true (json_array_size (stored) >= 50);
    pid = s_start (dir);
    size_t k;
    json_t *id;
    json_array_foreach (stored, k, id) {
        char req[200];
        snprintf (req, sizeof req, "{\"request\": \"get\", \"entry\": \"%s\"}",
                  json_string_value (id));
        json_t *r = s_request (dir, req);
        s_result (r);
        json_decref (r);
    }
    assert_int_equal (s_stop (pid), 0);
    json_decref (stored);
}

/*  A client that sends many requests at once and reads as the replies
    come gets every reply: the writer answers a whole batch at once, more
    than the control socket's own queue holds, and the node must not drop
    what the client is about to read. */
static void
test_a_burst_of_replies_reaches_a_reading_client (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/replies", s_dir);
    s_init (dir);
    pid_t pid = s_start (dir);
    const int n = 600;
    zsock_t *s = s_publish_burst (dir, "reply", n);
    zpoller_t *p = zpoller_new (s, NULL);
    int answered = 0;
    while (answered < n && zpoller_wait (p, 30000) == s) {
        char *text = zstr_recv (s);
        json_t *r = text ? json_loads (text, 0, NULL) : NULL;
        zstr_free (&text);
        s_result (r);
        json_decref (r);
        answered++;
    }
    zpoller_destroy (&p);
    zsock_destroy (&s);
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    json_int_t dropped = json_integer_value (
        json_object_get (json_object_get (s_result (r), "requests"), "replies_dropped"));
    json_decref (r);
    if (answered != n || dropped != 0)
        fail_msg ("%d of %d replies arrived, %lld dropped", answered, n, (long long) dropped);
    assert_int_equal (s_stop (pid), 0);
}

/*  With room for only 4 requests waiting for the writer, a client that
    sends 200 at once is slowed down, not refused: every one is answered.
    SIGHUP reloads the log settings and the node goes on serving. */
static void
test_back_pressure_slows_and_sighup_reloads (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/slow", s_dir);
    s_init (dir);
    s_config_edit (dir, "queue = 10000", "queue = 4");
    pid_t pid = s_start (dir);
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_linger (s, 0);
    zsock_connect (s, "ipc://%s/control.sock", dir);
    for (int k = 0; k < 200; k++)
        zstr_sendf (s,
                    "{\"request\": \"publish\", \"document\": {\"@type\": \"Process\","
                    " \"@id\": \"urn:slow:%d\"}}",
                    k);
    zpoller_t *p = zpoller_new (s, NULL);
    int ok = 0;
    for (int k = 0; k < 200 && zpoller_wait (p, 20000) == s; k++) {
        char *text = zstr_recv (s);
        ok += text && strstr (text, "\"ok\":true") != NULL;
        zstr_free (&text);
    }
    zpoller_destroy (&p);
    zsock_destroy (&s);
    assert_int_equal (ok, 200);
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (s_result (r), "store"), "entries")),
        200);
    json_decref (r);

    s_config_edit (dir, "level = info", "level = debug");
    kill (pid, SIGHUP);
    zclock_sleep (200);
    r = s_request (dir, "{\"request\": \"status\"}");
    s_result (r);
    json_decref (r);
    char log[400], text[65536] = "";
    snprintf (log, sizeof log, "%s/vfnode.log", dir);
    FILE *f = fopen (log, "r");
    assert_non_null (f);
    size_t n = fread (text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose (f);
    assert_non_null (strstr (text, "SIGHUP: logs reopened"));
    assert_int_equal (s_stop (pid), 0);
}

/*  A -- B -- C, where A and B share network n1, B and C network n2 (B is a
    bridge). Entries travel hop by hop, but only where their audience lets
    them: an n1-only entry never reaches C. */
static void
test_entries_travel_within_their_audience (void **state)
{
    char a[300], b[300], c[300];
    snprintf (a, sizeof a, "%s/ra", s_dir);
    snprintf (b, sizeof b, "%s/rb", s_dir);
    snprintf (c, sizeof c, "%s/rc", s_dir);
    s_init_listening (a, 17101);
    s_init_listening (b, 17102);
    s_init_listening (c, 17103);
    pid_t pa = s_start (a), pb = s_start (b), pc = s_start (c);
    char *ka = s_key_of (a), *kb = s_key_of (b), *kc = s_key_of (c);
    char *n1 = s_network_create (a, "n1");
    char *n2 = s_network_create (b, "n2");
    s_network_join (b, "n1", n1);
    s_network_join (c, "n2", n2);
    s_peer_add (a, "n1", kb, "tcp://127.0.0.1:17102");
    s_peer_add (b, "n1", ka, NULL);
    s_peer_add (b, "n2", kc, "tcp://127.0.0.1:17103");
    s_peer_add (c, "n2", kb, NULL);
    zclock_sleep (1500); /* handshakes */

    char aud1[128], aud12[256];
    snprintf (aud1, sizeof aud1, "[\"%s\"]", n1);
    snprintf (aud12, sizeof aud12, "[\"%s\", \"%s\"]", n1, n2);
    s_publish_process (a, "urn:t:n1-only", aud1);
    s_publish_process (a, "urn:t:public", "\"public\"");
    s_publish_process (a, "urn:t:both", aud12);
    assert_true (s_wait_holds (b, "urn:t:n1-only"));
    assert_true (s_wait_holds (c, "urn:t:public")); /* two hops */
    assert_true (s_wait_holds (c, "urn:t:both"));   /* across the bridge */
    zclock_sleep (500);
    assert_false (s_holds (c, "urn:t:n1-only")); /* never outside its audience */

    /*  C restarts while A publishes: what it missed comes two hops, by
        reconciliation with B */
    for (int k = 0; k < 30; k++) {
        char iri[64];
        snprintf (iri, sizeof iri, "urn:t:while-away:%d", k);
        if (k == 5)
            assert_int_equal (s_stop (pc), 0);
        if (k == 20)
            pc = s_start (c);
        s_publish_process (a, iri, "\"public\"");
        zclock_sleep (20);
    }
    for (int k = 0; k < 30; k++) {
        char iri[64];
        snprintf (iri, sizeof iri, "urn:t:while-away:%d", k);
        for (int t = 0; t < 300 && !s_holds (c, iri); t++)
            zclock_sleep (100);
        if (!s_holds (c, iri))
            fail_msg ("C never caught up with %s", iri);
    }
    assert_false (s_holds (c, "urn:t:n1-only"));

    /* a node that is in none of B's networks is refused at the handshake */
    char d[300];
    snprintf (d, sizeof d, "%s/rd", s_dir);
    s_init_listening (d, 17104);
    pid_t pd = s_start (d);
    int64_t refused = s_peers_counter (b, "handshakes_refused");
    s_network_join (d, "n2", n2);
    s_peer_add (d, "n2", kb, "tcp://127.0.0.1:17102");
    zclock_sleep (1500);
    assert_true (s_peers_counter (b, "handshakes_refused") > refused);
    assert_false (s_holds (d, "urn:t:public"));
    assert_int_equal (s_stop (pd), 0);
    assert_int_equal (s_stop (pa), 0);
    assert_int_equal (s_stop (pb), 0);
    assert_int_equal (s_stop (pc), 0);
    free (ka);
    free (kb);
    free (kc);
    free (n1);
    free (n2);
}

/*  Publish batches of 1000 Processes urn:PREFIX:N on dir. */
static void
s_publish_bulk (const char *dir, const char *prefix, int batches)
{
    for (int batch = 0; batch < batches; batch++) {
        size_t cap = 64 + 1000 * 64, len = 0;
        char *req = malloc (cap);
        assert_non_null (req);
        len +=
            (size_t) snprintf (req + len, cap - len, "{\"request\": \"publish\", \"document\": [");
        for (int k = 0; k < 1000; k++)
            len += (size_t) snprintf (req + len, cap - len,
                                      "%s{\"@type\": \"Process\", \"@id\": \"urn:%s:%d\"}",
                                      k ? "," : "", prefix, batch * 1000 + k);
        snprintf (req + len, cap - len, "]}");
        json_t *done = s_request (dir, req);
        assert_int_equal (json_integer_value (json_object_get (s_result (done), "stored")), 1000);
        json_decref (done);
        free (req);
    }
}

/*  Neither node found fault with its one peer. */
static void
s_expect_no_faults (const char *a, const char *b)
{
    const char *const dirs[2] = { a, b };
    for (int k = 0; k < 2; k++) {
        json_t *peers = s_request (dirs[k], "{\"request\": \"peers\"}");
        const json_t *peer = json_array_get (json_object_get (s_result (peers), "peers"), 0);
        if (json_integer_value (json_object_get (peer, "errors")) != 0)
            fail_msg ("%s: %s", dirs[k], json_string_value (json_object_get (peer, "last_error")));
        json_decref (peers);
    }
}

/*  Wait (at most 60 s) until dir holds n entries. */
static void
s_wait_entries (const char *dir, int64_t n)
{
    int64_t held = 0;
    for (int k = 0; k < 600 && (held = s_entries_held (dir)) != n; k++)
        zclock_sleep (100);
    if (held != n)
        fail_msg ("%s holds %lld entries, not %lld", dir, (long long) held, (long long) n);
}

/*  Two running nodes, A listening on port and B on port + 1, both in
    network "wool", B dialling A. */
typedef struct {
    char a[300], b[300];
    pid_t pa, pb;
    char *ka, *kb, *net;
} s_pair_t;

static void
s_pair_start (s_pair_t *p, const char *name, int port)
{
    char endpoint[64];
    snprintf (p->a, sizeof p->a, "%s/%sa", s_dir, name);
    snprintf (p->b, sizeof p->b, "%s/%sb", s_dir, name);
    s_init_listening (p->a, port);
    s_init_listening (p->b, port + 1);
    p->pa = s_start (p->a), p->pb = s_start (p->b);
    p->ka = s_key_of (p->a), p->kb = s_key_of (p->b);
    p->net = s_network_create (p->a, "wool");
    s_network_join (p->b, "wool", p->net);
    s_peer_add (p->a, "wool", p->kb, NULL);
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    s_peer_add (p->b, "wool", p->ka, endpoint);
}

/*  Neither side counted a fault; both stop cleanly. */
static void
s_pair_end (s_pair_t *p)
{
    s_expect_no_faults (p->a, p->b);
    assert_int_equal (s_stop (p->pa), 0);
    assert_int_equal (s_stop (p->pb), 0);
    free (p->ka);
    free (p->kb);
    free (p->net);
}

/*  B was away while A published 10025 entries: when B comes back and
    connects, it catches up by reconciliation alone (push only carries
    what is new), asking in turns, and neither side counts a fault. */
static void
test_a_node_that_was_away_catches_up (void **state)
{
    s_pair_t p;
    s_pair_start (&p, "c", 17111);
    assert_int_equal (s_stop (p.pb), 0); /* B goes away */
    char aud[128];
    snprintf (aud, sizeof aud, "[\"%s\"]", p.net);
    for (int k = 0; k < 25; k++) {
        char iri[64];
        snprintf (iri, sizeof iri, "urn:away:%d", k);
        s_publish_process (p.a, iri, k % 2 ? aud : "\"public\"");
    }
    /*  and more than one peer may ask for at once (VF_PEER_QUEUE_MAX):
        B must ask in turns, not be faulted for asking */
    s_publish_bulk (p.a, "bulk", 10);
    p.pb = s_start (p.b); /* and comes back */
    s_wait_entries (p.b, 10025);
    s_pair_end (&p);
}

/*  B restarts before A notices it was gone (within peer/timeout): A's
    session went on, B's is new. What A sends next must all arrive, and
    neither side may count a fault. */
static void
test_a_peer_that_restarts_at_once_gets_everything (void **state)
{
    s_pair_t p;
    s_pair_start (&p, "q", 17113);
    s_publish_bulk (p.a, "before", 1);
    s_wait_entries (p.b, 1000);
    assert_int_equal (s_stop (p.pb), 0);
    p.pb = s_start (p.b);
    s_publish_bulk (p.a, "after", 3);
    s_wait_entries (p.b, 4000);
    s_pair_end (&p);
}

/*  A lists B in two networks, B lists A in one of them only (operators
    add each other one at a time). A sends B nothing of the other network
    and neither counts a fault; once B lists A there too, a sync brings
    those entries over. */
static void
test_peers_use_only_the_networks_both_list (void **state)
{
    s_pair_t p;
    s_pair_start (&p, "l", 17115);
    const char *a = p.a, *b = p.b;
    char *dye = s_network_create (a, "dye");
    s_network_join (b, "dye", dye);
    s_peer_add (a, "dye", p.kb, NULL);
    char aud[128];
    snprintf (aud, sizeof aud, "[\"%s\"]", dye);
    s_publish_process (a, "urn:dye:1", aud);
    s_publish_process (a, "urn:public:1", "\"public\"");
    s_wait_entries (b, 1);
    s_call_ok (a, "{\"request\": \"sync\"}");
    zclock_sleep (1000);
    assert_int_equal (s_entries_held (b), 1); /* the public one only */
    s_expect_no_faults (a, b);
    s_peer_add (b, "dye", p.ka, NULL); /* now B lists A in dye too */
    s_call_ok (a, "{\"request\": \"sync\"}");
    s_wait_entries (b, 2);
    assert_true (s_holds (b, "urn:dye:1"));
    free (dye);
    s_pair_end (&p);
}

/*  An equivocation reaches A (two entries by one author under one seq,
    imported): the fork proof is entries too, so B, A's peer, gets both
    and knows the author equivocated. */
static void
test_fork_proof_travels (void **state)
{
    s_pair_t p;
    s_pair_start (&p, "f", 17117);
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, 9, sizeof seed);
    vf_identity_t *liar = vf_identity_new_from_seed (seed);
    json_t *entries = json_array ();
    char ids[2][VF_TEXT_MAX];
    for (int k = 0; k < 2; k++) {
        char doc[128];
        snprintf (doc, sizeof doc, "{\"@type\": \"Process\", \"@id\": \"urn:fork:%d\"}", k);
        vf_records_t *recs = NULL;
        uint64_t seq = 1; /* the same seq twice */
        vf_err_t err = { 0 };
        if (vf_jsonld_import (doc, strlen (doc), &recs, &err) ||
            vf_records_prepare (recs, vf_identity_public (liar), &seq, 1767225600000ull + k, NULL,
                                &err) ||
            vf_entry_sign (recs->items[0].entry, liar, &err))
            fail_msg ("%s", err.msg);
        vf_text_encode (ids[k], VF_TEXT_ID, recs->items[0].entry->id);
        json_array_append_new (entries, vf_jsonld_export_entry (recs->items[0].entry, true));
        vf_records_destroy (&recs);
    }
    json_t *req = json_pack ("{s:s, s:o}", "request", "import", "entries", entries);
    char *text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    json_t *r = s_request (p.a, text);
    free (text);
    json_t *res = s_result (r);
    assert_int_equal (json_integer_value (json_object_get (res, "stored")), 2);
    assert_true (json_is_true (
        json_object_get (json_array_get (json_object_get (res, "entries"), 1), "fork")));
    json_decref (r);
    for (int k = 0; k < 2; k++)
        for (int t = 0; t < 200 && !s_holds_entry (p.b, ids[k]); t++)
            zclock_sleep (50);
    assert_true (s_holds_entry (p.b, ids[0]));
    assert_true (s_holds_entry (p.b, ids[1]));
    char liar_key[VF_TEXT_MAX];
    vf_text_encode (liar_key, VF_TEXT_KEY, vf_identity_public (liar));
    r = s_request (p.b, "{\"request\": \"forks\"}");
    json_t *fork = json_array_get (json_object_get (s_result (r), "forks"), 0);
    assert_non_null (fork);
    assert_string_equal (json_string_value (json_object_get (fork, "author")), liar_key);
    assert_int_equal (json_integer_value (json_object_get (fork, "seq")), 1);
    json_decref (r);
    vf_identity_destroy (&liar);
    s_pair_end (&p);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_publish_query_restart),
        cmocka_unit_test (test_bad_input_is_answered_and_counted),
        cmocka_unit_test (test_a_second_node_on_the_directory_is_refused),
        cmocka_unit_test (test_a_control_socket_that_cannot_be_bound_stops_the_node),
        cmocka_unit_test (test_a_reply_to_a_gone_client_is_counted),
        cmocka_unit_test (test_sigterm_during_a_burst_loses_nothing_answered),
        cmocka_unit_test (test_a_burst_of_replies_reaches_a_reading_client),
        cmocka_unit_test (test_back_pressure_slows_and_sighup_reloads),
        cmocka_unit_test (test_entries_travel_within_their_audience),
        cmocka_unit_test (test_a_node_that_was_away_catches_up),
        cmocka_unit_test (test_a_peer_that_restarts_at_once_gets_everything),
        cmocka_unit_test (test_peers_use_only_the_networks_both_list),
        cmocka_unit_test (test_fork_proof_travels),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
