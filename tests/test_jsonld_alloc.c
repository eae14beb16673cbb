/*  test_jsonld_alloc.c - out of memory at every allocation (SQLite style).

    jansson's allocator is replaced by one that fails the Nth allocation.
    For N = 1, 2, ... until nothing fails, a small document goes through
    import -> prepare -> check -> sign -> export. Each run must either fail
    cleanly (VF_ENOMEM, nothing leaked) or give exactly the entries and the
    export of a run without failures: never wrong data. (Except inside
    jansson's own parser, which may drop a byte when it cannot grow a
    buffer; see below.)
*/
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_identity.h"
#include "vf_jsonld.h"

static long s_fail_at; /* fail the allocation with this number (0: none) */
static long s_count;   /* allocations so far */
static long s_live;    /* allocated and not yet freed */

static void *
s_malloc (size_t n)
{
    if (++s_count == s_fail_at)
        return NULL;
    void *p = malloc (n);
    if (p)
        s_live++;
    return p;
}

static void
s_free (void *p)
{
    if (p)
        s_live--;
    free (p);
}

static const char s_doc[] =
    "{\"@context\": {\"farm\": \"https://farm.example/\", \"ex\": \"farm:ns#\","
    "   \"from\": {\"@id\": \"provider\", \"@type\": \"@id\"}},"
    " \"@graph\": ["
    "  {\"@type\": \"EconomicEvent\", \"action\": \"produce\", \"from\": \"farm:\","
    "   \"receiver\": \"farm:\", \"outputOf\": {\"@id\": \"_:p\", \"@type\": \"Process\","
    "   \"name\": \"Shearing\", \"classifiedAs\": [\"b\", \"a\"]},"
    "   \"resourceConformsTo\": \"farm:wool\", \"resourceClassifiedAs\": [\"ex:z\", \"ex:y\"],"
    "   \"resourceQuantity\": {\"hasNumericalValue\": 12.5, \"hasUnit\": \"om2:kilogram\"},"
    "   \"ex:shift\": {\"team\": [\"a\", 1, null]}},"
    "  {\"@type\": \"SpatialThing\", \"@id\": \"farm:barn\", \"lat\": \"51.5\","
    "   \"vfn:entry\": {\"vfn:seq\": 9, \"audience\": \"public\"}}]}";

/*  One run: 0 and the signed entries' ids in ids and their export in
 *nodes (an array), or the first error. */
static int
s_run (const vf_identity_t *id, uint8_t ids[][VF_HASH_BYTES], size_t *n, json_t **nodes)
{
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    uint64_t seq = 1;
    *nodes = json_array ();
    int rc = *nodes ? vf_jsonld_import (s_doc, strlen (s_doc), &recs, &err) : VF_ENOMEM;
    if (rc == 0)
        rc = vf_records_prepare (recs, vf_identity_public (id), &seq, 1700000000000ull, NULL, &err);
    for (size_t k = 0; rc == 0 && k < recs->n; k++) {
        vf_entry_t *e = recs->items[k].entry;
        if ((rc = vf_entry_check (e, &err)) == 0 && (rc = vf_entry_sign (e, id, &err)) == 0)
            memcpy (ids[k], e->id, VF_HASH_BYTES);
    }
    /* (compared as JSON, not as text: jansson's json_dumps may drop a key
       it cannot append, and does not say so) */
    for (size_t k = 0; rc == 0 && k < recs->n; k++)
        if (json_array_append_new (*nodes, vf_jsonld_export_entry (recs->items[k].entry, true)))
            rc = VF_ENOMEM;
    if (rc == 0)
        *n = recs->n;
    if (rc && rc != VF_ENOMEM)
        print_message ("N=%ld: %d %s\n", s_fail_at, rc, err.msg);
    vf_records_destroy (&recs);
    if (rc) {
        json_decref (*nodes);
        *nodes = NULL;
    }
    return rc;
}

static void
test_every_allocation_may_fail (void **state)
{
    uint8_t seed[VF_SEED_BYTES] = { 11 };
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    uint8_t want[4][VF_HASH_BYTES], got[4][VF_HASH_BYTES];
    size_t nwant = 0, ngot = 0;
    json_t *want_nodes = NULL, *got_nodes = NULL;
    s_fail_at = 0;
    assert_int_equal (s_run (id, want, &nwant, &want_nodes), 0);
    assert_int_equal (nwant, 3);
    long base = s_live; /* want_nodes */
    s_count = 0;
    json_t *parsed = json_loads (s_doc, 0, NULL);
    long parse_allocs = s_count; /* the allocations of the JSON parser */
    json_decref (parsed);
    long n;
    for (n = 1; n < 5000; n++) {
        s_fail_at = n;
        s_count = 0;
        int rc = s_run (id, got, &ngot, &got_nodes);
        s_fail_at = 0;
        bool same = rc == 0 && ngot == nwant && !memcmp (got, want, nwant * VF_HASH_BYTES) &&
                    json_equal (got_nodes, want_nodes);
        json_decref (got_nodes);
        got_nodes = NULL;
        if (s_live != base)
            fail_msg ("N=%ld: %ld jansson allocations leaked", n, s_live - base);
        /* jansson's lexer ignores a failed buffer growth (lex_save in its
           load.c) and drops the byte, and reports some of its allocation
           failures as syntax errors: while it parses, only no crash and no
           leak can be asked. Everything after it must fail with VF_ENOMEM
           or give the same entries. */
        if (n <= parse_allocs)
            continue;
        if (rc == 0 && !same)
            fail_msg ("N=%ld: succeeded with other data", n);
        if (rc == 0 && s_count < n)
            break; /* nothing failed: every allocation has had its turn */
        if (rc != 0 && rc != VF_ENOMEM)
            fail_msg ("N=%ld: failed with %d instead of VF_ENOMEM", n, rc);
    }
    assert_true (n > 100 && n < 5000);
    json_decref (want_nodes);
    assert_int_equal (s_live, 0);
    vf_identity_destroy (&id);
}

int
main (void)
{
    json_set_alloc_funcs (s_malloc, s_free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_every_allocation_may_fail),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
