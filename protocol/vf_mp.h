/*  vf_mp.h - canonical msgpack: a strict bounded reader, and the canonical
    encoding of JSON values (record bodies).

    Canonical msgpack has one encoding per value (docs/PROTOCOL.md
    "Canonical msgpack"): the shortest header for every integer, string,
    binary, array and map; non-negative integers always in the unsigned
    formats; map keys are strings, unique and sorted by their bytes; strings
    are valid UTF-8 without NUL; no floats, no ext types, no 0xc1. The
    reader rejects everything else and checks every declared length or count
    against the bytes that remain before it looks further, so a hostile
    header cannot make it allocate or read out of bounds.

    The only module that includes msgpack.h.
*/
#ifndef VF_MP_H
#define VF_MP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"

typedef enum {
    VF_MP_NIL,
    VF_MP_BOOL,
    VF_MP_UINT, /* any non-negative integer */
    VF_MP_INT,  /* a negative integer */
    VF_MP_STR,
    VF_MP_BIN,
    VF_MP_ARRAY,
    VF_MP_MAP
} vf_mp_type_t;

/*  One item read from a buffer. Strings and binaries point into the
    buffer (not copied); arrays and maps give their element count and the
    elements follow. */
typedef struct {
    vf_mp_type_t type;
    bool b;
    uint64_t u;
    int64_t i;
    const uint8_t *ptr; /* STR / BIN payload */
    uint32_t len;       /* STR / BIN length; ARRAY elements; MAP pairs */
} vf_mp_item_t;

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} vf_mp_reader_t;

void vf_mp_reader_init (vf_mp_reader_t *r, const void *buf, size_t len);

/*  Bytes not yet read. */
size_t vf_mp_remaining (const vf_mp_reader_t *r);

/*  Read the next item, checking that its encoding is canonical.
    Errors: VF_EPARSE (truncated, reserved or unsupported type, bad UTF-8,
    count larger than the bytes left), VF_ENONCANON (a longer encoding than
    needed). */
int vf_mp_next (vf_mp_reader_t *r, vf_mp_item_t *item, vf_err_t *err);

/*  Read the next item and require its type; `what` names the field for
    messages ("entry.seq"). */
int vf_mp_expect (vf_mp_reader_t *r, vf_mp_type_t type, vf_mp_item_t *item, const char *what,
                  vf_err_t *err);

/*  Read a map key and require it to be exactly key. */
int vf_mp_expect_key (vf_mp_reader_t *r, const char *key, vf_err_t *err);

/*  Read one value as JSON into *out (caller owns it): maps become objects
    (keys must be unique strings in ascending byte order), arrays arrays,
    integers json integers (unsigned values above INT64_MAX are refused),
    strings strings, nil null, booleans booleans. Binaries are refused: a
    record body is JSON. depth is the nesting already used; the value may
    nest down to VF_DEPTH_MAX. */
int vf_mp_read_json (vf_mp_reader_t *r, int depth, json_t **out, vf_err_t *err);

/*  Is s (len bytes) valid UTF-8 with no NUL, no overlong forms, no
    surrogates and nothing above U+10FFFF? */
bool vf_utf8_valid (const void *s, size_t len);

/*  An output buffer for canonical encodings, growing up to a cap. */
typedef struct _vf_mp_writer_t vf_mp_writer_t;

/*  A writer that refuses to grow beyond max bytes (VF_ETOOBIG). NULL if out
    of memory. */
vf_mp_writer_t *vf_mp_writer_new (size_t max);
void vf_mp_writer_destroy (vf_mp_writer_t **self_p);

/*  Append items. Each returns 0 or a VF_E* code; after a failure the
    writer refuses further appends with the same code. */
int vf_mp_write_map (vf_mp_writer_t *w, uint32_t pairs);
int vf_mp_write_array (vf_mp_writer_t *w, uint32_t n);
int vf_mp_write_str (vf_mp_writer_t *w, const char *s, size_t len);
int vf_mp_write_cstr (vf_mp_writer_t *w, const char *s);
int vf_mp_write_bin (vf_mp_writer_t *w, const void *b, size_t len);
int vf_mp_write_uint (vf_mp_writer_t *w, uint64_t v);
int vf_mp_write_int (vf_mp_writer_t *w, int64_t v);
int vf_mp_write_bool (vf_mp_writer_t *w, bool v);
int vf_mp_write_nil (vf_mp_writer_t *w);

/*  Append a JSON value canonically (object keys sorted). Refuses real
    numbers, strings with NUL or invalid UTF-8, and nesting deeper than
    VF_DEPTH_MAX - depth, naming the path in err. */
int vf_mp_write_json (vf_mp_writer_t *w, const json_t *value, int depth, vf_err_t *err);

/*  The first error the writer met (0 if none). */
int vf_mp_writer_status (const vf_mp_writer_t *w);

/*  The bytes written so far (owned by the writer). */
const uint8_t *vf_mp_writer_data (const vf_mp_writer_t *w);
size_t vf_mp_writer_size (const vf_mp_writer_t *w);

/*  Hand the buffer to the caller (free with free()); the writer is left
    empty. Returns NULL if nothing was written or the writer failed. */
uint8_t *vf_mp_writer_take (vf_mp_writer_t *w, size_t *len);

#endif
