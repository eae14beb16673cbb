/*  vf_entry.c - entry envelope, canonical codec, id and signature. */
#include "vf_entry.h"

#include <stdlib.h>
#include <string.h>

#include "vf_mp.h"
#include "vf_validate.h"
#include "vf_vocab.h"

/*  Envelope keys in canonical (byte) order. */
#define K_AUDIENCE "audience"
#define K_AUTHOR "author"
#define K_BODY "body"
#define K_CLASS "class"
#define K_SEQ "seq"
#define K_TIME "time"
#define K_VERSION "v"
#define ENVELOPE_KEYS 7

vf_entry_t *
vf_entry_new (void)
{
    vf_entry_t *self = calloc (1, sizeof *self);
    if (self)
        self->is_public = true;
    return self;
}

void
vf_entry_destroy (vf_entry_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_entry_t *self = *self_p;
    json_decref (self->body);
    free (self->blob);
    free (self);
    *self_p = NULL;
}

void
vf_entry_set_body (vf_entry_t *self, json_t **body_p)
{
    json_decref (self->body);
    self->body = *body_p;
    *body_p = NULL;
}

static int
s_netcmp (const void *a, const void *b)
{
    return memcmp (a, b, VF_KEY_BYTES);
}

int
vf_entry_add_network (vf_entry_t *self, const uint8_t net[VF_KEY_BYTES])
{
    for (size_t k = 0; k < self->naudience; k++)
        if (memcmp (self->audience[k], net, VF_KEY_BYTES) == 0)
            return 0;
    if (self->naudience >= VF_AUDIENCE_MAX)
        return VF_ETOOBIG;
    memcpy (self->audience[self->naudience++], net, VF_KEY_BYTES);
    qsort (self->audience, self->naudience, VF_KEY_BYTES, s_netcmp);
    self->is_public = false;
    return 0;
}

static bool
s_class_name_ok (const char *s)
{
    size_t n = strlen (s);
    if (n == 0 || n > VF_CLASS_MAX)
        return false;
    for (size_t k = 0; k < n; k++)
        if (s[k] <= 0x20 || s[k] >= 0x7f)
            return false;
    return true;
}

static int
s_write_envelope (vf_mp_writer_t *w, const vf_entry_t *self, vf_err_t *err)
{
    vf_mp_write_map (w, ENVELOPE_KEYS);
    vf_mp_write_cstr (w, K_AUDIENCE);
    if (self->is_public)
        vf_mp_write_cstr (w, "public");
    else {
        vf_mp_write_array (w, (uint32_t) self->naudience);
        for (size_t k = 0; k < self->naudience; k++)
            vf_mp_write_bin (w, self->audience[k], VF_KEY_BYTES);
    }
    vf_mp_write_cstr (w, K_AUTHOR);
    vf_mp_write_bin (w, self->author, VF_KEY_BYTES);
    vf_mp_write_cstr (w, K_BODY);
    int rc = vf_mp_write_json (w, self->body, 1, err);
    if (rc) {
        vf_err_prefix (err, "body");
        return rc;
    }
    vf_mp_write_cstr (w, K_CLASS);
    vf_mp_write_cstr (w, self->cls);
    vf_mp_write_cstr (w, K_SEQ);
    vf_mp_write_uint (w, self->seq);
    vf_mp_write_cstr (w, K_TIME);
    vf_mp_write_uint (w, self->time);
    vf_mp_write_cstr (w, K_VERSION);
    return vf_mp_write_uint (w, VF_ENTRY_VERSION);
}

int
vf_entry_encode (const vf_entry_t *self, uint8_t **out, size_t *len, vf_err_t *err)
{
    if (!self->body || !json_is_object (self->body))
        return vf_err_set (err, VF_EINVAL, "entry has no record body (a JSON object)");
    if (!s_class_name_ok (self->cls))
        return vf_err_set (err, VF_EINVAL, "entry class must be 1-%d printable characters",
                           VF_CLASS_MAX);
    if (self->seq == 0 || self->seq > VF_SEQ_MAX)
        return vf_err_set (err, VF_EINVAL, "entry seq must be from 1 to %llu",
                           (unsigned long long) VF_SEQ_MAX);
    if (self->time > VF_TIME_MAX)
        return vf_err_set (err, VF_EINVAL, "entry time must be at most %llu",
                           (unsigned long long) VF_TIME_MAX);
    if (!self->is_public && (self->naudience == 0 || self->naudience > VF_AUDIENCE_MAX))
        return vf_err_set (err, VF_EINVAL, "entry audience must name 1-%d networks or be public",
                           VF_AUDIENCE_MAX);
    vf_mp_writer_t *w = vf_mp_writer_new (VF_ENTRY_MAX);
    if (!w)
        return VF_ENOMEM;
    int rc = s_write_envelope (w, self, err);
    if (rc == 0)
        rc = vf_mp_writer_status (w);
    if (rc == VF_ETOOBIG)
        vf_err_set (err, rc, "entry is larger than %d bytes", VF_ENTRY_MAX);
    else if (rc == 0 && !(*out = vf_mp_writer_take (w, len)))
        rc = VF_ENOMEM;
    vf_mp_writer_destroy (&w);
    return rc;
}

static int
s_read_audience (vf_mp_reader_t *r, vf_entry_t *e, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_next (r, &it, err);
    if (rc)
        return rc;
    if (it.type == VF_MP_STR) {
        if (it.len != 6 || memcmp (it.ptr, "public", 6) != 0)
            return vf_err_set (err, VF_EPARSE,
                               "audience: expected \"public\" or a list of networks");
        e->is_public = true;
        return 0;
    }
    if (it.type != VF_MP_ARRAY || it.len == 0 || it.len > VF_AUDIENCE_MAX)
        return vf_err_set (err, VF_EPARSE, "audience: expected \"public\" or 1-%d network ids",
                           VF_AUDIENCE_MAX);
    e->is_public = false;
    e->naudience = it.len;
    for (size_t k = 0; k < e->naudience; k++) {
        vf_mp_item_t net;
        if ((rc = vf_mp_expect (r, VF_MP_BIN, &net, "audience network", err)))
            return rc;
        if (net.len != VF_KEY_BYTES)
            return vf_err_set (err, VF_EPARSE, "audience[%zu]: network id of %u bytes, expected %d",
                               k, net.len, VF_KEY_BYTES);
        memcpy (e->audience[k], net.ptr, VF_KEY_BYTES);
        if (k && memcmp (e->audience[k - 1], e->audience[k], VF_KEY_BYTES) >= 0)
            return vf_err_set (err, VF_ENONCANON,
                               "audience: network ids must be unique and sorted by their bytes");
    }
    return 0;
}

static int
s_read_envelope (vf_mp_reader_t *r, vf_entry_t *e, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc;
    if ((rc = vf_mp_expect (r, VF_MP_MAP, &it, "entry", err)))
        return rc;
    if (it.len != ENVELOPE_KEYS)
        return vf_err_set (err, VF_EPARSE, "entry: map of %u keys, expected %d", it.len,
                           ENVELOPE_KEYS);
    if ((rc = vf_mp_expect_key (r, K_AUDIENCE, err)) || (rc = s_read_audience (r, e, err)))
        return rc;
    if ((rc = vf_mp_expect_key (r, K_AUTHOR, err)) ||
        (rc = vf_mp_expect (r, VF_MP_BIN, &it, "author", err)))
        return rc;
    if (it.len != VF_KEY_BYTES)
        return vf_err_set (err, VF_EPARSE, "author: key of %u bytes, expected %d", it.len,
                           VF_KEY_BYTES);
    memcpy (e->author, it.ptr, VF_KEY_BYTES);
    if ((rc = vf_mp_expect_key (r, K_BODY, err)))
        return rc;
    if ((rc = vf_mp_read_json (r, 1, &e->body, err))) {
        vf_err_prefix (err, "body");
        return rc;
    }
    if (!json_is_object (e->body))
        return vf_err_set (err, VF_EPARSE, "body: expected a map");
    if ((rc = vf_mp_expect_key (r, K_CLASS, err)) ||
        (rc = vf_mp_expect (r, VF_MP_STR, &it, "class", err)))
        return rc;
    if (it.len == 0 || it.len > VF_CLASS_MAX)
        return vf_err_set (err, VF_EPARSE, "class: %u bytes, expected 1-%d", it.len, VF_CLASS_MAX);
    memcpy (e->cls, it.ptr, it.len);
    e->cls[it.len] = '\0';
    if (!s_class_name_ok (e->cls))
        return vf_err_set (err, VF_EPARSE, "class: only printable ASCII without spaces");
    if ((rc = vf_mp_expect_key (r, K_SEQ, err)) ||
        (rc = vf_mp_expect (r, VF_MP_UINT, &it, "seq", err)))
        return rc;
    if (it.u == 0 || it.u > VF_SEQ_MAX)
        return vf_err_set (err, VF_EPARSE, "seq: %llu is not from 1 to %llu (2^53-1)",
                           (unsigned long long) it.u, (unsigned long long) VF_SEQ_MAX);
    e->seq = it.u;
    if ((rc = vf_mp_expect_key (r, K_TIME, err)) ||
        (rc = vf_mp_expect (r, VF_MP_UINT, &it, "time", err)))
        return rc;
    if (it.u > VF_TIME_MAX)
        return vf_err_set (err, VF_EPARSE, "time: %llu is above %llu (2^53-1)",
                           (unsigned long long) it.u, (unsigned long long) VF_TIME_MAX);
    e->time = it.u;
    if ((rc = vf_mp_expect_key (r, K_VERSION, err)) ||
        (rc = vf_mp_expect (r, VF_MP_UINT, &it, "v", err)))
        return rc;
    if (it.u != VF_ENTRY_VERSION)
        return vf_err_set (err, VF_EPARSE,
                           "entry format version %llu is not supported (this "
                           "node reads version %d)",
                           (unsigned long long) it.u, VF_ENTRY_VERSION);
    return 0;
}

int
vf_entry_decode (vf_entry_t **out, const uint8_t *buf, size_t len, vf_err_t *err)
{
    *out = NULL;
    if (len > VF_ENTRY_MAX)
        return vf_err_set (err, VF_ETOOBIG, "entry of %zu bytes is larger than %d", len,
                           VF_ENTRY_MAX);
    vf_entry_t *e = vf_entry_new ();
    if (!e)
        return VF_ENOMEM;
    vf_mp_reader_t r;
    vf_mp_reader_init (&r, buf, len);
    int rc = s_read_envelope (&r, e, err);
    if (rc == 0 && vf_mp_remaining (&r) != 0)
        rc = vf_err_set (err, VF_EPARSE, "%zu bytes after the end of the entry",
                         vf_mp_remaining (&r));
    if (rc)
        vf_entry_destroy (&e);
    *out = e;
    return rc;
}

int
vf_entry_sign (vf_entry_t *self, const vf_identity_t *identity, vf_err_t *err)
{
    memcpy (self->author, vf_identity_public (identity), VF_KEY_BYTES);
    uint8_t *enc = NULL;
    size_t len = 0;
    int rc = vf_entry_encode (self, &enc, &len, err);
    if (rc)
        return rc;
    uint8_t *blob = malloc (VF_SIG_BYTES + len);
    if (!blob) {
        free (enc);
        return VF_ENOMEM;
    }
    vf_hash (self->id, enc, len);
    rc = vf_identity_sign (identity, self->sig, self->id, VF_HASH_BYTES);
    if (rc == 0) {
        memcpy (blob, self->sig, VF_SIG_BYTES);
        memcpy (blob + VF_SIG_BYTES, enc, len);
        free (self->blob);
        self->blob = blob;
        blob = NULL; /* transferred */
        self->blob_len = VF_SIG_BYTES + len;
        self->is_signed = true;
    }
    free (blob);
    free (enc);
    return rc;
}

/*  Decode sig || encoding into a new entry with id, sig and blob set;
    verify the signature when `verify`. */
static int
s_open (vf_entry_t **out, const uint8_t *blob, size_t len, bool verify, vf_err_t *err)
{
    *out = NULL;
    if (len <= VF_SIG_BYTES)
        return vf_err_set (err, VF_EPARSE, "signed entry of %zu bytes is too short", len);
    vf_entry_t *e = NULL;
    int rc = vf_entry_decode (&e, blob + VF_SIG_BYTES, len - VF_SIG_BYTES, err);
    if (rc)
        return rc;
    vf_hash (e->id, blob + VF_SIG_BYTES, len - VF_SIG_BYTES);
    memcpy (e->sig, blob, VF_SIG_BYTES);
    if (verify && vf_verify (e->sig, e->id, VF_HASH_BYTES, e->author) != 0) {
        vf_entry_destroy (&e);
        return vf_err_set (err, VF_EBADSIG, "signature does not verify for the entry's author");
    }
    if (!(e->blob = malloc (len))) {
        vf_entry_destroy (&e);
        return VF_ENOMEM;
    }
    memcpy (e->blob, blob, len);
    e->blob_len = len;
    e->is_signed = true;
    *out = e;
    return 0;
}

int
vf_entry_open (vf_entry_t **out, const uint8_t *blob, size_t len, vf_err_t *err)
{
    return s_open (out, blob, len, true, err);
}

int
vf_entry_load (vf_entry_t **out, const uint8_t *blob, size_t len, vf_err_t *err)
{
    return s_open (out, blob, len, false, err);
}

int
vf_entry_check (const vf_entry_t *self, vf_err_t *err)
{
    const vf_class_t *cls = vf_class_by_name (self->cls);
    if (!cls) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_EINVALID, "class %s is not a ValueFlows 1.0 class",
                           vf_quote (q, sizeof q, self->cls, strlen (self->cls)));
    }
    return vf_validate_record (cls, self->body, err);
}

const char *
vf_entry_iri (const vf_entry_t *self)
{
    return self->body ? json_string_value (json_object_get (self->body, "@id")) : NULL;
}
