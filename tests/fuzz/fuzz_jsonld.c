/*  fuzz_jsonld.c - libFuzzer target for JSON-LD import.

    Invariants: import never crashes or leaks; records that import and pass
    validation can be prepared, signed, exported and imported again to the
    same entry id (the round trip the tools promise).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vf_identity.h"
#include "vf_jsonld.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static vf_identity_t *s_id;

/*  The export must import again to the same entry: as the json_t, and as
    the text vfctl writes (so that number formatting and the 15-digit scan
    are part of the round trip). */
static void
s_import_same (const char *text, const json_t *node, const vf_entry_t *e)
{
    vf_records_t *again = NULL;
    vf_err_t err = { 0 };
    int rc = text ? vf_jsonld_import (text, strlen (text), &again, &err)
                  : vf_jsonld_import_json (node, &again, &err);
    if (rc != 0 || again->n != 1)
        abort (); /* our own export does not import */
    if (vf_record_verify (&again->items[0], NULL) != 0)
        abort ();
    if (memcmp (again->items[0].entry->id, e->id, VF_HASH_BYTES) != 0)
        abort (); /* export -> import changed the entry */
    vf_records_destroy (&again);
}

static void
s_round_trip (vf_entry_t *e)
{
    json_t *node = vf_jsonld_export_entry (e, true);
    if (!node)
        abort ();
    s_import_same (NULL, node, e);
    char *text = json_dumps (node, VF_JSON_DUMP_FLAGS);
    if (!text)
        abort ();
    s_import_same (text, node, e);
    free (text);
    json_decref (node);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_id) {
        uint8_t seed[VF_SEED_BYTES] = { 7 };
        s_id = vf_identity_new_from_seed (seed);
        if (!s_id)
            abort ();
    }
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    if (vf_jsonld_import ((const char *) data, size, &recs, &err) != 0)
        return 0;
    uint64_t seq = 1;
    if (vf_records_prepare (recs, vf_identity_public (s_id), &seq, 1700000000000ull, NULL, &err) ==
        0) {
        for (size_t k = 0; k < recs->n; k++) {
            vf_entry_t *e = recs->items[k].entry;
            if (vf_entry_check (e, &err) == 0 && vf_entry_sign (e, s_id, &err) == 0)
                s_round_trip (e);
        }
    }
    vf_records_destroy (&recs);
    return 0;
}
