/*  vfctl_node.c - talking to the node: one JSON request, one JSON reply,
    over the control socket (docs/API.md). When the daemon is not running,
    read requests are answered from the store directly by the same request
    handlers the daemon uses, on a read-only snapshot. */
#include <czmq.h>
#include <sys/stat.h>

#include "vf_api.h"
#include "vf_store.h"
#include "vf_config.h"
#include "vfctl.h"

/*  How long to wait for the daemon's answer; publishes of large documents
    wait for a commit, so this is generous. */
#define S_REPLY_TIMEOUT_MS 60000

static int
s_call_daemon (const char *cmd, const char *dir, const json_t *req, json_t **reply)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    if (!dealer)
        return vfctl_fail (cmd, VFCTL_ERROR, "cannot make a ZeroMQ socket");
    zsock_set_linger (dealer, 0);
    char *text = json_dumps (req, JSON_COMPACT);
    int rc = VFCTL_NONODE;
    if (text && zsock_connect (dealer, "ipc://%s/control.sock", dir) == 0 &&
        zstr_send (dealer, text) == 0) {
        /*  the request is out: from here on the node is running, and
            silence is an error of its own, not "not running" */
        zpoller_t *poller = zpoller_new (dealer, NULL);
        if (poller && zpoller_wait (poller, S_REPLY_TIMEOUT_MS) == dealer) {
            char *answer = zstr_recv (dealer);
            json_error_t jerr;
            *reply = answer ? json_loads (answer, 0, &jerr) : NULL;
            rc = *reply ? VFCTL_OK
                        : vfctl_fail (cmd, VFCTL_ERROR, "the node in %s answered with bad JSON: %s",
                                      dir, answer ? jerr.text : "nothing");
            zstr_free (&answer);
        } else
            rc = vfctl_fail (cmd, VFCTL_ERROR,
                             "the node in %s did not answer within %d s; it may be overloaded "
                             "or stuck (see its log); the request may still take effect",
                             dir, S_REPLY_TIMEOUT_MS / 1000);
        zpoller_destroy (&poller);
    }
    free (text);
    zsock_destroy (&dealer);
    return rc;
}

/*  Is a daemon serving DIR? (Its socket exists and its lock is held.) */
static bool
s_running (const char *dir)
{
    char path[1200];
    struct stat st;
    snprintf (path, sizeof path, "%s/control.sock", dir);
    if (stat (path, &st) != 0 || !S_ISSOCK (st.st_mode))
        return false;
    snprintf (path, sizeof path, "%s/vfnode.lock", dir);
    int fd = open (path, O_RDONLY);
    if (fd < 0)
        return false;
    bool held = flock (fd, LOCK_SH | LOCK_NB) != 0;
    close (fd);
    return held;
}

static int
s_call_offline (const char *cmd, const char *dir, const json_t *req, json_t **reply)
{
    char path[1200];
    vf_store_t *store = NULL;
    vf_identity_t *id = NULL;
    vf_err_t err = { 0 };
    snprintf (path, sizeof path, "%s/store", dir);
    vf_store_opts_t opts = { 0, true };
    int rc = vf_store_open (&store, path, &opts, &err);
    if (rc == 0)
        rc = vf_identity_load (&id, dir, &err);
    if (rc == VF_ENOTFOUND && !id) {
        vf_store_destroy (&store);
        return vfctl_fail (cmd, VFCTL_ERROR, "no node in %s; create one with: vfctl init %s", dir,
                           dir);
    }
    if (rc) {
        vf_store_destroy (&store);
        return vfctl_fail (cmd, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    }
    /*  the co-op's name, as the daemon would give it (a config that does
        not load leaves it empty: reading the store does not need it) */
    vf_config_t *cfg = vf_config_new ();
    snprintf (path, sizeof path, "%s/" VF_CONFIG_FILE, dir);
    vf_err_t ignored = { 0 };
    const char *name =
        cfg && vf_config_load (cfg, path, &ignored) == 0 ? vf_config_str (cfg, "node/name") : "";
    vf_api_t api = { .store = store,
                     .identity = id,
                     .name = name ? name : "",
                     .dir = dir,
                     .started = zclock_time () };
    vf_job_t *job = NULL;
    vf_api_handle (&api, req, reply, &job);
    vf_job_destroy (&job); /* read requests make no jobs */
    vf_config_destroy (&cfg);
    vf_identity_destroy (&id);
    vf_store_destroy (&store);
    return VFCTL_OK;
}

int
vfctl_call (const char *cmd, const char *dir, json_t *req, bool read_only, json_t **result)
{
    json_t *reply = NULL;
    int rc;
    *result = NULL;
    if (s_running (dir))
        rc = s_call_daemon (cmd, dir, req, &reply);
    else if (read_only)
        rc = s_call_offline (cmd, dir, req, &reply);
    else
        rc = VFCTL_NONODE;
    json_decref (req);
    if (rc == VFCTL_NONODE)
        return vfctl_fail (cmd, VFCTL_NONODE,
                           "the node in %s is not running; start it with: vfnode -d %s", dir, dir);
    if (rc)
        return rc;
    if (!json_is_true (json_object_get (reply, "ok"))) {
        const json_t *e = json_object_get (reply, "error");
        rc = vfctl_fail (cmd, VFCTL_ERROR, "%s (%s)",
                         json_string_value (json_object_get (e, "message")),
                         json_string_value (json_object_get (e, "code")));
        json_decref (reply);
        return rc;
    }
    *result = json_incref (json_object_get (reply, "result"));
    json_decref (reply);
    return VFCTL_OK;
}
