/*  vf_text.c - "vfk_..." text forms: kind prefix + RFC 4648 base32.

    32 bytes are 256 bits; 52 base32 characters carry 260, so the last
    character holds 1 data bit and 4 zero bits (it is 'a' or 'q').
    Characters are mapped without table lookups or branches on their value,
    because seeds pass through here too.
*/
#include "vf_text.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#define S_PREFIX_LEN 4
#define S_B32_LEN 52 /* ceil (32 * 8 / 5) */

_Static_assert(S_PREFIX_LEN + S_B32_LEN == VF_TEXT_LEN, "text form length");
_Static_assert(VF_TEXT_LEN + 1 <= VF_TEXT_MAX, "VF_TEXT_MAX holds a text form");

static const struct {
    const char *prefix;
    const char *name; /* for messages: "expected a key (vfk_...)" */
} s_kinds[] = {
    [VF_TEXT_KEY] = { "vfk_", "a key" },
    [VF_TEXT_ID] = { "vfe_", "an entry id" },
    [VF_TEXT_NET] = { "vfn_", "a network id" },
    [VF_TEXT_SEED] = { "vfs_", "a secret seed" },
};
#define S_KINDS ((int) (sizeof s_kinds / sizeof s_kinds[0]))

/*  0..25 -> 'a'..'z', 26..31 -> '2'..'7'. */
static char
s_b32_char (unsigned v)
{
    int x = (int) v;
    int digit_adjust = ((25 - x) >> 8) & ('2' - 'a' - 26); /* only when x >= 26 */
    return (char) ('a' + x + digit_adjust);
}

/*  'a'..'z' -> 0..25, '2'..'7' -> 26..31, anything else -> -1. */
static int
s_b32_value (unsigned char c)
{
    int x = c;
    int is_lower = ~(((x - 'a') | ('z' - x)) >> 8) & 1;
    int is_digit = ~(((x - '2') | ('7' - x)) >> 8) & 1;
    int value = is_lower * (x - 'a') + is_digit * (x - '2' + 26);
    return value - (1 - is_lower - is_digit) * (value + 1);
}

char *
vf_text_encode (char out[VF_TEXT_MAX], vf_text_kind_t kind, const uint8_t bytes[VF_KEY_BYTES])
{
    memcpy (out, s_kinds[kind].prefix, S_PREFIX_LEN);
    unsigned acc = 0, bits = 0;
    size_t o = S_PREFIX_LEN;
    for (size_t i = 0; i < VF_KEY_BYTES; i++) {
        acc = (acc << 8) | bytes[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = s_b32_char ((acc >> bits) & 31);
        }
    }
    if (bits > 0)
        out[o++] = s_b32_char ((acc << (5 - bits)) & 31);
    out[o] = '\0';
    return out;
}

int
vf_text_kind (const char *text)
{
    for (int k = 0; k < S_KINDS; k++)
        if (strncmp (text, s_kinds[k].prefix, S_PREFIX_LEN) == 0)
            return k;
    return -1;
}

/*  The prefix must be kind's. Only the first 4 characters are shown, so
    that a seed pasted in the wrong place is not echoed. */
static int
s_check_prefix (vf_text_kind_t kind, const char *text, vf_err_t *err)
{
    int found = vf_text_kind (text);
    if (found == (int) kind)
        return 0;
    if (found >= 0)
        return vf_err_set (err, VF_EPARSE, "expected %s (%s...), got %s (%s...)",
                           s_kinds[kind].name, s_kinds[kind].prefix, s_kinds[found].name,
                           s_kinds[found].prefix);
    char q[VF_QUOTE_MAX];
    return vf_err_set (err, VF_EPARSE, "expected %s (%s...), got text starting %s",
                       s_kinds[kind].name, s_kinds[kind].prefix,
                       vf_quote (q, sizeof q, text, strnlen (text, S_PREFIX_LEN)));
}

/*  Decode the 52 characters after the prefix; pos in messages counts
    from 1 at the start of the whole text. */
static int
s_decode_b32 (uint8_t out[VF_KEY_BYTES], const char *b32, vf_err_t *err)
{
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < S_B32_LEN; i++) {
        int v = s_b32_value ((unsigned char) b32[i]);
        if (v < 0) {
            char q[16];
            return vf_err_set (err, VF_EPARSE, "character %zu %s is not base32 (a-z, 2-7)",
                               i + 1 + S_PREFIX_LEN, vf_quote (q, sizeof q, b32 + i, 1));
        }
        acc = (acc << 5) | (unsigned) v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t) (acc >> bits);
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0)
        return vf_err_set (err, VF_EPARSE,
                           "character %d '%c' has unused low bits set; the last character "
                           "must be 'a' or 'q'",
                           VF_TEXT_LEN, b32[S_B32_LEN - 1]);
    return 0;
}

int
vf_text_decode (uint8_t out[VF_KEY_BYTES], vf_text_kind_t kind, const char *text, vf_err_t *err)
{
    int rc = s_check_prefix (kind, text, err);
    if (rc)
        return rc;
    size_t len = strnlen (text, VF_TEXT_MAX);
    if (len != VF_TEXT_LEN)
        return vf_err_set (
            err, VF_EPARSE, "length %s%zu, expected %d (%s and %d base32 characters)",
            len == VF_TEXT_MAX ? "over " : "", len, VF_TEXT_LEN, s_kinds[kind].prefix, S_B32_LEN);
    uint8_t tmp[VF_KEY_BYTES];
    rc = s_decode_b32 (tmp, text + S_PREFIX_LEN, err);
    if (rc == 0)
        memcpy (out, tmp, VF_KEY_BYTES);
    sodium_memzero (tmp, sizeof tmp); /* may hold a seed */
    return rc;
}
