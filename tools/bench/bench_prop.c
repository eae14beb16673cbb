/*  bench_prop.c - figure 5: propagation through a network of real vfnode
    processes on loopback.

    S_NODES nodes in one network, linked by a random connected topology of
    average degree ~4: a random spanning tree (node i to a random node
    before it) and then random extra links up to 2 x S_NODES in all; on
    each link one side dials the other and both list each other as
    members (and nobody else), so every entry must travel hop by hop.
    Default configuration except the loopback port. Once every link's
    session is up, S_ENTRIES Process records (public) are published one
    after the other, each at a random node through its control API; after
    each, every node is asked for its entry count (the requests to all the
    nodes go out at once) until all hold it. The time from sending the
    publish request to the last node's answer showing the entry is that
    entry's time to all nodes (an upper bound: a poll round lasts a few
    milliseconds to tens of milliseconds on a busy machine, printed).

    Copies: at the end, the sum over every node and peer of entries_in +
    duplicates_in (docs/PROTOCOL.md "Counters": each entry payload
    received, stored or already held), over S_ENTRIES x (S_NODES - 1)
    nodes that had to receive one. 1.0 is every node receiving each entry
    exactly once. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf_text.h"
#include "vfbench.h"

#define S_NODES 50
#define S_LINKS (2 * S_NODES) /* average degree 4 */
#define S_ENTRIES 200
#define S_WAIT_S 30.0 /* longest wait for one entry to reach all nodes */

typedef struct {
    vfbench_node_t node[S_NODES];
    bool link[S_NODES][S_NODES]; /* link[i][j], i < j: j dials i */
    int degree[S_NODES];
    uint64_t rng;
} s_net_t;

static unsigned
s_rand (s_net_t *w, unsigned n)
{
    w->rng ^= w->rng << 13, w->rng ^= w->rng >> 7, w->rng ^= w->rng << 17;
    return (unsigned) (w->rng % n);
}

static void
s_link (s_net_t *w, int a, int b)
{
    int lo = a < b ? a : b, hi = a < b ? b : a;
    w->link[lo][hi] = true;
    w->degree[a]++, w->degree[b]++;
}

static void
s_topology (s_net_t *w)
{
    int links = 0;
    for (int i = 1; i < S_NODES; i++, links++)
        s_link (w, i, (int) s_rand (w, (unsigned) i));
    while (links < S_LINKS) {
        int a = (int) s_rand (w, S_NODES), b = (int) s_rand (w, S_NODES);
        int lo = a < b ? a : b, hi = a < b ? b : a;
        if (a != b && !w->link[lo][hi])
            s_link (w, a, b), links++;
    }
}

/*  Each node's networks file: its neighbours, dialling those before it. */
static void
s_networks (s_net_t *w, const char *net)
{
    for (int i = 0; i < S_NODES; i++) {
        vfbench_node_t *members[S_NODES];
        bool dial[S_NODES];
        size_t n = 0;
        for (int j = 0; j < S_NODES; j++) {
            int lo = i < j ? i : j, hi = i < j ? j : i;
            if (i != j && w->link[lo][hi]) {
                members[n] = &w->node[j];
                dial[n++] = j < i;
            }
        }
        vfbench_node_networks (&w->node[i], net, members, dial, n);
    }
}

/*  Connected sessions of node k (peers in state "connected"), and if
    copies is not NULL, the payloads it received (entries_in +
    duplicates_in over its peers). -1 if it did not answer. */
static int
s_peers (vfbench_node_t *nd, int64_t *copies)
{
    json_t *r = vfbench_node_request (nd, "{\"request\": \"peers\"}", 20000);
    if (!r)
        return -1;
    int up = 0;
    size_t k;
    const json_t *p;
    if (copies)
        *copies = 0;
    json_array_foreach (json_object_get (r, "peers"), k, p) {
        up += strcmp (json_string_value (json_object_get (p, "state")), "connected") == 0;
        if (copies)
            *copies += json_integer_value (json_object_get (p, "entries_in")) +
                       json_integer_value (json_object_get (p, "duplicates_in"));
    }
    json_decref (r);
    return up;
}

static void
s_wait_sessions (s_net_t *w)
{
    double deadline = vfbench_now () + 120;
    int ready = 0;
    while (vfbench_now () < deadline) {
        ready = 0;
        for (int i = 0; i < S_NODES; i++)
            ready += s_peers (&w->node[i], NULL) == w->degree[i];
        if (ready == S_NODES)
            return;
        zclock_sleep (500);
    }
    fprintf (stderr, "vfbench: propagation: only %d of %d nodes have all their sessions up\n",
             ready, S_NODES);
    exit (1);
}

/*  Ask every node in want[] for its entry count at once; nodes whose count
    reached their target are cleared from want[] and their answer time
    noted. Returns the nodes still wanting. */
static int
s_poll (s_net_t *w, bool *want, const int64_t *target, double *seen)
{
    int left = 0;
    for (int i = 0; i < S_NODES; i++)
        if (want[i] && zstr_send (w->node[i].ctl, "{\"request\": \"status\"}") != 0)
            vfbench_die ("cannot ask", w->node[i].dir);
    for (int i = 0; i < S_NODES; i++) {
        if (!want[i])
            continue;
        zpoller_t *p = zpoller_new (w->node[i].ctl, NULL);
        char *s = zpoller_wait (p, 20000) ? zstr_recv (w->node[i].ctl) : NULL;
        zpoller_destroy (&p);
        json_t *r = s ? json_loads (s, 0, NULL) : NULL;
        zstr_free (&s);
        if (!r)
            vfbench_die ("no status from", w->node[i].dir);
        int64_t n = json_integer_value (
            json_object_get (json_object_get (json_object_get (r, "result"), "store"), "entries"));
        json_decref (r);
        if (n >= target[i]) {
            want[i] = false;
            seen[i] = vfbench_now ();
        } else
            left++;
    }
    return left;
}

void
vfbench_propagation (const char *dir, int port)
{
    static s_net_t w;
    memset (&w, 0, sizeof w);
    w.rng = 0x9e3779b97f4a7c15ull;
    vfbench_files_limit (65536);
    s_topology (&w);
    fprintf (stderr, "vfbench: propagation: %d nodes, %d links, ports %d..%d\n", S_NODES, S_LINKS,
             port, port + S_NODES - 1);
    double t_setup = vfbench_now ();
    for (int i = 0; i < S_NODES; i++) {
        char d[600], name[32];
        snprintf (d, sizeof d, "%s/prop%02d", dir, i);
        snprintf (name, sizeof name, "node %d", i);
        vfbench_node_init (&w.node[i], d, name, port + i);
    }
    char net[VF_TEXT_MAX];
    vfbench_network_id (net);
    s_networks (&w, net);
    for (int i = 0; i < S_NODES; i++)
        vfbench_node_start (&w.node[i]);
    s_wait_sessions (&w);
    fprintf (stderr, "vfbench: propagation: all sessions up after %.0f s\n",
             vfbench_now () - t_setup);
    int64_t have[S_NODES], copies0 = 0;
    for (int i = 0; i < S_NODES; i++) {
        int64_t c = 0;
        have[i] = vfbench_node_entries (&w.node[i]);
        s_peers (&w.node[i], &c);
        copies0 += c;
    }
    double times[S_ENTRIES], polls = 0, poll_time = 0;
    int late = 0;
    for (int e = 0; e < S_ENTRIES; e++) {
        int at = (int) s_rand (&w, S_NODES);
        char req[512];
        snprintf (req, sizeof req,
                  "{\"request\": \"publish\", \"audience\": \"public\", \"document\": "
                  "{\"@type\": \"Process\", \"@id\": \"urn:bench:prop%d\", \"name\": \"p\"}}",
                  e);
        bool want[S_NODES];
        double seen[S_NODES];
        for (int i = 0; i < S_NODES; i++)
            want[i] = true, have[i]++;
        double t0 = vfbench_now ();
        json_t *r = vfbench_node_request (&w.node[at], req, 20000);
        if (!r)
            vfbench_die ("publish failed on", w.node[at].dir);
        json_decref (r);
        int left = S_NODES;
        while (left && vfbench_now () - t0 < S_WAIT_S) {
            double p0 = vfbench_now ();
            left = s_poll (&w, want, have, seen);
            poll_time += vfbench_now () - p0, polls++;
        }
        double last = t0;
        for (int i = 0; i < S_NODES; i++)
            last = seen[i] > last && !want[i] ? seen[i] : last;
        times[e] = left ? S_WAIT_S : last - t0;
        late += left > 0;
        if (left) /* those nodes still count it from here on */
            fprintf (stderr, "vfbench: propagation: entry %d missing on %d nodes after %.0f s\n", e,
                     left, S_WAIT_S);
    }
    int64_t copies = 0;
    for (int i = 0; i < S_NODES; i++) {
        int64_t c = 0;
        if (s_peers (&w.node[i], &c) < 0)
            vfbench_die ("no peers answer from", w.node[i].dir);
        copies += c;
    }
    double per = (double) (copies - copies0) / ((double) S_ENTRIES * (S_NODES - 1));
    vfbench_figure_t all = vfbench_summary (times, S_ENTRIES); /* (sorts times) */
    double p99 = times[S_ENTRIES * 99 / 100] * 1000;
    printf ("\npropagation: %d vfnode processes, %d links (degree ~4), %d entries each published "
            "at a random node (figure 5; one run)\n",
            S_NODES, S_LINKS, S_ENTRIES);
    vfbench_figure_t f50 = { all.median * 1000, all.min * 1000, all.max * 1000 };
    vfbench_figure_t f99 = { p99, f50.min, f50.max };
    vfbench_figure_t fc = { per, per, per };
    vfbench_row ("propagation to all nodes, p50", f50, "ms", "goal p99", 1000);
    vfbench_row ("propagation to all nodes, p99", f99, "ms", "goal p99", 1000);
    vfbench_row ("payload copies per node per entry", fc, "", "goal", 1.3);
    printf ("  (min..max over the entries) copies %.3f (%lld payloads); %d entries did not reach "
            "every node within %.0f s; a poll round took %.1f ms on average\n",
            per, (long long) (copies - copies0), late, S_WAIT_S,
            polls ? poll_time / polls * 1000 : 0);
    vfbench_result (json_pack ("{s:s, s:i, s:i, s:i, s:I, s:f}", "name", "propagation_detail",
                               "nodes", S_NODES, "links", S_LINKS, "late", late, "copies",
                               (json_int_t) (copies - copies0), "poll_ms",
                               polls ? poll_time / polls * 1000 : 0));
    for (int i = 0; i < S_NODES; i++)
        vfbench_node_stop (&w.node[i]);
    char cmd[700];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'/prop[0-9][0-9]", dir);
    if (system (cmd) != 0)
        fprintf (stderr, "vfbench: could not remove the nodes in %s\n", dir);
}
