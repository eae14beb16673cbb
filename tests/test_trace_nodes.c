/*  test_trace_nodes.c - trace across replicating nodes: three co-ops in a
    line (farm - spinning - knitting, the spinning co-op in both networks)
    each publish their part of the wool -> yarn -> sweaters chain on their
    own node; the entries replicate; each receiving co-op confirms the
    transfer into its stock; then the knitters' node traces its sweaters
    back to the farm's shearing, and the farm's node tracks its wool
    forward to the knitters' sweaters.
*/
#define TEST_NAME "trace-nodes"
#include "node_support.h"

static int64_t
s_publish_file (const char *dir, const char *file)
{
    json_t *doc = json_load_file (file, 0, NULL);
    assert_non_null (doc);
    json_t *req = json_pack ("{s:s, s:o}", "request", "publish", "document", doc);
    char *text = json_dumps (req, JSON_COMPACT);
    json_decref (req);
    json_t *r = s_request (dir, text);
    int64_t n = json_integer_value (json_object_get (s_result (r), "stored"));
    json_decref (r);
    free (text);
    return n;
}

/*  Wait (at most 60 s) until dir holds at least n entries. */
static void
s_wait_at_least (const char *dir, int64_t n)
{
    int64_t held = 0;
    for (int k = 0; k < 600 && (held = s_entries_held (dir)) < n; k++)
        zclock_sleep (100);
    if (held < n)
        fail_msg ("%s holds %lld entries, not %lld", dir, (long long) held, (long long) n);
}

/*  The node confirms the one event waiting for it. */
static void
s_confirm_pending (const char *dir)
{
    json_t *r = NULL;
    const char *id = NULL;
    for (int k = 0; k < 600 && !id; k++) {
        json_decref (r);
        r = s_request (dir, "{\"request\": \"pending\"}");
        id = json_string_value (json_object_get (
            json_array_get (json_object_get (s_result (r), "pending"), 0), "event"));
        if (!id)
            zclock_sleep (100);
    }
    if (!id)
        fail_msg ("%s has nothing to confirm", dir);
    s_call_ok (dir, "{\"request\": \"confirm\", \"entry\": \"%s\"}", id);
    json_decref (r);
}

static json_t *
s_walk (const char *dir, const char *iri, const char *direction)
{
    char req[512];
    snprintf (req, sizeof req,
              "{\"request\": \"trace\", \"iri\": \"%s\", \"direction\": \"%s\", \"rollup\": true}",
              iri, direction);
    json_t *r = s_request (dir, req);
    json_t *walk = json_incref (s_result (r));
    json_decref (r);
    return walk;
}

static bool
s_walk_has (const json_t *walk, const char *iri)
{
    size_t k;
    const json_t *it;
    json_array_foreach (json_object_get (walk, "items"), k, it)
        if (strcmp (json_string_value (json_object_get (it, "@id")), iri) == 0)
            return true;
    return false;
}

#define FARM "https://farm.coop.example/"
#define SPIN "https://spinning.coop.example/"
#define KNIT "https://knitting.coop.example/"

static void
test_trace_across_three_nodes (void **state)
{
    char farm[300], mill[300], knit[300];
    snprintf (farm, sizeof farm, "%s/farm", s_dir);
    snprintf (mill, sizeof mill, "%s/mill", s_dir);
    snprintf (knit, sizeof knit, "%s/knit", s_dir);
    s_init_listening (farm, 17141);
    s_init_listening (mill, 17142);
    s_init_listening (knit, 17143);
    pid_t pf = s_start (farm), pm = s_start (mill), pk = s_start (knit);
    char *kf = s_key_of (farm), *km = s_key_of (mill), *kk = s_key_of (knit);
    char *wool = s_network_create (farm, "wool");
    char *yarn = s_network_create (knit, "yarn");
    s_network_join (mill, "wool", wool);
    s_network_join (mill, "yarn", yarn);
    s_peer_add (farm, "wool", km, NULL);
    s_peer_add (mill, "wool", kf, "tcp://127.0.0.1:17141");
    s_peer_add (mill, "yarn", kk, "tcp://127.0.0.1:17143");
    s_peer_add (knit, "yarn", km, NULL);

    int64_t n = s_publish_file (farm, "docs/examples/farm.jsonld");
    n += s_publish_file (mill, "docs/examples/spinning.jsonld");
    n += s_publish_file (mill, "docs/examples/yarn-sale.jsonld");
    n += s_publish_file (knit, "docs/examples/knitting.jsonld");
    s_wait_at_least (knit, n);
    s_confirm_pending (mill); /* the farm's wool into the mill's stock */
    s_confirm_pending (knit); /* the mill's yarn into the knitters' stock */
    s_wait_at_least (knit, n + 2);
    s_wait_at_least (farm, n + 2);

    /*  the knitters' node: from the sweaters back to the shearing */
    json_t *t = s_walk (knit, KNIT "stock/sweaters-2026-11", "trace");
    const char *chain[] = {
        KNIT "event/sweaters-out",    KNIT "process/knit-2026-11",     KNIT "event/yarn-in",
        KNIT "stock/yarn-in-2026-11", SPIN "event/sale-to-knitters",   SPIN "stock/yarn-47",
        SPIN "event/yarn-out",        SPIN "process/spin-2026-11",     SPIN "event/wool-in",
        SPIN "stock/wool-in-2026-11", FARM "event/sale-to-spinners",   FARM "lot/wool-2026-11",
        FARM "event/fleece-out",      FARM "process/shearing-2026-11", FARM "event/shearing-work"
    };
    for (size_t k = 0; k < sizeof chain / sizeof chain[0]; k++)
        if (!s_walk_has (t, chain[k]))
            fail_msg ("the knitters' trace does not reach %s", chain[k]);
    /*  the events of all three co-ops, and the node names itself */
    const char *by[] = { kf, km, kk };
    for (size_t o = 0; o < 3; o++) {
        bool found = false;
        size_t k;
        const json_t *it;
        json_array_foreach (json_object_get (t, "items"), k, it) {
            const char *org = json_string_value (json_object_get (it, "vfn:organisation"));
            found |= org && strcmp (org, by[o]) == 0; /* unknown items may have none */
        }
        assert_true (found);
    }
    assert_non_null (json_object_get (json_object_get (t, "organisations"), kk));
    json_t *work = json_object_get (json_object_get (t, "rollup"), "work");
    assert_int_equal (json_array_size (work), 1);
    assert_string_equal (json_string_value (json_object_get (json_array_get (work, 0), "total")),
                         "9");
    assert_string_equal (
        json_string_value (json_object_get (json_array_get (work, 0), "organisation")), kf);
    json_decref (t);

    /*  the farm's node: its wool, forwards, to the knitters' sweaters */
    t = s_walk (farm, FARM "lot/wool-2026-11", "track");
    assert_true (s_walk_has (t, SPIN "stock/yarn-47"));
    assert_true (s_walk_has (t, KNIT "stock/sweaters-2026-11"));
    json_decref (t);

    assert_int_equal (s_stop (pf), 0);
    assert_int_equal (s_stop (pm), 0);
    assert_int_equal (s_stop (pk), 0);
    free (kf), free (km), free (kk), free (wool), free (yarn);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_trace_across_three_nodes),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
