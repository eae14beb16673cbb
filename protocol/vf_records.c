/*  vf_records.c - imported records made ready to sign (seq, time,
    audience, minted IRIs) and signed records checked against their
    claimed envelope. */
#include "vf_jsonld.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_text.h"

/*  Replace blank node references in v (in place) by their minted IRIs. */
static int
s_rewrite (json_t *v, const json_t *minted, vf_err_t *err)
{
    if (json_is_object (v)) {
        const char *key;
        json_t *child;
        json_object_foreach (v, key, child) {
            if (strcmp (key, "@id") == 0)
                continue;
            int rc = s_rewrite (child, minted, err);
            if (rc)
                return rc;
        }
    } else if (json_is_array (v)) {
        for (size_t k = 0; k < json_array_size (v); k++) {
            int rc = s_rewrite (json_array_get (v, k), minted, err);
            if (rc)
                return rc;
        }
    } else if (json_is_string (v) && strncmp (json_string_value (v), "_:", 2) == 0) {
        const json_t *iri = json_object_get (minted, json_string_value (v));
        if (!iri)
            return vf_err_set (err, VF_EINVALID,
                               "reference to blank node %s, which the document "
                               "does not define",
                               json_string_value (v));
        return json_string_set (v, json_string_value (iri)) ? VF_ENOMEM : 0;
    }
    return 0;
}

static int
s_prepare_one (vf_record_t *rec, const uint8_t author[VF_KEY_BYTES], uint64_t *next_seq,
               uint64_t now_ms, const vf_entry_t *audience, json_t *minted, vf_err_t *err)
{
    vf_entry_t *e = rec->entry;
    char key[VF_TEXT_MAX];
    if (rec->has_author && memcmp (e->author, author, VF_KEY_BYTES) != 0)
        return vf_err_set (err, VF_EINVALID, "record was signed by %s, not by this key",
                           vf_text_encode (key, VF_TEXT_KEY, e->author));
    memcpy (e->author, author, VF_KEY_BYTES);
    if (!rec->has_seq)
        e->seq = (*next_seq)++;
    if (!rec->has_time)
        e->time = now_ms;
    if (!rec->has_audience) {
        e->is_public = true;
        e->naudience = 0;
        for (size_t k = 0; audience && k < audience->naudience; k++)
            vf_entry_add_network (e, audience->audience[k]);
    }
    const char *iri = vf_entry_iri (e);
    if (iri && strncmp (iri, "_:", 2) != 0)
        return 0;
    char minted_iri[VF_TEXT_MAX + 48];
    snprintf (minted_iri, sizeof minted_iri, VF_VFN_NS "%s:%" PRIu64,
              vf_text_encode (key, VF_TEXT_KEY, author), e->seq);
    if (iri && json_object_get (minted, iri))
        return vf_err_set (err, VF_EINVALID, "blank node %s is defined twice", iri);
    if (iri && json_object_set_new (minted, iri, json_string (minted_iri)))
        return VF_ENOMEM;
    return json_object_set_new (e->body, "@id", json_string (minted_iri)) ? VF_ENOMEM : 0;
}

int
vf_records_prepare (vf_records_t *recs, const uint8_t author[VF_KEY_BYTES], uint64_t *next_seq,
                    uint64_t now_ms, const vf_entry_t *audience, vf_err_t *err)
{
    json_t *minted = json_object ();
    if (!minted)
        return VF_ENOMEM;
    int rc = 0;
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        rc = s_prepare_one (&recs->items[k], author, next_seq, now_ms, audience, minted, err);
        if (rc)
            vf_err_prefix (err, "record %zu (%s)", k + 1, recs->items[k].entry->cls);
    }
    for (size_t k = 0; k < recs->n && rc == 0; k++) {
        rc = s_rewrite (recs->items[k].entry->body, minted, err);
        if (rc)
            vf_err_prefix (err, "record %zu (%s)", k + 1, recs->items[k].entry->cls);
    }
    json_decref (minted);
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
