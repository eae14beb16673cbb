/*  node_support.h - what the tests of real vfnode processes share: a
    temporary directory per test program (s_dir), the programs found beside
    the test binary (BUILD/tests/test_X -> BUILD/bin/vfnode, vfctl), nodes
    started and stopped (every one started is killed at teardown, even after
    a failure), control requests, networks and peers set up through the
    control API. VF_TEST_KEEP=1 keeps s_dir (each node's log is
    s_dir/NODE/vfnode.log) for a look after the run.

    Included by tests/test_node.c, tests/test_federation.c and
    tests/test_hostile.c; each defines TEST_NAME first. Helpers that not
    every test uses are static inline, so that none is "defined but not
    used". */
#ifndef NODE_SUPPORT_H
#define NODE_SUPPORT_H

#include <czmq.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/*  Most vfnode processes one test program runs at a time. */
#define S_NODES_MAX 32

static char s_bin[1100];
static char s_dir[256];
static pid_t s_started[S_NODES_MAX]; /* killed at teardown, even after a failure */
static int s_nstarted;

/*  Kill every node still running (SIGKILL) and forget them: as a test's
    own teardown, so that a failed test leaves no node behind for the
    next one. */
static inline int
s_kill_started (void **state)
{
    for (int k = 0; k < s_nstarted; k++)
        if (s_started[k] > 0 && kill (s_started[k], SIGKILL) == 0)
            waitpid (s_started[k], NULL, 0);
    s_nstarted = 0;
    return 0;
}

static int
s_setup (void **state)
{
    char self[1024];
    ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
    assert_true (n > 0);
    self[n] = '\0';
    *strrchr (self, '/') = '\0';
    snprintf (s_bin, sizeof s_bin, "%s/../bin", self);
    snprintf (s_dir, sizeof s_dir, "/tmp/vf-test-%s-XXXXXX", TEST_NAME);
    assert_non_null (mkdtemp (s_dir));
    zsys_init ();
    zsys_handler_set (NULL);
    return 0;
}

static int
s_teardown (void **state)
{
    s_kill_started (state);
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return getenv ("VF_TEST_KEEP") ? 0 : system (cmd);
}

/*  out = dir/name, which must fit. */
static inline void
s_path (char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf (out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t) n >= size)
        fail_msg ("path too long: %s/%s", dir, name);
}

/*  Run a program of ours to completion, its standard error into
    s_dir/stderr.txt; its exit status. */
static inline int
s_exec (const char *prog, const char *const *args)
{
    pid_t pid = fork ();
    if (pid == 0) {
        char path[1200], err[400];
        snprintf (path, sizeof path, "%s/%s", s_bin, prog);
        snprintf (err, sizeof err, "%s/stderr.txt", s_dir);
        const char *argv[16] = { path };
        for (int k = 0; args[k] && k < 14; k++)
            argv[k + 1] = args[k];
        int null = open ("/dev/null", O_WRONLY);
        int fd = open (err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2 (null, 1);
        dup2 (fd, 2);
        execv (path, (char *const *) argv);
        _exit (127);
    }
    int status = 0;
    pid_t done = 0;
    for (int k = 0; k < 1200 && (done = waitpid (pid, &status, WNOHANG)) == 0; k++)
        zclock_sleep (50);
    if (done == 0) { /* still running after a minute */
        kill (pid, SIGKILL);
        waitpid (pid, NULL, 0);
        fail_msg ("%s did not finish within a minute", prog);
    }
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/*  Replace the first "from" in dir/vfnode.conf by "to". */
static inline void
s_config_edit (const char *dir, const char *from, const char *to)
{
    char path[400], text[16384];
    s_path (path, sizeof path, dir, "vfnode.conf");
    FILE *f = fopen (path, "r");
    assert_non_null (f);
    size_t n = fread (text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose (f);
    char *at = strstr (text, from);
    assert_non_null (at);
    f = fopen (path, "w");
    assert_non_null (f);
    fprintf (f, "%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
    fclose (f);
}

/*  vfctl init dir: a node that takes no TCP port (it has no peers). */
static inline void
s_init (const char *dir)
{
    const char *args[] = { "init", dir, "--name", "Test Co-op", NULL };
    assert_int_equal (s_exec ("vfctl", args), 0);
    s_config_edit (dir, "bind = \"tcp://*:7690\"", "bind = \"\"");
}

/*  A node listening for peers on 127.0.0.1:port, with short heartbeats
    (500 ms) and timeouts (3 s). */
static inline void
s_init_listening (const char *dir, int port)
{
    s_init (dir);
    char bind[64];
    snprintf (bind, sizeof bind, "bind = \"tcp://127.0.0.1:%d\"", port);
    s_config_edit (dir, "bind = \"\"", bind);
    s_config_edit (dir, "heartbeat = 5s", "heartbeat = 500ms");
    s_config_edit (dir, "timeout = 15s", "timeout = 3s");
}

/*  One request, one reply (NULL after wait_ms without one). */
static inline json_t *
s_request_within (const char *dir, const void *data, size_t len, int wait_ms)
{
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_linger (s, 0);
    zsock_connect (s, "ipc://%s/control.sock", dir);
    zframe_t *f = zframe_new (data, len);
    zframe_send (&f, s, 0);
    zpoller_t *p = zpoller_new (s, NULL);
    json_t *reply = NULL;
    if (zpoller_wait (p, wait_ms) == s) {
        char *text = zstr_recv (s);
        reply = text ? json_loads (text, 0, NULL) : NULL;
        zstr_free (&text);
    }
    zpoller_destroy (&p);
    zsock_destroy (&s);
    return reply;
}

static inline json_t *
s_request_raw (const char *dir, const void *data, size_t len)
{
    return s_request_within (dir, data, len, 20000);
}

static inline json_t *
s_request (const char *dir, const char *text)
{
    return s_request_raw (dir, text, strlen (text));
}

/*  The error code of a reply (NULL if it has none). */
static inline const char *
s_code (const json_t *reply)
{
    return json_string_value (json_object_get (json_object_get (reply, "error"), "code"));
}

/*  The result of a reply that must be ok (fails the test otherwise). */
static inline json_t *
s_result (json_t *reply)
{
    if (!reply)
        fail_msg ("no reply");
    if (!json_is_true (json_object_get (reply, "ok")))
        fail_msg ("error reply: %s", json_string_value (json_object_get (
                                         json_object_get (reply, "error"), "message")));
    return json_object_get (reply, "result");
}

/*  A request (printf format) that must succeed; its reply is dropped. */
static inline void s_call_ok (const char *dir, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static inline void
s_call_ok (const char *dir, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    json_t *r = s_request (dir, text);
    s_result (r);
    json_decref (r);
}

/*  Start vfnode on dir (stderr into dir/vfnode.log) and wait until it
    answers; its pid. */
static inline pid_t
s_start (const char *dir)
{
    int running = 0;
    for (int k = 0; k < s_nstarted; k++)
        running += s_started[k] > 0;
    if (running >= S_NODES_MAX)
        fail_msg ("more than %d nodes running at once", S_NODES_MAX);
    char path[1200], log[1200], sock[1200];
    s_path (path, sizeof path, s_bin, "vfnode");
    s_path (log, sizeof log, dir, "vfnode.log");
    s_path (sock, sizeof sock, dir, "control.sock");
    pid_t pid = fork ();
    if (pid == 0) {
        int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open ("/dev/null", O_WRONLY);
        dup2 (null, 1); /* never hold the test's output open */
        dup2 (fd, 2);
        execl (path, path, "-d", dir, (char *) NULL);
        _exit (127);
    }
    int slot = 0; /* the first free one: a stopped node's, or a new one */
    while (slot < s_nstarted && s_started[slot] > 0)
        slot++;
    s_started[slot] = pid;
    if (slot == s_nstarted)
        s_nstarted++;
    for (int k = 0; k < 200; k++) {
        struct stat st;
        if (stat (sock, &st) == 0) {
            json_t *r = s_request (dir, "{\"request\": \"status\"}");
            bool ok = r && json_is_true (json_object_get (r, "ok"));
            json_decref (r);
            if (ok)
                return pid;
        }
        zclock_sleep (50);
    }
    kill (pid, SIGKILL);
    fail_msg ("vfnode did not start on %s", dir);
    return -1;
}

/*  A node the test has waited for itself: not to be killed at teardown
    (its pid may belong to another process by then). */
static inline void
s_forget (pid_t pid)
{
    for (int k = 0; k < s_nstarted; k++)
        if (s_started[k] == pid)
            s_started[k] = 0;
}

/*  SIGTERM, and its exit status once it is gone. */
static inline int
s_stop (pid_t pid)
{
    kill (pid, SIGTERM);
    int status = 0;
    waitpid (pid, &status, 0);
    s_forget (pid);
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/*  The node's key (vfk_...); the caller frees it. */
static inline char *
s_key_of (const char *dir)
{
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    char *key = strdup (
        json_string_value (json_object_get (json_object_get (s_result (r), "node"), "key")));
    json_decref (r);
    return key;
}

/*  Entries in the node's store (status store.entries). */
static inline int64_t
s_entries_held (const char *dir)
{
    json_t *r = s_request (dir, "{\"request\": \"status\"}");
    int64_t n =
        json_integer_value (json_object_get (json_object_get (s_result (r), "store"), "entries"));
    json_decref (r);
    return n;
}

/*  The id (vfn_...) of the node's network called name; the caller frees
    it. */
static inline char *
s_network_id (const char *dir, const char *name)
{
    json_t *r = s_request (dir, "{\"request\": \"networks\"}");
    char *id = NULL;
    size_t k;
    const json_t *net;
    json_array_foreach (json_object_get (s_result (r), "networks"), k, net)
        if (!id && strcmp (json_string_value (json_object_get (net, "name")), name) == 0)
            id = strdup (json_string_value (json_object_get (net, "id")));
    json_decref (r);
    if (!id)
        fail_msg ("%s is in no network '%s'", dir, name);
    return id;
}

/*  A new network called name on the node; its id (the caller frees it). */
static inline char *
s_network_create (const char *dir, const char *name)
{
    s_call_ok (dir, "{\"request\": \"network_add\", \"name\": \"%s\"}", name);
    return s_network_id (dir, name);
}

/*  The node joins the network id under the name name. */
static inline void
s_network_join (const char *dir, const char *name, const char *id)
{
    s_call_ok (dir, "{\"request\": \"network_add\", \"name\": \"%s\", \"network_id\": \"%s\"}",
               name, id);
}

/*  Add key as a member of the node's network net; the node dials it at
    endpoint, or waits for it to dial when endpoint is NULL. */
static inline void
s_peer_add (const char *dir, const char *net, const char *key, const char *endpoint)
{
    if (endpoint)
        s_call_ok (dir,
                   "{\"request\": \"peer_add\", \"network\": \"%s\", \"key\": \"%s\", "
                   "\"endpoint\": \"%s\"}",
                   net, key, endpoint);
    else
        s_call_ok (dir, "{\"request\": \"peer_add\", \"network\": \"%s\", \"key\": \"%s\"}", net,
                   key);
}

/*  A counter of the node's "peers" reply (handshakes_admitted, ...). */
static inline int64_t
s_peers_counter (const char *dir, const char *name)
{
    json_t *r = s_request (dir, "{\"request\": \"peers\"}");
    int64_t n = json_integer_value (json_object_get (s_result (r), name));
    json_decref (r);
    return n;
}

/*  The node's view of its member key ("peer" request); the caller
    decrefs it. */
static inline json_t *
s_peer_info (const char *dir, const char *key)
{
    char req[256];
    snprintf (req, sizeof req, "{\"request\": \"peer\", \"key\": \"%s\"}", key);
    json_t *r = s_request (dir, req);
    if (!r)
        fail_msg ("%s did not answer in 20 s: is its vfnode still running? (%s/vfnode.log)", dir,
                  dir);
    json_t *peer = json_incref (json_object_get (s_result (r), "peer"));
    json_decref (r);
    return peer;
}

/*  Publish one Process with audience (JSON text: "public" or a list);
    the id (vfe_...) of its entry, which the caller frees. */
static inline char *
s_publish_entry (const char *dir, const char *iri, const char *audience)
{
    char text[2048];
    snprintf (text, sizeof text,
              "{\"request\": \"publish\", \"audience\": %s, \"document\": {\"@type\": "
              "\"Process\", \"@id\": \"%s\"}}",
              audience, iri);
    json_t *r = s_request (dir, text);
    const json_t *one = json_array_get (json_object_get (s_result (r), "entries"), 0);
    const char *id = json_string_value (json_object_get (one, "entry"));
    if (!id)
        fail_msg ("publish of %s on %s: no entry id", iri, dir);
    char *copy = strdup (id);
    json_decref (r);
    return copy;
}

/*  The same, when the entry id does not matter. */
static inline void
s_publish_process (const char *dir, const char *iri, const char *audience)
{
    free (s_publish_entry (dir, iri, audience));
}

/*  Does the node hold a record with this IRI? */
static inline bool
s_holds (const char *dir, const char *iri)
{
    json_t *r =
        s_request (dir, "{\"request\": \"query\", \"class\": \"Process\", \"limit\": 1000}");
    bool found = false;
    size_t k;
    const json_t *e;
    json_array_foreach (json_object_get (s_result (r), "entries"), k, e)
        found = found || strcmp (json_string_value (json_object_get (e, "@id")), iri) == 0;
    json_decref (r);
    return found;
}

/*  Wait up to 5 s for the node to hold a record with this IRI. */
static inline bool
s_wait_holds (const char *dir, const char *iri)
{
    for (int k = 0; k < 100; k++) {
        if (s_holds (dir, iri))
            return true;
        zclock_sleep (50);
    }
    return false;
}

/*  Does the node hold the entry with this id (vfe_...)? */
static inline bool
s_holds_entry (const char *dir, const char *id)
{
    char req[256];
    snprintf (req, sizeof req, "{\"request\": \"get\", \"entry\": \"%s\"}", id);
    json_t *r = s_request (dir, req);
    if (!r)
        fail_msg ("%s did not answer", dir);
    bool held = json_is_true (json_object_get (r, "ok"));
    if (!held && (!s_code (r) || strcmp (s_code (r), "not_found") != 0))
        fail_msg ("get %s on %s: %s", id, dir, s_code (r));
    json_decref (r);
    return held;
}

/*  The ids (vfe_...) of every entry the node holds, from its export, as
    the keys of a JSON object (the caller decrefs it). */
static inline json_t *
s_entry_ids (const char *dir)
{
    json_t *ids = json_object ();
    json_int_t after = 0;
    for (bool more = true; more;) {
        char req[128];
        snprintf (req, sizeof req, "{\"request\": \"export\", \"after\": %lld, \"limit\": 1000}",
                  (long long) after);
        json_t *r = s_request (dir, req);
        const json_t *res = s_result (r);
        size_t k;
        const json_t *e;
        json_array_foreach (json_object_get (res, "entries"), k, e) {
            const char *id =
                json_string_value (json_object_get (json_object_get (e, "vfn:entry"), "vfn:id"));
            assert_non_null (id);
            json_object_set_new (ids, id, json_true ());
        }
        const json_t *next = json_object_get (res, "next");
        more = json_is_integer (next);
        after = more ? json_integer_value (next) : 0;
        json_decref (r);
    }
    return ids;
}

#endif
