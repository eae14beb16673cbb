/*  vf_config.c - the node's configuration: the table of options, parsing
    and writing one value per type, and the getters. Reading and writing
    whole files is in vf_config_zpl.c. See vf_config.h.
*/
#include "vf_config.h"
#include "vf_net.h"
#include "vf_config_int.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>

#include "vf_limits.h"
#include "vf_mp.h" /* vf_utf8_valid */

/*  ---- the table: one row per option ---- */

#define S_STRING(n, maxlen, def, h)                                                                \
    {                                                                                              \
        .name = n, .type = VF_CONFIG_STRING, .fallback_text = def, .max = maxlen, .help = h        \
    }
#define S_ENUM(n, def, list, h)                                                                    \
    {                                                                                              \
        .name = n, .type = VF_CONFIG_ENUM, .fallback_text = def, .choices = list, .help = h        \
    }
#define S_BOOL(n, def, h)                                                                          \
    {                                                                                              \
        .name = n, .type = VF_CONFIG_BOOL, .fallback = def, .max = 1, .help = h                    \
    }
#define S_NUMBER(t, n, def, lo, hi, h)                                                             \
    {                                                                                              \
        .name = n, .type = t, .fallback = def, .min = lo, .max = hi, .help = h                     \
    }
#define S_INT(...) S_NUMBER (VF_CONFIG_INT, __VA_ARGS__)
#define S_SIZE(...) S_NUMBER (VF_CONFIG_SIZE, __VA_ARGS__)
#define S_DURATION(...) S_NUMBER (VF_CONFIG_DURATION, __VA_ARGS__)

static const vf_config_option_t s_options[] = {
    S_STRING ("node/name", VF_NODE_NAME_MAX, "",
              "The co-op's human name, shown to operators and peers (set by vfctl init --name)."),
    S_ENUM ("log/level", "info", "error|warning|notice|info|debug",
            "Least severe messages written: debug shows everything, error only failures."),
    S_ENUM ("log/target", "stderr", "stderr|syslog",
            "Where messages go: stderr in the foreground, syslog when running without a "
            "terminal."),
    S_SIZE ("store/map_size", (int64_t) VF_STORE_MAP_DEFAULT, (int64_t) VF_STORE_MAP_MIN,
            (int64_t) VF_STORE_MAP_MAX,
            "Most the store (LMDB) may grow to; costs nothing until used. Raise it when "
            "vfnode warns that the store is filling up."),
    S_INT ("ingest/batch_max", VF_INGEST_BATCH_DEFAULT, 1, VF_INGEST_BATCH_MAX,
           "Most entries one write transaction takes."),
    S_DURATION ("ingest/batch_wait", VF_INGEST_WAIT_DEFAULT_MS, 0, VF_INGEST_WAIT_MAX_MS,
                "How long the writer waits to fill a batch before committing it."),
    S_INT ("verify/threads", 0, 0, VF_VERIFY_THREADS_MAX,
           "Threads checking signatures; 0 means one per core."),
    S_SIZE ("control/max_request", VF_CONTROL_REQUEST_DEFAULT, VF_CONTROL_REQUEST_MIN,
            VF_CONTROL_REQUEST_MAX, "Largest control API request; larger ones are refused."),
    S_INT ("control/queue", VF_CONTROL_QUEUE_DEFAULT, 1, VF_CONTROL_QUEUE_MAX,
           "Most control requests in flight before clients are slowed down (back-pressure)."),
    S_STRING ("peer/bind", VF_NET_ENDPOINT_MAX, VF_PEER_PORT_DEFAULT,
              "Where peers connect (a ZeroMQ endpoint, CurveZMQ); empty: do not listen."),
    S_DURATION ("peer/heartbeat", VF_PEER_HEARTBEAT_DEFAULT_MS, VF_PEER_HEARTBEAT_MIN_MS,
                VF_PEER_HEARTBEAT_MAX_MS,
                "How often an idle peer is pinged (and an unanswered HELLO resent)."),
    S_DURATION ("peer/timeout", VF_PEER_TIMEOUT_DEFAULT_MS, VF_PEER_TIMEOUT_MIN_MS,
                VF_PEER_TIMEOUT_MAX_MS,
                "A peer silent this long is taken for dead; it is greeted again."),
    S_INT ("peer/credit", VF_PEER_CREDIT_DEFAULT, 1, VF_PEER_CREDIT_MAX,
           "Entries a peer may send before it must wait for more credit (flow control)."),
    S_INT ("peer/ban_after", VF_PEER_BAN_AFTER_DEFAULT, 1, VF_PEER_BAN_AFTER_MAX,
           "Bad frames or entries from one peer before it is banned."),
    S_DURATION ("peer/reconcile", VF_PEER_RECONCILE_DEFAULT_MS, VF_PEER_RECONCILE_MIN_MS,
                VF_PEER_RECONCILE_MAX_MS,
                "How often the node reconciles its entries with each connected peer."),
    S_DURATION ("peer/ban_for", VF_PEER_BAN_DEFAULT_MS, VF_PEER_BAN_MIN_MS, VF_PEER_BAN_MAX_MS,
                "How long a banned peer is refused."),
};

#define S_COUNT (sizeof s_options / sizeof s_options[0])

size_t
vf_config_count (void)
{
    return S_COUNT;
}

const vf_config_option_t *
vf_config_option (size_t i)
{
    return i < S_COUNT ? &s_options[i] : NULL;
}

int
vf_config_index (const char *name)
{
    for (size_t i = 0; name && i < S_COUNT; i++)
        if (strcmp (s_options[i].name, name) == 0)
            return (int) i;
    return -1;
}

const vf_config_option_t *
vf_config_find (const char *name)
{
    int i = vf_config_index (name);
    return i < 0 ? NULL : &s_options[i];
}

/*  ---- numbers in the file's syntax ---- */

static const struct {
    const char *suffix;
    int64_t factor;
} s_size_units[] = { { "T", 1ll << 40 },
                     { "G", 1ll << 30 },
                     { "M", 1ll << 20 },
                     { "K", 1ll << 10 },
                     { "", 1 } },
  s_duration_units[] = { { "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 } };

#define S_UNITS(a) (sizeof (a) / sizeof (a)[0])

/*  n with the largest unit that divides it exactly ("4G", "1536M", "2ms"). */
static void
s_number_text (vf_config_type_t type, int64_t n, char *buf, size_t size)
{
    if (type == VF_CONFIG_SIZE || type == VF_CONFIG_DURATION) {
        bool sz = type == VF_CONFIG_SIZE;
        size_t count = sz ? S_UNITS (s_size_units) : S_UNITS (s_duration_units);
        for (size_t u = 0; u < count; u++) {
            int64_t f = sz ? s_size_units[u].factor : s_duration_units[u].factor;
            const char *suffix = sz ? s_size_units[u].suffix : s_duration_units[u].suffix;
            if (n % f == 0 && (n != 0 || f == 1)) {
                snprintf (buf, size, "%" PRId64 "%s", n / f, suffix);
                return;
            }
        }
    }
    snprintf (buf, size, "%" PRId64, n);
}

/*  Decimal digits at *p (at least one) into *n; false on none or overflow
    (then *overflow is set). Advances *p past the digits. */
static bool
s_digits (const char **p, int64_t *n, bool *overflow)
{
    const char *s = *p;
    int64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        int d = *s++ - '0';
        if (v > (INT64_MAX - d) / 10)
            *overflow = true;
        else
            v = v * 10 + d;
    }
    if (s == *p)
        return false;
    *p = s;
    *n = v;
    return !*overflow;
}

/*  ---- parsing one value, per type ---- */

static int
s_range (const vf_config_option_t *opt, const char *text, int64_t n, bool overflow,
         vf_config_value_t *out, vf_err_t *err)
{
    char q[VF_QUOTE_MAX], lim[32];
    vf_quote (q, sizeof q, text, strlen (text));
    if (overflow || n > opt->max) {
        s_number_text (opt->type, opt->max, lim, sizeof lim);
        return vf_err_set (err, VF_ERANGE, "%s: %s is above the maximum %s", opt->name, q, lim);
    }
    if (n < opt->min) {
        s_number_text (opt->type, opt->min, lim, sizeof lim);
        return vf_err_set (err, VF_ERANGE, "%s: %s is below the minimum %s", opt->name, q, lim);
    }
    out->num = n;
    return 0;
}

static int
s_parse_int (const vf_config_option_t *opt, const char *text, vf_config_value_t *out, vf_err_t *err)
{
    const char *p = text + (*text == '-');
    int64_t n = 0;
    bool overflow = false;
    if (!s_digits (&p, &n, &overflow) && !overflow)
        goto bad;
    if (*p)
        goto bad;
    if (*text == '-' && overflow)
        return s_range (opt, text, INT64_MIN, false, out, err); /* below any minimum */
    return s_range (opt, text, *text == '-' ? -n : n, overflow, out, err);
bad:;
    char q[VF_QUOTE_MAX], range[64];
    return vf_err_set (err, VF_EPARSE, "%s: %s is not an integer (%s)", opt->name,
                       vf_quote (q, sizeof q, text, strlen (text)),
                       vf_config_range_text (opt, range, sizeof range));
}

static int
s_parse_scaled (const vf_config_option_t *opt, const char *text, vf_config_value_t *out,
                vf_err_t *err)
{
    bool sz = opt->type == VF_CONFIG_SIZE;
    const char *p = text;
    int64_t n = 0;
    bool overflow = false;
    if (s_digits (&p, &n, &overflow) || overflow) {
        size_t count = sz ? S_UNITS (s_size_units) : S_UNITS (s_duration_units);
        for (size_t u = 0; u < count; u++) {
            const char *suffix = sz ? s_size_units[u].suffix : s_duration_units[u].suffix;
            int64_t f = sz ? s_size_units[u].factor : s_duration_units[u].factor;
            if (sz ? strcasecmp (p, suffix) != 0 : strcmp (p, suffix) != 0)
                continue;
            if (n > INT64_MAX / f)
                overflow = true;
            return s_range (opt, text, n * (overflow ? 0 : f), overflow, out, err);
        }
        if (!sz && *p == 0 && n == 0 && !overflow)
            return s_range (opt, text, 0, false, out, err); /* "0" needs no unit */
    }
    char q[VF_QUOTE_MAX];
    vf_quote (q, sizeof q, text, strlen (text));
    if (sz)
        return vf_err_set (err, VF_EPARSE, "%s: %s is not a size (e.g. 512M, 4G)", opt->name, q);
    return vf_err_set (err, VF_EPARSE, "%s: %s is not a duration (e.g. 2ms, 5s, 10m, 1h)",
                       opt->name, q);
}

static int
s_parse_bool (const vf_config_option_t *opt, const char *text, vf_config_value_t *out,
              vf_err_t *err)
{
    static const char *words[] = { "false", "true", "no", "yes", "off", "on", "0", "1" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp (text, words[i]) == 0) {
            out->num = (int64_t) (i % 2);
            return 0;
        }
    char q[VF_QUOTE_MAX];
    return vf_err_set (err, VF_EPARSE, "%s: %s is not a bool (true or false)", opt->name,
                       vf_quote (q, sizeof q, text, strlen (text)));
}

/*  Index of text in "a|b|c", or -1. */
static int
s_choice (const char *choices, const char *text)
{
    size_t len = strlen (text);
    int i = 0;
    for (const char *c = choices; c; c = strchr (c, '|'), c = c ? c + 1 : NULL, i++) {
        size_t clen = strcspn (c, "|");
        if (clen == len && strncmp (c, text, len) == 0)
            return i;
    }
    return -1;
}

static int
s_parse_enum (const vf_config_option_t *opt, const char *text, vf_config_value_t *out,
              vf_err_t *err)
{
    int i = s_choice (opt->choices, text);
    if (i < 0) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_EPARSE, "%s: %s is not one of %s", opt->name,
                           vf_quote (q, sizeof q, text, strlen (text)), opt->choices);
    }
    out->num = i;
    out->str = strdup (text);
    return out->str ? 0 : vf_err_set (err, VF_ENOMEM, "out of memory");
}

static int
s_parse_string (const vf_config_option_t *opt, const char *text, vf_config_value_t *out,
                vf_err_t *err)
{
    size_t len = strlen (text);
    char q[VF_QUOTE_MAX];
    vf_quote (q, sizeof q, text, len);
    if ((int64_t) len > opt->max)
        return vf_err_set (err, VF_ERANGE, "%s: %s is longer than %" PRId64 " bytes", opt->name, q,
                           opt->max);
    if (!vf_utf8_valid (text, len))
        return vf_err_set (err, VF_EPARSE, "%s: %s is not valid UTF-8", opt->name, q);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) text[i] < 0x20 || text[i] == 0x7f)
            return vf_err_set (err, VF_EPARSE, "%s: %s contains a control character", opt->name, q);
    if (strchr (text, '"') && strchr (text, '\''))
        return vf_err_set (err, VF_EPARSE, "%s: %s has both ' and \" (ZPL cannot quote that)",
                           opt->name, q);
    out->str = strdup (text);
    return out->str ? 0 : vf_err_set (err, VF_ENOMEM, "out of memory");
}

/*  The dispatch table, indexed by vf_config_type_t. */
static const struct {
    const char *name;
    int (*parse) (const vf_config_option_t *, const char *, vf_config_value_t *, vf_err_t *);
} s_types[] = {
    [VF_CONFIG_STRING] = { "string", s_parse_string },
    [VF_CONFIG_INT] = { "int", s_parse_int },
    [VF_CONFIG_SIZE] = { "size", s_parse_scaled },
    [VF_CONFIG_BOOL] = { "bool", s_parse_bool },
    [VF_CONFIG_ENUM] = { "enum", s_parse_enum },
    [VF_CONFIG_DURATION] = { "duration", s_parse_scaled },
};

const char *
vf_config_type_name (vf_config_type_t type)
{
    return type <= VF_CONFIG_DURATION ? s_types[type].name : "?";
}

const char *
vf_config_range_text (const vf_config_option_t *opt, char *buf, size_t size)
{
    char lo[32], hi[32];
    switch (opt->type) {
    case VF_CONFIG_STRING:
        snprintf (buf, size, "at most %" PRId64 " bytes", opt->max);
        break;
    case VF_CONFIG_BOOL:
        snprintf (buf, size, "true|false");
        break;
    case VF_CONFIG_ENUM:
        snprintf (buf, size, "%s", opt->choices);
        break;
    default:
        s_number_text (opt->type, opt->min, lo, sizeof lo);
        s_number_text (opt->type, opt->max, hi, sizeof hi);
        snprintf (buf, size, "%s..%s", lo, hi);
    }
    return buf;
}

void
vf_config_value_text (size_t i, const vf_config_value_t *v, char *buf, size_t size)
{
    const vf_config_option_t *opt = &s_options[i];
    switch (opt->type) {
    case VF_CONFIG_STRING:
    case VF_CONFIG_ENUM:
        snprintf (buf, size, "%s", v->str);
        break;
    case VF_CONFIG_BOOL:
        snprintf (buf, size, "%s", v->num ? "true" : "false");
        break;
    default:
        s_number_text (opt->type, v->num, buf, size);
    }
}

int
vf_config_parse_value (size_t i, const char *text, vf_config_value_t *out, vf_err_t *err)
{
    memset (out, 0, sizeof *out);
    return s_types[s_options[i].type].parse (&s_options[i], text, out, err);
}

int
vf_config_check (const vf_config_option_t *opt, const char *text, vf_err_t *err)
{
    assert (opt && opt->type <= VF_CONFIG_DURATION);
    vf_config_value_t v = { 0 };
    int rc = s_types[opt->type].parse (opt, text ? text : "", &v, err);
    free (v.str);
    return rc;
}

/*  ---- configurations ---- */

void
vf_config_values_free (vf_config_value_t *values)
{
    for (size_t i = 0; i < S_COUNT; i++) {
        free (values[i].str);
        values[i].str = NULL;
    }
}

/*  The default of option i into *out. The table is ours: defaults that do
    not parse or are out of range are a bug, hence the assert. */
static int
s_default (size_t i, vf_config_value_t *out)
{
    const vf_config_option_t *opt = &s_options[i];
    if (opt->type == VF_CONFIG_STRING || opt->type == VF_CONFIG_ENUM) {
        int rc = vf_config_parse_value (i, opt->fallback_text, out, NULL);
        assert (rc == 0 || rc == VF_ENOMEM);
        return rc;
    }
    assert (opt->fallback >= opt->min && opt->fallback <= opt->max);
    memset (out, 0, sizeof *out);
    out->num = opt->fallback;
    return 0;
}

vf_config_t *
vf_config_new (void)
{
    vf_config_t *self = calloc (1, sizeof *self + S_COUNT * sizeof self->values[0]);
    if (!self)
        return NULL;
    self->count = S_COUNT;
    for (size_t i = 0; i < S_COUNT; i++) {
        assert (strchr (s_options[i].name, '/') && s_options[i].help);
        if (s_default (i, &self->values[i])) {
            vf_config_destroy (&self);
            return NULL;
        }
    }
    return self;
}

void
vf_config_destroy (vf_config_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        vf_config_values_free ((*self_p)->values);
        free (*self_p);
        *self_p = NULL;
    }
}

int
vf_config_set (vf_config_t *self, const char *name, const char *text, vf_err_t *err)
{
    assert (self);
    int i = vf_config_index (name);
    if (i < 0) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_ENOTFOUND, "unknown option %s",
                           vf_quote (q, sizeof q, name ? name : "", name ? strlen (name) : 0));
    }
    vf_config_value_t v;
    int rc = vf_config_parse_value ((size_t) i, text ? text : "", &v, err);
    if (rc)
        return rc;
    free (self->values[i].str);
    self->values[i] = v;
    return 0;
}

/*  Index of name, asserting that it exists and is one of the types. */
static size_t
s_get (const vf_config_t *self, const char *name, vf_config_type_t t1, vf_config_type_t t2)
{
    assert (self);
    int i = vf_config_index (name);
    assert (i >= 0 && "no such option in the table");
    assert ((s_options[i].type == t1 || s_options[i].type == t2) && "getter of another type");
    return (size_t) i;
}

const char *
vf_config_str (const vf_config_t *self, const char *name)
{
    return self->values[s_get (self, name, VF_CONFIG_STRING, VF_CONFIG_ENUM)].str;
}

int64_t
vf_config_int (const vf_config_t *self, const char *name)
{
    return self->values[s_get (self, name, VF_CONFIG_INT, VF_CONFIG_INT)].num;
}

uint64_t
vf_config_size (const vf_config_t *self, const char *name)
{
    return (uint64_t) self->values[s_get (self, name, VF_CONFIG_SIZE, VF_CONFIG_SIZE)].num;
}

bool
vf_config_bool (const vf_config_t *self, const char *name)
{
    return self->values[s_get (self, name, VF_CONFIG_BOOL, VF_CONFIG_BOOL)].num != 0;
}

int64_t
vf_config_duration (const vf_config_t *self, const char *name)
{
    return self->values[s_get (self, name, VF_CONFIG_DURATION, VF_CONFIG_DURATION)].num;
}

int
vf_config_enum (const vf_config_t *self, const char *name)
{
    return (int) self->values[s_get (self, name, VF_CONFIG_ENUM, VF_CONFIG_ENUM)].num;
}

const char *
vf_config_text (const vf_config_t *self, const char *name, char *buf, size_t size)
{
    assert (self);
    int i = vf_config_index (name);
    assert (i >= 0 && "no such option in the table");
    vf_config_value_text ((size_t) i, &self->values[i], buf, size);
    return buf;
}

bool
vf_config_value_is_default (size_t i, const vf_config_value_t *v)
{
    const vf_config_option_t *opt = &s_options[i];
    if (opt->type == VF_CONFIG_STRING)
        return strcmp (v->str, opt->fallback_text) == 0;
    if (opt->type == VF_CONFIG_ENUM)
        return v->num == s_choice (opt->choices, opt->fallback_text);
    return v->num == opt->fallback;
}

void
vf_config_default_text (size_t i, char *buf, size_t size)
{
    const vf_config_option_t *opt = &s_options[i];
    if (opt->type == VF_CONFIG_STRING || opt->type == VF_CONFIG_ENUM)
        snprintf (buf, size, "%s", opt->fallback_text);
    else if (opt->type == VF_CONFIG_BOOL)
        snprintf (buf, size, "%s", opt->fallback ? "true" : "false");
    else
        s_number_text (opt->type, opt->fallback, buf, size);
}

bool
vf_config_is_default (const vf_config_t *self, const char *name)
{
    assert (self);
    int i = vf_config_index (name);
    assert (i >= 0 && "no such option in the table");
    return vf_config_value_is_default ((size_t) i, &self->values[i]);
}

const char *
vf_config_default_dir (void)
{
    static char home[1024];
    const char *env = getenv ("VFNODE_DIR");
    if (env && *env)
        return env;
    if (geteuid () == 0 || !getenv ("HOME"))
        return "/var/lib/vfnode";
    snprintf (home, sizeof home, "%s/.vfnode", getenv ("HOME"));
    return home;
}
