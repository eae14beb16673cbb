/*  vf_recon.c - range-based set reconciliation (docs/RECON.md): bounds,
    fingerprints, id lists, and the engine's API: planning a reply within
    the frame, deferring what does not fit. The answers to single ranges
    are in vf_recon_answer.c, the message codec in vf_recon_msg.c. */
#include "vf_recon_int.h"

#include <stdlib.h>
#include <string.h>

#include "vf_crypto.h"

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
void
vf_recon_ids_fingerprint (const uint8_t *ids, size_t n, uint8_t fp[VF_RECON_FP_BYTES])
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

int
vf_recon_ids_push (vf_recon_ids_t *list, const uint8_t id[VF_RECON_ID_BYTES])
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
        if (vf_recon_ids_push (to, from->ids[k]))
            return VF_ENOMEM;
    return 0;
}

int
vf_recon_cmp_id (const void *a, const void *b)
{
    return memcmp (a, b, VF_RECON_ID_BYTES);
}

/* ------------------------------------------------------ planning a reply */

/*  Slack for the estimated sizes of deferred ranges. */
#define S_SLACK 16

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
s_plan (vf_recon_eng_t *e, const vf_recon_msg_t *msg, bool merge_skips, s_plan_t *plan)
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
s_plan_fits (const vf_recon_eng_t *e, const s_plan_t *plan)
{
    return plan->bytes[0] + S_SLACK + VF_RECON_HEAD_MAX + VF_RECON_FP_RANGE_MAX <= e->frame &&
           plan->nruns + 2 <= VF_RECON_RANGES_MAX;
}

/*  Room to answer range i: what is left once the deferred form of the
    ranges after it and a closing fingerprint are set aside. */
static vf_recon_lim_t
s_limit (const vf_recon_eng_t *e, const s_plan_t *plan, const vf_recon_msg_t *msg, size_t i,
         size_t tail)
{
    size_t k = plan->run[i];
    if (i + 1 == msg->n || plan->run[i + 1] != k)
        k++;
    size_t reserve = plan->bytes[k] + tail + S_SLACK + VF_RECON_FP_RANGE_MAX + VF_RECON_HEAD_MAX;
    size_t rranges = plan->nruns - k + 3;
    vf_recon_lim_t lim = { e->frame > reserve ? e->frame - reserve : 0,
                           VF_RECON_RANGES_MAX > rranges ? VF_RECON_RANGES_MAX - rranges : 0 };
    return lim;
}

/*  Send the open ranges from lo to hi back as one fingerprint. */
static int
s_defer (vf_recon_eng_t *e, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi)
{
    uint64_t c = 0;
    uint8_t fp[VF_RECON_FP_BYTES];
    int rc = vf_recon_src_fingerprint (e, lo, hi, &c, fp);
    return rc ? rc : vf_recon_emit_fp (e, hi, c, fp, NULL);
}

/*  Build the reply to msg in e. */
static int
s_process (vf_recon_eng_t *e, const vf_recon_msg_t *msg)
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
        size_t budget = (e->frame - S_SLACK - VF_RECON_HEAD_MAX - 2 * VF_RECON_FP_RANGE_MAX) / 2;
        while (view.n > 0 && (plan.bytes[0] - plan.bytes[plan.run[view.n - 1] + 1] > budget ||
                              plan.run[view.n - 1] + 2 >= VF_RECON_RANGES_MAX / 2))
            view.n--;
        rc = s_plan (e, &view, true, &plan);
    }
    size_t tail = view.n < msg->n ? VF_RECON_FP_RANGE_MAX : 0;
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
                rc = vf_recon_take_diff (e, &lo, r);
            if (rc == 0)
                rc = vf_recon_emit_skip (e, &r->hi);
        } else {
            vf_recon_lim_t lim = s_limit (e, &plan, &view, i, tail);
            vf_recon_bound_t m;
            rc = e->bytes > lim.bytes || e->nout >= lim.ranges ? VF_RECON_FULL
                 : r->mode == VF_RECON_FP ? vf_recon_answer_fp (e, &lo, r, &lim, &m)
                                          : vf_recon_answer_ids (e, &lo, r, &lim, &m);
            if (rc == VF_RECON_FULL || rc == VF_RECON_TRUNC) {
                from = rc == VF_RECON_FULL ? lo : m;
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
s_params (const vf_recon_params_t *p, vf_recon_eng_t *e, vf_err_t *err)
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
s_encode (vf_recon_eng_t *e, uint8_t **out, size_t *len)
{
    size_t n = e->nout == 1 && e->out[0].mode == VF_RECON_SKIP ? 0 : e->nout;
    vf_recon_range_t *ranges = malloc ((n ? n : 1) * sizeof *ranges);
    if (!ranges)
        return vf_err_set (e->err, VF_ENOMEM, "out of memory encoding a recon reply");
    for (size_t k = 0; k < n; k++)
        ranges[k] = vf_recon_out_view (&e->out[k]);
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
s_eng_clear (vf_recon_eng_t *e)
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
    vf_recon_eng_t e = { .src = src, .err = err };
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
    vf_recon_eng_t e = { .src = src, .err = err, .budget = VF_RECON_WORK_MAX };
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
