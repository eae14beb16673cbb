/*  test_entry.c - the signed entry: build, sign, open, and what is refused.

    An entry is made with vf_entry_new, given a class, a body and an
    audience, signed with vf_entry_sign; the signed blob (sig || canonical
    bytes) is what travels and is stored, and vf_entry_open checks it all.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_entry.h"
#include "vf_mp.h"

static vf_identity_t *
s_identity (uint8_t fill)
{
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, fill, sizeof seed);
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    assert_non_null (id);
    return id;
}

/*  A small valid event, signed by id. */
static vf_entry_t *
s_event (const vf_identity_t *id, uint64_t seq)
{
    vf_entry_t *e = vf_entry_new ();
    assert_non_null (e);
    strcpy (e->cls, "EconomicEvent");
    e->seq = seq;
    e->time = 1700000000000ull;
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "@id",
                              "https://farm.example/ev/1", "action", "produce", "provider",
                              "https://farm.example/", "receiver", "https://farm.example/",
                              "outputOf", "https://farm.example/harvest", "resourceConformsTo",
                              "https://farm.example/spec/wool", "resourceQuantity",
                              "hasNumericalValue", "12.5", "hasUnit", "kilogram");
    vf_entry_set_body (e, &body);
    assert_null (body);
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_sign (e, id, &err), 0);
    return e;
}

static void
test_sign_then_open_gives_the_same_entry (void **state)
{
    vf_identity_t *id = s_identity (1);
    vf_entry_t *e = s_event (id, 7);
    assert_true (e->is_signed);
    assert_memory_equal (e->author, vf_identity_public (id), VF_KEY_BYTES);

    vf_entry_t *back = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_open (&back, e->blob, e->blob_len, &err), 0);
    assert_memory_equal (back->id, e->id, VF_HASH_BYTES);
    assert_int_equal (back->seq, 7);
    assert_int_equal (back->time, 1700000000000ull);
    assert_true (back->is_public);
    assert_string_equal (back->cls, "EconomicEvent");
    assert_true (json_equal (back->body, e->body));
    assert_string_equal (vf_entry_iri (back), "https://farm.example/ev/1");
    assert_int_equal (vf_entry_check (back, &err), 0);

    /* the id is BLAKE2b-256 of the canonical bytes after the signature */
    uint8_t id2[VF_HASH_BYTES];
    vf_hash (id2, e->blob + VF_SIG_BYTES, e->blob_len - VF_SIG_BYTES);
    assert_memory_equal (id2, e->id, VF_HASH_BYTES);
    vf_entry_destroy (&back);
    vf_entry_destroy (&e);
    vf_entry_destroy (&e); /* safe twice */
    vf_identity_destroy (&id);
}

static void
test_any_changed_byte_fails_to_open (void **state)
{
    vf_identity_t *id = s_identity (2);
    vf_entry_t *e = s_event (id, 1);
    for (size_t k = 0; k < e->blob_len; k++) {
        uint8_t *copy = malloc (e->blob_len);
        memcpy (copy, e->blob, e->blob_len);
        copy[k] ^= 0x01;
        vf_entry_t *back = NULL;
        int rc = vf_entry_open (&back, copy, e->blob_len, NULL);
        if (rc == 0)
            fail_msg ("flipping byte %zu still opened", k);
        assert_null (back);
        free (copy);
    }
    vf_entry_destroy (&e);
    vf_identity_destroy (&id);
}

static void
test_another_author_cannot_claim_an_entry (void **state)
{
    vf_identity_t *alice = s_identity (3), *mallory = s_identity (4);
    vf_entry_t *e = s_event (alice, 1);
    /* Mallory re-signs Alice's bytes with her own key: the author field
       still names Alice, so the signature does not verify. */
    uint8_t *copy = malloc (e->blob_len);
    memcpy (copy, e->blob, e->blob_len);
    assert_int_equal (vf_identity_sign (mallory, copy, e->id, VF_HASH_BYTES), 0);
    vf_entry_t *back = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_open (&back, copy, e->blob_len, &err), VF_EBADSIG);
    assert_non_null (strstr (err.msg, "signature"));
    free (copy);
    vf_entry_destroy (&e);
    vf_identity_destroy (&alice);
    vf_identity_destroy (&mallory);
}

static void
test_audience_is_sorted_and_unique (void **state)
{
    vf_identity_t *id = s_identity (5);
    vf_entry_t *e = s_event (id, 1);
    uint8_t a[VF_KEY_BYTES], b[VF_KEY_BYTES];
    memset (a, 0xaa, sizeof a);
    memset (b, 0x11, sizeof b);
    assert_int_equal (vf_entry_add_network (e, a), 0);
    assert_int_equal (vf_entry_add_network (e, b), 0);
    assert_int_equal (vf_entry_add_network (e, a), 0); /* duplicate ignored */
    assert_false (e->is_public);
    assert_int_equal (e->naudience, 2);
    assert_memory_equal (e->audience[0], b, VF_KEY_BYTES);
    assert_int_equal (vf_entry_sign (e, id, NULL), 0);
    vf_entry_t *back = NULL;
    assert_int_equal (vf_entry_open (&back, e->blob, e->blob_len, NULL), 0);
    assert_int_equal (back->naudience, 2);
    assert_memory_equal (back->audience[1], a, VF_KEY_BYTES);
    for (int k = 2; k < VF_AUDIENCE_MAX; k++) {
        uint8_t n[VF_KEY_BYTES];
        memset (n, k, sizeof n);
        assert_int_equal (vf_entry_add_network (e, n), 0);
    }
    uint8_t one_more[VF_KEY_BYTES];
    memset (one_more, 0xff, sizeof one_more);
    assert_int_equal (vf_entry_add_network (e, one_more), VF_ETOOBIG);
    vf_entry_destroy (&back);
    vf_entry_destroy (&e);
    vf_identity_destroy (&id);
}

/*  Write an envelope by hand, so that each field can be made wrong. */
typedef struct {
    const char *keys[8];
    int nkeys;
    int audience_kind; /* 0 public, 1 sorted pair, 2 unsorted pair, 3 duplicate */
    size_t author_len;
    uint64_t seq;
    uint64_t version;
    const char *cls;
    bool trailing;
} s_env_t;

static uint8_t *
s_envelope (const s_env_t *v, size_t *len)
{
    vf_mp_writer_t *w = vf_mp_writer_new (VF_ENTRY_MAX + 1024);
    uint8_t key[64] = { 0 }, lo[VF_KEY_BYTES], hi[VF_KEY_BYTES];
    memset (lo, 1, sizeof lo);
    memset (hi, 2, sizeof hi);
    vf_mp_write_map (w, (uint32_t) v->nkeys);
    for (int k = 0; k < v->nkeys; k++) {
        const char *name = v->keys[k];
        vf_mp_write_cstr (w, name);
        if (!strcmp (name, "audience")) {
            if (v->audience_kind == 0)
                vf_mp_write_cstr (w, "public");
            else {
                vf_mp_write_array (w, 2);
                vf_mp_write_bin (w, v->audience_kind == 2 ? hi : lo, VF_KEY_BYTES);
                vf_mp_write_bin (w, v->audience_kind == 1 ? hi : lo, VF_KEY_BYTES);
            }
        } else if (!strcmp (name, "author"))
            vf_mp_write_bin (w, key, v->author_len);
        else if (!strcmp (name, "body")) {
            vf_mp_write_map (w, 1);
            vf_mp_write_cstr (w, "@id");
            vf_mp_write_cstr (w, "urn:x:1");
        } else if (!strcmp (name, "class"))
            vf_mp_write_cstr (w, v->cls);
        else if (!strcmp (name, "seq"))
            vf_mp_write_uint (w, v->seq);
        else if (!strcmp (name, "time"))
            vf_mp_write_uint (w, 5);
        else
            vf_mp_write_uint (w, v->version);
    }
    if (v->trailing)
        vf_mp_write_nil (w);
    uint8_t *out = vf_mp_writer_take (w, len);
    vf_mp_writer_destroy (&w);
    return out;
}

#define ALL_KEYS { "audience", "author", "body", "class", "seq", "time", "v" }, 7

static void
test_decode_refuses_bad_envelopes (void **state)
{
    const struct {
        const char *what;
        s_env_t env;
        int code;
    } cases[] = {
        { "a good one", { ALL_KEYS, 0, 32, 1, 1, "Process", false }, 0 },
        { "trailing bytes", { ALL_KEYS, 0, 32, 1, 1, "Process", true }, VF_EPARSE },
        { "version 2", { ALL_KEYS, 0, 32, 1, 2, "Process", false }, VF_EPARSE },
        { "seq 0", { ALL_KEYS, 0, 32, 0, 1, "Process", false }, VF_EPARSE },
        { "seq 2^53-1", { ALL_KEYS, 0, 32, VF_SEQ_MAX, 1, "Process", false }, 0 },
        { "seq 2^53", { ALL_KEYS, 0, 32, VF_SEQ_MAX + 1, 1, "Process", false }, VF_EPARSE },
        { "short author", { ALL_KEYS, 0, 31, 1, 1, "Process", false }, VF_EPARSE },
        { "empty class", { ALL_KEYS, 0, 32, 1, 1, "", false }, VF_EPARSE },
        { "class with space", { ALL_KEYS, 0, 32, 1, 1, "Economic Event", false }, VF_EPARSE },
        { "unsorted audience", { ALL_KEYS, 2, 32, 1, 1, "Process", false }, VF_ENONCANON },
        { "repeated network", { ALL_KEYS, 3, 32, 1, 1, "Process", false }, VF_ENONCANON },
        { "keys out of order",
          { { "author", "audience", "body", "class", "seq", "time", "v" },
            7,
            0,
            32,
            1,
            1,
            "Process",
            false },
          VF_EPARSE },
        { "a key missing",
          { { "audience", "author", "body", "class", "seq", "v" },
            6,
            0,
            32,
            1,
            1,
            "Process",
            false },
          VF_EPARSE },
        { "an extra key",
          { { "audience", "author", "body", "class", "extra", "seq", "time", "v" },
            8,
            0,
            32,
            1,
            1,
            "Process",
            false },
          VF_EPARSE },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len = 0;
        uint8_t *buf = s_envelope (&cases[k].env, &len);
        assert_non_null (buf);
        vf_entry_t *e = NULL;
        vf_err_t err = { 0 };
        int rc = vf_entry_decode (&e, buf, len, &err);
        if (rc != cases[k].code)
            fail_msg ("%s: expected %d, got %d (%s)", cases[k].what, cases[k].code, rc, err.msg);
        if (rc)
            assert_true (err.msg[0]);
        vf_entry_destroy (&e);
        free (buf);
    }
}

static void
test_size_limits (void **state)
{
    vf_identity_t *id = s_identity (6);
    vf_entry_t *e = s_event (id, 1);
    char *big = malloc (VF_ENTRY_MAX);
    memset (big, 'x', VF_ENTRY_MAX - 1);
    big[VF_ENTRY_MAX - 1] = '\0';
    json_object_set_new (e->body, "note", json_string (big));
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_sign (e, id, &err), VF_ETOOBIG);
    assert_non_null (strstr (err.msg, "larger than"));
    /* and a decoder given more than the limit refuses before reading */
    vf_entry_t *back = e;
    assert_int_equal (vf_entry_decode (&back, (const uint8_t *) big, VF_ENTRY_MAX + 1, &err),
                      VF_ETOOBIG);
    assert_null (back);
    free (big);
    vf_entry_destroy (&e);
    vf_identity_destroy (&id);
}

static void
test_encode_refuses_incomplete_entries (void **state)
{
    vf_entry_t *e = vf_entry_new ();
    uint8_t *out = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "body"));
    json_t *body = json_pack ("{s:s, s:f}", "@id", "urn:x:1", "lat", 1.5);
    vf_entry_set_body (e, &body);
    strcpy (e->cls, "SpatialThing");
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "seq"));
    e->seq = 1;
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "real number"));
    assert_null (out);
    vf_entry_destroy (&e);
}

/*  Regression: seq and time beyond 2^53-1 (which JSON and JavaScript
    cannot carry exactly) are an entry rule: encode and decode refuse them. */
static void
test_seq_and_time_are_at_most_2_53_minus_1 (void **state)
{
    vf_identity_t *id = s_identity (4);
    vf_entry_t *e = s_event (id, 1);
    uint8_t *out = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    e->time = VF_TIME_MAX;
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), 0);
    /* the same bytes with time 2^53 (one more, same width) do not decode */
    static const uint8_t max[] = { 0xcf, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t *at = memmem (out, len, max, sizeof max);
    assert_non_null (at);
    vf_entry_t *back = NULL;
    assert_int_equal (vf_entry_decode (&back, out, len, &err), 0);
    vf_entry_destroy (&back);
    memcpy (at + 1, "\x00\x20\x00\x00\x00\x00\x00\x00", 8);
    assert_int_equal (vf_entry_decode (&back, out, len, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "time: 9007199254740992 is above 9007199254740991"));
    free (out);
    out = NULL;
    e->time = VF_TIME_MAX + 1;
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "time"));
    e->time = 0;
    e->seq = VF_SEQ_MAX + 1;
    assert_int_equal (vf_entry_encode (e, &out, &len, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "seq must be from 1 to 9007199254740991"));
    assert_null (out);
    vf_entry_destroy (&e);
    vf_identity_destroy (&id);
}

static void
test_check_applies_the_valueflows_rules (void **state)
{
    vf_identity_t *id = s_identity (8);
    vf_entry_t *e = s_event (id, 1);
    vf_err_t err = { 0 };
    assert_int_equal (vf_entry_check (e, &err), 0);
    json_object_set_new (e->body, "action", json_string ("consume"));
    assert_int_equal (vf_entry_check (e, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "is an input"));
    strcpy (e->cls, "Widget");
    assert_int_equal (vf_entry_check (e, &err), VF_EINVALID);
    assert_non_null (strstr (err.msg, "Widget"));
    vf_entry_destroy (&e);
    vf_identity_destroy (&id);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_sign_then_open_gives_the_same_entry),
        cmocka_unit_test (test_any_changed_byte_fails_to_open),
        cmocka_unit_test (test_another_author_cannot_claim_an_entry),
        cmocka_unit_test (test_audience_is_sorted_and_unique),
        cmocka_unit_test (test_decode_refuses_bad_envelopes),
        cmocka_unit_test (test_size_limits),
        cmocka_unit_test (test_encode_refuses_incomplete_entries),
        cmocka_unit_test (test_seq_and_time_are_at_most_2_53_minus_1),
        cmocka_unit_test (test_check_applies_the_valueflows_rules),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
