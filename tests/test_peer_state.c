/*  test_peer_state.c - what a node knows of its peers outlives it
    (DIR/peers.state, node/vf_peer_state.h, docs/PROTOCOL.md "Peer state
    file").

    First the file itself: saved and read back field for field, mode 0600,
    not rewritten when nothing changed, recent errors bounded, and every
    kind of bad file refused with a message naming the file and the fault
    and moved aside to peers.state.bad. Then real vfnode processes: two
    nodes exchange entries, one restarts and its counters for the other go
    on from where they were; a fake peer (tests/fake_peer.h) is banned, the
    node restarts and the ban is still in force (the fake is refused at the
    handshake) until its time is up; a corrupt file does not stop the node,
    which warns, serves, and keeps the file aside; saved state of a key no
    longer in networks.json is dropped.

    Ports 17401-17404. Every node is killed at teardown, even after a
    failure (tests/node_support.h).
*/
#define TEST_NAME "peerstate"
#include "node_support.h"

#include "fake_peer.h"
#include "vf_peer_state.h"

/*  The fake of the running test (destroyed at its teardown). */
static s_fake_t s_fake;

static int
s_state_teardown (void **state)
{
    s_fake_destroy (&s_fake);
    return s_kill_started (state);
}

/*  A fresh directory s_dir/name. */
static void
s_mkdir (char *out, size_t size, const char *name)
{
    s_path (out, size, s_dir, name);
    assert_int_equal (mkdir (out, 0700), 0);
}

/*  The whole of a small file, or NULL if it does not exist; the caller
    frees it. */
static char *
s_slurp (const char *dir, const char *name)
{
    char path[400];
    s_path (path, sizeof path, dir, name);
    FILE *f = fopen (path, "r");
    if (!f)
        return NULL;
    char *text = calloc (1, 1 << 20);
    assert_non_null (text);
    size_t n = fread (text, 1, (1 << 20) - 1, f);
    text[n] = '\0';
    fclose (f);
    return text;
}

static void
s_write_file (const char *dir, const char *name, const char *text)
{
    char path[400];
    s_path (path, sizeof path, dir, name);
    FILE *f = fopen (path, "w");
    assert_non_null (f);
    fputs (text, f);
    fclose (f);
}

static bool
s_exists (const char *dir, const char *name)
{
    char path[400];
    struct stat st;
    s_path (path, sizeof path, dir, name);
    return stat (path, &st) == 0;
}

/*  A key of its own (vfk_...) that belongs to nobody here. */
static void
s_some_key (uint8_t key[VF_KEY_BYTES], char text[VF_TEXT_MAX])
{
    vf_identity_t *id = vf_identity_new ();
    assert_non_null (id);
    memcpy (key, vf_identity_public (id), VF_KEY_BYTES);
    vf_text_encode (text, VF_TEXT_KEY, key);
    vf_identity_destroy (&id);
}

/* ------------------------------------------------------------ the file */

static void
test_the_file_keeps_every_field (void **state)
{
    char dir[300];
    s_mkdir (dir, sizeof dir, "roundtrip");
    vf_peer_state_t *ps = vf_peer_state_new (dir);
    assert_non_null (ps);
    vf_err_t err = { 0 };
    assert_int_equal (vf_peer_state_load (ps, &err), 0); /* absent: a first start */
    assert_int_equal (vf_peer_state_count (ps), 0);

    uint8_t k1[VF_KEY_BYTES], k2[VF_KEY_BYTES], k3[VF_KEY_BYTES];
    char t1[VF_TEXT_MAX], t2[VF_TEXT_MAX], t3[VF_TEXT_MAX];
    s_some_key (k1, t1);
    s_some_key (k2, t2);
    s_some_key (k3, t3);
    vf_peer_kept_t a = { .msgs_in = 1,
                         .msgs_out = 2,
                         .bytes_in = 3,
                         .bytes_out = 4,
                         .entries_in = 5,
                         .entries_out = 6,
                         .dups_in = 7,
                         .refused_in = 8,
                         .errors = 9,
                         .faults_since_ban = 10,
                         .recons = 11,
                         .recon_need = 12,
                         .recon_have = 13,
                         .over_credit = 14,
                         .rtt_ms = 15,
                         .last_seen = 1700000000016,
                         .last_fault = 1700000000017,
                         .banned_until = 1700000000018 };
    vf_peer_kept_error (&a, 1700000000001, "bad frame: not msgpack");
    vf_peer_kept_error (&a, 1700000000002, "it said banned: go away");
    vf_peer_kept_t b = { 0 }; /* a member never heard from */
    vf_peer_state_item_t items[] = { { k1, &a }, { k2, &b } };
    assert_int_equal (vf_peer_state_save (ps, items, 2, 100, 200, &err), 0);
    vf_peer_state_destroy (&ps);
    vf_peer_state_destroy (&ps); /* safe twice */

    char path[400];
    struct stat st;
    s_path (path, sizeof path, dir, "peers.state");
    assert_int_equal (stat (path, &st), 0);
    assert_int_equal (st.st_mode & 0777, 0600);
    assert_false (s_exists (dir, "peers.state.tmp"));

    ps = vf_peer_state_new (dir);
    assert_int_equal (vf_peer_state_load (ps, &err), 0);
    assert_int_equal (vf_peer_state_count (ps), 2);
    uint64_t admitted = 0, refused = 0;
    vf_peer_state_handshakes (ps, &admitted, &refused);
    assert_int_equal (admitted, 100);
    assert_int_equal (refused, 200);
    vf_peer_kept_t got;
    memset (&got, 0xff, sizeof got);
    assert_false (vf_peer_state_take (ps, k3, &got)); /* never saved */
    assert_true (vf_peer_state_take (ps, k1, &got));
    assert_false (vf_peer_state_take (ps, k1, &got)); /* taken once */
    assert_int_equal (got.msgs_in, 1);
    assert_int_equal (got.msgs_out, 2);
    assert_int_equal (got.bytes_in, 3);
    assert_int_equal (got.bytes_out, 4);
    assert_int_equal (got.entries_in, 5);
    assert_int_equal (got.entries_out, 6);
    assert_int_equal (got.dups_in, 7);
    assert_int_equal (got.refused_in, 8);
    assert_int_equal (got.errors, 9);
    assert_int_equal (got.faults_since_ban, 10);
    assert_int_equal (got.recons, 11);
    assert_int_equal (got.recon_need, 12);
    assert_int_equal (got.recon_have, 13);
    assert_int_equal (got.over_credit, 14);
    assert_int_equal (got.rtt_ms, 15);
    assert_int_equal (got.last_seen, 1700000000016);
    assert_int_equal (got.last_fault, 1700000000017);
    assert_int_equal (got.banned_until, 1700000000018);
    assert_int_equal (got.nrecent, 2);
    assert_int_equal (got.recent[0].time, 1700000000001);
    assert_string_equal (got.recent[0].text, "bad frame: not msgpack");
    assert_string_equal (vf_peer_kept_last_error (&got), "it said banned: go away");
    assert_true (vf_peer_state_take (ps, k2, &got));
    assert_int_equal (got.msgs_in, 0);
    assert_int_equal (got.banned_until, 0);
    assert_null (vf_peer_kept_last_error (&got));
    assert_int_equal (vf_peer_state_count (ps), 0);
    vf_peer_state_destroy (&ps);
}

/*  Saving what was last written writes nothing (the engine saves every
    few seconds; an idle node must not rewrite and fsync the file). */
static void
test_an_unchanged_state_is_not_rewritten (void **state)
{
    char dir[300], path[400];
    s_mkdir (dir, sizeof dir, "unchanged");
    s_path (path, sizeof path, dir, "peers.state");
    uint8_t key[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    s_some_key (key, text);
    vf_peer_kept_t k = { .entries_in = 3 };
    vf_peer_state_item_t item = { key, &k };
    vf_peer_state_t *ps = vf_peer_state_new (dir);
    assert_int_equal (vf_peer_state_save (ps, &item, 1, 0, 0, NULL), 0);
    struct stat before, after;
    assert_int_equal (stat (path, &before), 0);
    assert_int_equal (vf_peer_state_save (ps, &item, 1, 0, 0, NULL), 0);
    assert_int_equal (stat (path, &after), 0);
    assert_int_equal (after.st_ino, before.st_ino); /* not replaced */
    k.entries_in++;
    assert_int_equal (vf_peer_state_save (ps, &item, 1, 0, 0, NULL), 0);
    assert_int_equal (stat (path, &after), 0);
    assert_int_not_equal (after.st_ino, before.st_ino); /* a new file renamed over it */
    vf_peer_state_destroy (&ps);
}

/*  At most VF_PEER_RECENT_MAX errors, the newest kept; text a peer sent
    that is not UTF-8 is made writable. */
static void
test_recent_errors_are_bounded (void **state)
{
    vf_peer_kept_t k = { 0 };
    for (int n = 1; n <= VF_PEER_RECENT_MAX + 4; n++) {
        char text[32];
        snprintf (text, sizeof text, "fault %d", n);
        vf_peer_kept_error (&k, n, text);
    }
    assert_int_equal (k.nrecent, VF_PEER_RECENT_MAX);
    assert_string_equal (k.recent[0].text, "fault 5");
    assert_int_equal (k.recent[0].time, 5);
    char last[32];
    snprintf (last, sizeof last, "fault %d", VF_PEER_RECENT_MAX + 4);
    assert_string_equal (vf_peer_kept_last_error (&k), last);
    vf_peer_kept_error (&k, 99, "it said x: caf\xc3\xa9 \xff\xfe ok \xe2\x82");
    assert_string_equal (vf_peer_kept_last_error (&k), "it said x: caf\xc3\xa9 ?? ok ??");
}

/*  Each bad file: refused with the file and the fault named, moved aside
    to peers.state.bad, nothing loaded; the next save writes a fresh file
    and leaves the bad one alone. */
static void
test_bad_files_are_moved_aside (void **state)
{
    uint8_t key[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    s_some_key (key, text);
    char long_error[400];
    memset (long_error, 'x', sizeof long_error - 1);
    long_error[sizeof long_error - 1] = '\0';
    char doc[2048];
    static const struct {
        const char *peer; /* the value for our key; NULL: the whole file is `file` */
        const char *file;
        const char *says;
    } cases[] = {
        { NULL, "{\"version\": 1, \"peers\": {", "line 1" },
        { NULL, "", "line" },
        { NULL, "[1, 2]", "not a JSON object" },
        { NULL, "{\"peers\": {}}", "'version' must be 1" },
        { NULL, "{\"version\": 2, \"peers\": {}}", "'version' must be 1" },
        { NULL, "{\"version\": 1, \"peers\": []}", "'peers' must be an object" },
        { NULL, "{\"version\": 1, \"peers\": {\"vfk_nope\": {}}}", "'vfk_nope'" },
        { NULL, "{\"version\": 1, \"peers\": {}, \"handshakes_refused\": -1}",
          "'handshakes_refused' must be an integer" },
        { NULL, "{\"version\": 1, \"version\": 1, \"peers\": {}}", "duplicate" },
        { "5", NULL, "must be an object" },
        { "{\"errors\": -3}", NULL, "'errors' must be an integer" },
        { "{\"entries_in\": \"12\"}", NULL, "'entries_in' must be an integer" },
        { "{\"bytes_in\": 1.5}", NULL, "'bytes_in' must be an integer" },
        { "{\"banned_until\": 9007199254740992}", NULL, "'banned_until' must be an integer" },
        { "{\"rtt_ms\": 9999999999}", NULL, "'rtt_ms'" },
        { "{\"recent_errors\": {}}", NULL, "'recent_errors' must be a list of at most 8" },
        { "{\"recent_errors\": [1,2,3,4,5,6,7,8,9]}", NULL, "at most 8" },
        { "{\"recent_errors\": [{\"time\": 1}]}", NULL, "recent_errors[0] must be" },
        { "{\"recent_errors\": [{\"time\": -1, \"error\": \"x\"}]}", NULL, "'time' must be" },
        { "{\"recent_errors\": [{\"time\": 1, \"error\": \"LONG\"}]}", NULL, "at most 319 bytes" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char dir[300], name[32];
        snprintf (name, sizeof name, "bad%zu", c);
        s_mkdir (dir, sizeof dir, name);
        if (cases[c].file)
            snprintf (doc, sizeof doc, "%s", cases[c].file);
        else if (strstr (cases[c].peer, "LONG"))
            snprintf (doc, sizeof doc,
                      "{\"version\": 1, \"peers\": {\"%s\": {\"recent_errors\": [{\"time\": 1, "
                      "\"error\": \"%s\"}]}}}",
                      text, long_error);
        else
            snprintf (doc, sizeof doc, "{\"version\": 1, \"peers\": {\"%s\": %s}}", text,
                      cases[c].peer);
        s_write_file (dir, "peers.state", doc);
        vf_peer_state_t *ps = vf_peer_state_new (dir);
        vf_err_t err = { 0 };
        int rc = vf_peer_state_load (ps, &err);
        if (rc == 0 || !strstr (err.msg, cases[c].says) || !strstr (err.msg, dir) ||
            !strstr (err.msg, "peers.state.bad"))
            fail_msg ("case %zu (%s): rc %d, '%s'", c, doc, rc, err.msg);
        assert_int_equal (vf_peer_state_count (ps), 0);
        assert_false (s_exists (dir, "peers.state"));
        char *bad = s_slurp (dir, "peers.state.bad");
        assert_non_null (bad);
        assert_string_equal (bad, doc); /* as it was */
        free (bad);
        vf_peer_kept_t k = { .errors = 1 };
        vf_peer_state_item_t item = { key, &k };
        assert_int_equal (vf_peer_state_save (ps, &item, 1, 0, 0, &err), 0);
        vf_peer_state_destroy (&ps);
        ps = vf_peer_state_new (dir);
        assert_int_equal (vf_peer_state_load (ps, &err), 0);
        assert_int_equal (vf_peer_state_count (ps), 1);
        vf_peer_state_destroy (&ps);
        bad = s_slurp (dir, "peers.state.bad");
        assert_string_equal (bad, doc); /* still there */
        free (bad);
    }
    /*  not a file at all */
    char dir[300], sub[400];
    s_mkdir (dir, sizeof dir, "notafile");
    s_path (sub, sizeof sub, dir, "peers.state");
    assert_int_equal (mkdir (sub, 0700), 0);
    vf_peer_state_t *ps = vf_peer_state_new (dir);
    vf_err_t err = { 0 };
    assert_int_equal (vf_peer_state_load (ps, &err), VF_EIO);
    assert_non_null (strstr (err.msg, "not a regular file"));
    assert_true (s_exists (dir, "peers.state.bad"));
    vf_peer_state_destroy (&ps);
}

/* ---------------------------------------------------------------- nodes */

/*  An integer field of a peer (`peer` request). */
static int64_t
s_field (const json_t *peer, const char *name)
{
    const json_t *v = json_object_get (peer, name);
    if (!json_is_integer (v))
        fail_msg ("the peer has no integer '%s'", name);
    return json_integer_value (v);
}

/*  The counters that must never go back after a restart. */
static const char *const s_counters[] = {
    "messages_in", "messages_out",  "bytes_in",  "bytes_out", "entries_in",      "entries_out",
    "errors",      "duplicates_in", "it_lacked", "we_lacked", "reconciliations", "over_credit",
};
#define S_NCOUNTERS (sizeof s_counters / sizeof s_counters[0])

/*  A and B exchange entries; A stops cleanly and starts again: its
    counters for B go on from where they were (the file holds them), and
    count on from there. */
static void
test_counters_survive_a_restart (void **state)
{
    char a[300], b[300], endpoint[64];
    s_path (a, sizeof a, s_dir, "ca");
    s_path (b, sizeof b, s_dir, "cb");
    s_init_listening (a, 17401);
    s_init_listening (b, 17402);
    pid_t pa = s_start (a), pb = s_start (b);
    char *ka = s_key_of (a), *kb = s_key_of (b);
    char *net = s_network_create (a, "wool");
    s_network_join (b, "wool", net);
    s_peer_add (a, "wool", kb, NULL);
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", 17401);
    s_peer_add (b, "wool", ka, endpoint);
    s_wait_connected (a, kb);
    for (int k = 0; k < 5; k++) {
        char iri[64];
        snprintf (iri, sizeof iri, "urn:from-b:%d", k);
        s_publish_process (b, iri, "\"public\"");
        snprintf (iri, sizeof iri, "urn:from-a:%d", k);
        s_publish_process (a, iri, "\"public\"");
    }
    assert_true (s_wait_holds (a, "urn:from-b:4"));
    assert_true (s_wait_holds (b, "urn:from-a:4"));
    json_t *before = s_peer_info (a, kb);
    assert_true (s_field (before, "entries_in") >= 5);
    assert_true (s_field (before, "entries_out") >= 5);
    assert_false (json_is_null (json_object_get (before, "last_seen_s")));
    int64_t admitted = s_peers_counter (a, "handshakes_admitted");
    assert_true (admitted >= 1);

    assert_int_equal (s_stop (pa), 0);
    /*  the file: private, B's state under its key */
    char path[400];
    struct stat st;
    s_path (path, sizeof path, a, "peers.state");
    assert_int_equal (stat (path, &st), 0);
    assert_int_equal (st.st_mode & 0777, 0600);
    json_t *file = json_load_file (path, 0, NULL);
    assert_non_null (file);
    assert_int_equal (json_integer_value (json_object_get (file, "version")), 1);
    const json_t *saved = json_object_get (json_object_get (file, "peers"), kb);
    assert_non_null (saved);
    assert_true (json_integer_value (json_object_get (saved, "entries_in")) >=
                 s_field (before, "entries_in"));
    json_decref (file);

    pa = s_start (a);
    json_t *after = s_peer_info (a, kb);
    for (size_t k = 0; k < S_NCOUNTERS; k++)
        if (s_field (after, s_counters[k]) < s_field (before, s_counters[k]))
            fail_msg ("%s went back from %lld to %lld over a restart", s_counters[k],
                      (long long) s_field (before, s_counters[k]),
                      (long long) s_field (after, s_counters[k]));
    assert_false (json_is_null (json_object_get (after, "last_seen_s")));
    assert_true (s_field (after, "rtt_ms") >= 0);
    assert_true (s_peers_counter (a, "handshakes_admitted") >= admitted);
    /*  and counting goes on from there */
    int64_t in = s_field (after, "entries_in");
    s_wait_connected (a, kb);
    s_publish_process (b, "urn:from-b:after", "\"public\"");
    assert_true (s_wait_holds (a, "urn:from-b:after"));
    int64_t now = 0;
    for (int k = 0; k < 100 && (now = s_peer_number (a, kb, "entries_in")) < in + 1; k++)
        zclock_sleep (100);
    assert_true (now >= in + 1);
    assert_int_equal (s_peer_number (a, kb, "errors"), 0);
    json_decref (before);
    json_decref (after);
    assert_int_equal (s_stop (pa), 0);
    assert_int_equal (s_stop (pb), 0);
    free (ka);
    free (kb);
    free (net);
}

/*  Wait (up to 10 s, pumping) until the fake got a WELCOME; true if it did. */
static bool
s_welcomed (s_fake_t *f)
{
    for (int k = 0; k < 100 && !f->received[VF_WIRE_WELCOME]; k++)
        s_pump (f, 100);
    return f->received[VF_WIRE_WELCOME] > 0;
}

/*  A node bans a fake peer for an hour, stops and starts again: the fake
    is still banned, refused at the handshake, its faults and errors still
    there. Restarted with peer/ban_for 1s, the restored ban lasts at most
    that: it ends, and the fake is admitted again. */
static void
test_a_ban_outlives_a_restart (void **state)
{
    char a[300];
    s_path (a, sizeof a, s_dir, "ban");
    s_init_listening (a, 17403);
    s_config_edit (a, "ban_after = 20", "ban_after = 3");
    s_config_edit (a, "ban_for = 10m", "ban_for = 1h");
    pid_t pa = s_start (a);
    char *net = s_network_create (a, "wool");
    s_fake_t *f = &s_fake;
    s_fake_new (f);
    s_peer_add (a, "wool", f->key, NULL);
    uint8_t server[VF_KEY_BYTES];
    s_node_curve (a, server);
    f->sock = s_dial (f, 17403, server);
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    assert_true (s_welcomed (f));
    const char garbage[] = "not msgpack at all";
    for (int k = 0; k < 3; k++)
        s_send_raw (f->sock, garbage, sizeof garbage - 1);
    for (int k = 0; k < 100 && !s_peer_state_is (a, f->key, "banned"); k++)
        s_pump (f, 100);
    assert_true (s_peer_state_is (a, f->key, "banned"));
    assert_int_equal (s_peer_number (a, f->key, "errors"), 3);
    zsock_destroy (&f->sock);

    int64_t wall = zclock_time ();
    assert_int_equal (s_stop (pa), 0);
    char path[400];
    s_path (path, sizeof path, a, "peers.state");
    json_t *file = json_load_file (path, 0, NULL);
    const json_t *saved = json_object_get (json_object_get (file, "peers"), f->key);
    assert_true (json_integer_value (json_object_get (saved, "banned_until")) > wall);
    json_decref (file);

    /*  still banned after the restart */
    pa = s_start (a);
    json_t *peer = s_peer_info (a, f->key);
    assert_string_equal (json_string_value (json_object_get (peer, "state")), "banned");
    int64_t left = json_integer_value (json_object_get (peer, "ban_left_s"));
    assert_true (left > 0 && left <= 3600);
    assert_int_equal (json_integer_value (json_object_get (peer, "errors")), 3);
    const char *last = json_string_value (json_object_get (peer, "last_error"));
    assert_non_null (last);
    assert_int_equal (strncmp (last, "bad frame", 9), 0);
    assert_int_equal (json_array_size (json_object_get (peer, "recent_errors")), 3);
    json_decref (peer);
    /*  and in force: a new connection is refused at the handshake */
    int64_t refused = s_peers_counter (a, "handshakes_refused");
    f->received[VF_WIRE_WELCOME] = 0;
    f->sock = s_dial (f, 17403, server);
    s_send (f->sock, &hello);
    for (int k = 0; k < 100 && s_peers_counter (a, "handshakes_refused") == refused; k++)
        zclock_sleep (100);
    assert_true (s_peers_counter (a, "handshakes_refused") > refused);
    s_pump (f, 300);
    assert_int_equal (f->received[VF_WIRE_WELCOME], 0);
    zsock_destroy (&f->sock);
    assert_int_equal (s_stop (pa), 0);

    /*  peer/ban_for now 1s: the saved ban lasts at most that from the
        start, then ends; the fake is admitted again, its count kept */
    s_config_edit (a, "ban_for = 1h", "ban_for = 1s");
    pa = s_start (a);
    for (int k = 0; k < 300 && s_peer_state_is (a, f->key, "banned"); k++)
        zclock_sleep (100);
    assert_true (s_peer_state_is (a, f->key, "waiting"));
    peer = s_peer_info (a, f->key);
    assert_null (json_object_get (peer, "ban_left_s"));
    json_decref (peer);
    f->sock = s_dial (f, 17403, server);
    s_send (f->sock, &hello);
    assert_true (s_welcomed (f));
    for (int k = 0; k < 100 && !s_peer_state_is (a, f->key, "connected"); k++)
        s_pump (f, 100);
    assert_true (s_peer_state_is (a, f->key, "connected"));
    assert_int_equal (s_peer_number (a, f->key, "errors"), 3);
    assert_int_equal (s_stop (pa), 0);
    /*  and the ended ban is no longer in the file */
    file = json_load_file (path, 0, NULL);
    saved = json_object_get (json_object_get (file, "peers"), f->key);
    assert_non_null (saved);
    assert_null (json_object_get (saved, "banned_until"));
    json_decref (file);
    s_fake_destroy (f);
    free (net);
}

/*  A corrupt peers.state: the node starts, says what is wrong with which
    file, serves, and keeps the file as peers.state.bad; at its stop it
    writes a fresh one beside it. */
static void
test_a_corrupt_file_does_not_stop_the_node (void **state)
{
    char a[300];
    s_path (a, sizeof a, s_dir, "corrupt");
    s_init (a);
    const char *junk = "{\"version\": 1, \"peers\": {\"vfk_";
    s_write_file (a, "peers.state", junk);
    pid_t pa = s_start (a);
    char *log = s_slurp (a, "vfnode.log");
    char want[700];
    snprintf (want, sizeof want, "%s/peers.state: line 1:", a);
    if (!strstr (log, want) || !strstr (log, "moved to") ||
        !strstr (log, "starting without saved peer state"))
        fail_msg ("no clear warning in the log: %s", log);
    free (log);
    char *bad = s_slurp (a, "peers.state.bad");
    assert_non_null (bad);
    assert_string_equal (bad, junk);
    free (bad);
    /*  serving */
    s_publish_process (a, "urn:still:serving", "\"public\"");
    assert_true (s_holds (a, "urn:still:serving"));
    char *net = s_network_create (a, "wool");
    uint8_t key[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    s_some_key (key, text);
    s_peer_add (a, "wool", text, NULL);
    assert_int_equal (s_stop (pa), 0);
    /*  a fresh file, the bad one untouched */
    char path[400];
    s_path (path, sizeof path, a, "peers.state");
    json_t *file = json_load_file (path, 0, NULL);
    assert_non_null (file);
    assert_non_null (json_object_get (json_object_get (file, "peers"), text));
    json_decref (file);
    bad = s_slurp (a, "peers.state.bad");
    assert_string_equal (bad, junk);
    free (bad);
    free (net);
}

/*  A file written by hand (or by an older run) is taken as it is: the
    state of a member comes back, a ban given as wall-clock time is in
    force, and the state of a key that is in no network here is dropped
    from the file. */
static void
test_only_members_keep_their_state (void **state)
{
    char a[300];
    s_path (a, sizeof a, s_dir, "members");
    s_init (a);
    pid_t pa = s_start (a);
    char *net = s_network_create (a, "wool");
    uint8_t member[VF_KEY_BYTES], gone[VF_KEY_BYTES];
    char tmember[VF_TEXT_MAX], tgone[VF_TEXT_MAX];
    s_some_key (member, tmember);
    s_some_key (gone, tgone);
    s_peer_add (a, "wool", tmember, NULL);
    assert_int_equal (s_stop (pa), 0);
    char doc[2048];
    snprintf (doc, sizeof doc,
              "{\"version\": 1, \"handshakes_admitted\": 40, \"handshakes_refused\": 2, "
              "\"peers\": {\"%s\": {\"entries_in\": 42, \"errors\": 2, \"last_seen\": %lld, "
              "\"banned_until\": %lld, \"recent_errors\": [{\"time\": 1, \"error\": \"it said "
              "x: y\"}]}, \"%s\": {\"entries_in\": 7}}}",
              tmember, (long long) zclock_time () - 5000, (long long) zclock_time () + 3600000,
              tgone);
    s_write_file (a, "peers.state", doc);
    pa = s_start (a);
    json_t *peer = s_peer_info (a, tmember);
    assert_int_equal (json_integer_value (json_object_get (peer, "entries_in")), 42);
    assert_int_equal (json_integer_value (json_object_get (peer, "errors")), 2);
    assert_string_equal (json_string_value (json_object_get (peer, "state")), "banned");
    assert_true (json_integer_value (json_object_get (peer, "last_seen_s")) >= 5);
    assert_string_equal (json_string_value (json_object_get (peer, "last_error")), "it said x: y");
    json_decref (peer);
    assert_true (s_peers_counter (a, "handshakes_admitted") >= 40);
    assert_true (s_peers_counter (a, "handshakes_refused") >= 2);
    char *log = s_slurp (a, "vfnode.log");
    assert_non_null (strstr (log, "dropping the state of 1 peers no longer in networks.json"));
    free (log);
    assert_int_equal (s_stop (pa), 0);
    char path[400];
    s_path (path, sizeof path, a, "peers.state");
    json_t *file = json_load_file (path, 0, NULL);
    const json_t *peers = json_object_get (file, "peers");
    assert_non_null (json_object_get (peers, tmember));
    assert_null (json_object_get (peers, tgone));
    assert_int_equal (
        json_integer_value (json_object_get (json_object_get (peers, tmember), "entries_in")), 42);
    json_decref (file);
    free (net);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_the_file_keeps_every_field),
        cmocka_unit_test (test_an_unchanged_state_is_not_rewritten),
        cmocka_unit_test (test_recent_errors_are_bounded),
        cmocka_unit_test (test_bad_files_are_moved_aside),
        cmocka_unit_test_teardown (test_counters_survive_a_restart, s_state_teardown),
        cmocka_unit_test_teardown (test_a_ban_outlives_a_restart, s_state_teardown),
        cmocka_unit_test_teardown (test_a_corrupt_file_does_not_stop_the_node, s_state_teardown),
        cmocka_unit_test_teardown (test_only_members_keep_their_state, s_state_teardown),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
