/*  vf_error.h - error codes and error messages shared by every layer.

    Every fallible function returns 0 (VF_OK) on success or a negative VF_E*
    code. Functions that can say more about a failure take an optional
    `vf_err_t *err` as their last argument and write a one-line message into
    it naming the field, the value and what would have been accepted.
    Passing NULL for err is always allowed.
*/
#ifndef VF_ERROR_H
#define VF_ERROR_H

#include <stddef.h>

/*  The codes form one designed range, so they never collide with errno
    values or with LMDB's own codes (-30799 ... -30780). */
typedef enum {
    VF_OK = 0,
    VF_ENOMEM = -1001,    /* out of memory */
    VF_EIO = -1002,       /* operating-system I/O failure (errno in the message) */
    VF_EINVAL = -1003,    /* caller passed an invalid argument */
    VF_EPARSE = -1004,    /* input is not well formed (JSON, text form, msgpack) */
    VF_ENONCANON = -1005, /* well formed, but not the one canonical encoding */
    VF_ETOOBIG = -1006,   /* exceeds a size, count or depth limit */
    VF_ERANGE = -1007,    /* a number is outside the accepted range */
    VF_EINVALID = -1008,  /* breaks a ValueFlows or entry rule */
    VF_EBADSIG = -1009,   /* id or signature does not verify */
    VF_EPERM = -1010,     /* unsafe file permissions, or not allowed */
    VF_ENOTFOUND = -1011, /* no such file, key or record */
    VF_EEXIST = -1012,    /* already exists */
    VF_ECRYPTO = -1013,   /* libsodium reported a failure */
    VF_EUNIT = -1014,     /* quantities with different units combined */
    VF_EFULL = -1015,     /* the store's map is full: grow map_size */
    VF_ESCHEMA = -1016,   /* the store was written by an unknown schema version */
    VF_ESTORE = -1017,    /* LMDB reported a failure (its message is in err) */
    VF_E_LAST = -1018     /* one past the last code; keep last */
} vf_code_t;

/*  Longest message kept; longer messages are cut with "...". */
#define VF_ERR_MSG_MAX 320

typedef struct {
    int code;                 /* the VF_E* code, 0 when no error */
    char msg[VF_ERR_MSG_MAX]; /* one line, no trailing newline */
} vf_err_t;

/*  Short static description of a code ("out of memory"). Never NULL. */
const char *vf_strerror (int code);

/*  Record code and a printf-style message in err (if err is not NULL) and
    return code, so that callers can write `return vf_err_set (err, ...)`. */
int vf_err_set (vf_err_t *err, int code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  Put `prefix: ` in front of the message already in err (for context such
    as "line 3: " or "@graph[2]: "). No-op when err is NULL or empty. */
void vf_err_prefix (vf_err_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/*  Message of err, or vf_strerror (code) if err carries no message. */
const char *vf_err_msg (const vf_err_t *err, int code);

/*  A bounded, printable sample of outside input for error messages: writes
    into buf (at most bufsz bytes including NUL) the first bytes of s,
    quoted, with non-printable bytes as \xNN and "..." when cut. Returns buf. */
const char *vf_quote (char *buf, size_t bufsz, const char *s, size_t len);

/*  Size of a buffer that vf_quote fills with a sample of useful length. */
#define VF_QUOTE_MAX 64

#endif
