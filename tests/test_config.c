/*  test_config.c - the node's configuration (node/vf_config).

    Reads as an example: a new configuration holds every default; a ZPL
    file changes some of them; every mistake in a file is reported as
    "PATH:LINE: option: what is wrong", all of them at once if asked; the
    default file and the printed configuration load back as they were.
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
#include <czmq.h>

#include "vf_config.h"
#include "vf_limits.h"

static char s_dir[64];
static char s_path[128];

static int
s_setup (void **state)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/vf-test-config-XXXXXX");
    return mkdtemp (s_dir) ? 0 : -1;
}

static int
s_teardown (void **state)
{
    char cmd[128];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return system (cmd) == 0 ? 0 : -1;
}

/*  Write text to s_dir/name and return its path (in s_path). */
static const char *
s_file (const char *name, const char *text)
{
    snprintf (s_path, sizeof s_path, "%s/%s", s_dir, name);
    FILE *f = fopen (s_path, "w");
    assert_non_null (f);
    fputs (text, f);
    assert_int_equal (fclose (f), 0);
    return s_path;
}

/*  The whole of a file, NUL-terminated; caller frees. */
static char *
s_slurp (const char *path)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return NULL;
    char *text = calloc (1, 1 << 20);
    assert_non_null (text);
    size_t n = fread (text, 1, (1 << 20) - 1, f);
    text[n] = 0;
    fclose (f);
    return text;
}

static void
s_expect_defaults (const vf_config_t *cfg, bool name_too)
{
    for (size_t i = 0; i < vf_config_count (); i++) {
        const char *name = vf_config_option (i)->name;
        if (name_too || strcmp (name, "node/name") != 0)
            if (!vf_config_is_default (cfg, name))
                fail_msg ("%s is not at its default", name);
    }
}

static void
test_defaults (void **state)
{
    vf_config_t *cfg = vf_config_new ();
    assert_non_null (cfg);
    assert_string_equal (vf_config_str (cfg, "node/name"), "");
    assert_string_equal (vf_config_str (cfg, "log/level"), "info");
    assert_int_equal (vf_config_enum (cfg, "log/level"), 3); /* error|warning|notice|info */
    assert_string_equal (vf_config_str (cfg, "log/target"), "stderr");
    assert_true (vf_config_size (cfg, "store/map_size") == 4ull << 30);
    assert_int_equal (vf_config_int (cfg, "ingest/batch_max"), 1000);
    assert_int_equal (vf_config_duration (cfg, "ingest/batch_wait"), 2);
    assert_int_equal (vf_config_int (cfg, "verify/threads"), 0);
    assert_true (vf_config_size (cfg, "control/max_request") == 16u << 20);
    assert_int_equal (vf_config_int (cfg, "control/queue"), 10000);
    s_expect_defaults (cfg, true);

    char text[64];
    assert_string_equal (vf_config_text (cfg, "store/map_size", text, sizeof text), "4G");
    assert_string_equal (vf_config_text (cfg, "ingest/batch_wait", text, sizeof text), "2ms");
    assert_string_equal (vf_config_text (cfg, "control/max_request", text, sizeof text), "16M");
    vf_config_destroy (&cfg);
    assert_null (cfg);
    vf_config_destroy (&cfg); /* safe twice */
}

/*  The table is ours: every row is well formed, its default is accepted
    by its own parser and lies in its range. */
static void
test_table_is_consistent (void **state)
{
    assert_true (vf_config_count () >= 9);
    assert_null (vf_config_option (vf_config_count ()));
    vf_config_t *cfg = vf_config_new ();
    for (size_t i = 0; i < vf_config_count (); i++) {
        const vf_config_option_t *opt = vf_config_option (i);
        assert_ptr_equal (vf_config_find (opt->name), opt);
        assert_non_null (strchr (opt->name, '/'));
        assert_true (strlen (opt->help) > 10 && !strchr (opt->help, '\n'));
        char text[128];
        vf_err_t err = { 0 };
        vf_config_text (cfg, opt->name, text, sizeof text);
        if (vf_config_check (opt, text, &err))
            fail_msg ("default of %s: %s", opt->name, err.msg);
        if (vf_config_set (cfg, opt->name, text, &err))
            fail_msg ("default of %s: %s", opt->name, err.msg);
    }
    assert_null (vf_config_find ("store/nope"));
    s_expect_defaults (cfg, true);
    vf_config_destroy (&cfg);
}

static void
test_set_parses_each_type (void **state)
{
    vf_config_t *cfg = vf_config_new ();
    vf_err_t err = { 0 };
    char text[64];

    /* sizes: bytes or K, M, G, T (powers of 1024, either case) */
    assert_int_equal (vf_config_set (cfg, "store/map_size", "1536m", &err), 0);
    assert_true (vf_config_size (cfg, "store/map_size") == 1536ull << 20);
    assert_string_equal (vf_config_text (cfg, "store/map_size", text, sizeof text), "1536M");
    assert_int_equal (vf_config_set (cfg, "store/map_size", "16T", &err), 0);
    assert_int_equal (vf_config_set (cfg, "control/max_request", "1048576", &err), 0);
    assert_string_equal (vf_config_text (cfg, "control/max_request", text, sizeof text), "1M");

    /* durations need a unit, except 0 */
    assert_int_equal (vf_config_set (cfg, "ingest/batch_wait", "1s", &err), 0);
    assert_int_equal (vf_config_duration (cfg, "ingest/batch_wait"), 1000);
    assert_int_equal (vf_config_set (cfg, "ingest/batch_wait", "0", &err), 0);
    assert_int_equal (vf_config_duration (cfg, "ingest/batch_wait"), 0);
    assert_int_equal (vf_config_set (cfg, "ingest/batch_wait", "250ms", &err), 0);
    assert_string_equal (vf_config_text (cfg, "ingest/batch_wait", text, sizeof text), "250ms");

    /* enums and strings */
    assert_int_equal (vf_config_set (cfg, "log/level", "debug", &err), 0);
    assert_int_equal (vf_config_enum (cfg, "log/level"), 4);
    assert_string_equal (vf_config_str (cfg, "log/level"), "debug");
    assert_int_equal (vf_config_set (cfg, "node/name", "Coopérative du Bec", &err), 0);
    assert_string_equal (vf_config_str (cfg, "node/name"), "Coopérative du Bec");

    /* errors name the option, the value and what is accepted; nothing changes */
    struct {
        const char *name, *text;
        int code;
        const char *msg;
    } bad[] = {
        { "store/map_size", "12X", VF_EPARSE,
          "store/map_size: '12X' is not a size (e.g. 512M, 4G)" },
        { "store/map_size", "", VF_EPARSE, "store/map_size: '' is not a size" },
        { "store/map_size", "-1G", VF_EPARSE, "is not a size" },
        { "store/map_size", "512K", VF_ERANGE, "store/map_size: '512K' is below the minimum 1M" },
        { "store/map_size", "17T", VF_ERANGE, "store/map_size: '17T' is above the maximum 16T" },
        { "store/map_size", "99999999999T", VF_ERANGE, "above the maximum 16T" },
        { "ingest/batch_max", "ten", VF_EPARSE,
          "ingest/batch_max: 'ten' is not an integer (1..4096)" },
        { "ingest/batch_max", "10 0", VF_EPARSE, "is not an integer" },
        { "ingest/batch_max", "0", VF_ERANGE, "ingest/batch_max: '0' is below the minimum 1" },
        { "ingest/batch_max", "4097", VF_ERANGE, "is above the maximum 4096" },
        { "ingest/batch_max", "99999999999999999999", VF_ERANGE, "above the maximum 4096" },
        { "ingest/batch_max", "-99999999999999999999", VF_ERANGE, "below the minimum 1" },
        { "ingest/batch_wait", "5", VF_EPARSE,
          "ingest/batch_wait: '5' is not a duration (e.g. 2ms, 5s, 10m, 1h)" },
        { "ingest/batch_wait", "2S", VF_EPARSE, "is not a duration" },
        { "ingest/batch_wait", "2s", VF_ERANGE, "ingest/batch_wait: '2s' is above the maximum 1s" },
        { "log/level", "verbose", VF_EPARSE,
          "log/level: 'verbose' is not one of error|warning|notice|info|debug" },
        { "log/level", "INFO", VF_EPARSE, "is not one of" },
        { "log/target", "file", VF_EPARSE, "log/target: 'file' is not one of stderr|syslog" },
        { "node/name", "a\tb", VF_EPARSE, "node/name: 'a\\x09b' contains a control character" },
        { "node/name", "\xff", VF_EPARSE, "is not valid UTF-8" },
        { "node/name", "Bob's \"farm\"", VF_EPARSE, "has both ' and \"" },
        { "store/mapsize", "4G", VF_ENOTFOUND, "unknown option 'store/mapsize'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset (&err, 0, sizeof err);
        int rc = vf_config_set (cfg, bad[i].name, bad[i].text, &err);
        if (rc != bad[i].code || !strstr (err.msg, bad[i].msg))
            fail_msg ("%s = '%s': got %d '%s', expected %d '%s'", bad[i].name, bad[i].text, rc,
                      err.msg, bad[i].code, bad[i].msg);
    }
    char too_long[VF_NODE_NAME_MAX + 2];
    memset (too_long, 'a', sizeof too_long - 1);
    too_long[sizeof too_long - 1] = 0;
    assert_int_equal (vf_config_set (cfg, "node/name", too_long, &err), VF_ERANGE);
    assert_non_null (strstr (err.msg, "is longer than 128 bytes"));

    assert_true (vf_config_size (cfg, "store/map_size") == 16ull << 40); /* unchanged */
    assert_string_equal (vf_config_str (cfg, "node/name"), "Coopérative du Bec");
    vf_config_destroy (&cfg);
}

/*  No option is a bool yet: check the bool rules on a row of our own. */
static void
test_bool_values (void **state)
{
    vf_config_option_t opt = {
        .name = "test/flag", .type = VF_CONFIG_BOOL, .max = 1, .help = "a flag"
    };
    const char *yes[] = { "true", "yes", "on", "1", "TRUE" };
    const char *no[] = { "false", "no", "off", "0" };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal (vf_config_check (&opt, yes[i], NULL), 0);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal (vf_config_check (&opt, no[i], NULL), 0);
    vf_err_t err = { 0 };
    assert_int_equal (vf_config_check (&opt, "maybe", &err), VF_EPARSE);
    assert_string_equal (err.msg, "test/flag: 'maybe' is not a bool (true or false)");
    char range[32];
    assert_string_equal (vf_config_range_text (&opt, range, sizeof range), "true|false");
}

static void
test_load_good_file (void **state)
{
    const char *path =
        s_file ("good.conf", "# vfnode.conf written by hand\n"
                             "node\n"
                             "    name = \"Ferme du Bec # 2\"   # quoted: has a '#'\n"
                             "\n"
                             "log\r\n"
                             "    # comments may be indented\r\n"
                             "    level = debug\r\n"
                             "    target = 'syslog'\n"
                             "store\n"
                             "    map_size = 8g\n"
                             "ingest\n"
                             "    batch_max = 500    # smaller batches\n"
                             "    batch_wait = 1s\n"
                             "control\n"
                             "    max_request = 1024K\t \n"
                             "store\n" /* a section may come back */
                             "control\n"
                             "    queue = 5"); /* no final newline */
    vf_config_t *cfg = vf_config_new ();
    vf_err_t err = { 0 };
    if (vf_config_load (cfg, path, &err))
        fail_msg ("%s", err.msg);
    assert_string_equal (vf_config_str (cfg, "node/name"), "Ferme du Bec # 2");
    assert_string_equal (vf_config_str (cfg, "log/level"), "debug");
    assert_string_equal (vf_config_str (cfg, "log/target"), "syslog");
    assert_true (vf_config_size (cfg, "store/map_size") == 8ull << 30);
    assert_int_equal (vf_config_int (cfg, "ingest/batch_max"), 500);
    assert_int_equal (vf_config_duration (cfg, "ingest/batch_wait"), 1000);
    assert_true (vf_config_size (cfg, "control/max_request") == 1u << 20);
    assert_int_equal (vf_config_int (cfg, "control/queue"), 5);
    /* what the file does not set keeps its value */
    assert_int_equal (vf_config_int (cfg, "verify/threads"), 0);
    assert_true (vf_config_is_default (cfg, "verify/threads"));
    assert_false (vf_config_is_default (cfg, "control/queue"));

    /* an empty file (or only comments) changes nothing */
    assert_int_equal (vf_config_load (cfg, s_file ("empty.conf", "# nothing\n\n"), &err), 0);
    assert_int_equal (vf_config_int (cfg, "control/queue"), 5);
    vf_config_destroy (&cfg);
}

typedef struct {
    const char *text;
    int line;
    int code;
    const char *msg;
} s_bad_t;

static const s_bad_t s_bad_files[] = {
    /* unknown names */
    { "store\n    mapsize = 4G\n", 2, VF_ENOTFOUND,
      "unknown key 'mapsize' in section store (it has: map_size)" },
    { "# typo below\nstor\n    map_size = 4G\n", 2, VF_ENOTFOUND,
      "unknown section 'stor' (sections: node, log, store, ingest, verify, control, peer)" },
    { "colour = blue\n", 1, VF_ENOTFOUND, "'colour' = ... is not in a section" },
    { "store/map_size = 4G\n", 1, VF_EPARSE,
      "store/map_size: write the section on its own line, then the key indented by 4 spaces "
      "(\"store\", then \"    map_size = ...\")" },
    { "store = 4G\n", 1, VF_EPARSE, "'store' is a section: it takes no value" },
    /* bad values */
    { "# c\nstore\n    map_size = 12X\n", 3, VF_EPARSE,
      "store/map_size: '12X' is not a size (e.g. 512M, 4G)" },
    { "ingest\n    batch_max = 1e3\n", 2, VF_EPARSE,
      "ingest/batch_max: '1e3' is not an integer (1..4096)" },
    { "log\n    level = verbose\n", 2, VF_EPARSE,
      "log/level: 'verbose' is not one of error|warning|notice|info|debug" },
    { "ingest\n    batch_wait = 5\n", 2, VF_EPARSE,
      "ingest/batch_wait: '5' is not a duration (e.g. 2ms, 5s, 10m, 1h)" },
    { "control\n    max_request = 512\n", 2, VF_ERANGE,
      "control/max_request: '512' is below the minimum 1K" },
    { "control\n    queue = 100001\n", 2, VF_ERANGE,
      "control/queue: '100001' is above the maximum 100000" },
    { "verify\n    threads =\n", 2, VF_EPARSE, "verify/threads: '' is not an integer (0..256)" },
    { "node\n    name = \"tab\tinside\"\n", 2, VF_EPARSE,
      "node/name: 'tab\\x09inside' contains a control character" },
    { "store\n    map_size = 4G\n    map_size = 8G\n", 3, VF_EEXIST,
      "store/map_size is set twice (first on line 2)" },
    /* not ZPL, or not the two levels vfnode uses */
    { "store\n  map_size = 4G\n", 2, VF_EPARSE, "indent with 4 spaces per level, not 2" },
    { "store\n\tmap_size = 4G\n", 2, VF_EPARSE, "indent with 4 spaces per level, not tabs" },
    { "store\n    map_size 4G\n", 2, VF_EPARSE, "expected '=' after 'map_size', found '4G'" },
    { "store\n    map_size: 4G\n", 2, VF_EPARSE, "expected '=' after 'map_size', found ': 4G'" },
    { "node\n    name = \"Ferme\n", 2, VF_EPARSE, "missing closing \" in '\"Ferme'" },
    { "node\n    name = \"Ferme\" du Bec\n", 2, VF_EPARSE,
      "unexpected 'du Bec' after the quoted value" },
    { "= 4G\n", 1, VF_EPARSE, "expected a name, found '= 4G'" },
    { "    map_size = 4G\n", 1, VF_EPARSE, "'map_size' is indented but no section comes before" },
    { "store\n        map_size = 4G\n", 2, VF_EPARSE, "indented too deep" },
    { "store\n    map_size\n", 2, VF_EPARSE, "store/map_size: expected \"map_size = VALUE\"" },
};

static void
test_load_errors_name_file_and_line (void **state)
{
    vf_config_t *cfg = vf_config_new ();
    for (size_t i = 0; i < sizeof s_bad_files / sizeof s_bad_files[0]; i++) {
        const s_bad_t *b = &s_bad_files[i];
        const char *path = s_file ("bad.conf", b->text);
        char want[400];
        snprintf (want, sizeof want, "%s:%d: %s", path, b->line, b->msg);
        vf_err_t err = { 0 };
        int rc = vf_config_load (cfg, path, &err);
        if (rc != b->code || strncmp (err.msg, want, strlen (want)) != 0)
            fail_msg ("case %zu: got %d '%s'\n  expected %d '%s'", i, rc, err.msg, b->code, want);
        assert_int_equal (err.code, rc);
    }
    s_expect_defaults (cfg, true); /* a file with an error changes nothing */

    /* one error, after good lines: still nothing applied */
    vf_err_t err = { 0 };
    const char *path = s_file ("half.conf", "log\n    level = debug\nstore\n    map_size = 1\n");
    assert_int_equal (vf_config_load (cfg, path, &err), VF_ERANGE);
    assert_string_equal (vf_config_str (cfg, "log/level"), "info");
    vf_config_destroy (&cfg);
}

static void
test_load_errors_of_the_file_itself (void **state)
{
    vf_config_t *cfg = vf_config_new ();
    vf_err_t err = { 0 };
    char want[256];

    snprintf (want, sizeof want, "%s/missing.conf: No such file", s_dir);
    snprintf (s_path, sizeof s_path, "%s/missing.conf", s_dir);
    assert_int_equal (vf_config_load (cfg, s_path, &err), VF_ENOTFOUND);
    assert_non_null (strstr (err.msg, want));

    char *big = malloc (VF_CONFIG_FILE_MAX + 2);
    assert_non_null (big);
    memset (big, '#', VF_CONFIG_FILE_MAX + 1);
    big[VF_CONFIG_FILE_MAX + 1] = 0;
    assert_int_equal (vf_config_load (cfg, s_file ("big.conf", big), &err), VF_ETOOBIG);
    assert_non_null (strstr (err.msg, "larger than 65536 bytes"));
    big[VF_CONFIG_LINE_MAX + 1] = 0; /* a line of 1025 bytes */
    assert_int_equal (vf_config_load (cfg, s_file ("long.conf", big), &err), VF_ETOOBIG);
    assert_non_null (strstr (err.msg, "long.conf:1: line longer than 1024 bytes"));
    free (big);

    snprintf (s_path, sizeof s_path, "%s/nul.conf", s_dir);
    FILE *f = fopen (s_path, "w");
    fwrite ("store\n    map_size = 4G\0\n", 1, 26, f);
    fclose (f);
    assert_int_equal (vf_config_load (cfg, s_path, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "nul.conf:2: a NUL byte"));

    assert_int_equal (vf_config_load (cfg, s_dir, &err), VF_EIO); /* a directory */
    s_expect_defaults (cfg, true);
    vf_config_destroy (&cfg);
}

/*  --check-config: every error of the file, in order. */
static void
test_load_all_collects_every_error (void **state)
{
    const char *path = s_file ("many.conf", "store\n"
                                            "    map_size = 12X\n" /* 2 */
                                            "    map_size = 8G\n"  /* 3: set twice */
                                            "loggin\n"             /* 4 */
                                            "    level = debug\n"  /* 5: skipped, section unknown */
                                            "ingest\n"
                                            "    batch_max = 0\n"  /* 7 */
                                            "    batch_wait = 3\n" /* 8 */
                                            "  verify\n"           /* 9 */
                                            "control\n"
                                            "    queue = 10\n"); /* fine */
    vf_config_t *cfg = vf_config_new ();
    vf_err_t errs[8];
    size_t found = 0;
    int rc = vf_config_load_all (cfg, path, errs, 8, &found);
    assert_int_equal (rc, VF_EPARSE); /* the first error's code */
    const char *want[] = { ":2: store/map_size: '12X' is not a size",
                           ":3: store/map_size is set twice (first on line 2)",
                           ":4: unknown section 'loggin'",
                           ":7: ingest/batch_max: '0' is below the minimum 1",
                           ":8: ingest/batch_wait: '3' is not a duration",
                           ":9: indent with 4 spaces per level, not 2" };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal (found, n);
    for (size_t i = 0; i < n; i++)
        if (!strstr (errs[i].msg, want[i]) || strncmp (errs[i].msg, path, strlen (path)))
            fail_msg ("error %zu: '%s', expected '%s%s'", i, errs[i].msg, path, want[i]);
    s_expect_defaults (cfg, true); /* nothing applied */

    /* fewer slots than errors: the count is still the total */
    assert_int_equal (vf_config_load_all (cfg, path, errs, 2, &found), VF_EPARSE);
    assert_int_equal (found, n);
    assert_int_equal (vf_config_load_all (cfg, path, NULL, 0, &found), VF_EPARSE);
    assert_int_equal (found, n);

    /* vf_config_load stops at the first one */
    vf_err_t err = { 0 };
    assert_int_equal (vf_config_load (cfg, path, &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, want[0]));

    /* no errors: applied */
    assert_int_equal (
        vf_config_load_all (cfg, s_file ("ok.conf", "verify\n    threads = 4\n"), errs, 8, &found),
        0);
    assert_int_equal (found, 0);
    assert_int_equal (vf_config_int (cfg, "verify/threads"), 4);
    vf_config_destroy (&cfg);
}

static void
test_write_default_then_load (void **state)
{
    snprintf (s_path, sizeof s_path, "%s/%s", s_dir, VF_CONFIG_FILE);
    char path[sizeof s_path];
    memcpy (path, s_path, sizeof path);
    vf_err_t err = { 0 };
    if (vf_config_write_default (path, "Ferme du Bec", &err))
        fail_msg ("%s", err.msg);

    struct stat st;
    assert_int_equal (stat (path, &st), 0);
    assert_int_equal (st.st_mode & 0777, 0600);

    /* never overwrites */
    assert_int_equal (vf_config_write_default (path, "Other", &err), VF_EEXIST);
    assert_non_null (strstr (err.msg, "already exists"));

    /* loads back: every option at its default, the name set */
    vf_config_t *cfg = vf_config_new ();
    vf_config_set (cfg, "control/queue", "7", NULL);
    if (vf_config_load (cfg, path, &err))
        fail_msg ("%s", err.msg);
    assert_string_equal (vf_config_str (cfg, "node/name"), "Ferme du Bec");
    s_expect_defaults (cfg, false); /* control/queue is back at its default: it is in the file */
    vf_config_destroy (&cfg);

    /* every option is present, with its help and range */
    char *text = s_slurp (path);
    assert_non_null (text);
    for (size_t i = 0; i < vf_config_count (); i++) {
        const vf_config_option_t *opt = vf_config_option (i);
        char section[64], line[128], range[96];
        snprintf (section, sizeof section, "\n%.*s\n", (int) strcspn (opt->name, "/"), opt->name);
        snprintf (line, sizeof line, "\n    %s = ", strchr (opt->name, '/') + 1);
        assert_non_null (strstr (text, section));
        if (!strstr (text, line) || !strstr (text, opt->help) ||
            !strstr (text, vf_config_range_text (opt, range, sizeof range)))
            fail_msg ("%s: missing from the default file", opt->name);
    }
    assert_non_null (strstr (text, "    # size, 1M..16T; default 4G\n    map_size = 4G\n"));
    free (text);

    /* it is genuine ZPL: czmq's own reader agrees */
    zconfig_t *root = zconfig_load (path);
    assert_non_null (root);
    assert_string_equal (zconfig_get (root, "node/name", "?"), "Ferme du Bec");
    assert_string_equal (zconfig_get (root, "store/map_size", "?"), "4G");
    assert_string_equal (zconfig_get (root, "ingest/batch_wait", "?"), "2ms");
    zconfig_destroy (&root);

    /* a name that is not acceptable: no file */
    snprintf (s_path, sizeof s_path, "%s/bad-name.conf", s_dir);
    assert_int_equal (vf_config_write_default (s_path, "two\nlines", &err), VF_EPARSE);
    assert_non_null (strstr (err.msg, "node/name: 'two\\x0alines' contains a control character"));
    assert_int_equal (access (s_path, F_OK), -1);

    snprintf (s_path, sizeof s_path, "%s/no/such/dir.conf", s_dir);
    assert_int_equal (vf_config_write_default (s_path, "x", &err), VF_EIO);
}

static void
test_print_round_trips (void **state)
{
    vf_config_t *cfg = vf_config_new ();
    assert_int_equal (vf_config_set (cfg, "node/name", "Bob's farm # 1", NULL), 0);
    assert_int_equal (vf_config_set (cfg, "log/level", "debug", NULL), 0);
    assert_int_equal (vf_config_set (cfg, "store/map_size", "1536M", NULL), 0);
    assert_int_equal (vf_config_set (cfg, "ingest/batch_wait", "250ms", NULL), 0);
    assert_int_equal (vf_config_set (cfg, "verify/threads", "8", NULL), 0);

    snprintf (s_path, sizeof s_path, "%s/printed.conf", s_dir);
    char path[sizeof s_path];
    memcpy (path, s_path, sizeof path);
    FILE *f = fopen (path, "w");
    assert_non_null (f);
    vf_config_print (cfg, f);
    assert_int_equal (fclose (f), 0);

    char *text = s_slurp (path);
    assert_non_null (strstr (text, "\nnode\n    name = \"Bob's farm # 1\"    # default: \"\"\n"));
    assert_non_null (strstr (text, "\nlog\n    level = debug    # default: info\n"));
    assert_non_null (strstr (text, "    target = stderr\n")); /* at its default: no comment */
    assert_non_null (strstr (text, "    map_size = 1536M    # default: 4G\n"));
    assert_non_null (strstr (text, "    batch_wait = 250ms    # default: 2ms\n"));
    free (text);

    vf_config_t *back = vf_config_new ();
    vf_err_t err = { 0 };
    if (vf_config_load (back, path, &err))
        fail_msg ("%s", err.msg);
    for (size_t i = 0; i < vf_config_count (); i++) {
        const char *name = vf_config_option (i)->name;
        char a[256], b[256];
        assert_string_equal (vf_config_text (cfg, name, a, sizeof a),
                             vf_config_text (back, name, b, sizeof b));
    }
    vf_config_destroy (&back);
    vf_config_destroy (&cfg);
}

/*  docs/CONFIG.md has a row for every option with its type, range and
    default, so the documentation cannot drift from the table. */
static void
test_docs_list_every_option (void **state)
{
    char *doc = s_slurp ("docs/CONFIG.md");
    if (!doc)
        fail_msg ("docs/CONFIG.md: cannot read (run the tests from the repository root)");
    vf_config_t *cfg = vf_config_new ();
    for (size_t i = 0; i < vf_config_count (); i++) {
        const vf_config_option_t *opt = vf_config_option (i);
        char head[96], cell[256], def[160], range[96];
        snprintf (head, sizeof head, "\n| `%s` |", opt->name);
        const char *row = strstr (doc, head);
        if (!row)
            fail_msg ("docs/CONFIG.md has no row \"| `%s` |\"", opt->name);
        size_t row_len = strcspn (row + 1, "\n");
        char line[1024];
        snprintf (line, sizeof line, "%.*s", (int) row_len, row + 1);
        vf_config_text (cfg, opt->name, def, sizeof def);
        const char *cells[] = { vf_config_type_name (opt->type),
                                vf_config_range_text (opt, range, sizeof range), def };
        for (size_t c = 0; c < 3; c++) {
            snprintf (cell, sizeof cell, "| %s%s%s |",
                      opt->type == VF_CONFIG_STRING && c == 2 ? "`\"" : "`", cells[c],
                      opt->type == VF_CONFIG_STRING && c == 2 ? "\"`" : "`");
            if (!strstr (line, cell))
                fail_msg ("docs/CONFIG.md, %s: no cell %s in\n%s", opt->name, cell, line);
        }
        if (!strstr (line, opt->help))
            fail_msg ("docs/CONFIG.md, %s: help differs from the table's:\n%s", opt->name,
                      opt->help);
    }
    vf_config_destroy (&cfg);
    free (doc);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_defaults),
        cmocka_unit_test (test_table_is_consistent),
        cmocka_unit_test (test_set_parses_each_type),
        cmocka_unit_test (test_bool_values),
        cmocka_unit_test (test_load_good_file),
        cmocka_unit_test (test_load_errors_name_file_and_line),
        cmocka_unit_test (test_load_errors_of_the_file_itself),
        cmocka_unit_test (test_load_all_collects_every_error),
        cmocka_unit_test (test_write_default_then_load),
        cmocka_unit_test (test_print_round_trips),
        cmocka_unit_test (test_docs_list_every_option),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
