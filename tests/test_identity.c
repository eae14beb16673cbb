/*  test_identity.c - a node's identity and its key files.

    Reads as an example: make an identity, save it into a node directory,
    load it back, and see how unsafe or damaged key files are refused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vf_identity.h"
#include "vf_text.h"

/*  RFC 8032 TEST 1 seed and public key, as text forms. */
static const uint8_t s_seed[VF_SEED_BYTES] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

typedef struct {
    char dir[64];      /* mkdtemp directory, removed afterwards */
    char node[128];    /* dir/node: a node directory that does not exist yet */
    char key[160];     /* dir/node/identity.key */
    char pub[160];     /* dir/node/identity.pub */
    char file[160];    /* dir/other.key, for hand-written key files */
    vf_identity_t *id; /* from s_seed */
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *f = calloc (1, sizeof *f);
    if (!f)
        return -1;
    snprintf (f->dir, sizeof f->dir, "/tmp/vf_test_identity.XXXXXX");
    if (!mkdtemp (f->dir))
        return -1;
    snprintf (f->node, sizeof f->node, "%s/node", f->dir);
    snprintf (f->key, sizeof f->key, "%s/identity.key", f->node);
    snprintf (f->pub, sizeof f->pub, "%s/identity.pub", f->node);
    snprintf (f->file, sizeof f->file, "%s/other.key", f->dir);
    f->id = vf_identity_new_from_seed (s_seed);
    *state = f;
    return f->id ? 0 : -1;
}

static int
s_teardown (void **state)
{
    s_fixture_t *f = *state;
    unlink (f->key);
    unlink (f->pub);
    unlink (f->file);
    rmdir (f->node);
    int rc = rmdir (f->dir); /* fails if a test left a stray file behind */
    vf_identity_destroy (&f->id);
    free (f);
    return rc;
}

static unsigned
s_mode (const char *path)
{
    struct stat st;
    assert_int_equal (stat (path, &st), 0);
    return (unsigned) st.st_mode & 07777;
}

static void
s_write (const char *path, const char *text, unsigned mode)
{
    unlink (path);
    FILE *fp = fopen (path, "w");
    assert_non_null (fp);
    assert_int_equal (fputs (text, fp) >= 0, 1);
    assert_int_equal (fclose (fp), 0);
    assert_int_equal (chmod (path, mode), 0);
}

static void
s_read (const char *path, char *buf, size_t size)
{
    FILE *fp = fopen (path, "r");
    assert_non_null (fp);
    size_t n = fread (buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose (fp);
}

/*  The example file of docs/KEYS.md (RFC 8032 TEST 1). Loading is the
    first thing this process does with libsodium: a regression test for
    using sodium_malloc before sodium_init. */
static void
test_load_docs_example_first (void **state)
{
    char dir[] = "/tmp/vf_test_identity.XXXXXX", path[64];
    assert_non_null (mkdtemp (dir));
    snprintf (path, sizeof path, "%s/identity.key", dir);
    s_write (path,
             "# vfnode identity key (docs/KEYS.md). SECRET: keep this file mode 0600.\n"
             "vfk_25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkena\n"
             "vfs_tvq3dhpp7vngbouejl2jf3bmyrcetrljpmzgsglqhowaghfop5qa\n",
             0600);
    vf_identity_t *id = NULL;
    vf_err_t err = { 0 };
    int rc = vf_identity_load (&id, dir, &err);
    unlink (path);
    rmdir (dir);
    assert_int_equal (rc, 0);
    char pk[VF_TEXT_MAX];
    assert_string_equal (vf_text_encode (pk, VF_TEXT_KEY, vf_identity_public (id)),
                         "vfk_25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkena");
    vf_identity_destroy (&id);
}

static void
test_sign_and_verify (void **state)
{
    vf_identity_t *id = vf_identity_new ();
    assert_non_null (id);
    uint8_t sig[VF_SIG_BYTES];
    assert_int_equal (vf_identity_sign (id, sig, "hello", 5), 0);
    assert_int_equal (vf_verify (sig, "hello", 5, vf_identity_public (id)), 0);
    /* Two fresh identities differ. */
    vf_identity_t *other = vf_identity_new ();
    assert_non_null (other);
    assert_int_not_equal (
        vf_memcmp_ct (vf_identity_public (id), vf_identity_public (other), VF_KEY_BYTES), 0);
    vf_identity_destroy (&id);
    vf_identity_destroy (&other);
}

static void
test_destroy_twice_is_safe (void **state)
{
    vf_identity_t *id = vf_identity_new ();
    assert_non_null (id);
    vf_identity_destroy (&id);
    assert_null (id);
    vf_identity_destroy (&id);
    assert_null (id);
}

static void
test_save_and_load_round_trip (void **state)
{
    s_fixture_t *f = *state;
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_save (f->id, f->node, &err), 0);
    assert_int_equal (s_mode (f->node), 0700); /* created for us */
    assert_int_equal (s_mode (f->key), 0600);
    assert_int_equal (s_mode (f->pub), 0644);

    vf_identity_t *loaded = NULL;
    assert_int_equal (vf_identity_load (&loaded, f->node, &err), 0);
    assert_non_null (loaded);
    assert_memory_equal (vf_identity_public (loaded), vf_identity_public (f->id), VF_KEY_BYTES);
    assert_memory_equal (vf_identity_curve_secret (loaded), vf_identity_curve_secret (f->id),
                         VF_KEY_BYTES);
    uint8_t a[VF_SIG_BYTES], b[VF_SIG_BYTES];
    assert_int_equal (vf_identity_sign (f->id, a, "x", 1), 0);
    assert_int_equal (vf_identity_sign (loaded, b, "x", 1), 0);
    assert_memory_equal (a, b, sizeof a); /* Ed25519 is deterministic */
    vf_identity_destroy (&loaded);

    /* identity.pub is the public key's text form and a newline. */
    char pub[128], expect[VF_TEXT_MAX + 1];
    s_read (f->pub, pub, sizeof pub);
    vf_text_encode (expect, VF_TEXT_KEY, vf_identity_public (f->id));
    strcat (expect, "\n");
    assert_string_equal (pub, expect);
}

static void
test_key_file_format (void **state)
{
    s_fixture_t *f = *state;
    assert_int_equal (vf_identity_save (f->id, f->node, NULL), 0);
    char text[512], pk[VF_TEXT_MAX], seed[VF_TEXT_MAX], expect[512];
    s_read (f->key, text, sizeof text);
    vf_text_encode (pk, VF_TEXT_KEY, vf_identity_public (f->id));
    vf_text_encode (seed, VF_TEXT_SEED, s_seed);
    snprintf (expect, sizeof expect,
              "# vfnode identity key (docs/KEYS.md). SECRET: keep this file mode 0600.\n%s\n%s\n",
              pk, seed);
    assert_string_equal (text, expect);
}

static void
test_save_refuses_to_overwrite (void **state)
{
    s_fixture_t *f = *state;
    assert_int_equal (vf_identity_save (f->id, f->node, NULL), 0);
    vf_identity_t *other = vf_identity_new ();
    assert_non_null (other);
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_save (other, f->node, &err), VF_EEXIST);
    assert_non_null (strstr (err.msg, "already exists; refusing to overwrite it"));
    assert_int_equal (vf_identity_save_file (other, f->key, NULL), VF_EEXIST);
    vf_identity_destroy (&other);

    /* The original is untouched. */
    vf_identity_t *loaded = NULL;
    assert_int_equal (vf_identity_load (&loaded, f->node, NULL), 0);
    assert_memory_equal (vf_identity_public (loaded), vf_identity_public (f->id), VF_KEY_BYTES);
    vf_identity_destroy (&loaded);
}

static void
test_load_refuses_unsafe_permissions (void **state)
{
    s_fixture_t *f = *state;
    assert_int_equal (vf_identity_save (f->id, f->node, NULL), 0);
    static const unsigned modes[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        assert_int_equal (chmod (f->key, modes[i]), 0);
        vf_identity_t *loaded = NULL;
        vf_err_t err = { 0 };
        assert_int_equal (vf_identity_load (&loaded, f->node, &err), VF_EPERM);
        assert_null (loaded);
        char hint[256];
        snprintf (hint, sizeof hint, "(mode %04o); fix with: chmod 600 %s", modes[i], f->key);
        assert_non_null (strstr (err.msg, hint));
    }
    assert_int_equal (chmod (f->key, 0644), 0);
    vf_err_t err = { 0 };
    vf_identity_t *loaded = NULL;
    vf_identity_load (&loaded, f->node, &err);
    char msg[512];
    snprintf (msg, sizeof msg,
              "identity key %s is readable by group, readable by others (mode 0644); fix with: "
              "chmod 600 %s",
              f->key, f->key);
    assert_string_equal (err.msg, msg);
    /* regression: the message names the bits that are actually set */
    static const struct {
        unsigned mode;
        const char *words;
    } words[] = {
        { 0640, "is readable by group (mode 0640)" },
        { 0620, "is writable by group (mode 0620)" },
        { 0602, "is writable by others (mode 0602)" },
        { 0606, "is readable and writable by others (mode 0606)" },
        { 0610, "is executable by group (mode 0610)" },
        { 0666, "is readable and writable by group, readable and writable by others" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        assert_int_equal (chmod (f->key, words[i].mode), 0);
        assert_int_equal (vf_identity_load (&loaded, f->node, &err), VF_EPERM);
        if (!strstr (err.msg, words[i].words))
            fail_msg ("mode %04o: %s", words[i].mode, err.msg);
    }
    /* 0400 (read-only for the owner) is fine. */
    assert_int_equal (chmod (f->key, 0400), 0);
    assert_int_equal (vf_identity_load (&loaded, f->node, NULL), 0);
    vf_identity_destroy (&loaded);
}

static void
test_load_missing_file (void **state)
{
    s_fixture_t *f = *state;
    vf_identity_t *loaded = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_load (&loaded, f->node, &err), VF_ENOTFOUND);
    assert_null (loaded);
    assert_non_null (strstr (err.msg, "does not exist"));
    assert_int_equal (vf_identity_load_file (&loaded, f->file, NULL), VF_ENOTFOUND);
}

/*  A key file written by hand (or by another implementation) loads. */
static void
test_load_hand_written_file (void **state)
{
    s_fixture_t *f = *state;
    char seed[VF_TEXT_MAX], text[256];
    vf_text_encode (seed, VF_TEXT_SEED, s_seed);
    snprintf (text, sizeof text, "%s\n", seed); /* just the seed line */
    s_write (f->file, text, 0600);
    vf_identity_t *loaded = NULL;
    assert_int_equal (vf_identity_load_file (&loaded, f->file, NULL), 0);
    assert_memory_equal (vf_identity_public (loaded), vf_identity_public (f->id), VF_KEY_BYTES);
    vf_identity_destroy (&loaded);

    snprintf (text, sizeof text, "# comment\n#\n%s\n# trailing comment\n", seed);
    s_write (f->file, text, 0600);
    assert_int_equal (vf_identity_load_file (&loaded, f->file, NULL), 0);
    vf_identity_destroy (&loaded);
}

/*  Expand a key file template: $S the seed line, $T the seed cut to 50
    characters, $B the seed with a bad character, $I an entry id. */
static void
s_expand (char *out, size_t size, const char *tmpl, const char *seed)
{
    char bad[VF_TEXT_MAX], id[VF_TEXT_MAX];
    uint8_t bytes[VF_KEY_BYTES] = { 7 };
    snprintf (bad, sizeof bad, "%s", seed);
    bad[16] = 'O';
    vf_text_encode (id, VF_TEXT_ID, bytes);
    size_t o = 0;
    for (const char *t = tmpl; *t && o + VF_TEXT_MAX < size; t++) {
        const char *put = NULL;
        size_t n = VF_TEXT_LEN;
        if (t[0] == '$' && t[1]) {
            put = t[1] == 'S' || t[1] == 'T' ? seed : t[1] == 'B' ? bad : id;
            n = t[1] == 'T' ? 50 : VF_TEXT_LEN;
            t++;
        }
        if (put) {
            memcpy (out + o, put, n);
            o += n;
        } else
            out[o++] = *t;
    }
    out[o] = '\0';
}

static void
test_load_rejects_malformed_files (void **state)
{
    s_fixture_t *f = *state;
    char seed[VF_TEXT_MAX];
    vf_text_encode (seed, VF_TEXT_SEED, s_seed);
    static const struct {
        const char *tmpl, *msg;
    } cases[] = {
        { "", "no secret seed line (vfs_...)" },
        { "# only a comment\n", "no secret seed line" },
        { "$S", "line 1 does not end with a newline" },
        { "$S\r\n", "line 1: ends with CR; the file must have LF line ends" },
        { "\n$S\n", "line 1: expected a comment (#...), the public key (vfk_...) or the "
                    "secret seed (vfs_...)" },
        { "$I\n", "line 1: expected a comment" },
        { " $S\n", "line 1: expected a comment" },
        { "$S \n", "line 1: length 57, expected 56" },
        { "$B\n", "line 1: character 17 'O' is not base32 (a-z, 2-7)" },
        { "$T\n", "line 1: length 50, expected 56" },
        { "# x\n$S\n$S\n", "line 3: a second vfs_ line" },
        { "$S\nvfk_\n", "line 2: length 4, expected 56" },
        { "$S\ngarbage that is much longer than any key line could ever be, really\n",
          "line 2: is 67 characters long" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        s_expand (text, sizeof text, cases[i].tmpl, seed);
        s_write (f->file, text, 0600);
        vf_identity_t *loaded = NULL;
        vf_err_t err = { 0 };
        int rc = vf_identity_load_file (&loaded, f->file, &err);
        if (rc != VF_EPARSE || !strstr (err.msg, cases[i].msg))
            fail_msg ("case %zu: got %d '%s', expected '%s'", i, rc, err.msg, cases[i].msg);
        assert_null (loaded);
        assert_non_null (strstr (err.msg, f->file)); /* names the file */
        assert_null (strstr (err.msg, seed + 4));    /* never echoes the seed */
    }
}

static void
test_load_rejects_mismatched_public_key (void **state)
{
    s_fixture_t *f = *state;
    char seed[VF_TEXT_MAX], other_pk[VF_TEXT_MAX], text[256];
    uint8_t bytes[VF_KEY_BYTES] = { 7 };
    vf_text_encode (seed, VF_TEXT_SEED, s_seed);
    vf_text_encode (other_pk, VF_TEXT_KEY, bytes);
    snprintf (text, sizeof text, "%s\n%s\n", other_pk, seed);
    s_write (f->file, text, 0600);
    vf_identity_t *loaded = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_load_file (&loaded, f->file, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "the vfk_ line does not match the secret seed"));
    assert_null (loaded);
}

static void
test_load_rejects_big_and_odd_files (void **state)
{
    s_fixture_t *f = *state;
    char big[VF_KEY_FILE_MAX + 64];
    memset (big, '#', sizeof big - 1);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = '\0';
    s_write (f->file, big, 0600);
    vf_identity_t *loaded = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_load_file (&loaded, f->file, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "at most 4096 expected"));
    /* A directory is not a key file. */
    assert_int_equal (vf_identity_load_file (&loaded, f->dir, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "not a regular file"));
    /* Regression: a FIFO is refused at once instead of blocking the
       reader until someone writes to it. */
    unlink (f->file);
    assert_int_equal (mkfifo (f->file, 0600), 0);
    assert_int_equal (vf_identity_load_file (&loaded, f->file, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "not a regular file"));
    unlink (f->file);
    /* Regression: NUL bytes are refused, also in comments. */
    char text[256];
    int n = snprintf (text, sizeof text, "# a comment%cwith NUL\n%s\n", '\0',
                      "vfs_tvq3dhpp7vngbouejl2jf3bmyrcetrljpmzgsglqhowaghfop5qa");
    FILE *fp = fopen (f->file, "w");
    assert_non_null (fp);
    assert_int_equal (fwrite (text, 1, (size_t) n, fp), (size_t) n);
    assert_int_equal (fclose (fp), 0);
    assert_int_equal (chmod (f->file, 0600), 0);
    assert_int_equal (vf_identity_load_file (&loaded, f->file, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "line 1 contains a NUL byte"));
    assert_null (loaded);
}

static void
test_save_needs_a_parent_directory (void **state)
{
    s_fixture_t *f = *state;
    char deep[256];
    snprintf (deep, sizeof deep, "%s/missing/node", f->dir);
    vf_err_t err = { 0 };
    assert_int_equal (vf_identity_save (f->id, deep, &err), VF_EIO);
    assert_non_null (strstr (err.msg, "its parent must exist"));
    /* A file where the directory should be. */
    s_write (f->file, "x\n", 0600);
    assert_int_equal (vf_identity_save (f->id, f->file, &err), VF_EIO);
    assert_non_null (strstr (err.msg, "is not a directory"));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_load_docs_example_first), /* keep first */
        cmocka_unit_test (test_sign_and_verify),
        cmocka_unit_test (test_destroy_twice_is_safe),
        cmocka_unit_test_setup_teardown (test_save_and_load_round_trip, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_key_file_format, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_save_refuses_to_overwrite, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_load_refuses_unsafe_permissions, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_load_missing_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_load_hand_written_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_load_rejects_malformed_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_load_rejects_mismatched_public_key, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_load_rejects_big_and_odd_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_save_needs_a_parent_directory, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
