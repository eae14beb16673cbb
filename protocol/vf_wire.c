/*  vf_wire.c - peer messages: canonical msgpack arrays. */
#include "vf_wire.h"

#include <stdio.h>
#include <string.h>

#include "vf_mp.h"

static const char *s_names[] = { "?",    "HELLO", "WELCOME", "ERROR",  "PING", "PONG",
                                 "HAVE", "WANT",  "ENTRIES", "CREDIT", "RECON" };

const char *
vf_wire_type_name (int type)
{
    return type >= 1 && type <= VF_WIRE_TYPE_MAX ? s_names[type] : "?";
}

/*  Fields after the type, per message type. */
static const uint32_t s_fields[] = { 0, 5, 5, 2, 1, 1, 1, 1, 1, 1, 2 };

/* --------------------------------------------------------------- decode */

static int
s_str (vf_mp_reader_t *r, char *out, size_t max, const char *what, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (r, VF_MP_STR, &it, what, err);
    if (rc)
        return rc;
    if (it.len > max)
        return vf_err_set (err, VF_ETOOBIG, "%s: %u bytes, at most %zu", what, it.len, max);
    memcpy (out, it.ptr, it.len);
    out[it.len] = '\0';
    return 0;
}

/*  A byte string of n * unit bytes, n <= max. */
static int
s_units (vf_mp_reader_t *r, size_t unit, size_t max, const uint8_t **ptr, size_t *n,
         const char *what, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (r, VF_MP_BIN, &it, what, err);
    if (rc)
        return rc;
    if (it.len % unit)
        return vf_err_set (err, VF_EPARSE, "%s: %u bytes is not a multiple of %zu", what, it.len,
                           unit);
    if (it.len / unit > max)
        return vf_err_set (err, VF_ETOOBIG, "%s: %zu items, at most %zu", what, it.len / unit, max);
    *ptr = it.ptr;
    *n = it.len / unit;
    return 0;
}

static int
s_hello (vf_mp_reader_t *r, vf_wire_msg_t *m, vf_err_t *err)
{
    vf_mp_item_t it;
    const uint8_t *p;
    size_t n;
    int rc = vf_mp_expect (r, VF_MP_UINT, &it, "version", err);
    if (rc)
        return rc;
    m->version = it.u;
    if ((rc = s_units (r, VF_KEY_BYTES, 1, &p, &n, "key", err)))
        return rc;
    if (n != 1)
        return vf_err_set (err, VF_EPARSE, "key: expected %d bytes", VF_KEY_BYTES);
    memcpy (m->key, p, VF_KEY_BYTES);
    if ((rc = s_str (r, m->name, VF_WIRE_NAME_MAX, "name", err)) ||
        (rc = s_units (r, VF_KEY_BYTES, VF_WIRE_NETWORKS_MAX, &p, &m->nnetworks, "networks", err)))
        return rc;
    memcpy (m->networks, p, m->nnetworks * VF_KEY_BYTES);
    if ((rc = vf_mp_expect (r, VF_MP_ARRAY, &it, "capabilities", err)))
        return rc;
    if (it.len > VF_WIRE_CAPS_MAX)
        return vf_err_set (err, VF_ETOOBIG, "capabilities: %u, at most %d", it.len,
                           VF_WIRE_CAPS_MAX);
    m->ncaps = it.len;
    for (size_t k = 0; k < m->ncaps && rc == 0; k++)
        rc = s_str (r, m->caps[k], VF_WIRE_NAME_MAX, "capability", err);
    return rc;
}

static int
s_entries (vf_mp_reader_t *r, vf_wire_msg_t *m, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (r, VF_MP_ARRAY, &it, "entries", err);
    if (rc)
        return rc;
    if (it.len > VF_WIRE_ENTRIES_MAX)
        return vf_err_set (err, VF_ETOOBIG, "entries: %u, at most %d", it.len, VF_WIRE_ENTRIES_MAX);
    m->nentries = it.len;
    for (size_t k = 0; k < m->nentries; k++) {
        vf_mp_item_t e;
        if ((rc = vf_mp_expect (r, VF_MP_BIN, &e, "entry", err)))
            return rc;
        if (e.len > VF_SIG_BYTES + VF_ENTRY_MAX)
            return vf_err_set (err, VF_ETOOBIG, "entry %zu: %u bytes, at most %d", k, e.len,
                               VF_SIG_BYTES + VF_ENTRY_MAX);
        m->entries[k] = e.ptr;
        m->entry_lens[k] = e.len;
    }
    return 0;
}

static int
s_body (vf_mp_reader_t *r, vf_wire_msg_t *m, vf_err_t *err)
{
    vf_mp_item_t it;
    const uint8_t *p;
    size_t n;
    int rc;
    switch (m->type) {
    case VF_WIRE_HELLO:
    case VF_WIRE_WELCOME:
        return s_hello (r, m, err);
    case VF_WIRE_ERROR:
        if ((rc = s_str (r, m->code, VF_WIRE_NAME_MAX, "code", err)))
            return rc;
        return s_str (r, m->text, VF_WIRE_TEXT_MAX, "message", err);
    case VF_WIRE_PING:
    case VF_WIRE_PONG:
    case VF_WIRE_CREDIT:
        if ((rc = vf_mp_expect (r, VF_MP_UINT, &it, "number", err)))
            return rc;
        m->number = it.u;
        return 0;
    case VF_WIRE_HAVE:
    case VF_WIRE_WANT:
        if ((rc = s_units (r, VF_HASH_BYTES, VF_WIRE_IDS_MAX, &p, &m->nids, "ids", err)))
            return rc;
        m->ids = (uint8_t (*)[VF_HASH_BYTES]) p;
        return 0;
    case VF_WIRE_ENTRIES:
        return s_entries (r, m, err);
    case VF_WIRE_RECON:
        if ((rc = s_units (r, VF_KEY_BYTES, 1, &p, &n, "network", err)))
            return rc;
        if (n != 1)
            return vf_err_set (err, VF_EPARSE, "network: expected %d bytes", VF_KEY_BYTES);
        memcpy (m->network, p, VF_KEY_BYTES);
        if ((rc = vf_mp_expect (r, VF_MP_BIN, &it, "reconciliation", err)))
            return rc;
        m->payload = it.ptr;
        m->payload_len = it.len;
        return 0;
    }
    return VF_EPARSE;
}

int
vf_wire_decode (vf_wire_msg_t *m, const uint8_t *frame, size_t len, vf_err_t *err)
{
    memset (m, 0, sizeof *m);
    if (len > VF_WIRE_FRAME_MAX)
        return vf_err_set (err, VF_ETOOBIG, "frame of %zu bytes, at most %d", len,
                           VF_WIRE_FRAME_MAX);
    vf_mp_reader_t r;
    vf_mp_item_t it;
    vf_mp_reader_init (&r, frame, len);
    int rc = vf_mp_expect (&r, VF_MP_ARRAY, &it, "message", err);
    if (rc)
        return rc;
    uint32_t fields = it.len;
    if (fields == 0)
        return vf_err_set (err, VF_EPARSE, "empty message");
    if ((rc = vf_mp_expect (&r, VF_MP_UINT, &it, "message type", err)))
        return rc;
    if (it.u < 1 || it.u > VF_WIRE_TYPE_MAX)
        return vf_err_set (err, VF_EPARSE, "unknown message type %llu", (unsigned long long) it.u);
    m->type = (vf_wire_type_t) it.u;
    if (fields - 1 != s_fields[m->type])
        return vf_err_set (err, VF_EPARSE, "%s: %u fields, expected %u", s_names[m->type],
                           fields - 1, s_fields[m->type]);
    if ((rc = s_body (&r, m, err))) {
        vf_err_prefix (err, "%s", s_names[m->type]);
        return rc;
    }
    if (vf_mp_remaining (&r))
        return vf_err_set (err, VF_EPARSE, "%s: %zu bytes after the message", s_names[m->type],
                           vf_mp_remaining (&r));
    return 0;
}

/* --------------------------------------------------------------- encode */

static void
s_write_body (vf_mp_writer_t *w, const vf_wire_msg_t *m)
{
    switch (m->type) {
    case VF_WIRE_HELLO:
    case VF_WIRE_WELCOME:
        vf_mp_write_uint (w, m->version);
        vf_mp_write_bin (w, m->key, VF_KEY_BYTES);
        vf_mp_write_cstr (w, m->name);
        vf_mp_write_bin (w, m->networks, m->nnetworks * VF_KEY_BYTES);
        vf_mp_write_array (w, (uint32_t) m->ncaps);
        for (size_t k = 0; k < m->ncaps; k++)
            vf_mp_write_cstr (w, m->caps[k]);
        break;
    case VF_WIRE_ERROR:
        vf_mp_write_cstr (w, m->code);
        vf_mp_write_cstr (w, m->text);
        break;
    case VF_WIRE_PING:
    case VF_WIRE_PONG:
    case VF_WIRE_CREDIT:
        vf_mp_write_uint (w, m->number);
        break;
    case VF_WIRE_HAVE:
    case VF_WIRE_WANT:
        vf_mp_write_bin (w, m->ids, m->nids * VF_HASH_BYTES);
        break;
    case VF_WIRE_ENTRIES:
        vf_mp_write_array (w, (uint32_t) m->nentries);
        for (size_t k = 0; k < m->nentries; k++)
            vf_mp_write_bin (w, m->entries[k], m->entry_lens[k]);
        break;
    case VF_WIRE_RECON:
        vf_mp_write_bin (w, m->network, VF_KEY_BYTES);
        vf_mp_write_bin (w, m->payload, m->payload_len);
        break;
    }
}

int
vf_wire_encode (const vf_wire_msg_t *m, uint8_t **out, size_t *len, vf_err_t *err)
{
    if (m->type < 1 || m->type > VF_WIRE_TYPE_MAX)
        return vf_err_set (err, VF_EINVAL, "unknown message type %d", (int) m->type);
    if (m->nids > VF_WIRE_IDS_MAX || m->nentries > VF_WIRE_ENTRIES_MAX ||
        m->nnetworks > VF_WIRE_NETWORKS_MAX || m->ncaps > VF_WIRE_CAPS_MAX)
        return vf_err_set (err, VF_ETOOBIG, "%s: more items than a message may hold",
                           s_names[m->type]);
    vf_mp_writer_t *w = vf_mp_writer_new (VF_WIRE_FRAME_MAX);
    if (!w)
        return VF_ENOMEM;
    vf_mp_write_array (w, 1 + s_fields[m->type]);
    vf_mp_write_uint (w, (uint64_t) m->type);
    s_write_body (w, m);
    int rc = vf_mp_writer_status (w);
    if (rc == VF_ETOOBIG)
        vf_err_set (err, rc, "%s: larger than %d bytes", s_names[m->type], VF_WIRE_FRAME_MAX);
    else if (rc == 0 && !(*out = vf_mp_writer_take (w, len)))
        rc = VF_ENOMEM;
    vf_mp_writer_destroy (&w);
    return rc;
}
