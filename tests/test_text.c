/*  test_text.c - text forms of keys and ids ("vfk_...", "vfe_...").

    Reads as an example: encode 32 bytes with a kind, decode it back
    strictly, and get a message that says what was wrong otherwise.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vf_text.h"

/*  RFC 4648 base32 of 32 bytes 00 01 02 ... 1f, lowercase, no padding
    (checked with Python's base64.b32encode). */
#define S_COUNTING "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq"

static void
s_counting (uint8_t bytes[VF_KEY_BYTES])
{
    for (int i = 0; i < VF_KEY_BYTES; i++)
        bytes[i] = (uint8_t) i;
}

/*  Decode text as kind, expecting failure with a message containing msg. */
static void
s_reject (vf_text_kind_t kind, const char *text, const char *msg)
{
    uint8_t out[VF_KEY_BYTES];
    memset (out, 0xaa, sizeof out);
    vf_err_t err = { 0 };
    int rc = vf_text_decode (out, kind, text, &err);
    if (rc != VF_EPARSE || !strstr (err.msg, msg))
        fail_msg ("'%s': got %d '%s', expected '%s'", text, rc, err.msg, msg);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal (out[i], 0xaa); /* untouched */
}

static void
test_known_answer (void **state)
{
    uint8_t bytes[VF_KEY_BYTES], back[VF_KEY_BYTES];
    char text[VF_TEXT_MAX];
    s_counting (bytes);
    assert_string_equal (vf_text_encode (text, VF_TEXT_KEY, bytes), "vfk_" S_COUNTING);
    assert_int_equal (strlen (text), VF_TEXT_LEN);
    assert_int_equal (vf_text_decode (back, VF_TEXT_KEY, text, NULL), 0);
    assert_memory_equal (back, bytes, VF_KEY_BYTES);

    uint8_t zero[VF_KEY_BYTES] = { 0 }, ones[VF_KEY_BYTES];
    memset (ones, 0xff, sizeof ones);
    assert_string_equal (vf_text_encode (text, VF_TEXT_ID, zero),
                         "vfe_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_string_equal (vf_text_encode (text, VF_TEXT_NET, ones),
                         "vfn_777777777777777777777777777777777777777777777777777q");
}

static void
test_round_trip_every_kind (void **state)
{
    for (int k = VF_TEXT_KEY; k <= VF_TEXT_SEED; k++)
        for (int round = 0; round < 64; round++) {
            uint8_t bytes[VF_KEY_BYTES], back[VF_KEY_BYTES];
            char text[VF_TEXT_MAX];
            for (int i = 0; i < VF_KEY_BYTES; i++)
                bytes[i] = (uint8_t) (round * 37 + i * 101 + k);
            vf_text_encode (text, (vf_text_kind_t) k, bytes);
            assert_int_equal (vf_text_kind (text), k);
            assert_int_equal (vf_text_decode (back, (vf_text_kind_t) k, text, NULL), 0);
            assert_memory_equal (back, bytes, VF_KEY_BYTES);
        }
}

static void
test_kind_detection (void **state)
{
    assert_int_equal (vf_text_kind ("vfk_" S_COUNTING), VF_TEXT_KEY);
    assert_int_equal (vf_text_kind ("vfe_x"), VF_TEXT_ID);
    assert_int_equal (vf_text_kind ("vfn_"), VF_TEXT_NET);
    assert_int_equal (vf_text_kind ("vfs_"), VF_TEXT_SEED);
    assert_int_equal (vf_text_kind ("VFK_" S_COUNTING), -1);
    assert_int_equal (vf_text_kind ("vfx_"), -1);
    assert_int_equal (vf_text_kind ("vf"), -1);
    assert_int_equal (vf_text_kind (""), -1);
}

static void
test_wrong_prefix_says_what_it_is (void **state)
{
    s_reject (VF_TEXT_KEY, "vfe_" S_COUNTING,
              "expected a key (vfk_...), got an entry id (vfe_...)");
    s_reject (VF_TEXT_ID, "vfn_" S_COUNTING,
              "expected an entry id (vfe_...), got a network id (vfn_...)");
    s_reject (VF_TEXT_NET, "vfs_" S_COUNTING, "got a secret seed (vfs_...)");
    s_reject (VF_TEXT_KEY, S_COUNTING, "expected a key (vfk_...), got text starting 'aaaq'");
    s_reject (VF_TEXT_KEY, "VFK_" S_COUNTING, "got text starting 'VFK_'");
    s_reject (VF_TEXT_KEY, "", "got text starting ''");
}

static void
test_wrong_length (void **state)
{
    char text[128];
    snprintf (text, sizeof text, "vfk_%.51s", S_COUNTING);
    s_reject (VF_TEXT_KEY, text, "length 55, expected 56");
    snprintf (text, sizeof text, "vfk_%sa", S_COUNTING);
    s_reject (VF_TEXT_KEY, text, "length 57, expected 56");
    snprintf (text, sizeof text, "vfk_%s%s", S_COUNTING, S_COUNTING);
    s_reject (VF_TEXT_KEY, text, "length over 64, expected 56");
    s_reject (VF_TEXT_KEY, "vfk_", "length 4, expected 56");
    snprintf (text, sizeof text, "vfk_%s\n", S_COUNTING);
    s_reject (VF_TEXT_KEY, text, "length 57"); /* no trailing newline either */
}

static void
test_bad_character (void **state)
{
    char text[VF_TEXT_MAX];
    snprintf (text, sizeof text, "vfk_%s", S_COUNTING);
    text[16] = 'O'; /* character 17 */
    s_reject (VF_TEXT_KEY, text, "character 17 'O' is not base32 (a-z, 2-7)");
    snprintf (text, sizeof text, "vfk_%s", S_COUNTING);
    text[4] = '1';
    s_reject (VF_TEXT_KEY, text, "character 5 '1' is not base32");
    text[4] = '8';
    s_reject (VF_TEXT_KEY, text, "character 5 '8'");
    text[4] = '=';
    s_reject (VF_TEXT_KEY, text, "character 5 '='");
    text[4] = 'A'; /* uppercase is not the text form */
    s_reject (VF_TEXT_KEY, text, "character 5 'A'");
    text[4] = ' ';
    s_reject (VF_TEXT_KEY, text, "character 5 ' '");
    text[4] = (char) 0xc3;
    s_reject (VF_TEXT_KEY, text, "character 5 '\\xc3'");
}

static void
test_one_text_form_per_value (void **state)
{
    /* The last character carries 1 data bit: only 'a' and 'q' are valid. */
    char text[VF_TEXT_MAX];
    uint8_t out[VF_KEY_BYTES];
    snprintf (text, sizeof text, "vfk_%s", S_COUNTING);
    int valid = 0;
    for (const char *c = "abcdefghijklmnopqrstuvwxyz234567"; *c; c++) {
        text[VF_TEXT_LEN - 1] = *c;
        if (vf_text_decode (out, VF_TEXT_KEY, text, NULL) == 0)
            valid++;
        else if (*c == 'b')
            s_reject (VF_TEXT_KEY, text, "character 56 'b' has unused low bits set");
    }
    assert_int_equal (valid, 2);
}

static void
test_every_byte_value_survives (void **state)
{
    /* Each byte position takes each value at least once across the rounds. */
    for (int v = 0; v < 256; v++) {
        uint8_t bytes[VF_KEY_BYTES], back[VF_KEY_BYTES];
        char text[VF_TEXT_MAX];
        for (int i = 0; i < VF_KEY_BYTES; i++)
            bytes[i] = (uint8_t) (v + i);
        vf_text_encode (text, VF_TEXT_SEED, bytes);
        for (int i = 4; i < VF_TEXT_LEN; i++)
            assert_true ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= '2' && text[i] <= '7'));
        assert_int_equal (vf_text_decode (back, VF_TEXT_SEED, text, NULL), 0);
        assert_memory_equal (back, bytes, VF_KEY_BYTES);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_known_answer),
        cmocka_unit_test (test_round_trip_every_kind),
        cmocka_unit_test (test_kind_detection),
        cmocka_unit_test (test_wrong_prefix_says_what_it_is),
        cmocka_unit_test (test_wrong_length),
        cmocka_unit_test (test_bad_character),
        cmocka_unit_test (test_one_text_form_per_value),
        cmocka_unit_test (test_every_byte_value_survives),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
