/*  vf_decimal.c - exact decimal quantities.

    A value is coef / 10^scale with |coef| <= VF_DECIMAL_COEF_MAX (18 digits),
    0 <= scale <= VF_DECIMAL_SCALE_MAX, normalised. All arithmetic is on
    int64_t with __builtin_*_overflow; the only double is the argument of
    vf_decimal_from_double, which is converted through its text form.

    printf/strtod in from_double assume the "C" radix point: vfnode never
    changes LC_NUMERIC.
*/
#include "vf_decimal.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const int64_t s_pow10[VF_DECIMAL_DIGITS_MAX + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

_Static_assert(VF_DECIMAL_SCALE_MAX <= VF_DECIMAL_DIGITS_MAX, "s_pow10 covers every scale");
_Static_assert(VF_DECIMAL_COEF_MAX == 999999999999999999LL, "18 nines");

/*  What the scanner found in the text: where the integer and fraction
    digits are and the exponent written after them. */
typedef struct {
    const char *text;
    size_t len;
    bool negative;
    size_t int_at, int_len;   /* digits before the point */
    size_t frac_at, frac_len; /* digits after the point */
    int64_t exp;              /* written exponent, saturated above VF_DECIMAL_EXP_MAX */
    size_t exp_at, exp_len;   /* its text, for messages */
} s_scan_t;

#define S_EXAMPLES                                                                                 \
    "write digits with an optional fraction and exponent, e.g. 2455, -3, 1531.8, .5 or 1.5e3"

/*  A grammar error at text[pos]: "expected WHAT, got 'c' at character N",
    or "unexpected 'c' ..." when what is NULL. */
static int
s_bad_char (vf_err_t *err, const char *text, size_t len, size_t pos, const char *what)
{
    char q[VF_QUOTE_MAX], c[16];
    vf_quote (q, sizeof q, text, len);
    if (pos >= len)
        return vf_err_set (err, VF_EPARSE,
                           "%s is not a decimal: expected %s at the end; " S_EXAMPLES, q, what);
    vf_quote (c, sizeof c, text + pos, 1);
    if (!what)
        return vf_err_set (err, VF_EPARSE,
                           "%s is not a decimal: unexpected %s at character %zu; " S_EXAMPLES, q, c,
                           pos + 1);
    return vf_err_set (err, VF_EPARSE,
                       "%s is not a decimal: expected %s, got %s at character %zu; " S_EXAMPLES, q,
                       what, c, pos + 1);
}

/*  Count the digits at text[*pos...], advancing *pos. */
static size_t
s_digits (const char *text, size_t len, size_t *pos)
{
    size_t start = *pos;
    while (*pos < len && text[*pos] >= '0' && text[*pos] <= '9')
        (*pos)++;
    return *pos - start;
}

/*  "NaN", "Inf", "Infinity" in any case, after an optional sign. */
static bool
s_is_nonfinite_word (const char *s, size_t len)
{
    return (len == 3 && strncasecmp (s, "nan", 3) == 0) ||
           (len == 3 && strncasecmp (s, "inf", 3) == 0) ||
           (len == 8 && strncasecmp (s, "infinity", 8) == 0);
}

/*  The exponent part after 'e' or 'E' at text[*pos]. Its range is checked
    by s_build, after the whole text is known to be well formed. */
static int
s_scan_exponent (s_scan_t *sc, size_t *pos, vf_err_t *err)
{
    size_t i = *pos + 1;
    bool negative = false;
    if (i < sc->len && (sc->text[i] == '+' || sc->text[i] == '-'))
        negative = sc->text[i++] == '-';
    size_t start = i;
    int64_t value = 0;
    for (; i < sc->len && sc->text[i] >= '0' && sc->text[i] <= '9'; i++)
        if (value <= VF_DECIMAL_EXP_MAX)
            value = value * 10 + (sc->text[i] - '0');
    if (i == start)
        return s_bad_char (err, sc->text, sc->len, i, "a digit in the exponent");
    sc->exp = negative ? -value : value;
    sc->exp_at = *pos + 1;
    sc->exp_len = i - sc->exp_at;
    *pos = i;
    return 0;
}

/*  Check the lenient grammar:
      [+-]? ( digits ( "." digits )? | "." digits ) ( [eE] [+-]? digits )?  */
static int
s_scan (s_scan_t *sc, const char *text, size_t len, vf_err_t *err)
{
    memset (sc, 0, sizeof *sc);
    sc->text = text;
    sc->len = len;
    if (len == 0)
        return vf_err_set (err, VF_EPARSE, "empty text is not a decimal; " S_EXAMPLES);
    size_t pos = 0;
    if (text[0] == '+' || text[0] == '-')
        sc->negative = text[pos++] == '-';
    if (s_is_nonfinite_word (text + pos, len - pos)) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_EPARSE,
                           "%s is not a decimal: NaN and infinity are not quantities",
                           vf_quote (q, sizeof q, text, len));
    }
    sc->int_at = pos;
    sc->int_len = s_digits (text, len, &pos);
    if (pos < len && text[pos] == '.') {
        pos++;
        sc->frac_at = pos;
        sc->frac_len = s_digits (text, len, &pos);
        if (sc->frac_len == 0)
            return s_bad_char (err, text, len, pos, "a digit after '.'");
    } else if (sc->int_len == 0)
        return s_bad_char (err, text, len, pos, "a digit or '.'");
    if (pos < len && (text[pos] == 'e' || text[pos] == 'E')) {
        int rc = s_scan_exponent (sc, &pos, err);
        if (rc)
            return rc;
    }
    if (pos < len)
        return s_bad_char (err, text, len, pos, NULL);
    return 0;
}

/*  Digit i of the digits written (integer digits, then fraction digits). */
static int
s_digit_at (const s_scan_t *sc, size_t i)
{
    size_t at = i < sc->int_len ? sc->int_at + i : sc->frac_at + (i - sc->int_len);
    return sc->text[at] - '0';
}

static int
s_too_many (vf_err_t *err, const s_scan_t *sc, const char *what, int64_t n)
{
    char q[VF_QUOTE_MAX];
    return vf_err_set (
        err, VF_ERANGE, "%s is out of range: it needs %lld %s; at most %d are accepted",
        vf_quote (q, sizeof q, sc->text, sc->len), (long long) n, what, VF_DECIMAL_DIGITS_MAX);
}

/*  The value of a scanned text: drop leading and trailing zero digits, then
    check the digit and scale limits before building the coefficient. */
static int
s_build (vf_decimal_t *out, const s_scan_t *sc, vf_err_t *err)
{
    if (sc->exp < -VF_DECIMAL_EXP_MAX || sc->exp > VF_DECIMAL_EXP_MAX) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_ERANGE, "%s is out of range: exponent %.*s is outside -%d..%d",
                           vf_quote (q, sizeof q, sc->text, sc->len),
                           (int) (sc->exp_len > 20 ? 20 : sc->exp_len), sc->text + sc->exp_at,
                           VF_DECIMAL_EXP_MAX, VF_DECIMAL_EXP_MAX);
    }
    size_t n = sc->int_len + sc->frac_len;
    size_t first = 0, last = n;
    while (first < n && s_digit_at (sc, first) == 0)
        first++;
    if (first == n) {
        *out = (vf_decimal_t){ 0, 0 };
        return 0;
    }
    while (s_digit_at (sc, last - 1) == 0)
        last--;
    int64_t count = (int64_t) (last - first);
    /* Power of ten of the last significant digit. */
    int64_t low = sc->exp - (int64_t) sc->frac_len + (int64_t) (n - last);
    if (count > VF_DECIMAL_DIGITS_MAX)
        return s_too_many (err, sc, "significant digits", count);
    if (low >= 0 && count + low > VF_DECIMAL_DIGITS_MAX)
        return s_too_many (err, sc, "integer digits", count + low);
    if (low < 0 && -low > VF_DECIMAL_SCALE_MAX)
        return s_too_many (err, sc, "digits after the point", -low);
    int64_t coef = 0;
    for (size_t i = first; i < last; i++)
        coef = coef * 10 + s_digit_at (sc, i);
    if (low > 0)
        coef *= s_pow10[low];
    out->coef = sc->negative ? -coef : coef;
    out->scale = (uint8_t) (low < 0 ? -low : 0);
    return 0;
}

int
vf_decimal_parse (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err)
{
    s_scan_t sc;
    int rc = s_scan (&sc, text, len, err);
    if (rc == 0)
        rc = s_build (out, &sc, err);
    return rc;
}

int
vf_decimal_parse_canonical (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err)
{
    vf_decimal_t d;
    int rc = vf_decimal_parse (&d, text, len, err);
    if (rc)
        return rc;
    char canon[VF_DECIMAL_TEXT_MAX];
    vf_decimal_format (&d, canon);
    if (strlen (canon) != len || memcmp (canon, text, len) != 0) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_ENONCANON, "%s is not in canonical form; write it as '%s'",
                           vf_quote (q, sizeof q, text, len), canon);
    }
    *out = d;
    return 0;
}

int
vf_decimal_from_double (vf_decimal_t *out, double value, vf_err_t *err)
{
    if (!isfinite (value))
        return vf_err_set (err, VF_ERANGE, "number %g is not finite; quantities must be finite",
                           value);
    char text[64];
    snprintf (text, sizeof text, "%.*g", VF_JSON_NUMBER_DIGITS_MAX, value);
    if (strtod (text, NULL) != value)
        return vf_err_set (err, VF_ERANGE,
                           "number %.17g has more than %d significant digits; write it as a "
                           "string (\"...\") to keep it exact",
                           value, VF_JSON_NUMBER_DIGITS_MAX);
    int rc = vf_decimal_parse (out, text, strlen (text), err);
    if (rc && err)
        vf_err_prefix (err, "number %s", text);
    return rc;
}

vf_decimal_t
vf_decimal_from_int (int64_t value)
{
    assert (value >= -VF_DECIMAL_COEF_MAX && value <= VF_DECIMAL_COEF_MAX);
    return (vf_decimal_t){ value, 0 };
}

int
vf_decimal_from_int_checked (vf_decimal_t *out, int64_t value, vf_err_t *err)
{
    if (value < -VF_DECIMAL_COEF_MAX || value > VF_DECIMAL_COEF_MAX)
        return vf_err_set (err, VF_ERANGE,
                           "integer %lld is out of range: at most %d digits are accepted",
                           (long long) value, VF_DECIMAL_DIGITS_MAX);
    *out = (vf_decimal_t){ value, 0 };
    return 0;
}

bool
vf_decimal_valid (vf_decimal_t d)
{
    if (d.coef < -VF_DECIMAL_COEF_MAX || d.coef > VF_DECIMAL_COEF_MAX)
        return false;
    if (d.scale > VF_DECIMAL_SCALE_MAX)
        return false;
    return d.scale == 0 || d.coef % 10 != 0;
}

/*  Digits written right to left: the fraction (exactly scale digits, with
    leading zeros), the point, the integer part (at least "0"), the sign. */
char *
vf_decimal_format (const vf_decimal_t *d, char out[VF_DECIMAL_TEXT_MAX])
{
    assert (vf_decimal_valid (*d));
    uint64_t mag = d->coef < 0 ? (uint64_t) 0 - (uint64_t) d->coef : (uint64_t) d->coef;
    char tmp[VF_DECIMAL_TEXT_MAX];
    size_t at = sizeof tmp;
    tmp[--at] = '\0';
    for (int i = 0; i < d->scale; i++, mag /= 10)
        tmp[--at] = (char) ('0' + mag % 10);
    if (d->scale > 0)
        tmp[--at] = '.';
    do {
        tmp[--at] = (char) ('0' + mag % 10);
        mag /= 10;
    } while (mag > 0);
    if (d->coef < 0)
        tmp[--at] = '-';
    memcpy (out, tmp + at, sizeof tmp - at);
    return out;
}

/*  Strip trailing zero digits of the fraction and check the digit limit. */
static int
s_normalise (vf_decimal_t *out, int64_t coef, int scale)
{
    while (scale > 0 && coef % 10 == 0) {
        coef /= 10;
        scale--;
    }
    if (coef < -VF_DECIMAL_COEF_MAX || coef > VF_DECIMAL_COEF_MAX)
        return VF_ERANGE;
    out->coef = coef;
    out->scale = (uint8_t) scale;
    return 0;
}

/*  a + b, or a - b when subtract. Both are brought to the larger scale.
    If that or the sum overflows int64, the exact result has a non-zero
    digit at 10^-scale and at least 19 digits, so VF_ERANGE is exact too. */
static int
s_add (vf_decimal_t *out, vf_decimal_t a, vf_decimal_t b, bool subtract)
{
    assert (vf_decimal_valid (a) && vf_decimal_valid (b));
    int scale = a.scale > b.scale ? a.scale : b.scale;
    int64_t ca, cb, sum;
    if (__builtin_mul_overflow (a.coef, s_pow10[scale - a.scale], &ca) ||
        __builtin_mul_overflow (b.coef, s_pow10[scale - b.scale], &cb))
        return VF_ERANGE;
    bool overflow =
        subtract ? __builtin_sub_overflow (ca, cb, &sum) : __builtin_add_overflow (ca, cb, &sum);
    if (overflow)
        return VF_ERANGE;
    return s_normalise (out, sum, scale);
}

int
vf_decimal_add (vf_decimal_t *out, vf_decimal_t a, vf_decimal_t b)
{
    return s_add (out, a, b, false);
}

int
vf_decimal_sub (vf_decimal_t *out, vf_decimal_t a, vf_decimal_t b)
{
    return s_add (out, a, b, true);
}

int
vf_decimal_sign (vf_decimal_t d)
{
    return (d.coef > 0) - (d.coef < 0);
}

/*  Compare magnitudes as (integer part, fraction in units of 10^-18);
    both fit int64 for any valid decimal, so no scaling can overflow. */
static int
s_cmp_magnitude (vf_decimal_t a, vf_decimal_t b)
{
    uint64_t ma = a.coef < 0 ? (uint64_t) -a.coef : (uint64_t) a.coef;
    uint64_t mb = b.coef < 0 ? (uint64_t) -b.coef : (uint64_t) b.coef;
    uint64_t ia = ma / (uint64_t) s_pow10[a.scale], ib = mb / (uint64_t) s_pow10[b.scale];
    if (ia != ib)
        return ia < ib ? -1 : 1;
    uint64_t fa =
        ma % (uint64_t) s_pow10[a.scale] * (uint64_t) s_pow10[VF_DECIMAL_SCALE_MAX - a.scale];
    uint64_t fb =
        mb % (uint64_t) s_pow10[b.scale] * (uint64_t) s_pow10[VF_DECIMAL_SCALE_MAX - b.scale];
    return (fa > fb) - (fa < fb);
}

int
vf_decimal_cmp (vf_decimal_t a, vf_decimal_t b)
{
    assert (vf_decimal_valid (a) && vf_decimal_valid (b));
    int sa = vf_decimal_sign (a), sb = vf_decimal_sign (b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int m = s_cmp_magnitude (a, b);
    return sa < 0 ? -m : m;
}

int
vf_decimal_neg (vf_decimal_t *out, vf_decimal_t d)
{
    if (d.coef == INT64_MIN)
        return VF_ERANGE;
    out->coef = -d.coef;
    out->scale = d.scale;
    return 0;
}
