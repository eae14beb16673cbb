/*  test_wire.c - peer messages: every type round-trips, and what a hostile
    peer might send is refused with the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_mp.h"
#include "vf_wire.h"

static void
s_round_trip (const vf_wire_msg_t *m)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    if (vf_wire_encode (m, &buf, &len, &err))
        fail_msg ("encode %s: %s", vf_wire_type_name (m->type), err.msg);
    vf_wire_msg_t back;
    if (vf_wire_decode (&back, buf, len, &err))
        fail_msg ("decode %s: %s", vf_wire_type_name (m->type), err.msg);
    assert_int_equal (back.type, m->type);
    uint8_t *again = NULL;
    size_t len2 = 0;
    assert_int_equal (vf_wire_encode (&back, &again, &len2, &err), 0);
    assert_int_equal (len2, len);
    assert_memory_equal (again, buf, len); /* one encoding per message */
    free (again);
    free (buf);
}

static void
test_every_type_round_trips (void **state)
{
    uint8_t ids[3][VF_HASH_BYTES];
    memset (ids, 7, sizeof ids);
    uint8_t blob[100];
    memset (blob, 9, sizeof blob);
    vf_wire_msg_t m = {
        .type = VF_WIRE_HELLO, .version = VF_WIRE_VERSION, .nnetworks = 2, .ncaps = 1
    };
    memset (m.key, 1, sizeof m.key);
    strcpy (m.name, "Hill Farm");
    memset (m.networks[0], 2, 2 * VF_KEY_BYTES);
    strcpy (m.caps[0], "recon-1");
    s_round_trip (&m);
    m.type = VF_WIRE_WELCOME;
    s_round_trip (&m);
    vf_wire_msg_t e = { .type = VF_WIRE_ERROR };
    strcpy (e.code, "version");
    strcpy (e.text, "this node speaks wire version 1");
    s_round_trip (&e);
    vf_wire_msg_t p = { .type = VF_WIRE_PING, .number = 123456789 };
    s_round_trip (&p);
    p.type = VF_WIRE_PONG;
    s_round_trip (&p);
    p.type = VF_WIRE_CREDIT;
    s_round_trip (&p);
    vf_wire_msg_t h = { .type = VF_WIRE_HAVE, .nids = 3, .ids = ids };
    s_round_trip (&h);
    h.type = VF_WIRE_WANT;
    s_round_trip (&h);
    vf_wire_msg_t en = { .type = VF_WIRE_ENTRIES, .nentries = 2 };
    en.entries[0] = blob, en.entry_lens[0] = sizeof blob;
    en.entries[1] = blob, en.entry_lens[1] = 10;
    s_round_trip (&en);
    vf_wire_msg_t rc = { .type = VF_WIRE_RECON, .payload = blob, .payload_len = 50 };
    memset (rc.network, 3, sizeof rc.network);
    s_round_trip (&rc);
}

/*  Encode an arbitrary array with the writer, for hostile inputs. */
static int
s_decode_raw (const char *what, void (*build) (vf_mp_writer_t *w), vf_err_t *err)
{
    vf_mp_writer_t *w = vf_mp_writer_new (VF_WIRE_FRAME_MAX * 2);
    build (w);
    vf_wire_msg_t m;
    int rc = vf_wire_decode (&m, vf_mp_writer_data (w), vf_mp_writer_size (w), err);
    vf_mp_writer_destroy (&w);
    (void) what;
    return rc;
}

static void
b_unknown_type (vf_mp_writer_t *w)
{
    vf_mp_write_array (w, 2);
    vf_mp_write_uint (w, 99);
    vf_mp_write_uint (w, 1);
}

static void
b_wrong_fields (vf_mp_writer_t *w)
{
    vf_mp_write_array (w, 3);
    vf_mp_write_uint (w, VF_WIRE_PING);
    vf_mp_write_uint (w, 1);
    vf_mp_write_uint (w, 2);
}

static void
b_ragged_ids (vf_mp_writer_t *w)
{
    uint8_t b[33] = { 0 };
    vf_mp_write_array (w, 2);
    vf_mp_write_uint (w, VF_WIRE_HAVE);
    vf_mp_write_bin (w, b, sizeof b);
}

static void
b_too_many_ids (vf_mp_writer_t *w)
{
    static uint8_t b[(VF_WIRE_IDS_MAX + 1) * VF_HASH_BYTES];
    vf_mp_write_array (w, 2);
    vf_mp_write_uint (w, VF_WIRE_WANT);
    vf_mp_write_bin (w, b, sizeof b);
}

static void
b_long_name (vf_mp_writer_t *w)
{
    uint8_t key[32] = { 0 };
    char name[VF_WIRE_NAME_MAX + 2];
    memset (name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    vf_mp_write_array (w, 6);
    vf_mp_write_uint (w, VF_WIRE_HELLO);
    vf_mp_write_uint (w, 1);
    vf_mp_write_bin (w, key, 32);
    vf_mp_write_cstr (w, name);
    vf_mp_write_bin (w, key, 0);
    vf_mp_write_array (w, 0);
}

static void
b_trailing (vf_mp_writer_t *w)
{
    vf_mp_write_array (w, 2);
    vf_mp_write_uint (w, VF_WIRE_PONG);
    vf_mp_write_uint (w, 1);
    vf_mp_write_nil (w);
}

static void
test_hostile_frames_are_refused (void **state)
{
    static const struct {
        void (*build) (vf_mp_writer_t *w);
        const char *needle;
    } cases[] = {
        { b_unknown_type, "unknown message type 99" },
        { b_wrong_fields, "PING: 2 fields, expected 1" },
        { b_ragged_ids, "not a multiple of 32" },
        { b_too_many_ids, "at most 1024" },
        { b_long_name, "name" },
        { b_trailing, "after the message" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vf_err_t err = { 0 };
        int rc = s_decode_raw ("", cases[k].build, &err);
        if (rc == 0 || !strstr (err.msg, cases[k].needle))
            fail_msg ("case %zu: rc %d, '%s' lacks '%s'", k, rc, err.msg, cases[k].needle);
    }
    vf_wire_msg_t m;
    vf_err_t err = { 0 };
    assert_int_not_equal (vf_wire_decode (&m, (const uint8_t *) "", 0, &err), 0);
    assert_int_equal (vf_wire_decode (&m, (const uint8_t *) "x", VF_WIRE_FRAME_MAX + 1, &err),
                      VF_ETOOBIG);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_every_type_round_trips),
        cmocka_unit_test (test_hostile_frames_are_refused),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
