/*  test_decimal.c - exact decimals: parsing, canonical form, arithmetic.

    Reads as an example: parse what people write, keep the value exact,
    print the one canonical form.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vf_decimal.h"

/*  Parse text leniently; fail the test unless it works. */
static vf_decimal_t
s_dec (const char *text)
{
    vf_decimal_t d;
    vf_err_t err = { 0 };
    int rc = vf_decimal_parse (&d, text, strlen (text), &err);
    if (rc)
        fail_msg ("parse '%s': %s", text, vf_err_msg (&err, rc));
    return d;
}

static const char *
s_fmt (vf_decimal_t d, char buf[VF_DECIMAL_TEXT_MAX])
{
    return vf_decimal_format (&d, buf);
}

/*  Accepted input and its canonical form. */
static const struct {
    const char *in, *canon;
} s_good[] = {
    { "2455", "2455" },
    { "1531.8", "1531.8" },
    { "-3", "-3" },
    { "+0.50", "0.5" },
    { "1.5e3", "1500" },
    { "0001.2300", "1.23" },
    { ".5", "0.5" },
    { "-.25", "-0.25" },
    { "0", "0" },
    { "-0", "0" },
    { "+0.000", "0" },
    { "0e36", "0" },
    { "1E-7", "0.0000001" },
    { "1e-18", "0.000000000000000001" },
    { "12.5e-1", "1.25" },
    { "1.5e+2", "150" },
    { "100", "100" },
    { "1000e-3", "1" },
    { "999999999999999999", "999999999999999999" },
    { "-999999999999999999", "-999999999999999999" },
    { "0.999999999999999999", "0.999999999999999999" },
    { "123456789.123456789", "123456789.123456789" },
    { "1e17", "100000000000000000" },
    { "0.1e-17", "0.000000000000000001" },
    { "5e0000000000000000001", "50" },
    { "000000000000000000000000000000000000000001", "1" },
    { "1.000000000000000000000000000000000000000000", "1" },
};

static void
test_parse_accepts_and_formats_canonically (void **state)
{
    for (size_t i = 0; i < sizeof s_good / sizeof s_good[0]; i++) {
        char buf[VF_DECIMAL_TEXT_MAX];
        vf_decimal_t d = s_dec (s_good[i].in);
        assert_true (vf_decimal_valid (d));
        assert_string_equal (s_fmt (d, buf), s_good[i].canon);
    }
}

/*  Rejected input, its code and a piece of the message. */
static const struct {
    const char *in;
    int code;
    const char *msg;
} s_bad[] = {
    { "", VF_EPARSE, "empty" },
    { " 1", VF_EPARSE, "expected a digit or '.', got ' ' at character 1" },
    { "1 ", VF_EPARSE, "unexpected ' ' at character 2" },
    { "12,5", VF_EPARSE, "'12,5' is not a decimal: unexpected ',' at character 3" },
    { "1.", VF_EPARSE, "expected a digit after '.' at the end" },
    { "1.e3", VF_EPARSE, "expected a digit after '.', got 'e' at character 3" },
    { ".", VF_EPARSE, "expected a digit after '.'" },
    { "-", VF_EPARSE, "expected a digit or '.' at the end" },
    { "+-1", VF_EPARSE, "expected a digit or '.', got '-'" },
    { "e5", VF_EPARSE, "expected a digit or '.', got 'e'" },
    { "1e", VF_EPARSE, "a digit in the exponent" },
    { "1e+", VF_EPARSE, "a digit in the exponent" },
    { "1.5.2", VF_EPARSE, "unexpected '.' at character 4" },
    { "NaN", VF_EPARSE, "NaN and infinity are not quantities" },
    { "-inf", VF_EPARSE, "NaN and infinity" },
    { "Infinity", VF_EPARSE, "NaN and infinity" },
    { "0x10", VF_EPARSE, "unexpected 'x'" },
    { "1_000", VF_EPARSE, "unexpected '_'" },
    { "\xc2\xbd", VF_EPARSE, "'\\xc2\\xbd' is not a decimal" },
    { "1e999", VF_ERANGE, "exponent 999 is outside -36..36" },
    { "1e-37", VF_ERANGE, "outside -36..36" },
    { "1234567890123456789", VF_ERANGE, "19 significant digits; at most 18" },
    { "0.1234567890123456789", VF_ERANGE, "19 significant digits" },
    { "1000000000000000000", VF_ERANGE, "19 integer digits" },
    { "1e18", VF_ERANGE, "19 integer digits" },
    { "1e-19", VF_ERANGE, "19 digits after the point" },
    { "0.0000000000000000001", VF_ERANGE, "19 digits after the point" },
};

static void
test_parse_rejects_with_a_clear_message (void **state)
{
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        vf_decimal_t d = { 42, 0 };
        vf_err_t err = { 0 };
        int rc = vf_decimal_parse (&d, s_bad[i].in, strlen (s_bad[i].in), &err);
        if (rc != s_bad[i].code || !strstr (err.msg, s_bad[i].msg))
            fail_msg ("'%s': got %d '%s', expected %d '%s'", s_bad[i].in, rc, err.msg,
                      s_bad[i].code, s_bad[i].msg);
        assert_int_equal (err.code, rc);
        assert_int_equal (d.coef, 42); /* out untouched on failure */
    }
}

static void
test_parse_uses_len_not_nul (void **state)
{
    vf_decimal_t d;
    assert_int_equal (vf_decimal_parse (&d, "12.5xyz", 4, NULL), 0);
    assert_int_equal (d.coef, 125);
    assert_int_equal (d.scale, 1);
    /* An embedded NUL is just a bad character. */
    assert_int_equal (vf_decimal_parse (&d,
                                        "1\0"
                                        "2",
                                        3, NULL),
                      VF_EPARSE);
}

static void
test_parse_canonical_only (void **state)
{
    static const char *canonical[] = {
        "0", "2455", "-3", "1531.8", "0.25", "-0.000000000000000001", "999999999999999999"
    };
    static const char *not_canonical[] = { "+1", "1.50", "-0", "01", "1e3", ".5", "0.0", "1E0" };
    vf_decimal_t d;
    vf_err_t err = { 0 };
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++)
        assert_int_equal (
            vf_decimal_parse_canonical (&d, canonical[i], strlen (canonical[i]), &err), 0);
    for (size_t i = 0; i < sizeof not_canonical / sizeof not_canonical[0]; i++) {
        const char *t = not_canonical[i];
        assert_int_equal (vf_decimal_parse_canonical (&d, t, strlen (t), &err), VF_ENONCANON);
    }
    vf_decimal_parse_canonical (&d, "1.50", 4, &err);
    assert_string_equal (err.msg, "'1.50' is not in canonical form; write it as '1.5'");
    assert_int_equal (vf_decimal_parse_canonical (&d, "1,5", 3, NULL), VF_EPARSE);
    assert_int_equal (vf_decimal_parse_canonical (&d, "1e18", 4, NULL), VF_ERANGE);
}

static void
test_add_and_sub_are_exact (void **state)
{
    static const struct {
        const char *a, *b, *sum, *diff;
    } cases[] = {
        { "0.1", "0.2", "0.3", "-0.1" },
        { "1531.8", "-1531.8", "0", "3063.6" },
        { "0.5", "0.000000000000000001", "0.500000000000000001", "0.499999999999999999" },
        { "2.5", "2.5", "5", "0" },
        { "-3", "0.75", "-2.25", "-3.75" },
        { "100", "0.01", "100.01", "99.99" },
        { "0", "-0.5", "-0.5", "0.5" },
        { "999999999999999998", "1", "999999999999999999", "999999999999999997" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[VF_DECIMAL_TEXT_MAX];
        vf_decimal_t r;
        assert_int_equal (vf_decimal_add (&r, s_dec (cases[i].a), s_dec (cases[i].b)), 0);
        assert_string_equal (s_fmt (r, buf), cases[i].sum);
        assert_true (vf_decimal_valid (r));
        assert_int_equal (vf_decimal_sub (&r, s_dec (cases[i].a), s_dec (cases[i].b)), 0);
        assert_string_equal (s_fmt (r, buf), cases[i].diff);
    }
    /* out may alias an operand */
    vf_decimal_t acc = s_dec ("0");
    for (int i = 0; i < 10; i++)
        assert_int_equal (vf_decimal_add (&acc, acc, s_dec ("0.1")), 0);
    assert_int_equal (vf_decimal_cmp (acc, vf_decimal_from_int (1)), 0);
}

static void
test_overflow_is_an_error_never_rounding (void **state)
{
    vf_decimal_t r = { 7, 0 };
    vf_decimal_t max = s_dec ("999999999999999999");
    vf_decimal_t min = s_dec ("-999999999999999999");
    assert_int_equal (vf_decimal_add (&r, max, s_dec ("1")), VF_ERANGE);
    assert_int_equal (vf_decimal_sub (&r, min, s_dec ("1")), VF_ERANGE);
    assert_int_equal (vf_decimal_add (&r, max, max), VF_ERANGE);
    /* Would need 19 digits: 1.000000000000000001, 999999999999999999.5 */
    assert_int_equal (vf_decimal_add (&r, s_dec ("1"), s_dec ("1e-18")), VF_ERANGE);
    assert_int_equal (vf_decimal_add (&r, max, s_dec ("0.5")), VF_ERANGE);
    /* Aligning scales would overflow int64 */
    assert_int_equal (vf_decimal_add (&r, s_dec ("100000000000"), s_dec ("1e-18")), VF_ERANGE);
    assert_int_equal (r.coef, 7); /* untouched */
    /* ...but a result that fits is fine even with large operands. */
    assert_int_equal (vf_decimal_sub (&r, max, max), 0);
    assert_int_equal (vf_decimal_sign (r), 0);
    assert_int_equal (vf_decimal_add (&r, max, min), 0);
    assert_int_equal (r.coef, 0);
    assert_int_equal (r.scale, 0);
}

static void
test_cmp_and_sign (void **state)
{
    /* In increasing order. */
    static const char *ordered[] = { "-999999999999999999",
                                     "-1.5",
                                     "-1.05",
                                     "-0.000000000000000001",
                                     "0",
                                     "0.000000000000000001",
                                     "0.1",
                                     "0.999999999999999999",
                                     "1",
                                     "1.00000000000000001",
                                     "99999999999999999.9",
                                     "999999999999999999" };
    size_t n = sizeof ordered / sizeof ordered[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int expect = (i > j) - (i < j);
            assert_int_equal (vf_decimal_cmp (s_dec (ordered[i]), s_dec (ordered[j])), expect);
        }
    assert_int_equal (vf_decimal_cmp (s_dec ("0.30"), s_dec ("3e-1")), 0);
    assert_int_equal (vf_decimal_sign (s_dec ("-0.1")), -1);
    assert_int_equal (vf_decimal_sign (s_dec ("-0")), 0);
    assert_int_equal (vf_decimal_sign (s_dec ("1e-18")), 1);
}

static void
test_neg_and_negative_zero (void **state)
{
    char buf[VF_DECIMAL_TEXT_MAX];
    vf_decimal_t d;
    assert_int_equal (vf_decimal_neg (&d, s_dec ("1531.8")), 0);
    assert_string_equal (s_fmt (d, buf), "-1531.8");
    assert_int_equal (vf_decimal_neg (&d, s_dec ("0")), 0);
    assert_string_equal (s_fmt (d, buf), "0");
    /* Negative zero does not exist: "-0", "-0.00" and -0.0 all are 0. */
    vf_decimal_t z = s_dec ("-0.00");
    assert_int_equal (z.coef, 0);
    assert_int_equal (z.scale, 0);
    assert_int_equal (vf_decimal_from_double (&z, -0.0, NULL), 0);
    assert_string_equal (s_fmt (z, buf), "0");
    assert_int_equal (vf_decimal_neg (&d, (vf_decimal_t){ INT64_MIN, 0 }), VF_ERANGE);
}

static void
test_from_double (void **state)
{
    static const struct {
        double in;
        const char *out;
    } ok[] = {
        { 0.1, "0.1" },
        { 1531.8, "1531.8" },
        { 1e-7, "0.0000001" },
        { 2455, "2455" },
        { -3.25, "-3.25" },
        { 0.3, "0.3" },
        { 123456789012345, "123456789012345" },
        { 1e17, "100000000000000000" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char buf[VF_DECIMAL_TEXT_MAX];
        vf_decimal_t d;
        vf_err_t err = { 0 };
        int rc = vf_decimal_from_double (&d, ok[i].in, &err);
        if (rc)
            fail_msg ("%.17g: %s", ok[i].in, err.msg);
        assert_string_equal (s_fmt (d, buf), ok[i].out);
    }
    vf_decimal_t d;
    vf_err_t err = { 0 };
    /* 0.1 + 0.2 is 0.30000000000000004 as a double: not a short decimal. */
    volatile double a = 0.1, b = 0.2;
    assert_int_equal (vf_decimal_from_double (&d, a + b, &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "more than 15 significant digits; write it as a string"));
    assert_int_equal (vf_decimal_from_double (&d, 9007199254740993.0, NULL), VF_ERANGE);
    assert_int_equal (vf_decimal_from_double (&d, 1.0 / 3.0, NULL), VF_ERANGE);
    assert_int_equal (vf_decimal_from_double (&d, 1e300, &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "number 1e+300"));
    assert_int_equal (vf_decimal_from_double (&d, 1e-30, NULL), VF_ERANGE);
    assert_int_equal (vf_decimal_from_double (&d, __builtin_inf (), &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "not finite"));
    assert_int_equal (vf_decimal_from_double (&d, __builtin_nan (""), NULL), VF_ERANGE);
}

static void
test_from_int (void **state)
{
    char buf[VF_DECIMAL_TEXT_MAX];
    vf_decimal_t d = vf_decimal_from_int (-1200);
    assert_string_equal (s_fmt (d, buf), "-1200");
    assert_int_equal (vf_decimal_from_int_checked (&d, VF_DECIMAL_COEF_MAX, NULL), 0);
    assert_string_equal (s_fmt (d, buf), "999999999999999999");
    vf_err_t err = { 0 };
    assert_int_equal (vf_decimal_from_int_checked (&d, INT64_MAX, &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "9223372036854775807 is out of range"));
    assert_int_equal (vf_decimal_from_int_checked (&d, INT64_MIN, NULL), VF_ERANGE);
}

static void
test_valid_and_format_limits (void **state)
{
    char buf[VF_DECIMAL_TEXT_MAX];
    assert_true (vf_decimal_valid ((vf_decimal_t){ 15, 1 }));
    assert_false (vf_decimal_valid ((vf_decimal_t){ 150, 2 })); /* not normalised */
    assert_false (vf_decimal_valid ((vf_decimal_t){ 1, 19 }));
    assert_false (vf_decimal_valid ((vf_decimal_t){ VF_DECIMAL_COEF_MAX + 1, 0 }));
    assert_false (vf_decimal_valid ((vf_decimal_t){ INT64_MIN, 0 }));
    /* The longest text form fits VF_DECIMAL_TEXT_MAX. */
    vf_decimal_t longest = { -VF_DECIMAL_COEF_MAX, VF_DECIMAL_SCALE_MAX };
    assert_string_equal (s_fmt (longest, buf), "-0.999999999999999999");
    assert_string_equal (s_fmt ((vf_decimal_t){ 5, 3 }, buf), "0.005");
    assert_string_equal (s_fmt ((vf_decimal_t){ -12345, 2 }, buf), "-123.45");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_parse_accepts_and_formats_canonically),
        cmocka_unit_test (test_parse_rejects_with_a_clear_message),
        cmocka_unit_test (test_parse_uses_len_not_nul),
        cmocka_unit_test (test_parse_canonical_only),
        cmocka_unit_test (test_add_and_sub_are_exact),
        cmocka_unit_test (test_overflow_is_an_error_never_rounding),
        cmocka_unit_test (test_cmp_and_sign),
        cmocka_unit_test (test_neg_and_negative_zero),
        cmocka_unit_test (test_from_double),
        cmocka_unit_test (test_from_int),
        cmocka_unit_test (test_valid_and_format_limits),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
