/*  bench_node.c - real vfnode processes for the benchmarks of whole nodes
    (figures 4, 5 and 7): made with `vfctl init` in a temporary folder,
    their networks file written here, started beside this program
    (BUILD/bin/vfnode), asked over their control sockets, measured through
    /proc, and stopped. Every node started is killed when the benchmark
    exits, even on a failure (atexit).

    Private memory (figure 7) is the process's anonymous memory: the
    `Anonymous` line of /proc/PID/smaps_rollup (heap, thread stacks,
    ZeroMQ's and LMDB's own allocations). It leaves out every file mapping:
    LMDB's map of data.mdb (read-only and shared, pages of the page cache,
    reported apart as `store_mapped`) and the code of the libraries. */
#include <czmq.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vf_crypto.h"
#include "vf_text.h"
#include "vfbench.h"

#define S_STARTED_MAX 256

static pid_t s_started[S_STARTED_MAX];
static int s_nstarted;
static char s_bin[1024];

static void
s_kill_all (void)
{
    for (int k = 0; k < s_nstarted; k++)
        if (s_started[k] > 0 && kill (s_started[k], SIGKILL) == 0)
            waitpid (s_started[k], NULL, 0);
    s_nstarted = 0;
}

/*  Interrupted: kill the nodes (kill and waitpid are safe here), then die
    of the same signal. */
static void
s_on_signal (int sig)
{
    for (int k = 0; k < s_nstarted; k++)
        if (s_started[k] > 0)
            kill (s_started[k], SIGKILL), waitpid (s_started[k], NULL, 0);
    signal (sig, SIG_DFL);
    raise (sig);
}

/*  The folder of our programs, once; nodes are killed at exit and when
    the benchmark is interrupted. */
static const char *
s_bindir (void)
{
    if (!s_bin[0]) {
        ssize_t n = readlink ("/proc/self/exe", s_bin, sizeof s_bin - 1);
        if (n <= 0)
            exit (1);
        s_bin[n] = '\0';
        *strrchr (s_bin, '/') = '\0';
        atexit (s_kill_all);
        struct sigaction sa = { .sa_handler = s_on_signal };
        sigemptyset (&sa.sa_mask);
        sigaction (SIGINT, &sa, NULL);
        sigaction (SIGTERM, &sa, NULL);
        sigaction (SIGHUP, &sa, NULL);
    }
    return s_bin;
}

void
vfbench_die (const char *what, const char *detail)
{
    fprintf (stderr, "vfbench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit (1);
}

void
vfbench_files_limit (int want)
{
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) want) {
        rl.rlim_cur = rl.rlim_max < (rlim_t) want ? rl.rlim_max : (rlim_t) want;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/*  Replace the first `from` in the node's vfnode.conf by `to`. */
void
vfbench_node_config (vfbench_node_t *nd, const char *from, const char *to)
{
    char path[400], text[16384];
    snprintf (path, sizeof path, "%s/vfnode.conf", nd->dir);
    FILE *f = fopen (path, "r");
    size_t n = f ? fread (text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose (f);
    text[n] = '\0';
    char *at = strstr (text, from);
    if (!at)
        vfbench_die ("config has no line", from);
    f = fopen (path, "w");
    if (!f || fprintf (f, "%.*s%s%s", (int) (at - text), text, to, at + strlen (from)) < 0 ||
        fclose (f) != 0)
        vfbench_die ("cannot write", path);
}

void
vfbench_node_init (vfbench_node_t *nd, const char *dir, const char *name, int port)
{
    memset (nd, 0, sizeof *nd);
    snprintf (nd->dir, sizeof nd->dir, "%s", dir);
    nd->port = port;
    char cmd[1600];
    snprintf (cmd, sizeof cmd, "'%s/vfctl' init '%s' --name '%s' >/dev/null 2>&1", s_bindir (), dir,
              name);
    if (system (cmd) != 0)
        vfbench_die ("vfctl init failed on", dir);
    char bind[64], path[400];
    if (port)
        snprintf (bind, sizeof bind, "bind = \"tcp://127.0.0.1:%d\"", port);
    else
        snprintf (bind, sizeof bind, "bind = \"\"");
    vfbench_node_config (nd, "bind = \"tcp://*:7690\"", bind);
    snprintf (path, sizeof path, "%s/identity.pub", dir);
    FILE *f = fopen (path, "r");
    if (!f || !fgets (nd->key, sizeof nd->key, f))
        vfbench_die ("cannot read", path);
    fclose (f);
    nd->key[strcspn (nd->key, "\n")] = '\0';
}

void
vfbench_network_id (char out[VF_TEXT_MAX])
{
    uint8_t id[VF_KEY_BYTES];
    vf_random (id, sizeof id);
    vf_text_encode (out, VF_TEXT_NET, id);
}

void
vfbench_node_networks (vfbench_node_t *nd, const char *net, vfbench_node_t *const *members,
                       const bool *dial, size_t n)
{
    json_t *list = json_array ();
    for (size_t k = 0; k < n; k++) {
        json_t *m = json_pack ("{s:s}", "key", members[k]->key);
        if (dial[k]) {
            char ep[64];
            snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", members[k]->port);
            json_object_set_new (m, "endpoint", json_string (ep));
        }
        json_array_append_new (list, m);
    }
    json_t *doc = json_pack ("{s:[{s:s, s:s, s:o}]}", "networks", "id", net, "name", "bench",
                             "members", list);
    char path[400];
    snprintf (path, sizeof path, "%s/networks.json", nd->dir);
    if (!doc || json_dump_file (doc, path, JSON_INDENT (2)) != 0)
        vfbench_die ("cannot write", path);
    json_decref (doc);
}

/*  A fresh control socket (after a reply that did not come, so that a
    late one is not taken for the next). */
static void
s_connect (vfbench_node_t *nd)
{
    zsock_destroy (&nd->ctl);
    nd->ctl = zsock_new (ZMQ_DEALER);
    zsock_set_linger (nd->ctl, 0);
    zsock_connect (nd->ctl, "ipc://%s/control.sock", nd->dir);
}

json_t *
vfbench_node_request (vfbench_node_t *nd, const char *text, int wait_ms)
{
    if (!nd->ctl)
        s_connect (nd);
    if (zstr_send (nd->ctl, text) != 0)
        return NULL;
    zpoller_t *p = zpoller_new (nd->ctl, NULL);
    json_t *reply = NULL;
    if (zpoller_wait (p, wait_ms) == nd->ctl) {
        char *s = zstr_recv (nd->ctl);
        reply = s ? json_loads (s, 0, NULL) : NULL;
        zstr_free (&s);
    }
    zpoller_destroy (&p);
    if (!reply)
        s_connect (nd);
    json_t *result = NULL;
    if (reply && json_is_true (json_object_get (reply, "ok")))
        result = json_incref (json_object_get (reply, "result"));
    json_decref (reply);
    return result;
}

int64_t
vfbench_node_entries (vfbench_node_t *nd)
{
    json_t *r = vfbench_node_request (nd, "{\"request\": \"status\"}", 20000);
    int64_t n =
        r ? json_integer_value (json_object_get (json_object_get (r, "store"), "entries")) : -1;
    json_decref (r);
    return n;
}

void
vfbench_node_start (vfbench_node_t *nd)
{
    char path[1200], log[400];
    snprintf (path, sizeof path, "%s/vfnode", s_bindir ());
    snprintf (log, sizeof log, "%s/vfnode.log", nd->dir);
    if (s_nstarted == S_STARTED_MAX)
        vfbench_die ("too many nodes", NULL);
    pid_t pid = fork ();
    if (pid == 0) {
        int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open ("/dev/null", O_WRONLY);
        dup2 (null, 1);
        dup2 (fd, 2);
        execl (path, path, "-d", nd->dir, (char *) NULL);
        _exit (127);
    }
    nd->pid = pid;
    s_started[s_nstarted++] = pid;
    for (int k = 0; k < 600; k++) {
        zclock_sleep (50);
        if (vfbench_node_entries (nd) >= 0)
            return;
        if (waitpid (pid, NULL, WNOHANG) == pid)
            break;
    }
    vfbench_die ("vfnode did not start; see", log);
}

void
vfbench_node_stop (vfbench_node_t *nd)
{
    zsock_destroy (&nd->ctl);
    if (nd->pid <= 0)
        return;
    kill (nd->pid, SIGTERM);
    pid_t done = 0;
    for (int k = 0; k < 200 && (done = waitpid (nd->pid, NULL, WNOHANG)) == 0; k++)
        zclock_sleep (50);
    if (done == 0) {
        fprintf (stderr, "vfbench: %s did not stop in 10 s; killed\n", nd->dir);
        kill (nd->pid, SIGKILL);
        waitpid (nd->pid, NULL, 0);
    }
    for (int k = 0; k < s_nstarted; k++)
        if (s_started[k] == nd->pid)
            s_started[k] = 0;
    nd->pid = 0;
}

/*  A "Name: N kB" line's number, or 0. */
static double
s_kb (const char *line, const char *name)
{
    size_t len = strlen (name);
    return strncmp (line, name, len) == 0 ? strtod (line + len, NULL) : 0;
}

void
vfbench_memory (pid_t pid, vfbench_mem_t *m)
{
    char path[64], line[512];
    memset (m, 0, sizeof *m);
    snprintf (path, sizeof path, "/proc/%d/smaps_rollup", (int) pid);
    FILE *f = fopen (path, "r");
    while (f && fgets (line, sizeof line, f)) {
        m->rss_mb += s_kb (line, "Rss:") / 1024;
        m->private_mb += s_kb (line, "Anonymous:") / 1024;
    }
    if (f)
        fclose (f);
    snprintf (path, sizeof path, "/proc/%d/smaps", (int) pid);
    f = fopen (path, "r");
    bool store = false;
    while (f && fgets (line, sizeof line, f)) {
        if (strchr (line, '-') && strchr (line, '-') < strchr (line, ' ')) /* a mapping's head */
            store = strstr (line, "/data.mdb") != NULL;
        else if (store)
            m->store_mapped_mb += s_kb (line, "Rss:") / 1024;
    }
    if (f)
        fclose (f);
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    f = fopen (path, "r");
    if (f && fgets (line, sizeof line, f)) {
        const char *p = strrchr (line, ')');
        unsigned long ut = 0, st = 0;
        /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt
           cmajflt utime stime */
        if (p &&
            sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
            m->cpu_s = (double) (ut + st) / (double) sysconf (_SC_CLK_TCK);
    }
    if (f)
        fclose (f);
}
