/*  vf_recon.h - range-based set reconciliation of entry ids (docs/RECON.md).

    Two peers each hold a set of items of one network, an item being an
    entry's (time, id), ordered by time and then by id bytes. They swap
    messages that describe ranges of that order by a fingerprint, a list of
    ids or the differences found, splitting the ranges whose fingerprints
    differ, until each side knows exactly which ids it has that the other
    lacks ("have") and which the other has that it lacks ("need"). Both
    sides learn both lists. Ideas from Aljoscha Meyer's range-based set
    reconciliation and the negentropy protocol; the messages are our own.

    The engine is stateless: everything it needs is in the message it is
    given and in the item source, so a peer holds no state between rounds
    and a node may answer any number of peers. The items come from a
    source (vf_recon_source_t): the store's LMDB index with cached sums per
    time bucket, or the in-memory source below for tests and benchmarks.

    Usage, initiator:   vf_recon_initiate -> send; then on each message
                        received, vf_recon_respond -> send *out if not NULL,
                        stop when *done.
    Usage, responder:   on each message received, vf_recon_respond -> send
                        *out if not NULL, forget the exchange when *done.
*/
#ifndef VF_RECON_H
#define VF_RECON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"
#include "vf_limits.h"

/*  The message format this code writes and reads. */
#define VF_RECON_VERSION 1

#define VF_RECON_ID_BYTES 32
#define VF_RECON_FP_BYTES 16

/*  prefix_len of the bound that lies above every item (+infinity). */
#define VF_RECON_BOUND_INF 0xff

/*  An item: an entry's time (ms since the epoch) and id. */
typedef struct {
    uint64_t time;
    uint8_t id[VF_RECON_ID_BYTES];
} vf_recon_item_t;

/*  A bound: the position just before the smallest item whose (time, id)
    is >= (time, prefix), the prefix compared with the first prefix_len
    bytes of the id. Ranges are [lo, hi): lo inclusive, hi exclusive.
    (0, empty prefix) is the lowest bound; prefix_len VF_RECON_BOUND_INF
    (with time UINT64_MAX) is +infinity, above every item. Canonical
    bounds have no trailing zero byte in the prefix (it would not change
    the position). */
typedef struct {
    uint64_t time;
    uint8_t prefix_len; /* 0..32, or VF_RECON_BOUND_INF */
    uint8_t prefix[VF_RECON_ID_BYTES];
} vf_recon_bound_t;

/*  The lowest bound and +infinity. */
vf_recon_bound_t vf_recon_bound_lowest (void);
vf_recon_bound_t vf_recon_bound_inf (void);
bool vf_recon_bound_is_inf (const vf_recon_bound_t *b);

/*  <0, 0, >0 as bound a lies before, at, after bound b. */
int vf_recon_bound_cmp (const vf_recon_bound_t *a, const vf_recon_bound_t *b);

/*  Does item lie at or above bound b (item >= b)? */
bool vf_recon_item_at_or_above (const vf_recon_item_t *item, const vf_recon_bound_t *b);

/*  <0, 0, >0 as item a sorts before, equal to, after item b. */
int vf_recon_item_cmp (const vf_recon_item_t *a, const vf_recon_item_t *b);

/*  The shortest bound that lies above item a and at or below item b
    (a < b): b's time and no prefix when the times differ, otherwise b's
    time and the first bytes of b's id up to and including the first byte
    in which the ids differ. Sources use it to write split bounds. */
vf_recon_bound_t vf_recon_bound_between (const vf_recon_item_t *a, const vf_recon_item_t *b);

/* ------------------------------------------------------------ fingerprints */

/*  The fingerprint of a set of items is the first 16 bytes of
    BLAKE2b-256 (S || C): S the sum modulo 2^256 of the ids read as 256-bit
    little-endian integers (32 bytes, little-endian), C the number of items
    (u64 little-endian). Sums add and subtract, so a store keeps one per
    time bucket and combines them. */
typedef struct {
    uint8_t sum[VF_RECON_ID_BYTES]; /* S, little-endian */
    uint64_t count;                 /* C */
} vf_recon_acc_t;

void vf_recon_acc_add (vf_recon_acc_t *acc, const uint8_t id[VF_RECON_ID_BYTES]);
void vf_recon_acc_sub (vf_recon_acc_t *acc, const uint8_t id[VF_RECON_ID_BYTES]);
/*  acc += other, acc -= other (sums and counts). */
void vf_recon_acc_merge (vf_recon_acc_t *acc, const vf_recon_acc_t *other);
void vf_recon_acc_unmerge (vf_recon_acc_t *acc, const vf_recon_acc_t *other);
void vf_recon_acc_fingerprint (const vf_recon_acc_t *acc, uint8_t fp[VF_RECON_FP_BYTES]);

/* ------------------------------------------------------------------ source */

/*  Where the engine reads one side's items. Every function returns 0 or a
    VF_E* code (passed on to the caller of vf_recon_respond), and is only
    called with lo < hi. split may be NULL: the engine then splits by item
    count with nth_bound. Per range of a message the engine makes a few
    fingerprint and nth_bound calls (tests and splits), so both should cost
    well under the size of the range (cached sums and counts per time
    bucket); items is called for at most VF_RECON_WORK_MAX items per reply. */
typedef struct {
    void *ctx;
    /*  Number and fingerprint of the items in [lo, hi). */
    int (*fingerprint) (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                        uint64_t *count, uint8_t fp[VF_RECON_FP_BYTES]);
    /*  The first min(max, count) items of [lo, hi), in order, into out. */
    int (*items) (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                  vf_recon_item_t *out, size_t max, size_t *n);
    /*  With the items of [lo, hi) numbered from 0, the bound
        vf_recon_bound_between (item index-1, item index); 0 < index < count. */
    int (*nth_bound) (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                      uint64_t index, vf_recon_bound_t *out);
    /*  Split [lo, hi) into at most k consecutive sub-ranges covering it
        (the cheapest way the source knows, e.g. along cached time buckets):
        write the inner bounds, strictly increasing and strictly inside
        (lo, hi), into bounds (room for k-1) and their number into *nbounds.
        Sub-ranges should hold similar numbers of items; empty ones are
        allowed. If a part holds more than 2c/k of the c items, the engine
        splits by count instead (with nth_bound). */
    int (*split) (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t k,
                  vf_recon_bound_t *bounds, size_t *nbounds);
} vf_recon_source_t;

/* -------------------------------------------------------------- parameters */

/*  Local choices; the peer need not use the same. NULL means the defaults
    (VF_RECON_BRANCH_DEFAULT, VF_RECON_IDS_DEFAULT, VF_RECON_FRAME_MAX). */
typedef struct {
    unsigned branch;  /* sub-ranges per split, 2..VF_RECON_BRANCH_MAX */
    unsigned ids_max; /* a range of at most this many items is sent as its ids
                         instead of a fingerprint, 1..VF_RECON_IDS_LIMIT */
    size_t frame_max; /* largest message we send, VF_RECON_FRAME_MIN..VF_RECON_FRAME_MAX */
} vf_recon_params_t;

/* ---------------------------------------------------------------- id lists */

/*  A growing list of ids (the have and need results). Zero-initialise it;
    the engine appends; the caller may read and empty it (n = 0) between
    calls, and frees it with vf_recon_ids_clear. */
typedef struct {
    uint8_t (*ids)[VF_RECON_ID_BYTES];
    size_t n;
    size_t cap;
} vf_recon_ids_t;

void vf_recon_ids_clear (vf_recon_ids_t *list);

/* ------------------------------------------------------------------ engine */

/*  The first message: one fingerprint of all the items. Caller frees *msg.
    Errors: VF_EINVAL (bad parameters), VF_ENOMEM, the source's errors. */
int vf_recon_initiate (const vf_recon_source_t *src, const vf_recon_params_t *params, uint8_t **msg,
                       size_t *len, vf_err_t *err);

/*  Process a message from the peer and produce the next one.
    Appends to have the ids we hold that the peer lacks (send them) and to
    need the ids the peer holds that we lack (ask for them). *out (caller
    frees) is the message to send, or NULL when there is nothing to send.
    *done is true when the exchange is over for this side: after sending
    *out (if any) expect no further message.
    Errors: VF_ETOOBIG (larger than VF_RECON_FRAME_MAX, too many ranges),
    VF_EPARSE (malformed, unknown version or mode, bounds not increasing),
    VF_ENONCANON (not the canonical encoding), VF_EINVAL, VF_ENOMEM, the
    source's errors. On error nothing is appended and *out is NULL. */
int vf_recon_respond (const vf_recon_source_t *src, const vf_recon_params_t *params,
                      const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen,
                      vf_recon_ids_t *have, vf_recon_ids_t *need, bool *done, vf_err_t *err);

/* ----------------------------------------------------------------- messages */

/*  A message decoded: a list of ranges covering all items, each from the
    previous range's upper bound (the first from the lowest bound) to its
    own upper bound `hi` (the last one's is +infinity). No ranges means
    there is nothing left to reconcile. */
typedef enum {
    VF_RECON_SKIP = 0, /* nothing to do here */
    VF_RECON_FP = 1,   /* my count and fingerprint; answer if yours differ */
    VF_RECON_IDS = 2,  /* all my ids here; answer with the differences */
    VF_RECON_DIFF = 3  /* the differences: final, needs no answer */
} vf_recon_mode_t;

typedef struct {
    vf_recon_mode_t mode;
    vf_recon_bound_t hi;
    uint64_t count;     /* FP: number of items */
    const uint8_t *fp;  /* FP: VF_RECON_FP_BYTES */
    const uint8_t *ids; /* IDS: the sender's ids; DIFF: ids the receiver lacks;
                           nids * 32 bytes, strictly increasing */
    size_t nids;
    const uint8_t *bits;  /* DIFF: bitmap over the receiver's IDS list (bit i is
                             byte i/8, bit i%8) marking ids the sender lacks */
    size_t nbits_bytes;   /* 0 when the sender lacks none of them */
    const uint8_t *check; /* DIFF with a bitmap: fingerprint of that IDS list */
} vf_recon_range_t;

typedef struct {
    vf_recon_range_t *ranges;
    size_t n;
} vf_recon_msg_t;

/*  Decode strictly (docs/RECON.md). msg's byte pointers point into buf,
    which must outlive it; free the range array with vf_recon_msg_clear.
    Errors as vf_recon_respond. */
int vf_recon_msg_decode (vf_recon_msg_t *msg, const uint8_t *buf, size_t len, vf_err_t *err);

/*  The canonical encoding of msg (caller frees *out). The ranges must be
    valid as decode would require. Errors: VF_EINVAL, VF_ETOOBIG (over
    VF_RECON_FRAME_MAX), VF_ENOMEM. */
int vf_recon_msg_encode (const vf_recon_msg_t *msg, uint8_t **out, size_t *len, vf_err_t *err);

void vf_recon_msg_clear (vf_recon_msg_t *msg);

/*  Encoded size of range r in a message where the previous range's upper
    bound has time prev (0 for the first range): what the engine uses to
    keep each message within its frame. */
size_t vf_recon_range_size (const vf_recon_range_t *r, uint64_t prev);

/* -------------------------------------------------------- in-memory source */

/*  Items in a sorted array with prefix sums: fingerprints in O(log n).
    Splits by item count. For tests, fuzzing and benchmarks. */
typedef struct _vf_recon_mem_t vf_recon_mem_t;

/*  A source over a copy of items (any order; exact duplicates are kept
    once). Caller owns it. NULL if out of memory. */
vf_recon_mem_t *vf_recon_mem_new (const vf_recon_item_t *items, size_t n);
void vf_recon_mem_destroy (vf_recon_mem_t **self_p);

/*  The source interface over self (valid while self lives). */
vf_recon_source_t vf_recon_mem_source (vf_recon_mem_t *self);

/*  Number of items held, and the i-th in order. */
size_t vf_recon_mem_size (const vf_recon_mem_t *self);
const vf_recon_item_t *vf_recon_mem_item (const vf_recon_mem_t *self, size_t i);

#endif
