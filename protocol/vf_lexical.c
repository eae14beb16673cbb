/*  vf_lexical.c - IRIs, unit labels and date-times. */
#include "vf_lexical.h"

#include <string.h>

#include "vf_limits.h"

/*  Length of the UTF-8 sequence at s (n bytes left) and its code point in
 *cp, or 0 if it is not a valid, shortest-form scalar value. */
static size_t
s_utf8_next (const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len = s[0] < 0x80   ? 1
                 : s[0] < 0xc2 ? 0
                 : s[0] < 0xe0 ? 2
                 : s[0] < 0xf0 ? 3
                 : s[0] < 0xf5 ? 4
                               : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

static bool
s_alpha (int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool
s_digit (int ch)
{
    return ch >= '0' && ch <= '9';
}

const char *
vf_iri_reserved (const char *s, size_t len)
{
    if (!s || len < 4)
        return NULL;
    if (memcmp (s, "vfn:", 4) == 0)
        return "vfn:";
    if (memcmp (s, "om2:", 4) == 0)
        return "om2:";
    return NULL;
}

const char *
vf_om2_local (const char *s, size_t len)
{
    static const char *const ns[] = { VF_OM2_NS, VF_OM2_NS_HTTPS, "om2:" };
    for (size_t i = 0; s && i < sizeof ns / sizeof ns[0]; i++) {
        size_t n = strlen (ns[i]);
        if (len >= n && memcmp (s, ns[i], n) == 0)
            return s + n;
    }
    return NULL;
}

bool
vf_iri_valid (const char *s, size_t len)
{
    if (!s || len == 0 || len > VF_IRI_MAX || !s_alpha ((unsigned char) s[0]))
        return false;
    size_t i = 1;
    while (i < len && s[i] != ':') {
        int ch = (unsigned char) s[i++];
        if (!s_alpha (ch) && !s_digit (ch) && ch != '+' && ch != '-' && ch != '.')
            return false;
    }
    if (i + 1 >= len) /* no ":" or nothing after it */
        return false;
    const unsigned char *u = (const unsigned char *) s;
    for (i = 0; i < len;) {
        uint32_t cp = u[i];
        size_t n = s_utf8_next (u + i, len - i, &cp);
        if (n == 0 || cp <= 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return false;
        if (cp < 0x80 && strchr ("<>\"{}|\\^`", (int) cp))
            return false;
        i += n;
    }
    return true;
}

bool
vf_unit_label_valid (const char *s, size_t len)
{
    if (len == 0 || len > VF_UNIT_LABEL_MAX || !s_alpha ((unsigned char) s[0]))
        return false;
    for (size_t i = 1; i < len; i++) {
        int ch = (unsigned char) s[i];
        if (!s_alpha (ch) && !s_digit (ch) && ch != '_' && ch != '-')
            return false;
    }
    return true;
}

/*  Value of the n digits at s, or -1 if one is not a digit. */
static int
s_num (const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_digit ((unsigned char) s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/*  Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
    (H. Hinnant's days_from_civil). */
static int64_t
s_days (int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool
vf_datetime_parse (const char *s, size_t len, vf_instant_t *out)
{
    /*  YYYY-MM-DDThh:mm:ss[.f+](Z|+hh:mm|-hh:mm) */
    if (!s || len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return false;
    int y = s_num (s, 4), mo = s_num (s + 5, 2), d = s_num (s + 8, 2);
    int h = s_num (s + 11, 2), mi = s_num (s + 14, 2), se = s_num (s + 17, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
        se > 59)
        return false;
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return false;
    size_t i = 19;
    out->frac = s + i;
    out->fraclen = 0;
    if (i < len && s[i] == '.') {
        i++;
        out->frac = s + i;
        while (i < len && s_digit ((unsigned char) s[i]))
            i++;
        out->fraclen = (size_t) (s + i - out->frac);
        if (out->fraclen == 0)
            return false;
    }
    int offset = 0;
    if (i + 1 == len && s[i] == 'Z')
        offset = 0;
    else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = s_num (s + i + 1, 2), om = s_num (s + i + 4, 2);
        if (oh < 0 || om < 0 || om > 59 || oh > 14 || (oh == 14 && om != 0))
            return false;
        offset = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else
        return false;
    out->secs = s_days (y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return true;
}

bool
vf_datetime_valid (const char *s, size_t len)
{
    vf_instant_t t;
    return vf_datetime_parse (s, len, &t);
}

/*  -1, 0, 1 as a is before, at, after b. */
int
vf_instant_cmp (const vf_instant_t *a, const vf_instant_t *b)
{
    if (a->secs != b->secs)
        return a->secs < b->secs ? -1 : 1;
    size_t n = a->fraclen > b->fraclen ? a->fraclen : b->fraclen;
    for (size_t i = 0; i < n; i++) {
        char x = i < a->fraclen ? a->frac[i] : '0';
        char y = i < b->fraclen ? b->frac[i] : '0';
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}
