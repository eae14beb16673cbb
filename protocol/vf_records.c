/*  vf_records.c - imported records made ready to sign (seq, time,
    audience, minted IRIs) and signed records checked against their
    claimed envelope. */
#include "vf_jsonld.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_jsonld_int.h"
#include "vf_text.h"
#include "vf_vocab.h"

static int
s_u64_cmp (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

/*  Replace a blank node reference (a string "_:x") by its minted IRI. */
static int
s_rewrite_one (json_t *v, const json_t *minted, vf_err_t *err)
{
    char q[VF_QUOTE_MAX];
    const char *s = json_string_value (v);
    if (!s || strncmp (s, "_:", 2) != 0)
        return 0;
    const json_t *iri = json_object_get (minted, s);
    if (!iri)
        return vf_err_set (err, VF_EINVALID,
                           "reference to blank node %s, which the document does not define",
                           vf_quote (q, sizeof q, s, json_string_length (v)));
    return json_string_set (v, json_string_value (iri)) ? VF_ENOMEM : 0;
}

/*  Rewrite blank node references in the values of the body's reference
    properties (never in text, tags or extension values), and sort the
    many-valued ones again. */
static int
s_rewrite (vf_entry_t *e, const json_t *minted, vf_err_t *err)
{
    const vf_class_t *cls = vf_class_by_name (e->cls);
    const char *key;
    json_t *v;
    json_object_foreach (e->body, key, v) {
        const vf_prop_t *prop = cls ? vf_class_prop (cls, key) : NULL;
        if (!prop || prop->type != VF_PT_IRI)
            continue;
        int rc = 0;
        if (json_is_array (v)) {
            for (size_t k = 0; k < json_array_size (v) && rc == 0; k++)
                rc = s_rewrite_one (json_array_get (v, k), minted, err);
            if (rc == 0)
                rc = vf_jsonld_sort_values (v);
        } else
            rc = s_rewrite_one (v, minted, err);
        if (rc) {
            vf_err_prefix (err, "%s", key);
            return rc;
        }
    }
    return 0;
}

/*  Take seq, time and audience from the envelope or the defaults. */
static int
s_envelope (vf_record_t *rec, const uint8_t author[VF_KEY_BYTES], uint64_t *next_seq,
            const uint64_t *claimed, size_t nclaimed, uint64_t now_ms, const vf_entry_t *audience,
            vf_err_t *err)
{
    vf_entry_t *e = rec->entry;
    char key[VF_TEXT_MAX];
    if (rec->has_author && memcmp (e->author, author, VF_KEY_BYTES) != 0)
        return vf_err_set (err, VF_EINVALID, "record was signed by %s, not by this key",
                           vf_text_encode (key, VF_TEXT_KEY, e->author));
    memcpy (e->author, author, VF_KEY_BYTES);
    if (!rec->has_seq) {
        while (*next_seq <= VF_SEQ_MAX &&
               bsearch (next_seq, claimed, nclaimed, sizeof *claimed, s_u64_cmp))
            (*next_seq)++;
        if (*next_seq == 0 || *next_seq > VF_SEQ_MAX)
            return vf_err_set (err, VF_ERANGE, "seq would be above %" PRIu64,
                               (uint64_t) VF_SEQ_MAX);
        e->seq = (*next_seq)++;
    }
    if (!rec->has_time)
        e->time = now_ms;
    if (!rec->has_audience) {
        e->is_public = true;
        e->naudience = 0;
        for (size_t k = 0; audience && k < audience->naudience; k++)
            if (vf_entry_add_network (e, audience->audience[k]))
                return vf_err_set (err, VF_EINVALID, "more than %d networks", VF_AUDIENCE_MAX);
    }
    return 0;
}

/*  Mint urn:vfnode:<author>:<seq> for a record without an IRI. */
static int
s_mint (vf_record_t *rec, json_t *minted, vf_err_t *err)
{
    vf_entry_t *e = rec->entry;
    char key[VF_TEXT_MAX], q[VF_QUOTE_MAX];
    const char *iri = vf_entry_iri (e);
    if (iri && strncmp (iri, "_:", 2) != 0)
        return 0;
    char minted_iri[VF_TEXT_MAX + 48];
    snprintf (minted_iri, sizeof minted_iri, VF_VFN_NS "%s:%" PRIu64,
              vf_text_encode (key, VF_TEXT_KEY, e->author), e->seq);
    if (iri && json_object_get (minted, iri))
        return vf_err_set (err, VF_EINVALID, "blank node %s is defined twice",
                           vf_quote (q, sizeof q, iri, strlen (iri)));
    json_t *s = json_string (minted_iri);
    if (!s)
        return VF_ENOMEM;
    if (iri && json_object_set (minted, iri, s)) {
        json_decref (s);
        return VF_ENOMEM;
    }
    return json_object_set_new (e->body, "@id", s) ? VF_ENOMEM : 0; /* s is taken */
}

typedef struct {
    uint64_t seq;
    size_t index;
} s_seq_t;

static int
s_seq_cmp (const void *a, const void *b)
{
    const s_seq_t *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/*  No two records of one batch may share a seq: that would be an
    equivocation by the signer. */
static int
s_unique_seqs (const vf_records_t *recs, vf_err_t *err)
{
    s_seq_t *s = malloc ((recs->n ? recs->n : 1) * sizeof *s);
    if (!s)
        return VF_ENOMEM;
    for (size_t k = 0; k < recs->n; k++)
        s[k] = (s_seq_t){ recs->items[k].entry->seq, k };
    qsort (s, recs->n, sizeof *s, s_seq_cmp);
    int rc = 0;
    for (size_t k = 1; k < recs->n && rc == 0; k++)
        if (s[k].seq == s[k - 1].seq)
            rc = vf_err_set (err, VF_EINVALID,
                             "records %zu and %zu would both have seq %" PRIu64
                             " (signing two entries with one seq is an equivocation)",
                             s[k - 1].index + 1, s[k].index + 1, s[k].seq);
    free (s);
    return rc;
}

/*  The seqs records claim in their own envelope, sorted. */
static uint64_t *
s_claimed (const vf_records_t *recs, size_t *n)
{
    uint64_t *c = malloc ((recs->n ? recs->n : 1) * sizeof *c);
    *n = 0;
    for (size_t k = 0; c && k < recs->n; k++)
        if (recs->items[k].has_seq)
            c[(*n)++] = recs->items[k].entry->seq;
    if (c)
        qsort (c, *n, sizeof *c, s_u64_cmp);
    return c;
}

int
vf_records_prepare (vf_records_t *recs, const uint8_t author[VF_KEY_BYTES], uint64_t *next_seq,
                    uint64_t now_ms, const vf_entry_t *audience, vf_err_t *err)
{
    size_t nclaimed = 0;
    uint64_t *claimed = s_claimed (recs, &nclaimed);
    json_t *minted = json_object ();
    int rc = claimed && minted ? 0 : VF_ENOMEM;
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        vf_record_t *rec = &recs->items[k];
        rc = s_envelope (rec, author, next_seq, claimed, nclaimed, now_ms, audience, err);
        if (rc)
            vf_err_prefix (err, "record %zu (%s)", k + 1, rec->entry->cls);
    }
    if (rc == 0)
        rc = s_unique_seqs (recs, err);
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        rc = s_mint (&recs->items[k], minted, err);
        if (rc)
            vf_err_prefix (err, "record %zu (%s)", k + 1, recs->items[k].entry->cls);
    }
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        rc = s_rewrite (recs->items[k].entry, minted, err);
        if (rc)
            vf_err_prefix (err, "record %zu (%s)", k + 1, recs->items[k].entry->cls);
    }
    if (rc == VF_ENOMEM)
        vf_err_set (err, rc, "out of memory preparing the records");
    json_decref (minted);
    free (claimed);
    return rc;
}

int
vf_record_verify (vf_record_t *rec, vf_err_t *err)
{
    vf_entry_t *e = rec->entry;
    if (!(rec->has_author && rec->has_seq && rec->has_time && rec->has_audience && rec->has_sig))
        return vf_err_set (err, VF_EINVALID,
                           "not a signed entry: vfn:entry needs author, seq, "
                           "time, audience and sig");
    uint8_t *enc = NULL, *blob = NULL;
    size_t len = 0;
    uint8_t id[VF_HASH_BYTES];
    int rc = vf_entry_encode (e, &enc, &len, err);
    if (rc)
        return rc;
    vf_hash (id, enc, len);
    char a[VF_TEXT_MAX], b[VF_TEXT_MAX];
    if (rec->has_id && memcmp (id, e->id, VF_HASH_BYTES) != 0)
        rc = vf_err_set (err, VF_EBADSIG, "content hashes to %s, not the claimed id %s",
                         vf_text_encode (a, VF_TEXT_ID, id), vf_text_encode (b, VF_TEXT_ID, e->id));
    else if (vf_verify (e->sig, id, VF_HASH_BYTES, e->author) != 0)
        rc = vf_err_set (err, VF_EBADSIG, "signature does not verify for author %s",
                         vf_text_encode (a, VF_TEXT_KEY, e->author));
    else if (!(blob = malloc (VF_SIG_BYTES + len)))
        rc = VF_ENOMEM;
    if (rc == 0) {
        memcpy (e->id, id, VF_HASH_BYTES);
        memcpy (blob, e->sig, VF_SIG_BYTES);
        memcpy (blob + VF_SIG_BYTES, enc, len);
        free (e->blob);
        e->blob = blob;
        e->blob_len = VF_SIG_BYTES + len;
        e->is_signed = true;
    }
    free (enc);
    return rc;
}
