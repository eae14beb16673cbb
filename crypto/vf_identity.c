/*  vf_identity.c - a node's Ed25519 identity and its key files.

    The secret key and the X25519 secret derived from it live in one
    sodium_malloc block, made read-only once filled and wiped by
    sodium_free. Key file format: docs/KEYS.md.
*/
#include "vf_identity.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf_limits.h"
#include "vf_text.h"

#define S_KEY_NAME "identity.key"
#define S_PUB_NAME "identity.pub"
#define S_KEY_COMMENT "# vfnode identity key (docs/KEYS.md). SECRET: keep this file mode 0600.\n"

typedef struct {
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* seed || public key */
    uint8_t curve_sk[VF_KEY_BYTES];
} s_secret_t;

struct _vf_identity_t {
    uint8_t pk[VF_KEY_BYTES];
    uint8_t curve_pk[VF_KEY_BYTES];
    s_secret_t *secret; /* sodium_malloc; read-only after new */
};

vf_identity_t *
vf_identity_new_from_seed (const uint8_t seed[VF_SEED_BYTES])
{
    if (vf_crypto_init () != 0)
        return NULL;
    vf_identity_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->secret = sodium_malloc (sizeof *self->secret);
    if (!self->secret || crypto_sign_seed_keypair (self->pk, self->secret->sk, seed) != 0 ||
        crypto_sign_ed25519_sk_to_curve25519 (self->secret->curve_sk, self->secret->sk) != 0 ||
        crypto_sign_ed25519_pk_to_curve25519 (self->curve_pk, self->pk) != 0 ||
        sodium_mprotect_readonly (self->secret) != 0) {
        vf_identity_destroy (&self);
        return NULL;
    }
    return self;
}

vf_identity_t *
vf_identity_new (void)
{
    uint8_t seed[VF_SEED_BYTES];
    vf_random (seed, sizeof seed);
    vf_identity_t *self = vf_identity_new_from_seed (seed);
    sodium_memzero (seed, sizeof seed);
    return self;
}

void
vf_identity_destroy (vf_identity_t **self_p)
{
    assert (self_p);
    vf_identity_t *self = *self_p;
    if (!self)
        return;
    sodium_free (self->secret); /* makes it writable, wipes, frees; NULL is fine */
    free (self);
    *self_p = NULL;
}

const uint8_t *
vf_identity_public (const vf_identity_t *self)
{
    return self->pk;
}

int
vf_identity_sign (const vf_identity_t *self, uint8_t sig[VF_SIG_BYTES], const void *msg, size_t len)
{
    if (crypto_sign_detached (sig, NULL, msg, len, self->secret->sk) != 0)
        return VF_ECRYPTO;
    return 0;
}

const uint8_t *
vf_identity_curve_public (const vf_identity_t *self)
{
    return self->curve_pk;
}

const uint8_t *
vf_identity_curve_secret (const vf_identity_t *self)
{
    return self->secret->curve_sk;
}

/* ------------------------------------------------------------------------
   Writing files: write a temporary file in the same directory, fsync it,
   then link it to its name (which fails if the name exists, so a key is
   never overwritten) or rename it (identity.pub may be replaced). A crash
   leaves at worst a stray temporary file, never a half-written key. */

static int
s_write_all (int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write (fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t) n;
    }
    return fsync (fd);
}

/*  fsync the directory holding path, so that a new name survives a crash.
    Best effort: some file systems cannot fsync directories. */
static void
s_sync_parent (const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr (path, '/');
    size_t n = slash ? (size_t) (slash - path) : 0;
    if (n == 0 || n >= sizeof dir)
        snprintf (dir, sizeof dir, "%s", slash ? "/" : ".");
    else
        snprintf (dir, sizeof dir, "%.*s", (int) n, path);
    int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void) fsync (fd);
        close (fd);
    }
}

/*  Create path with exactly mode and contents data, without replacing an
    existing file: O_CREAT|O_EXCL. For file systems without hard links. */
static int
s_write_excl (const char *path, const char *data, size_t len, mode_t mode, vf_err_t *err)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST)
        return vf_err_set (err, VF_EEXIST, "%s already exists; refusing to overwrite it", path);
    if (fd < 0)
        return vf_err_set (err, VF_EIO, "cannot create %s: %s", path, strerror (errno));
    int rc = 0;
    if (fchmod (fd, mode) != 0 || s_write_all (fd, data, len) != 0) {
        rc = vf_err_set (err, VF_EIO, "cannot write %s: %s", path, strerror (errno));
        unlink (path);
    }
    close (fd);
    return rc;
}

/*  Put the finished temporary file tmp in place at path. */
static int
s_install (const char *tmp, const char *path, const char *data, size_t len, mode_t mode,
           bool replace, vf_err_t *err)
{
    if (replace) {
        if (rename (tmp, path) == 0)
            return 0;
        return vf_err_set (err, VF_EIO, "cannot rename %s to %s: %s", tmp, path, strerror (errno));
    }
    if (link (tmp, path) == 0)
        return 0;
    if (errno == EEXIST)
        return vf_err_set (err, VF_EEXIST, "%s already exists; refusing to overwrite it", path);
    if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)
        return s_write_excl (path, data, len, mode, err);
    return vf_err_set (err, VF_EIO, "cannot link %s to %s: %s", tmp, path, strerror (errno));
}

static int
s_write_file (const char *path, const char *data, size_t len, mode_t mode, bool replace,
              vf_err_t *err)
{
    char tmp[PATH_MAX];
    if (snprintf (tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int) sizeof tmp)
        return vf_err_set (err, VF_EINVAL, "path %s is too long", path);
    int fd = mkstemp (tmp); /* O_EXCL, mode 0600 */
    if (fd < 0)
        return vf_err_set (err, VF_EIO, "cannot create a file next to %s: %s", path,
                           strerror (errno));
    int rc = 0;
    if (fchmod (fd, mode) != 0 || s_write_all (fd, data, len) != 0)
        rc = vf_err_set (err, VF_EIO, "cannot write %s: %s", tmp, strerror (errno));
    if (close (fd) != 0 && rc == 0)
        rc = vf_err_set (err, VF_EIO, "cannot write %s: %s", tmp, strerror (errno));
    if (rc == 0)
        rc = s_install (tmp, path, data, len, mode, replace, err);
    unlink (tmp); /* after link; harmless after rename (ENOENT) */
    if (rc == 0)
        s_sync_parent (path);
    return rc;
}

/*  The key file text (docs/KEYS.md) into secret memory at *out, length
 *len. The caller sodium_frees *out. */
static int
s_key_file_text (const vf_identity_t *self, char **out, size_t *len)
{
    size_t size = sizeof S_KEY_COMMENT + 2 * (VF_TEXT_LEN + 1);
    char *text = sodium_malloc (size);
    if (!text)
        return VF_ENOMEM;
    char pk[VF_TEXT_MAX], seed[VF_TEXT_MAX];
    vf_text_encode (pk, VF_TEXT_KEY, self->pk);
    vf_text_encode (seed, VF_TEXT_SEED, self->secret->sk); /* the seed is sk[0..31] */
    int n = snprintf (text, size, "%s%s\n%s\n", S_KEY_COMMENT, pk, seed);
    sodium_memzero (seed, sizeof seed);
    assert (n > 0 && (size_t) n < size);
    *out = text;
    *len = (size_t) n;
    return 0;
}

int
vf_identity_save_file (const vf_identity_t *self, const char *path, vf_err_t *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = s_key_file_text (self, &text, &len);
    if (rc)
        return vf_err_set (err, rc, "out of secure memory writing %s", path);
    rc = s_write_file (path, text, len, 0600, false, err);
    if (rc == VF_EEXIST)
        vf_err_set (err, rc,
                    "identity key %s already exists; refusing to overwrite it (move it away "
                    "first if you really mean to replace this node's identity)",
                    path);
    sodium_free (text);
    return rc;
}

/*  dir exists as a directory, or is created with mode 0700. */
static int
s_make_dir (const char *dir, vf_err_t *err)
{
    if (mkdir (dir, 0700) == 0)
        return 0;
    struct stat st;
    if (errno == EEXIST && stat (dir, &st) == 0 && S_ISDIR (st.st_mode))
        return 0;
    if (errno == EEXIST)
        return vf_err_set (err, VF_EIO, "node directory %s exists and is not a directory", dir);
    return vf_err_set (err, VF_EIO, "cannot create node directory %s: %s%s", dir, strerror (errno),
                       errno == ENOENT ? " (its parent must exist)" : "");
}

static int
s_join (char out[PATH_MAX], const char *dir, const char *name, vf_err_t *err)
{
    if (snprintf (out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        return vf_err_set (err, VF_EINVAL, "node directory path %s is too long", dir);
    return 0;
}

int
vf_identity_save (const vf_identity_t *self, const char *dir, vf_err_t *err)
{
    char key_path[PATH_MAX], pub_path[PATH_MAX], pub[VF_TEXT_MAX + 1];
    int rc = s_join (key_path, dir, S_KEY_NAME, err);
    if (rc == 0)
        rc = s_join (pub_path, dir, S_PUB_NAME, err);
    if (rc == 0)
        rc = s_make_dir (dir, err);
    if (rc == 0)
        rc = vf_identity_save_file (self, key_path, err);
    if (rc)
        return rc;
    vf_text_encode (pub, VF_TEXT_KEY, self->pk);
    strcat (pub, "\n");
    return s_write_file (pub_path, pub, strlen (pub), 0644, true, err);
}

/* ------------------------------------------------------------------------
   Reading key files. */

/*  One line of a key file (without its "\n"): a comment, the public key
    or the seed. Each of the last two at most once. */
static int
s_parse_line (const char *line, size_t n, uint8_t seed[VF_SEED_BYTES], bool *has_seed,
              uint8_t pk[VF_KEY_BYTES], bool *has_pk, vf_err_t *err)
{
    if (n > 0 && line[0] == '#')
        return 0;
    if (n > 0 && line[n - 1] == '\r')
        return vf_err_set (err, VF_EPARSE, "ends with CR; the file must have LF line ends");
    char text[VF_TEXT_MAX];
    if (n >= sizeof text)
        return vf_err_set (err, VF_EPARSE,
                           "is %zu characters long; expected a comment (#...) or a %d-character "
                           "vfk_/vfs_ line",
                           n, VF_TEXT_LEN);
    memcpy (text, line, n);
    text[n] = '\0';
    int kind = vf_text_kind (text), rc;
    if (kind == VF_TEXT_SEED && !*has_seed) {
        rc = vf_text_decode (seed, VF_TEXT_SEED, text, err);
        *has_seed = rc == 0;
    } else if (kind == VF_TEXT_KEY && !*has_pk) {
        rc = vf_text_decode (pk, VF_TEXT_KEY, text, err);
        *has_pk = rc == 0;
    } else if (kind == VF_TEXT_SEED || kind == VF_TEXT_KEY)
        rc =
            vf_err_set (err, VF_EPARSE, "a second %s line", kind == VF_TEXT_SEED ? "vfs_" : "vfk_");
    else
        rc = vf_err_set (err, VF_EPARSE,
                         "expected a comment (#...), the public key (vfk_...) or the secret "
                         "seed (vfs_...)");
    sodium_memzero (text, sizeof text);
    return rc;
}

/*  The whole file: lines ending in "\n", exactly one vfs_ line. */
static int
s_parse_key_text (const char *text, size_t len, uint8_t seed[VF_SEED_BYTES],
                  uint8_t pk[VF_KEY_BYTES], bool *has_pk, vf_err_t *err)
{
    bool has_seed = false;
    *has_pk = false;
    size_t line_no = 0;
    for (size_t at = 0; at < len;) {
        line_no++;
        const char *nul = memchr (text + at, '\0', len - at);
        const char *eol = memchr (text + at, '\n', len - at);
        if (nul && (!eol || nul < eol))
            return vf_err_set (err, VF_EPARSE, "line %zu contains a NUL byte", line_no);
        const char *nl = memchr (text + at, '\n', len - at);
        if (!nl)
            return vf_err_set (err, VF_EPARSE, "line %zu does not end with a newline", line_no);
        size_t n = (size_t) (nl - (text + at));
        int rc = s_parse_line (text + at, n, seed, &has_seed, pk, has_pk, err);
        if (rc) {
            vf_err_prefix (err, "line %zu", line_no);
            return rc;
        }
        at += n + 1;
    }
    if (!has_seed)
        return vf_err_set (err, VF_EPARSE, "no secret seed line (vfs_...)");
    return 0;
}

/*  What the group and other bits of mode allow, in words: "readable by
    group, readable and writable by others". */
static void
s_mode_words (char *out, size_t size, unsigned mode)
{
    static const char *const who[] = { "group", "others" };
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < 2; k++) {
        unsigned bits = (mode >> (3 * (1 - k))) & 07;
        if (!bits)
            continue;
        n += (size_t) snprintf (
            out + n, n < size ? size - n : 0, "%s%s%s%s%s%s by %s", n ? ", " : "",
            bits & 04 ? "readable" : "", (bits & 04) && (bits & 03) ? " and " : "",
            bits & 02 ? "writable" : "", (bits & 02) && (bits & 01) ? " and " : "",
            bits & 01 ? "executable" : "", who[k]);
    }
}

/*  The key file must be a regular file of sane size that only its owner
    can read or write. */
static int
s_check_key_fd (int fd, const char *path, vf_err_t *err)
{
    struct stat st;
    if (fstat (fd, &st) != 0)
        return vf_err_set (err, VF_EIO, "cannot stat identity key %s: %s", path, strerror (errno));
    if (!S_ISREG (st.st_mode))
        return vf_err_set (err, VF_EPARSE, "identity key %s is not a regular file", path);
    unsigned mode = (unsigned) st.st_mode & 07777;
    if (mode & 0077) {
        char who[96];
        s_mode_words (who, sizeof who, mode);
        return vf_err_set (err, VF_EPERM,
                           "identity key %s is %s (mode %04o); fix with: chmod 600 %s", path, who,
                           mode, path);
    }
    if (st.st_size > VF_KEY_FILE_MAX)
        return vf_err_set (err, VF_EPARSE, "identity key %s is %lld bytes; at most %d expected",
                           path, (long long) st.st_size, VF_KEY_FILE_MAX);
    return 0;
}

/*  Read at most VF_KEY_FILE_MAX bytes of fd into buf (VF_KEY_FILE_MAX + 1
    bytes), so that a file that grew since fstat is still caught. */
static int
s_read_key_fd (int fd, char *buf, size_t *len, const char *path, vf_err_t *err)
{
    size_t got = 0;
    while (got <= VF_KEY_FILE_MAX) {
        ssize_t n = read (fd, buf + got, VF_KEY_FILE_MAX + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vf_err_set (err, VF_EIO, "cannot read identity key %s: %s", path,
                               strerror (errno));
        if (n == 0)
            break;
        got += (size_t) n;
    }
    if (got > VF_KEY_FILE_MAX)
        return vf_err_set (err, VF_EPARSE, "identity key %s is over %d bytes", path,
                           VF_KEY_FILE_MAX);
    *len = got;
    return 0;
}

/*  Build the identity from the parsed seed; the vfk_ line, if any, must
    be its public key. */
static int
s_identity_from (vf_identity_t **out, const uint8_t seed[VF_SEED_BYTES],
                 const uint8_t pk[VF_KEY_BYTES], bool has_pk, vf_err_t *err)
{
    vf_identity_t *self = vf_identity_new_from_seed (seed);
    if (!self)
        return vf_err_set (err, VF_ENOMEM, "out of secure memory");
    if (has_pk && sodium_memcmp (pk, self->pk, VF_KEY_BYTES) != 0) {
        char expect[VF_TEXT_MAX];
        vf_text_encode (expect, VF_TEXT_KEY, self->pk);
        vf_identity_destroy (&self);
        return vf_err_set (err, VF_EPARSE,
                           "the vfk_ line does not match the secret seed (which gives %s); the "
                           "file is damaged",
                           expect);
    }
    *out = self;
    return 0;
}

int
vf_identity_load_file (vf_identity_t **out, const char *path, vf_err_t *err)
{
    int rc = 0;
    char *text = NULL;
    uint8_t seed[VF_SEED_BYTES], pk[VF_KEY_BYTES];
    bool has_pk = false;
    size_t len = 0;
    if (vf_crypto_init () != 0) /* before sodium_malloc */
        return vf_err_set (err, VF_ECRYPTO, "libsodium failed to initialise");
    /*  O_NONBLOCK: a FIFO or device opens at once and is then refused as
        not a regular file, instead of blocking the caller. */
    int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return vf_err_set (err, VF_ENOTFOUND, "identity key %s does not exist", path);
        return vf_err_set (err, VF_EIO, "cannot open identity key %s: %s", path, strerror (errno));
    }
    if ((rc = s_check_key_fd (fd, path, err)) != 0)
        goto out;
    if (!(text = sodium_malloc (VF_KEY_FILE_MAX + 1))) {
        rc = vf_err_set (err, VF_ENOMEM, "out of secure memory reading %s", path);
        goto out;
    }
    if ((rc = s_read_key_fd (fd, text, &len, path, err)) != 0)
        goto out;
    if ((rc = s_parse_key_text (text, len, seed, pk, &has_pk, err)) == 0)
        rc = s_identity_from (out, seed, pk, has_pk, err);
    if (rc)
        vf_err_prefix (err, "identity key %s", path);
out:
    sodium_memzero (seed, sizeof seed);
    sodium_free (text);
    close (fd);
    return rc;
}

int
vf_identity_load (vf_identity_t **out, const char *dir, vf_err_t *err)
{
    char path[PATH_MAX];
    int rc = s_join (path, dir, S_KEY_NAME, err);
    if (rc == 0)
        rc = vf_identity_load_file (out, path, err);
    return rc;
}
