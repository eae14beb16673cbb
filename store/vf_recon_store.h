/*  vf_recon_store.h - the store as a reconciliation source (vf_recon.h):
    the entries of one network in (time, id) order, with fingerprints from
    the cached bucket sums (vf_fp.h) and splits along the time buckets, all
    read in one snapshot (an LMDB read transaction held while the source
    is open: open it for one reconciliation step, then close it). */
#ifndef VF_RECON_STORE_H
#define VF_RECON_STORE_H

#include "vf_recon.h"
#include "vf_store.h"

typedef struct _vf_store_recon_t vf_store_recon_t;

/*  A source over the entries of network net (all zero: public entries).
    Caller owns *out. */
int vf_store_recon_open (vf_store_t *store, const uint8_t net[VF_KEY_BYTES], vf_store_recon_t **out,
                         vf_err_t *err);
void vf_store_recon_close (vf_store_recon_t **self_p);

vf_recon_source_t vf_store_recon_source (vf_store_recon_t *self);

#endif
