/*  vf_api.c - the control API's request handlers, one per request, in one
    table. */
#include "vf_api.h"

#include <czmq.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vf_jsonld.h"
#include "vf_net.h"
#include "vf_limits.h"
#include "vf_mp.h" /* vf_utf8_valid */
#include "vf_text.h"
#include "vf_trace.h"

typedef struct {
    vf_api_t *api;
    const json_t *req;
    json_t *result; /* set by a handler that answers at once */
    vf_job_t *job;  /* set by a handler that needs the writer */
    json_t *error;  /* set by s_fail */
} s_call_t;

/*  Make s valid UTF-8 in place, each byte that starts no valid character
    becoming '?'. A message that quotes a request's text can be cut in the
    middle of a character (by %.64s, or at VF_ERR_MSG_MAX), and jansson
    refuses such a string: the request would get no reply at all. */
static void
s_utf8_repair (char *s)
{
    for (size_t k = 0; s[k];) {
        uint8_t b = (uint8_t) s[k];
        size_t n = b < 0x80             ? 1
                   : (b & 0xE0) == 0xC0 ? 2
                   : (b & 0xF0) == 0xE0 ? 3
                   : (b & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n && strnlen (s + k, n) == n && vf_utf8_valid (s + k, n))
            k += n;
        else
            s[k++] = '?';
    }
}

json_t *
vf_api_error (const json_t *id, const char *code, const char *fmt, ...)
{
    char msg[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof msg, fmt, ap);
    va_end (ap);
    s_utf8_repair (msg);
    json_t *reply =
        json_pack ("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code, "message", msg);
    if (reply && id)
        json_object_set (reply, "id", (json_t *) id);
    return reply;
}

static int s_fail (s_call_t *c, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (s_call_t *c, const char *code, const char *fmt, ...)
{
    char msg[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (msg, sizeof msg, fmt, ap);
    va_end (ap);
    c->error = vf_api_error (json_object_get (c->req, "id"), code, "%s", msg);
    return -1;
}

/*  The API code for a VF_E* code. */
static const char *
s_code (int rc)
{
    switch (rc) {
    case VF_EINVALID:
    case VF_ERANGE:
    case VF_EBADSIG:
    case VF_EUNIT:
        return VF_API_INVALID;
    case VF_EPARSE:
    case VF_EINVAL:
        return VF_API_BAD_REQUEST;
    case VF_ETOOBIG:
        return VF_API_TOO_LARGE;
    case VF_ENOTFOUND:
        return VF_API_NOT_FOUND;
    case VF_EFULL:
        return VF_API_STORE_FULL;
    default:
        return VF_API_INTERNAL;
    }
}

static int
s_store_fail (s_call_t *c, int rc, const vf_err_t *err)
{
    return s_fail (c, s_code (rc), "%s", vf_err_msg (err, rc));
}

/* ------------------------------------------------------------- params */

/*  Optional string parameter; -1 (and an error reply) if present but not a string. */
static int
s_str (s_call_t *c, const char *name, const char **out, bool required)
{
    const json_t *v = json_object_get (c->req, name);
    *out = NULL;
    if (!v && !required)
        return 0;
    if (!json_is_string (v))
        return s_fail (c, VF_API_BAD_REQUEST, "'%s' must be a string%s", name,
                       v ? "" : " and is required");
    *out = json_string_value (v);
    return 0;
}

static int
s_uint (s_call_t *c, const char *name, uint64_t *out, uint64_t max)
{
    const json_t *v = json_object_get (c->req, name);
    if (!v)
        return 0;
    if (!json_is_integer (v) || json_integer_value (v) < 0 ||
        (uint64_t) json_integer_value (v) > max)
        return s_fail (c, VF_API_BAD_REQUEST, "'%s' must be an integer from 0 to %llu", name,
                       (unsigned long long) max);
    *out = (uint64_t) json_integer_value (v);
    return 0;
}

/*  Optional boolean parameter. */
static int
s_bool (s_call_t *c, const char *name, bool *out)
{
    const json_t *v = json_object_get (c->req, name);
    if (!v)
        return 0;
    if (!json_is_boolean (v))
        return s_fail (c, VF_API_BAD_REQUEST, "'%s' must be true or false", name);
    *out = json_is_true (v);
    return 0;
}

static int
s_key (s_call_t *c, const char *name, vf_text_kind_t kind, uint8_t out[32], bool *have)
{
    const char *text;
    vf_err_t err = { 0 };
    *have = false;
    if (s_str (c, name, &text, false) || !text)
        return c->error ? -1 : 0;
    if (vf_text_decode (out, kind, text, &err))
        return s_fail (c, VF_API_BAD_REQUEST, "'%s': %s", name, err.msg);
    *have = true;
    return 0;
}

/* ------------------------------------------------------------- replies */

static json_t *
s_entries_json (vf_entry_t **list, size_t n)
{
    json_t *arr = json_array ();
    for (size_t k = 0; arr && k < n; k++)
        json_array_append_new (arr, vf_jsonld_export_entry (list[k], false));
    return arr;
}

static int
s_status (s_call_t *c)
{
    vf_api_t *a = c->api;
    vf_store_stat_t st;
    vf_err_t err = { 0 };
    int rc = vf_store_stat (a->store, &st, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    char key[VF_TEXT_MAX];
    c->result = json_pack (
        "{s:{s:s, s:s, s:s, s:I, s:I}, s:{s:I, s:I, s:I, s:b, s:i}, s:{s:I, s:I, s:I, s:I, s:I, "
        "s:I}}",
        "node", "key", vf_text_encode (key, VF_TEXT_KEY, vf_identity_public (a->identity)), "name",
        a->name, "dir", a->dir, "next_seq", (json_int_t) a->next_seq, "uptime_s",
        (json_int_t) ((zclock_time () - a->started) / 1000), "store", "entries",
        (json_int_t) st.entries, "map_size", (json_int_t) st.map_size, "map_used",
        (json_int_t) st.map_used, "nearly_full", vf_store_nearly_full (&st), "schema", st.schema,
        "requests", "answered", (json_int_t) a->requests, "errors", (json_int_t) a->errors,
        "bad_requests", (json_int_t) a->bad_requests, "in_flight", (json_int_t) a->in_flight,
        "entries_stored", (json_int_t) a->stored, "replies_dropped",
        (json_int_t) a->replies_dropped);
    return 0;
}

/*  The stored entry named by the request's "entry" parameter (vfe_...),
    or an error reply. what says what the entry is for messages. */
static int
s_named_entry (s_call_t *c, const char *what, vf_entry_t **e)
{
    uint8_t id[VF_HASH_BYTES];
    bool have;
    vf_err_t err = { 0 };
    *e = NULL;
    if (s_key (c, "entry", VF_TEXT_ID, id, &have))
        return -1;
    if (!have)
        return s_fail (c, VF_API_BAD_REQUEST, "'entry' (%s) is required", what);
    int rc = vf_store_get (c->api->store, id, e, &err);
    if (rc == VF_ENOTFOUND)
        return s_fail (c, VF_API_NOT_FOUND, "no entry %s",
                       json_string_value (json_object_get (c->req, "entry")));
    return rc ? s_store_fail (c, rc, &err) : 0;
}

static int
s_get (s_call_t *c)
{
    vf_entry_t *e = NULL;
    if (s_named_entry (c, "the vfe_... id", &e))
        return -1;
    c->result = json_pack ("{s:o}", "entry", vf_jsonld_export_entry (e, false));
    vf_entry_destroy (&e);
    return 0;
}

static int
s_query (s_call_t *c)
{
    vf_query_t q = { 0 };
    uint8_t author[VF_KEY_BYTES];
    bool have = false;
    uint64_t limit = 100;
    if (s_key (c, "author", VF_TEXT_KEY, author, &have) || s_str (c, "class", &q.cls, false) ||
        s_str (c, "action", &q.action, false) || s_str (c, "resource", &q.resource, false) ||
        s_str (c, "process", &q.process, false) || s_str (c, "agent", &q.agent, false) ||
        s_uint (c, "time_from", &q.time_from, VF_TIME_MAX) ||
        s_uint (c, "time_to", &q.time_to, VF_TIME_MAX) ||
        s_uint (c, "after", &q.after, UINT64_MAX >> 1) || s_uint (c, "limit", &limit, 1000))
        return -1;
    q.author = have ? author : NULL;
    q.limit = limit ? limit : 100;
    vf_entry_t **page = NULL;
    size_t n = 0;
    uint64_t next = 0;
    vf_err_t err = { 0 };
    int rc = vf_store_query (c->api->store, &q, &page, &n, &next, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    c->result = json_pack ("{s:o, s:o}", "entries", s_entries_json (page, n), "next",
                           next ? json_integer ((json_int_t) next) : json_null ());
    vf_store_free_entries (&page, n);
    return 0;
}

static int
s_resource (s_call_t *c)
{
    const char *iri;
    if (s_str (c, "iri", &iri, true))
        return -1;
    json_t *res = NULL;
    vf_entry_t **hist = NULL;
    size_t n = 0;
    vf_err_t err = { 0 };
    const json_t *want = json_object_get (c->req, "history");
    if (want && !json_is_boolean (want))
        return s_fail (c, VF_API_BAD_REQUEST, "'history' must be true or false");
    int rc = vf_store_resource (c->api->store, iri, &res, &err);
    if (rc == 0 && json_is_true (want))
        rc = vf_store_history (c->api->store, iri, &hist, &n, &err);
    if (rc) {
        json_decref (res);
        return s_store_fail (c, rc, &err);
    }
    c->result = json_pack ("{s:o}", "resource", res);
    if (hist)
        json_object_set_new (c->result, "history", s_entries_json (hist, n));
    vf_store_free_entries (&hist, n);
    return 0;
}

/*  The names of the co-ops this node knows (itself and the members of its
    networks), by key, for the organisations a walk passes. */
static json_t *
s_org_names (s_call_t *c)
{
    char key[VF_TEXT_MAX];
    json_t *names = json_object ();
    json_object_set_new (names,
                         vf_text_encode (key, VF_TEXT_KEY, vf_identity_public (c->api->identity)),
                         json_string (c->api->name));
    vf_nets_t *nets = NULL;
    vf_err_t err = { 0 };
    if (vf_nets_load (&nets, c->api->dir, &err) != 0)
        return names; /* no networks file: only our own name */
    json_t *all = vf_nets_json (nets);
    size_t i, j;
    json_t *net, *m;
    json_array_foreach (json_object_get (all, "networks"), i, net)
        json_array_foreach (json_object_get (net, "members"), j, m) {
            const char *k = json_string_value (json_object_get (m, "key"));
            const char *n = json_string_value (json_object_get (m, "name"));
            if (k && n && *n && !json_object_get (names, k))
                json_object_set_new (names, k, json_string (n));
        }
    json_decref (all);
    vf_nets_destroy (&nets);
    return names;
}

static int
s_trace (s_call_t *c)
{
    const char *iri, *dir;
    vf_trace_opts_t o = { 0 };
    uint64_t depth = 0, items = 0;
    if (s_str (c, "iri", &iri, true) || s_str (c, "direction", &dir, false) ||
        s_uint (c, "max_depth", &depth, VF_TRACE_ITEMS_MAX) ||
        s_uint (c, "max_items", &items, VF_TRACE_API_ITEMS_MAX) ||
        s_bool (c, "stop_at_boundary", &o.stop_at_boundary) ||
        s_bool (c, "include_pending", &o.include_pending) || s_bool (c, "rollup", &o.rollup))
        return -1;
    static const char *dirs[] = { "trace", "track", "previous", "next" };
    size_t d = 0;
    while (dir && d < 4 && strcmp (dir, dirs[d]) != 0)
        d++;
    if (d == 4)
        return s_fail (c, VF_API_BAD_REQUEST,
                       "'direction' must be trace, track, previous or next, not '%.64s'", dir);
    o.forward = d % 2 == 1, o.one_step = d >= 2;
    o.max_depth = (size_t) depth, o.max_items = (size_t) items;
    json_t *walk = NULL;
    vf_err_t err = { 0 };
    int rc = vf_store_trace (c->api->store, iri, &o, &walk, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    json_object_set_new (walk, "organisations", s_org_names (c));
    c->result = walk;
    return 0;
}

static int
s_process (s_call_t *c)
{
    const char *iri;
    if (s_str (c, "iri", &iri, true))
        return -1;
    vf_query_t q = { .process = iri, .cls = "EconomicEvent", .limit = 1000 };
    if (s_uint (c, "after", &q.after, UINT64_MAX >> 1))
        return -1;
    vf_entry_t **page = NULL;
    size_t n = 0;
    uint64_t next = 0;
    vf_err_t err = { 0 };
    int rc = vf_store_query (c->api->store, &q, &page, &n, &next, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    json_t *in = json_array (), *out = json_array ();
    for (size_t k = 0; k < n; k++) {
        const char *of = json_string_value (json_object_get (page[k]->body, "inputOf"));
        json_array_append_new (of && strcmp (of, iri) == 0 ? in : out,
                               vf_jsonld_export_entry (page[k], false));
    }
    vf_store_free_entries (&page, n);
    c->result = json_pack ("{s:s, s:o, s:o, s:o}", "iri", iri, "inputs", in, "outputs", out, "next",
                           next ? json_integer ((json_int_t) next) : json_null ());
    return 0;
}

static int
s_forks (s_call_t *c)
{
    vf_fork_t *forks = NULL;
    size_t n = 0;
    vf_err_t err = { 0 };
    int rc = vf_store_forks (c->api->store, &forks, &n, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    json_t *arr = json_array ();
    for (size_t k = 0; k < n; k++) {
        char a[VF_TEXT_MAX], x[VF_TEXT_MAX], y[VF_TEXT_MAX];
        json_array_append_new (arr, json_pack ("{s:s, s:I, s:[s, s]}", "author",
                                               vf_text_encode (a, VF_TEXT_KEY, forks[k].author),
                                               "seq", (json_int_t) forks[k].seq, "entries",
                                               vf_text_encode (x, VF_TEXT_ID, forks[k].id_a),
                                               vf_text_encode (y, VF_TEXT_ID, forks[k].id_b)));
    }
    free (forks);
    c->result = json_pack ("{s:o}", "forks", arr);
    return 0;
}

static int
s_pending (s_call_t *c)
{
    json_t *list = NULL;
    vf_err_t err = { 0 };
    int rc = vf_store_pending (c->api->store, vf_identity_public (c->api->identity), &list, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    c->result = json_pack ("{s:o}", "pending", list);
    return 0;
}

static int
s_export (s_call_t *c)
{
    vf_query_t q = { 0 };
    uint64_t limit = 1000;
    if (s_uint (c, "after", &q.after, UINT64_MAX >> 1) || s_uint (c, "limit", &limit, 1000))
        return -1;
    q.limit = limit ? limit : 1000;
    vf_entry_t **page = NULL;
    size_t n = 0;
    uint64_t next = 0;
    vf_err_t err = { 0 };
    int rc = vf_store_query (c->api->store, &q, &page, &n, &next, &err);
    if (rc)
        return s_store_fail (c, rc, &err);
    json_t *arr = json_array ();
    for (size_t k = 0; k < n; k++)
        json_array_append_new (arr, vf_jsonld_export_entry (page[k], true));
    vf_store_free_entries (&page, n);
    c->result = json_pack ("{s:o, s:o}", "entries", arr, "next",
                           next ? json_integer ((json_int_t) next) : json_null ());
    return 0;
}

/* --------------------------------------------------------- writing */

/*  Sign prepared records as this node into a job for the writer. */
static int
s_sign_job (s_call_t *c, vf_records_t *recs)
{
    vf_job_t *job = vf_job_new (recs->n, 0, VF_CONTROL_DONE);
    if (!job)
        return s_fail (c, VF_API_INTERNAL, "out of memory");
    for (size_t k = 0; k < recs->n; k++) {
        vf_err_t err = { 0 };
        int rc = vf_entry_sign (recs->items[k].entry, c->api->identity, &err);
        if (rc) {
            vf_job_destroy (&job);
            return s_store_fail (c, rc, &err);
        }
        job->entries[k] = recs->items[k].entry;
        recs->items[k].entry = NULL; /* transferred */
    }
    c->job = job;
    return 0;
}

/*  Validate every record (all or nothing), then sign them all. */
static int
s_publish_records (s_call_t *c, vf_records_t *recs, const vf_entry_t *audience)
{
    vf_api_t *a = c->api;
    vf_err_t err = { 0 };
    uint64_t seq = a->next_seq;
    int rc = vf_records_prepare (recs, vf_identity_public (a->identity), &seq,
                                 (uint64_t) zclock_time (), audience, &err);
    for (size_t k = 0; k < recs->n && rc == 0; k++)
        if (recs->items[k].has_seq)
            rc = vf_err_set (&err, VF_EINVALID,
                             "record %zu brings its own seq; the node numbers "
                             "what it publishes (use import for signed entries)",
                             k + 1);
    for (size_t k = 0; k < recs->n && rc == 0; k++)
        if ((rc = vf_entry_check (recs->items[k].entry, &err)))
            vf_err_prefix (&err, "record %zu", k + 1);
    if (rc)
        return s_store_fail (c, rc, &err);
    /*  seqs are used up from here on, stored or not, so that a seq never
        names two different entries */
    a->next_seq = seq;
    return s_sign_job (c, recs);
}

static int
s_audience (s_call_t *c, vf_entry_t *aud)
{
    const json_t *v = json_object_get (c->req, "audience");
    if (!v || (json_is_string (v) && strcmp (json_string_value (v), "public") == 0))
        return 0;
    if (!json_is_array (v) || json_array_size (v) == 0 || json_array_size (v) > VF_AUDIENCE_MAX)
        return s_fail (c, VF_API_BAD_REQUEST,
                       "'audience' must be \"public\" or a list of 1-%d network ids (vfn_...)",
                       VF_AUDIENCE_MAX);
    for (size_t k = 0; k < json_array_size (v); k++) {
        uint8_t net[VF_KEY_BYTES];
        vf_err_t err = { 0 };
        const char *s = json_string_value (json_array_get (v, k));
        if (!s || vf_text_decode (net, VF_TEXT_NET, s, &err))
            return s_fail (c, VF_API_BAD_REQUEST, "audience[%zu]: %s", k,
                           s ? err.msg : "expected a network id (vfn_...)");
        vf_entry_add_network (aud, net);
    }
    return 0;
}

static int
s_publish (s_call_t *c)
{
    const json_t *doc = json_object_get (c->req, "document");
    if (!json_is_object (doc) && !json_is_array (doc))
        return s_fail (c, VF_API_BAD_REQUEST, "'document' must be a JSON-LD object or array");
    vf_entry_t *aud = vf_entry_new ();
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = aud ? s_audience (c, aud) : s_fail (c, VF_API_INTERNAL, "out of memory");
    if (rc == 0 && (rc = vf_jsonld_import_json (doc, &recs, &err)) != 0)
        s_store_fail (c, rc, &err);
    if (rc == 0 && recs->n > VF_INGEST_BATCH_MAX)
        rc = s_fail (c, VF_API_TOO_LARGE, "%zu records in one publish; at most %d", recs->n,
                     VF_INGEST_BATCH_MAX);
    if (rc == 0)
        rc = s_publish_records (c, recs, aud);
    vf_records_destroy (&recs);
    vf_entry_destroy (&aud);
    return rc;
}

static int
s_confirm (s_call_t *c)
{
    vf_entry_t *e = NULL;
    vf_err_t err = { 0 };
    int rc;
    if (s_named_entry (c, "the vfe_... id of the event", &e))
        return -1;
    if (strcmp (e->cls, "EconomicEvent") != 0) {
        s_fail (c, VF_API_INVALID, "entry is a %s, not an EconomicEvent", e->cls);
        vf_entry_destroy (&e);
        return -1;
    }
    char text[VF_TEXT_MAX];
    json_t *doc =
        json_pack ("{s:s, s:s, s:s}", "@type", "Confirmation", "confirmsEvent", vf_entry_iri (e),
                   "confirmsEntry", vf_text_encode (text, VF_TEXT_ID, e->id));
    vf_records_t *recs = NULL;
    vf_entry_t *aud = vf_entry_new ();
    /*  the confirmation goes where the event goes */
    if (aud && !e->is_public)
        for (size_t k = 0; k < e->naudience; k++)
            vf_entry_add_network (aud, e->audience[k]);
    rc = doc && aud ? vf_jsonld_import_json (doc, &recs, &err) : VF_ENOMEM;
    if (rc)
        s_store_fail (c, rc, &err);
    else
        rc = s_publish_records (c, recs, aud);
    vf_records_destroy (&recs);
    vf_entry_destroy (&aud);
    vf_entry_destroy (&e);
    json_decref (doc);
    return rc;
}

/*  The signed blob a record's envelope describes, for the verifier pool:
    canonical encoding behind the claimed signature. The id it claims is
    compared here (a hash); the signature is checked by the pool. */
static int
s_blob (const vf_record_t *rec, uint8_t **blob, size_t *len, vf_err_t *err)
{
    const vf_entry_t *e = rec->entry;
    if (!(rec->has_author && rec->has_seq && rec->has_time && rec->has_audience && rec->has_sig))
        return vf_err_set (err, VF_EINVALID,
                           "not a signed entry: vfn:entry needs author, seq, "
                           "time, audience and sig");
    uint8_t *enc = NULL, id[VF_HASH_BYTES];
    size_t n = 0;
    int rc = vf_entry_encode (e, &enc, &n, err);
    if (rc)
        return rc;
    vf_hash (id, enc, n);
    if (rec->has_id && memcmp (id, e->id, VF_HASH_BYTES) != 0)
        rc = vf_err_set (err, VF_EBADSIG, "content does not hash to the claimed id");
    else if (!(*blob = malloc (VF_SIG_BYTES + n)))
        rc = VF_ENOMEM;
    if (rc == 0) {
        memcpy (*blob, e->sig, VF_SIG_BYTES);
        memcpy (*blob + VF_SIG_BYTES, enc, n);
        *len = VF_SIG_BYTES + n;
    }
    free (enc);
    return rc;
}

static void
s_import_one (vf_api_t *a, vf_job_t *job, size_t k, const json_t *node)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    int rc = vf_jsonld_import_json (node, &recs, &err);
    if (rc == 0 && recs->n != 1)
        rc = vf_err_set (&err, VF_EINVALID, "one signed entry per element, not %zu records",
                         recs->n);
    if (rc == 0)
        rc = s_blob (&recs->items[0], &job->blobs[k], &job->blob_lens[k], &err);
    /*  our own entries coming back (a dump, a backup): what we publish next
        must never reuse their seqs */
    const vf_entry_t *e = rc == 0 ? recs->items[0].entry : NULL;
    if (e && memcmp (e->author, vf_identity_public (a->identity), VF_KEY_BYTES) == 0 &&
        e->seq >= a->next_seq)
        a->next_seq = e->seq + 1;
    if (rc)
        vf_job_refuse (job, k, rc, vf_err_msg (&err, rc));
    vf_records_destroy (&recs);
}

/*  Signed entries from elsewhere (a dump, another node's export): the
    verifier pool checks their signatures and rules on all cores. */
static int
s_import (s_call_t *c)
{
    const json_t *list = json_object_get (c->req, "entries");
    if (!json_is_array (list) || json_array_size (list) == 0)
        return s_fail (c, VF_API_BAD_REQUEST,
                       "'entries' must be a non-empty array of signed entries");
    if (json_array_size (list) > VF_INGEST_BATCH_MAX)
        return s_fail (c, VF_API_TOO_LARGE, "%zu entries in one import; at most %d",
                       json_array_size (list), VF_INGEST_BATCH_MAX);
    vf_job_t *job = vf_job_new (json_array_size (list), 0, VF_CONTROL_DONE);
    if (job) {
        job->blobs = calloc (job->n, sizeof *job->blobs);
        job->blob_lens = calloc (job->n, sizeof *job->blob_lens);
    }
    if (!job || !job->blobs || !job->blob_lens) {
        vf_job_destroy (&job);
        return s_fail (c, VF_API_INTERNAL, "out of memory");
    }
    for (size_t k = 0; k < job->n; k++)
        s_import_one (c->api, job, k, json_array_get (list, k));
    c->job = job;
    return 0;
}

/*  Peer and network requests are the peer engine's: pass them on. Offline
    (no engine), the networks can still be read from their file. */
static int
s_peer_request (s_call_t *c)
{
    zsock_t *ctl = c->api->peer_ctl;
    const char *what = json_string_value (json_object_get (c->req, "request"));
    if (!ctl && strcmp (what, "networks") == 0) {
        vf_nets_t *nets = NULL;
        vf_err_t err = { 0 };
        int rc = vf_nets_load (&nets, c->api->dir, &err);
        if (rc)
            return s_store_fail (c, rc, &err);
        c->result = vf_nets_json (nets);
        vf_nets_destroy (&nets);
        return 0;
    }
    if (!ctl)
        return s_fail (c, VF_API_NOT_RUNNING, "'%s' needs the node running", what);
    /*  each request carries its number in its envelope, which the engine's
        REP socket sends back: an answer that comes after we stopped
        waiting for it is told apart and dropped, never taken for the
        answer to the next request */
    uint64_t tag = ++c->api->peer_asked;
    char *text = json_dumps (c->req, JSON_COMPACT);
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, &tag, sizeof tag);
    zmsg_addstr (msg, "");
    zmsg_addstr (msg, text ? text : "{}");
    free (text);
    if (zmsg_send (&msg, ctl) != 0)
        return s_fail (c, VF_API_INTERNAL, "the peer engine does not answer");
    zpoller_t *poller = zpoller_new (ctl, NULL);
    zmsg_t *answer = NULL;
    for (int64_t until = zclock_mono () + 5000; poller && !answer;) {
        int64_t left = until - zclock_mono ();
        if (left <= 0 || zpoller_wait (poller, (int) left) != ctl)
            break;
        zmsg_t *got = zmsg_recv (ctl);
        zframe_t *its = got ? zmsg_pop (got) : NULL;
        if (its && zframe_size (its) == sizeof tag &&
            memcmp (zframe_data (its), &tag, sizeof tag) == 0)
            answer = got, got = NULL;
        zframe_destroy (&its);
        zmsg_destroy (&got); /* the late answer to an earlier request */
    }
    zpoller_destroy (&poller);
    char *delimiter = answer ? zmsg_popstr (answer) : NULL; /* REP's empty frame */
    char *body = answer ? zmsg_popstr (answer) : NULL;
    zstr_free (&delimiter);
    zmsg_destroy (&answer);
    json_t *reply = body ? json_loads (body, 0, NULL) : NULL;
    zstr_free (&body);
    if (!reply)
        return s_fail (c, VF_API_INTERNAL, "the peer engine did not answer in time");
    int rc = 0;
    if (json_is_true (json_object_get (reply, "ok")))
        c->result = json_incref (json_object_get (reply, "result"));
    else {
        const json_t *e = json_object_get (reply, "error");
        rc = s_fail (c,
                     json_string_value (json_object_get (e, "code"))
                         ? json_string_value (json_object_get (e, "code"))
                         : VF_API_INTERNAL,
                     "%s",
                     json_string_value (json_object_get (e, "message"))
                         ? json_string_value (json_object_get (e, "message"))
                         : "");
    }
    json_decref (reply);
    return rc;
}

typedef struct {
    const char *name;
    int (*handler) (s_call_t *c);
    const char *summary;
} s_request_t;

static const s_request_t s_requests[] = {
    { "status", s_status, "the node, its store and its counters" },
    { "publish", s_publish, "validate, sign and store a VF JSON-LD document" },
    { "get", s_get, "one entry by id" },
    { "query", s_query, "entries by author, class, action, resource, process, agent, time" },
    { "resource", s_resource, "a resource's state (and its history)" },
    { "process", s_process, "a process's input and output events" },
    { "trace", s_trace, "track and trace: where a resource came from or went, across co-ops" },
    { "forks", s_forks, "equivocation proofs" },
    { "pending", s_pending, "events waiting for this node's confirmation" },
    { "confirm", s_confirm, "countersign another co-op's event on our resource" },
    { "export", s_export, "signed entries, a page at a time" },
    { "import", s_import, "verify and store signed entries" },
    { "networks", s_peer_request, "the networks this node belongs to and their members" },
    { "network_add", s_peer_request, "create a network, or join one by its id" },
    { "peer_add", s_peer_request, "add a member (key, endpoint) to one of our networks" },
    { "peers", s_peer_request, "every member: state, traffic, errors" },
    { "peer", s_peer_request, "one member in detail" },
    { "sync", s_peer_request, "reconcile now with one peer or every connected one" },
};

void
vf_api_handle (vf_api_t *api, const json_t *req, json_t **reply, vf_job_t **job)
{
    s_call_t c = { api, req, NULL, NULL, NULL };
    const json_t *id = json_object_get (req, "id");
    const char *name = json_string_value (json_object_get (req, "request"));
    *reply = NULL, *job = NULL;
    const s_request_t *r = NULL;
    for (size_t k = 0; name && k < sizeof s_requests / sizeof s_requests[0]; k++)
        if (strcmp (s_requests[k].name, name) == 0)
            r = &s_requests[k];
    if (!r) {
        api->bad_requests++;
        api->errors++;
        *reply = name ? vf_api_error (id, VF_API_UNKNOWN, "unknown request '%.64s'", name)
                      : vf_api_error (id, VF_API_BAD_REQUEST, "'request' (a string) is required");
        return;
    }
    if (r->handler (&c) != 0 || c.error) {
        json_decref (c.result);
        vf_job_destroy (&c.job);
        const char *code =
            json_string_value (json_object_get (json_object_get (c.error, "error"), "code"));
        if (code && strcmp (code, VF_API_BAD_REQUEST) == 0)
            api->bad_requests++;
        api->errors++;
        *reply = c.error;
        return;
    }
    if (c.job) {
        *job = c.job;
        return;
    }
    api->requests++;
    *reply = json_pack ("{s:b, s:o}", "ok", 1, "result", c.result);
    if (id)
        json_object_set (*reply, "id", (json_t *) id);
}

json_t *
vf_api_finish (vf_api_t *api, const json_t *req, vf_job_t *job)
{
    const json_t *id = json_object_get (req, "id");
    json_t *reply;
    if (job->status) {
        api->errors++;
        reply = vf_api_error (id, s_code (job->status), "nothing stored: %s", job->error);
        vf_job_destroy (&job);
        return reply;
    }
    json_t *list = json_array ();
    size_t stored = 0, dup = 0, refused = 0;
    for (size_t k = 0; k < job->n; k++) {
        const vf_ingest_result_t *r = &job->results[k];
        char text[VF_TEXT_MAX];
        json_t *one = json_object ();
        if (job->entries[k]) {
            json_object_set_new (
                one, "entry", json_string (vf_text_encode (text, VF_TEXT_ID, job->entries[k]->id)));
            json_object_set_new (one, "iri", json_string (vf_entry_iri (job->entries[k])));
            json_object_set_new (one, "class", json_string (job->entries[k]->cls));
            json_object_set_new (one, "seq", json_integer ((json_int_t) job->entries[k]->seq));
        }
        const char *outcome = r->outcome == VF_OUTCOME_STORED      ? "stored"
                              : r->outcome == VF_OUTCOME_DUPLICATE ? "duplicate"
                                                                   : "refused";
        json_object_set_new (one, "outcome", json_string (outcome));
        if (r->fork) /* stored, and with another entry of the same author and seq */
            json_object_set_new (one, "fork", json_true ());
        if (r->outcome == VF_OUTCOME_REJECTED || r->outcome == 0) {
            char reason[sizeof r->reason];
            snprintf (reason, sizeof reason, "%s", r->reason[0] ? r->reason : "refused");
            s_utf8_repair (reason);
            json_object_set_new (one, "reason", json_string (reason));
            refused++;
        } else if (r->outcome == VF_OUTCOME_DUPLICATE)
            dup++;
        else
            stored++;
        json_array_append_new (list, one);
    }
    api->stored += stored;
    api->requests++;
    reply = json_pack ("{s:b, s:{s:o, s:I, s:I, s:I}}", "ok", 1, "result", "entries", list,
                       "stored", (json_int_t) stored, "duplicates", (json_int_t) dup, "refused",
                       (json_int_t) refused);
    if (id)
        json_object_set (reply, "id", (json_t *) id);
    vf_job_destroy (&job);
    return reply;
}
