/*  bench_sync.c - figures 4 and 7 with real vfnode processes:
      4  initial sync: a new node B dials a node A that holds the n entries
         of the cached full store (bench_cache.c) and catches up by
         reconciliation and push alone; entries per second from B's start
         until it holds them all, against figure 1's ingest in the same
         run
      7  memory: A's private memory (anonymous RSS, bench_node.c) idle
         with the n entries, its peak while B reconciles and fetches them
         from it, and B's peak as it takes them in
    One run (it takes minutes): no spread. The sync is stopped after
    --sync-seconds (default 300 s) so that `make bench` stays within its
    time; the rate is then what was caught up over that time. Both nodes use the default
    configuration but peer/reconcile, which --sync-reconcile sets (default
    the node's own, 1 min), since a node catching up more than
    VF_PEER_BACKLOG_MAX ids waits for the next reconciliation to learn the
    rest (docs/PROTOCOL.md "Push"). */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vf_text.h"
#include "vfbench.h"

static void
s_copy_store (const char *from, const char *node_dir)
{
    char cmd[2000];
    snprintf (cmd, sizeof cmd, "rm -rf '%s/store' && cp -r '%s' '%s/store'", node_dir, from,
              node_dir);
    if (system (cmd) != 0)
        vfbench_die ("cannot copy the cached store into", node_dir);
}

static void
s_mem_row (const char *name, const vfbench_mem_t *m)
{
    vfbench_figure_t f = { m->private_mb, m->private_mb, m->private_mb };
    vfbench_row (name, f, "MB", "goal", 64);
}

void
vfbench_sync (const vfbench_cache_t *cache, const char *dir, int port, const char *reconcile,
              double seconds, double ingest_rate)
{
    char a_dir[600], b_dir[600], net[VF_TEXT_MAX];
    snprintf (a_dir, sizeof a_dir, "%s/sync-a", dir);
    snprintf (b_dir, sizeof b_dir, "%s/sync-b", dir);
    vfbench_node_t a, b;
    vfbench_node_init (&a, a_dir, "holder", port);
    vfbench_node_init (&b, b_dir, "newcomer", 0);
    if (reconcile) {
        char line[64];
        snprintf (line, sizeof line, "reconcile = %s", reconcile);
        vfbench_node_config (&a, "reconcile = 1m", line);
        vfbench_node_config (&b, "reconcile = 1m", line);
    }
    fprintf (stderr, "vfbench: sync: copying the store of %zu entries...\n", cache->n);
    s_copy_store (cache->store[VFBENCH_STORE_FULL], a_dir);
    vfbench_network_id (net);
    vfbench_node_t *pa = &a, *pb = &b;
    bool wait = false, dial = true;
    vfbench_node_networks (&a, net, &pb, &wait, 1);
    vfbench_node_networks (&b, net, &pa, &dial, 1);
    vfbench_node_start (&a);
    int64_t held = vfbench_node_entries (&a);
    if (held < (int64_t) cache->n)
        vfbench_die ("the holder does not hold the cached entries", a_dir);
    zclock_sleep (2000);
    vfbench_mem_t idle, peak_a = { 0 }, peak_b = { 0 }, m, a0, b1;
    vfbench_memory (a.pid, &idle);
    vfbench_memory (a.pid, &a0);
    fprintf (stderr, "vfbench: sync: holder idle with %lld entries, %.1f MB private\n",
             (long long) held, idle.private_mb);
    double t0 = vfbench_now (), last_report = t0, deadline = t0 + seconds, last_mem = 0;
    vfbench_node_start (&b);
    int64_t got = 0, base = -1;
    while (vfbench_now () < deadline) {
        got = vfbench_node_entries (&b);
        if (base < 0)
            base = got;                       /* what B held of its own (none) */
        if (vfbench_now () - last_mem >= 1) { /* smaps costs: once a second */
            last_mem = vfbench_now ();
            vfbench_memory (a.pid, &m);
            if (m.private_mb > peak_a.private_mb)
                peak_a = m;
            vfbench_memory (b.pid, &m);
            if (m.private_mb > peak_b.private_mb)
                peak_b = m;
        }
        if (got - base >= (int64_t) cache->n)
            break;
        if (vfbench_now () - last_report > 30) {
            fprintf (stderr, "vfbench: sync: %lld of %zu after %.0f s\n", (long long) (got - base),
                     cache->n, vfbench_now () - t0);
            last_report = vfbench_now ();
        }
        zclock_sleep (200);
    }
    double dt = vfbench_now () - t0;
    vfbench_memory (a.pid, &m);
    vfbench_memory (b.pid, &b1);
    bool complete = got - base >= (int64_t) cache->n;
    double rate = (double) (got - base) / dt;
    vfbench_figure_t f = { rate, rate, rate };
    printf ("\ninitial sync of %zu entries from one peer (figure 4; one run, real vfnode "
            "processes, peer/reconcile %s)\n",
            cache->n, reconcile ? reconcile : "1m");
    if (!complete)
        printf ("  stopped after %.0f s (--sync-seconds) with %lld of %zu: the rate is over that "
                "time; all would take about %.0f s at that rate\n",
                dt, (long long) (got - base), cache->n, (double) cache->n / rate);
    if (ingest_rate > 0)
        vfbench_row ("initial sync, new node", f, "/s", "ingest (figure 1)", ingest_rate);
    else
        vfbench_row ("initial sync, new node", f, "/s", NULL, 0);
    printf ("  %.0f s; CPU: holder %.0f s, new node %.0f s\n", dt, m.cpu_s - a0.cpu_s, b1.cpu_s);
    printf ("\nprivate memory (anonymous RSS; LMDB's map not counted) of a node holding %zu "
            "entries (figure 7)\n",
            cache->n);
    s_mem_row ("memory: holder idle", &idle);
    s_mem_row ("memory: holder, peak during sync", &peak_a);
    s_mem_row ("memory: new node, peak during sync", &peak_b);
    s_mem_row ("memory: holder idle after sync", &m);
    printf ("  holder idle: RSS %.0f MB of which data.mdb mapped %.0f MB; at peak RSS %.0f MB, "
            "data.mdb %.0f MB\n",
            idle.rss_mb, idle.store_mapped_mb, peak_a.rss_mb, peak_a.store_mapped_mb);
    vfbench_result (json_pack (
        "{s:s, s:b, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:s}", "name", "sync_detail",
        "complete", complete, "caught_up", (json_int_t) (got - base), "seconds", dt, "holder_cpu_s",
        m.cpu_s - a0.cpu_s, "new_cpu_s", b1.cpu_s, "holder_idle_rss_mb", idle.rss_mb,
        "holder_idle_store_mapped_mb", idle.store_mapped_mb, "holder_peak_rss_mb", peak_a.rss_mb,
        "new_peak_rss_mb", peak_b.rss_mb, "reconcile", reconcile ? reconcile : "1m"));
    vfbench_node_stop (&b);
    vfbench_node_stop (&a);
    char cmd[1300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s' '%s'", a_dir, b_dir);
    if (system (cmd) != 0)
        fprintf (stderr, "vfbench: could not remove %s\n", a_dir);
}
