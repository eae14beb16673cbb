/*  vf_recon_mem.c - an in-memory item source for reconciliation: a sorted
    array with prefix sums, so that the fingerprint of any range costs two
    binary searches and one hash. Splits by item count. For tests, fuzzing
    and benchmarks; the node reads from the store instead. */
#include "vf_recon.h"

#include <stdlib.h>
#include <string.h>

struct _vf_recon_mem_t {
    vf_recon_item_t *items; /* sorted, unique */
    size_t n;
    vf_recon_acc_t *sums; /* sums[k]: the first k items (n + 1 entries) */
};

static int
s_cmp_item (const void *a, const void *b)
{
    return vf_recon_item_cmp (a, b);
}

vf_recon_mem_t *
vf_recon_mem_new (const vf_recon_item_t *items, size_t n)
{
    vf_recon_mem_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->items = malloc ((n ? n : 1) * sizeof *self->items);
    self->sums = malloc ((n + 1) * sizeof *self->sums);
    if (!self->items || !self->sums) {
        vf_recon_mem_destroy (&self);
        return NULL;
    }
    if (n)
        memcpy (self->items, items, n * sizeof *items);
    qsort (self->items, n, sizeof *self->items, s_cmp_item);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || vf_recon_item_cmp (&self->items[m - 1], &self->items[k]) != 0)
            self->items[m++] = self->items[k];
    self->n = m;
    memset (&self->sums[0], 0, sizeof self->sums[0]);
    for (size_t k = 0; k < m; k++) {
        self->sums[k + 1] = self->sums[k];
        vf_recon_acc_add (&self->sums[k + 1], self->items[k].id);
    }
    return self;
}

void
vf_recon_mem_destroy (vf_recon_mem_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vf_recon_mem_t *self = *self_p;
    free (self->items);
    free (self->sums);
    free (self);
    *self_p = NULL;
}

size_t
vf_recon_mem_size (const vf_recon_mem_t *self)
{
    return self->n;
}

const vf_recon_item_t *
vf_recon_mem_item (const vf_recon_mem_t *self, size_t i)
{
    return i < self->n ? &self->items[i] : NULL;
}

/*  Index of the first item at or above b. */
static size_t
s_lower (const vf_recon_mem_t *self, const vf_recon_bound_t *b)
{
    size_t lo = 0, hi = self->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vf_recon_item_at_or_above (&self->items[mid], b))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/*  [i, j) as indexes; an inverted range is empty. */
static void
s_span (const vf_recon_mem_t *self, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi,
        size_t *i, size_t *j)
{
    *i = s_lower (self, lo);
    *j = s_lower (self, hi);
    if (*j < *i)
        *j = *i;
}

static int
s_fingerprint (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t *count,
               uint8_t fp[VF_RECON_FP_BYTES])
{
    const vf_recon_mem_t *self = ctx;
    size_t i, j;
    s_span (self, lo, hi, &i, &j);
    vf_recon_acc_t acc = self->sums[j];
    vf_recon_acc_unmerge (&acc, &self->sums[i]);
    vf_recon_acc_fingerprint (&acc, fp);
    *count = acc.count;
    return 0;
}

static int
s_items (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, vf_recon_item_t *out,
         size_t max, size_t *n)
{
    const vf_recon_mem_t *self = ctx;
    size_t i, j;
    s_span (self, lo, hi, &i, &j);
    *n = j - i < max ? j - i : max;
    if (*n)
        memcpy (out, &self->items[i], *n * sizeof *out);
    return 0;
}

static int
s_nth_bound (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, uint64_t index,
             vf_recon_bound_t *out)
{
    const vf_recon_mem_t *self = ctx;
    size_t i, j;
    s_span (self, lo, hi, &i, &j);
    if (index == 0 || index >= j - i)
        return VF_EINVAL;
    *out = vf_recon_bound_between (&self->items[i + index - 1], &self->items[i + index]);
    return 0;
}

static int
s_split (void *ctx, const vf_recon_bound_t *lo, const vf_recon_bound_t *hi, size_t k,
         vf_recon_bound_t *bounds, size_t *nbounds)
{
    const vf_recon_mem_t *self = ctx;
    size_t i, j;
    s_span (self, lo, hi, &i, &j);
    size_t count = j - i, prev = 0;
    *nbounds = 0;
    for (size_t p = 1; p < k; p++) {
        size_t at = count / k * p + count % k * p / k;
        if (at == prev || at == 0 || at >= count)
            continue;
        bounds[(*nbounds)++] =
            vf_recon_bound_between (&self->items[i + at - 1], &self->items[i + at]);
        prev = at;
    }
    return 0;
}

vf_recon_source_t
vf_recon_mem_source (vf_recon_mem_t *self)
{
    vf_recon_source_t src = { .ctx = self,
                              .fingerprint = s_fingerprint,
                              .items = s_items,
                              .nth_bound = s_nth_bound,
                              .split = s_split };
    return src;
}
