/*  cmd_trace.c - vfctl trace, track, previous and next: where a resource
    came from and where it went, across co-ops (docs/TRACE.md). One
    "trace" request to the node (docs/API.md), its result printed as an
    indented tree (the default), as JSON-LD (--json) or as Graphviz DOT
    (--dot); --rollup adds the work and the inputs per organisation. */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_jsonld.h"
#include "vf_lexical.h"
#include "vf_limits.h"
#include "vf_trace.h"
#include "vf_vocab.h"
#include "vfctl.h"

/*  Longest IRI, name or agent shown whole in the tree and the graph
    (bytes of the record's text); longer ones are cut in the middle
    ("https://host/…/end") or at the end, between characters, so that a
    line stays readable. */
#define S_TEXT_MAX 60
/*  Room for one such text, a quantity or a marker: a clipped text is at
    most S_TEXT_MAX bytes of the record's, each of which may become a
    3-byte U+FFFD, and "…". */
#define S_BUF 256
_Static_assert(S_BUF >= 3 * S_TEXT_MAX + sizeof "…", "S_BUF holds any clipped text");
/*  Deepest indentation of the tree (two spaces a level); deeper items
    say their depth. */
#define S_INDENT_MAX 30

/*  What a character that must not reach the terminal or the graph is
    shown as: U+FFFD REPLACEMENT CHARACTER. Not '?', which names and IRIs
    (queries) hold themselves, so a replaced character could pass for a
    real one; the output is UTF-8 already ("…"). */
#define S_REPLACEMENT "\xEF\xBF\xBD"

typedef struct {
    const char *dir;
    const char *iri;
    uint64_t depth; /* 0: not given */
    uint64_t items; /* 0: not given */
    bool boundary, pending, json, dot, rollup;
} s_opts_t;

/*  The API result being printed and its parts. */
typedef struct {
    const json_t *r, *items, *agents, *orgs;
    bool forward; /* track / next: items lead away from the start */
} s_walk_t;

/* ------------------------------------------------------------ options */

/*  The options that have no short form, as values getopt cannot take for
    a short option: a short option getopt does not know (optopt a byte)
    is then told from a long one given a value (optopt one of these). */
enum { S_DEPTH = 256, S_MAX_ITEMS, S_BOUNDARY, S_PENDING, S_DOT, S_ROLLUP };

static const struct option s_longopts[] = {
    { "dir", required_argument, NULL, 'd' },
    { "json", no_argument, NULL, 'j' },
    { "depth", required_argument, NULL, S_DEPTH },
    { "max-items", required_argument, NULL, S_MAX_ITEMS },
    { "boundary", no_argument, NULL, S_BOUNDARY },
    { "pending", no_argument, NULL, S_PENDING },
    { "dot", no_argument, NULL, S_DOT },
    { "rollup", no_argument, NULL, S_ROLLUP },
    { NULL, 0, NULL, 0 },
};

/*  The long name of option val. */
static const char *
s_long_name (int val)
{
    const struct option *o = s_longopts;
    while (o->name && o->val != val)
        o++;
    return o->name ? o->name : "?";
}

/*  The usage error for what getopt_long returned as c ('?' or ':'):
    arg is the command line word it was reading when it is a long option.
    A short option is named by optopt, as "-x" inside "-jx" would be lost
    in its word; a long one by what was typed up to any "=". */
static int
s_bad_option (const vfctl_cmd_t *cmd, int c, const char *arg)
{
    bool is_long = arg && strncmp (arg, "--", 2) == 0;
    int len = arg ? (int) strcspn (arg, is_long ? "=" : "") : 0;
    if (c == ':' && is_long)
        return vfctl_usage (cmd, "option '%.*s' needs a value", len, arg);
    if (c == ':')
        return vfctl_usage (cmd, "option '-%c' needs a value", optopt);
    if (optopt == 'j' || optopt >= S_DEPTH) /* a long one given a value */
        return vfctl_usage (cmd, "option '--%s' takes no value", s_long_name (optopt));
    if (optopt)
        return vfctl_usage (cmd, "unknown option '-%c'", optopt);
    char some[128] = "";
    size_t used = 0, matches = 0;
    for (const struct option *o = s_longopts; is_long && o->name; o++)
        if (strncmp (o->name, arg + 2, (size_t) len - 2) == 0 && used < sizeof some)
            used += (size_t) snprintf (some + used, sizeof some - used, "%s--%s",
                                       matches++ ? ", " : "", o->name);
    if (matches > 1)
        return vfctl_usage (cmd, "option '%.*s' is ambiguous: %s", len, arg, some);
    return vfctl_usage (cmd, "unknown option '%.*s'", len, arg ? arg : "?");
}

static int
s_parse (const vfctl_cmd_t *cmd, int argc, char **argv, s_opts_t *o)
{
    int c;
    optind = 1;
    opterr = 0; /* our own messages, naming the option */
    while ((c = getopt_long (argc, argv, ":d:j", s_longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->dir = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case S_DEPTH:
        case S_MAX_ITEMS: {
            /*  the API's bounds: a walk holds its items in memory */
            uint64_t *v = c == S_DEPTH ? &o->depth : &o->items;
            int max = c == S_DEPTH ? VF_TRACE_ITEMS_MAX : VF_TRACE_API_ITEMS_MAX;
            if (vfctl_parse_u64 (optarg, v) || *v == 0 || *v > (uint64_t) max)
                return vfctl_usage (cmd, "--%s '%s': expected a whole number from 1 to %d",
                                    s_long_name (c), optarg, max);
            break;
        }
        case S_BOUNDARY:
            o->boundary = true;
            break;
        case S_PENDING:
            o->pending = true;
            break;
        case S_DOT:
            o->dot = true;
            break;
        case S_ROLLUP:
            o->rollup = true;
            break;
        default: /* '?' or ':'; a long option's word is the last one read */
            return s_bad_option (cmd, c, optind > 1 ? argv[optind - 1] : NULL);
        }
    }
    if (o->json && o->dot)
        return vfctl_usage (cmd, "--json and --dot: choose one");
    if (argc - optind != 1)
        return vfctl_usage (cmd, "expected one IRI (a resource, event or process) or an event's "
                                 "entry id (vfe_...)");
    o->iri = argv[optind];
    o->dir = vfctl_node_dir (o->dir);
    return 0;
}

/* -------------------------------------------------------------- texts */

static const char *
s_s (const json_t *o, const char *key)
{
    return json_string_value (json_object_get (o, key));
}

/*  End buf (of size bytes, at least 4) with "…" in place of what did not
    fit, cut between whole characters. */
static void
s_ellipsis (char *buf, size_t size)
{
    size_t len = strlen (buf);
    while (len > 0 && len + sizeof "…" > size) {
        len--; /* back to the start of the character before */
        while (len > 0 && ((unsigned char) buf[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy (buf + len, "…", sizeof "…");
}

/*  Append to buf (of size bytes, always NUL-terminated) what fits; if
    not all of it does, it ends with "…" (never half a character). */
static void s_cat (char *buf, size_t size, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_cat (char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen (buf);
    va_list ap;
    va_start (ap, fmt);
    int n = used + 1 < size ? vsnprintf (buf + used, size - used, fmt, ap) : 1;
    va_end (ap);
    if (n > 0 && (size_t) n >= size - used)
        s_ellipsis (buf, size);
}

/*  The length (1 to 4) of the well-formed UTF-8 character at s, of which
    n bytes are left, and its code point in *cp; 0 when s starts none: a
    stray continuation byte, a byte UTF-8 never uses, an overlong form, a
    surrogate, beyond U+10FFFF, or cut short. */
static size_t
s_utf8 (const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len = s[0] < 0x80 ? 1 : s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3Fu);
    }
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/*  Characters a record's text must not send to a terminal or a graph: a
    control may move the cursor, clear the screen or end a line (C0, DEL,
    C1 with U+009B CSI); a bidi control reorders what follows it; an
    invisible one makes two different IRIs or names look the same. */
static bool
s_unsafe (uint32_t cp)
{
    static const uint32_t ranges[][2] = {
        { 0x0000, 0x001F },   /* C0 controls: line breaks, ESC */
        { 0x007F, 0x009F },   /* DEL and the C1 controls */
        { 0x00AD, 0x00AD },   /* soft hyphen */
        { 0x061C, 0x061C },   /* Arabic letter mark */
        { 0x180E, 0x180E },   /* Mongolian vowel separator */
        { 0x200B, 0x200F },   /* zero width space, (non-)joiner, LRM, RLM */
        { 0x2028, 0x202E },   /* line, paragraph separator; embeddings, overrides */
        { 0x2060, 0x206F },   /* word joiner, invisible operators, isolates */
        { 0xFEFF, 0xFEFF },   /* zero width no-break space (BOM) */
        { 0xFFF9, 0xFFFB },   /* interlinear annotation */
        { 0xE0000, 0xE007F }, /* tags: invisible ASCII */
    };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
        if (cp >= ranges[k][0] && cp <= ranges[k][1])
            return true;
    return false;
}

/*  How many bytes the character at s (n bytes left) takes: a byte that
    starts none counts as one character. */
static size_t
s_char_len (const char *s, size_t n)
{
    uint32_t cp;
    size_t len = s_utf8 ((const unsigned char *) s, n, &cp);
    return len ? len : 1;
}

/*  The start of a character of s (n bytes) at byte at, else the last one
    before it or, if up, the first one after it (at most n). */
static size_t
s_boundary (const char *s, size_t n, size_t at, bool up)
{
    size_t b = 0, len = 0;
    while (b < n && b + (len = s_char_len (s + b, n - b)) <= at)
        b += len;
    return up && b < at && b < n ? b + len : b;
}

/*  Append the n bytes at s to buf (of size bytes, NUL-terminated) as safe
    text: every byte that starts no well-formed character and every unsafe
    character (s_unsafe) as one S_REPLACEMENT. If it does not all fit it
    ends with "…". */
static void
s_put (char *buf, size_t size, const char *s, size_t n)
{
    size_t used = strlen (buf);
    const unsigned char *u = (const unsigned char *) s;
    for (size_t at = 0; at < n;) {
        uint32_t cp = 0;
        size_t len = s_utf8 (u + at, n - at, &cp);
        const char *out = len && !s_unsafe (cp) ? s + at : S_REPLACEMENT;
        size_t m = out == s + at ? len : sizeof S_REPLACEMENT - 1;
        if (used + m >= size) {
            s_ellipsis (buf, size);
            return;
        }
        memcpy (buf + used, out, m);
        buf[used += m] = '\0';
        at += len ? len : 1;
    }
}

/*  s as safe text (s_put), or if it is longer than S_TEXT_MAX bytes its
    start and end around "…": an IRI keeps its scheme and host and as much
    of its path's end as fits, other text its start. Cuts fall between
    characters. */
static const char *
s_clip (const char *s, bool iri, char *buf, size_t size)
{
    size_t n = strlen (s);
    buf[0] = '\0';
    if (n <= S_TEXT_MAX) {
        s_put (buf, size, s, n);
        return buf;
    }
    if (!iri) {
        s_put (buf, size, s, s_boundary (s, n, S_TEXT_MAX - 1, false));
        s_cat (buf, size, "…");
        return buf;
    }
    size_t head = 24;
    const char *host = strstr (s, "://");
    const char *slash = host ? strchr (host + 3, '/') : NULL;
    if (slash && (size_t) (slash - s) < S_TEXT_MAX / 2)
        head = (size_t) (slash - s) + 1;
    head = s_boundary (s, n, head, false);
    /*  the end: what fills the other S_TEXT_MAX - 1 bytes, from a path
        segment's start if one leaves enough */
    size_t tail = s_boundary (s, n, n - (S_TEXT_MAX - 1 - head), true);
    const char *cut = strchr (s + tail, '/');
    if (cut && strlen (cut) > 12)
        tail = (size_t) (cut - s);
    s_put (buf, size, s, head);
    s_cat (buf, size, "…");
    s_put (buf, size, s + tail, n - tail);
    return buf;
}

/*  The name of organisation key (vfk_...) from "organisations", else the
    key's start as vfctl events shows it. */
static const char *
s_org (const s_walk_t *w, const char *key, char *buf, size_t size)
{
    const char *name = s_s (w->orgs, key);
    if (name && *name)
        return s_clip (name, false, buf, size);
    buf[0] = '\0';
    s_put (buf, size, key, s_boundary (key, strlen (key), 12, false));
    return buf;
}

/*  An agent's name from "agents", else its IRI. */
static const char *
s_agent (const s_walk_t *w, const char *iri, char *buf, size_t size)
{
    const char *name = s_s (w->agents, iri);
    return name && *name ? s_clip (name, false, buf, size) : s_clip (iri, true, buf, size);
}

/*  A measure as "12.5 kilogram" ("" when there is none) into buf of
    2 * S_BUF bytes; measures may be written with om2: terms
    (docs/PROTOCOL.md), a unit may be any IRI. */
static const char *
s_qty (const json_t *q, char *buf, size_t size)
{
    char t[S_BUF];
    buf[0] = '\0';
    const json_t *num = json_object_get (q, "hasNumericalValue");
    const char *unit = s_s (q, "hasUnit");
    if (!num)
        num = json_object_get (q, "om2:hasNumericalValue"), unit = s_s (q, "om2:hasUnit");
    if (!num)
        return buf;
    if (json_is_string (num))
        s_cat (buf, size, "%s", s_clip (json_string_value (num), false, t, sizeof t));
    else if (json_is_integer (num))
        s_cat (buf, size, "%" PRId64, (int64_t) json_integer_value (num));
    else
        s_cat (buf, size, "%.15g", json_number_value (num));
    if (unit && strncmp (unit, "om2:", 4) == 0)
        unit += 4;
    else if (unit && strncmp (unit, VF_OM2_NS, strlen (VF_OM2_NS)) == 0)
        unit += strlen (VF_OM2_NS);
    if (unit && *unit)
        s_cat (buf, size, " %s", s_clip (unit, true, t, sizeof t));
    return buf;
}

static bool
s_is (const json_t *item, const char *type)
{
    const char *t = s_s (item, "@type");
    return t && strcmp (t, type) == 0;
}

/*  What an item is called: an event its action, a resource or process
    its name, else its IRI. */
static const char *
s_label (const json_t *item, char *buf, size_t size)
{
    if (s_is (item, "EconomicEvent") && s_s (item, "action"))
        return s_clip (s_s (item, "action"), false, buf, size);
    if (s_s (item, "name") && !json_is_true (json_object_get (item, "vfn:unknown")))
        return s_clip (s_s (item, "name"), false, buf, size);
    return s_clip (s_s (item, "@id") ? s_s (item, "@id") : "?", true, buf, size);
}

/*  The item's quantity: an event's resource or effort quantity, a
    resource's on-hand (else accounting) quantity. */
static const char *
s_item_qty (const json_t *item, char *buf, size_t size)
{
    static const char *keys[] = { "resourceQuantity", "effortQuantity", "onhandQuantity",
                                  "accountingQuantity" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (*s_qty (json_object_get (item, keys[k]), buf, size))
            return buf;
    return buf;
}

/*  The item's date (YYYY-MM-DD): when the event happened or began, when
    the process began or ended; NULL if it says none. */
static const char *
s_item_date (const json_t *item, char *buf, size_t size)
{
    static const char *keys[] = { "hasPointInTime", "hasBeginning", "hasEnd" };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *t = s_s (item, keys[k]);
        if (t && strlen (t) >= 10) {
            buf[0] = '\0';
            s_put (buf, size, t, s_boundary (t, strlen (t), 10, false));
            return buf;
        }
    }
    return NULL;
}

/*  The item at index i of the walk, if there is one. */
static const json_t *
s_item (const s_walk_t *w, json_int_t i)
{
    return i >= 0 ? json_array_get (w->items, (size_t) i) : NULL;
}

/*  The item's parent index, or -1 for the start (and for a parent that
    is not an earlier item, which the walk never gives). */
static json_int_t
s_parent (const json_t *item, size_t i)
{
    const json_t *p = json_object_get (item, "vfn:parent");
    json_int_t v = json_is_integer (p) ? json_integer_value (p) : -1;
    return v >= 0 && (size_t) v < i ? v : -1;
}

/*  A lot or serial number link: the value the item shares with the item
    it was reached from. */
static const char *
s_link_value (const s_walk_t *w, const json_t *item, size_t i, const char *field)
{
    const char *v = s_s (item, field);
    return v ? v : s_s (s_item (w, s_parent (item, i)), field);
}

/*  The markers of an item, each "(...)" after a space: how it was reached
    when not by a plain reference, pending, boundary, unknown. */
static const char *
s_markers (const s_walk_t *w, const json_t *item, size_t i, char *buf, size_t size)
{
    char t[S_BUF];
    buf[0] = '\0';
    const char *via = s_s (item, "vfn:via"), *action = s_s (item, "action");
    if (!via)
        ;
    else if (strcmp (via, "previousEvent") == 0)
        s_cat (buf, size, " (breadcrumb)");
    else if (strcmp (via, "stock") == 0)
        s_cat (buf, size, " (same stock)");
    else if (strcmp (via, "renamed") == 0)
        s_cat (buf, size, " (renamed in %s)",
               action && (!strcmp (action, "pickup") || !strcmp (action, "dropoff")) ? "transport"
                                                                                     : "service");
    else if (strcmp (via, "trackingIdentifier") == 0) {
        const char *v = s_link_value (w, item, i, via);
        s_cat (buf, size, " (by lot %s)", v ? s_clip (v, false, t, sizeof t) : "number");
    } else if (strcmp (via, "ofBatchLot") == 0) {
        const char *v = s_link_value (w, item, i, via);
        s_cat (buf, size, " (by batch %s)", v ? s_clip (v, true, t, sizeof t) : "record");
    } else
        s_cat (buf, size, " (via %s)", s_clip (via, false, t, sizeof t));
    if (json_is_true (json_object_get (item, "vfn:pending")))
        s_cat (buf, size, " (pending: not confirmed by the owner)");
    if (json_is_true (json_object_get (item, "vfn:boundary")))
        s_cat (buf, size, " (boundary: another organisation, not followed)");
    if (json_is_true (json_object_get (item, "vfn:unknown"))) {
        const char *agent = s_s (item, "vfn:agent"), *owner = s_s (item, "vfn:owner");
        if (agent)
            s_cat (buf, size, " (unknown, owned by %s)", s_agent (w, agent, t, sizeof t));
        else if (owner)
            s_cat (buf, size, " (unknown, owned by %s)", s_org (w, owner, t, sizeof t));
        else
            s_cat (buf, size, " (unknown: not held by this node)");
    }
    return buf;
}

/*  "by PROVIDER" and " to RECEIVER" when another agent, for an event. */
static const char *
s_who (const s_walk_t *w, const json_t *item, char *buf, size_t size)
{
    char t[S_BUF];
    const char *from = s_s (item, "provider"), *to = s_s (item, "receiver");
    buf[0] = '\0';
    if (!s_is (item, "EconomicEvent"))
        return buf;
    if (from)
        s_cat (buf, size, "by %s", s_agent (w, from, t, sizeof t));
    if (to && (!from || strcmp (from, to) != 0))
        s_cat (buf, size, "%sto %s", from ? " " : "", s_agent (w, to, t, sizeof t));
    return buf;
}

/*  The organisation (vfk_...) an item belongs to; none for an unknown
    item, which the markers say who owns. */
static const char *
s_item_org (const json_t *item)
{
    return json_is_true (json_object_get (item, "vfn:unknown")) ? NULL
                                                                : s_s (item, "vfn:organisation");
}

static const char *
s_kind (const json_t *item)
{
    return s_is (item, "EconomicEvent") ? "event" : s_is (item, "Process") ? "process" : "resource";
}

/* --------------------------------------------------------------- tree */

/*  One item's line, indent levels deep (past S_INDENT_MAX levels the
    depth is written instead of more spaces). */
static void
s_tree_line (const s_walk_t *w, size_t i, size_t indent)
{
    const json_t *item = json_array_get (w->items, i);
    char label[S_BUF], qty[2 * S_BUF], date[32], who[2 * S_BUF], org[S_BUF], marks[4 * S_BUF];
    const char *when = s_item_date (item, date, sizeof date), *key = s_item_org (item);
    if (indent > S_INDENT_MAX)
        printf ("%*s(depth %zu) ", 2 * S_INDENT_MAX, "", indent);
    else
        printf ("%*s", (int) (2 * indent), "");
    printf ("%s %s", s_kind (item), s_label (item, label, sizeof label));
    if (*s_item_qty (item, qty, sizeof qty))
        printf ("  %s", qty);
    if (when)
        printf ("  %s", when);
    if (*s_who (w, item, who, sizeof who))
        printf ("  %s", who);
    if (key)
        printf ("  [%s]", s_org (w, key, org, sizeof org));
    printf ("%s\n", s_markers (w, item, i, marks, sizeof marks));
}

/*  One line per item, indented under the item it was reached from. The
    items come depth first, so a parent is always on the path from the
    start to the item before; indent = that path's length. */
static int
s_print_tree (const s_walk_t *w)
{
    size_t n = json_array_size (w->items);
    json_int_t *path = calloc (n ? n : 1, sizeof *path);
    if (!path)
        return -1;
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        json_int_t parent = s_parent (json_array_get (w->items, i), i);
        while (depth > 0 && path[depth - 1] != parent)
            depth--;
        if (parent >= 0 && depth == 0) /* not depth first after all: say where it hangs */
            printf ("(under item %" PRId64 ")\n", (int64_t) parent);
        s_tree_line (w, i, depth);
        path[depth++] = (json_int_t) i;
    }
    free (path);
    return 0;
}

/*  Display width of UTF-8 text (one column per character). */
static size_t
s_width (const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char) *s & 0xC0) != 0x80;
    return n;
}

/*  The rollup's cell c of row: 'o' organisation, 'a' agent, 'x' action,
    's' resource specification, 'q' total with unit. */
static const char *
s_cell (const s_walk_t *w, const json_t *row, char c, char *buf, size_t size)
{
    const char *v;
    switch (c) {
    case 'o':
        return (v = s_s (row, "organisation")) ? s_org (w, v, buf, size) : "-";
    case 'a':
        return (v = s_s (row, "agent")) ? s_agent (w, v, buf, size) : "-";
    case 'x':
        return (v = s_s (row, "action")) ? s_clip (v, false, buf, size) : "-";
    case 's':
        return (v = s_s (row, "spec")) ? s_clip (v, true, buf, size) : "-";
    default: {
        char t[S_BUF];
        s_clip (s_s (row, "total") ? s_s (row, "total") : "?", false, buf, size);
        s_cat (buf, size, " %s",
               s_clip (s_s (row, "unit") ? s_s (row, "unit") : "", true, t, sizeof t));
        return buf;
    }
    }
}

/*  A table of the rows of list, columns as s_cell names them, headed. */
static void
s_table (FILE *out, const s_walk_t *w, const char *title, const json_t *list, const char *cols,
         const char *const *heads)
{
    size_t ncols = strlen (cols), width[8] = { 0 };
    char buf[2 * S_BUF]; /* a quantity: two texts */
    fprintf (out, "%s\n", title);
    if (json_array_size (list) == 0) {
        fprintf (out, "  (none)\n");
        return;
    }
    for (size_t c = 0; c < ncols; c++)
        width[c] = s_width (heads[c]);
    size_t k;
    const json_t *row;
    json_array_foreach (list, k, row)
        for (size_t c = 0; c < ncols; c++) {
            size_t x = s_width (s_cell (w, row, cols[c], buf, sizeof buf));
            width[c] = x > width[c] ? x : width[c];
        }
    for (size_t r = 0; r <= json_array_size (list); r++) {
        fprintf (out, " ");
        for (size_t c = 0; c < ncols; c++) {
            const char *text =
                r == 0 ? heads[c]
                       : s_cell (w, json_array_get (list, r - 1), cols[c], buf, sizeof buf);
            fprintf (out, " %s%*s", text, c + 1 < ncols ? (int) (width[c] - s_width (text) + 1) : 0,
                     "");
        }
        fprintf (out, "\n");
    }
}

/*  The rollup: work per organisation and agent, inputs per organisation,
    action, specification and unit, as the node summed them. */
static void
s_print_rollup (FILE *out, const s_walk_t *w)
{
    const json_t *rollup = json_object_get (w->r, "rollup");
    static const char *const work[] = { "organisation", "agent", "work" };
    static const char *const inputs[] = { "organisation", "action", "specification", "quantity" };
    s_table (out, w, "Work per organisation and agent:", json_object_get (rollup, "work"), "oaq",
             work);
    fprintf (out, "\n");
    s_table (out, w, "Inputs per organisation, action and specification:",
             json_object_get (rollup, "inputs"), "oxsq", inputs);
}

/* ---------------------------------------------------------------- DOT */

/*  Text (already safe: s_put) inside a DOT string: quotes and
    backslashes escaped, so that it cannot end the string or make an
    escape of its own (\\N, \\G...); "&" as "&amp;", as Graphviz reads
    "&#8238;" as the character; line breaks as newline ("\\n" centres
    the line, "\\l" left-aligns it); any other control byte, which s_put
    lets through none of, replaced. */
static void
s_dot_text (const char *s, const char *newline)
{
    for (; *s; s++) {
        if (*s == '\n')
            fputs (newline, stdout);
        else if (*s == '"' || *s == '\\')
            printf ("\\%c", *s);
        else if (*s == '&')
            fputs ("&amp;", stdout);
        else if ((unsigned char) *s < 0x20 || *s == 0x7f)
            fputs (S_REPLACEMENT, stdout);
        else
            putchar (*s);
    }
}

/*  A DOT string: text in double quotes, each line centred. */
static void
s_dot_str (const char *s)
{
    putchar ('"');
    s_dot_text (s, "\\n");
    putchar ('"');
}

/*  Each organisation's colour: hues a golden angle apart, pale enough
    for black text; distinct for any number of organisations. */
static void
s_dot_colour (size_t k, char *buf, size_t size)
{
    double h = 0.12 + 0.618034 * (double) k;
    snprintf (buf, size, "%.3f 0.300 1.000", h - (double) (long) h);
}

/*  The organisations of the walk in the order they first appear: a JSON
    object key -> index (caller owns it). */
static json_t *
s_dot_orgs (const s_walk_t *w)
{
    json_t *orgs = json_object ();
    size_t i;
    const json_t *item;
    json_array_foreach (w->items, i, item) {
        const char *key = s_item_org (item);
        if (orgs && key && !json_object_get (orgs, key))
            json_object_set_new (orgs, key, json_integer ((json_int_t) json_object_size (orgs)));
    }
    return orgs;
}

/*  The index of item i's organisation in orgs; orgs' size if it has none. */
static size_t
s_org_index (const s_walk_t *w, const json_t *orgs, size_t i)
{
    const char *key = s_item_org (json_array_get (w->items, i));
    const json_t *k = key ? json_object_get (orgs, key) : NULL;
    return k ? (size_t) json_integer_value (k) : json_object_size (orgs);
}

static void
s_dot_node (const s_walk_t *w, size_t i, const json_t *orgs, const char *indent)
{
    const json_t *item = json_array_get (w->items, i);
    char label[S_BUF], qty[2 * S_BUF], date[32], who[2 * S_BUF], marks[4 * S_BUF], colour[32];
    char text[8 * S_BUF] = "";
    const char *when = s_item_date (item, date, sizeof date), *key = s_item_org (item);
    bool event = s_is (item, "EconomicEvent");
    s_cat (text, sizeof text, "%s", s_label (item, label, sizeof label));
    if (*s_item_qty (item, qty, sizeof qty))
        s_cat (text, sizeof text, "\n%s", qty);
    if (when)
        s_cat (text, sizeof text, "\n%s", when);
    if (*s_who (w, item, who, sizeof who))
        s_cat (text, sizeof text, "\n%s", who);
    s_markers (w, item, i, marks, sizeof marks);
    for (char *m = strstr (marks, " ("); m; m = strstr (m + 1, " ("))
        *m = '\n'; /* one marker a line */
    s_cat (text, sizeof text, "%s", marks);
    printf ("%sn%zu [label=", indent, i);
    s_dot_str (text);
    printf (", shape=%s", event                    ? "rarrow, fontsize=9, margin=\"0.1,0.03\""
                          : s_is (item, "Process") ? "box"
                                                   : "ellipse");
    const json_t *k = key ? json_object_get (orgs, key) : NULL;
    if (k) {
        s_dot_colour ((size_t) json_integer_value (k), colour, sizeof colour);
        printf (", fillcolor=\"%s\"", colour);
    } else
        printf (", fillcolor=white");
    bool dashed = json_is_true (json_object_get (item, "vfn:unknown"));
    bool dotted = json_is_true (json_object_get (item, "vfn:pending"));
    printf (", style=\"filled%s\"", dashed ? ",dashed" : dotted ? ",dotted" : "");
    if (json_is_true (json_object_get (item, "vfn:boundary")))
        printf (", peripheries=2");
    printf ("];\n");
}

/*  The walk as a Graphviz graph: one cluster per organisation (named, its
    nodes filled with its colour), processes as boxes, resources as
    ellipses, events as small arrows; edges go the way the goods went. */
static int
s_print_dot (const s_walk_t *w, bool rollup)
{
    json_t *orgs = s_dot_orgs (w);
    if (!orgs)
        return -1;
    char buf[S_BUF], colour[32];
    printf ("digraph trace {\n  rankdir=%s;\n  labelloc=t;\n  label=", w->forward ? "LR" : "RL");
    char title[2 * S_BUF];
    char direction[S_BUF];
    snprintf (title, sizeof title, "%s from %s",
              s_clip (s_s (w->r, "direction") ? s_s (w->r, "direction") : "?", false, direction,
                      sizeof direction),
              s_clip (s_s (w->r, "start") ? s_s (w->r, "start") : "?", true, buf, sizeof buf));
    s_dot_str (title);
    printf (";\n  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
            "  edge [color=\"#555555\"%s];\n",
            w->forward ? "" : ", dir=back");
    /*  the items grouped by organisation (in the order they first
        appear), then those of none */
    size_t n = json_array_size (w->items), norgs = json_object_size (orgs);
    size_t *order = malloc ((n + 1) * sizeof *order), *start = calloc (norgs + 2, sizeof *start);
    if (!order || !start) {
        free (order), free (start), json_decref (orgs);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        start[s_org_index (w, orgs, i) + 1]++;
    for (size_t k = 1; k <= norgs + 1; k++)
        start[k] += start[k - 1];
    for (size_t i = 0; i < n; i++)
        order[start[s_org_index (w, orgs, i)]++] = i;
    size_t at = 0;
    const char *key;
    json_t *idx;
    json_object_foreach (orgs, key, idx) {
        size_t k = (size_t) json_integer_value (idx);
        s_dot_colour (k, colour, sizeof colour);
        printf ("  subgraph cluster_%zu {\n    label=", k);
        s_dot_str (s_org (w, key, buf, sizeof buf));
        printf (";\n    color=\"%s\";\n    penwidth=2;\n", colour);
        for (at = k ? start[k - 1] : 0; at < start[k]; at++)
            s_dot_node (w, order[at], orgs, "    ");
        printf ("  }\n");
    }
    for (at = norgs ? start[norgs - 1] : 0; at < n; at++)
        s_dot_node (w, order[at], orgs, "  ");
    free (order);
    free (start);
    for (size_t i = 0; i < json_array_size (w->items); i++) {
        const json_t *item = json_array_get (w->items, i);
        json_int_t p = s_parent (item, i);
        if (p >= 0)
            printf ("  n%" PRId64 " -> n%zu%s;\n", (int64_t) p, i,
                    json_is_true (json_object_get (item, "vfn:pending")) ? " [style=dashed]" : "");
    }
    if (rollup) {
        /*  the rollup as a note: its tables' rows, left-aligned */
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream (&text, &len);
        if (mem) {
            s_print_rollup (mem, w);
            fclose (mem);
            printf ("  rollup [shape=note, fontname=\"Courier\", fillcolor=white, label=\"");
            s_dot_text (text ? text : "", "\\l");
            printf ("\"];\n");
        }
        free (text);
    }
    printf ("}\n");
    json_decref (orgs);
    return 0;
}

/* ------------------------------------------------------------ JSON-LD */

/*  The context that makes the result a JSON-LD document: VF as @vocab
    with every reference typed @id (vf_jsonld_context), measures in OM2
    (a unit label is an om2: term, a value an exact decimal), and
    vfnode's own terms in vfn: — the walk's fields, the resource state the
    store adds (docs/STORE.md) and the items' annotations; the name maps
    and the rollup as JSON literals, carried as they are. */
static json_t *
s_context (void)
{
    json_t *ctx = vf_jsonld_context ();
    json_t *terms = json_pack (
        "{s:f, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:{s:s}},"
        " s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s, s:{s:s, s:s},"
        " s:{s:s}, s:{s:s}, s:s, s:s, s:s, s:s, s:s, s:s}",
        "@version", 1.1, "xsd", "http://www.w3.org/2001/XMLSchema#", "hasNumericalValue", "@id",
        "om2:hasNumericalValue", "@type", "xsd:decimal", "hasUnit", "@id", "om2:hasUnit", "@type",
        "@vocab", "@context", "@vocab", VF_OM2_NS, "direction", "vfn:direction", "start", "@id",
        "vfn:start", "@type", "@id", "items", "@id", "vfn:items", "@container", "@list", "agents",
        "@id", "vfn:agents", "@type", "@json", "organisations", "@id", "vfn:organisations", "@type",
        "@json", "visited", "vfn:visited", "truncated", "vfn:truncated", "rollup", "@id",
        "vfn:rollup", "@type", "@json", "vfn:agent", "@type", "@id", "previousEvent", "@type",
        "@id", "owner", "vfn:owner", "events", "vfn:events", "pending", "vfn:pendingEvents",
        "unitMismatches", "vfn:unitMismatches", "overflows", "vfn:overflows", "invalidEvents",
        "vfn:invalidEvents");
    if (!ctx || !terms || json_object_update (ctx, terms)) {
        json_decref (ctx);
        ctx = NULL;
    }
    json_decref (terms);
    return ctx;
}

/*  Values of properties that are neither VF's nor vfnode's (extensions,
    kept verbatim by the node) become JSON literals when they are objects,
    arrays or null, as in exported entries (docs/PROTOCOL.md). */
static int
s_ld_item (json_t *item, const json_t *ctx)
{
    const vf_class_t *cls = vf_class_by_name (s_s (item, "@type") ? s_s (item, "@type") : "");
    const char *key;
    json_t *v;
    json_object_foreach (item, key, v) {
        if (key[0] == '@' || strncmp (key, "vfn:", 4) == 0 || json_object_get (ctx, key) ||
            (cls && vf_class_prop (cls, key)))
            continue;
        if ((json_is_object (v) || json_is_array (v) || json_is_null (v)) &&
            json_object_set_new (item, key,
                                 json_pack ("{s:O, s:s}", "@value", v, "@type", "@json")))
            return -1;
    }
    return 0;
}

/*  Every key of the objects in v (but its context) into used. */
static int
s_used_keys (json_t *used, const json_t *v)
{
    const char *key;
    const json_t *x;
    size_t i;
    int rc = 0;
    if (json_is_object (v))
        json_object_foreach ((json_t *) v, key, x) {
            if (strcmp (key, "@context") == 0)
                continue;
            if (rc == 0 && !json_object_get (used, key))
                rc = json_object_set_new (used, key, json_true ());
            if (rc == 0)
                rc = s_used_keys (used, x);
        }
    json_array_foreach (v, i, x)
        if (rc == 0)
            rc = s_used_keys (used, x);
    return rc;
}

/*  Drop the term definitions of ctx that doc does not use (keywords and
    the prefixes the others are written with stay). */
static int
s_context_trim (json_t *ctx, const json_t *doc)
{
    json_t *used = json_object ();
    int rc = used ? s_used_keys (used, doc) : -1;
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe (ctx, tmp, key, v) {
        if (rc == 0 && key[0] != '@' && strcmp (key, VF_VFN_PREFIX) && strcmp (key, "om2") &&
            strcmp (key, "xsd") && !json_object_get (used, key))
            rc = json_object_del (ctx, key);
    }
    json_decref (used);
    return rc;
}

/*  The result as is, with "@context" first. */
static int
s_print_jsonld (const s_walk_t *w)
{
    json_t *doc = json_object (), *ctx = s_context ();
    int rc = doc && ctx && json_object_set (doc, "@context", ctx) == 0 ? 0 : -1;
    if (rc == 0)
        rc = json_object_update (doc, (json_t *) w->r);
    json_t *items = json_deep_copy (w->items);
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item)
        if (rc == 0)
            rc = s_ld_item (item, ctx);
    if (rc == 0)
        rc = json_object_set_new (doc, "items", items);
    if (rc == 0)
        rc = s_context_trim (ctx, doc);
    json_decref (ctx);
    if (rc == 0)
        rc = vfctl_print_json (doc);
    json_decref (doc);
    return rc;
}

/* ----------------------------------------------------------- commands */

static int
s_run (const vfctl_cmd_t *cmd, const char *direction, int argc, char **argv)
{
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    s_opts_t o = { 0 };
    int rc = s_parse (cmd, argc, argv, &o);
    if (rc)
        return rc;
    json_t *req =
        json_pack ("{s:s, s:s, s:s}", "request", "trace", "iri", o.iri, "direction", direction);
    if (!req)
        return vfctl_usage (cmd, "the IRI is not UTF-8 text");
    if (o.depth)
        json_object_set_new (req, "max_depth", json_integer ((json_int_t) o.depth));
    if (o.items)
        json_object_set_new (req, "max_items", json_integer ((json_int_t) o.items));
    if (o.boundary)
        json_object_set_new (req, "stop_at_boundary", json_true ());
    if (o.pending)
        json_object_set_new (req, "include_pending", json_true ());
    if (o.rollup)
        json_object_set_new (req, "rollup", json_true ());
    json_t *r = NULL;
    rc = vfctl_call (cmd->name, o.dir, req, true, &r);
    if (rc)
        return rc;
    const char *dir = s_s (r, "direction");
    s_walk_t w = { r, json_object_get (r, "items"), json_object_get (r, "agents"),
                   json_object_get (r, "organisations"),
                   dir && (!strcmp (dir, "track") || !strcmp (dir, "next")) };
    if (o.json)
        rc = s_print_jsonld (&w);
    else if (o.dot)
        rc = s_print_dot (&w, o.rollup);
    else {
        rc = s_print_tree (&w);
        if (rc == 0 && o.rollup) {
            printf ("\n");
            s_print_rollup (stdout, &w);
        }
    }
    if (rc == 0 && json_is_true (json_object_get (r, "truncated")))
        fprintf (stderr,
                 "vfctl %s: the walk stopped at %zu items and goes on; show more with "
                 "--max-items N (at most %d)\n",
                 cmd->name, json_array_size (w.items), VF_TRACE_API_ITEMS_MAX);
    json_decref (r);
    return rc ? vfctl_fail (cmd->name, VFCTL_ERROR, "out of memory") : VFCTL_OK;
}

#define S_OPTIONS                                                                                  \
    "Options:\n"                                                                                   \
    "  --depth N       show items at most N steps from the start\n"                                \
    "  --max-items N   stop after N items (default 10000, at most 100000)\n"                       \
    "  --boundary      stop at items of another organisation than the start's\n"                   \
    "  --pending       also cross events the resource's owner has not confirmed\n"                 \
    "  --rollup        add the work per organisation and agent and the inputs per\n"               \
    "                  organisation, action, specification and unit\n"                             \
    "  -j, --json      the node's result as JSON-LD (items with vfn:parent links)\n"               \
    "  --dot           a Graphviz graph (dot -Tsvg): one colour per organisation\n"                \
    "  -d, --dir DIR   node directory (default: $VFNODE_DIR, else /var/lib/vfnode\n"               \
    "                  for root, else ~/.vfnode)\n\n"                                              \
    "Answered from the store when the node is not running. The tree shows each\n"                  \
    "item (kind, name or action, quantity, date, provider, [organisation]) under\n"                \
    "the item it was reached from, with markers: (breadcrumb), (same stock),\n"                    \
    "(renamed in transport), (by lot ...), (pending ...), (boundary ...),\n"                       \
    "(unknown, owned by ...). docs/TRACE.md explains the walk.\n"

#define S_CMD(fn, summary, help, example)                                                          \
    static int s_run_##fn (int argc, char **argv);                                                 \
    const vfctl_cmd_t vfctl_cmd_##fn = { #fn, summary,                                             \
                                         "usage: vfctl " #fn " [-d DIR] [OPTIONS] IRI\n\n" help    \
                                         "\n" S_OPTIONS "\nExample:\n" example,                    \
                                         s_run_##fn };                                             \
    static int s_run_##fn (int argc, char **argv)                                                  \
    {                                                                                              \
        return s_run (&vfctl_cmd_##fn, #fn, argc, argv);                                           \
    }

S_CMD (trace, "where a resource came from: every step back, across co-ops",
       "Walk back from a resource, event or process (or an event's entry id,\n"
       "vfe_...) through the events, processes and resources it came from, across\n"
       "co-ops, as far as this node holds them.\n",
       "  vfctl trace -d knit https://knitting.coop.example/stock/sweaters-2026-11\n"
       "  vfctl trace -d knit --dot IRI | dot -Tsvg > trace.svg\n")
S_CMD (track, "where a resource went: every step forward, across co-ops",
       "Walk forward from a resource, event or process (or an event's entry id,\n"
       "vfe_...) through the events, processes and resources it went into.\n",
       "  vfctl track -d farm https://farm.coop.example/lot/wool-2026-11\n")
S_CMD (previous, "one step back from a resource, event or process",
       "The start and what it came from directly: a resource's events that added\n"
       "to it, a process's inputs, an event's process or resource.\n",
       "  vfctl previous -d knit https://knitting.coop.example/stock/sweaters-2026-11\n")
S_CMD (next, "one step forward from a resource, event or process",
       "The start and what it went into directly: a resource's events, a process's\n"
       "outputs, an event's process or resource.\n",
       "  vfctl next -d farm https://farm.coop.example/lot/wool-2026-11\n")
