/*  test_vfctl.c - the vfctl program, run as an operator runs it.

    Each test runs the vfctl binary built next to this test
    (build/asan/tests/test_vfctl -> build/asan/bin/vfctl) with posix_spawn,
    in a temporary directory that is removed afterwards, and checks its
    exit status, standard output and standard error.
*/
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

static char s_vfctl[PATH_MAX];

typedef struct {
    char dir[64];
    int status; /* exit status of the last run */
    char *out;  /* its standard output */
    char *err;  /* its standard error */
} s_fix_t;

/*  A network id (BLAKE2b-256 of "vfnode test network", docs/PROTOCOL.md). */
#define NET "vfn_dkaz4aro3jehaw3sweywk7tb33sppwijscykswc53he7wtgba25a"

static const char s_doc[] =
    "{\"@context\": {\"farm\": \"https://farm.example/\"}, \"@graph\": [\n"
    " {\"@id\": \"farm:shearing\", \"@type\": \"Process\", \"name\": \"Shearing\"},\n"
    " {\"@id\": \"farm:ev1\", \"@type\": \"EconomicEvent\", \"action\": \"produce\",\n"
    "  \"provider\": \"farm:\", \"receiver\": \"farm:\", \"outputOf\": \"farm:shearing\",\n"
    "  \"resourceConformsTo\": \"farm:wool\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 12.5, \"hasUnit\": \"kilogram\"}}]}\n";

static char *
s_path (s_fix_t *f, const char *name)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *p = buf[next++ % 4];
    snprintf (p, PATH_MAX, "%s/%s", f->dir, name);
    return p;
}

static void
s_write (s_fix_t *f, const char *name, const char *text)
{
    FILE *fp = fopen (s_path (f, name), "w");
    assert_non_null (fp);
    assert_true (fputs (text, fp) >= 0);
    assert_int_equal (fclose (fp), 0);
}

static char *
s_slurp (const char *path)
{
    FILE *fp = fopen (path, "r");
    assert_non_null (fp);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread (chunk, 1, sizeof chunk, fp)) > 0)
        fwrite (chunk, 1, n, mem);
    fclose (mem);
    fclose (fp);
    return buf;
}

/*  Run vfctl with the NULL-terminated arguments, standard input from the
    file `in` in the fixture directory (NULL: /dev/null). */
static int
s_run (s_fix_t *f, const char *in, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = s_vfctl;
    va_list ap;
    va_start (ap, in);
    const char *a;
    while ((a = va_arg (ap, const char *)) && argc < 31)
        argv[argc++] = (char *) a;
    va_end (ap);
    argv[argc] = NULL;
    char out_path[PATH_MAX], err_path[PATH_MAX];
    snprintf (out_path, sizeof out_path, "%s/.stdout", f->dir);
    snprintf (err_path, sizeof err_path, "%s/.stderr", f->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init (&fa);
    posix_spawn_file_actions_addopen (&fa, 0, in ? s_path (f, in) : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen (&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen (&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn (&pid, s_vfctl, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&fa);
    assert_int_equal (rc, 0);
    int ws;
    assert_int_equal (waitpid (pid, &ws, 0), pid);
    assert_true (WIFEXITED (ws));
    free (f->out);
    free (f->err);
    f->out = s_slurp (out_path);
    f->err = s_slurp (err_path);
    f->status = WEXITSTATUS (ws);
    return f->status;
}

/*  The last run exited with status and its stream (out or err) holds
    needle. */
static void
s_expect (s_fix_t *f, int status, const char *stream, const char *needle)
{
    const char *text = stream[0] == 'o' ? f->out : f->err;
    if (f->status != status || !strstr (text, needle))
        fail_msg ("expected exit %d and '%s' on std%s; got exit %d\nstdout: %s\nstderr: %s", status,
                  needle, stream, f->status, f->out, f->err);
}

static int
s_remove (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove (path);
}

static int
s_setup (void **state)
{
    s_fix_t *f = calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/vf_test_vfctl.XXXXXX");
    if (!f || !mkdtemp (f->dir))
        return -1;
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fix_t *f = *state;
    int rc = nftw (f->dir, s_remove, 16, FTW_DEPTH | FTW_PHYS);
    free (f->out);
    free (f->err);
    free (f);
    return rc;
}

/*  Make a key and sign s_doc with it into name; returns the key path. */
static const char *
s_signed (s_fix_t *f, const char *key, const char *seq, const char *doc, const char *name)
{
    if (access (s_path (f, key), F_OK) != 0)
        assert_int_equal (s_run (f, NULL, "keygen", s_path (f, key), NULL), 0);
    s_write (f, "in.jsonld", doc);
    assert_int_equal (s_run (f, NULL, "sign", "--key", s_path (f, key), "--seq", seq, "--time",
                             "1700000000000", s_path (f, "in.jsonld"), NULL),
                      0);
    s_write (f, name, f->out);
    return s_path (f, key);
}

static void
test_help (void **state)
{
    s_fix_t *f = *state;
    s_run (f, NULL, "--help", NULL);
    s_expect (f, 0, "out", "Exit codes");
    static const char *const cmds[] = { "keygen", "sign", "verify" };
    for (size_t k = 0; k < 3; k++) {
        s_run (f, NULL, cmds[k], "--help", NULL);
        s_expect (f, 0, "out", "usage: vfctl ");
        s_expect (f, 0, "out", "Example");
    }
    s_run (f, NULL, "sign", "--help", NULL);
    s_expect (f, 0, "out", "keeps\nits own seq, time and audience");
    s_run (f, NULL, NULL);
    s_expect (f, 2, "err", "usage: vfctl COMMAND");
    s_run (f, NULL, "frobnicate", NULL);
    s_expect (f, 2, "err", "unknown command 'frobnicate'");
}

static void
test_keygen (void **state)
{
    s_fix_t *f = *state;
    s_run (f, NULL, "keygen", s_path (f, "a.key"), NULL);
    s_expect (f, 0, "out", "vfk_");
    struct stat st;
    assert_int_equal (stat (s_path (f, "a.key"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0600);
    char *first = s_slurp (s_path (f, "a.key"));
    s_run (f, NULL, "keygen", s_path (f, "a.key"), NULL);
    s_expect (f, 1, "err", "refusing to overwrite");
    char *second = s_slurp (s_path (f, "a.key"));
    assert_string_equal (first, second); /* the identity is untouched */
    free (first);
    free (second);
    s_run (f, NULL, "keygen", NULL);
    s_expect (f, 2, "err", "expected exactly one argument");
}

static void
test_sign (void **state)
{
    s_fix_t *f = *state;
    assert_int_equal (s_run (f, NULL, "keygen", s_path (f, "k"), NULL), 0);
    s_write (f, "doc", s_doc);
    /* usage errors: exit 2 */
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), NULL);
    s_expect (f, 2, "err", "--seq N is required");
    s_run (f, "doc", "sign", "--seq", "1", NULL);
    s_expect (f, 2, "err", "--key KEYFILE is required");
    static const char *const bad_seq[] = { " 1", "+1", "-1", "0", "1x", "9007199254740992" };
    for (size_t k = 0; k < sizeof bad_seq / sizeof bad_seq[0]; k++) {
        s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", bad_seq[k], NULL);
        s_expect (f, 2, "err", "--seq");
    }
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", "1", "--time", "9007199254740992",
           NULL);
    s_expect (f, 2, "err", "--time '9007199254740992'");
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", "1", "--audience", "vfn_x", NULL);
    s_expect (f, 2, "err", "--audience");
    /* signing from standard input, one JSON-LD line per record */
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", "9007199254740990", NULL);
    s_expect (f, 0, "out", "\"vfn:seq\":9007199254740990");
    s_expect (f, 0, "out", "\"vfn:seq\":9007199254740991");
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", "3", "--audience", NET, NULL);
    s_expect (f, 0, "out", "\"vfn:audience\":[\"" NET "\"]");
    assert_int_equal (strchr (strchr (f->out, '\n') + 1, '\n')[1], '\0'); /* two lines */
    /* all or nothing: one invalid record, nothing is written */
    s_write (f, "bad",
             "[{\"@type\": \"Process\", \"@id\": \"urn:p\"},"
             " {\"@type\": \"EconomicEvent\", \"@id\": \"urn:e\", \"action\": \"consume\"}]");
    s_run (f, NULL, "sign", "--key", s_path (f, "k"), "--seq", "1", s_path (f, "bad"), NULL);
    s_expect (f, 1, "err", "1 of 2 records invalid; nothing signed");
    assert_string_equal (f->out, "");
    /* records keep their own seq, and the counter skips it */
    s_write (f, "own",
             "[{\"@type\": \"Process\", \"@id\": \"urn:p1\"},"
             " {\"@type\": \"Process\", \"@id\": \"urn:p2\", \"vfn:entry\": {\"seq\": 2}},"
             " {\"@type\": \"Process\", \"@id\": \"urn:p3\"}]");
    s_run (f, NULL, "sign", "--key", s_path (f, "k"), "--seq", "1", s_path (f, "own"), NULL);
    s_expect (f, 0, "out", "\"vfn:seq\":1");
    s_expect (f, 0, "out", "\"vfn:seq\":2");
    s_expect (f, 0, "out", "\"vfn:seq\":3");
    /* two records with one seq would be an equivocation */
    s_write (f, "twice",
             "[{\"@type\": \"Process\", \"@id\": \"urn:p1\", \"vfn:entry\": {\"seq\": 5}},"
             " {\"@type\": \"Process\", \"@id\": \"urn:p2\", \"vfn:entry\": {\"seq\": 5}}]");
    s_run (f, NULL, "sign", "--key", s_path (f, "k"), s_path (f, "twice"), NULL);
    s_expect (f, 1, "err", "would both have seq 5");
    assert_string_equal (f->out, "");
    /* a key file others can read is refused */
    chmod (s_path (f, "k"), 0640);
    s_run (f, "doc", "sign", "--key", s_path (f, "k"), "--seq", "1", NULL);
    s_expect (f, 1, "err", "readable by group (mode 0640)");
    /* unreadable input */
    chmod (s_path (f, "k"), 0600);
    s_run (f, NULL, "sign", "--key", s_path (f, "k"), "--seq", "1", s_path (f, "missing"), NULL);
    s_expect (f, 1, "err", "cannot open");
}

static void
test_verify (void **state)
{
    s_fix_t *f = *state;
    s_signed (f, "k", "1", s_doc, "good");
    s_run (f, NULL, "verify", s_path (f, "good"), NULL);
    s_expect (f, 0, "out", "2 entries verified");
    s_run (f, "good", "verify", "--list", NULL);
    s_expect (f, 0, "out", "produce");
    s_expect (f, 0, "out", "12.5 kilogram");
    s_expect (f, 0, "out", "https://farm.example/ev1");
    /* a tampered quantity breaks the claimed id */
    char *text = s_slurp (s_path (f, "good"));
    char *q = strstr (text, "\"om2:hasNumericalValue\":12.5");
    assert_non_null (q);
    q[strlen ("\"om2:hasNumericalValue\":") + 1] = '3';
    s_write (f, "tampered", text);
    free (text);
    s_run (f, NULL, "verify", s_path (f, "tampered"), NULL);
    s_expect (f, 1, "err", "vfctl verify: line 2: content hashes to vfe_");
    s_expect (f, 1, "err", "not the claimed id");
    s_expect (f, 1, "err", "1 of 2 entries failed");
    /* the same author and seq for different content: an equivocation */
    s_signed (f, "k", "2", "{\"@type\": \"Process\", \"@id\": \"urn:other\"}", "other");
    char *a = s_slurp (s_path (f, "good")), *b = s_slurp (s_path (f, "other"));
    char *both = malloc (strlen (a) + strlen (b) + 1);
    strcat (strcpy (both, a), b);
    s_write (f, "both", both);
    free (a), free (b), free (both);
    s_run (f, NULL, "verify", s_path (f, "both"), NULL);
    s_expect (f, 1, "err", "equivocation: author and seq");
    /* one JSON-LD document of entries is read too */
    s_write (f, "empty", "");
    s_run (f, NULL, "verify", s_path (f, "empty"), NULL);
    s_expect (f, 1, "err", "holds no entries");
    s_run (f, NULL, "verify", s_path (f, "nope"), NULL);
    s_expect (f, 1, "err", "cannot open");
    s_run (f, NULL, "verify", "a", "b", NULL);
    s_expect (f, 2, "err", "expected at most one input file");
    /* a JSON number a reader may not read exactly */
    s_write (f, "digits",
             "{\"@type\": \"Process\", \"@id\": \"urn:p\", \"vfn:entry\":"
             " {\"seq\": 1234567890123456789}}\n");
    s_run (f, NULL, "verify", s_path (f, "digits"), NULL);
    s_expect (f, 1, "err", "write it as a string");
}

/*  db load stores signed entries offline, skips what it holds, and is
    refused while a node holds the directory's lock; db dump gives back
    what was loaded, and db check finds it clean. */
static void
test_db_load_dump (void **state)
{
    s_fix_t *f = *state;
    s_signed (f, "k", "1", s_doc, "signed.jsonl");
    assert_int_equal (mkdir (s_path (f, "node"), 0700), 0);
    /* a running node holds DIR/vfnode.lock: loading beside it is refused */
    int fd = open (s_path (f, "node/vfnode.lock"), O_RDWR | O_CREAT, 0600);
    assert_true (fd >= 0);
    assert_int_equal (flock (fd, LOCK_EX), 0);
    s_run (f, NULL, "db", "load", "-d", s_path (f, "node"), s_path (f, "signed.jsonl"), NULL);
    s_expect (f, 1, "err", "is running");
    close (fd);
    s_run (f, NULL, "db", "load", "-d", s_path (f, "node"), s_path (f, "signed.jsonl"), NULL);
    s_expect (f, 0, "out", "2 stored, 0 already held, 0 refused");
    s_run (f, NULL, "db", "load", "-d", s_path (f, "node"), s_path (f, "signed.jsonl"), NULL);
    s_expect (f, 0, "out", "0 stored, 2 already held, 0 refused");
    s_run (f, NULL, "db", "check", "-d", s_path (f, "node"), NULL);
    s_expect (f, 0, "out", "");
    /* the dump carries the same signed entries into another store */
    s_run (f, NULL, "db", "dump", "-d", s_path (f, "node"), "-o", s_path (f, "dump.jsonl"), NULL);
    s_expect (f, 0, "out", "");
    assert_int_equal (mkdir (s_path (f, "copy"), 0700), 0);
    s_run (f, NULL, "db", "load", "-d", s_path (f, "copy"), s_path (f, "dump.jsonl"), NULL);
    s_expect (f, 0, "out", "2 stored, 0 already held, 0 refused");
    s_run (f, NULL, "db", "load", "-d", s_path (f, "copy"), s_path (f, "signed.jsonl"), NULL);
    s_expect (f, 0, "out", "0 stored, 2 already held, 0 refused");
}

int
main (int argc, char **argv)
{
    /* build/<kind>/tests/test_vfctl -> build/<kind>/bin/vfctl */
    char self[PATH_MAX - 16];
    ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    char *slash = strrchr (self, '/');
    *slash = '\0';
    snprintf (s_vfctl, sizeof s_vfctl, "%s/../bin/vfctl", self);
    if (access (s_vfctl, X_OK) != 0) {
        fprintf (stderr, "test_vfctl: %s is not built\n", s_vfctl);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_help, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_keygen, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_sign, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_verify, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_db_load_dump, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
