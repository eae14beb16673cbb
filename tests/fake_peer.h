/*  fake_peer.h - a fake peer in the test process against a real vfnode:
    its own identity, a DEALER to the node's peer endpoint over CurveZMQ
    (its CURVE keys derived from its Ed25519 identity, the server key from
    the node's DIR/identity.key), and the wire messages it sends and reads
    (tests/test_hostile.c, tests/test_peer_state.c). Also the node's view
    of a peer (`peer` request). Include after node_support.h.
*/
#ifndef FAKE_PEER_H
#define FAKE_PEER_H

#include "vf_entry.h"
#include "vf_identity.h"
#include "vf_jsonld.h"
#include "vf_text.h"
#include "vf_wire.h"

/*  The fake peer: its identity, its connection to the node, and what the
    node sent it. */
typedef struct {
    vf_identity_t *id;
    char key[VF_TEXT_MAX];
    zsock_t *sock;
    uint64_t seq; /* the next seq it signs with */
    int received[VF_WIRE_TYPE_MAX + 1];
    uint64_t credit; /* granted by the node, in all */
    char error_code[VF_WIRE_NAME_MAX + 1];
    zlistx_t *entries_seen; /* ids (vfe_...) of entries the node sent it */
} s_fake_t;

/*  The node's CURVE public key, from its identity file. */
static inline void
s_node_curve (const char *dir, uint8_t curve[VF_KEY_BYTES])
{
    vf_identity_t *id = NULL;
    vf_err_t err = { 0 };
    if (vf_identity_load (&id, dir, &err) != 0)
        fail_msg ("%s: %s", dir, err.msg);
    memcpy (curve, vf_identity_curve_public (id), VF_KEY_BYTES);
    vf_identity_destroy (&id);
}

/*  A new connection of the fake to the node at port (CURVE client). */
static inline zsock_t *
s_dial (const s_fake_t *f, int port, const uint8_t server[VF_KEY_BYTES])
{
    zsock_t *s = zsock_new (ZMQ_DEALER);
    assert_non_null (s);
    zsock_set_curve_serverkey_bin (s, server);
    zsock_set_curve_publickey_bin (s, vf_identity_curve_public (f->id));
    zsock_set_curve_secretkey_bin (s, vf_identity_curve_secret (f->id));
    zsock_set_linger (s, 0);
    assert_int_equal (zsock_connect (s, "tcp://127.0.0.1:%d", port), 0);
    return s;
}

static inline void
s_fake_new (s_fake_t *f)
{
    memset (f, 0, sizeof *f);
    f->id = vf_identity_new ();
    assert_non_null (f->id);
    vf_text_encode (f->key, VF_TEXT_KEY, vf_identity_public (f->id));
    f->seq = 1;
    f->entries_seen = zlistx_new ();
    zlistx_set_destructor (f->entries_seen, (czmq_destructor *) zstr_free);
    zlistx_set_duplicator (f->entries_seen, (czmq_duplicator *) strdup);
}

static inline void
s_fake_destroy (s_fake_t *f)
{
    zsock_destroy (&f->sock);
    vf_identity_destroy (&f->id);
    zlistx_destroy (&f->entries_seen);
}

static inline void
s_send_raw (zsock_t *s, const void *data, size_t len)
{
    zframe_t *frame = zframe_new (data, len);
    assert_int_equal (zframe_send (&frame, s, 0), 0);
}

static inline void
s_send (zsock_t *s, const vf_wire_msg_t *m)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    if (vf_wire_encode (m, &buf, &len, &err) != 0)
        fail_msg ("encode: %s", err.msg);
    s_send_raw (s, buf, len);
    free (buf);
}

/*  The fake's HELLO (version, key as given). */
static inline vf_wire_msg_t
s_hello (const s_fake_t *f, uint64_t version)
{
    vf_wire_msg_t m = { .type = VF_WIRE_HELLO, .version = version, .ncaps = 1 };
    memcpy (m.key, vf_identity_public (f->id), VF_KEY_BYTES);
    snprintf (m.name, sizeof m.name, "Fake");
    snprintf (m.caps[0], sizeof m.caps[0], "push-1");
    return m;
}

/*  Read what the node sends for ms milliseconds, answering PING with PONG
    as a live peer does (so that the node does not time the fake out). */
static inline void
s_pump (s_fake_t *f, int ms)
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
            }
        zframe_destroy (&frame);
    }
    zpoller_destroy (&p);
}

/*  n Process entries "urn:<tag>:<k>" signed by the fake, public or for
    the network net (vfn_...); the caller destroys each. */
static inline void
s_sign (s_fake_t *f, const char *tag, size_t n, const char *net, vf_entry_t **out)
{
    json_t *arr = json_array ();
    for (size_t k = 0; k < n; k++) {
        char iri[256];
        snprintf (iri, sizeof iri, "urn:%s:%zu", tag, k);
        json_array_append_new (arr, json_pack ("{s:s, s:s}", "@type", "Process", "@id", iri));
    }
    char *doc = json_dumps (arr, 0); /* any n: no fixed buffer to overrun */
    json_decref (arr);
    assert_non_null (doc);
    vf_entry_t *audience = NULL;
    if (net) {
        uint8_t id[VF_KEY_BYTES];
        assert_int_equal (vf_text_decode (id, VF_TEXT_NET, net, NULL), 0);
        audience = vf_entry_new ();
        assert_int_equal (vf_entry_add_network (audience, id), 0);
    }
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import (doc, strlen (doc), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (f->id), &f->seq, (uint64_t) zclock_time (),
                            audience, &err))
        fail_msg ("%s", err.msg);
    free (doc);
    assert_int_equal (recs->n, n);
    for (size_t k = 0; k < n; k++) {
        if (vf_entry_sign (recs->items[k].entry, f->id, &err))
            fail_msg ("%s", err.msg);
        out[k] = recs->items[k].entry;
        recs->items[k].entry = NULL;
    }
    vf_records_destroy (&recs);
    vf_entry_destroy (&audience);
}

/*  ENTRIES with these n entries. */
static inline void
s_send_entries (zsock_t *s, vf_entry_t **entries, size_t n)
{
    vf_wire_msg_t m = { .type = VF_WIRE_ENTRIES, .nentries = n };
    for (size_t k = 0; k < n; k++) {
        m.entries[k] = entries[k]->blob;
        m.entry_lens[k] = entries[k]->blob_len;
    }
    s_send (s, &m);
}

/*  An integer field of the node's view of the peer with this key. */
static inline int64_t
s_peer_number (const char *dir, const char *key, const char *field)
{
    json_t *p = s_peer_info (dir, key);
    int64_t n = json_integer_value (json_object_get (p, field));
    json_decref (p);
    return n;
}

static inline bool
s_peer_state_is (const char *dir, const char *key, const char *state)
{
    json_t *p = s_peer_info (dir, key);
    bool is = strcmp (json_string_value (json_object_get (p, "state")), state) == 0;
    json_decref (p);
    return is;
}

/*  Wait (up to 10 s) until node dir sees member key connected. */
static inline void
s_wait_connected (const char *dir, const char *key)
{
    for (int k = 0; k < 100 && !s_peer_state_is (dir, key, "connected"); k++)
        zclock_sleep (100);
    if (!s_peer_state_is (dir, key, "connected"))
        fail_msg ("%s: %s never connected", dir, key);
}

#endif
