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
    never reaches it. A peer whose key the node does not know is refused
    at the handshake: tests/test_node.c covers that; here, a banned one.

    Ports 17301-17306. Every node is killed at teardown, even after a
    failure (tests/node_support.h).
*/
#define TEST_NAME "hostile"
#include "node_support.h"

#include "fake_peer.h"

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

static int
s_hostile_teardown (void **state)
{
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

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_a_hostile_peer_is_banned_and_an_honest_one_goes_on,
                                   s_hostile_teardown),
        cmocka_unit_test_teardown (test_each_fault_is_named_and_nothing_leaks, s_hostile_teardown),
        cmocka_unit_test_teardown (test_a_ban_while_serving_a_want, s_hostile_teardown),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
