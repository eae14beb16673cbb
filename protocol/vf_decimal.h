/*  vf_decimal.h - exact decimal quantities.

    No binary floating point touches a quantity. A decimal is a signed
    64-bit coefficient and a scale: value = coef / 10^scale. Values are kept
    normalised (no trailing zero digits in coef when scale > 0; zero is
    coef 0, scale 0), so equal values have equal representations and one
    canonical text form: optional "-", digits with no leading zeros, and a
    "." followed by digits not ending in 0 if there is a fraction
    ("2455", "1531.8", "-3", "0.25"; never "+1", "1.50", "-0", "1e3").
    Limits (vf_limits.h): at most VF_DECIMAL_DIGITS_MAX significant digits and
    VF_DECIMAL_SCALE_MAX digits after the point.
*/
#ifndef VF_DECIMAL_H
#define VF_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"
#include "vf_limits.h"

typedef struct {
    int64_t coef;
    uint8_t scale;
} vf_decimal_t;

/*  Parse a decimal written by a person or a program: optional sign (+/-),
    digits, optional fraction, optional exponent (e/E, |exp| <=
    VF_DECIMAL_EXP_MAX). Leading/trailing zeros are fine. Rejects empty
    input, spaces, "12,5", "NaN", "Inf", hex, more significant digits than
    the limit (VF_ERANGE), and anything else (VF_EPARSE), with a message
    quoting the input. */
int vf_decimal_parse (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err);

/*  Parse only the canonical text form (see above); anything else is
    VF_ENONCANON (if it would parse leniently) or VF_EPARSE. Used when
    reading entries, so that one value has one encoding. */
int vf_decimal_parse_canonical (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err);

/*  From a JSON number the JSON parser gave as a double: accepted only if it
    is finite and is exactly the double nearest to a decimal of at most
    VF_JSON_NUMBER_DIGITS_MAX significant digits (then that decimal is the
    result). Otherwise VF_ERANGE, with a message saying to write the value
    as a string. */
int vf_decimal_from_double (vf_decimal_t *out, double value, vf_err_t *err);

/*  From an integer (always exact). */
vf_decimal_t vf_decimal_from_int (int64_t value);

/*  Canonical text into out (VF_DECIMAL_TEXT_MAX bytes). Returns out. */
char *vf_decimal_format (const vf_decimal_t *d, char out[VF_DECIMAL_TEXT_MAX]);

/*  Exact arithmetic: *out = a + b, a - b. Returns 0 or VF_ERANGE when the
    exact result does not fit the limits (never rounds). out may alias. */
int vf_decimal_add (vf_decimal_t *out, vf_decimal_t a, vf_decimal_t b);
int vf_decimal_sub (vf_decimal_t *out, vf_decimal_t a, vf_decimal_t b);

/*  -1, 0 or 1 as a <, ==, > b (exact). */
int vf_decimal_cmp (vf_decimal_t a, vf_decimal_t b);

/*  -1, 0 or 1 by the sign of d. */
int vf_decimal_sign (vf_decimal_t d);

/*  Negation; VF_ERANGE only for the most negative coefficient. */
int vf_decimal_neg (vf_decimal_t *out, vf_decimal_t d);

#endif
