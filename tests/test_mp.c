/*  test_mp.c - canonical msgpack: what it accepts, what it refuses.

    Reading: vf_mp_reader_init + vf_mp_next / vf_mp_read_json.
    Writing: vf_mp_writer_new + vf_mp_write_* / vf_mp_write_json.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_limits.h"
#include "vf_mp.h"

/*  Decode bytes as one JSON value that must use up the buffer. */
static int
s_decode (const uint8_t *buf, size_t len, json_t **out, vf_err_t *err)
{
    vf_mp_reader_t r;
    vf_mp_reader_init (&r, buf, len);
    int rc = vf_mp_read_json (&r, 0, out, err);
    if (rc == 0 && vf_mp_remaining (&r) != 0) {
        json_decref (*out);
        *out = NULL;
        return VF_EPARSE;
    }
    return rc;
}

/*  Encode a JSON text canonically; returns the writer (caller destroys). */
static vf_mp_writer_t *
s_encode (const char *json_text)
{
    json_t *v = json_loads (json_text, JSON_DECODE_ANY, NULL);
    assert_non_null (v);
    vf_mp_writer_t *w = vf_mp_writer_new (VF_ENTRY_MAX);
    assert_non_null (w);
    vf_err_t err = { 0 };
    assert_int_equal (vf_mp_write_json (w, v, 0, &err), 0);
    json_decref (v);
    return w;
}

static void
test_integers_use_shortest_form (void **state)
{
    struct {
        int64_t v;
        const char *hex;
    } cases[] = {
        { 0, "00" },
        { 127, "7f" },
        { 128, "cc80" },
        { 255, "ccff" },
        { 256, "cd0100" },
        { 65536, "ce00010000" },
        { 4294967296LL, "cf0000000100000000" },
        { -1, "ff" },
        { -32, "e0" },
        { -33, "d0df" },
        { -128, "d080" },
        { -129, "d1ff7f" },
        { -32769, "d2ffff7fff" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vf_mp_writer_t *w = vf_mp_writer_new (64);
        assert_int_equal (vf_mp_write_int (w, cases[k].v), 0);
        char hex[64] = "";
        for (size_t i = 0; i < vf_mp_writer_size (w); i++)
            sprintf (hex + 2 * i, "%02x", vf_mp_writer_data (w)[i]);
        assert_string_equal (hex, cases[k].hex);
        /* and it reads back as the same value */
        json_t *v = NULL;
        assert_int_equal (s_decode (vf_mp_writer_data (w), vf_mp_writer_size (w), &v, NULL), 0);
        assert_int_equal (json_integer_value (v), cases[k].v);
        json_decref (v);
        vf_mp_writer_destroy (&w);
    }
}

static void
test_json_round_trip_sorts_keys (void **state)
{
    vf_mp_writer_t *w = s_encode ("{\"zeta\": 1, \"alpha\": [true, false, null, \"x\"], "
                                  "\"b\": {\"y\": -5, \"x\": \"\\u00e9t\\u00e9\"}}");
    /* map of 3: "alpha" < "b" < "zeta" by bytes */
    const uint8_t *d = vf_mp_writer_data (w);
    assert_int_equal (d[0], 0x83);
    assert_int_equal (d[1], 0xa5);
    assert_memory_equal (d + 2, "alpha", 5);
    json_t *v = NULL;
    assert_int_equal (s_decode (d, vf_mp_writer_size (w), &v, NULL), 0);
    json_t *expect = json_loads ("{\"alpha\": [true, false, null, \"x\"], \"b\": {\"x\": "
                                 "\"\\u00e9t\\u00e9\", \"y\": -5}, \"zeta\": 1}",
                                 0, NULL);
    assert_true (json_equal (v, expect));
    json_decref (v);
    json_decref (expect);
    vf_mp_writer_destroy (&w);
}

/*  Regression (found by fuzz_entry): an empty object must encode as an
    empty map without handing qsort a NULL array. */
static void
test_empty_object_round_trips (void **state)
{
    vf_mp_writer_t *w = s_encode ("{\"a\": {}, \"b\": []}");
    json_t *v = NULL;
    assert_int_equal (s_decode (vf_mp_writer_data (w), vf_mp_writer_size (w), &v, NULL), 0);
    assert_int_equal (json_object_size (json_object_get (v, "a")), 0);
    json_decref (v);
    vf_mp_writer_destroy (&w);
}

static void
test_keys_sort_by_bytes_with_prefix_first (void **state)
{
    vf_mp_writer_t *w = s_encode ("{\"ab\": 1, \"a\": 2, \"B\": 3, \"@id\": 4}");
    const uint8_t *d = vf_mp_writer_data (w);
    /* "@id" (0x40) < "B" (0x42) < "a" < "ab" */
    assert_memory_equal (d + 1, "\xa3@id", 4);
    assert_memory_equal (d + 6,
                         "\xa1"
                         "B",
                         2);
    assert_memory_equal (d + 9,
                         "\xa1"
                         "a",
                         2);
    assert_memory_equal (d + 12,
                         "\xa2"
                         "ab",
                         3);
    vf_mp_writer_destroy (&w);
}

/*  Every one of these is well-formed msgpack but not the canonical form. */
static void
test_non_canonical_variants_are_rejected (void **state)
{
    static const struct {
        const char *what;
        const char *bytes;
        size_t len;
    } cases[] = {
        { "uint8 for 5", "\xcc\x05", 2 },
        { "uint16 for 200", "\xcd\x00\xc8", 3 },
        { "uint32 for 300", "\xce\x00\x00\x01\x2c", 5 },
        { "uint64 for 70000", "\xcf\x00\x00\x00\x00\x00\x01\x11\x70", 9 },
        { "int8 for 5", "\xd0\x05", 2 },
        { "int8 for -1", "\xd0\xff", 2 },
        { "int16 for -100", "\xd1\xff\x9c", 3 },
        { "int32 for -200", "\xd2\xff\xff\xff\x38", 5 },
        { "int64 for -40000", "\xd3\xff\xff\xff\xff\xff\xff\x63\xc0", 9 },
        { "str8 for 1 byte", "\xd9\x01x", 3 },
        { "str16 for 1 byte", "\xda\x00\x01x", 4 },
        { "bin16 for 1 byte", "\xc5\x00\x01x", 4 },
        { "array16 for 1", "\xdc\x00\x01\x01", 4 },
        { "map16 for 1", "\xde\x00\x01\xa1k\x01", 6 },
        { "unsorted keys",
          "\x82\xa1"
          "b\x01\xa1"
          "a\x02",
          7 },
        { "repeated key",
          "\x82\xa1"
          "a\x01\xa1"
          "a\x02",
          7 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        json_t *v = NULL;
        vf_err_t err = { 0 };
        int rc = s_decode ((const uint8_t *) cases[k].bytes, cases[k].len, &v, &err);
        if (rc != VF_ENONCANON)
            fail_msg ("%s: expected VF_ENONCANON, got %d (%s)", cases[k].what, rc, err.msg);
        assert_null (v);
    }
}

static void
test_forbidden_types_are_rejected (void **state)
{
    static const struct {
        const char *what;
        const char *bytes;
        size_t len;
    } cases[] = {
        { "float32", "\xca\x3f\x80\x00\x00", 5 },
        { "float64", "\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00", 9 },
        { "fixext1", "\xd4\x01\x00", 3 },
        { "ext8", "\xc7\x01\x01\x00", 4 },
        { "reserved 0xc1", "\xc1", 1 },
        { "non-string key", "\x81\x01\x02", 3 },
        { "invalid UTF-8", "\xa2\xc3\x28", 3 },
        { "overlong UTF-8 '/'", "\xa2\xc0\xaf", 3 },
        { "UTF-16 surrogate", "\xa3\xed\xa0\x80", 4 },
        { "NUL in string",
          "\xa3"
          "a\x00"
          "b",
          4 },
        { "binary in a body", "\xc4\x01x", 3 },
        { "uint64 above INT64_MAX", "\xcf\x80\x00\x00\x00\x00\x00\x00\x00", 9 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        json_t *v = NULL;
        vf_err_t err = { 0 };
        int rc = s_decode ((const uint8_t *) cases[k].bytes, cases[k].len, &v, &err);
        if (rc == 0)
            fail_msg ("%s: accepted", cases[k].what);
        assert_null (v);
        assert_true (err.msg[0] != '\0');
    }
}

/*  Allocation accounting: hostile headers must not make the decoder
    reserve memory for elements that are not there. */
static size_t s_allocated;
static void *
s_counting_malloc (size_t n)
{
    s_allocated += n;
    return malloc (n);
}

static void
test_hostile_headers_allocate_nothing_large (void **state)
{
    static const struct {
        const char *what;
        const char *bytes;
        size_t len;
    } cases[] = {
        { "map32 of 4G pairs", "\xdf\xff\xff\xff\xff", 5 },
        { "array32 of 4G", "\xdd\xff\xff\xff\xff\x01", 6 },
        { "str32 of 4G",
          "\xdb\xff\xff\xff\xff"
          "abc",
          8 },
        { "bin32 of 4G", "\xc6\xff\xff\xff\xff", 5 },
        { "map16 with 1 byte left", "\xde\x00\x20\x01", 4 },
        { "truncated uint32", "\xce\x00\x01", 3 },
        { "truncated string",
          "\xa5"
          "ab",
          3 },
        { "empty input", "", 0 },
    };
    json_set_alloc_funcs (s_counting_malloc, free);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        s_allocated = 0;
        json_t *v = NULL;
        vf_err_t err = { 0 };
        int rc = s_decode ((const uint8_t *) cases[k].bytes, cases[k].len, &v, &err);
        if (rc != VF_EPARSE)
            fail_msg ("%s: expected VF_EPARSE, got %d", cases[k].what, rc);
        if (s_allocated > 4096)
            fail_msg ("%s: allocated %zu bytes", cases[k].what, s_allocated);
    }
    json_set_alloc_funcs (malloc, free);
}

static void
test_nesting_is_bounded (void **state)
{
    uint8_t deep[4 * VF_DEPTH_MAX];
    size_t n = 0;
    for (int k = 0; k < VF_DEPTH_MAX + 1; k++)
        deep[n++] = 0x91; /* array of one */
    deep[n++] = 0x00;
    json_t *v = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (s_decode (deep, n, &v, &err), VF_ETOOBIG);
    assert_non_null (strstr (err.msg, "deeper"));
    /* exactly VF_DEPTH_MAX levels is fine */
    assert_int_equal (s_decode (deep + 1, n - 1, &v, &err), 0);
    json_decref (v);
}

static void
test_writer_refuses_what_has_no_canonical_form (void **state)
{
    vf_mp_writer_t *w = vf_mp_writer_new (1024);
    vf_err_t err = { 0 };
    json_t *real = json_pack ("{s:f}", "qty", 1.5);
    assert_int_equal (vf_mp_write_json (w, real, 0, &err), VF_EINVAL);
    assert_non_null (strstr (err.msg, "qty"));
    assert_non_null (strstr (err.msg, "real number"));
    json_decref (real);
    vf_mp_writer_destroy (&w);

    w = vf_mp_writer_new (1024);
    json_t *nul = json_pack ("{s:s#}", "note", "a\0b", (int) 3);
    assert_int_equal (vf_mp_write_json (w, nul, 0, &err), VF_EINVAL);
    json_decref (nul);
    vf_mp_writer_destroy (&w);
}

static void
test_writer_cap_is_enforced (void **state)
{
    vf_mp_writer_t *w = vf_mp_writer_new (8);
    assert_int_equal (vf_mp_write_cstr (w, "0123456789"), VF_ETOOBIG);
    assert_int_equal (vf_mp_writer_status (w), VF_ETOOBIG);
    size_t len;
    assert_null (vf_mp_writer_take (w, &len));
    vf_mp_writer_destroy (&w);
    vf_mp_writer_destroy (&w); /* safe twice */
}

static void
test_utf8_validation (void **state)
{
    assert_true (vf_utf8_valid ("plain", 5));
    assert_true (vf_utf8_valid ("\xe2\x82\xac", 3));      /* euro sign */
    assert_true (vf_utf8_valid ("\xf0\x9f\x8d\x8e", 4));  /* U+1F34E */
    assert_false (vf_utf8_valid ("\xe2\x82", 2));         /* truncated */
    assert_false (vf_utf8_valid ("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false (vf_utf8_valid ("\xe0\x80\xaf", 3));     /* overlong */
    assert_false (vf_utf8_valid ("\xff", 1));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_integers_use_shortest_form),
        cmocka_unit_test (test_json_round_trip_sorts_keys),
        cmocka_unit_test (test_empty_object_round_trips),
        cmocka_unit_test (test_keys_sort_by_bytes_with_prefix_first),
        cmocka_unit_test (test_non_canonical_variants_are_rejected),
        cmocka_unit_test (test_forbidden_types_are_rejected),
        cmocka_unit_test (test_hostile_headers_allocate_nothing_large),
        cmocka_unit_test (test_nesting_is_bounded),
        cmocka_unit_test (test_writer_refuses_what_has_no_canonical_form),
        cmocka_unit_test (test_writer_cap_is_enforced),
        cmocka_unit_test (test_utf8_validation),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
