/*  test_federation.c - ten real vfnode processes on loopback, peered in a
    random connected topology (a random spanning tree plus a few extra
    edges; the seed is printed, and VF_TEST_SEED=N replays one) through the
    control API. Every node is in network "wool", some are in "dye" too
    (they bridge the two). Entries are published at random on every node
    for the public, for wool, for dye and for both; in the end every node
    must hold exactly the entries it may hold: all public and wool ones,
    the dye ones if it is in dye, and no other. The time one entry takes
    to reach all ten nodes is measured and printed (not asserted).

    Ports 17201-17210. Every node is killed at teardown, even after a
    failure (tests/node_support.h).
*/
#define TEST_NAME "federation"
#include "node_support.h"

#define NODES 10
#define PORT0 17201
#define EXTRA_EDGES 3

/*  Counts of entries published, by audience. */
#define N_PUBLIC 30
#define N_WOOL 30
#define N_DYE 30
#define N_BOTH 10

/*  How long the nodes may take to agree, at most. */
#define SETTLE_MS 30000
#define CONVERGE_MS 120000

typedef enum { AUD_PUBLIC, AUD_WOOL, AUD_DYE, AUD_BOTH } s_audience_t;

static const char *const s_audience_names[] = { "public", "wool", "dye", "wool+dye" };

typedef struct {
    char dir[300];
    char endpoint[64];
    char *key;
    pid_t pid;
    bool dye;
    int degree;
} s_node_t;

typedef struct {
    char *id;
    s_audience_t audience;
    int origin;
} s_published_t;

/*  splitmix64: a small PRNG whose sequence is the same everywhere. */
static uint64_t s_rng;

static uint64_t
s_next (void)
{
    uint64_t z = (s_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int
s_below (int n)
{
    return (int) (s_next () % (uint64_t) n);
}

static bool
s_may_hold (const s_node_t *node, s_audience_t audience)
{
    return audience != AUD_DYE || node->dye;
}

/*  The longest shortest path (in hops) from node `from`, over the edges. */
static int
s_eccentricity (bool adj[NODES][NODES], int from)
{
    int dist[NODES], queue[NODES], head = 0, tail = 0, far = 0;
    for (int k = 0; k < NODES; k++)
        dist[k] = -1;
    dist[from] = 0;
    queue[tail++] = from;
    while (head < tail) {
        int u = queue[head++];
        for (int v = 0; v < NODES; v++)
            if (adj[u][v] && dist[v] < 0) {
                dist[v] = dist[u] + 1;
                far = dist[v] > far ? dist[v] : far;
                queue[tail++] = v;
            }
    }
    return far;
}

/*  The number of the node with this key (-1 if none). */
static int
s_node_of (const s_node_t *nodes, const char *key)
{
    for (int k = 0; k < NODES; k++)
        if (key && strcmp (nodes[k].key, key) == 0)
            return k;
    return -1;
}

/*  Does every node have every one of its peers connected? */
static bool
s_all_connected (const s_node_t *nodes)
{
    for (int k = 0; k < NODES; k++) {
        json_t *r = s_request (nodes[k].dir, "{\"request\": \"peers\"}");
        const json_t *peers = json_object_get (s_result (r), "peers");
        bool up = (int) json_array_size (peers) == nodes[k].degree;
        size_t i;
        const json_t *p;
        json_array_foreach (peers, i, p)
            up = up && strcmp (json_string_value (json_object_get (p, "state")), "connected") == 0;
        json_decref (r);
        if (!up)
            return false;
    }
    return true;
}

/*  Does node hold exactly what it may of the published entries? With
    report, say what is missing or extra. */
static bool
s_holds_exactly (const s_node_t *node, const s_published_t *pub, int npub, bool report)
{
    json_t *held = s_entry_ids (node->dir);
    int expected = 0, missing = 0, forbidden = 0;
    for (int k = 0; k < npub; k++) {
        bool may = s_may_hold (node, pub[k].audience);
        bool has = json_object_get (held, pub[k].id) != NULL;
        expected += may;
        if (may && !has) {
            missing++;
            if (report)
                printf ("  %s lacks %s (%s, from node %d)\n", node->dir, pub[k].id,
                        s_audience_names[pub[k].audience], pub[k].origin);
        }
        if (!may && has) {
            forbidden++;
            printf ("  %s holds %s (%s), outside its networks\n", node->dir, pub[k].id,
                    s_audience_names[pub[k].audience]);
        }
    }
    int extra = (int) json_object_size (held) - (expected - missing) - forbidden;
    if (extra && report)
        printf ("  %s holds %d entries nobody published\n", node->dir, extra);
    json_decref (held);
    /*  an entry outside the node's networks is a failure at once: waiting
        longer cannot take it back */
    if (forbidden)
        fail_msg ("%s holds %d entries outside its networks", node->dir, forbidden);
    return missing == 0 && extra == 0;
}

static void
test_ten_nodes_hold_exactly_their_entries (void **state)
{
    int64_t t0 = zclock_mono ();
    const char *seed_text = getenv ("VF_TEST_SEED");
    uint64_t seed = seed_text ? strtoull (seed_text, NULL, 10)
                              : (uint64_t) zclock_time () ^ ((uint64_t) getpid () << 32);
    s_rng = seed;
    printf ("federation: seed %llu (VF_TEST_SEED=%llu replays it)\n", (unsigned long long) seed,
            (unsigned long long) seed);

    /*  the topology: a random order of the nodes, the first ndye of them
        in dye; each later node hangs from a random earlier one, so dye
        members form a subtree (dye entries can reach every dye member
        without leaving dye); then a few extra edges */
    s_node_t nodes[NODES];
    memset (nodes, 0, sizeof nodes);
    int order[NODES];
    for (int k = 0; k < NODES; k++)
        order[k] = k;
    for (int k = NODES - 1; k > 0; k--) {
        int j = s_below (k + 1), t = order[k];
        order[k] = order[j], order[j] = t;
    }
    int ndye = 3 + s_below (3);
    for (int k = 0; k < ndye; k++)
        nodes[order[k]].dye = true;
    bool adj[NODES][NODES];
    memset (adj, 0, sizeof adj);
    int edges[NODES - 1 + EXTRA_EDGES][2], nedges = 0;
    for (int k = 1; k < NODES; k++) {
        int u = order[k], v = order[s_below (k)];
        adj[u][v] = adj[v][u] = true;
        edges[nedges][0] = u, edges[nedges][1] = v, nedges++;
    }
    for (int added = 0; added < EXTRA_EDGES;) {
        int u = s_below (NODES), v = s_below (NODES);
        if (u == v || adj[u][v])
            continue;
        adj[u][v] = adj[v][u] = true;
        edges[nedges][0] = u, edges[nedges][1] = v, nedges++;
        added++;
    }
    printf ("federation: dye members:");
    for (int k = 0; k < NODES; k++)
        if (nodes[k].dye)
            printf (" %d", k);
    printf ("\nfederation: edges:");
    for (int k = 0; k < nedges; k++)
        printf (" %d-%d", edges[k][0], edges[k][1]);
    printf ("\n");

    for (int k = 0; k < NODES; k++) {
        snprintf (nodes[k].dir, sizeof nodes[k].dir, "%s/n%d", s_dir, k);
        snprintf (nodes[k].endpoint, sizeof nodes[k].endpoint, "tcp://127.0.0.1:%d", PORT0 + k);
        s_init_listening (nodes[k].dir, PORT0 + k);
    }
    for (int k = 0; k < NODES; k++)
        nodes[k].pid = s_start (nodes[k].dir);
    for (int k = 0; k < NODES; k++)
        nodes[k].key = s_key_of (nodes[k].dir);
    int64_t t_started = zclock_mono ();

    /*  networks: created on node 0 (wool) and on the first dye member */
    char *wool = s_network_create (nodes[0].dir, "wool");
    char *dye = s_network_create (nodes[order[0]].dir, "dye");
    for (int k = 0; k < NODES; k++) {
        if (k)
            s_network_join (nodes[k].dir, "wool", wool);
        if (nodes[k].dye && k != order[0])
            s_network_join (nodes[k].dir, "dye", dye);
    }
    /*  peers: each edge in wool, and in dye when both ends are in dye;
        one end dials the other, and on some edges both dial. Both ends
        list each other in every shared network before anyone dials: a
        node that reconciled a network its peer does not yet list would
        be counted a fault (docs/PROTOCOL.md "Audience") */
    bool dials[NODES - 1 + EXTRA_EDGES][2];
    for (int k = 0; k < nedges; k++) {
        s_node_t *u = &nodes[edges[k][0]], *v = &nodes[edges[k][1]];
        int how = s_below (4); /* 0, 1: u dials; 2: v dials; 3: both */
        dials[k][0] = how != 2, dials[k][1] = how >= 2;
        for (int net = 0; net < 2; net++) {
            if (net == 1 && !(u->dye && v->dye))
                continue;
            const char *name = net ? "dye" : "wool";
            s_peer_add (u->dir, name, v->key, NULL);
            s_peer_add (v->dir, name, u->key, NULL);
        }
        u->degree++, v->degree++;
    }
    for (int k = 0; k < nedges; k++)
        for (int end = 0; end < 2; end++) {
            if (!dials[k][end])
                continue;
            s_node_t *u = &nodes[edges[k][end]], *v = &nodes[edges[k][1 - end]];
            /*  the endpoint in every network that lists the member: which
                one the node takes it from depends on its file's order */
            s_peer_add (u->dir, "wool", v->key, v->endpoint);
            if (u->dye && v->dye)
                s_peer_add (u->dir, "dye", v->key, v->endpoint);
        }
    bool settled = false;
    for (int64_t until = zclock_mono () + SETTLE_MS; !settled && zclock_mono () < until;) {
        settled = s_all_connected (nodes);
        if (!settled)
            zclock_sleep (100);
    }
    if (!settled)
        fail_msg ("not every session came up within %d s", SETTLE_MS / 1000);
    int64_t t_connected = zclock_mono ();
    printf ("federation: %d nodes started, every session up %.2f s after peering\n", NODES,
            (double) (t_connected - t_started) / 1000);

    /*  random publishes: dye entries on dye members only */
    char aud_wool[128], aud_dye[128], aud_both[256];
    snprintf (aud_wool, sizeof aud_wool, "[\"%s\"]", wool);
    snprintf (aud_dye, sizeof aud_dye, "[\"%s\"]", dye);
    snprintf (aud_both, sizeof aud_both, "[\"%s\", \"%s\"]", wool, dye);
    const char *const aud_json[] = { "\"public\"", aud_wool, aud_dye, aud_both };
    int left[4] = { N_PUBLIC, N_WOOL, N_DYE, N_BOTH };
    enum { NPUB = N_PUBLIC + N_WOOL + N_DYE + N_BOTH + 3 };
    s_published_t pub[NPUB];
    int npub = 0;
    while (left[0] + left[1] + left[2] + left[3] > 0) {
        int pick = s_below (left[0] + left[1] + left[2] + left[3]);
        s_audience_t a = AUD_PUBLIC;
        while (pick >= left[a])
            pick -= left[a++];
        left[a]--;
        int origin = a == AUD_DYE ? order[s_below (ndye)] : s_below (NODES);
        char iri[64];
        snprintf (iri, sizeof iri, "urn:fed:%d", npub);
        pub[npub].id = s_publish_entry (nodes[origin].dir, iri, aud_json[a]);
        pub[npub].audience = a;
        pub[npub].origin = origin;
        npub++;
    }
    int64_t t_published = zclock_mono ();

    /*  wait until every node holds exactly what it may: first by counts
        (cheap), then entry by entry */
    int expected[NODES];
    for (int k = 0; k < NODES; k++) {
        expected[k] = 0;
        for (int i = 0; i < npub; i++)
            expected[k] += s_may_hold (&nodes[k], pub[i].audience);
    }
    bool agreed = false;
    for (int64_t until = t_published + CONVERGE_MS; !agreed && zclock_mono () < until;) {
        agreed = true;
        for (int k = 0; k < NODES && agreed; k++)
            agreed = s_entries_held (nodes[k].dir) == expected[k];
        for (int k = 0; k < NODES && agreed; k++)
            agreed = s_holds_exactly (&nodes[k], pub, npub, false);
        if (!agreed)
            zclock_sleep (200);
    }
    if (!agreed) {
        for (int k = 0; k < NODES; k++)
            s_holds_exactly (&nodes[k], pub, npub, true);
        fail_msg ("the nodes did not agree within %d s", CONVERGE_MS / 1000);
    }
    printf ("federation: %d entries (%d public, %d wool, %d dye, %d both) where they belong "
            "%.2f s after the last publish\n",
            npub, N_PUBLIC, N_WOOL, N_DYE, N_BOTH, (double) (zclock_mono () - t_published) / 1000);

    /*  one more entry at a time on a settled network: how long until all
        ten hold it (polled every 20 ms) */
    for (int round = 0; round < 3; round++) {
        int origin = s_below (NODES);
        char iri[64];
        snprintf (iri, sizeof iri, "urn:fed:timed:%d", round);
        int64_t sent = zclock_mono ();
        pub[npub].id = s_publish_entry (nodes[origin].dir, iri, "\"public\"");
        pub[npub].audience = AUD_PUBLIC;
        pub[npub].origin = origin;
        int64_t published = zclock_mono ();
        bool has[NODES] = { false };
        int holding = 0;
        int64_t last = 0;
        while (holding < NODES && zclock_mono () - published < 30000) {
            for (int k = 0; k < NODES; k++)
                if (!has[k] && s_holds_entry (nodes[k].dir, pub[npub].id)) {
                    has[k] = true;
                    holding++;
                    last = zclock_mono ();
                }
            if (holding < NODES)
                zclock_sleep (20);
        }
        if (holding < NODES)
            fail_msg ("entry from node %d reached only %d nodes in 30 s", origin, holding);
        printf ("federation: one entry from node %d (%d hops to the farthest node) held by all %d "
                "nodes %lld ms after its publish was answered (%lld ms after it was sent)\n",
                origin, s_eccentricity (adj, origin), NODES, (long long) (last - published),
                (long long) (last - sent));
        npub++;
    }
    /*  and still exactly their entries */
    for (int k = 0; k < NODES; k++)
        assert_true (s_holds_exactly (&nodes[k], pub, npub, true));

    /*  nobody found fault with anybody */
    for (int k = 0; k < NODES; k++) {
        json_t *r = s_request (nodes[k].dir, "{\"request\": \"peers\"}");
        size_t i;
        const json_t *p;
        json_array_foreach (json_object_get (s_result (r), "peers"), i, p)
            if (json_integer_value (json_object_get (p, "errors")) != 0)
                fail_msg ("node %d counts %lld faults of node %d: %s", k,
                          (long long) json_integer_value (json_object_get (p, "errors")),
                          s_node_of (nodes, json_string_value (json_object_get (p, "key"))),
                          json_string_value (json_object_get (p, "last_error")));
        json_decref (r);
    }
    for (int k = 0; k < NODES; k++)
        assert_int_equal (s_stop (nodes[k].pid), 0);
    printf ("federation: %.1f s in all\n", (double) (zclock_mono () - t0) / 1000);
    for (int k = 0; k < npub; k++)
        free (pub[k].id);
    for (int k = 0; k < NODES; k++)
        free (nodes[k].key);
    free (wool);
    free (dye);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown (test_ten_nodes_hold_exactly_their_entries, s_kill_started),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
