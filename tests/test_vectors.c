/*  test_vectors.c - the worked test vectors of docs/PROTOCOL.md, read from
    the document itself so that the document and the code cannot drift.

    Each ```vector block gives a seed, seq, time, audience and JSON-LD input,
    and the canonical encoding, id and signature another implementation must
    produce. Run from the source tree (or set VF_SRCDIR).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_jsonld.h"
#include "vf_text.h"

#define FIELDS 10
typedef struct {
    char *key[FIELDS];
    char *val[FIELDS];
    int n;
} s_vector_t;

static s_vector_t s_vectors[8];
static int s_nvectors;

static const char *
s_get (const s_vector_t *v, const char *key)
{
    for (int k = 0; k < v->n; k++)
        if (strcmp (v->key[k], key) == 0)
            return v->val[k];
    fail_msg ("vector has no '%s'", key);
    return NULL;
}

/*  Append continuation text (an indented line) to the last value. */
static void
s_continue (s_vector_t *v, const char *more)
{
    char *old = v->val[v->n - 1];
    char *joined = malloc (strlen (old) + strlen (more) + 1);
    strcpy (joined, old);
    strcat (joined, more);
    free (old);
    v->val[v->n - 1] = joined;
}

static void
s_load (void)
{
    const char *dir = getenv ("VF_SRCDIR") ? getenv ("VF_SRCDIR") : ".";
    char path[1024], line[4096];
    snprintf (path, sizeof path, "%s/docs/PROTOCOL.md", dir);
    FILE *f = fopen (path, "r");
    if (!f)
        fail_msg ("cannot open %s (run from the source tree or set VF_SRCDIR)", path);
    s_vector_t *cur = NULL;
    while (fgets (line, sizeof line, f)) {
        line[strcspn (line, "\n")] = '\0';
        if (strcmp (line, "```vector") == 0) {
            assert_true (s_nvectors < 8);
            cur = &s_vectors[s_nvectors++];
        } else if (cur && strcmp (line, "```") == 0) {
            cur = NULL;
        } else if (cur && line[0] == ' ') {
            s_continue (cur, line + strspn (line, " "));
        } else if (cur) {
            char *colon = strstr (line, ": ");
            assert_non_null (colon);
            assert_true (cur->n < FIELDS);
            *colon = '\0';
            cur->key[cur->n] = strdup (line);
            cur->val[cur->n++] = strdup (colon + 2);
        }
    }
    fclose (f);
}

static void
s_hex (char *out, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sprintf (out + 2 * k, "%02x", b[k]);
}

static void
s_unhex (uint8_t *out, const char *hex, size_t n)
{
    assert_int_equal (strlen (hex), 2 * n);
    for (size_t k = 0; k < n; k++) {
        unsigned x;
        assert_int_equal (sscanf (hex + 2 * k, "%2x", &x), 1);
        out[k] = (uint8_t) x;
    }
}

/*  Sign the vector's input as the vector says and compare every output. */
static void
s_check_vector (const s_vector_t *v)
{
    uint8_t seed[VF_SEED_BYTES];
    s_unhex (seed, s_get (v, "seed"), sizeof seed);
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    vf_records_t *recs = NULL;
    vf_err_t err = { 0 };
    const char *input = s_get (v, "input");
    if (vf_jsonld_import (input, strlen (input), &recs, &err))
        fail_msg ("%s: %s", s_get (v, "name"), err.msg);
    assert_int_equal (recs->n, 1);
    vf_entry_t *aud = vf_entry_new ();
    if (strcmp (s_get (v, "audience"), "public") != 0) {
        uint8_t net[VF_KEY_BYTES];
        assert_int_equal (vf_text_decode (net, VF_TEXT_NET, s_get (v, "audience"), NULL), 0);
        vf_entry_add_network (aud, net);
    }
    uint64_t seq = strtoull (s_get (v, "seq"), NULL, 10);
    uint64_t time = strtoull (s_get (v, "time"), NULL, 10);
    assert_int_equal (vf_records_prepare (recs, vf_identity_public (id), &seq, time, aud, &err), 0);
    vf_entry_t *e = recs->items[0].entry;
    assert_int_equal (vf_entry_check (e, &err), 0);
    assert_int_equal (vf_entry_sign (e, id, &err), 0);

    size_t len = e->blob_len - VF_SIG_BYTES;
    char *hex = malloc (2 * len + 1), idtext[VF_TEXT_MAX], idhex[65], sighex[129];
    s_hex (hex, e->blob + VF_SIG_BYTES, len);
    assert_string_equal (hex, s_get (v, "canonical"));
    assert_string_equal (vf_text_encode (idtext, VF_TEXT_ID, e->id), s_get (v, "id"));
    s_hex (idhex, e->id, VF_HASH_BYTES);
    assert_string_equal (idhex, s_get (v, "idhex"));
    s_hex (sighex, e->sig, VF_SIG_BYTES);
    assert_string_equal (sighex, s_get (v, "sig"));

    /* and the published bytes open as a verified entry on their own */
    uint8_t *blob = malloc (VF_SIG_BYTES + len);
    s_unhex (blob, s_get (v, "sig"), VF_SIG_BYTES);
    s_unhex (blob + VF_SIG_BYTES, s_get (v, "canonical"), len);
    vf_entry_t *opened = NULL;
    assert_int_equal (vf_entry_open (&opened, blob, VF_SIG_BYTES + len, &err), 0);
    assert_memory_equal (opened->id, e->id, VF_HASH_BYTES);
    vf_entry_destroy (&opened);
    free (blob);
    free (hex);
    vf_entry_destroy (&aud);
    vf_records_destroy (&recs);
    vf_identity_destroy (&id);
}

static void
test_protocol_md_has_the_vectors (void **state)
{
    assert_int_equal (s_nvectors, 2);
}

static void
test_vector_1 (void **state)
{
    s_check_vector (&s_vectors[0]);
}

static void
test_vector_2 (void **state)
{
    s_check_vector (&s_vectors[1]);
}

static void
test_vector_2_network_is_the_documented_hash (void **state)
{
    uint8_t net[VF_KEY_BYTES], want[VF_KEY_BYTES];
    vf_hash (net, "vfnode test network", 19);
    assert_int_equal (vf_text_decode (want, VF_TEXT_NET, s_get (&s_vectors[1], "audience"), NULL),
                      0);
    assert_memory_equal (net, want, VF_KEY_BYTES);
}

static int
s_teardown (void **state)
{
    for (int k = 0; k < s_nvectors; k++)
        for (int i = 0; i < s_vectors[k].n; i++) {
            free (s_vectors[k].key[i]);
            free (s_vectors[k].val[i]);
        }
    return 0;
}

static int
s_setup (void **state)
{
    s_load ();
    return 0;
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_protocol_md_has_the_vectors),
        cmocka_unit_test (test_vector_1),
        cmocka_unit_test (test_vector_2),
        cmocka_unit_test (test_vector_2_network_is_the_documented_hash),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
