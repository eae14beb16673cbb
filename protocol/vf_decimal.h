/*  vf_decimal.h - exact decimal quantities.

    No binary floating point touches a quantity. A decimal is a signed
    64-bit coefficient and a scale: value = coef / 10^scale. Values are kept
    normalised (no trailing zero digits in coef when scale > 0; zero is
    coef 0, scale 0), so equal values have equal representations and one
    canonical text form: optional "-", digits with no leading zeros, and a
    "." followed by digits not ending in 0 if there is a fraction
    ("2455", "1531.8", "-3", "0.25"; never "+1", "1.50", "-0", "1e3").
    Limits (vf_limits.h): at most VF_DECIMAL_DIGITS_MAX significant digits and
    VF_DECIMAL_SCALE_MAX digits after the point. Since scale is never
    negative, an integer's trailing zeros count as digits: |coef| <=
    VF_DECIMAL_COEF_MAX, so 1e17 fits and 1e18 does not.

    Every function that takes a vf_decimal_t expects a valid one (made by
    this module; see vf_decimal_valid) and asserts it.
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

/*  Largest coefficient: VF_DECIMAL_DIGITS_MAX nines. */
#define VF_DECIMAL_COEF_MAX 999999999999999999LL

/*  Parse a decimal written by a person or a program. The grammar:
        [+-]? ( digits ( "." digits )? | "." digits ) ( [eE] [+-]? digits )?
    so "2455", "1531.8", "-3", "+0.50", ".5", "1.5e3", "1E-7", "0001.2300"
    and "-0" (= 0) are accepted, and "1." (point without fraction digits),
    ".", "1e", "e5" are not. The exponent must lie in +-VF_DECIMAL_EXP_MAX.
    Leading/trailing zeros are fine and do not count as significant digits.
    Rejects empty input, spaces anywhere, "12,5", "NaN", "Inf", hex "0x10"
    (VF_EPARSE), and values beyond the limits (VF_ERANGE: more than 18
    significant digits, more than 18 digits after the point once
    normalised, an integer part of more than 18 digits, "1e999"). The
    message quotes the input and, for VF_EPARSE, the offending character
    and its position. */
int vf_decimal_parse (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err);

/*  Parse only the canonical text form (see above); anything else is
    VF_ENONCANON (if it would parse leniently; the message gives the
    canonical form), VF_EPARSE or VF_ERANGE as vf_decimal_parse. Used when
    reading entries, so that one value has one encoding. */
int vf_decimal_parse_canonical (vf_decimal_t *out, const char *text, size_t len, vf_err_t *err);

/*  From a JSON number the JSON parser gave as a double: accepted only if it
    is finite and is exactly the double nearest to a decimal of at most
    VF_JSON_NUMBER_DIGITS_MAX significant digits (then that decimal is the
    result; -0.0 gives 0). Otherwise VF_ERANGE, with a message saying to
    write the value as a string; VF_ERANGE also for values beyond the
    decimal limits (1e300, 1e-30). */
int vf_decimal_from_double (vf_decimal_t *out, double value, vf_err_t *err);

/*  From an integer known to be in range (a constant or a count):
    |value| <= VF_DECIMAL_COEF_MAX, asserted. Always exact. */
vf_decimal_t vf_decimal_from_int (int64_t value);

/*  From an integer that came from outside (e.g. a JSON integer): 0, or
    VF_ERANGE if |value| > VF_DECIMAL_COEF_MAX. */
int vf_decimal_from_int_checked (vf_decimal_t *out, int64_t value, vf_err_t *err);

/*  Does d keep the invariants: |coef| <= VF_DECIMAL_COEF_MAX, scale <=
    VF_DECIMAL_SCALE_MAX, no trailing zero in coef when scale > 0. */
bool vf_decimal_valid (vf_decimal_t d);

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

/*  Negation. Never fails for a valid d (the range is symmetric); VF_ERANGE
    only for the invalid coefficient INT64_MIN. out may alias. */
int vf_decimal_neg (vf_decimal_t *out, vf_decimal_t d);

#endif
