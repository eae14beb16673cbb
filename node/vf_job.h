/*  vf_job.h - a unit of work travelling through the node's pipeline:
    requester -> (verifier) -> writer -> requester.

    A job is a batch of entries with a result slot for each. It is owned by
    exactly one thread at a time and handed on as a pointer in a message
    (zsock_send "p"), never shared. The writer fills in the outcomes only
    after the LMDB commit returned, and sends the job back to the endpoint
    it names (`reply_to`), where its requester waits for it.
*/
#ifndef VF_JOB_H
#define VF_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_store.h"

typedef struct {
    uint64_t token;     /* the requester's own reference */
    char reply_to[64];  /* inproc endpoint the finished job goes to */
    bool has_origin;    /* the entries came from a peer ... */
    uint8_t origin[32]; /* ... with this key: never announced back to it */
    size_t n;           /* entries in this job */
    uint8_t **blobs;    /* signed blobs, for jobs that still need verifying */
    size_t *blob_lens;
    vf_entry_t **entries; /* decoded entries (owned), NULL where refused */
    vf_ingest_result_t *results;
    int status;                 /* 0, or the store error that failed the whole job */
    char error[VF_ERR_MSG_MAX]; /* message for status */
} vf_job_t;

/*  A job of n empty slots replying to reply_to. NULL if out of memory. */
vf_job_t *vf_job_new (size_t n, uint64_t token, const char *reply_to);

/*  Free the job, its blobs and entries; safe twice; NULLs *self_p. */
void vf_job_destroy (vf_job_t **self_p);

/*  Mark entry k refused with code and message (before the writer). */
void vf_job_refuse (vf_job_t *self, size_t k, int code, const char *msg);

#endif
