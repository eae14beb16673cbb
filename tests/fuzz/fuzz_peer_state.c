/*  fuzz_peer_state.c - libFuzzer target for the peer state file: the
    input is DIR/peers.state (written in a temporary directory, as
    vf_peer_state_load reads DIR/peers.state): in $TMPDIR, else /dev/shm
    (a tmpfs, since a file that loads is saved again, and saving fsyncs),
    else /tmp.

    Invariants, besides no crash, leak or hang:
    - a file that does not load leaves nothing loaded, says why, and is
      moved aside to peers.state.bad;
    - a file that loads holds only what vfnode writes (at most
      VF_PEER_RECENT_MAX recent errors, a round trip under INT32_MAX ms);
      every peer it names can be taken by its key, once;
    - saving what was taken and loading it again gives the same peers and
      handshake totals.
*/
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_peer_state.h"
#include "vf_text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/*  More peers than a file of -max_len bytes names; the rest are not
    round-tripped. */
#define S_PEERS_MAX 256

static char s_dir[256], s_path[300], s_bad[300];

static void
s_cleanup (void)
{
    unlink (s_path);
    unlink (s_bad);
    rmdir (s_dir);
}

static void
s_init (void)
{
    const char *tmp = getenv ("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmpfs: fast */
    snprintf (s_dir, sizeof s_dir, "%s/vf-fuzz-peer-state-XXXXXX", tmp);
    if (!mkdtemp (s_dir))
        abort ();
    snprintf (s_path, sizeof s_path, "%s/%s", s_dir, VF_PEER_STATE_FILE);
    snprintf (s_bad, sizeof s_bad, "%s/%s", s_dir, VF_PEER_STATE_BAD);
    atexit (s_cleanup);
}

static void
s_write (const void *data, size_t size)
{
    FILE *f = fopen (s_path, "wb");
    if (!f || fwrite (data, 1, size, f) != size || fclose (f) != 0)
        abort ();
}

typedef struct {
    uint8_t key[VF_KEY_BYTES];
    vf_peer_kept_t kept;
} s_peer_t;

/*  Take every peer the file names (by the keys in its own JSON). */
static size_t
s_take_all (vf_peer_state_t *ps, const uint8_t *data, size_t size, s_peer_t *peers)
{
    json_t *doc = json_loadb ((const char *) data, size, 0, NULL);
    const char *key;
    json_t *one;
    size_t n = 0, total = vf_peer_state_count (ps);
    json_object_foreach (json_object_get (doc, "peers"), key, one) {
        if (n == S_PEERS_MAX)
            break;
        s_peer_t *p = &peers[n];
        if (vf_text_decode (p->key, VF_TEXT_KEY, key, NULL) != 0)
            abort (); /* it loaded with a key that is not one */
        if (!vf_peer_state_take (ps, p->key, &p->kept))
            abort (); /* a peer of the file was not loaded */
        if (vf_peer_state_take (ps, p->key, &p->kept))
            abort (); /* taken twice */
        if (p->kept.nrecent > VF_PEER_RECENT_MAX || p->kept.rtt_ms > INT32_MAX)
            abort ();
        vf_peer_kept_last_error (&p->kept);
        n++;
    }
    if (n < S_PEERS_MAX && (n != total || vf_peer_state_count (ps) != 0))
        abort (); /* loaded peers that the file does not name */
    json_decref (doc);
    return n;
}

/*  Save the peers taken from the file, load the result: the same. */
static void
s_round_trip (vf_peer_state_t *ps, const s_peer_t *peers, size_t n)
{
    vf_peer_state_item_t *items = calloc (n ? n : 1, sizeof *items);
    uint64_t admitted, refused, admitted2, refused2;
    vf_err_t err = { 0 };
    if (!items)
        abort ();
    for (size_t k = 0; k < n; k++)
        items[k].key = peers[k].key, items[k].kept = &peers[k].kept;
    vf_peer_state_handshakes (ps, &admitted, &refused);
    if (vf_peer_state_save (ps, items, n, admitted, refused, &err) != 0) {
        fprintf (stderr, "cannot save: %s\n", err.msg);
        abort ();
    }
    free (items);
    vf_peer_state_t *again = vf_peer_state_new (s_dir);
    if (!again || vf_peer_state_load (again, &err) != 0) {
        fprintf (stderr, "a saved peer state does not load: %s\n", err.msg);
        abort ();
    }
    vf_peer_state_handshakes (again, &admitted2, &refused2);
    if (admitted != admitted2 || refused != refused2 || vf_peer_state_count (again) != n)
        abort ();
    for (size_t k = 0; k < n; k++) {
        vf_peer_kept_t kept;
        memset (&kept, 0, sizeof kept);
        if (!vf_peer_state_take (again, peers[k].key, &kept) ||
            memcmp (&kept, &peers[k].kept, sizeof kept) != 0)
            abort (); /* the saved state is not what was saved */
        /*  what the engine does with a peer's new error */
        vf_peer_kept_error (&kept, 1795996800000LL, "it said \xc3");
        if (strcmp (vf_peer_kept_last_error (&kept), "it said ?") != 0)
            abort ();
    }
    vf_peer_state_destroy (&again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_dir[0])
        s_init ();
    unlink (s_bad);
    s_write (data, size);
    vf_peer_state_t *ps = vf_peer_state_new (s_dir);
    vf_err_t err = { 0 };
    if (!ps)
        abort ();
    int rc = vf_peer_state_load (ps, &err);
    if (rc != 0) {
        if (vf_peer_state_count (ps) != 0 || !err.msg[0] || access (s_bad, F_OK) != 0)
            abort (); /* a bad file: nothing loaded, a reason, moved aside */
        vf_peer_state_destroy (&ps);
        return 0;
    }
    s_peer_t *peers = calloc (S_PEERS_MAX, sizeof *peers);
    if (!peers)
        abort ();
    size_t n = s_take_all (ps, data, size, peers);
    s_round_trip (ps, peers, n);
    free (peers);
    vf_peer_state_destroy (&ps);
    return 0;
}
