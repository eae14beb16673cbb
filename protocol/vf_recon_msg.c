/*  vf_recon_msg.c - the canonical encoding of reconciliation messages
    (docs/RECON.md "Messages"): a strict decoder for what peers send and the
    encoder, with exact sizes so that the engine can plan a frame. */
#include "vf_recon.h"

#include <stdlib.h>
#include <string.h>

#include "vf_mp.h"

/* ------------------------------------------------------------------- sizes */

/*  Encoded sizes of msgpack items, as vf_mp writes them. */
static size_t
s_uint_size (uint64_t v)
{
    return v < 128 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000ull ? 5 : 9;
}

static size_t
s_bin_size (size_t len)
{
    return len + (len < 0x100 ? 2 : len < 0x10000 ? 3 : 5);
}

static size_t
s_array_size (size_t n)
{
    return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

/*  Elements of a range's array after the mode. */
static size_t
s_range_elems (const vf_recon_range_t *r)
{
    size_t n = vf_recon_bound_is_inf (&r->hi) ? 1 : 2;
    switch (r->mode) {
    case VF_RECON_FP:
        return n + 2;
    case VF_RECON_IDS:
        return n + 1;
    case VF_RECON_DIFF:
        return n + (r->nbits_bytes ? 3 : 1);
    default:
        return n;
    }
}

size_t
vf_recon_range_size (const vf_recon_range_t *r, uint64_t prev)
{
    size_t size = s_array_size (1 + s_range_elems (r)) + 1;
    if (vf_recon_bound_is_inf (&r->hi))
        size += 1;
    else
        size += s_uint_size (r->hi.time - prev) + s_bin_size (r->hi.prefix_len);
    switch (r->mode) {
    case VF_RECON_FP:
        size += s_uint_size (r->count) + s_bin_size (VF_RECON_FP_BYTES);
        break;
    case VF_RECON_IDS:
        size += s_bin_size (r->nids * VF_RECON_ID_BYTES);
        break;
    case VF_RECON_DIFF:
        size += s_bin_size (r->nids * VF_RECON_ID_BYTES);
        if (r->nbits_bytes)
            size += s_bin_size (r->nbits_bytes) + s_bin_size (VF_RECON_FP_BYTES);
        break;
    default:
        break;
    }
    return size;
}

/* ------------------------------------------------------------------ encode */

static int
s_write_range (vf_mp_writer_t *w, const vf_recon_range_t *r, uint64_t prev)
{
    vf_mp_write_array (w, (uint32_t) (1 + s_range_elems (r)));
    vf_mp_write_uint (w, r->mode);
    if (vf_recon_bound_is_inf (&r->hi))
        vf_mp_write_nil (w);
    else {
        vf_mp_write_uint (w, r->hi.time - prev);
        vf_mp_write_bin (w, r->hi.prefix, r->hi.prefix_len);
    }
    switch (r->mode) {
    case VF_RECON_FP:
        vf_mp_write_uint (w, r->count);
        vf_mp_write_bin (w, r->fp, VF_RECON_FP_BYTES);
        break;
    case VF_RECON_IDS:
        vf_mp_write_bin (w, r->ids, r->nids * VF_RECON_ID_BYTES);
        break;
    case VF_RECON_DIFF:
        vf_mp_write_bin (w, r->ids, r->nids * VF_RECON_ID_BYTES);
        if (r->nbits_bytes) {
            vf_mp_write_bin (w, r->bits, r->nbits_bytes);
            vf_mp_write_bin (w, r->check, VF_RECON_FP_BYTES);
        }
        break;
    default:
        break;
    }
    return vf_mp_writer_status (w);
}

int
vf_recon_msg_encode (const vf_recon_msg_t *msg, uint8_t **out, size_t *len, vf_err_t *err)
{
    *out = NULL;
    *len = 0;
    if (msg->n > VF_RECON_RANGES_MAX)
        return vf_err_set (err, VF_ETOOBIG, "recon message of %zu ranges (at most %d)", msg->n,
                           VF_RECON_RANGES_MAX);
    vf_mp_writer_t *w = vf_mp_writer_new (VF_RECON_FRAME_MAX);
    if (!w)
        return vf_err_set (err, VF_ENOMEM, "out of memory encoding a recon message");
    vf_mp_write_array (w, (uint32_t) (1 + msg->n));
    vf_mp_write_uint (w, VF_RECON_VERSION);
    uint64_t prev = 0;
    for (size_t k = 0; k < msg->n; k++) {
        const vf_recon_range_t *r = &msg->ranges[k];
        bool last = k + 1 == msg->n;
        if (vf_recon_bound_is_inf (&r->hi) != last || (!last && r->hi.time < prev)) {
            vf_mp_writer_destroy (&w);
            return vf_err_set (err, VF_EINVAL, "recon range %zu: bad upper bound", k);
        }
        s_write_range (w, r, prev);
        prev = r->hi.time;
    }
    int rc = vf_mp_writer_status (w);
    if (rc == 0) {
        *out = vf_mp_writer_take (w, len);
        if (!*out)
            rc = VF_ENOMEM;
    }
    vf_mp_writer_destroy (&w);
    if (rc == VF_ETOOBIG)
        return vf_err_set (err, rc, "recon message over %u bytes", VF_RECON_FRAME_MAX);
    if (rc)
        return vf_err_set (err, rc, "cannot encode a recon message: %s", vf_strerror (rc));
    return 0;
}

/* ------------------------------------------------------------------ decode */

/*  Read a binary whose length must be a multiple of 32, as strictly
    increasing ids. */
static int
s_read_ids (vf_mp_reader_t *rd, const uint8_t **ids, size_t *n, size_t k, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (rd, VF_MP_BIN, &it, "recon ids", err);
    if (rc)
        return rc;
    if (it.len % VF_RECON_ID_BYTES)
        return vf_err_set (err, VF_EPARSE,
                           "recon range %zu: ids of %u bytes (expected a multiple of 32)", k,
                           it.len);
    *ids = it.ptr;
    *n = it.len / VF_RECON_ID_BYTES;
    for (size_t j = 1; j < *n; j++)
        if (memcmp (it.ptr + (j - 1) * VF_RECON_ID_BYTES, it.ptr + j * VF_RECON_ID_BYTES,
                    VF_RECON_ID_BYTES) >= 0)
            return vf_err_set (err, VF_ENONCANON,
                               "recon range %zu: id %zu is not above id %zu (ids must be sorted "
                               "and unique)",
                               k, j, j - 1);
    return 0;
}

static int
s_read_bin_exact (vf_mp_reader_t *rd, size_t want, const uint8_t **p, const char *what, size_t k,
                  vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (rd, VF_MP_BIN, &it, what, err);
    if (rc)
        return rc;
    if (it.len != want)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: %s of %u bytes (expected %zu)", k,
                           what, it.len, want);
    *p = it.ptr;
    return 0;
}

/*  The upper bound: nil (+infinity) or a time delta and a prefix. *nelems
    counts the elements read. */
static int
s_read_bound (vf_mp_reader_t *rd, uint64_t prev, vf_recon_bound_t *b, size_t *nelems, size_t k,
              vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_next (rd, &it, err);
    if (rc)
        return rc;
    if (it.type == VF_MP_NIL) {
        *b = vf_recon_bound_inf ();
        *nelems = 1;
        return 0;
    }
    if (it.type != VF_MP_UINT)
        return vf_err_set (err, VF_EPARSE,
                           "recon range %zu: upper bound time is not an integer or nil", k);
    if (it.u > UINT64_MAX - prev)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: upper bound time overflows", k);
    *b = vf_recon_bound_lowest ();
    b->time = prev + it.u;
    rc = vf_mp_expect (rd, VF_MP_BIN, &it, "recon bound prefix", err);
    if (rc)
        return rc;
    if (it.len > VF_RECON_ID_BYTES)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: bound prefix of %u bytes (at most 32)",
                           k, it.len);
    if (it.len && it.ptr[it.len - 1] == 0)
        return vf_err_set (err, VF_ENONCANON,
                           "recon range %zu: bound prefix ends with a zero byte (drop it)", k);
    b->prefix_len = (uint8_t) it.len;
    memcpy (b->prefix, it.ptr, it.len);
    *nelems = 2;
    return 0;
}

static int
s_read_payload (vf_mp_reader_t *rd, vf_recon_range_t *r, size_t left, size_t k, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = 0;
    static const size_t want[] = {
        [VF_RECON_SKIP] = 0, [VF_RECON_FP] = 2, [VF_RECON_IDS] = 1, [VF_RECON_DIFF] = 1
    };
    bool ok = left == want[r->mode] || (r->mode == VF_RECON_DIFF && left == 3);
    if (!ok)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: mode %d with %zu payload fields", k,
                           (int) r->mode, left);
    switch (r->mode) {
    case VF_RECON_FP:
        if ((rc = vf_mp_expect (rd, VF_MP_UINT, &it, "recon count", err)))
            return rc;
        r->count = it.u;
        return s_read_bin_exact (rd, VF_RECON_FP_BYTES, &r->fp, "fingerprint", k, err);
    case VF_RECON_IDS:
        return s_read_ids (rd, &r->ids, &r->nids, k, err);
    case VF_RECON_DIFF:
        if ((rc = s_read_ids (rd, &r->ids, &r->nids, k, err)))
            return rc;
        if (left == 1) {
            if (r->nids == 0)
                return vf_err_set (err, VF_ENONCANON,
                                   "recon range %zu: empty difference (must be a skip)", k);
            return 0;
        }
        if ((rc = vf_mp_expect (rd, VF_MP_BIN, &it, "recon bitmap", err)))
            return rc;
        bool any = false;
        for (size_t j = 0; j < it.len; j++)
            any |= it.ptr[j] != 0;
        if (!any)
            return vf_err_set (err, VF_ENONCANON,
                               "recon range %zu: bitmap with no bit set (leave it out)", k);
        r->bits = it.ptr;
        r->nbits_bytes = it.len;
        return s_read_bin_exact (rd, VF_RECON_FP_BYTES, &r->check, "check", k, err);
    default:
        return 0;
    }
}

static int
s_read_range (vf_mp_reader_t *rd, vf_recon_range_t *r, uint64_t prev, size_t k, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (rd, VF_MP_ARRAY, &it, "recon range", err);
    if (rc)
        return rc;
    size_t elems = it.len;
    if (elems < 2)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: %zu fields (at least 2)", k, elems);
    if ((rc = vf_mp_expect (rd, VF_MP_UINT, &it, "recon mode", err)))
        return rc;
    if (it.u > VF_RECON_DIFF)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: unknown mode %llu (0..3)", k,
                           (unsigned long long) it.u);
    memset (r, 0, sizeof *r);
    r->mode = (vf_recon_mode_t) it.u;
    size_t nb = 0;
    if ((rc = s_read_bound (rd, prev, &r->hi, &nb, k, err)))
        return rc;
    if (elems < 1 + nb)
        return vf_err_set (err, VF_EPARSE, "recon range %zu: %zu fields (bound incomplete)", k,
                           elems);
    return s_read_payload (rd, r, elems - 1 - nb, k, err);
}

int
vf_recon_msg_decode (vf_recon_msg_t *msg, const uint8_t *buf, size_t len, vf_err_t *err)
{
    msg->ranges = NULL;
    msg->n = 0;
    if (len > VF_RECON_FRAME_MAX)
        return vf_err_set (err, VF_ETOOBIG, "recon message of %zu bytes (at most %u)", len,
                           VF_RECON_FRAME_MAX);
    vf_mp_reader_t rd;
    vf_mp_reader_init (&rd, buf, len);
    vf_mp_item_t it;
    int rc = vf_mp_expect (&rd, VF_MP_ARRAY, &it, "recon message", err);
    if (rc)
        return rc;
    if (it.len < 1)
        return vf_err_set (err, VF_EPARSE, "recon message: empty array (the version is missing)");
    size_t n = it.len - 1;
    if (n > VF_RECON_RANGES_MAX)
        return vf_err_set (err, VF_ETOOBIG, "recon message of %zu ranges (at most %d)", n,
                           VF_RECON_RANGES_MAX);
    if ((rc = vf_mp_expect (&rd, VF_MP_UINT, &it, "recon version", err)))
        return rc;
    if (it.u != VF_RECON_VERSION)
        return vf_err_set (err, VF_EPARSE, "recon message version %llu (this node speaks %d)",
                           (unsigned long long) it.u, VF_RECON_VERSION);
    vf_recon_range_t *ranges = n ? calloc (n, sizeof *ranges) : NULL;
    if (n && !ranges)
        return vf_err_set (err, VF_ENOMEM, "out of memory decoding %zu recon ranges", n);
    vf_recon_bound_t prev = vf_recon_bound_lowest ();
    for (size_t k = 0; k < n && rc == 0; k++) {
        vf_recon_range_t *r = &ranges[k];
        if ((rc = s_read_range (&rd, r, prev.time, k, err)))
            break;
        bool last = k + 1 == n;
        if (vf_recon_bound_cmp (&r->hi, &prev) <= 0)
            rc = vf_err_set (err, VF_EPARSE,
                             "recon range %zu: upper bound not above the previous one", k);
        else if (vf_recon_bound_is_inf (&r->hi) != last)
            rc = vf_err_set (err, VF_EPARSE,
                             last ? "recon range %zu: the last range must end at infinity (nil)"
                                  : "recon range %zu: only the last range may end at infinity",
                             k);
        else if (r->mode == VF_RECON_SKIP && k > 0 && ranges[k - 1].mode == VF_RECON_SKIP)
            rc = vf_err_set (err, VF_ENONCANON,
                             "recon range %zu: two skips in a row (must be merged)", k);
        prev = r->hi;
    }
    if (rc == 0 && vf_mp_remaining (&rd))
        rc =
            vf_err_set (err, VF_EPARSE, "recon message: %zu trailing bytes", vf_mp_remaining (&rd));
    if (rc == 0 && n == 1 && ranges[0].mode == VF_RECON_SKIP)
        rc = vf_err_set (err, VF_ENONCANON,
                         "recon message: a lone skip (must be the message without ranges)");
    if (rc) {
        free (ranges);
        return rc;
    }
    msg->ranges = ranges;
    msg->n = n;
    return 0;
}

void
vf_recon_msg_clear (vf_recon_msg_t *msg)
{
    if (!msg)
        return;
    free (msg->ranges);
    msg->ranges = NULL;
    msg->n = 0;
}
