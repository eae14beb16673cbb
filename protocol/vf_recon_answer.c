/*  vf_recon_answer.c - the engine's answers to the ranges of a message
    (docs/RECON.md "The exchange"): reading our items from the source,
    settling what can be settled, listing, splitting, and the pieces of the
    reply with their sizes checked against the room left in the frame. */
#include "vf_recon_int.h"

#include <stdlib.h>
#include <string.h>

vf_recon_range_t
vf_recon_out_view (const vf_recon_out_t *o)
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
s_out_size (const vf_recon_eng_t *e, const vf_recon_out_t *o, size_t at)
{
    vf_recon_range_t r = vf_recon_out_view (o);
    return vf_recon_range_size (&r, at ? e->out[at - 1].hi.time : 0);
}

static bool
s_fits (const vf_recon_eng_t *e, size_t size, const vf_recon_lim_t *lim)
{
    return e->bytes + size <= lim->bytes && e->nout + 1 <= lim->ranges;
}

/*  Append o to the reply, taking its buffers; adjacent skips merge. */
int
vf_recon_emit (vf_recon_eng_t *e, vf_recon_out_t *o)
{
    if (o->mode == VF_RECON_SKIP && e->nout && e->out[e->nout - 1].mode == VF_RECON_SKIP) {
        vf_recon_out_t *last = &e->out[e->nout - 1];
        e->bytes -= s_out_size (e, last, e->nout - 1);
        last->hi = o->hi;
        e->bytes += s_out_size (e, last, e->nout - 1);
        return 0;
    }
    if (e->nout == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        vf_recon_out_t *more = realloc (e->out, cap * sizeof *more);
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

int
vf_recon_emit_skip (vf_recon_eng_t *e, const vf_recon_bound_t *hi)
{
    vf_recon_out_t o = { .mode = VF_RECON_SKIP, .hi = *hi };
    return vf_recon_emit (e, &o);
}

/* ------------------------------------------------- reading the source */

int
vf_recon_src_fingerprint (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
                          uint64_t *count, uint8_t fp[VF_RECON_FP_BYTES])
{
    int rc = e->src->fingerprint (e->src->ctx, lo, hi, count, fp);
    if (rc)
        return vf_err_set (e->err, rc, "recon source: fingerprint failed: %s", vf_strerror (rc));
    return 0;
}

/*  The first min(max, count) items of [lo, hi) into a new array (caller
    frees), checked to be in order and inside the range. VF_RECON_FULL when this
    reply has used up its budget (VF_RECON_WORK_MAX). */
static int
s_items (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t max,
         vf_recon_item_t **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    if (max > e->budget)
        return VF_RECON_FULL; /* the rest waits for the next round */
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
s_nth_bound (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
             uint64_t index, vf_recon_bound_t *out)
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
int
vf_recon_emit_fp (vf_recon_eng_t *e, const vf_recon_bound_t *hi, uint64_t count,
                  const uint8_t fp[VF_RECON_FP_BYTES], const vf_recon_lim_t *lim)
{
    vf_recon_out_t o = { .mode = VF_RECON_FP, .hi = *hi, .count = count };
    memcpy (o.fp, fp, VF_RECON_FP_BYTES);
    if (lim && !s_fits (e, s_out_size (e, &o, e->nout), lim))
        return VF_RECON_FULL;
    return vf_recon_emit (e, &o);
}

/*  Our ids of [lo, hi), which holds count items. */
static int
s_emit_ids (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
            uint64_t count, const vf_recon_lim_t *lim)
{
    vf_recon_out_t o = { .mode = VF_RECON_IDS, .hi = *hi, .nids = count };
    if (!s_fits (e, s_out_size (e, &o, e->nout), lim))
        return VF_RECON_FULL;
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
    qsort (o.ids, n, VF_RECON_ID_BYTES, vf_recon_cmp_id);
    return vf_recon_emit (e, &o);
}

/*  A difference ending at hi: the items of ours flagged in extra (all of
    items when extra is NULL; nextra in all, items holding at least the
    first min(nextra, VF_RECON_LOAD_MAX + 1)) are the ids the peer lacks;
    bits marks the peer's listed ids we lack (nbits bytes, with check).
    Everything fits: one range to hi, 0. Otherwise, without a bitmap, the
    extras that fit in a range ending at the bound before the next extra,
    VF_RECON_TRUNC with that bound in *m. Otherwise VF_RECON_FULL. */
static int
s_emit_extras (vf_recon_eng_t *e, const vf_recon_item_t *items, size_t n, const bool *extra,
               uint64_t nextra, const vf_recon_bound_t *hi, const uint8_t *bits, size_t nbits,
               const uint8_t *check, const vf_recon_lim_t *lim, vf_recon_bound_t *m)
{
    vf_recon_out_t o = { .mode = VF_RECON_DIFF, .hi = *hi, .nids = nextra, .nbits_bytes = nbits };
    size_t take = nextra;
    if (nextra > VF_RECON_LOAD_MAX || !s_fits (e, s_out_size (e, &o, e->nout), lim)) {
        size_t room = lim->bytes > e->bytes + VF_RECON_DIFF_HEAD_MAX ? lim->bytes - e->bytes : 0;
        take =
            room > VF_RECON_DIFF_HEAD_MAX ? (room - VF_RECON_DIFF_HEAD_MAX) / VF_RECON_ID_BYTES : 0;
        if (take >= nextra)
            take = nextra - 1;
        if (nbits || take == 0 || e->nout + 1 > lim->ranges)
            return VF_RECON_FULL;
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
    qsort (o.ids, take, VF_RECON_ID_BYTES, vf_recon_cmp_id);
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
        if (vf_recon_ids_push (&e->have, o.ids + j * VF_RECON_ID_BYTES)) {
            free (o.ids);
            free (o.bits);
            return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
        }
    int rc = vf_recon_emit (e, &o);
    if (rc)
        return rc;
    if (partial)
        *m = o.hi;
    return partial ? VF_RECON_TRUNC : 0;
}

/*  Split [lo, hi) (count items of ours) and answer each part: its ids if
    it holds at most ids_max items (neighbours merged while they stay
    within ids_max), else its fingerprint. The source's split is used when
    no part holds more than twice its share (so that every split divides
    the items of a range by branch / 2 at least); otherwise the engine
    splits by count. */
static int
s_split (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t count,
         const vf_recon_lim_t *lim, vf_recon_bound_t *m)
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
            rc = vf_recon_src_fingerprint (e, &b[j], &b[j + 1], &cnt[j], fps[j]);
        if (rc)
            goto out;
        uint64_t most = 2 * (count / k + (count % k != 0));
        most = most < count ? most : count - 1;
        useful = nsub > 1;
        for (size_t j = 0; j < nsub; j++)
            useful = useful && cnt[j] <= most;
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
            rc = vf_recon_src_fingerprint (e, &b[j], &b[j + 1], &cnt[j], fps[j]);
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
            rc = vf_recon_emit_fp (e, &b[j + 1], cnt[j], fps[j], lim);
        if (rc == VF_RECON_FULL && j > 0) {
            *m = b[j];
            rc = VF_RECON_TRUNC;
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
s_try_one (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
           uint64_t count, const vf_recon_range_t *r, const vf_recon_lim_t *lim,
           vf_recon_bound_t *m)
{
    if (count > VF_RECON_LOAD_MAX || 2 * count > e->budget)
        return VF_RECON_NO;
    e->budget -= count; /* the hashing; s_items charges the reading */
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    int rc = s_items (e, lo, hi, (size_t) count, &items, &n);
    if (rc)
        return rc;
    vf_recon_acc_t all = { { 0 }, 0 };
    for (size_t k = 0; k < n; k++)
        vf_recon_acc_add (&all, items[k].id);
    rc = VF_RECON_NO;
    for (size_t k = 0; k < n && rc == VF_RECON_NO; k++) {
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
s_try_subset (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
              uint64_t count, const vf_recon_range_t *r, const vf_recon_lim_t *lim,
              vf_recon_bound_t *m)
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
            (rc = vf_recon_src_fingerprint (e, lo, &from, &c, fp)))
            return rc;
        found = c == theirs && memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0;
        if (!found) {
            /* suffix: ours in [y, hi) are theirs, [lo, y) the extras */
            from = *lo;
            if ((rc = s_nth_bound (e, lo, hi, extra, &to)) ||
                (rc = vf_recon_src_fingerprint (e, &to, hi, &c, fp)))
                return rc;
            found = c == theirs && memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0;
        }
    }
    if (!found)
        return extra == 1 ? s_try_one (e, lo, hi, count, r, lim, m) : VF_RECON_NO;
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
int
vf_recon_answer_fp (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r,
                    const vf_recon_lim_t *lim, vf_recon_bound_t *m)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = vf_recon_src_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc)
        return rc;
    if (memcmp (fp, r->fp, VF_RECON_FP_BYTES) == 0)
        return vf_recon_emit_skip (e, &r->hi);
    if (c > r->count && (rc = s_try_subset (e, lo, &r->hi, c, r, lim, m)) != VF_RECON_NO)
        return rc;
    if (c <= e->ids_max)
        return s_emit_ids (e, lo, &r->hi, c, lim);
    /* The peer holds one more: send the range back for it to test (the
       side holding more never sends a range back, so this ends). */
    if (r->count == c + 1)
        return vf_recon_emit_fp (e, &r->hi, c, fp, lim);
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
s_compare_lists (vf_recon_eng_t *e, const vf_recon_range_t *r, const vf_recon_item_t *items,
                 size_t n, bool *extra, uint64_t *nextra, uint8_t *bits, bool *anybit)
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
int
vf_recon_answer_ids (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r,
                     const vf_recon_lim_t *lim, vf_recon_bound_t *m)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES], theirs[VF_RECON_FP_BYTES];
    int rc = vf_recon_src_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc)
        return rc;
    vf_recon_ids_fingerprint (r->ids, r->nids, theirs);
    if (memcmp (fp, theirs, VF_RECON_FP_BYTES) == 0)
        return vf_recon_emit_skip (e, &r->hi);
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
        rc = vf_recon_emit_skip (e, &r->hi);
    else if (rc == 0)
        rc = s_emit_extras (e, items, n, extra, nextra, &r->hi, anybit ? bits : NULL,
                            anybit ? nbits : 0, theirs, lim, m);
    if (rc == 0 && anybit)
        for (size_t i = 0; i < r->nids && rc == 0; i++)
            if (bits[i / 8] & (1u << (i % 8)) &&
                vf_recon_ids_push (&e->need, r->ids + i * VF_RECON_ID_BYTES))
                rc = vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    free (items);
    free (extra);
    free (bits);
    if (rc == VF_RECON_FULL && anybit)
        return s_split (e, lo, &r->hi, c, lim, m);
    return rc;
}

/*  The peer's differences in [lo, hi): ids we lack, and which of the ids
    we listed it lacks. A bitmap that no longer matches our items (they
    changed since we listed them), or that a hostile message asks us to
    read beyond the work budget for, is ignored: the next exchange finds
    those differences again. */
int
vf_recon_take_diff (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_range_t *r)
{
    for (size_t i = 0; i < r->nids; i++)
        if (vf_recon_ids_push (&e->need, r->ids + i * VF_RECON_ID_BYTES))
            return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    if (!r->nbits_bytes)
        return 0;
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = vf_recon_src_fingerprint (e, lo, &r->hi, &c, fp);
    if (rc || c > VF_RECON_IDS_LIMIT || (c + 7) / 8 != r->nbits_bytes ||
        memcmp (fp, r->check, VF_RECON_FP_BYTES) != 0)
        return rc;
    if (c % 8 && r->bits[c / 8] >> (c % 8))
        return 0; /* bits beyond our list */
    vf_recon_item_t *items = NULL;
    size_t n = 0;
    if ((rc = s_items (e, lo, &r->hi, (size_t) c, &items, &n)))
        return rc == VF_RECON_FULL ? 0 : rc; /* over the budget: ignored too */
    uint8_t *ids = malloc (n ? n * VF_RECON_ID_BYTES : 1);
    if (!ids) {
        free (items);
        return vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    }
    for (size_t k = 0; k < n; k++)
        memcpy (ids + k * VF_RECON_ID_BYTES, items[k].id, VF_RECON_ID_BYTES);
    qsort (ids, n, VF_RECON_ID_BYTES, vf_recon_cmp_id);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (r->bits[i / 8] & (1u << (i % 8)) &&
            vf_recon_ids_push (&e->have, ids + i * VF_RECON_ID_BYTES))
            rc = vf_err_set (e->err, VF_ENOMEM, "out of memory recording recon results");
    free (ids);
    free (items);
    return rc;
}
