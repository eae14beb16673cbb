/*  vf_mp.c - canonical msgpack reader and writer. */
#include "vf_mp.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "vf_limits.h"

/* ---------------------------------------------------------------- UTF-8 */

bool
vf_utf8_valid (const void *buf, size_t len)
{
    const uint8_t *s = buf;
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* --------------------------------------------------------------- reader */

void
vf_mp_reader_init (vf_mp_reader_t *r, const void *buf, size_t len)
{
    r->p = buf;
    r->end = r->p + len;
}

size_t
vf_mp_remaining (const vf_mp_reader_t *r)
{
    return (size_t) (r->end - r->p);
}

static uint64_t
s_be (const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = (v << 8) | p[k];
    return v;
}

/*  Read an n-byte big-endian length/value after the type byte. */
static int
s_take (vf_mp_reader_t *r, int n, uint64_t *v, vf_err_t *err)
{
    if (vf_mp_remaining (r) < (size_t) n)
        return vf_err_set (err, VF_EPARSE, "msgpack truncated: %d header bytes missing", n);
    *v = s_be (r->p, n);
    r->p += n;
    return 0;
}

static int
s_noncanon (vf_err_t *err, const char *what, uint64_t v)
{
    return vf_err_set (err, VF_ENONCANON,
                       "msgpack not canonical: %s of %llu has a shorter encoding", what,
                       (unsigned long long) v);
}

/*  Header classes by the type byte: for sized formats, the width of the
    length field and the smallest length that may use that width. */
typedef struct {
    uint8_t tag;
    vf_mp_type_t type;
    int width;
    uint64_t min;
} s_sized_t;

static const s_sized_t s_sized[] = {
    { 0xcc, VF_MP_UINT, 1, 0x80 },    { 0xcd, VF_MP_UINT, 2, 0x100 },
    { 0xce, VF_MP_UINT, 4, 0x10000 }, { 0xcf, VF_MP_UINT, 8, 0x100000000ull },
    { 0xd9, VF_MP_STR, 1, 32 },       { 0xda, VF_MP_STR, 2, 0x100 },
    { 0xdb, VF_MP_STR, 4, 0x10000 },  { 0xc4, VF_MP_BIN, 1, 0 },
    { 0xc5, VF_MP_BIN, 2, 0x100 },    { 0xc6, VF_MP_BIN, 4, 0x10000 },
    { 0xdc, VF_MP_ARRAY, 2, 16 },     { 0xdd, VF_MP_ARRAY, 4, 0x10000 },
    { 0xde, VF_MP_MAP, 2, 16 },       { 0xdf, VF_MP_MAP, 4, 0x10000 },
};

static const char *
s_type_name (vf_mp_type_t t)
{
    static const char *names[] = { "nil",    "boolean", "integer", "negative integer",
                                   "string", "binary",  "array",   "map" };
    return names[t];
}

/*  Signed formats: width and the bound the value must be below. */
static int
s_read_signed (vf_mp_reader_t *r, uint8_t tag, vf_mp_item_t *it, vf_err_t *err)
{
    int width = 1 << (tag - 0xd0);
    static const int64_t below[] = { -32, -128, -32768, -2147483648LL };
    uint64_t raw = 0;
    int rc = s_take (r, width, &raw, err);
    if (rc)
        return rc;
    int64_t v;
    switch (width) {
    case 1:
        v = (int8_t) raw;
        break;
    case 2:
        v = (int16_t) raw;
        break;
    case 4:
        v = (int32_t) raw;
        break;
    default:
        v = (int64_t) raw;
        break;
    }
    if (v >= below[tag - 0xd0]) {
        if (v >= 0)
            return vf_err_set (err, VF_ENONCANON,
                               "msgpack not canonical: non-negative %lld in a signed format",
                               (long long) v);
        return vf_err_set (err, VF_ENONCANON, "msgpack not canonical: %lld has a shorter encoding",
                           (long long) v);
    }
    it->type = VF_MP_INT;
    it->i = v;
    return 0;
}

/*  Check a sized item's payload or count against what is left. */
static int
s_finish_sized (vf_mp_reader_t *r, vf_mp_item_t *it, uint64_t n, vf_err_t *err)
{
    size_t left = vf_mp_remaining (r);
    if (it->type == VF_MP_UINT) {
        it->u = n;
        return 0;
    }
    it->len = (uint32_t) n;
    if (it->type == VF_MP_ARRAY || it->type == VF_MP_MAP) {
        uint64_t least = it->type == VF_MP_MAP ? 2 * n : n;
        if (least > left)
            return vf_err_set (err, VF_EPARSE,
                               "msgpack %s declares %llu elements but only %zu bytes remain",
                               s_type_name (it->type), (unsigned long long) n, left);
        return 0;
    }
    if (n > left)
        return vf_err_set (err, VF_EPARSE, "msgpack %s of %llu bytes but only %zu bytes remain",
                           s_type_name (it->type), (unsigned long long) n, left);
    it->ptr = r->p;
    r->p += n;
    if (it->type == VF_MP_STR && !vf_utf8_valid (it->ptr, it->len))
        return vf_err_set (err, VF_EPARSE, "msgpack string is not valid UTF-8 (or contains NUL)");
    return 0;
}

int
vf_mp_next (vf_mp_reader_t *r, vf_mp_item_t *it, vf_err_t *err)
{
    memset (it, 0, sizeof *it);
    if (r->p >= r->end)
        return vf_err_set (err, VF_EPARSE, "msgpack truncated: value missing");
    uint8_t tag = *r->p++;
    if (tag <= 0x7f) {
        it->type = VF_MP_UINT;
        it->u = tag;
        return 0;
    }
    if (tag >= 0xe0) {
        it->type = VF_MP_INT;
        it->i = (int8_t) tag;
        return 0;
    }
    if (tag <= 0x8f || (tag >= 0x90 && tag <= 0x9f) || (tag >= 0xa0 && tag <= 0xbf)) {
        it->type = tag <= 0x8f ? VF_MP_MAP : tag <= 0x9f ? VF_MP_ARRAY : VF_MP_STR;
        return s_finish_sized (r, it, tag & (tag <= 0x9f ? 0x0f : 0x1f), err);
    }
    if (tag == 0xc0 || tag == 0xc2 || tag == 0xc3) {
        it->type = tag == 0xc0 ? VF_MP_NIL : VF_MP_BOOL;
        it->b = tag == 0xc3;
        return 0;
    }
    if (tag >= 0xd0 && tag <= 0xd3)
        return s_read_signed (r, tag, it, err);
    for (size_t k = 0; k < sizeof s_sized / sizeof s_sized[0]; k++) {
        if (s_sized[k].tag != tag)
            continue;
        uint64_t n = 0;
        int rc = s_take (r, s_sized[k].width, &n, err);
        if (rc)
            return rc;
        it->type = s_sized[k].type;
        if (n < s_sized[k].min)
            return s_noncanon (err, s_type_name (it->type), n);
        return s_finish_sized (r, it, n, err);
    }
    if (tag == 0xca || tag == 0xcb)
        return vf_err_set (err, VF_EPARSE, "msgpack float (0x%02x) not allowed: use exact decimals",
                           tag);
    return vf_err_set (err, VF_EPARSE, "msgpack type 0x%02x not allowed (ext or reserved)", tag);
}

int
vf_mp_expect (vf_mp_reader_t *r, vf_mp_type_t type, vf_mp_item_t *it, const char *what,
              vf_err_t *err)
{
    int rc = vf_mp_next (r, it, err);
    if (rc) {
        vf_err_prefix (err, "%s", what);
        return rc;
    }
    if (it->type != type)
        return vf_err_set (err, VF_EPARSE, "%s: expected %s, got %s", what, s_type_name (type),
                           s_type_name (it->type));
    return 0;
}

int
vf_mp_expect_key (vf_mp_reader_t *r, const char *key, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_expect (r, VF_MP_STR, &it, "map key", err);
    if (rc)
        return rc;
    if (it.len != strlen (key) || memcmp (it.ptr, key, it.len) != 0) {
        char q[VF_QUOTE_MAX];
        return vf_err_set (err, VF_EPARSE, "expected key '%s', got %s", key,
                           vf_quote (q, sizeof q, (const char *) it.ptr, it.len));
    }
    return 0;
}

/*  Compare two map keys by their bytes; a proper prefix sorts first. */
static int
s_keycmp (const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    int c = memcmp (a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int s_read_value (vf_mp_reader_t *r, const vf_mp_item_t *it, int depth, json_t **out,
                         vf_err_t *err);

static int
s_read_object (vf_mp_reader_t *r, uint32_t pairs, int depth, json_t **out, vf_err_t *err)
{
    json_t *obj = json_object ();
    if (!obj)
        return VF_ENOMEM;
    const uint8_t *prev = NULL;
    uint32_t prevlen = 0;
    int rc = 0;
    for (uint32_t k = 0; k < pairs && rc == 0; k++) {
        vf_mp_item_t key, val;
        char name[VF_QUOTE_MAX];
        if ((rc = vf_mp_expect (r, VF_MP_STR, &key, "map key", err)))
            break;
        vf_quote (name, sizeof name, (const char *) key.ptr, key.len);
        if (prev && s_keycmp (prev, prevlen, key.ptr, key.len) >= 0) {
            rc = vf_err_set (err, VF_ENONCANON, "map key %s is %s", name,
                             s_keycmp (prev, prevlen, key.ptr, key.len) == 0
                                 ? "repeated"
                                 : "out of order (keys must be sorted by their bytes)");
            break;
        }
        prev = key.ptr, prevlen = key.len;
        json_t *child = NULL;
        if ((rc = vf_mp_next (r, &val, err)) == 0)
            rc = s_read_value (r, &val, depth + 1, &child, err);
        if (rc == 0 && json_object_setn_new_nocheck (obj, (const char *) key.ptr, key.len, child))
            rc = VF_ENOMEM;
        if (rc)
            vf_err_prefix (err, "%s", name);
    }
    if (rc)
        json_decref (obj);
    else
        *out = obj;
    return rc;
}

static int
s_read_array (vf_mp_reader_t *r, uint32_t n, int depth, json_t **out, vf_err_t *err)
{
    json_t *arr = json_array ();
    if (!arr)
        return VF_ENOMEM;
    int rc = 0;
    for (uint32_t k = 0; k < n && rc == 0; k++) {
        vf_mp_item_t val;
        json_t *child = NULL;
        if ((rc = vf_mp_next (r, &val, err)) == 0)
            rc = s_read_value (r, &val, depth + 1, &child, err);
        if (rc == 0 && json_array_append_new (arr, child))
            rc = VF_ENOMEM;
        if (rc)
            vf_err_prefix (err, "[%u]", k);
    }
    if (rc)
        json_decref (arr);
    else
        *out = arr;
    return rc;
}

static int
s_read_value (vf_mp_reader_t *r, const vf_mp_item_t *it, int depth, json_t **out, vf_err_t *err)
{
    if ((it->type == VF_MP_MAP || it->type == VF_MP_ARRAY) && depth >= VF_DEPTH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "nested deeper than %d levels", VF_DEPTH_MAX);
    json_t *v = NULL;
    switch (it->type) {
    case VF_MP_MAP:
        return s_read_object (r, it->len, depth, out, err);
    case VF_MP_ARRAY:
        return s_read_array (r, it->len, depth, out, err);
    case VF_MP_NIL:
        v = json_null ();
        break;
    case VF_MP_BOOL:
        v = json_boolean (it->b);
        break;
    case VF_MP_INT:
        v = json_integer (it->i);
        break;
    case VF_MP_UINT:
        if (it->u > INT64_MAX)
            return vf_err_set (err, VF_ERANGE, "integer %llu is above the largest allowed (2^63-1)",
                               (unsigned long long) it->u);
        v = json_integer ((json_int_t) it->u);
        break;
    case VF_MP_STR:
        v = json_stringn_nocheck ((const char *) it->ptr, it->len);
        break;
    case VF_MP_BIN:
        return vf_err_set (err, VF_EPARSE, "binary value not allowed in a record body");
    }
    if (!v)
        return VF_ENOMEM;
    *out = v;
    return 0;
}

int
vf_mp_read_json (vf_mp_reader_t *r, int depth, json_t **out, vf_err_t *err)
{
    vf_mp_item_t it;
    int rc = vf_mp_next (r, &it, err);
    if (rc)
        return rc;
    return s_read_value (r, &it, depth, out, err);
}

/* --------------------------------------------------------------- writer */

struct _vf_mp_writer_t {
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    size_t max;
    int status;
};

/*  msgpack-c write callback: the sbuffer, refusing to grow beyond max. */
static int
s_write_capped (void *data, const char *buf, size_t len)
{
    vf_mp_writer_t *w = data;
    if (w->status)
        return -1;
    if (len > w->max - w->sbuf.size) {
        w->status = VF_ETOOBIG;
        return -1;
    }
    if (msgpack_sbuffer_write (&w->sbuf, buf, len) != 0) {
        w->status = VF_ENOMEM;
        return -1;
    }
    return 0;
}

vf_mp_writer_t *
vf_mp_writer_new (size_t max)
{
    vf_mp_writer_t *w = calloc (1, sizeof *w);
    if (!w)
        return NULL;
    msgpack_sbuffer_init (&w->sbuf);
    msgpack_packer_init (&w->pk, w, s_write_capped);
    w->max = max;
    return w;
}

void
vf_mp_writer_destroy (vf_mp_writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    msgpack_sbuffer_destroy (&(*self_p)->sbuf);
    free (*self_p);
    *self_p = NULL;
}

/*  Map a packer result to the writer's status code. */
static int
s_status (vf_mp_writer_t *w, int packer_rc)
{
    if (packer_rc != 0 && w->status == 0)
        w->status = VF_ENOMEM;
    return w->status;
}

int
vf_mp_write_map (vf_mp_writer_t *w, uint32_t pairs)
{
    return s_status (w, msgpack_pack_map (&w->pk, pairs));
}

int
vf_mp_write_array (vf_mp_writer_t *w, uint32_t n)
{
    return s_status (w, msgpack_pack_array (&w->pk, n));
}

int
vf_mp_write_str (vf_mp_writer_t *w, const char *s, size_t len)
{
    int rc = msgpack_pack_str (&w->pk, len);
    if (rc == 0)
        rc = msgpack_pack_str_body (&w->pk, s, len);
    return s_status (w, rc);
}

int
vf_mp_write_cstr (vf_mp_writer_t *w, const char *s)
{
    return vf_mp_write_str (w, s, strlen (s));
}

int
vf_mp_write_bin (vf_mp_writer_t *w, const void *b, size_t len)
{
    int rc = msgpack_pack_bin (&w->pk, len);
    if (rc == 0)
        rc = msgpack_pack_bin_body (&w->pk, b, len);
    return s_status (w, rc);
}

int
vf_mp_write_uint (vf_mp_writer_t *w, uint64_t v)
{
    return s_status (w, msgpack_pack_uint64 (&w->pk, v));
}

int
vf_mp_write_int (vf_mp_writer_t *w, int64_t v)
{
    return s_status (w, msgpack_pack_int64 (&w->pk, v));
}

int
vf_mp_write_bool (vf_mp_writer_t *w, bool v)
{
    return s_status (w, v ? msgpack_pack_true (&w->pk) : msgpack_pack_false (&w->pk));
}

int
vf_mp_write_nil (vf_mp_writer_t *w)
{
    return s_status (w, msgpack_pack_nil (&w->pk));
}

static int
s_cmp_keys (const void *a, const void *b)
{
    const char *ka = *(const char *const *) a, *kb = *(const char *const *) b;
    return s_keycmp ((const uint8_t *) ka, strlen (ka), (const uint8_t *) kb, strlen (kb));
}

static int
s_write_object (vf_mp_writer_t *w, const json_t *obj, int depth, vf_err_t *err)
{
    size_t n = json_object_size (obj);
    const char **keys = n ? malloc (n * sizeof *keys) : NULL;
    if (n && !keys)
        return VF_ENOMEM;
    size_t k = 0;
    const char *key;
    json_t *val;
    json_object_foreach ((json_t *) obj, key, val)
        keys[k++] = key;
    if (n) /* qsort must not be given NULL, even for 0 elements */
        qsort (keys, n, sizeof *keys, s_cmp_keys);
    int rc = vf_mp_write_map (w, (uint32_t) n);
    for (k = 0; k < n && rc == 0; k++) {
        size_t klen = strlen (keys[k]);
        if (!vf_utf8_valid (keys[k], klen))
            rc = vf_err_set (err, VF_EINVAL, "key is not valid UTF-8");
        else if ((rc = vf_mp_write_str (w, keys[k], klen)) == 0)
            rc = vf_mp_write_json (w, json_object_get (obj, keys[k]), depth + 1, err);
        if (rc) {
            char q[VF_QUOTE_MAX];
            vf_err_prefix (err, "%s", vf_quote (q, sizeof q, keys[k], klen));
        }
    }
    free (keys);
    return rc;
}

int
vf_mp_write_json (vf_mp_writer_t *w, const json_t *v, int depth, vf_err_t *err)
{
    if ((json_is_object (v) || json_is_array (v)) && depth >= VF_DEPTH_MAX)
        return vf_err_set (err, VF_ETOOBIG, "nested deeper than %d levels", VF_DEPTH_MAX);
    switch (json_typeof (v)) {
    case JSON_OBJECT:
        return s_write_object (w, v, depth, err);
    case JSON_ARRAY: {
        int rc = vf_mp_write_array (w, (uint32_t) json_array_size (v));
        for (size_t k = 0; k < json_array_size (v) && rc == 0; k++) {
            rc = vf_mp_write_json (w, json_array_get (v, k), depth + 1, err);
            if (rc)
                vf_err_prefix (err, "[%zu]", k);
        }
        return rc;
    }
    case JSON_STRING: {
        const char *s = json_string_value (v);
        size_t len = json_string_length (v);
        if (!vf_utf8_valid (s, len))
            return vf_err_set (err, VF_EINVAL, "string contains NUL or invalid UTF-8");
        return vf_mp_write_str (w, s, len);
    }
    case JSON_INTEGER:
        return vf_mp_write_int (w, json_integer_value (v));
    case JSON_TRUE:
        return vf_mp_write_bool (w, true);
    case JSON_FALSE:
        return vf_mp_write_bool (w, false);
    case JSON_NULL:
        return vf_mp_write_nil (w);
    case JSON_REAL:
        return vf_err_set (err, VF_EINVAL,
                           "real number %.17g not allowed: write exact decimals as strings",
                           json_real_value (v));
    }
    return VF_EINVAL;
}

int
vf_mp_writer_status (const vf_mp_writer_t *w)
{
    return w->status;
}

const uint8_t *
vf_mp_writer_data (const vf_mp_writer_t *w)
{
    return (const uint8_t *) w->sbuf.data;
}

size_t
vf_mp_writer_size (const vf_mp_writer_t *w)
{
    return w->sbuf.size;
}

uint8_t *
vf_mp_writer_take (vf_mp_writer_t *w, size_t *len)
{
    if (w->status || w->sbuf.size == 0)
        return NULL;
    *len = w->sbuf.size;
    return (uint8_t *) msgpack_sbuffer_release (&w->sbuf);
}
