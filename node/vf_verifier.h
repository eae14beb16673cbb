/*  vf_verifier.h - the verifier pool: one actor per core that checks
    foreign entries off the I/O threads. A worker takes a job (vf_job.h)
    whose slots hold signed blobs, opens each (strict decode, id, Ed25519
    signature) and checks the ValueFlows rules, refusing in the job what
    fails, and hands the job on to the writer. Nothing unverified ever
    reaches the writer by this path.

    Requesters push jobs with a PUSH socket connected to every worker
    (vf_verifier_connect): ZeroMQ spreads the jobs round-robin. The
    workers' queues have no high-water mark (nor should the requesters'
    PUSH): requesters bound what they send themselves.

    Start: a worker signals its pipe (zactor_new's handshake) and then
    sends "OK", or "FAIL <reason>" and ends.
*/
#ifndef VF_VERIFIER_H
#define VF_VERIFIER_H

#include <czmq.h>

/*  Worker i binds "inproc://vfnode-verify-<i>". */
#define VF_VERIFIER_ENDPOINT "inproc://vfnode-verify-%d"

/*  The actor body; args points to the worker's index (an int that must
    stay valid until the actor signalled that it started). */
void vf_verifier_actor (zsock_t *pipe, void *args);

/*  Connect push to the first n workers. Returns 0 or -1. Set push's
    sndhwm (to 0) before. */
int vf_verifier_connect (zsock_t *push, int n);

#endif
