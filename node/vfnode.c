/*  vfnode.c - the daemon: one node of a vfnode network.

    Runs in the foreground. Startup: read the config, take the directory's
    lock (a second vfnode on the same directory is refused), load the
    identity, open the store, start the writer, the verifier pool and the
    control server (docs/ARCHITECTURE.md). Then wait for signals: SIGHUP
    reopens the logs and reloads what can be reloaded (the log level and
    target); SIGINT or SIGTERM stop the node cleanly: no new requests, what
    was handed to the writer is committed and answered, exit 0.
*/
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vf_config.h"
#include "vf_control.h"
#include "vf_identity.h"
#include "vf_log.h"
#include "vf_peer.h"
#include "vf_store.h"
#include "vf_text.h"
#include "vf_verifier.h"
#include "vf_writer.h"

#define VFNODE_VERSION "0.1.0"

/*  How long an actor may take to say that it started (it opens sockets
    and reads a little from the store: milliseconds). */
#define VFNODE_START_TIMEOUT_MS 10000

static const char *s_help =
    "usage: vfnode [-d DIR] [--check-config | --print-config]\n"
    "\n"
    "vfnode is the daemon of one cooperative's node: it keeps signed ValueFlows\n"
    "records in an LMDB store in DIR and serves the control API on\n"
    "ipc://DIR/control.sock (docs/API.md), which vfctl and apps use.\n"
    "\n"
    "It runs in the foreground and logs to standard error (log/target = syslog\n"
    "in DIR/vfnode.conf for syslog). Create DIR with `vfctl init DIR` first.\n"
    "\n"
    "Options:\n"
    "  -d, --dir DIR      node directory (default: $VFNODE_DIR, else\n"
    "                     /var/lib/vfnode for root, else ~/.vfnode)\n"
    "      --check-config check DIR/vfnode.conf and print every error as\n"
    "                     FILE:LINE: message; exit 0 if it is valid, 1 if not\n"
    "      --print-config print the effective configuration (ZPL) and exit\n"
    "  -h, --help         this text\n"
    "  -V, --version      the version\n"
    "\n"
    "Signals:\n"
    "  SIGTERM, SIGINT    stop: take no new requests, commit and answer what was\n"
    "                     handed to the writer, exit 0\n"
    "  SIGHUP             reopen the logs and reload log/level and log/target\n"
    "\n"
    "Files in DIR:\n"
    "  identity.key       the node's secret key (mode 0600; refused otherwise)\n"
    "  identity.pub       its public key (vfk_...)\n"
    "  vfnode.conf        configuration (docs/CONFIG.md)\n"
    "  store/             the LMDB store (docs/STORE.md)\n"
    "  control.sock       the control API socket (mode 0600)\n"
    "  vfnode.lock        held while the node runs; holds its pid\n"
    "\n"
    "Exit status: 0 after a clean stop, 1 on an error (the message says what and\n"
    "how to fix it), 2 for usage errors.\n";

typedef struct {
    const char *dir;
    char conf[1100];
    vf_config_t *cfg;
    int lock_fd;
    bool locked; /* we hold the directory's lock: the socket is ours */
    vf_identity_t *identity;
    vf_store_t *store;
    zactor_t *writer;
    zactor_t **verifiers;
    int *verifier_index;
    int nverifiers;
    zactor_t *control;
    zactor_t *peers;
    vf_writer_args_t writer_args;
    vf_control_args_t control_args;
    vf_peer_args_t peer_args;
} s_node_t;

static int
s_check_config (s_node_t *n)
{
    vf_err_t errs[32];
    size_t found = 0;
    int rc = vf_config_load_all (n->cfg, n->conf, errs, 32, &found);
    for (size_t k = 0; k < found && k < 32; k++)
        fprintf (stderr, "%s\n", errs[k].msg);
    if (found > 32)
        fprintf (stderr, "... and %zu more errors\n", found - 32);
    if (rc == 0)
        printf ("%s: valid\n", n->conf);
    return rc ? 1 : 0;
}

static void
s_apply_logging (const vf_config_t *cfg)
{
    vf_log_level_t level;
    if (vf_log_level_parse (vf_config_str (cfg, "log/level"), &level) == 0)
        vf_log_set_level (level);
    if (strcmp (vf_config_str (cfg, "log/target"), "syslog") == 0)
        vf_log_open_syslog ("vfnode");
    else
        vf_log_use_stderr ();
}

/*  The directory lock: held (flock) for as long as the node runs. */
static int
s_lock (s_node_t *n)
{
    char path[1100], pid[32] = "";
    snprintf (path, sizeof path, "%s/vfnode.lock", n->dir);
    n->lock_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (n->lock_fd < 0) {
        VF_LOG_ERROR ("cannot open %s: %s", path, strerror (errno));
        return -1;
    }
    if (flock (n->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        ssize_t got = read (n->lock_fd, pid, sizeof pid - 1);
        pid[got > 0 ? got : 0] = '\0';
        pid[strcspn (pid, "\n")] = '\0';
        VF_LOG_ERROR ("%s is in use by another vfnode%s%s%s; stop it first (or use another "
                      "directory)",
                      n->dir, *pid ? " (pid " : "", pid, *pid ? ")" : "");
        return -1;
    }
    n->locked = true;
    snprintf (pid, sizeof pid, "%d\n", (int) getpid ());
    if (ftruncate (n->lock_fd, 0) != 0 || pwrite (n->lock_fd, pid, strlen (pid), 0) < 0)
        VF_LOG_WARNING ("cannot write the pid into %s", path);
    return 0;
}

static int
s_open (s_node_t *n)
{
    vf_err_t err = { 0 };
    char path[1100];
    int rc = vf_identity_load (&n->identity, n->dir, &err);
    snprintf (path, sizeof path, "%s/store", n->dir);
    vf_store_opts_t opts = { vf_config_size (n->cfg, "store/map_size"), false };
    if (rc == 0)
        rc = vf_store_open (&n->store, path, &opts, &err);
    if (rc) {
        VF_LOG_ERROR ("%s", vf_err_msg (&err, rc));
        return -1;
    }
    vf_store_stat_t st;
    if (vf_store_stat (n->store, &st, NULL) == 0 && vf_store_nearly_full (&st))
        VF_LOG_WARNING ("the store is %.0f%% full: raise store/map_size in %s and restart",
                        100.0 * (double) st.map_used / (double) st.map_size, n->conf);
    return 0;
}

/*  Start an actor and wait for its word: after zactor_new's handshake
    each of ours sends "OK" or "FAIL <reason>". NULL if it did not start,
    with a message naming what failed. */
static zactor_t *
s_actor (zactor_fn *fn, void *args, const char *what)
{
    zactor_t *actor = zactor_new (fn, args);
    char *word = NULL;
    if (actor) {
        zpoller_t *poller = zpoller_new (actor, NULL);
        if (poller && zpoller_wait (poller, VFNODE_START_TIMEOUT_MS) == actor)
            word = zstr_recv (actor);
        zpoller_destroy (&poller);
    }
    if (word && streq (word, "OK")) {
        zstr_free (&word);
        return actor;
    }
    const char *why = !actor ? "out of memory" : !word ? "it did not report within 10 s" : word;
    if (word && strncmp (word, "FAIL ", 5) == 0)
        why = word + 5;
    VF_LOG_ERROR ("cannot start the %s: %s", what, why);
    zstr_free (&word);
    zactor_destroy (&actor);
    return NULL;
}

static int
s_start (s_node_t *n)
{
    n->writer_args =
        (vf_writer_args_t){ n->store, (size_t) vf_config_int (n->cfg, "ingest/batch_max"),
                            (int) vf_config_duration (n->cfg, "ingest/batch_wait") };
    n->writer = s_actor (vf_writer_actor, &n->writer_args, "writer");
    if (!n->writer)
        return -1;
    n->nverifiers = (int) vf_config_int (n->cfg, "verify/threads");
    if (n->nverifiers <= 0)
        n->nverifiers = (int) sysconf (_SC_NPROCESSORS_ONLN);
    if (n->nverifiers <= 0)
        n->nverifiers = 1;
    n->verifiers = calloc ((size_t) n->nverifiers, sizeof *n->verifiers);
    n->verifier_index = calloc ((size_t) n->nverifiers, sizeof *n->verifier_index);
    if (!n->verifiers || !n->verifier_index) {
        VF_LOG_ERROR ("cannot start the verifiers: out of memory");
        return -1;
    }
    for (int k = 0; k < n->nverifiers; k++) {
        n->verifier_index[k] = k;
        if (!(n->verifiers[k] = s_actor (vf_verifier_actor, &n->verifier_index[k], "verifier")))
            return -1;
    }
    n->peer_args = (vf_peer_args_t){ n->store,
                                     n->identity,
                                     vf_config_str (n->cfg, "node/name"),
                                     n->dir,
                                     vf_config_str (n->cfg, "peer/bind"),
                                     (int) vf_config_duration (n->cfg, "peer/heartbeat"),
                                     (int) vf_config_duration (n->cfg, "peer/timeout"),
                                     (size_t) vf_config_int (n->cfg, "peer/credit"),
                                     (int) vf_config_int (n->cfg, "peer/ban_after"),
                                     (int) vf_config_duration (n->cfg, "peer/ban_for"),
                                     (int) vf_config_duration (n->cfg, "peer/reconcile"),
                                     n->nverifiers };
    n->peers = s_actor (vf_peer_actor, &n->peer_args, "peer engine");
    if (!n->peers)
        return -1;
    n->control_args = (vf_control_args_t){ n->store,
                                           n->identity,
                                           vf_config_str (n->cfg, "node/name"),
                                           n->dir,
                                           vf_config_size (n->cfg, "control/max_request"),
                                           (size_t) vf_config_int (n->cfg, "control/queue"),
                                           n->nverifiers };
    n->control = s_actor (vf_control_actor, &n->control_args, "control server");
    if (!n->control)
        return -1;
    char key[VF_TEXT_MAX];
    VF_LOG_NOTICE ("vfnode %s started: %s, %s, %d verifiers, control ipc://%s/control.sock",
                   VFNODE_VERSION,
                   vf_text_encode (key, VF_TEXT_KEY, vf_identity_public (n->identity)), n->dir,
                   n->nverifiers, n->dir);
    return 0;
}

/*  Stop in pipeline order: the control server first (it answers what the
    writer still holds), then the verifiers, then the writer (which commits
    what is queued). */
static void
s_stop (s_node_t *n)
{
    zactor_destroy (&n->control);
    zactor_destroy (&n->peers);
    for (int k = 0; n->verifiers && k < n->nverifiers; k++)
        zactor_destroy (&n->verifiers[k]);
    zactor_destroy (&n->writer);
    free (n->verifiers);
    free (n->verifier_index);
    vf_store_destroy (&n->store);
    vf_identity_destroy (&n->identity);
    if (n->locked) {
        char path[1100];
        snprintf (path, sizeof path, "%s/control.sock", n->dir);
        unlink (path);
    }
    if (n->lock_fd >= 0)
        close (n->lock_fd);
}

static void
s_reload (s_node_t *n)
{
    vf_config_t *fresh = vf_config_new ();
    vf_err_t err = { 0 };
    int rc = fresh ? vf_config_load (fresh, n->conf, &err) : VF_ENOMEM;
    if (rc)
        VF_LOG_ERROR ("SIGHUP: keeping the running configuration: %s", vf_err_msg (&err, rc));
    else
        s_apply_logging (fresh);
    vf_log_reopen ();
    vf_config_destroy (&fresh);
    VF_LOG_NOTICE ("SIGHUP: logs reopened, log/level and log/target reloaded");
}

static int
s_run (s_node_t *n)
{
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, SIGINT);
    sigaddset (&set, SIGTERM);
    sigaddset (&set, SIGHUP);
    /*  the actors' threads inherit this mask: only sigwait below sees them */
    pthread_sigmask (SIG_BLOCK, &set, NULL);
    signal (SIGPIPE, SIG_IGN);
    if (s_lock (n) != 0 || s_open (n) != 0 || s_start (n) != 0) {
        s_stop (n);
        return 1;
    }
    for (;;) {
        int sig = 0;
        if (sigwait (&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            s_reload (n);
            continue;
        }
        VF_LOG_NOTICE ("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        break;
    }
    s_stop (n);
    VF_LOG_NOTICE ("stopped");
    return 0;
}

int
main (int argc, char **argv)
{
    static const struct option longopts[] = {
        { "dir", required_argument, NULL, 'd' },    { "check-config", no_argument, NULL, 'c' },
        { "print-config", no_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },      { NULL, 0, NULL, 0 },
    };
    s_node_t n = { .lock_fd = -1 };
    int mode = 0, c;
    while ((c = getopt_long (argc, argv, "d:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            n.dir = optarg;
            break;
        case 'c':
        case 'p':
            mode = c;
            break;
        case 'h':
            fputs (s_help, stdout);
            return 0;
        case 'V':
            printf ("vfnode %s\n", VFNODE_VERSION);
            return 0;
        default:
            fputs ("vfnode: see vfnode --help\n", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "vfnode: unexpected argument '%s'; see vfnode --help\n", argv[optind]);
        return 2;
    }
    zsys_handler_set (NULL); /* signals are ours (sigwait), not czmq's */
    umask (077);             /* everything the node writes is private */
    vf_log_set_ident ("vfnode");
    n.dir = n.dir ? n.dir : vf_config_default_dir ();
    snprintf (n.conf, sizeof n.conf, "%s/vfnode.conf", n.dir);
    n.cfg = vf_config_new ();
    if (!n.cfg || vf_crypto_init () != 0)
        return 1;
    int rc;
    if (mode == 'c')
        rc = s_check_config (&n);
    else {
        vf_err_t err = { 0 };
        rc = vf_config_load (n.cfg, n.conf, &err);
        if (rc) {
            fprintf (stderr, "vfnode: %s\n", vf_err_msg (&err, rc));
            if (rc == VF_ENOTFOUND)
                fprintf (stderr, "vfnode: create a node with: vfctl init %s\n", n.dir);
            rc = 1;
        } else if (mode == 'p')
            vf_config_print (n.cfg, stdout);
        else {
            s_apply_logging (n.cfg);
            rc = s_run (&n);
        }
    }
    vf_config_destroy (&n.cfg);
    vf_log_close ();
    return rc;
}
