/*  test_log.c - the logging module (common/vf_log).

    Reads as an example: messages below the level cost nothing (their
    arguments are not even evaluated), each message is one line naming its
    function and line, and what a peer can trigger is rate limited per key.
    stderr is captured into a temporary file; the rate-limit clock is ours.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <regex.h>
#include <unistd.h>

#include <cmocka.h>

#include "vf_error.h"
#include "vf_limits.h"
#include "vf_log.h"

/*  ---- capturing stderr ---- */

static int s_saved_fd = -1;
static FILE *s_capture;

static void
s_capture_begin (void)
{
    fflush (stderr);
    s_capture = tmpfile ();
    assert_non_null (s_capture);
    s_saved_fd = dup (STDERR_FILENO);
    assert_true (s_saved_fd >= 0);
    assert_true (dup2 (fileno (s_capture), STDERR_FILENO) >= 0);
}

/*  What was written to stderr since s_capture_begin; caller frees. */
static char *
s_capture_end (void)
{
    fflush (stderr);
    dup2 (s_saved_fd, STDERR_FILENO);
    close (s_saved_fd);
    long size = ftell (s_capture);
    assert_true (size >= 0);
    char *text = calloc (1, (size_t) size + 1);
    assert_non_null (text);
    rewind (s_capture);
    assert_int_equal (fread (text, 1, (size_t) size, s_capture), (size_t) size);
    fclose (s_capture);
    return text;
}

static size_t
s_count (const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr (p, needle)); p += strlen (needle))
        n++;
    return n;
}

/*  ---- a clock for the rate limits ---- */

static int64_t s_now;

static int64_t
s_clock (void)
{
    return s_now;
}

static int
s_setup (void **state)
{
    vf_log_use_stderr ();
    vf_log_set_ident ("vfnode");
    vf_log_set_level (VF_LOG_LEVEL_INFO);
    vf_log_set_clock (s_clock);
    vf_log_reset_limits ();
    s_now = 1000000;
    return 0;
}

/*  ---- tests ---- */

static int s_formatted;

static int
s_costly (void)
{
    return ++s_formatted;
}

static void
test_level_filters_before_formatting (void **state)
{
    vf_log_set_level (VF_LOG_LEVEL_WARNING);
    assert_int_equal (vf_log_level (), VF_LOG_LEVEL_WARNING);
    s_formatted = 0;
    s_capture_begin ();
    VF_LOG_DEBUG ("debug %d", s_costly ());
    VF_LOG_INFO ("info %d", s_costly ());
    VF_LOG_NOTICE ("notice %d", s_costly ());
    VF_LOG_WARNING ("warning %d", s_costly ());
    VF_LOG_ERROR ("error %d", s_costly ());
    char *out = s_capture_end ();
    assert_int_equal (s_formatted, 2); /* below the level: arguments not evaluated */
    assert_int_equal (s_count (out, "\n"), 2);
    assert_non_null (strstr (out, " warning test_level_filters_before_formatting:"));
    assert_non_null (strstr (out, ": warning 1\n"));
    assert_non_null (strstr (out, ": error 2\n"));
    assert_null (strstr (out, "notice"));
    free (out);

    vf_log_set_level (VF_LOG_LEVEL_DEBUG);
    s_capture_begin ();
    VF_LOG_DEBUG ("now %s", "visible");
    out = s_capture_end ();
    assert_non_null (strstr (out, " debug "));
    free (out);
}

static void
test_line_format (void **state)
{
    s_capture_begin ();
    int line = __LINE__ + 1;
    VF_LOG_NOTICE ("listening on %s (%d peers)", "tcp://*:7400", 3);
    char *out = s_capture_end ();

    char pattern[256];
    snprintf (pattern, sizeof pattern,
              "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
              "vfnode\\[%ld\\] notice test_line_format:%d: listening on tcp://\\*:7400 "
              "\\(3 peers\\)\n$",
              (long) getpid (), line);
    regex_t re;
    assert_int_equal (regcomp (&re, pattern, REG_EXTENDED), 0);
    if (regexec (&re, out, 0, NULL, 0) != 0)
        fail_msg ("line '%s' does not match '%s'", out, pattern);
    regfree (&re);
    free (out);

    vf_log_set_ident ("vfctl");
    s_capture_begin ();
    VF_LOG_INFO ("x");
    out = s_capture_end ();
    assert_non_null (strstr (out, "Z vfctl["));
    free (out);
}

/*  Outside input cannot add lines; long messages are cut, still one line. */
static void
test_one_line_per_message (void **state)
{
    s_capture_begin ();
    VF_LOG_WARNING ("peer said '%s'", "ok\n2026-01-01T00:00:00.000Z vfnode[1] error forged\r");
    char *big = malloc (3 * VF_LOG_LINE_MAX);
    memset (big, 'x', 3 * VF_LOG_LINE_MAX - 1);
    big[3 * VF_LOG_LINE_MAX - 1] = 0;
    VF_LOG_WARNING ("%s", big);
    free (big);
    char *out = s_capture_end ();
    assert_int_equal (s_count (out, "\n"), 2);
    assert_non_null (
        strstr (out, "peer said 'ok?2026-01-01T00:00:00.000Z vfnode[1] error forged?'"));
    char *second = strchr (out, '\n') + 1;
    assert_non_null (strstr (second, "xxx...\n"));
    assert_true (strlen (second) < VF_LOG_LINE_MAX + 128);
    free (out);
}

static void
test_level_names (void **state)
{
    vf_log_level_t level = VF_LOG_LEVEL_INFO;
    const char *names[] = { "error", "warning", "notice", "info", "debug" };
    for (int l = VF_LOG_LEVEL_ERROR; l <= VF_LOG_LEVEL_DEBUG; l++) {
        assert_string_equal (vf_log_level_name (l), names[l - VF_LOG_LEVEL_ERROR]);
        assert_int_equal (vf_log_level_parse (names[l - VF_LOG_LEVEL_ERROR], &level), 0);
        assert_int_equal (level, l);
    }
    assert_int_equal (vf_log_level_parse ("verbose", &level), VF_EPARSE);
    assert_int_equal (vf_log_level_parse (NULL, &level), VF_EPARSE);
    assert_int_equal (level, VF_LOG_LEVEL_DEBUG); /* untouched */
    assert_string_equal (vf_log_level_name (9), "?");
}

static void
s_refuse_peer (int i)
{
    VF_LOG_LIMITED ("zap-refused", VF_LOG_LEVEL_WARNING, "refused peer %d: %d", i, s_costly ());
}

static void
test_rate_limit (void **state)
{
    s_formatted = 0;
    s_capture_begin ();
    for (int i = 0; i < 25; i++) {
        s_refuse_peer (i);
        s_now += 10; /* 25 messages in a quarter of a second */
    }
    VF_LOG_LIMITED ("bad-frame", VF_LOG_LEVEL_WARNING, "bad frame"); /* another key */
    char *out = s_capture_end ();
    assert_int_equal (s_count (out, "refused peer"), VF_LOG_LIMIT_LINES);
    assert_int_equal (s_formatted, VF_LOG_LIMIT_LINES); /* suppressed ones are not formatted */
    assert_non_null (strstr (out, "refused peer 9: 10\n"));
    assert_null (strstr (out, "refused peer 10:"));
    assert_null (strstr (out, "suppressed"));
    assert_int_equal (s_count (out, "bad frame"), 1);
    free (out);

    /* the window ends: one summary line, then the key starts afresh */
    s_now += VF_LOG_LIMIT_WINDOW_MS;
    s_capture_begin ();
    s_refuse_peer (100);
    out = s_capture_end ();
    assert_int_equal (s_count (out, "\n"), 2);
    assert_non_null (strstr (out, " warning s_refuse_peer:"));
    assert_non_null (strstr (out, ": zap-refused: suppressed 15 similar messages in 10 s\n"));
    assert_non_null (strstr (out, "refused peer 100:"));
    assert_true (strstr (out, "suppressed") < strstr (out, "refused peer 100"));
    free (out);

    /* a quiet key needs no summary; a timer tick writes a pending one */
    s_capture_begin ();
    for (int i = 0; i < VF_LOG_LIMIT_LINES + 3; i++)
        s_refuse_peer (i);
    free (s_capture_end ());
    s_capture_begin ();
    vf_log_tick (); /* window not over: nothing */
    s_now += VF_LOG_LIMIT_WINDOW_MS;
    vf_log_tick ();
    vf_log_tick (); /* written once */
    out = s_capture_end ();
    assert_int_equal (s_count (out, "\n"), 1);
    assert_non_null (strstr (out, "zap-refused: suppressed 4 similar messages"));
    free (out);
}

/*  Suppressed messages below the level count for nothing. */
static void
test_rate_limit_respects_level (void **state)
{
    vf_log_set_level (VF_LOG_LEVEL_ERROR);
    s_capture_begin ();
    for (int i = 0; i < 50; i++)
        VF_LOG_LIMITED ("quiet", VF_LOG_LEVEL_INFO, "hidden %d", i);
    s_now += VF_LOG_LIMIT_WINDOW_MS;
    vf_log_close ();
    char *out = s_capture_end ();
    assert_string_equal (out, "");
    free (out);
}

/*  The table of keys never grows: more keys than slots share one. */
static void
test_rate_limit_table_is_bounded (void **state)
{
    s_capture_begin ();
    char key[32];
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < 100; k++) {
            snprintf (key, sizeof key, "kind-%d", k);
            VF_LOG_LIMITED (key, VF_LOG_LEVEL_WARNING, "message of %s", key);
        }
    vf_log_close (); /* writes every pending summary */
    char *out = s_capture_end ();
    /* the first VF_LOG_LIMIT_KEYS keys: 3 lines each, none suppressed;
       the other 68 share one slot: VF_LOG_LIMIT_LINES lines, then a summary */
    assert_int_equal (s_count (out, "message of"), VF_LOG_LIMIT_KEYS * 3 + VF_LOG_LIMIT_LINES);
    char summary[96];
    snprintf (summary, sizeof summary, "other keys: suppressed %d similar messages",
              (100 - VF_LOG_LIMIT_KEYS) * 3 - VF_LOG_LIMIT_LINES);
    assert_non_null (strstr (out, summary));
    assert_int_equal (s_count (out, "suppressed"), 1);
    free (out);
}

#define S_THREADS 4
#define S_LINES 200

static void *
s_thread (void *arg)
{
    for (int i = 0; i < S_LINES; i++)
        VF_LOG_INFO ("thread %ld line %d %s", (long) (intptr_t) arg, i, "padding padding padding");
    return NULL;
}

static void
test_threads_write_whole_lines (void **state)
{
    s_capture_begin ();
    pthread_t threads[S_THREADS];
    for (intptr_t t = 0; t < S_THREADS; t++)
        assert_int_equal (pthread_create (&threads[t], NULL, s_thread, (void *) t), 0);
    for (int t = 0; t < S_THREADS; t++)
        pthread_join (threads[t], NULL);
    char *out = s_capture_end ();
    assert_int_equal (s_count (out, "\n"), S_THREADS * S_LINES);
    assert_int_equal (s_count (out, " padding padding padding\n"), S_THREADS * S_LINES);
    assert_int_equal (s_count (out, "Z vfnode["), S_THREADS * S_LINES);
    free (out);
}

static void
test_syslog_target (void **state)
{
    /* nothing to read back here: switch targets and re-open as on SIGHUP */
    vf_log_open_syslog ("vfnode-test");
    vf_log_reopen ();
    vf_log_use_stderr ();
    vf_log_reopen (); /* stderr: nothing to do */
    s_capture_begin ();
    VF_LOG_INFO ("back on stderr");
    char *out = s_capture_end ();
    assert_non_null (strstr (out, "Z vfnode-test["));
    assert_non_null (strstr (out, "back on stderr\n"));
    free (out);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup (test_level_filters_before_formatting, s_setup),
        cmocka_unit_test_setup (test_line_format, s_setup),
        cmocka_unit_test_setup (test_one_line_per_message, s_setup),
        cmocka_unit_test_setup (test_level_names, s_setup),
        cmocka_unit_test_setup (test_rate_limit, s_setup),
        cmocka_unit_test_setup (test_rate_limit_respects_level, s_setup),
        cmocka_unit_test_setup (test_rate_limit_table_is_bounded, s_setup),
        cmocka_unit_test_setup (test_threads_write_whole_lines, s_setup),
        cmocka_unit_test_setup (test_syslog_target, s_setup),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
