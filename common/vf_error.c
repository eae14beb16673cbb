/*  vf_error.c - error codes and messages. */
#include "vf_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *s_messages[] = {
    [-(VF_ENOMEM) -1001] = "out of memory",
    [-(VF_EIO) -1001] = "input/output error",
    [-(VF_EINVAL) -1001] = "invalid argument",
    [-(VF_EPARSE) -1001] = "malformed input",
    [-(VF_ENONCANON) -1001] = "not in canonical form",
    [-(VF_ETOOBIG) -1001] = "limit exceeded",
    [-(VF_ERANGE) -1001] = "number out of range",
    [-(VF_EINVALID) -1001] = "breaks a ValueFlows or entry rule",
    [-(VF_EBADSIG) -1001] = "id or signature does not verify",
    [-(VF_EPERM) -1001] = "permission denied or unsafe permissions",
    [-(VF_ENOTFOUND) -1001] = "not found",
    [-(VF_EEXIST) -1001] = "already exists",
    [-(VF_ECRYPTO) -1001] = "cryptographic library failure",
    [-(VF_EUNIT) -1001] = "units do not match",
    [-(VF_EFULL) -1001] = "store is full",
    [-(VF_ESCHEMA) -1001] = "unknown store schema version",
    [-(VF_ESTORE) -1001] = "store (LMDB) failure",
};

const char *
vf_strerror (int code)
{
    if (code == VF_OK)
        return "success";
    if (code <= VF_ENOMEM && code > VF_E_LAST) {
        const char *m = s_messages[-code - 1001];
        if (m)
            return m;
    }
    return "unknown error";
}

static void
s_cut (char *msg, size_t size, int written)
{
    if (written >= (int) size && size > 4)
        memcpy (msg + size - 4, "...", 4);
}

int
vf_err_set (vf_err_t *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start (ap, fmt);
        int n = vsnprintf (err->msg, sizeof err->msg, fmt, ap);
        va_end (ap);
        s_cut (err->msg, sizeof err->msg, n);
    }
    return code;
}

void
vf_err_prefix (vf_err_t *err, const char *fmt, ...)
{
    if (!err || !err->msg[0])
        return;
    char head[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (head, sizeof head, fmt, ap);
    va_end (ap);
    char old[VF_ERR_MSG_MAX];
    memcpy (old, err->msg, sizeof old);
    int n = snprintf (err->msg, sizeof err->msg, "%s: %s", head, old);
    s_cut (err->msg, sizeof err->msg, n);
}

const char *
vf_err_msg (const vf_err_t *err, int code)
{
    if (err && err->msg[0])
        return err->msg;
    return vf_strerror (code);
}

const char *
vf_quote (char *buf, size_t bufsz, const char *s, size_t len)
{
    if (bufsz < 8) {
        if (bufsz)
            buf[0] = '\0';
        return buf;
    }
    size_t o = 0;
    buf[o++] = '\'';
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];
        size_t need = (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') ? 1 : 4;
        if (o + need + 5 > bufsz) /* room for "'...\0" */
            break;
        if (need == 1)
            buf[o++] = (char) c;
        else
            o += (size_t) snprintf (buf + o, bufsz - o, "\\x%02x", c);
    }
    buf[o++] = '\'';
    if (i < len) {
        memcpy (buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}
