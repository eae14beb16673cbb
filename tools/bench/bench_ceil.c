/*  bench_ceil.c - the ceilings besides Ed25519, measured in the same run
    as the figures they bound:
      BLAKE2b   hashes per second of the entries' canonical encodings (one
                core): every id the node checks is one
      LMDB      durable batched appends per second: sequential keys, one
                table, a synced commit every 1000 puts, values the size of
                an entry (vf_store_append_ceiling)
      ZeroMQ    messages per second from a PUSH to a PULL socket over TCP
                on loopback, in two threads, plain and with CurveZMQ (as
                the peer connections are), messages the size of an entry */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>

#include "vf_crypto.h"
#include "vf_store.h"
#include "vfbench.h"

double
vfbench_blake2b_rate (vf_entry_t **all, size_t n)
{
    uint8_t out[VF_HASH_BYTES], acc = 0;
    size_t rounds = n < 100000 ? 100000 / n + 1 : 1;
    double t0 = vfbench_now ();
    for (size_t r = 0; r < rounds; r++)
        for (size_t k = 0; k < n; k++) {
            vf_hash (out, all[k]->blob + VF_SIG_BYTES, all[k]->blob_len - VF_SIG_BYTES);
            acc ^= out[0];
        }
    double dt = vfbench_now () - t0;
    if (acc == 0x5a) /* keeps the loop; says nothing */
        fputc (' ', stderr);
    return (double) (rounds * n) / dt;
}

double
vfbench_append_rate (const char *dir, int run, size_t n, size_t value_len)
{
    char path[600], cmd[700];
    snprintf (path, sizeof path, "%s/appends%d", dir, run);
    vf_err_t err = { 0 };
    double t0 = vfbench_now ();
    if (vf_store_append_ceiling (path, n, 1000, value_len, &err)) {
        fprintf (stderr, "vfbench: %s\n", err.msg);
        exit (1);
    }
    double rate = (double) n / (vfbench_now () - t0);
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system (cmd) != 0)
        fprintf (stderr, "vfbench: could not remove %s\n", path);
    return rate;
}

typedef struct {
    char endpoint[64];
    size_t n, size;
    vf_identity_t *client, *server; /* NULL: no CURVE */
} s_zmq_args_t;

/*  The sending side, in its own thread. */
static void
s_sender (zsock_t *pipe, void *args)
{
    s_zmq_args_t *a = args;
    zsock_t *push = zsock_new (ZMQ_PUSH);
    zsock_set_sndhwm (push, 10000);
    if (a->server) {
        zsock_set_curve_serverkey_bin (push, vf_identity_curve_public (a->server));
        zsock_set_curve_publickey_bin (push, vf_identity_curve_public (a->client));
        zsock_set_curve_secretkey_bin (push, vf_identity_curve_secret (a->client));
    }
    zsock_connect (push, "%s", a->endpoint);
    zsock_signal (pipe, 0);
    uint8_t *body = calloc (1, a->size);
    for (size_t k = 0; k < a->n; k++) {
        zframe_t *f = zframe_new (body, a->size);
        if (zframe_send (&f, push, 0) != 0)
            break;
    }
    free (body);
    zsock_wait (pipe); /* the receiver has them all, or gave up */
    zsock_destroy (&push);
}

double
vfbench_zmq_rate (size_t n, size_t size, bool curve)
{
    static const uint8_t seeds[2][VF_SEED_BYTES] = { { 1, 2, 3 }, { 4, 5, 6 } };
    s_zmq_args_t a = { .n = n, .size = size };
    if (curve) {
        a.client = vf_identity_new_from_seed (seeds[0]);
        a.server = vf_identity_new_from_seed (seeds[1]);
    }
    zsock_t *pull = zsock_new (ZMQ_PULL);
    zsock_set_rcvhwm (pull, 10000);
    zsock_set_rcvtimeo (pull, 10000);
    if (curve) {
        zsock_set_curve_server (pull, 1);
        zsock_set_curve_publickey_bin (pull, vf_identity_curve_public (a.server));
        zsock_set_curve_secretkey_bin (pull, vf_identity_curve_secret (a.server));
    }
    int port = zsock_bind (pull, "tcp://127.0.0.1:*");
    if (port < 0) {
        fprintf (stderr, "vfbench: zeromq: cannot bind a loopback port\n");
        exit (1);
    }
    snprintf (a.endpoint, sizeof a.endpoint, "tcp://127.0.0.1:%d", port);
    zactor_t *sender = zactor_new (s_sender, &a);
    double t0 = 0;
    size_t got = 0;
    for (; got < n; got++) {
        zframe_t *f = zframe_recv (pull);
        if (!f)
            break;
        if (got == 0)
            t0 = vfbench_now (); /* after the handshake */
        zframe_destroy (&f);
    }
    double rate = got > 1 ? (double) (got - 1) / (vfbench_now () - t0) : 0;
    zsock_signal (sender, 0);
    zactor_destroy (&sender);
    zsock_destroy (&pull);
    vf_identity_destroy (&a.client);
    vf_identity_destroy (&a.server);
    if (got < n) {
        fprintf (stderr, "vfbench: zeromq: %zu of %zu messages arrived\n", got, n);
        exit (1);
    }
    return rate;
}
