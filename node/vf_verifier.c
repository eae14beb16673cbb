/*  vf_verifier.c - verifier workers. */
#include "vf_verifier.h"

#include "vf_job.h"
#include "vf_log.h"
#include "vf_writer.h"

/*  Open and check every slot that still holds a blob. */
static void
s_verify (vf_job_t *job)
{
    for (size_t k = 0; k < job->n; k++) {
        if (job->entries[k] || job->results[k].outcome || !job->blobs || !job->blobs[k])
            continue;
        vf_err_t err = { 0 };
        int rc = vf_entry_open (&job->entries[k], job->blobs[k], job->blob_lens[k], &err);
        if (rc == 0)
            rc = vf_entry_check (job->entries[k], &err);
        if (rc)
            vf_job_refuse (job, k, rc, vf_err_msg (&err, rc));
        free (job->blobs[k]);
        job->blobs[k] = NULL;
    }
}

void
vf_verifier_actor (zsock_t *pipe, void *args)
{
    int index = *(const int *) args;
    zsock_t *pull = zsock_new (ZMQ_PULL);
    zsock_t *writer = zsock_new (ZMQ_PUSH);
    /*  unbounded, set before bind/connect: the requesters bound what they
        send (control/queue, peer credit); a full queue would block them */
    if (pull)
        zsock_set_rcvhwm (pull, 0);
    if (writer)
        zsock_set_sndhwm (writer, 0);
    if (!pull || !writer || zsock_bind (pull, VF_VERIFIER_ENDPOINT, index) != 0 ||
        zsock_connect (writer, "%s", VF_WRITER_ENDPOINT) != 0) {
        zsock_signal (pipe, 1);
        zstr_sendf (pipe, "FAIL verifier %d cannot open its sockets", index);
        goto out;
    }
    zsock_signal (pipe, 0);
    zstr_send (pipe, "OK");
    zpoller_t *poller = zpoller_new (pipe, pull, NULL);
    while (poller) {
        zsock_t *which = zpoller_wait (poller, -1);
        if (which == pull) {
            vf_job_t *job = NULL;
            if (zsock_recv (pull, "p", &job) == 0 && job) {
                s_verify (job);
                if (zsock_send (writer, "p", job) != 0) {
                    VF_LOG_ERROR ("verifier %d: cannot hand a job to the writer", index);
                    vf_job_destroy (&job);
                }
            }
            continue;
        }
        if (which == pipe) {
            char *cmd = zstr_recv (pipe);
            bool term = !cmd || streq (cmd, "$TERM");
            zstr_free (&cmd);
            if (!term)
                continue;
        }
        break;
    }
    zpoller_destroy (&poller);
out:
    zsock_destroy (&pull);
    zsock_destroy (&writer);
}

int
vf_verifier_connect (zsock_t *push, int n)
{
    for (int k = 0; k < n; k++)
        if (zsock_connect (push, VF_VERIFIER_ENDPOINT, k) != 0)
            return -1;
    return 0;
}
