/*  vf_recon.c - range-based set reconciliation: bounds, fingerprints, the
    canonical message codec and the engine (docs/RECON.md). */
#include "vf_recon.h"

#include <stdlib.h>
#include <string.h>

#include "vf_crypto.h"
#include "vf_mp.h"

/* ------------------------------------------------------------------ bounds */

vf_recon_bound_t
vf_recon_bound_lowest (void)
{
    vf_recon_bound_t b;
    memset (&b, 0, sizeof b);
    return b;
}

vf_recon_bound_t
vf_recon_bound_inf (void)
{
    vf_recon_bound_t b;
    memset (&b, 0, sizeof b);
    b.time = UINT64_MAX;
    b.prefix_len = VF_RECON_BOUND_INF;
    return b;
}

bool
vf_recon_bound_is_inf (const vf_recon_bound_t *b)
{
    return b->prefix_len == VF_RECON_BOUND_INF;
}

int
vf_recon_bound_cmp (const vf_recon_bound_t *a, const vf_recon_bound_t *b)
{
    bool ai = vf_recon_bound_is_inf (a), bi = vf_recon_bound_is_inf (b);
    if (ai || bi)
        return (int) ai - (int) bi;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    for (size_t k = 0; k < VF_RECON_ID_BYTES; k++) {
        uint8_t x = k < a->prefix_len ? a->prefix[k] : 0;
        uint8_t y = k < b->prefix_len ? b->prefix[k] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

bool
vf_recon_item_at_or_above (const vf_recon_item_t *item, const vf_recon_bound_t *b)
{
    if (vf_recon_bound_is_inf (b))
        return false;
    if (item->time != b->time)
        return item->time > b->time;
    return memcmp (item->id, b->prefix, b->prefix_len) >= 0;
}

int
vf_recon_item_cmp (const vf_recon_item_t *a, const vf_recon_item_t *b)
{
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return memcmp (a->id, b->id, VF_RECON_ID_BYTES);
}

vf_recon_bound_t
vf_recon_bound_between (const vf_recon_item_t *a, const vf_recon_item_t *b)
{
    vf_recon_bound_t m = vf_recon_bound_lowest ();
    m.time = b->time;
    if (a->time != b->time)
        return m;
    size_t k = 0;
    while (k < VF_RECON_ID_BYTES - 1 && a->id[k] == b->id[k])
        k++;
    m.prefix_len = (uint8_t) (k + 1);
    memcpy (m.prefix, b->id, k + 1);
    return m;
}

/* ------------------------------------------------------------ fingerprints */

/*  Little-endian 256-bit a += b and a -= b, modulo 2^256. */
static void
s_sum_add (uint8_t *a, const uint8_t *b)
{
    unsigned carry = 0;
    for (size_t k = 0; k < VF_RECON_ID_BYTES; k++) {
        carry += (unsigned) a[k] + b[k];
        a[k] = (uint8_t) carry;
        carry >>= 8;
    }
}

static void
s_sum_sub (uint8_t *a, const uint8_t *b)
{
    unsigned borrow = 0;
    for (size_t k = 0; k < VF_RECON_ID_BYTES; k++) {
        unsigned d = (unsigned) a[k] - b[k] - borrow;
        a[k] = (uint8_t) d;
        borrow = (d >> 8) & 1;
    }
}

void
vf_recon_acc_add (vf_recon_acc_t *acc, const uint8_t id[VF_RECON_ID_BYTES])
{
    s_sum_add (acc->sum, id);
    acc->count++;
}

void
vf_recon_acc_sub (vf_recon_acc_t *acc, const uint8_t id[VF_RECON_ID_BYTES])
{
    s_sum_sub (acc->sum, id);
    acc->count--;
}

void
vf_recon_acc_merge (vf_recon_acc_t *acc, const vf_recon_acc_t *other)
{
    s_sum_add (acc->sum, other->sum);
    acc->count += other->count;
}

void
vf_recon_acc_unmerge (vf_recon_acc_t *acc, const vf_recon_acc_t *other)
{
    s_sum_sub (acc->sum, other->sum);
    acc->count -= other->count;
}

void
vf_recon_acc_fingerprint (const vf_recon_acc_t *acc, uint8_t fp[VF_RECON_FP_BYTES])
{
    uint8_t buf[VF_RECON_ID_BYTES + 8];
    memcpy (buf, acc->sum, VF_RECON_ID_BYTES);
    for (int k = 0; k < 8; k++)
        buf[VF_RECON_ID_BYTES + k] = (uint8_t) (acc->count >> (8 * k));
    uint8_t h[VF_HASH_BYTES];
    vf_hash (h, buf, sizeof buf);
    memcpy (fp, h, VF_RECON_FP_BYTES);
}

/*  Fingerprint of a list of ids (n * 32 bytes). */
static void
s_ids_fingerprint (const uint8_t *ids, size_t n, uint8_t fp[VF_RECON_FP_BYTES])
{
    vf_recon_acc_t acc = { { 0 }, 0 };
    for (size_t k = 0; k < n; k++)
        vf_recon_acc_add (&acc, ids + k * VF_RECON_ID_BYTES);
    vf_recon_acc_fingerprint (&acc, fp);
}

/* ---------------------------------------------------------------- id lists */

void
vf_recon_ids_clear (vf_recon_ids_t *list)
{
    if (!list)
        return;
    free (list->ids);
    list->ids = NULL;
    list->n = list->cap = 0;
}

static int
s_ids_push (vf_recon_ids_t *list, const uint8_t id[VF_RECON_ID_BYTES])
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        void *more = realloc (list->ids, cap * VF_RECON_ID_BYTES);
        if (!more)
            return VF_ENOMEM;
        list->ids = more;
        list->cap = cap;
    }
    memcpy (list->ids[list->n++], id, VF_RECON_ID_BYTES);
    return 0;
}

static int
s_ids_append (vf_recon_ids_t *to, const vf_recon_ids_t *from)
{
    for (size_t k = 0; k < from->n; k++)
        if (s_ids_push (to, from->ids[k]))
            return VF_ENOMEM;
    return 0;
}

static int
s_cmp_id (const void *a, const void *b)
{
    return memcmp (a, b, VF_RECON_ID_BYTES);
}

/* ------------------------------------------------------------------ engine */

/*  Message header (an array of up to 1 + VF_RECON_RANGES_MAX elements and
    the version); the largest fingerprint range (array, mode, time, 32-byte
    prefix, count, fingerprint); the largest difference range without its
    ids (array, mode, time, prefix, ids header); slack for the estimated
    sizes of deferred ranges. */
#define S_HEAD_MAX 4
#define S_FP_MAX (1 + 1 + 9 + 34 + 9 + 18)
#define S_DIFF_HEAD_MAX (1 + 1 + 9 + 34 + 5)
#define S_SLACK 16

/*  Answers return 0 (done), a negative VF_E* code, or one of these. */
enum {
    S_FULL = 1,  /* nothing fitted: defer the whole range */
    S_TRUNC = 2, /* answered up to *m: defer the rest of the range */
    S_NO = 3     /* (s_try_subset) the peer's items are no prefix or suffix of ours */
};

/*  A range of the message being built; owns its ids and bitmap. */
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
} s_out_t;

/*  How far the message may grow while answering one range. */
typedef struct {
    size_t bytes;
    size_t ranges;
} s_lim_t;

typedef struct {
    const vf_recon_source_t *src;
    size_t branch, ids_max, frame;
    s_out_t *out; /* the reply */
    size_t nout, cap;
    size_t bytes;              /* encoded size of the ranges in out */
    uint64_t budget;           /* items this reply may still read or hash */
    vf_recon_ids_t have, need; /* handed to the caller on success */
    vf_err_t *err;
} s_eng_t;

static vf_recon_range_t
s_view (const s_out_t *o)
{
    vf_recon_range_t r = { .mode = o->mode,
                           .hi = o->hi,
                           .count = o->count,
                           .fp = o->fp,
                           .ids = o->ids,
                           .nids = o->nids,
                           .bits = o->bits,
                           .nbits_bytes = o->nbits_bytes,
                           .check = o->check };
    return r;
}

static size_t
s_out_size (const s_eng_t *e, const s_out_t *o, size_t at)
{
    vf_recon_range_t r = s_view (o);
    return vf_recon_range_size (&r, at ? e->out[at - 1].hi.time : 0);
}

static bool
s_fits (const s_eng_t *e, size_t size, const s_lim_t *lim)
{
    return e->bytes + size <= lim->bytes && e->nout + 1 <= lim->ranges;
}

/*  Append o to the reply, taking its buffers; adjacent skips merge. */
static int
s_emit (s_eng_t *e, s_out_t *o)
{
    if (o->mode == VF_RECON_SKIP && e->nout && e->out[e->nout - 1].mode == VF_RECON_SKIP) {
        s_out_t *last = &e->out[e->nout - 1];
        e->bytes -= s_out_size (e, last, e->nout - 1);
        last->hi = o->hi;
        e->bytes += s_out_size (e, last, e->nout - 1);
        return 0;
    }
    if (e->nout == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        s_out_t *more = realloc (e->out, cap * sizeof *more);
        if (!more) {
            free (o->ids);
            free (o->bits);
            return vf_err_set (e->err, VF_ENOMEM, "out of memory building a recon reply");
        }
        e->out = more;
        e->cap = cap;
    }
    e->bytes += s_out_size (e, o, e->nout);
    e->out[e->nout++] = *o;
    return 0;
}

static int
s_emit_skip (s_eng_t *e, const vf_recon_bound_t *hi)
{
    s_out_t o = { .mode = VF_RECON_SKIP, .hi = *hi };
    return s_emit (e, &o);
}

/* ------------------------------------------------- reading the source */

static int
s_fingerprint (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t *count,
               uint8_t fp[VF_RECON_FP_BYTES])
{
    int rc = e->src->fingerprint (e->src->ctx, lo, hi, count, fp);
    if (rc)
        return vf_err_set (e->err, rc, "recon source: fingerprint failed: %s", vf_strerror (rc));
    return 0;
}

/*  The first min(max, count) items of [lo, hi) into a new array (caller
    frees), checked to be in order and inside the range. S_FULL when this
    reply has used up its budget (VF_RECON_WORK_MAX). */
static int
s_items (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t max,
         vf_recon_item_t **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    if (max > e->budget)
        return S_FULL; /* the rest waits for the next round */
    e->budget -= max;
    vf_recon_item_t *a = malloc ((max ? max : 1) * sizeof *a);
    if (!a)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory reading %zu recon items", max);
    size_t got = 0;
    int rc = max ? e->src->items (e->src->ctx, lo, hi, a, max, &got) : 0;
    if (rc) {
        free (a);
        return vf_err_set (e->err, rc, "recon source: items failed: %s", vf_strerror (rc));
    }
    for (size_t k = 0; k < got && rc == 0; k++)
        if (got > max || !vf_recon_item_at_or_above (&a[k], lo) ||
            vf_recon_item_at_or_above (&a[k], hi) ||
            (k && vf_recon_item_cmp (&a[k - 1], &a[k]) >= 0))
            rc = vf_err_set (e->err, VF_EINVAL, "recon source: items out of order or range");
    if (rc) {
        free (a);
        return rc;
    }
    *items = a;
    *n = got;
    return 0;
}

static int
s_nth_bound (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t index,
             vf_recon_bound_t *out)
{
    int rc = e->src->nth_bound (e->src->ctx, lo, hi, index, out);
    if (rc)
        return vf_err_set (e->err, rc, "recon source: nth_bound failed: %s", vf_strerror (rc));
    if (vf_recon_bound_cmp (out, lo) <= 0 || vf_recon_bound_cmp (out, hi) >= 0)
        return vf_err_set (e->err, VF_EINVAL, "recon source: nth_bound outside its range");
    return 0;
}

/* ------------------------------------------------------- answer pieces */

/*  A fingerprint range ending at hi. */
static int
s_emit_fp (s_eng_t *e, const vf_recon_bound_t *hi, uint64_t count,
           const uint8_t fp[VF_RECON_FP_BYTES], const s_lim_t *lim)
{
    s_out_t o = { .mode = VF_RECON_FP, .hi = *hi, .count = count };
    memcpy (o.fp, fp, VF_RECON_FP_BYTES);
    if (lim && !s_fits (e, s_out_size (e, &o, e->nout), lim))
        return S_FULL;
    return s_emit (e, &o);
}

/*  Our ids of [lo, hi), which holds count items. */
static int
s_emit_ids (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t count,
            const s_lim_t *lim)
{
    s_out_t o = { .mode = VF_RECON_IDS, .hi = *hi, .nids = count };
    if (!s_fits (e, s_out_size (e, &o, e->nout), lim))
        return S_FULL;
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    int rc = s_items (e, lo, hi, count, &items, &n);
    if (rc)
        return rc;
    if (n != count) {
        free (items);
        return vf_err_set (e->err, VF_EINVAL, "recon source: %zu items where it counted %llu", n,
                           (unsigned long long) count);
    }
    o.ids = malloc (n ? n * VF_RECON_ID_BYTES : 1);
    if (!o.ids) {
        free (items);
        return vf_err_set (e->err, VF_ENOMEM, "out of memory listing recon ids");
    }
    for (size_t k = 0; k < n; k++)
        memcpy (o.ids + k * VF_RECON_ID_BYTES, items[k].id, VF_RECON_ID_BYTES);
    free (items);
    qsort (o.ids, n, VF_RECON_ID_BYTES, s_cmp_id);
    return s_emit (e, &o);
}

/*  A difference ending at hi: the items of ours flagged in extra (all of
    items when extra is NULL; nextra in all, items holding at least the
    first min(nextra, VF_RECON_LOAD_MAX + 1)) are the ids the peer lacks;
    bits marks the peer's listed ids we lack (nbits bytes, with check).
    Everything fits: one range to hi, 0. Otherwise, without a bitmap, the
    extras that fit in a range ending at the bound before the next extra,
    S_TRUNC with that bound in *m. Otherwise S_FULL. */
static int
s_emit_extras (s_eng_t *e, const vf_recon_item_t *items, size_t n, const bool *extra,
               uint64_t nextra, const vf_recon_bound_t *hi, const uint8_t *bits, size_t nbits,
               const uint8_t *check, const s_lim_t *lim, vf_recon_bound_t *m)
{
    s_out_t o = { .mode = VF_RECON_DIFF, .hi = *hi, .nids = nextra, .nbits_bytes = nbits };
    size_t take = nextra;
    if (nextra > VF_RECON_LOAD_MAX || !s_fits (e, s_out_size (e, &o, e->nout), lim)) {
        size_t room = lim->bytes > e->bytes + S_DIFF_HEAD_MAX ? lim->bytes - e->bytes : 0;
        take = room > S_DIFF_HEAD_MAX ? (room - S_DIFF_HEAD_MAX) / VF_RECON_ID_BYTES : 0;
        if (take >= nextra)
            take = nextra - 1;
        if (nbits || take == 0 || e->nout + 1 > lim->ranges)
            return S_FULL;
    }
    o.ids = malloc (take ? take * VF_RECON_ID_BYTES : 1);
    if (!o.ids)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory listing recon differences");
    size_t got = 0, k = 0;
    for (; k < n; k++) {
        if (extra && !extra[k])
            continue;
        if (got == take)
            break;
        memcpy (o.ids + got++ * VF_RECON_ID_BYTES, items[k].id, VF_RECON_ID_BYTES);
    }
    bool partial = take < nextra;
    if (got != take || (partial && (k == n || k == 0))) {
        free (o.ids);
        return vf_err_set (e->err, VF_EINVAL, "recon source: fewer items than it counted");
    }
    if (partial)
        o.hi = vf_recon_bound_between (&items[k - 1], &items[k]);
    o.nids = take;
    qsort (o.ids, take, VF_RECON_ID_BYTES, s_cmp_id);
    if (nbits) {
        o.bits = malloc (nbits);
        if (!o.bits) {
            free (o.ids);
            return vf_err_set (e->err, VF_ENOMEM, "out of memory for a recon bitmap");
        }
        memcpy (o.bits, bits, nbits);
        memcpy (o.check, check, VF_RECON_FP_BYTES);
    }
    for (size_t j = 0; j < take; j++)
        if (s_ids_push (&e->have, o.ids + j * VF_RECON_ID_BYTES)) {
            free (o.ids);
            free (o.bits);
            return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
        }
    int rc = s_emit (e, &o);
    if (rc)
        return rc;
    if (partial)
        *m = o.hi;
    return partial ? S_TRUNC : 0;
}

/*  Split [lo, hi) (count items of ours) and answer each part: its ids if
    it holds at most ids_max items (neighbours merged while they stay
    within ids_max), else its fingerprint. The source's split is used when
    it separates items; otherwise the engine splits by count. */
static int
s_split (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t count,
         const s_lim_t *lim, vf_recon_bound_t *m)
{
    size_t k = e->branch;
    vf_recon_bound_t *b = malloc ((k + 1) * sizeof *b);
    uint64_t *cnt = malloc (k * sizeof *cnt);
    uint8_t (*fps)[VF_RECON_FP_BYTES] = malloc (k * sizeof *fps);
    int rc = 0;
    if (!b || !cnt || !fps) {
        rc = vf_err_set (e->err, VF_ENOMEM, "out of memory splitting a recon range");
        goto out;
    }
    size_t nsub = 0;
    bool useful = false;
    b[0] = *lo;
    if (e->src->split) {
        size_t nb = 0;
        if ((rc = e->src->split (e->src->ctx, lo, hi, k, b + 1, &nb))) {
            rc = vf_err_set (e->err, rc, "recon source: split failed: %s", vf_strerror (rc));
            goto out;
        }
        if (nb > k - 1) {
            rc = vf_err_set (e->err, VF_EINVAL, "recon source: split into %zu parts (asked %zu)",
                             nb + 1, k);
            goto out;
        }
        b[nb + 1] = *hi;
        nsub = nb + 1;
        for (size_t j = 0; j < nsub && rc == 0; j++)
            if (vf_recon_bound_cmp (&b[j], &b[j + 1]) >= 0)
                rc = vf_err_set (e->err, VF_EINVAL, "recon source: split bounds out of order");
        for (size_t j = 0; j < nsub && rc == 0; j++)
            rc = s_fingerprint (e, &b[j], &b[j + 1], &cnt[j], fps[j]);
        if (rc)
            goto out;
        useful = nsub > 1;
        for (size_t j = 0; j < nsub; j++)
            useful = useful && cnt[j] < count;
    }
    if (!useful) {
        nsub = 0;
        uint64_t prev = 0;
        for (size_t j = 1; j < k && rc == 0; j++) {
            uint64_t at = count / k * j + count % k * j / k;
            if (at == prev || at == 0 || at >= count)
                continue;
            rc = s_nth_bound (e, lo, hi, at, &b[++nsub]);
            prev = at;
        }
        b[++nsub] = *hi;
        for (size_t j = 0; j < nsub && rc == 0; j++)
            rc = s_fingerprint (e, &b[j], &b[j + 1], &cnt[j], fps[j]);
        if (rc)
            goto out;
    }
    for (size_t j = 0; j < nsub && rc == 0;) {
        size_t end = j;
        if (cnt[j] <= e->ids_max) {
            uint64_t sum = cnt[j];
            while (end + 1 < nsub && sum + cnt[end + 1] <= e->ids_max)
                sum += cnt[++end];
            rc = s_emit_ids (e, &b[j], &b[end + 1], sum, lim);
        } else
            rc = s_emit_fp (e, &b[j + 1], cnt[j], fps[j], lim);
        if (rc == S_FULL && j > 0) {
            *m = b[j];
            rc = S_TRUNC;
        }
        j = end + 1;
    }
out:
    free (b);
    free (cnt);
    free (fps);
    return rc;
}

/*  The peer holds one item fewer than we do in [lo, hi) (count items):
    is it all of ours but one? Hashes each candidate, within the budget. */
static int
s_try_one (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t count,
           const vf_recon_range_t *r, const s_lim_t *lim, vf_recon_bound_t *m)
{
    if (count > VF_RECON_LOAD_MAX || 2 * count > e->budget)
        return S_NO;
    e->budget -= count; /* the hashing; s_items charges the reading */
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    int rc = s_items (e, lo, hi, (size_t) count, &items, &n);
    if (rc)
        return rc;
    vf_recon_acc_t all = { { 0 }, 0 };
    for (size_t k = 0; k < n; k++)
        vf_recon_acc_add (&all, items[k].id);
    rc = S_NO;
    for (size_t k = 0; k < n && rc == S_NO; k++) {
        vf_recon_acc_t acc = all;
        uint8_t fp[VF_RECON_FP_BYTES];
        vf_recon_acc_sub (&acc, items[k].id);
        vf_recon_acc_fingerprint (&acc, fp);
        if (memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0)
            rc = s_emit_extras (e, &items[k], 1, NULL, 1, hi, NULL, 0, NULL, lim, m);
    }
    free (items);
    return rc;
}

/*  The peer holds fewer items in [lo, hi) than we do (count): are they
    our first or our last r->count items, or all but one? Then answer
    with the rest. */
static int
s_try_subset (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t count,
              const vf_recon_range_t *r, const s_lim_t *lim, vf_recon_bound_t *m)
{
    uint64_t theirs = r->count, extra = count - theirs;
    vf_recon_bound_t from = *lo, to = *hi;
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    bool found = false;
    int rc = 0;
    if (theirs == 0) {
        vf_recon_acc_t acc = { { 0 }, 0 };
        vf_recon_acc_fingerprint (&acc, fp);
        found = memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0;
    } else {
        /* prefix: ours in [lo, x) are theirs, [x, hi) the extras */
        if ((rc = s_nth_bound (e, lo, hi, theirs, &from)) ||
            (rc = s_fingerprint (e, lo, &from, &c, fp)))
            return rc;
        found = c == theirs && memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0;
        if (!found) {
            /* suffix: ours in [y, hi) are theirs, [lo, y) the extras */
            from = *lo;
            if ((rc = s_nth_bound (e, lo, hi, extra, &to)) ||
                (rc = s_fingerprint (e, &to, hi, &c, fp)))
                return rc;
            found = c == theirs && memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0;
        }
    }
    if (!found)
        return extra == 1 ? s_try_one (e, lo, hi, count, r, lim, m) : S_NO;
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    size_t want = extra > VF_RECON_LOAD_MAX ? VF_RECON_LOAD_MAX + 1 : (size_t) extra;
    if ((rc = s_items (e, &from, &to, want, &items, &n)))
        return rc;
    rc = s_emit_extras (e, items, n, NULL, extra, hi, NULL, 0, NULL, lim, m);
    free (items);
    return rc;
}

/*  The peer's fingerprint of [lo, hi). */
static int
s_answer_fp (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r, const s_lim_t *lim,
             vf_recon_bound_t *m)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = s_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc)
        return rc;
    if (memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0)
        return s_emit_skip (e, &r->hi);
    if (c > r->count && (rc = s_try_subset (e, lo, &r->hi, c, r, lim, m)) != S_NO)
        return rc;
    if (c <= e->ids_max)
        return s_emit_ids (e, lo, &r->hi, c, lim);
    /* The peer holds one more: send the range back for it to test (the
       side holding more never sends a range back, so this ends). */
    if (r->count == c + 1)
        return s_emit_fp (e, &r->hi, c, fp, lim);
    return s_split (e, lo, &r->hi, c, lim, m);
}

/*  Index of ours sorted by id. */
typedef struct {
    const uint8_t *id;
    size_t at;
} s_byid_t;

static int
s_cmp_byid (const void *a, const void *b)
{
    return memcmp (((const s_byid_t *) a)->id, ((const s_byid_t *) b)->id, VF_RECON_ID_BYTES);
}

/*  Compare the peer's list (sorted ids) with our items: flag ours that
    are not in the list, set the bits of listed ids we do not hold. */
static int
s_compare_lists (s_eng_t *e, const vf_recon_range_t *r, const vf_recon_item_t *items, size_t n,
                 bool *extra, uint64_t *nextra, uint8_t *bits, bool *anybit)
{
    s_byid_t *by = malloc ((n ? n : 1) * sizeof *by);
    if (!by)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory comparing recon ids");
    for (size_t k = 0; k < n; k++)
        by[k] = (s_byid_t){ items[k].id, k };
    qsort (by, n, sizeof *by, s_cmp_byid);
    size_t i = 0, j = 0;
    *nextra = n;
    *anybit = false;
    for (size_t k = 0; k < n; k++)
        extra[k] = true;
    while (i < r->nids) {
        const uint8_t *id = r->ids + i * VF_RECON_ID_BYTES;
        int c = j < n ? memcmp (id, by[j].id, VF_RECON_ID_BYTES) : -1;
        if (c == 0) {
            extra[by[j].at] = false;
            (*nextra)--;
            i++, j++;
        } else if (c < 0) {
            bits[i / 8] |= (uint8_t) (1u << (i % 8));
            *anybit = true;
            i++;
        } else
            j++;
    }
    free (by);
    return 0;
}

/*  The peer's complete list of ids in [lo, hi). */
static int
s_answer_ids (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r, const s_lim_t *lim,
              vf_recon_bound_t *m)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES], theirs[VF_RECON_FP_BYTES];
    int rc = s_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc)
        return rc;
    s_ids_fingerprint (r->ids, r->nids, theirs);
    if (memcmp (fp, theirs, VF_RECON_FP_BYTES) == 0)
        return s_emit_skip (e, &r->hi);
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    if (c > VF_RECON_LOAD_MAX) {
        if (r->nids)
            return s_split (e, lo, &r->hi, c, lim, m);
        if ((rc = s_items (e, lo, &r->hi, VF_RECON_LOAD_MAX + 1, &items, &n)))
            return rc;
        rc = s_emit_extras (e, items, n, NULL, c, &r->hi, NULL, 0, NULL, lim, m);
        free (items);
        return rc;
    }
    if ((rc = s_items (e, lo, &r->hi, (size_t) c, &items, &n)))
        return rc;
    size_t nbits = (r->nids + 7) / 8;
    bool *extra = malloc (n ? n : 1);
    uint8_t *bits = calloc (nbits ? nbits : 1, 1);
    uint64_t nextra = 0;
    bool anybit = false;
    if (!extra || !bits)
        rc = vf_err_set (e->err, VF_ENOMEM, "out of memory comparing recon ids");
    if (rc == 0)
        rc = s_compare_lists (e, r, items, n, extra, &nextra, bits, &anybit);
    if (rc == 0 && nextra == 0 && !anybit)
        rc = s_emit_skip (e, &r->hi);
    else if (rc == 0)
        rc = s_emit_extras (e, items, n, extra, nextra, &r->hi, anybit ? bits : NULL,
                            anybit ? nbits : 0, theirs, lim, m);
    if (rc == 0 && anybit)
        for (size_t i = 0; i < r->nids && rc == 0; i++)
            if (bits[i / 8] & (1u << (i % 8)) &&
                s_ids_push (&e->need, r->ids + i * VF_RECON_ID_BYTES))
                rc = vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    free (items);
    free (extra);
    free (bits);
    if (rc == S_FULL && anybit)
        return s_split (e, lo, &r->hi, c, lim, m);
    return rc;
}

/*  The peer's differences in [lo, hi): ids we lack, and which of the ids
    we listed it lacks. A bitmap that no longer matches our items (they
    changed since we listed them) is ignored: the next exchange finds
    those differences again. */
static int
s_take_diff (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r)
{
    for (size_t i = 0; i < r->nids; i++)
        if (s_ids_push (&e->need, r->ids + i * VF_RECON_ID_BYTES))
            return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    if (!r->nbits_bytes)
        return 0;
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = s_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc || c > VF_RECON_IDS_LIMIT || (c + 7) / 8 != r->nbits_bytes ||
        memcmp (fp, r->check, VF_RECON_FP_BYTES) != 0)
        return rc;
    if (c % 8 && r->bits[c / 8] >> (c % 8))
        return 0; /* bits beyond our list */
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    e->budget += c; /* at most VF_RECON_IDS_LIMIT: not charged */
    if ((rc = s_items (e, lo, &r->hi, (size_t) c, &items, &n)))
        return rc;
    uint8_t *ids = malloc (n ? n * VF_RECON_ID_BYTES : 1);
    if (!ids) {
        free (items);
        return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    }
    for (size_t k = 0; k < n; k++)
        memcpy (ids + k * VF_RECON_ID_BYTES, items[k].id, VF_RECON_ID_BYTES);
    qsort (ids, n, VF_RECON_ID_BYTES, s_cmp_id);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (r->bits[i / 8] & (1u << (i % 8)) && s_ids_push (&e->have, ids + i * VF_RECON_ID_BYTES))
            rc = vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    free (ids);
    free (items);
    return rc;
}

/* ------------------------------------------------------ planning a reply */

/*  Ranges that ask for an answer (fingerprints, id lists) are "open";
    skips and differences are "closed". When the reply would outgrow the
    frame, each run of consecutive open ranges not yet answered is sent
    back as one fingerprint of ours (the peer answers it next round) and
    each closed run as a skip. The plan bounds the size of that deferred
    form: bytes[k] for the runs from run k on. If it cannot fit (a peer
    with a larger frame, or hostile), skips are merged into the deferred
    fingerprints as well (the peer compares those ranges again), and if
    even that cannot fit, the message is cut (see s_process). */
typedef struct {
    bool merge_skips; /* skips count as open */
    size_t *run;      /* run of each range */
    size_t *bytes;    /* per run, then summed from the end */
    size_t nruns;
} s_plan_t;

static bool
s_is_open (const vf_recon_range_t *r)
{
    return r->mode == VF_RECON_FP || r->mode == VF_RECON_IDS;
}

static bool
s_deferred_open (const s_plan_t *plan, const vf_recon_range_t *r)
{
    return s_is_open (r) || (plan->merge_skips && r->mode == VF_RECON_SKIP);
}

static int
s_plan (s_eng_t *e, const vf_recon_msg_t *msg, bool merge_skips, s_plan_t *plan)
{
    free (plan->run);
    free (plan->bytes);
    plan->merge_skips = merge_skips;
    plan->run = malloc ((msg->n ? msg->n : 1) * sizeof *plan->run);
    plan->bytes = calloc (msg->n + 1, sizeof *plan->bytes);
    plan->nruns = 0;
    if (!plan->run || !plan->bytes)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory planning a recon reply");
    uint64_t prev = 0;
    for (size_t i = 0; i < msg->n; i++) {
        const vf_recon_range_t *r = &msg->ranges[i];
        bool open = s_deferred_open (plan, r);
        if (i == 0 || open != s_deferred_open (plan, &msg->ranges[i - 1]))
            plan->nruns++;
        plan->run[i] = plan->nruns - 1;
        if (i + 1 < msg->n && open == s_deferred_open (plan, &msg->ranges[i + 1]))
            continue;
        vf_recon_range_t d = { .mode = open ? VF_RECON_FP : VF_RECON_SKIP,
                               .hi = r->hi,
                               .count = UINT64_MAX };
        plan->bytes[plan->nruns - 1] = vf_recon_range_size (&d, prev);
        prev = r->hi.time;
    }
    for (size_t k = plan->nruns; k-- > 0;)
        plan->bytes[k] += plan->bytes[k + 1];
    return 0;
}

static bool
s_plan_fits (const s_eng_t *e, const s_plan_t *plan)
{
    return plan->bytes[0] + S_SLACK + S_HEAD_MAX + S_FP_MAX <= e->frame &&
           plan->nruns + 2 <= VF_RECON_RANGES_MAX;
}

/*  Room to answer range i: what is left once the deferred form of the
    ranges after it and a closing fingerprint are set aside. */
static s_lim_t
s_limit (const s_eng_t *e, const s_plan_t *plan, const vf_recon_msg_t *msg, size_t i, size_t tail)
{
    size_t k = plan->run[i];
    if (i + 1 == msg->n || plan->run[i + 1] != k)
        k++;
    size_t reserve = plan->bytes[k] + tail + S_SLACK + S_FP_MAX + S_HEAD_MAX;
    size_t rranges = plan->nruns - k + 3;
    s_lim_t lim = { e->frame > reserve ? e->frame - reserve : 0,
                    VF_RECON_RANGES_MAX > rranges ? VF_RECON_RANGES_MAX - rranges : 0 };
    return lim;
}

/*  Send the open ranges from lo to hi back as one fingerprint. */
static int
s_defer (s_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = s_fingerprint (e, lo, hi, &c, fp);
    return rc ? rc : s_emit_fp (e, hi, c, fp, NULL);
}

/*  Build the reply to msg in e. */
static int
s_process (s_eng_t *e, const vf_recon_msg_t *msg)
{
    s_plan_t plan = { 0 };
    vf_recon_msg_t view = *msg;
    int rc = s_plan (e, &view, false, &plan);
    if (rc == 0 && !s_plan_fits (e, &plan))
        rc = s_plan (e, &view, true, &plan);
    if (rc == 0 && !s_plan_fits (e, &plan)) {
        /* Answer the first runs within half the frame; send the rest
           back as one fingerprint, its differences unread (the peer
           finds them again, and may list some ids twice). */
        size_t budget = (e->frame - S_SLACK - S_HEAD_MAX - 2 * S_FP_MAX) / 2;
        while (view.n > 0 && (plan.bytes[0] - plan.bytes[plan.run[view.n - 1] + 1] > budget ||
                              plan.run[view.n - 1] + 2 >= VF_RECON_RANGES_MAX / 2))
            view.n--;
        rc = s_plan (e, &view, true, &plan);
    }
    size_t tail = view.n < msg->n ? S_FP_MAX : 0;
    bool deferring = false, pending = false;
    vf_recon_bound_t lo = vf_recon_bound_lowest (), from = lo;
    for (size_t i = 0; i < view.n && rc == 0; i++) {
        const vf_recon_range_t *r = &msg->ranges[i];
        if (deferring && s_deferred_open (&plan, r)) {
            if (!pending)
                from = lo;
            pending = true;
        } else if (!s_is_open (r)) {
            if (pending && (rc = s_defer (e, &from, &lo)))
                break;
            pending = false;
            if (r->mode == VF_RECON_DIFF)
                rc = s_take_diff (e, &lo, r);
            if (rc == 0)
                rc = s_emit_skip (e, &r->hi);
        } else {
            s_lim_t lim = s_limit (e, &plan, &view, i, tail);
            vf_recon_bound_t m;
            rc = e->bytes > lim.bytes || e->nout >= lim.ranges ? S_FULL
                 : r->mode == VF_RECON_FP                      ? s_answer_fp (e, &lo, r, &lim, &m)
                                                               : s_answer_ids (e, &lo, r, &lim, &m);
            if (rc == S_FULL || rc == S_TRUNC) {
                from = rc == S_FULL ? lo : m;
                deferring = pending = true;
                rc = 0;
            }
        }
        lo = r->hi;
    }
    if (rc == 0 && view.n < msg->n) {
        if (!pending)
            from = lo;
        pending = true;
        lo = vf_recon_bound_inf ();
    }
    if (rc == 0 && pending)
        rc = s_defer (e, &from, &lo);
    free (plan.run);
    free (plan.bytes);
    return rc;
}

/* ------------------------------------------------------------- the API */

static int
s_params (const vf_recon_params_t *p, s_eng_t *e, vf_err_t *err)
{
    vf_recon_params_t d = { VF_RECON_BRANCH_DEFAULT, VF_RECON_IDS_DEFAULT, VF_RECON_FRAME_MAX };
    if (!p)
        p = &d;
    if (p->branch < 2 || p->branch > VF_RECON_BRANCH_MAX)
        return vf_err_set (err, VF_EINVAL, "recon branch %u (expected 2..%d)", p->branch,
                           VF_RECON_BRANCH_MAX);
    if (p->ids_max < 1 || p->ids_max > VF_RECON_IDS_LIMIT)
        return vf_err_set (err, VF_EINVAL, "recon ids_max %u (expected 1..%d)", p->ids_max,
                           VF_RECON_IDS_LIMIT);
    if (p->frame_max < VF_RECON_FRAME_MIN || p->frame_max > VF_RECON_FRAME_MAX)
        return vf_err_set (err, VF_EINVAL, "recon frame_max %zu (expected %u..%u)", p->frame_max,
                           VF_RECON_FRAME_MIN, VF_RECON_FRAME_MAX);
    e->branch = p->branch;
    e->ids_max = p->ids_max;
    e->frame = p->frame_max;
    return 0;
}

static bool
s_source_ok (const vf_recon_source_t *src)
{
    return src && src->fingerprint && src->items && src->nth_bound;
}

/*  Encode the reply in e (no ranges when all of it is one skip). */
static int
s_encode (s_eng_t *e, uint8_t **out, size_t *len)
{
    size_t n = e->nout == 1 && e->out[0].mode == VF_RECON_SKIP ? 0 : e->nout;
    vf_recon_range_t *ranges = malloc ((n ? n : 1) * sizeof *ranges);
    if (!ranges)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory encoding a recon reply");
    for (size_t k = 0; k < n; k++)
        ranges[k] = s_view (&e->out[k]);
    vf_recon_msg_t msg = { ranges, n };
    int rc = vf_recon_msg_encode (&msg, out, len, e->err);
    free (ranges);
    if (rc == 0 && *len > e->frame) {
        free (*out);
        *out = NULL;
        rc = vf_err_set (e->err, VF_EINVAL, "recon reply of %zu bytes over the frame of %zu", *len,
                         e->frame);
    }
    return rc;
}

static void
s_eng_clear (s_eng_t *e)
{
    for (size_t k = 0; k < e->nout; k++) {
        free (e->out[k].ids);
        free (e->out[k].bits);
    }
    free (e->out);
    vf_recon_ids_clear (&e->have);
    vf_recon_ids_clear (&e->need);
}

int
vf_recon_initiate (const vf_recon_source_t *src, const vf_recon_params_t *params, uint8_t **msg,
                   size_t *len, vf_err_t *err)
{
    *msg = NULL;
    *len = 0;
    s_eng_t e = { .src = src, .err = err };
    if (!s_source_ok (src))
        return vf_err_set (err, VF_EINVAL, "recon source without its functions");
    int rc = s_params (params, &e, err);
    if (rc == 0) {
        vf_recon_bound_t lo = vf_recon_bound_lowest (), hi = vf_recon_bound_inf ();
        rc = s_defer (&e, &lo, &hi);
    }
    if (rc == 0)
        rc = s_encode (&e, msg, len);
    s_eng_clear (&e);
    return rc;
}

int
vf_recon_respond (const vf_recon_source_t *src, const vf_recon_params_t *params, const uint8_t *in,
                  size_t inlen, uint8_t **out, size_t *outlen, vf_recon_ids_t *have,
                  vf_recon_ids_t *need, bool *done, vf_err_t *err)
{
    *out = NULL;
    *outlen = 0;
    *done = false;
    s_eng_t e = { .src = src, .err = err, .budget = VF_RECON_WORK_MAX };
    if (!s_source_ok (src) || !have || !need || (!in && inlen))
        return vf_err_set (err, VF_EINVAL, "recon respond: missing source, input or lists");
    int rc = s_params (params, &e, err);
    if (rc)
        return rc;
    vf_recon_msg_t msg = { NULL, 0 };
    if ((rc = vf_recon_msg_decode (&msg, in, inlen, err)))
        return rc;
    bool open = false;
    for (size_t k = 0; k < msg.n; k++)
        open = open || s_is_open (&msg.ranges[k]);
    rc = s_process (&e, &msg);
    bool reply_open = false;
    for (size_t k = 0; k < e.nout; k++)
        reply_open = reply_open || e.out[k].mode == VF_RECON_FP || e.out[k].mode == VF_RECON_IDS;
    if (rc == 0 && open)
        rc = s_encode (&e, out, outlen);
    size_t had = have->n, needed = need->n;
    if (rc == 0 && (rc = s_ids_append (have, &e.have)) == 0)
        rc = s_ids_append (need, &e.need);
    if (rc) {
        have->n = had;
        need->n = needed;
        free (*out);
        *out = NULL;
        *outlen = 0;
        if (rc == VF_ENOMEM)
            vf_err_set (err, rc, "out of memory recording recon results");
    } else
        *done = !reply_open;
    vf_recon_msg_clear (&msg);
    s_eng_clear (&e);
    return rc;
}
