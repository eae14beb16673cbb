/*  vf_api.h - the control API's requests (docs/API.md): JSON in, JSON out.

    Each request is {"request": NAME, ...parameters, "id": anything}; the
    reply echoes "id" and is {"ok": true, "result": {...}} or
    {"ok": false, "error": {"code": CODE, "message": TEXT}}. Read requests
    are answered at once from a store snapshot. Requests that store
    entries (publish, confirm, import) give back a job for the pipeline; the
    reply is made when the job returns from the writer, i.e. after commit.
*/
#ifndef VF_API_H
#define VF_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "vf_identity.h"
#include "vf_job.h"
#include "vf_store.h"

/*  Where finished jobs of the control API come back to. */
#define VF_CONTROL_DONE "inproc://vfnode-control-done"

/*  What the handlers need to know about the node. */
typedef struct {
    vf_store_t *store;
    const vf_identity_t *identity;
    const char *name;         /* the co-op's name */
    const char *dir;          /* the node directory */
    uint64_t next_seq;        /* the seq the next local entry gets */
    int64_t started;          /* zclock_time () at start */
    uint64_t requests;        /* answered */
    uint64_t errors;          /* answered with an error */
    uint64_t bad_requests;    /* not JSON, wrong types, unknown request, too large */
    uint64_t in_flight;       /* requests waiting for the writer */
    uint64_t stored;          /* entries stored through this API */
    uint64_t replies_dropped; /* replies the control server could not deliver */
    void *peer_ctl;           /* zsock_t* to the peer engine (VF_PEER_CTL), NULL offline */
    uint64_t peer_asked;      /* requests passed to the peer engine (their numbers) */
} vf_api_t;

/*  Error codes of the API (docs/API.md). */
#define VF_API_BAD_REQUEST "bad_request" /* not JSON, a parameter of the wrong type */
#define VF_API_UNKNOWN "unknown_request" /* no such request */
#define VF_API_TOO_LARGE "too_large"     /* the request exceeds control/max_request */
#define VF_API_INVALID "invalid"         /* a record breaks a ValueFlows rule */
#define VF_API_NOT_FOUND "not_found"
#define VF_API_STORE_FULL "store_full"   /* the store's map is full */
#define VF_API_NOT_RUNNING "not_running" /* needs the daemon (asked offline) */
/*  "not_connected": sync with a peer whose session is down (the peer engine's) */
#define VF_API_INTERNAL "internal"

/*  Handle a parsed request. Either *reply is the finished reply, or *job
    is set (the reply comes from vf_api_finish when it returns) and *reply
    is NULL. Never fails: errors become error replies. */
void vf_api_handle (vf_api_t *api, const json_t *req, json_t **reply, vf_job_t **job);

/*  The reply for a request whose job came back from the writer; takes
    ownership of the job. */
json_t *vf_api_finish (vf_api_t *api, const json_t *req, vf_job_t *job);

/*  An error reply for a request id (NULL if none). */
json_t *vf_api_error (const json_t *id, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
