/*  test_hostile.c - a fake peer in this process against a real vfnode.

    The fake has its own identity, is a member of the node's network and
    connects to the node's peer endpoint with a ZeroMQ DEALER over CurveZMQ
    (its CURVE keys derived from its Ed25519 identity, the server key from
    the node's). It greets the node properly, then sends what a correct
    peer never would: garbage, truncated frames, an entry with a forged
    signature, a reconciliation of a network it is not in. The node counts
    each as a fault of that peer (`peer` request) and bans it after
    peer/ban_after of them (entries beyond its credit are dropped and
    counted, and a repeated HELLO brings no new credit), while an honest
    vfnode peer of the same node goes on exchanging entries. Each other
    fault is named as docs/PROTOCOL.md "Faults and bans" says, what is not
    a fault is not counted, and an entry of a network the fake is not in
    never reaches it.

    Then the list of docs/FAULTS.md "Hostile peers", with peer/ban_after 1:
    every hostile input (forged signature, tampered body, non-canonical
    encoding, oversize and truncated frames and entries, unknown message
    types, entries of networks it does not share, a broken ValueFlows
    rule, bad greetings, bad reconciliations; one fake each) is refused
    with its reason, counted and banned at once, nothing of it stored;
    what a correct peer may do never bans (replayed old entries, an
    equivocating author, entries far beyond the credit, floods of HAVE,
    WANT and PING whose replies are never read); a reconciliation that
    never ends costs one fault per period until the ban. Clients that are
    no members (a CURVE key of no shared network, no security at all,
    PLAIN, the wrong server key, raw TCP) are refused at the handshake,
    counted and logged, and get nothing. A member that floods frames of
    entries beyond its credit without a pause, from a thread of its own,
    starves nothing: peer requests are answered within 2 s, the honest
    peer's entries arrive, and SIGTERM stops the node cleanly in the
    middle of it. Throughout, the node's resident memory grows by less
    than 64 MiB, it answers its control API, and its honest peer
    exchanges entries both ways with nothing lost.

    Each of those scenarios prints one line that other tools parse:
        FAULTS<TAB>name<TAB>rounds<TAB>acked<TAB>lost<TAB>bad_inputs<TAB>crashes
    VF_FAULTS_LONG=1 runs more rounds and bigger floods, VF_FAULTS_ROUNDS=N
    exactly N rounds where a scenario has rounds; VF_TEST_ONLY=NAME runs
    one test.

    Ports 17301-17306 and 17441-17450. Every node is killed at teardown,
    even after a failure (tests/node_support.h).
*/
#define TEST_NAME "hostile"
#include "node_support.h"

#include "fake_peer.h"
#include "vf_recon.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

/*  The fake of the running test (destroyed at its teardown, even after a
    failure). */
static s_fake_t s_fake;

/*  Strings of the running test, freed at its teardown (so that a failed
    test reports its failure, not leaks). */
static char *s_owned[16];
static int s_nowned;

static char *
s_own (char *text)
{
    assert_true (s_nowned < 16);
    return s_owned[s_nowned++] = text;
}

/*  The honest entries of the running test: each id (vfe_...) with the two
    nodes that must hold it (freed at teardown). */
static json_t *s_acked;

static int
s_hostile_setup (void **state)
{
    s_acked = json_array ();
    return 0;
}

static int
s_hostile_teardown (void **state)
{
    json_decref (s_acked);
    s_acked = NULL;
    s_fake_destroy (&s_fake);
    while (s_nowned > 0)
        free (s_owned[--s_nowned]);
    return s_kill_started (state);
}

/*  Wait (up to 10 s, the fake answering the node meanwhile) until the
    node counts `errors` faults of the fake; then its last_error must
    start with `why`. */
static void
s_expect_faults (const char *dir, s_fake_t *f, int64_t errors, const char *why)
{
    int64_t n = 0;
    for (int k = 0; k < 100 && (n = s_peer_number (dir, f->key, "errors")) < errors; k++)
        s_pump (f, 100);
    if (n != errors)
        fail_msg ("the node counts %lld faults, not %lld (expecting '%s')", (long long) n,
                  (long long) errors, why);
    json_t *p = s_peer_info (dir, f->key);
    const char *last = json_string_value (json_object_get (p, "last_error"));
    if (!last || strncmp (last, why, strlen (why)) != 0)
        fail_msg ("last_error is '%s', expected '%s...'", last ? last : "(none)", why);
    json_decref (p);
}

/*  Wait (up to 5 s, pumping) until the peer is in state. */
static void
s_expect_state (const char *dir, s_fake_t *f, const char *state)
{
    for (int k = 0; k < 50 && !s_peer_state_is (dir, f->key, state); k++)
        s_pump (f, 100);
    if (!s_peer_state_is (dir, f->key, state))
        fail_msg ("the fake peer is not %s", state);
}

/*  Node A (listening on port, peer/ban_after ban_after, peer/credit 10)
    and an honest node B in network "wool" with it, B dialling A; the
    fake is a member of wool on A only. */
static void
s_two_nodes_and_a_fake (const char *a, const char *b, int port, const char *ban_after, s_fake_t *f,
                        pid_t *pa, pid_t *pb, char **ka, char **kb)
{
    s_init_listening (a, port);
    s_init_listening (b, port + 1);
    char ban[64];
    snprintf (ban, sizeof ban, "ban_after = %s", ban_after);
    s_config_edit (a, "ban_after = 20", ban);
    s_config_edit (a, "credit = 1000", "credit = 10");
    *pa = s_start (a);
    *pb = s_start (b);
    *ka = s_own (s_key_of (a));
    *kb = s_own (s_key_of (b));
    char *wool = s_own (s_network_create (a, "wool"));
    s_network_join (b, "wool", wool);
    s_peer_add (a, "wool", *kb, NULL);
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    s_peer_add (b, "wool", *ka, endpoint);
    s_fake_new (f);
    s_peer_add (a, "wool", f->key, NULL);
    s_wait_connected (a, *kb);
}

/*  The honest peers still exchange entries both ways, and neither finds
    fault with the other. */
static void
s_honest_exchange (const char *a, const char *b, const char *ka, const char *kb, s_fake_t *f,
                   const char *tag)
{
    char iri[64];
    snprintf (iri, sizeof iri, "urn:honest:%s:b", tag);
    s_publish_process (b, iri, "\"public\"");
    assert_true (s_wait_holds (a, iri));
    snprintf (iri, sizeof iri, "urn:honest:%s:a", tag);
    s_publish_process (a, iri, "\"public\"");
    assert_true (s_wait_holds (b, iri));
    assert_true (s_peer_state_is (a, kb, "connected"));
    assert_int_equal (s_peer_number (a, kb, "errors"), 0);
    assert_int_equal (s_peer_number (b, ka, "errors"), 0);
    if (f->sock)
        s_pump (f, 10);
}

static void
test_a_hostile_peer_is_banned_and_an_honest_one_goes_on (void **state)
{
    char a[300], b[300];
    snprintf (a, sizeof a, "%s/ha", s_dir);
    snprintf (b, sizeof b, "%s/hb", s_dir);
    s_fake_t *f = &s_fake;
    pid_t pa, pb;
    char *ka, *kb;
    s_two_nodes_and_a_fake (a, b, 17301, "5", f, &pa, &pb, &ka, &kb);
    uint8_t server[VF_KEY_BYTES];
    s_node_curve (a, server);
    f->sock = s_dial (f, 17301, server);
    s_honest_exchange (a, b, ka, kb, f, "before");

    /*  before its HELLO, the fake's entries are ignored, not faults */
    vf_entry_t *early[1];
    s_sign (f, "early", 1, NULL, early);
    s_send_entries (f->sock, early, 1);
    /*  a valid HELLO: WELCOME and a grant of 10 */
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    for (int k = 0; k < 50 && (!f->received[VF_WIRE_WELCOME] || f->credit < 10); k++)
        s_pump (f, 100);
    assert_int_equal (f->received[VF_WIRE_WELCOME], 1);
    assert_int_equal (f->credit, 10);
    s_expect_state (a, f, "connected");
    assert_int_equal (s_peer_number (a, f->key, "errors"), 0);
    assert_false (s_holds (a, "urn:early:0"));

    /*  1: garbage */
    const char garbage[] = "this is not msgpack";
    s_send_raw (f->sock, garbage, sizeof garbage - 1);
    s_expect_faults (a, f, 1, "bad frame");
    /*  2: a truncated frame (a HELLO without its last bytes) */
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal (vf_wire_encode (&hello, &buf, &len, NULL), 0);
    s_send_raw (f->sock, buf, len - 5);
    free (buf);
    s_expect_faults (a, f, 2, "bad frame");
    s_honest_exchange (a, b, ka, kb, f, "during");

    /*  3: an entry whose signature is forged */
    vf_entry_t *forged[1];
    s_sign (f, "forged", 1, NULL, forged);
    forged[0]->blob[7] ^= 0x40;
    s_send_entries (f->sock, forged, 1);
    s_expect_faults (a, f, 3, "entry refused");
    assert_int_equal (s_peer_number (a, f->key, "refused_in"), 1);
    assert_false (s_holds (a, "urn:forged:0"));

    /*  11 entries on a credit of 10: the first 10 are taken, the 11th is
        dropped and counted, not a fault (a peer whose session was renewed
        may still count an old grant) */
    vf_entry_t *over[11];
    s_sign (f, "over", 11, NULL, over);
    s_send_entries (f->sock, over, 11);
    assert_true (s_wait_holds (a, "urn:over:9"));
    assert_false (s_holds (a, "urn:over:10"));
    assert_int_equal (s_peer_number (a, f->key, "over_credit"), 1);
    assert_int_equal (s_peer_number (a, f->key, "errors"), 3);
    assert_true (s_wait_holds (b, "urn:over:9")); /* valid entries travel on */

    /*  a HELLO again while its session is up brings no new credit */
    for (int k = 0; k < 5; k++) /* the credit given back for those 10 */
        s_pump (f, 100);
    uint64_t had = f->credit;
    s_send (f->sock, &hello);
    for (int k = 0; k < 5; k++)
        s_pump (f, 100);
    assert_int_equal (f->received[VF_WIRE_WELCOME], 2);
    assert_int_equal (f->credit, had);

    /*  4: a reconciliation of a network the fake is not in */
    vf_wire_msg_t recon = { .type = VF_WIRE_RECON };
    memset (recon.network, 0x5a, sizeof recon.network);
    const uint8_t nothing_left[] = { 0x91, 0x01 };
    recon.payload = nothing_left;
    recon.payload_len = sizeof nothing_left;
    s_send (f->sock, &recon);
    s_expect_faults (a, f, 4, "reconciliation of a network it does not share with us");

    /*  5: garbage again: banned */
    s_send_raw (f->sock, garbage, sizeof garbage - 1);
    s_expect_faults (a, f, 5, "bad frame");
    s_expect_state (a, f, "banned");
    for (int k = 0; k < 20 && strcmp (f->error_code, "banned") != 0; k++)
        s_pump (f, 100);
    assert_string_equal (f->error_code, "banned");

    /*  banned: what it still sends on its open connection is dropped ... */
    s_send_raw (f->sock, garbage, sizeof garbage - 1);
    vf_entry_t *late[1];
    s_sign (f, "late", 1, NULL, late);
    s_send_entries (f->sock, late, 1);
    zclock_sleep (500);
    assert_int_equal (s_peer_number (a, f->key, "errors"), 5);
    assert_false (s_holds (a, "urn:late:0"));
    /*  ... and a new connection is refused at the handshake */
    int64_t refused = s_peers_counter (a, "handshakes_refused");
    zsock_t *again = s_dial (f, 17301, server);
    s_send (again, &hello);
    for (int k = 0; k < 50 && s_peers_counter (a, "handshakes_refused") == refused; k++)
        zclock_sleep (100);
    assert_true (s_peers_counter (a, "handshakes_refused") > refused);
    zsock_destroy (&again);
    assert_true (s_peer_state_is (a, f->key, "banned"));

    /*  and all along the honest peer was served */
    s_honest_exchange (a, b, ka, kb, f, "after");
    assert_int_equal (s_stop (pa), 0);
    assert_int_equal (s_stop (pb), 0);
    vf_entry_destroy (&early[0]);
    vf_entry_destroy (&forged[0]);
    for (int k = 0; k < 11; k++)
        vf_entry_destroy (&over[k]);
    vf_entry_destroy (&late[0]);
    s_fake_destroy (f);
}

/*  Did the node send the fake the entry with this id? */
static bool
s_seen (const s_fake_t *f, const char *id)
{
    for (const char *e = zlistx_first (f->entries_seen); e; e = zlistx_next (f->entries_seen))
        if (strcmp (e, id) == 0)
            return true;
    return false;
}

/*  WANT for one entry id (vfe_...). */
static void
s_send_want (zsock_t *s, const char *id)
{
    uint8_t ids[1][VF_HASH_BYTES];
    assert_int_equal (vf_text_decode (ids[0], VF_TEXT_ID, id, NULL), 0);
    vf_wire_msg_t m = { .type = VF_WIRE_WANT, .nids = 1, .ids = ids };
    s_send (s, &m);
}

/*  What a correct peer may do is not counted; each fault is counted once
    and named; an entry of a network the fake is not in never reaches it,
    asked for or not; a message over 1 MiB closes the connection (libzmq)
    without a fault, and the fake is admitted again. */
static void
test_each_fault_is_named_and_nothing_leaks (void **state)
{
    char a[300], b[300];
    snprintf (a, sizeof a, "%s/na", s_dir);
    snprintf (b, sizeof b, "%s/nb", s_dir);
    s_fake_t *f = &s_fake;
    pid_t pa, pb;
    char *ka, *kb;
    s_two_nodes_and_a_fake (a, b, 17303, "20", f, &pa, &pb, &ka, &kb);
    char *dye = s_own (s_network_create (a, "dye")); /* A's alone */
    char aud_dye[128];
    snprintf (aud_dye, sizeof aud_dye, "[\"%s\"]", dye);
    char *secret = s_own (s_publish_entry (a, "urn:secret:0", aud_dye));
    char *open = s_own (s_publish_entry (a, "urn:open:0", "\"public\""));
    uint8_t server[VF_KEY_BYTES];
    s_node_curve (a, server);
    f->sock = s_dial (f, 17303, server);
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    for (int k = 0; k < 50 && !f->received[VF_WIRE_WELCOME]; k++)
        s_pump (f, 100);
    s_expect_state (a, f, "connected");
    vf_wire_msg_t credit = { .type = VF_WIRE_CREDIT, .number = 100 };
    s_send (f->sock, &credit);

    /*  not faults: a PONG that answers no PING, an ERROR, a WANT for an
        entry the node does not hold, a message of two frames; and a WANT
        for an entry it may hold is served */
    vf_wire_msg_t pong = { .type = VF_WIRE_PONG, .number = 999999 };
    s_send (f->sock, &pong);
    vf_wire_msg_t error = { .type = VF_WIRE_ERROR };
    snprintf (error.code, sizeof error.code, "test");
    snprintf (error.text, sizeof error.text, "just saying");
    s_send (f->sock, &error);
    uint8_t unknown[1][VF_HASH_BYTES];
    memset (unknown, 0x77, sizeof unknown);
    vf_wire_msg_t want = { .type = VF_WIRE_WANT, .nids = 1, .ids = unknown };
    s_send (f->sock, &want);
    zmsg_t *two = zmsg_new ();
    zmsg_addmem (two, "\x92\x04\x01", 3); /* PING 1, twice in one message */
    zmsg_addmem (two, "\x92\x04\x01", 3);
    assert_int_equal (zmsg_send (&two, f->sock), 0);
    s_send_want (f->sock, open);
    for (int k = 0; k < 50 && !s_seen (f, open); k++)
        s_pump (f, 100);
    assert_true (s_seen (f, open));
    json_t *peer = s_peer_info (a, f->key);
    assert_int_equal (json_integer_value (json_object_get (peer, "errors")), 0);
    assert_string_equal (json_string_value (json_object_get (peer, "last_error")),
                         "it said test: just saying");
    json_decref (peer);

    /*  1: a HELLO of another version, answered with ERROR version */
    vf_wire_msg_t v2 = s_hello (f, 2);
    s_send (f->sock, &v2);
    s_expect_faults (a, f, 1, "this node speaks wire protocol version 1, not 2");
    for (int k = 0; k < 20 && strcmp (f->error_code, "version") != 0; k++)
        s_pump (f, 100);
    assert_string_equal (f->error_code, "version");
    /*  2: a HELLO with another key than its connection's */
    vf_wire_msg_t other = s_hello (f, VF_WIRE_VERSION);
    memset (other.key, 0x42, sizeof other.key);
    s_send (f->sock, &other);
    s_expect_faults (a, f, 2, "HELLO carries another key than its connection");
    /*  3: a WANT for an entry of a network it is not in: not sent */
    s_send_want (f->sock, secret);
    s_expect_faults (a, f, 3, "asked for an entry outside the networks it shares with us");
    /*  4: an entry for a network it is not in */
    vf_entry_t *intruder[1];
    s_sign (f, "intruder", 1, dye, intruder);
    s_send_entries (f->sock, intruder, 1);
    s_expect_faults (a, f, 4, "entry refused: entry outside the networks");
    assert_false (s_holds (a, "urn:intruder:0"));
    /*  5: a RECON of the public entries whose message does not decode */
    vf_wire_msg_t recon = { .type = VF_WIRE_RECON };
    const uint8_t bad[] = { 0xc1 };
    recon.payload = bad;
    recon.payload_len = sizeof bad;
    s_send (f->sock, &recon);
    s_expect_faults (a, f, 5, "bad reconciliation message");
    /*  6: more RECON messages than the budget of a period (2 x 256 per
        set, two sets: public and wool): one fault, not one per message */
    const uint8_t nothing_left[] = { 0x91, 0x01 };
    recon.payload = nothing_left;
    recon.payload_len = sizeof nothing_left;
    for (int k = 0; k < 1100; k++)
        s_send (f->sock, &recon);
    s_expect_faults (a, f, 6, "more than 1024 reconciliation messages in one period");
    s_pump (f, 300);
    assert_int_equal (s_peer_number (a, f->key, "errors"), 6);
    assert_false (s_seen (f, secret));

    /*  a message over 1 MiB: libzmq closes the connection, no fault; the
        fake's DEALER reconnects and is admitted again */
    int64_t admitted = s_peers_counter (a, "handshakes_admitted");
    size_t huge_len = VF_WIRE_FRAME_MAX + 100;
    uint8_t *huge = calloc (1, huge_len);
    s_send_raw (f->sock, huge, huge_len);
    free (huge);
    for (int k = 0; k < 50 && s_peers_counter (a, "handshakes_admitted") == admitted; k++)
        s_pump (f, 100);
    assert_true (s_peers_counter (a, "handshakes_admitted") > admitted);
    assert_int_equal (s_peer_number (a, f->key, "errors"), 6);
    assert_false (s_peer_state_is (a, f->key, "banned"));

    s_honest_exchange (a, b, ka, kb, f, "named");
    assert_false (s_seen (f, secret));
    assert_int_equal (s_stop (pa), 0);
    assert_int_equal (s_stop (pb), 0);
    vf_entry_destroy (&intruder[0]);
    s_fake_destroy (f);
}

/*  A WANT of entries the fake may not hold, one fault each: the fault
    that reaches peer/ban_after bans the fake in the middle of serving the
    WANT, and the node goes on (bans it, serves the honest peer, stops
    cleanly). */
static void
test_a_ban_while_serving_a_want (void **state)
{
    char a[300], b[300];
    snprintf (a, sizeof a, "%s/wa", s_dir);
    snprintf (b, sizeof b, "%s/wb", s_dir);
    s_fake_t *f = &s_fake;
    pid_t pa, pb;
    char *ka, *kb;
    s_two_nodes_and_a_fake (a, b, 17305, "5", f, &pa, &pb, &ka, &kb);
    char *dye = s_own (s_network_create (a, "dye")); /* A's alone */
    char aud_dye[128];
    snprintf (aud_dye, sizeof aud_dye, "[\"%s\"]", dye);
    uint8_t ids[8][VF_HASH_BYTES];
    for (int k = 0; k < 8; k++) {
        char iri[64];
        snprintf (iri, sizeof iri, "urn:secret:%d", k);
        char *id = s_publish_entry (a, iri, aud_dye);
        assert_int_equal (vf_text_decode (ids[k], VF_TEXT_ID, id, NULL), 0);
        free (id);
    }
    uint8_t server[VF_KEY_BYTES];
    s_node_curve (a, server);
    f->sock = s_dial (f, 17305, server);
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    for (int k = 0; k < 50 && !f->received[VF_WIRE_WELCOME]; k++)
        s_pump (f, 100);
    s_expect_state (a, f, "connected");
    vf_wire_msg_t credit = { .type = VF_WIRE_CREDIT, .number = 100 };
    s_send (f->sock, &credit);
    vf_wire_msg_t want = { .type = VF_WIRE_WANT, .nids = 8, .ids = ids };
    s_send (f->sock, &want);
    s_expect_faults (a, f, 5, "asked for an entry outside the networks it shares with us");
    s_expect_state (a, f, "banned");
    assert_int_equal (f->received[VF_WIRE_ENTRIES], 0);
    s_honest_exchange (a, b, ka, kb, f, "want");
    assert_int_equal (s_stop (pa), 0);
    assert_int_equal (s_stop (pb), 0);
    s_fake_destroy (f);
}

/* ------------------------------------------------ the hostile peer list */

/*  What each scenario below reports, one line that other tools parse:
    FAULTS<TAB>name<TAB>rounds<TAB>acked<TAB>lost<TAB>bad_inputs<TAB>crashes
    acked: honest entries the nodes acknowledged (published, stored);
    lost: those missing from a node afterwards; bad_inputs: hostile inputs
    sent; crashes: vfnode processes that died unasked. */
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

/*  VF_FAULTS_LONG=1: more rounds, bigger floods. */
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

/*  Did the node die without being asked? (reaped, so that teardown does
    not signal a pid that may be reused) */
static bool
s_died (pid_t pid)
{
    int status = 0;
    if (waitpid (pid, &status, WNOHANG) != pid)
        return false;
    s_forget (pid);
    return true;
}

/*  The node's resident memory in KiB (VmRSS of /proc/PID/status). */
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

/*  A bound, not a speed: what a flood made the node hold must stay far
    below what the flood itself was. */
#define S_RSS_GROWTH_MAX_KIB (64 * 1024)

static void
s_expect_rss_bounded (pid_t pid, long before_kib, const char *after_what)
{
    long now = s_rss_kib (pid);
    printf ("# vfnode resident after %s: %ld KiB (%+ld)\n", after_what, now, now - before_kib);
    if (now - before_kib > S_RSS_GROWTH_MAX_KIB)
        fail_msg ("vfnode grew from %ld to %ld KiB after %s", before_kib, now, after_what);
}

/*  One honest entry published on `from`, which `to` must receive;
    remembered in s_acked for the final count. */
static void
s_honest_entry (s_tally_t *t, const char *from, const char *to, const char *tag)
{
    char iri[128];
    snprintf (iri, sizeof iri, "urn:honest:%s:%lld", tag, t->acked);
    char *id = s_publish_entry (from, iri, "\"public\"");
    t->acked++;
    json_array_append_new (s_acked, json_pack ("{s:s, s:s, s:s}", "id", id, "a", from, "b", to));
    bool arrived = false;
    for (int k = 0; k < 200 && !(arrived = s_holds_entry (to, id)); k++)
        zclock_sleep (50);
    if (!arrived)
        fail_msg ("%s never reached %s: the honest peer was not served", iri, to);
    free (id);
}

/*  Both ways between the honest nodes a and b, which still find no fault
    with each other; the fake, if connected, is kept alive meanwhile. */
static void
s_honest_round (s_tally_t *t, const char *a, const char *b, const char *ka, const char *kb,
                s_fake_t *f)
{
    s_honest_entry (t, b, a, t->name);
    s_honest_entry (t, a, b, t->name);
    assert_true (s_peer_state_is (a, kb, "connected"));
    assert_int_equal (s_peer_number (a, kb, "errors"), 0);
    assert_int_equal (s_peer_number (b, ka, "errors"), 0);
    if (f && f->sock)
        s_pump (f, 10);
}

/*  Every acknowledged honest entry is on both its nodes. */
static void
s_count_lost (s_tally_t *t)
{
    size_t k;
    const json_t *e;
    json_array_foreach (s_acked, k, e) {
        const char *id = json_string_value (json_object_get (e, "id"));
        t->lost += !s_holds_entry (json_string_value (json_object_get (e, "a")), id);
        t->lost += !s_holds_entry (json_string_value (json_object_get (e, "b")), id);
    }
}

/*  The node under attack, its honest peer, and what the fakes aim at. */
typedef struct {
    char a[300], b[300];
    pid_t pa, pb;
    char *ka, *kb;
    int port;
    uint8_t server[VF_KEY_BYTES]; /* A's CURVE key */
    char *wool;                   /* shared by A, B and the fakes */
    char *dye;                    /* A's alone */
    char *secret;                 /* an entry of dye (vfe_...) */
} s_target_t;

/*  A listening on port with these option lines replaced ({from, to}
    pairs, NULL-terminated), B honest on port + 1 dialling A, both in wool;
    A alone in dye, with one entry there. */
static void
s_target_start (s_target_t *t, const char *tag, int port, const char *const *edits)
{
    memset (t, 0, sizeof *t);
    snprintf (t->a, sizeof t->a, "%s/%s-a", s_dir, tag);
    snprintf (t->b, sizeof t->b, "%s/%s-b", s_dir, tag);
    t->port = port;
    s_init_listening (t->a, port);
    s_init_listening (t->b, port + 1);
    for (int k = 0; edits && edits[k]; k += 2)
        s_config_edit (t->a, edits[k], edits[k + 1]);
    t->pa = s_start (t->a);
    t->pb = s_start (t->b);
    t->ka = s_own (s_key_of (t->a));
    t->kb = s_own (s_key_of (t->b));
    t->wool = s_own (s_network_create (t->a, "wool"));
    s_network_join (t->b, "wool", t->wool);
    s_peer_add (t->a, "wool", t->kb, NULL);
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    s_peer_add (t->b, "wool", t->ka, endpoint);
    t->dye = s_own (s_network_create (t->a, "dye"));
    char aud[128];
    snprintf (aud, sizeof aud, "[\"%s\"]", t->dye);
    t->secret = s_own (s_publish_entry (t->a, "urn:secret:0", aud));
    s_node_curve (t->a, t->server);
    s_wait_connected (t->a, t->kb);
}

/*  A new fake, a member of wool on A, dialled in and greeted; it grants A
    credit 1000. */
static void
s_fake_join (const s_target_t *t, s_fake_t *f)
{
    s_fake_new (f);
    s_peer_add (t->a, "wool", f->key, NULL);
    f->sock = s_dial (f, t->port, t->server);
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    for (int k = 0; k < 50 && (!f->received[VF_WIRE_WELCOME] || !f->credit); k++)
        s_pump (f, 100);
    if (!f->received[VF_WIRE_WELCOME])
        fail_msg ("the fake was not welcomed");
    vf_wire_msg_t credit = { .type = VF_WIRE_CREDIT, .number = 1000 };
    s_send (f->sock, &credit);
    s_expect_state (t->a, f, "connected");
}

/*  One entry the fake signs (Process urn:TAG:0), public or for net. */
static vf_entry_t *
s_sign_one (s_fake_t *f, const char *tag, const char *net)
{
    vf_entry_t *en[1];
    s_sign (f, tag, 1, net, en);
    return en[0];
}

/*  ENTRIES with one blob as given. */
static void
s_send_blob (zsock_t *s, const uint8_t *blob, size_t len)
{
    vf_wire_msg_t m = { .type = VF_WIRE_ENTRIES, .nentries = 1 };
    m.entries[0] = blob;
    m.entry_lens[0] = len;
    s_send (s, &m);
}

/*  ENTRIES with a blob made of this encoding, signed by the fake as it
    stands (the signature of BLAKE2b-256 of exactly these bytes). */
static void
s_send_resigned (s_fake_t *f, const uint8_t *enc, size_t len)
{
    uint8_t *blob = malloc (VF_SIG_BYTES + len), id[VF_HASH_BYTES];
    assert_non_null (blob);
    vf_hash (id, enc, len);
    assert_int_equal (vf_identity_sign (f->id, blob, id, sizeof id), 0);
    memcpy (blob + VF_SIG_BYTES, enc, len);
    s_send_blob (f->sock, blob, VF_SIG_BYTES + len);
    free (blob);
}

/*  Where needle first occurs in the len bytes at hay (fails if nowhere). */
static size_t
s_find (const uint8_t *hay, size_t len, const void *needle, size_t nlen)
{
    for (size_t k = 0; k + nlen <= len; k++)
        if (memcmp (hay + k, needle, nlen) == 0)
            return k;
    fail_msg ("%.*s not found", (int) nlen, (const char *) needle);
    return 0;
}

/* ---- the hostile inputs, one function each ---- */

static void
s_bad_forged (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "forged", NULL);
    en->blob[7] ^= 0x40; /* inside the signature */
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

static void
s_bad_tampered (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "tampered", NULL);
    size_t at = s_find (en->blob, en->blob_len, "tampered", 8);
    en->blob[at] = 'T'; /* still canonical msgpack: only the id changes */
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

static void
s_bad_other_signer (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "impostor", NULL);
    vf_identity_t *other = vf_identity_new ();
    assert_int_equal (vf_identity_sign (other, en->blob, en->id, VF_HASH_BYTES), 0);
    vf_identity_destroy (&other);
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

/*  The seq (a positive fixint) written as a uint8: the same value, not in
    its shortest form. Signed all the same. */
static void
s_bad_noncanonical_entry (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "noncanon", NULL);
    const uint8_t *enc = en->blob + VF_SIG_BYTES;
    size_t len = en->blob_len - VF_SIG_BYTES;
    size_t at = s_find (enc, len, "\xa3seq", 4) + 4;
    assert_true (enc[at] < 0x80);
    uint8_t *wide = malloc (len + 1);
    memcpy (wide, enc, at);
    wide[at] = 0xcc;
    memcpy (wide + at + 1, enc + at, len - at);
    s_send_resigned (f, wide, len + 1);
    free (wide);
    vf_entry_destroy (&en);
}

static void
s_bad_entry_trailing (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "trailing", NULL);
    size_t len = en->blob_len - VF_SIG_BYTES;
    uint8_t *more = malloc (len + 1);
    memcpy (more, en->blob + VF_SIG_BYTES, len);
    more[len] = 0xc0; /* nil after the map */
    s_send_resigned (f, more, len + 1);
    free (more);
    vf_entry_destroy (&en);
}

static void
s_bad_entry_truncated (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "cut", NULL);
    s_send_blob (f->sock, en->blob, en->blob_len - 10);
    vf_entry_destroy (&en);
}

static void
s_bad_entry_signature_only (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "sigonly", NULL);
    s_send_blob (f->sock, en->blob, 40); /* shorter than a signature */
    vf_entry_destroy (&en);
}

static void
s_bad_unshared_network (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "intruder", t->dye);
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

static void
s_bad_unknown_network (const s_target_t *t, s_fake_t *f)
{
    uint8_t nowhere[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    vf_random (nowhere, sizeof nowhere);
    vf_entry_t *en = s_sign_one (f, "nowhere", vf_text_encode (text, VF_TEXT_NET, nowhere));
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

/*  Correctly signed, but a Process record under the class EconomicEvent
    (no action): it breaks the ValueFlows rules. */
static void
s_bad_vf_rules (const s_target_t *t, s_fake_t *f)
{
    vf_entry_t *en = s_sign_one (f, "rules", NULL);
    snprintf (en->cls, sizeof en->cls, "EconomicEvent");
    vf_err_t err = { 0 };
    if (vf_entry_sign (en, f->id, &err))
        fail_msg ("%s", err.msg);
    s_send_entries (f->sock, &en, 1);
    vf_entry_destroy (&en);
}

static void
s_send_bytes (s_fake_t *f, const char *bytes, size_t len)
{
    s_send_raw (f->sock, bytes, len);
}

#define S_BYTES(f, literal) s_send_bytes ((f), (literal), sizeof (literal) - 1)

static void
s_bad_garbage (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "GET / HTTP/1.0\r\n\r\n");
}

static void
s_bad_truncated_frame (const s_target_t *t, s_fake_t *f)
{
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal (vf_wire_encode (&hello, &buf, &len, NULL), 0);
    s_send_raw (f->sock, buf, len - 5);
    free (buf);
}

static void
s_bad_empty_frame (const s_target_t *t, s_fake_t *f)
{
    s_send_raw (f->sock, "", 0);
}

static void
s_bad_empty_array (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x90");
}

static void
s_bad_map (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x81\x04\x01");
}

static void
s_bad_noncanonical_frame (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\x04\xcc\x01"); /* PING 1, the 1 as a uint8 */
}

static void
s_bad_bytes_after (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\x04\x01\xc0"); /* PING 1, then nil */
}

static void
s_bad_type_11 (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\x0b\x01");
}

static void
s_bad_type_0 (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\x00\x01");
}

static void
s_bad_type_huge (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\xcf\xff\xff\xff\xff\xff\xff\xff\xff\x01");
}

static void
s_bad_field_count (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x93\x04\x01\x01"); /* PING with two nonces */
}

static void
s_bad_field_type (const s_target_t *t, s_fake_t *f)
{
    S_BYTES (f, "\x92\x04\xa1x"); /* PING with a string nonce */
}

/*  A frame of a header then n bytes of fill. */
static void
s_send_filled (s_fake_t *f, const uint8_t *head, size_t hlen, size_t n, uint8_t fill)
{
    uint8_t *buf = malloc (hlen + n);
    assert_non_null (buf);
    memcpy (buf, head, hlen);
    memset (buf + hlen, fill, n);
    s_send_raw (f->sock, buf, hlen + n);
    free (buf);
}

static void
s_bad_have_too_many (const s_target_t *t, s_fake_t *f)
{
    const uint8_t head[] = { 0x92, 0x06, 0xc5, 0x80, 0x20 }; /* bin16 of 1025 ids */
    s_send_filled (f, head, sizeof head, 1025 * 32, 0x33);
}

static void
s_bad_ids_not_32 (const s_target_t *t, s_fake_t *f)
{
    const uint8_t head[] = { 0x92, 0x07, 0xc4, 0x21 }; /* WANT of 33 bytes */
    s_send_filled (f, head, sizeof head, 33, 0x33);
}

static void
s_bad_entries_too_many (const s_target_t *t, s_fake_t *f)
{
    size_t n = VF_WIRE_ENTRIES_MAX + 1, len = 5 + 3 * n;
    uint8_t *buf = malloc (len);
    memcpy (buf, "\x92\x08\xdc", 3);
    buf[3] = (uint8_t) (n >> 8), buf[4] = (uint8_t) n;
    for (size_t k = 0; k < n; k++)
        memcpy (buf + 5 + 3 * k, "\xc4\x01\x00", 3);
    s_send_raw (f->sock, buf, len);
    free (buf);
}

static void
s_bad_entry_too_large (const s_target_t *t, s_fake_t *f)
{
    uint32_t n = VF_SIG_BYTES + VF_ENTRY_MAX + 1;
    const uint8_t head[] = {
        0x92, 0x08, 0x91, 0xc6, 0, (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n
    };
    s_send_filled (f, head, sizeof head, n, 0x00);
}

static void
s_bad_hello_networks (const s_target_t *t, s_fake_t *f)
{
    size_t nets = VF_WIRE_NETWORKS_MAX + 1, len = 0;
    uint8_t *buf = malloc (64 + nets * 32 + 16);
    memcpy (buf, "\x96\x01\x01\xc4\x20", 5);
    memcpy (buf + 5, vf_identity_public (f->id), 32);
    len = 37;
    memcpy (buf + len,
            "\xa4"
            "Fake\xc5",
            6);
    len += 6;
    buf[len++] = (uint8_t) ((nets * 32) >> 8), buf[len++] = (uint8_t) (nets * 32);
    memset (buf + len, 0x44, nets * 32);
    len += nets * 32;
    memcpy (buf + len, "\x91\xa6push-1", 8);
    len += 8;
    s_send_raw (f->sock, buf, len);
    free (buf);
}

static void
s_bad_error_code_long (const s_target_t *t, s_fake_t *f)
{
    uint8_t buf[80] = { 0x93, 0x03, 0xd9, 65 };
    memset (buf + 4, 'x', 65);
    buf[69] = 0xa1, buf[70] = 'x';
    s_send_raw (f->sock, buf, 71);
}

static void
s_bad_version (const s_target_t *t, s_fake_t *f)
{
    vf_wire_msg_t m = s_hello (f, 7);
    s_send (f->sock, &m);
}

static void
s_bad_key (const s_target_t *t, s_fake_t *f)
{
    vf_wire_msg_t m = s_hello (f, VF_WIRE_VERSION);
    memcpy (m.key, t->server, sizeof m.key); /* any other 32 bytes */
    s_send (f->sock, &m);
}

static void
s_bad_want_secret (const s_target_t *t, s_fake_t *f)
{
    s_send_want (f->sock, t->secret);
}

static void
s_send_recon_on (zsock_t *s, const uint8_t net[VF_KEY_BYTES], const uint8_t *payload, size_t len)
{
    vf_wire_msg_t m = { .type = VF_WIRE_RECON, .payload = payload, .payload_len = len };
    memcpy (m.network, net, VF_KEY_BYTES);
    s_send (s, &m);
}

static const uint8_t s_nothing_left[] = { 0x91, 0x01 };
static const uint8_t s_public[VF_KEY_BYTES] = { 0 };

static void
s_bad_recon_unshared (const s_target_t *t, s_fake_t *f)
{
    uint8_t dye[VF_KEY_BYTES];
    assert_int_equal (vf_text_decode (dye, VF_TEXT_NET, t->dye, NULL), 0);
    s_send_recon_on (f->sock, dye, s_nothing_left, sizeof s_nothing_left);
}

static void
s_bad_recon_garbage (const s_target_t *t, s_fake_t *f)
{
    s_send_recon_on (f->sock, s_public, (const uint8_t *) "\x91\x01\x00", 3);
}

static void
s_bad_recon_too_large (const s_target_t *t, s_fake_t *f)
{
    size_t len = VF_RECON_FRAME_MAX + 1;
    uint8_t *big = calloc (1, len);
    big[0] = 0x91, big[1] = 0x01;
    s_send_recon_on (f->sock, s_public, big, len);
    free (big);
}

static void
s_bad_recon_flood (const s_target_t *t, s_fake_t *f)
{
    for (int k = 0; k < 1100; k++)
        s_send_recon_on (f->sock, s_public, s_nothing_left, sizeof s_nothing_left);
}

typedef struct {
    const char *name;
    const char *why; /* how last_error starts */
    void (*send) (const s_target_t *t, s_fake_t *f);
} s_bad_t;

static const s_bad_t s_bad_inputs[] = {
    { "forged signature", "entry refused: ", s_bad_forged },
    { "tampered body", "entry refused: ", s_bad_tampered },
    { "signed by another key", "entry refused: ", s_bad_other_signer },
    { "non-canonical entry", "entry refused: ", s_bad_noncanonical_entry },
    { "bytes after an entry", "entry refused: ", s_bad_entry_trailing },
    { "truncated entry", "entry refused: ", s_bad_entry_truncated },
    { "entry shorter than a signature", "entry refused: ", s_bad_entry_signature_only },
    { "entry of a network not shared", "entry refused: entry outside the networks",
      s_bad_unshared_network },
    { "entry of an unknown network", "entry refused: entry outside the networks",
      s_bad_unknown_network },
    { "entry breaking a ValueFlows rule", "entry refused: ", s_bad_vf_rules },
    { "garbage frame", "bad frame: ", s_bad_garbage },
    { "truncated frame", "bad frame: ", s_bad_truncated_frame },
    { "empty frame", "bad frame: ", s_bad_empty_frame },
    { "empty array", "bad frame: ", s_bad_empty_array },
    { "map for an array", "bad frame: ", s_bad_map },
    { "non-canonical frame", "bad frame: ", s_bad_noncanonical_frame },
    { "bytes after a message", "bad frame: ", s_bad_bytes_after },
    { "unknown message type 11", "bad frame: unknown message type 11", s_bad_type_11 },
    { "message type 0", "bad frame: ", s_bad_type_0 },
    { "message type 2^64-1", "bad frame: ", s_bad_type_huge },
    { "wrong field count", "bad frame: PING: 2 fields, expected 1", s_bad_field_count },
    { "wrong field type", "bad frame: ", s_bad_field_type },
    { "HAVE of 1025 ids", "bad frame: ", s_bad_have_too_many },
    { "WANT of 33 bytes", "bad frame: ", s_bad_ids_not_32 },
    { "ENTRIES of 257", "bad frame: ", s_bad_entries_too_many },
    { "entry over 65,600 bytes", "bad frame: ", s_bad_entry_too_large },
    { "HELLO of 65 networks", "bad frame: ", s_bad_hello_networks },
    { "ERROR code over 64 bytes", "bad frame: ", s_bad_error_code_long },
    { "HELLO of version 7", "this node speaks wire protocol version 1, not 7", s_bad_version },
    { "HELLO with another key", "HELLO carries another key than its connection", s_bad_key },
    { "WANT outside its networks", "asked for an entry outside the networks", s_bad_want_secret },
    { "RECON of a network not shared", "reconciliation of a network it does not share",
      s_bad_recon_unshared },
    { "RECON that does not decode", "bad reconciliation message: ", s_bad_recon_garbage },
    { "RECON over 256 KiB", "bad reconciliation message: ", s_bad_recon_too_large },
    { "RECON beyond the period's budget", "more than 1024 reconciliation messages",
      s_bad_recon_flood },
};

/*  Each hostile input, sent by a fake of its own to a node with
    peer/ban_after 1: refused with its reason (last_error), counted
    (errors, refused_in), the fake banned at once (ERROR banned, then
    refused at the handshake), nothing of it stored, the node's memory
    bounded, and the honest peer served all along. */
static void
test_every_hostile_input_is_named_counted_and_banned (void **state)
{
    s_target_t t;
    const char *edits[] = { "ban_after = 20", "ban_after = 1", NULL };
    s_target_start (&t, "every", 17441, edits);
    s_tally_t tally = { .name = "hostile_inputs", .rounds = s_rounds (1, 3) };
    s_fake_t *f = &s_fake;
    size_t nbad = sizeof s_bad_inputs / sizeof s_bad_inputs[0];
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    int64_t held = s_entries_held (t.a);
    long rss = s_rss_kib (t.pa);
    for (int round = 0; round < tally.rounds; round++)
        for (size_t k = 0; k < nbad; k++) {
            const s_bad_t *bad = &s_bad_inputs[k];
            s_fake_join (&t, f);
            int64_t refused_in = s_peer_number (t.a, f->key, "refused_in");
            bad->send (&t, f);
            tally.bad_inputs++;
            s_expect_faults (t.a, f, 1, bad->why);
            s_expect_state (t.a, f, "banned");
            for (int i = 0; i < 20 && strcmp (f->error_code, "banned") != 0; i++)
                s_pump (f, 50);
            if (strcmp (f->error_code, "banned") != 0)
                fail_msg ("%s: the fake was not told it is banned", bad->name);
            if (strncmp (bad->why, "entry refused", 13) == 0)
                assert_int_equal (s_peer_number (t.a, f->key, "refused_in"), refused_in + 1);
            assert_int_equal (s_entries_held (t.a), held); /* nothing of it stored */
            if (s_died (t.pa) || s_died (t.pb))
                fail_msg ("a node died after: %s", bad->name);
            s_fake_destroy (f);
            if (k % 8 == 7)
                s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
            held = s_entries_held (t.a);
        }
    s_expect_rss_bounded (t.pa, rss, "every hostile input");
    /*  a banned fake dialling again is refused at the handshake */
    s_fake_new (f);
    s_peer_add (t.a, "wool", f->key, NULL);
    f->sock = s_dial (f, t.port, t.server);
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (f->sock, &hello);
    s_pump (f, 300);
    int welcomed = f->received[VF_WIRE_WELCOME];
    s_bad_garbage (&t, f);
    s_expect_faults (t.a, f, 1, "bad frame");
    s_expect_state (t.a, f, "banned");
    int64_t refused = s_peers_counter (t.a, "handshakes_refused");
    zsock_destroy (&f->sock);
    f->sock = s_dial (f, t.port, t.server);
    s_send (f->sock, &hello);
    for (int k = 0; k < 50 && s_peers_counter (t.a, "handshakes_refused") == refused; k++)
        zclock_sleep (100);
    assert_true (s_peers_counter (t.a, "handshakes_refused") > refused);
    s_pump (f, 300);
    assert_int_equal (f->received[VF_WIRE_WELCOME], welcomed);
    s_fake_destroy (f);
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_count_lost (&tally);
    tally.crashes += s_stop (t.pa) != 0;
    tally.crashes += s_stop (t.pb) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ------------------------------------------- what is not a fault, floods */

/*  Read what the node sends for ms milliseconds, as s_pump does, keeping
    a copy of each entry it sends (to replay them). */
static void
s_pump_keep (s_fake_t *f, int ms, zlistx_t *blobs)
{
    zpoller_t *p = zpoller_new (f->sock, NULL);
    for (int64_t until = zclock_mono () + ms; zclock_mono () < until;) {
        int64_t left = until - zclock_mono ();
        if (zpoller_wait (p, (int) (left > 0 ? left : 0)) != f->sock)
            continue;
        zframe_t *frame = zframe_recv (f->sock);
        vf_wire_msg_t m;
        if (!frame || vf_wire_decode (&m, zframe_data (frame), zframe_size (frame), NULL) != 0)
            fail_msg ("the node sent a frame that does not decode");
        f->received[m.type]++;
        if (m.type == VF_WIRE_PING) {
            vf_wire_msg_t pong = { .type = VF_WIRE_PONG, .number = m.number };
            s_send (f->sock, &pong);
        } else if (m.type == VF_WIRE_CREDIT)
            f->credit += m.number;
        else if (m.type == VF_WIRE_ERROR)
            snprintf (f->error_code, sizeof f->error_code, "%s", m.code);
        else if (m.type == VF_WIRE_ENTRIES)
            for (size_t k = 0; k < m.nentries; k++) {
                vf_entry_t *en = NULL;
                char text[VF_TEXT_MAX];
                assert_int_equal (vf_entry_load (&en, m.entries[k], m.entry_lens[k], NULL), 0);
                zlistx_add_end (f->entries_seen, vf_text_encode (text, VF_TEXT_ID, en->id));
                vf_entry_destroy (&en);
                zlistx_add_end (blobs, zchunk_new (m.entries[k], m.entry_lens[k]));
            }
        zframe_destroy (&frame);
    }
    zpoller_destroy (&p);
}

static void
s_chunk_free (void **item)
{
    zchunk_destroy ((zchunk_t **) item);
}

/*  Wait (up to 10 s, pumping) until the peer's counter reaches at least n. */
static void
s_expect_at_least (const s_target_t *t, s_fake_t *f, const char *field, int64_t n)
{
    int64_t now = 0;
    for (int k = 0; k < 100 && (now = s_peer_number (t->a, f->key, field)) < n; k++)
        s_pump (f, 100);
    if (now < n)
        fail_msg ("%s is %lld, expected at least %lld", field, (long long) now, (long long) n);
}

/*  The node answers a control request within a second. */
static void
s_expect_answers (const char *dir)
{
    const char *status = "{\"request\": \"status\"}";
    json_t *r = s_request_within (dir, status, strlen (status), 1000);
    if (!r)
        fail_msg ("%s did not answer status within a second", dir);
    s_result (r);
    json_decref (r);
}

/*  With peer/ban_after 1, what a correct peer may do must never count:
    replayed old entries (its own and others'), an equivocating author (both
    entries kept, the fork proof listed and passed on), entries far beyond
    the credit, ids announced by the tens of thousands, asks for
    everything with the replies never read, pings never answered. The fake
    stays unbanned, the node's memory bounded, the honest peer served. */
static void
test_what_is_not_a_fault_never_bans (void **state)
{
    s_target_t t;
    const char *edits[] = { "ban_after = 20", "ban_after = 1", "credit = 1000", "credit = 100",
                            NULL };
    s_target_start (&t, "floods", 17443, edits);
    bool lng = s_long_form ();
    s_tally_t tally = { .name = "hostile_floods", .rounds = s_rounds (1, 10) };
    s_fake_t *f = &s_fake;
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_fake_join (&t, f);
    long rss = s_rss_kib (t.pa);

    /*  replayed old entries: its own, stored once, then sent again and
        again, and an honest entry of B's that it asked A for */
    vf_entry_t *own[50];
    s_sign (f, "own", 50, NULL, own);
    s_send_entries (f->sock, own, 50);
    s_expect_at_least (&t, f, "entries_in", 50);
    zlistx_t *blobs = zlistx_new ();
    zlistx_set_destructor (blobs, s_chunk_free);
    const char *honest = json_string_value (json_object_get (json_array_get (s_acked, 0), "id"));
    s_send_want (f->sock, honest);
    for (int k = 0; k < 50 && zlistx_size (blobs) == 0; k++)
        s_pump_keep (f, 100, blobs);
    assert_int_equal (zlistx_size (blobs), 1);
    int64_t held = s_entries_held (t.a);
    int replays = 20 * tally.rounds;
    for (int r = 0; r < replays; r++) {
        s_send_entries (f->sock, own, 50);
        zchunk_t *c = zlistx_first (blobs);
        s_send_blob (f->sock, zchunk_data (c), zchunk_size (c));
        tally.bad_inputs += 51;
        s_pump (f, 20);
    }
    s_expect_at_least (&t, f, "duplicates_in",
                       replays * 51 - s_peer_number (t.a, f->key, "over_credit"));
    assert_int_equal (s_entries_held (t.a), held);
    assert_int_equal (s_peer_number (t.a, f->key, "errors"), 0);
    for (int k = 0; k < 50; k++)
        vf_entry_destroy (&own[k]);
    zlistx_destroy (&blobs);

    /*  an equivocating author: two entries under each of several seqs, both
        kept, the fork listed, and both passed on to B */
    int forks = lng ? 20 : 3;
    for (int k = 0; k < forks; k++) {
        uint64_t seq = f->seq;
        vf_entry_t *pair[2];
        char tag[32];
        snprintf (tag, sizeof tag, "fork-%d-a", k);
        pair[0] = s_sign_one (f, tag, NULL);
        f->seq = seq; /* the same seq again */
        snprintf (tag, sizeof tag, "fork-%d-b", k);
        pair[1] = s_sign_one (f, tag, NULL);
        s_send_entries (f->sock, pair, 2);
        tally.bad_inputs += 2;
        for (int i = 0; i < 2; i++) {
            char id[VF_TEXT_MAX];
            vf_text_encode (id, VF_TEXT_ID, pair[i]->id);
            bool there = false;
            for (int w = 0; w < 100 && !(there = s_holds_entry (t.b, id)); w++)
                s_pump (f, 50);
            if (!there)
                fail_msg ("fork %d: entry %d never reached B", k, i);
            assert_true (s_holds_entry (t.a, id));
            vf_entry_destroy (&pair[i]);
        }
    }
    json_t *r = s_request (t.a, "{\"request\": \"forks\"}");
    size_t k;
    const json_t *fork;
    int listed = 0;
    json_array_foreach (json_object_get (s_result (r), "forks"), k, fork)
        listed += strcmp (json_string_value (json_object_get (fork, "author")), f->key) == 0;
    json_decref (r);
    assert_int_equal (listed, forks);
    assert_int_equal (s_peer_number (t.a, f->key, "errors"), 0);

    /*  a flood far beyond the credit: the same 256 entries, frame after
        frame; those within the credit are stored, the rest dropped */
    vf_entry_t *many[VF_WIRE_ENTRIES_MAX];
    for (int i = 0; i < VF_WIRE_ENTRIES_MAX / 64; i++) { /* s_sign's document holds 64 */
        char tag[32];
        snprintf (tag, sizeof tag, "flood-%d", i);
        s_sign (f, tag, 64, NULL, many + 64 * i);
    }
    vf_wire_msg_t m = { .type = VF_WIRE_ENTRIES, .nentries = VF_WIRE_ENTRIES_MAX };
    for (size_t i = 0; i < VF_WIRE_ENTRIES_MAX; i++)
        m.entries[i] = many[i]->blob, m.entry_lens[i] = many[i]->blob_len;
    uint8_t *frame = NULL;
    size_t len = 0;
    assert_int_equal (vf_wire_encode (&m, &frame, &len, NULL), 0);
    int frames = lng ? 2000 : 200;
    for (int i = 0; i < frames; i++) {
        s_send_raw (f->sock, frame, len);
        tally.bad_inputs += VF_WIRE_ENTRIES_MAX;
        if (i % 50 == 49)
            s_pump (f, 10);
    }
    free (frame);
    for (size_t i = 0; i < VF_WIRE_ENTRIES_MAX; i++)
        vf_entry_destroy (&many[i]);
    s_expect_answers (t.a);
    s_expect_at_least (&t, f, "over_credit", 1);
    s_expect_rss_bounded (t.pa, rss, "a flood beyond the credit");

    /*  ids announced by the ten thousand: kept up to the backlog's bound
        and asked for in turn */
    uint8_t (*ids)[VF_HASH_BYTES] = calloc (VF_WIRE_IDS_MAX, VF_HASH_BYTES);
    int haves = lng ? 1000 : 100;
    for (int i = 0; i < haves; i++) {
        vf_random (ids, VF_WIRE_IDS_MAX * VF_HASH_BYTES);
        vf_wire_msg_t have = { .type = VF_WIRE_HAVE, .nids = VF_WIRE_IDS_MAX, .ids = ids };
        s_send (f->sock, &have);
        tally.bad_inputs++;
        if (i % 20 == 19)
            s_pump (f, 10);
    }
    free (ids);
    s_expect_answers (t.a);
    assert_true (s_peer_number (t.a, f->key, "to_fetch") <= 65536 + 4096);
    s_expect_rss_bounded (t.pa, rss, "a flood of HAVE");

    /*  asks for a hundred entries it may hold, again and again, credit to
        match, and the replies never read; then pings never answered. (What
        the node queues for a peer that does not read is bounded by its
        send high-water mark, VF_PEER_SNDHWM frames: 25 KiB frames here) */
    r = s_request (t.a, "{\"request\": \"export\", \"limit\": 1000}");
    size_t nall = json_array_size (json_object_get (s_result (r), "entries"));
    uint8_t (*all)[VF_HASH_BYTES] = calloc (nall, VF_HASH_BYTES);
    size_t nwant = 0;
    const json_t *e;
    json_array_foreach (json_object_get (s_result (r), "entries"), k, e) {
        const char *id =
            json_string_value (json_object_get (json_object_get (e, "vfn:entry"), "vfn:id"));
        if (strcmp (id, t.secret) != 0 && nwant < 100) /* that one would be a fault */
            assert_int_equal (vf_text_decode (all[nwant++], VF_TEXT_ID, id, NULL), 0);
    }
    json_decref (r);
    vf_wire_msg_t credit = { .type = VF_WIRE_CREDIT, .number = 1000000 };
    s_send (f->sock, &credit);
    vf_wire_msg_t want = { .type = VF_WIRE_WANT, .nids = nwant, .ids = all };
    int wants = lng ? 2000 : 200;
    for (int i = 0; i < wants; i++) {
        s_send (f->sock, &want);
        tally.bad_inputs++;
        if (i % 100 == 99) /* a little credit now and then, nothing read */
            s_send (f->sock, &credit);
    }
    int pings = lng ? 200000 : 20000;
    for (int i = 0; i < pings; i++) {
        vf_wire_msg_t ping = { .type = VF_WIRE_PING, .number = (uint64_t) i };
        s_send (f->sock, &ping);
    }
    tally.bad_inputs += pings;
    s_expect_answers (t.a);
    s_expect_rss_bounded (t.pa, rss, "asks and pings whose replies are never read");
    free (all);
    /*  the fake reads again: never an entry of a network it is not in */
    s_pump (f, 1000);
    assert_false (s_seen (f, t.secret));

    assert_int_equal (s_peer_number (t.a, f->key, "errors"), 0);
    assert_false (s_peer_state_is (t.a, f->key, "banned"));
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, f);
    s_count_lost (&tally);
    tally.crashes += s_died (t.pa) || s_stop (t.pa) != 0;
    tally.crashes += s_died (t.pb) || s_stop (t.pb) != 0;
    s_fake_destroy (f);
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/*  A reconciliation that never ends: the fake starts one over and over (a
    set of its own, so that every message asks for an answer) and never
    stops. Past the budget of a period the node ignores the rest and counts
    one fault per period, so with peer/reconcile 1 s and peer/ban_after 3 it
    is banned within a few seconds; meanwhile the honest peer is served and
    the node's memory stays bounded. */
static void
test_a_reconciliation_that_never_ends (void **state)
{
    s_target_t t;
    const char *edits[] = { "ban_after = 20", "ban_after = 3", "reconcile = 1m", "reconcile = 1s",
                            NULL };
    s_target_start (&t, "recon", 17445, edits);
    s_tally_t tally = { .name = "hostile_recon", .rounds = 1 };
    s_fake_t *f = &s_fake;
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_fake_join (&t, f);
    long rss = s_rss_kib (t.pa);
    size_t nitems = s_long_form () ? 100000 : 2000;
    vf_recon_item_t *items = calloc (nitems, sizeof *items);
    for (size_t k = 0; k < nitems; k++) {
        items[k].time = 1767225600000ull + k;
        vf_random (items[k].id, sizeof items[k].id);
    }
    vf_recon_mem_t *mem = vf_recon_mem_new (items, nitems);
    free (items);
    vf_recon_source_t src = vf_recon_mem_source (mem);
    uint8_t *msg = NULL;
    size_t len = 0;
    assert_int_equal (vf_recon_initiate (&src, NULL, &msg, &len, NULL), 0);
    int64_t until = zclock_mono () + 30000;
    while (!s_peer_state_is (t.a, f->key, "banned") && zclock_mono () < until) {
        for (int k = 0; k < 400; k++) {
            s_send_recon_on (f->sock, s_public, msg, len);
            tally.bad_inputs++;
        }
        s_pump (f, 20);
    }
    free (msg);
    vf_recon_mem_destroy (&mem);
    assert_true (s_peer_state_is (t.a, f->key, "banned"));
    json_t *p = s_peer_info (t.a, f->key);
    assert_int_equal (json_integer_value (json_object_get (p, "errors")), 3);
    assert_non_null (strstr (json_string_value (json_object_get (p, "last_error")),
                             "reconciliation messages in one period"));
    json_decref (p);
    s_expect_rss_bounded (t.pa, rss, "a reconciliation that never ends");
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_count_lost (&tally);
    tally.crashes += s_died (t.pa) || s_stop (t.pa) != 0;
    tally.crashes += s_died (t.pb) || s_stop (t.pb) != 0;
    s_fake_destroy (f);
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ---------------------------------------------------- unauthorised clients */

/*  Whatever a client socket receives within ms milliseconds: the number of
    messages. */
static int
s_drain_count (zsock_t *s, int ms)
{
    int n = 0;
    zpoller_t *p = zpoller_new (s, NULL);
    for (int64_t until = zclock_mono () + ms; zclock_mono () < until;) {
        int64_t left = until - zclock_mono ();
        if (zpoller_wait (p, (int) (left > 0 ? left : 0)) != s)
            continue;
        zmsg_t *msg = zmsg_recv (s);
        n += msg != NULL;
        zmsg_destroy (&msg);
    }
    zpoller_destroy (&p);
    return n;
}

/*  What a client that is no member sends: greetings, asks for entries it
    knows the ids of, credit. */
static void
s_intrude (zsock_t *s, s_fake_t *f, const s_target_t *t, const char *honest)
{
    vf_wire_msg_t hello = s_hello (f, VF_WIRE_VERSION);
    s_send (s, &hello);
    vf_wire_msg_t credit = { .type = VF_WIRE_CREDIT, .number = 1000 };
    s_send (s, &credit);
    s_send_want (s, honest);
    s_send_want (s, t->secret);
    uint8_t nothing[1][VF_HASH_BYTES] = { { 0 } };
    vf_wire_msg_t have = { .type = VF_WIRE_HAVE, .nids = 1, .ids = nothing };
    s_send (s, &have);
    s_send_recon_on (s, s_public, s_nothing_left, sizeof s_nothing_left);
}

/*  A raw TCP connection to the peer port: sends bytes, reads for ms;
    what came back (at most size bytes; the count returned). */
static size_t
s_raw_tcp (int port, const void *data, size_t len, uint8_t *back, size_t size, int ms)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    assert_true (fd >= 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    assert_int_equal (connect (fd, (struct sockaddr *) &addr, sizeof addr), 0);
    if (len)
        assert_int_equal (send (fd, data, len, MSG_NOSIGNAL), (ssize_t) len);
    size_t got = 0;
    for (int64_t until = zclock_mono () + ms; zclock_mono () < until && got < size;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll (&pfd, 1, 50) <= 0)
            continue;
        ssize_t n = recv (fd, back + got, size - got, 0);
        if (n <= 0)
            break; /* closed by the node */
        got += (size_t) n;
    }
    close (fd);
    return got;
}

/*  Does the node's log say this? */
static bool
s_logged (const char *dir, const char *what)
{
    char path[400];
    s_path (path, sizeof path, dir, "vfnode.log");
    FILE *f = fopen (path, "r");
    assert_non_null (f);
    char line[2048];
    bool found = false;
    while (!found && fgets (line, sizeof line, f))
        found = strstr (line, what) != NULL;
    fclose (f);
    return found;
}

/*  Clients that are no members of a shared network: a ZeroMQ client with
    a CURVE key of its own, one with no security at all (NULL mechanism),
    one with PLAIN user and password, a CURVE client that does not know the
    node's key, and raw TCP connections sending an HTTP request, a ZeroMQ
    greeting without security and garbage. Each is refused at the
    handshake, counted and logged: none gets a message, nothing of the
    store leaves (the raw connections get the node's ZMTP greeting and
    nothing more), and the node goes on serving its honest peer. */
static void
test_clients_that_are_not_members_get_nothing (void **state)
{
    s_target_t t;
    s_target_start (&t, "unauth", 17447, NULL);
    s_tally_t tally = { .name = "unauthorised_clients", .rounds = s_rounds (1, 20) };
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    const char *honest = json_string_value (json_object_get (json_array_get (s_acked, 0), "id"));
    s_fake_t *f = &s_fake;
    s_fake_new (f); /* never made a member */
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", t.port);
    for (int round = 0; round < tally.rounds; round++) {
        int64_t refused = s_peers_counter (t.a, "handshakes_refused");
        int64_t admitted = s_peers_counter (t.a, "handshakes_admitted");
        /*  a CURVE key in no shared network */
        zsock_t *curve = s_dial (f, t.port, t.server);
        s_intrude (curve, f, &t, honest);
        /*  no security at all */
        zsock_t *plain_null = zsock_new (ZMQ_DEALER);
        zsock_set_linger (plain_null, 0);
        assert_int_equal (zsock_connect (plain_null, "%s", endpoint), 0);
        s_intrude (plain_null, f, &t, honest);
        /*  PLAIN: a user name and password */
        zsock_t *plain = zsock_new (ZMQ_DEALER);
        zsock_set_linger (plain, 0);
        zsock_set_plain_username (plain, "admin");
        zsock_set_plain_password (plain, "admin");
        assert_int_equal (zsock_connect (plain, "%s", endpoint), 0);
        s_intrude (plain, f, &t, honest);
        /*  CURVE, but with another server key than the node's */
        zsock_t *wrong = zsock_new (ZMQ_DEALER);
        zsock_set_linger (wrong, 0);
        zsock_set_curve_serverkey_bin (wrong, vf_identity_curve_public (f->id));
        zsock_set_curve_publickey_bin (wrong, vf_identity_curve_public (f->id));
        zsock_set_curve_secretkey_bin (wrong, vf_identity_curve_secret (f->id));
        assert_int_equal (zsock_connect (wrong, "%s", endpoint), 0);
        s_intrude (wrong, f, &t, honest);
        tally.bad_inputs += 4;
        assert_int_equal (s_drain_count (curve, 1500), 0);
        assert_int_equal (s_drain_count (plain_null, 10), 0);
        assert_int_equal (s_drain_count (plain, 10), 0);
        assert_int_equal (s_drain_count (wrong, 10), 0);
        zsock_destroy (&curve);
        zsock_destroy (&plain_null);
        zsock_destroy (&plain);
        zsock_destroy (&wrong);
        /*  raw TCP: what comes back is the node's greeting at most */
        static const char http[] = "GET /entries HTTP/1.1\r\nHost: node\r\n\r\n";
        static const uint8_t null_greeting[64] = { 0xff, 0,    0, 0, 0,   0,   0,   0,
                                                   1,    0x7f, 3, 0, 'N', 'U', 'L', 'L' };
        uint8_t junk[4096], back[8192];
        vf_random (junk, sizeof junk);
        const struct {
            const void *data;
            size_t len;
        } raw[] = { { http, sizeof http - 1 },
                    { null_greeting, sizeof null_greeting },
                    { junk, sizeof junk },
                    { NULL, 0 } };
        for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
            size_t got = s_raw_tcp (t.port, raw[k].data, raw[k].len, back, sizeof back, 500);
            tally.bad_inputs++;
            if (got > 64) /* a ZMTP 3 greeting is 64 bytes */
                fail_msg ("raw connection %zu got %zu bytes back", k, got);
        }
        /*  refused at the handshake and counted; none admitted */
        int64_t now = refused;
        for (int k = 0; k < 50 && (now = s_peers_counter (t.a, "handshakes_refused")) < refused + 3;
             k++)
            zclock_sleep (100);
        if (now < refused + 3)
            fail_msg ("handshakes_refused went from %lld to %lld, expected +3 at least",
                      (long long) refused, (long long) now);
        assert_int_equal (s_peers_counter (t.a, "handshakes_admitted"), admitted);
        s_expect_answers (t.a);
    }
    assert_true (s_logged (t.a, "refused a CURVE connection"));
    assert_true (s_logged (t.a, "refused a connection without CURVE"));
    assert_true (s_logged (t.a, "refused a connection whose CURVE handshake failed"));
    s_fake_destroy (f);
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_count_lost (&tally);
    tally.crashes += s_died (t.pa) || s_stop (t.pa) != 0;
    tally.crashes += s_died (t.pb) || s_stop (t.pb) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
}

/* ------------------------------------------------- a flood does not starve */

/*  A peer request answered within ms milliseconds (its reply, which the
    caller decrefs), or NULL. */
static json_t *
s_peer_within (const char *dir, const char *key, int ms)
{
    char req[256];
    snprintf (req, sizeof req, "{\"request\": \"peer\", \"key\": \"%s\"}", key);
    return s_request_within (dir, req, strlen (req), ms);
}

/*  A Process signed by the fake whose name makes its entry about 64 KiB. */
static vf_entry_t *
s_sign_large (s_fake_t *f, int k)
{
    size_t n = VF_ENTRY_MAX - 1024;
    char *name = malloc (n + 1);
    memset (name, 'x', n);
    name[n] = '\0';
    json_t *doc =
        json_pack ("{s:s, s:s, s:s}", "@type", "Process", "@id", "urn:large", "name", name);
    json_object_set_new (doc, "@id", json_sprintf ("urn:large:%d", k));
    char *text = json_dumps (doc, JSON_COMPACT);
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (text, strlen (text), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (f->id), &f->seq, (uint64_t) zclock_time (),
                            NULL, &err) ||
        vf_entry_sign (recs->items[0].entry, f->id, &err))
        fail_msg ("%s", err.msg);
    vf_entry_t *en = recs->items[0].entry;
    recs->items[0].entry = NULL;
    vf_records_destroy (&recs);
    free (text);
    json_decref (doc);
    free (name);
    return en;
}

/*  What the flooding thread sends, on a connection of its own as the
    fake, until it is stopped; how many frames went out. */
typedef struct {
    const s_fake_t *f;
    int port;
    const uint8_t *server;
    const uint8_t *frame;
    size_t len;
    long long sent;
} s_flood_t;

static void
s_flood_actor (zsock_t *pipe, void *args)
{
    s_flood_t *a = args;
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_curve_serverkey_bin (s, a->server);
    zsock_set_curve_publickey_bin (s, vf_identity_curve_public (a->f->id));
    zsock_set_curve_secretkey_bin (s, vf_identity_curve_secret (a->f->id));
    zsock_set_linger (s, 0);
    zsock_connect (s, "tcp://127.0.0.1:%d", a->port);
    zsock_signal (pipe, 0);
    while (!(zsock_events (pipe) & ZMQ_POLLIN)) {
        zframe_t *frame = zframe_new (a->frame, a->len);
        if (zframe_send (&frame, s, ZFRAME_DONTWAIT) == 0)
            a->sent++;
        else {
            zframe_destroy (&frame);
            zclock_sleep (1);
        }
    }
    zsock_destroy (&s);
    char *cmd = zstr_recv (pipe); /* $TERM */
    zstr_free (&cmd);
}

/*  A member that sends frames of about 1 MiB of entries far beyond its
    credit (each costs the node a decode and a hash) as fast as it can,
    from a thread of its own, for seconds on end: meanwhile the node answers
    peer requests within 2 s (each its own answer), its honest peer's
    entries arrive, its memory stays bounded, and SIGTERM stops it cleanly
    in the middle of the flood. */
static void
test_a_flood_starves_nothing_else (void **state)
{
    s_target_t t;
    s_target_start (&t, "starve", 17449, NULL);
    s_tally_t tally = { .name = "hostile_sustained_flood", .rounds = s_rounds (4, 20) };
    s_fake_t *f = &s_fake;
    s_honest_round (&tally, t.a, t.b, t.ka, t.kb, NULL);
    s_fake_join (&t, f);
    long rss = s_rss_kib (t.pa);
    /*  frames of the largest size: 15 entries of ~64 KiB */
    vf_entry_t *many[15];
    for (int i = 0; i < 15; i++)
        many[i] = s_sign_large (f, i);
    vf_wire_msg_t m = { .type = VF_WIRE_ENTRIES, .nentries = 15 };
    for (size_t i = 0; i < 15; i++)
        m.entries[i] = many[i]->blob, m.entry_lens[i] = many[i]->blob_len;
    uint8_t *frame = NULL;
    size_t len = 0;
    assert_int_equal (vf_wire_encode (&m, &frame, &len, NULL), 0);
    s_own ((char *) frame);
    for (size_t i = 0; i < 15; i++)
        vf_entry_destroy (&many[i]);
    s_flood_t flood = { f, t.port, t.server, frame, len, 0 };
    zactor_t *flooder = zactor_new (s_flood_actor, &flood);
    int64_t worst = 0;
    for (int round = 0; round < tally.rounds; round++) {
        zclock_sleep (300);
        int64_t t0 = zclock_mono ();
        json_t *r = s_peer_within (t.a, t.kb, 2000);
        int64_t took = zclock_mono () - t0;
        worst = took > worst ? took : worst;
        if (!r || !json_is_true (json_object_get (r, "ok"))) {
            zactor_destroy (&flooder);
            fail_msg ("round %d: no answer to a peer request within 2 s (%s)", round,
                      r ? s_code (r) : "nothing");
        }
        const char *key =
            json_string_value (json_object_get (json_object_get (s_result (r), "peer"), "key"));
        bool own = key && strcmp (key, t.kb) == 0;
        json_decref (r);
        if (!own) {
            zactor_destroy (&flooder);
            fail_msg ("round %d: the answer to a peer request is another request's", round);
        }
        s_honest_entry (&tally, t.b, t.a, "starve");
    }
    printf ("# the slowest peer request during the flood took %lld ms\n", (long long) worst);
    s_expect_rss_bounded (t.pa, rss, "a sustained flood");
    /*  SIGTERM in the middle of the flood: a clean stop */
    int64_t t0 = zclock_mono ();
    int status = s_stop (t.pa);
    printf ("# stopped in %lld ms\n", (long long) (zclock_mono () - t0));
    zactor_destroy (&flooder);
    tally.bad_inputs = flood.sent * 15;
    tally.crashes += status != 0;
    t.pa = s_start (t.a);
    s_fake_destroy (f);
    s_count_lost (&tally);
    tally.crashes += s_died (t.pa) || s_stop (t.pa) != 0;
    tally.crashes += s_died (t.pb) || s_stop (t.pb) != 0;
    s_tally_print (&tally);
    assert_int_equal (tally.lost, 0);
    assert_int_equal (tally.crashes, 0);
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

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_a_hostile_peer_is_banned_and_an_honest_one_goes_on,
                                   s_hostile_teardown),
        cmocka_unit_test_teardown (test_each_fault_is_named_and_nothing_leaks, s_hostile_teardown),
        cmocka_unit_test_teardown (test_a_ban_while_serving_a_want, s_hostile_teardown),
        cmocka_unit_test_setup_teardown (test_every_hostile_input_is_named_counted_and_banned,
                                         s_hostile_setup, s_hostile_teardown),
        cmocka_unit_test_setup_teardown (test_what_is_not_a_fault_never_bans, s_hostile_setup,
                                         s_hostile_teardown),
        cmocka_unit_test_setup_teardown (test_a_reconciliation_that_never_ends, s_hostile_setup,
                                         s_hostile_teardown),
        cmocka_unit_test_setup_teardown (test_clients_that_are_not_members_get_nothing,
                                         s_hostile_setup, s_hostile_teardown),
        cmocka_unit_test_setup_teardown (test_a_flood_starves_nothing_else, s_hostile_setup,
                                         s_hostile_teardown),
    };
    s_asan_for_children ();
    if (getenv ("VF_TEST_ONLY")) /* one test by name (a cmocka pattern) */
        cmocka_set_test_filter (getenv ("VF_TEST_ONLY"));
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
