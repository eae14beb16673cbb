/*  vf_peer_state.c - DIR/peers.state: per-peer state across restarts. */
#include "vf_peer_state.h"

#include "vf_file.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf_text.h"

struct _vf_peer_state_t {
    char dir[1024];
    char path[1100];
    char bad_path[1100];
    zhashx_t *loaded; /* key text (vfk_...) -> vf_peer_kept_t */
    uint64_t admitted, refused;
    bool bad_in_place; /* a bad file we could not move aside: never overwrite it */
    char *last;        /* the text last written */
};

/* ------------------------------------------------------------ one peer */

/*  Make s valid UTF-8 in place: a byte that starts no valid sequence
    becomes '?' (a peer's ERROR text, a message cut in the middle of a
    character), so that it can be written as JSON. */
static void
s_utf8_clean (char *s)
{
    uint8_t *b = (uint8_t *) s;
    while (*b) {
        size_t n = *b < 0x80             ? 1
                   : (*b & 0xE0) == 0xC0 ? 2
                   : (*b & 0xF0) == 0xE0 ? 3
                   : (*b & 0xF8) == 0xF0 ? 4
                                         : 0;
        uint32_t c = n == 1 ? *b : n ? (uint32_t) (*b & (0x7F >> n)) : 0;
        for (size_t i = 1; i < n; i++)
            if ((b[i] & 0xC0) == 0x80)
                c = (c << 6) | (b[i] & 0x3F);
            else
                n = 0; /* cut short (a NUL ends it too) */
        static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (n == 0 || c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            *b++ = '?';
            continue;
        }
        b += n;
    }
}

void
vf_peer_kept_error (vf_peer_kept_t *self, int64_t now, const char *text)
{
    if (self->nrecent == VF_PEER_RECENT_MAX) {
        memmove (self->recent, self->recent + 1, (VF_PEER_RECENT_MAX - 1) * sizeof *self->recent);
        self->nrecent--;
    }
    vf_peer_error_t *e = &self->recent[self->nrecent++];
    e->time = now;
    snprintf (e->text, sizeof e->text, "%s", text);
    s_utf8_clean (e->text);
}

const char *
vf_peer_kept_last_error (const vf_peer_kept_t *self)
{
    return self->nrecent ? self->recent[self->nrecent - 1].text : NULL;
}

/*  A field by its name in the file (and in the control API). */
typedef struct {
    const char *name;
    size_t offset;
} s_field_t;

#define S_FIELD(name, field)                                                                       \
    {                                                                                              \
        name, offsetof (vf_peer_kept_t, field)                                                     \
    }

/*  The counters (uint64_t), always written. */
static const s_field_t s_counters[] = {
    S_FIELD ("messages_in", msgs_in),    S_FIELD ("messages_out", msgs_out),
    S_FIELD ("bytes_in", bytes_in),      S_FIELD ("bytes_out", bytes_out),
    S_FIELD ("entries_in", entries_in),  S_FIELD ("entries_out", entries_out),
    S_FIELD ("duplicates_in", dups_in),  S_FIELD ("refused_in", refused_in),
    S_FIELD ("errors", errors),          S_FIELD ("faults_since_ban", faults_since_ban),
    S_FIELD ("reconciliations", recons), S_FIELD ("we_lacked", recon_need),
    S_FIELD ("it_lacked", recon_have),   S_FIELD ("over_credit", over_credit),
};

/*  The round trip and the times (int64_t), written only when not 0. */
static const s_field_t s_times[] = {
    S_FIELD ("rtt_ms", rtt_ms),
    S_FIELD ("last_seen", last_seen),
    S_FIELD ("last_fault", last_fault),
    S_FIELD ("banned_until", banned_until),
};
#undef S_FIELD

#define S_COUNT(a) (sizeof (a) / sizeof (a)[0])
/*  Exact in JSON and JavaScript, like every number vfnode writes. */
#define S_NUMBER_MAX ((json_int_t) 9007199254740991LL)

static json_t *
s_kept_json (const vf_peer_kept_t *k)
{
    json_t *j = json_object ();
    for (size_t i = 0; j && i < S_COUNT (s_counters); i++) {
        uint64_t v = *(const uint64_t *) ((const char *) k + s_counters[i].offset);
        json_object_set_new (
            j, s_counters[i].name,
            json_integer (v > (uint64_t) S_NUMBER_MAX ? S_NUMBER_MAX : (json_int_t) v));
    }
    for (size_t i = 0; j && i < S_COUNT (s_times); i++) {
        int64_t v = *(const int64_t *) ((const char *) k + s_times[i].offset);
        if (v > 0)
            json_object_set_new (j, s_times[i].name,
                                 json_integer (v > S_NUMBER_MAX ? S_NUMBER_MAX : (json_int_t) v));
    }
    json_t *recent = json_array ();
    for (size_t i = 0; recent && i < k->nrecent; i++)
        json_array_append_new (recent,
                               json_pack ("{s:I, s:s}", "time", (json_int_t) k->recent[i].time,
                                          "error", k->recent[i].text));
    if (j && recent && k->nrecent)
        json_object_set (j, "recent_errors", recent);
    json_decref (recent);
    return j;
}

/*  A number of the file: absent is 0; else an integer 0 .. 2^53-1. */
static int
s_number (const json_t *obj, const char *name, int64_t *out, const char *where, vf_err_t *err)
{
    const json_t *v = json_object_get (obj, name);
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < 0 || json_integer_value (v) > S_NUMBER_MAX)
        return vf_err_set (err, VF_EINVALID, "%s: '%s' must be an integer from 0 to 2^53-1", where,
                           name);
    *out = (int64_t) json_integer_value (v);
    return 0;
}

static int
s_kept_read (const json_t *j, vf_peer_kept_t *k, const char *where, vf_err_t *err)
{
    memset (k, 0, sizeof *k);
    if (!json_is_object (j))
        return vf_err_set (err, VF_EINVALID, "%s must be an object", where);
    int64_t v = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < S_COUNT (s_counters); i++)
        if ((rc = s_number (j, s_counters[i].name, &v, where, err)) == 0)
            *(uint64_t *) ((char *) k + s_counters[i].offset) = (uint64_t) v;
    for (size_t i = 0; rc == 0 && i < S_COUNT (s_times); i++)
        if ((rc = s_number (j, s_times[i].name, &v, where, err)) == 0)
            *(int64_t *) ((char *) k + s_times[i].offset) = v;
    if (rc == 0 && k->rtt_ms > INT32_MAX)
        rc = vf_err_set (err, VF_EINVALID, "%s: 'rtt_ms' %lld is more than a round trip can take",
                         where, (long long) k->rtt_ms);
    const json_t *recent = json_object_get (j, "recent_errors");
    if (rc == 0 && recent &&
        (!json_is_array (recent) || json_array_size (recent) > VF_PEER_RECENT_MAX))
        rc = vf_err_set (err, VF_EINVALID, "%s: 'recent_errors' must be a list of at most %d",
                         where, VF_PEER_RECENT_MAX);
    for (size_t i = 0; rc == 0 && i < json_array_size (recent); i++) {
        const json_t *e = json_array_get (recent, i);
        const json_t *text = json_object_get (e, "error");
        char at[1100];
        snprintf (at, sizeof at, "%s.recent_errors[%zu]", where, i);
        if (!json_is_object (e) || !json_is_string (text) ||
            json_string_length (text) >= VF_ERR_MSG_MAX)
            rc = vf_err_set (err, VF_EINVALID,
                             "%s must be {\"time\": ms, \"error\": text of at most %d bytes}", at,
                             VF_ERR_MSG_MAX - 1);
        else if ((rc = s_number (e, "time", &k->recent[i].time, at, err)) == 0) {
            memcpy (k->recent[i].text, json_string_value (text), json_string_length (text) + 1);
            k->nrecent++;
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- file */

static void
s_kept_free (void **item)
{
    free (*item);
    *item = NULL;
}

vf_peer_state_t *
vf_peer_state_new (const char *dir)
{
    vf_peer_state_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    int n = snprintf (self->dir, sizeof self->dir, "%s", dir);
    self->loaded = zhashx_new ();
    if (n < 0 || (size_t) n >= sizeof self->dir || !self->loaded) {
        vf_peer_state_destroy (&self);
        return NULL;
    }
    snprintf (self->path, sizeof self->path, "%s/%s", dir, VF_PEER_STATE_FILE);
    snprintf (self->bad_path, sizeof self->bad_path, "%s/%s", dir, VF_PEER_STATE_BAD);
    zhashx_set_destructor (self->loaded, s_kept_free);
    return self;
}

void
vf_peer_state_destroy (vf_peer_state_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy (&(*self_p)->loaded);
    free ((*self_p)->last);
    free (*self_p);
    *self_p = NULL;
}

const char *
vf_peer_state_path (const vf_peer_state_t *self)
{
    return self->path;
}

/*  The whole file into *text (NUL-terminated, caller frees); VF_ENOTFOUND
    if it does not exist. */
static int
s_read (const char *path, char **text, size_t *len, vf_err_t *err)
{
    *text = NULL;
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? VF_ENOTFOUND
                               : vf_err_set (err, VF_EIO, "cannot open it: %s", strerror (errno));
    struct stat st;
    int rc = 0;
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
        rc = vf_err_set (err, VF_EIO, "not a regular file");
    else if ((uint64_t) st.st_size > VF_PEER_STATE_FILE_MAX)
        rc = vf_err_set (err, VF_ETOOBIG, "%lld bytes, more than %u", (long long) st.st_size,
                         VF_PEER_STATE_FILE_MAX);
    char *buf = rc ? NULL : malloc ((size_t) st.st_size + 1);
    if (rc == 0 && !buf)
        rc = VF_ENOMEM;
    size_t got = 0;
    while (rc == 0 && got < (size_t) st.st_size) {
        ssize_t n = read (fd, buf + got, (size_t) st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = vf_err_set (err, VF_EIO, "cannot read it: %s",
                             n < 0 ? strerror (errno) : "it got shorter while read");
        else
            got += (size_t) n;
    }
    close (fd);
    if (rc) {
        free (buf);
        return rc;
    }
    buf[got] = '\0';
    *text = buf, *len = got;
    return 0;
}

/*  Parse the document into self->loaded and the totals. */
static int
s_parse (vf_peer_state_t *self, const char *text, size_t len, vf_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return vf_err_set (err, VF_EPARSE, "line %d: %s", jerr.line, jerr.text);
    const json_t *version = json_object_get (doc, "version");
    const json_t *peers = json_object_get (doc, "peers");
    int64_t admitted = 0, refused = 0;
    int rc = 0;
    if (!json_is_object (doc))
        rc = vf_err_set (err, VF_EINVALID, "not a JSON object");
    else if (!json_is_integer (version) || json_integer_value (version) != VF_PEER_STATE_VERSION)
        rc = vf_err_set (err, VF_EINVALID, "'version' must be %d (a file of another vfnode?)",
                         VF_PEER_STATE_VERSION);
    else if (!json_is_object (peers))
        rc = vf_err_set (err, VF_EINVALID, "'peers' must be an object of vfk_... keys");
    if (rc == 0)
        rc = s_number (doc, "handshakes_admitted", &admitted, "the file", err);
    if (rc == 0)
        rc = s_number (doc, "handshakes_refused", &refused, "the file", err);
    const char *key;
    const json_t *one;
    json_object_foreach ((json_t *) peers, key, one) {
        uint8_t bin[VF_KEY_BYTES];
        char where[128];
        vf_peer_kept_t *k = NULL;
        if (rc)
            break;
        snprintf (where, sizeof where, "peers.%.80s", key);
        if (vf_text_decode (bin, VF_TEXT_KEY, key, err) != 0)
            rc = VF_EINVALID, vf_err_prefix (err, "peers: '%.80s'", key);
        else if (!(k = malloc (sizeof *k)))
            rc = VF_ENOMEM;
        else if ((rc = s_kept_read (one, k, where, err)) == 0) {
            zhashx_insert (self->loaded, key, k);
            k = NULL; /* transferred */
        }
        free (k);
    }
    if (rc == 0)
        self->admitted = (uint64_t) admitted, self->refused = (uint64_t) refused;
    else
        zhashx_purge (self->loaded);
    json_decref (doc);
    return rc;
}

int
vf_peer_state_load (vf_peer_state_t *self, vf_err_t *err)
{
    zhashx_purge (self->loaded);
    self->admitted = self->refused = 0;
    char *text = NULL;
    size_t len = 0;
    int rc = s_read (self->path, &text, &len, err);
    if (rc == VF_ENOTFOUND)
        return 0; /* a first start */
    if (rc == 0)
        rc = s_parse (self, text, len, err);
    free (text);
    if (rc == 0 || rc == VF_ENOMEM)
        return rc;
    /*  keep it for the operator to look at, out of the way */
    vf_err_prefix (err, "%s", self->path);
    char why[VF_ERR_MSG_MAX];
    snprintf (why, sizeof why, "%s", vf_err_msg (err, rc));
    if (rename (self->path, self->bad_path) == 0)
        vf_err_set (err, rc, "%s (moved to %s)", why, self->bad_path);
    else {
        self->bad_in_place = true;
        vf_err_set (err, rc, "%s (cannot move it to %s: %s; it is left as it is)", why,
                    self->bad_path, strerror (errno));
    }
    return rc;
}

size_t
vf_peer_state_count (const vf_peer_state_t *self)
{
    return zhashx_size (self->loaded);
}

bool
vf_peer_state_take (vf_peer_state_t *self, const uint8_t key[VF_KEY_BYTES], vf_peer_kept_t *out)
{
    char text[VF_TEXT_MAX];
    vf_text_encode (text, VF_TEXT_KEY, key);
    const vf_peer_kept_t *k = zhashx_lookup (self->loaded, text);
    if (!k)
        return false;
    *out = *k;
    zhashx_delete (self->loaded, text);
    return true;
}

void
vf_peer_state_forget (vf_peer_state_t *self)
{
    zhashx_purge (self->loaded);
}

void
vf_peer_state_handshakes (const vf_peer_state_t *self, uint64_t *admitted, uint64_t *refused)
{
    *admitted = self->admitted;
    *refused = self->refused;
}

int
vf_peer_state_save (vf_peer_state_t *self, const vf_peer_state_item_t *items, size_t n,
                    uint64_t admitted, uint64_t refused, vf_err_t *err)
{
    if (self->bad_in_place) {
        if (rename (self->path, self->bad_path) != 0 && errno != ENOENT)
            return vf_err_set (err, VF_EIO,
                               "%s could not be read and cannot be moved to %s (%s): not "
                               "overwriting it; move it away to keep the peers' state",
                               self->path, self->bad_path, strerror (errno));
        self->bad_in_place = false;
    }
    json_t *peers = json_object ();
    for (size_t k = 0; peers && k < n; k++) {
        char key[VF_TEXT_MAX];
        json_t *one = s_kept_json (items[k].kept);
        if (!one || json_object_set_new (peers, vf_text_encode (key, VF_TEXT_KEY, items[k].key),
                                         one) != 0) {
            json_decref (peers);
            peers = NULL;
        }
    }
    json_t *doc = peers ? json_pack ("{s:i, s:I, s:I, s:o}", "version", VF_PEER_STATE_VERSION,
                                     "handshakes_admitted", (json_int_t) admitted,
                                     "handshakes_refused", (json_int_t) refused, "peers", peers)
                        : NULL;
    char *text = doc ? json_dumps (doc, JSON_INDENT (2)) : NULL;
    json_decref (doc);
    if (!text)
        return vf_err_set (err, VF_ENOMEM, "cannot write %s: out of memory", self->path);
    if (self->last && strcmp (self->last, text) == 0) {
        free (text); /* nothing changed */
        return 0;
    }
    int rc = vf_file_replace (self->path, text, err);
    if (rc == 0) {
        free (self->last);
        self->last = text;
        text = NULL; /* transferred */
    }
    free (text);
    return rc;
}
