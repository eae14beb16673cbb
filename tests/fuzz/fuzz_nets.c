/*  fuzz_nets.c - libFuzzer target for the networks file: the input is
    DIR/networks.json (written in a temporary directory, as vf_nets_load
    reads DIR/networks.json).

    Invariants, besides no crash, leak or hang: a file that loads gives
    networks and members within the limits of vf_net.h, each found again
    by its name and id (vf_nets_find), each member in its network
    (vf_nets_of), and it round-trips: its JSON (the form vf_nets_save
    writes) loads again to the same JSON. The loaded set can then be edited
    as the peer engine edits it (add a network, add a member).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_crypto.h"
#include "vf_identity.h"
#include "vf_net.h"
#include "vf_text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char s_dir[256], s_path[300];

static void
s_cleanup (void)
{
    unlink (s_path);
    rmdir (s_dir);
}

static void
s_init (void)
{
    const char *tmp = getenv ("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmpfs: fast */
    snprintf (s_dir, sizeof s_dir, "%s/vf-fuzz-nets-XXXXXX", tmp);
    if (!mkdtemp (s_dir))
        abort ();
    snprintf (s_path, sizeof s_path, "%s/networks.json", s_dir);
    atexit (s_cleanup);
}

static void
s_write (const void *data, size_t size)
{
    FILE *f = fopen (s_path, "wb");
    if (!f || fwrite (data, 1, size, f) != size || fclose (f) != 0)
        abort ();
}

/*  What a loaded set says of itself. */
static void
s_check (const vf_nets_t *nets)
{
    size_t n = vf_nets_count (nets);
    if (n > VF_NET_MAX || vf_nets_get (nets, n) != NULL)
        abort ();
    vf_entry_t *e = vf_entry_new ();
    if (!e)
        abort ();
    for (size_t k = 0; k < n; k++) {
        const vf_network_t *net = vf_nets_get (nets, k);
        char id[VF_TEXT_MAX];
        vf_text_encode (id, VF_TEXT_NET, net->id);
        if (strlen (net->name) > VF_NET_NAME_MAX || net->nmembers > VF_NET_MEMBERS_MAX ||
            vf_nets_find (nets, id) != net)
            abort ();
        const vf_network_t *named = vf_nets_find (nets, net->name);
        if (net->name[0] && strncmp (net->name, "vfn_", 4) != 0 && named != net)
            abort (); /* names are unique */
        for (size_t m = 0; m < net->nmembers; m++) {
            const vf_member_t *mem = &net->members[m];
            if (strlen (mem->name) > VF_NET_NAME_MAX ||
                strlen (mem->endpoint) > VF_NET_ENDPOINT_MAX)
                abort ();
            uint64_t of = vf_nets_of (nets, mem->key);
            if (!(of & ((uint64_t) 1 << k)))
                abort ();
            vf_nets_may_hold (nets, of, e); /* public */
        }
        if (k < 8)
            vf_entry_add_network (e, net->id);
    }
    for (size_t k = 0; k < n; k++)
        vf_nets_may_hold (nets, (uint64_t) 1 << k, e);
    vf_entry_destroy (&e);
}

/*  Edits the peer engine makes: a network, a member of each network. */
static void
s_edit (vf_nets_t *nets)
{
    uint8_t id[VF_KEY_BYTES], seed[VF_SEED_BYTES];
    memset (seed, 0x11, sizeof seed);
    vf_identity_t *who = vf_identity_new_from_seed (seed);
    if (!who)
        abort ();
    memset (id, 0x42, sizeof id);
    vf_nets_add_network (nets, "fuzz", id, NULL);
    for (size_t k = 0; k < vf_nets_count (nets); k++)
        if (vf_nets_add_member (nets, vf_nets_get (nets, k)->id, vf_identity_public (who), "Fuzz",
                                "tcp://127.0.0.1:7690", NULL) == 0 &&
            !(vf_nets_of (nets, vf_identity_public (who)) & ((uint64_t) 1 << k)))
            abort ();
    vf_identity_destroy (&who);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_dir[0])
        s_init ();
    s_write (data, size);
    vf_nets_t *nets = NULL;
    vf_err_t err = { 0 };
    if (vf_nets_load (&nets, s_dir, &err) != 0) {
        if (nets || !err.msg[0])
            abort (); /* a failed load leaves nothing, and says why */
        return 0;
    }
    s_check (nets);
    json_t *doc = vf_nets_json (nets);
    char *text = doc ? json_dumps (doc, JSON_INDENT (2)) : NULL;
    if (!text)
        abort ();
    s_write (text, strlen (text));
    vf_nets_t *again = NULL;
    if (vf_nets_load (&again, s_dir, &err) != 0) {
        fprintf (stderr, "a saved networks file does not load: %s\n", err.msg);
        abort ();
    }
    json_t *doc2 = vf_nets_json (again);
    if (!json_equal (doc, doc2))
        abort ();
    s_edit (again);
    free (text);
    json_decref (doc);
    json_decref (doc2);
    vf_nets_destroy (&nets);
    vf_nets_destroy (&again);
    return 0;
}
