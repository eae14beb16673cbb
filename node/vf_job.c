/*  vf_job.c - pipeline jobs. */
#include "vf_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vf_job_t *
vf_job_new (size_t n, uint64_t token, const char *reply_to)
{
    vf_job_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->token = token;
    snprintf (self->reply_to, sizeof self->reply_to, "%s", reply_to);
    self->n = n;
    self->entries = calloc (n ? n : 1, sizeof *self->entries);
    self->results = calloc (n ? n : 1, sizeof *self->results);
    if (!self->entries || !self->results)
        vf_job_destroy (&self);
    return self;
}

void
vf_job_destroy (vf_job_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_job_t *self = *self_p;
    for (size_t k = 0; k < self->n; k++) {
        if (self->entries)
            vf_entry_destroy (&self->entries[k]);
        if (self->blobs)
            free (self->blobs[k]);
    }
    free (self->entries);
    free (self->results);
    free (self->blobs);
    free (self->blob_lens);
    free (self);
    *self_p = NULL;
}

void
vf_job_refuse (vf_job_t *self, size_t k, int code, const char *msg)
{
    self->results[k].outcome = VF_OUTCOME_REJECTED;
    self->results[k].code = code;
    snprintf (self->results[k].reason, sizeof self->results[k].reason, "%s", msg);
    vf_entry_destroy (&self->entries[k]);
}
