/*  test_net.c - the networks a node belongs to (DIR/networks.json): who may
    connect, which networks a peer shares, and which entries it may hold. */
#define TEST_NAME "net"
#include "store_support.h"
#include <sys/stat.h>

#include "vf_identity.h"
#include "vf_net.h"
#include "vf_text.h"

static void
s_write (const char *dir, const char *text)
{
    char path[400];
    snprintf (path, sizeof path, "%s/networks.json", dir);
    FILE *f = fopen (path, "w");
    assert_non_null (f);
    fputs (text, f);
    fclose (f);
}

static void
test_no_file_means_no_networks (void **state)
{
    vf_nets_t *nets = NULL;
    assert_int_equal (vf_nets_load (&nets, s_dir, NULL), 0);
    assert_int_equal (vf_nets_count (nets), 0);
    uint8_t anyone[VF_KEY_BYTES] = { 1 };
    assert_int_equal (vf_nets_of (nets, anyone), 0); /* nobody may connect */
    vf_nets_destroy (&nets);
    vf_nets_destroy (&nets);
}

static void
test_add_save_load_and_ask (void **state)
{
    char dir[300];
    snprintf (dir, sizeof dir, "%s/a", s_dir);
    mkdir (dir, 0700);
    vf_nets_t *nets = NULL;
    vf_err_t err = { 0 };
    assert_int_equal (vf_nets_load (&nets, dir, &err), 0);
    assert_int_equal (vf_nets_add_network (nets, "wool", NULL, &err), 0);
    assert_int_equal (vf_nets_add_network (nets, "dairy", NULL, &err), 0);
    assert_int_equal (vf_nets_add_network (nets, "wool", NULL, &err), VF_EEXIST);
    uint8_t mill[VF_KEY_BYTES], cheese[VF_KEY_BYTES], seed[VF_SEED_BYTES] = { 1 },
                                                      bad[VF_KEY_BYTES];
    vf_identity_t *id = vf_identity_new_from_seed (seed);
    memcpy (mill, vf_identity_public (id), sizeof mill);
    vf_identity_destroy (&id);
    seed[0] = 2;
    id = vf_identity_new_from_seed (seed);
    memcpy (cheese, vf_identity_public (id), sizeof cheese);
    vf_identity_destroy (&id);
    const vf_network_t *wool = vf_nets_find (nets, "wool");
    const vf_network_t *dairy = vf_nets_find (nets, "dairy");
    /* a key no CURVE key derives from is refused */
    memset (bad, 0xff, sizeof bad);
    assert_int_equal (vf_nets_add_member (nets, wool->id, bad, "Bad", NULL, &err), VF_EINVAL);
    assert_int_equal (
        vf_nets_add_member (nets, wool->id, mill, "Mill", "tcp://127.0.0.1:7690", &err), 0);
    assert_int_equal (vf_nets_add_member (nets, dairy->id, cheese, "Cheese", NULL, &err), 0);
    assert_int_equal (vf_nets_save (nets, &err), 0);
    uint8_t wool_id[VF_KEY_BYTES];
    memcpy (wool_id, wool->id, sizeof wool_id);
    vf_nets_destroy (&nets);

    assert_int_equal (vf_nets_load (&nets, dir, &err), 0);
    assert_int_equal (vf_nets_count (nets), 2);
    char text[VF_TEXT_MAX];
    wool = vf_nets_find (nets, vf_text_encode (text, VF_TEXT_NET, wool_id)); /* by id too */
    assert_non_null (wool);
    assert_string_equal (wool->members[0].endpoint, "tcp://127.0.0.1:7690");
    uint64_t mill_nets = vf_nets_of (nets, mill), cheese_nets = vf_nets_of (nets, cheese);
    assert_int_not_equal (mill_nets, 0);
    assert_int_not_equal (cheese_nets, mill_nets);

    /* a wool-only entry goes to the mill, never to the cheese dairy */
    vf_entry_t *e = vf_entry_new ();
    vf_entry_add_network (e, wool_id);
    assert_true (vf_nets_may_hold (nets, mill_nets, e));
    assert_false (vf_nets_may_hold (nets, cheese_nets, e));
    /* a public entry goes to any peer we share a network with */
    vf_entry_destroy (&e);
    e = vf_entry_new ();
    assert_true (vf_nets_may_hold (nets, cheese_nets, e));
    assert_false (vf_nets_may_hold (nets, 0, e));
    vf_entry_destroy (&e);
    vf_nets_destroy (&nets);
}

static void
test_bad_files_are_refused_with_the_place (void **state)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        { "{\"networks\": [", "networks.json:" },
        { "{\"networks\": 5}", "'networks' must be a list" },
        { "{\"networks\": [{\"name\": \"x\"}]}", "networks[0]" },
        { "{\"networks\": [{\"id\": \"vfn_zz\", \"name\": \"x\"}]}", "networks[0]" },
        { "{\"networks\": [{\"id\": \"vfn_dkaz4aro3jehaw3sweywk7tb33sppwijscykswc53he7wtgba25a\","
          " \"name\": \"x\", \"members\": [{\"key\": 7}]}]}",
          "members[0]" },
        { "{\"networks\": [{\"id\": \"vfn_"
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
          " \"name\": \"x\"}]}",
          "all-zero id" },
        { "{\"networks\": [{\"id\": \"vfn_dkaz4aro3jehaw3sweywk7tb33sppwijscykswc53he7wtgba25a\","
          " \"name\": \"x\"}, {\"id\": "
          "\"vfn_dkaz4aro3jehaw3sweywk7tb33sppwijscykswc53he7wtgba25a\","
          " \"name\": \"y\"}]}",
          "the same id or name as networks[0]" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char dir[300];
        snprintf (dir, sizeof dir, "%s/bad%zu", s_dir, k);
        mkdir (dir, 0700);
        s_write (dir, cases[k].text);
        vf_nets_t *nets = NULL;
        vf_err_t err = { 0 };
        assert_int_not_equal (vf_nets_load (&nets, dir, &err), 0);
        assert_null (nets);
        if (!strstr (err.msg, cases[k].needle))
            fail_msg ("case %zu: '%s' lacks '%s'", k, err.msg, cases[k].needle);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_no_file_means_no_networks),
        cmocka_unit_test (test_add_save_load_and_ask),
        cmocka_unit_test (test_bad_files_are_refused_with_the_place),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
