/*  vf_recon_int.h - what the files of the reconciliation engine share:
    the reply being built and the answers to one range (vf_recon_answer.c),
    planned and assembled by vf_recon.c. Not a public interface. */
#ifndef VF_RECON_INT_H
#define VF_RECON_INT_H

#include "vf_recon.h"

/*  Message header (an array of up to 1 + VF_RECON_RANGES_MAX elements and
    the version); the largest fingerprint range (array, mode, time, 32-byte
    prefix, count, fingerprint); the largest difference range without its
    ids (array, mode, time, prefix, ids header). */
#define VF_RECON_HEAD_MAX 4
#define VF_RECON_FP_RANGE_MAX (1 + 1 + 9 + 34 + 9 + 18)
#define VF_RECON_DIFF_HEAD_MAX (1 + 1 + 9 + 34 + 5)

/*  Answers return 0 (done), a negative VF_E* code, or one of these. */
enum {
    VF_RECON_FULL = 1,  /* nothing fitted: defer the whole range */
    VF_RECON_TRUNC = 2, /* answered up to *m: defer the rest of the range */
    VF_RECON_NO = 3     /* (tests) the peer's items are no such subset of ours */
};

/*  A range of the reply being built; owns its ids and bitmap. */
typedef struct {
    vf_recon_mode_t mode;
    vf_recon_bound_t hi;
    uint64_t count;
    uint8_t fp[VF_RECON_FP_BYTES];
    uint8_t *ids;
    size_t nids;
    uint8_t *bits;
    size_t nbits_bytes;
    uint8_t check[VF_RECON_FP_BYTES];
} vf_recon_out_t;

/*  How far the reply may grow while answering one range. */
typedef struct {
    size_t bytes;
    size_t ranges;
} vf_recon_lim_t;

/*  One call of the engine. */
typedef struct {
    const vf_recon_source_t *src;
    size_t branch, ids_max, frame;
    vf_recon_out_t *out; /* the reply */
    size_t nout, cap;
    size_t bytes;              /* encoded size of the ranges in out */
    uint64_t budget;           /* items this reply may still read or hash */
    vf_recon_ids_t have, need; /* handed to the caller on success */
    vf_err_t *err;
} vf_recon_eng_t;

/*  vf_recon.c: id lists and their order. */
int vf_recon_ids_push (vf_recon_ids_t *list, const uint8_t id[VF_RECON_ID_BYTES]);
void vf_recon_ids_fingerprint (const uint8_t *ids, size_t n, uint8_t fp[VF_RECON_FP_BYTES]);
int vf_recon_cmp_id (const void *a, const void *b);

/*  The reply: o as a message range; append o (taking its buffers,
    merging adjacent skips); a skip or a fingerprint (checked against lim
    unless it is NULL: VF_RECON_FULL when it does not fit). */
vf_recon_range_t vf_recon_out_view (const vf_recon_out_t *o);
int vf_recon_emit (vf_recon_eng_t *e, vf_recon_out_t *o);
int vf_recon_emit_skip (vf_recon_eng_t *e, const vf_recon_bound_t *hi);
int vf_recon_emit_fp (vf_recon_eng_t *e, const vf_recon_bound_t *hi, uint64_t count,
                      const uint8_t fp[VF_RECON_FP_BYTES], const vf_recon_lim_t *lim);

/*  Our count and fingerprint of [lo, hi), errors named. */
int vf_recon_src_fingerprint (vf_recon_eng_t *e, const vf_recon_bound_t *lo,
                              const vf_recon_bound_t *hi, uint64_t *count,
                              uint8_t fp[VF_RECON_FP_BYTES]);

/*  Answer the peer's fingerprint or id list r of [lo, r->hi) within lim:
    0 when answered, VF_RECON_FULL when nothing fitted, VF_RECON_TRUNC when
    answered up to *m (the rest is for the caller to defer), or an error. */
int vf_recon_answer_fp (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r,
                        const vf_recon_lim_t *lim, vf_recon_bound_t *m);
int vf_recon_answer_ids (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r,
                         const vf_recon_lim_t *lim, vf_recon_bound_t *m);

/*  Record the peer's difference r of [lo, r->hi). */
int vf_recon_take_diff (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r);

#endif
