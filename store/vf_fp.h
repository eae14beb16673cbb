/*  vf_fp.h - range fingerprints for set reconciliation, kept in LMDB.

    Per network (all-zero for public entries), the store keeps the sum
    (mod 2^256, ids as little-endian numbers) and the count of the entry ids
    in every time bucket at five levels (2^12, 2^18, 2^24, 2^30 and 2^36 ms:
    about 4 s, 4 min, 4.7 h, 12 days and 2.2 years), plus the total, updated
    in the same write transaction as the entries. The sum and count of any
    range of the reconciliation order (time, id) is then a difference of two
    prefix sums, each made of at most 64 buckets per level and a scan of the
    items of one 4-second bucket: an in-sync check costs one read, never a
    scan of the set. The fingerprint of a range is the first 16 bytes of
    BLAKE2b-256 (sum || count as u64 little-endian) (docs/PROTOCOL.md).
    Internal to store/.
*/
#ifndef VF_FP_H
#define VF_FP_H

#include "vf_db.h"

#define VF_FP_SUM_BYTES 32
#define VF_FP_BYTES 16

/*  A position in the order (time, id): the items at or after it. An id
    prefix shorter than 32 bytes sorts before every id that starts with it. */
typedef struct {
    uint64_t time;
    uint8_t prefix_len;
    uint8_t prefix[32];
    bool infinite; /* past every item */
} vf_fp_bound_t;

typedef struct {
    uint8_t sum[VF_FP_SUM_BYTES];
    uint64_t count;
} vf_fp_acc_t;

/*  Add entry id at time to every bucket of network net (ingest). */
int vf_fp_add (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], uint64_t time,
               const uint8_t id[32], vf_err_t *err);

/*  Sum and count of the items of net in [lo, hi). */
int vf_fp_range (vf_db_t *db, MDB_txn *txn, const uint8_t net[32], const vf_fp_bound_t *lo,
                 const vf_fp_bound_t *hi, vf_fp_acc_t *out, vf_err_t *err);

/*  The 16-byte fingerprint of an accumulated range. */
void vf_fp_finish (const vf_fp_acc_t *acc, uint8_t fp[VF_FP_BYTES]);

/*  acc += id (mod 2^256), count + 1. */
void vf_fp_acc_add (vf_fp_acc_t *acc, const uint8_t id[32]);

#endif
