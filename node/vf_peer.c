/*  vf_peer.c - the peer engine actor. */
#include "vf_peer.h"

#include <sys/resource.h>

#include "vf_job.h"
#include "vf_limits.h"
#include "vf_log.h"
#include "vf_net.h"
#include "vf_peer_state.h"
#include "vf_recon_store.h"
#include "vf_text.h"
#include "vf_verifier.h"
#include "vf_wire.h"
#include "vf_writer.h"
#include "vf_zap.h"

/*  Where the ROUTER's socket monitor reports handshakes that fail before
    the ZAP check (one peer engine per process). */
#define S_MONITOR "inproc://vfnode-peer-monitor"

typedef struct {
    uint8_t key[VF_KEY_BYTES];
    uint8_t curve[VF_KEY_BYTES]; /* its CurveZMQ key, for ZAP */
    char keytext[VF_TEXT_MAX];
    char name[VF_NET_NAME_MAX + 1];
    char endpoint[VF_NET_ENDPOINT_MAX + 1];
    uint64_t shared;                /* networks we share by our file (vf_nets_of) */
    uint64_t theirs;                /* of those, the ones its last HELLO or WELCOME named */
    bool heard;                     /* it named its networks to us */
    uint8_t (*named)[VF_KEY_BYTES]; /* the network ids it named */
    size_t nnamed;
    zsock_t *dealer; /* our connection to it, if it has an endpoint */
    zframe_t *route; /* its connection to our ROUTER: the one it last said HELLO on */
    bool new_route;  /* the message in hand came on another connection than that */
    zframe_t *via;   /* the connection of the message in hand (borrowed) */
    bool out_ok;     /* our HELLO on the dealer was welcomed */
    bool in_ok;      /* it greeted us on the router */
    int64_t last_rx, last_tx, last_hello, since;
    int64_t greeted;      /* its last HELLO, or WELCOME to ours: what we asked before is void */
    int64_t banned_until; /* on our monotonic clock (k.banned_until: the wall clock's) */
    uint64_t ping_nonce;
    int64_t ping_at;
    uint64_t credit_out;            /* entries we may still send it */
    uint64_t credit_in;             /* entries it may still send us */
    uint8_t (*have)[VF_HASH_BYTES]; /* to announce */
    size_t nhave;
    uint8_t (*wants)[VF_HASH_BYTES]; /* it asked for, waiting for credit */
    size_t nwants;
    uint8_t (*backlog)[VF_HASH_BYTES]; /* it holds and we lack, not yet asked for */
    size_t nbacklog;
    uint64_t asked_out;    /* asked of it and not yet come (at most VF_PEER_QUEUE_MAX) */
    int64_t asked_at;      /* when that last made progress */
    int64_t next_recon;    /* when to reconcile with it next */
    uint64_t recon_rounds; /* RECON messages since the last start */
    int64_t last_recon;    /* when the last RECON message went either way */
    /*  what outlives the process (DIR/peers.state): counters, round trip,
        last seen, recent errors, the ban's end, the faults toward a ban */
    vf_peer_kept_t k;
} s_peer_t;

typedef struct {
    const vf_peer_args_t *a;
    vf_nets_t *nets;
    s_peer_t **peers;
    size_t npeers;
    zsock_t *router, *stored, *verify, *done, *ctl;
    vf_zap_t *zap;
    zpoller_t *poller;
    zhashx_t *asked; /* id (hex) -> time we asked for it */
    int64_t next_sweep;
    vf_peer_state_t *state; /* DIR/peers.state */
    bool loaded;            /* it was read: ours to write */
    bool changed;           /* something that counts changed since the last save */
    int64_t next_save, saved_at;
    uint64_t admitted0, refused0;         /* handshakes before this start */
    zsock_t *monitor;                     /* the ROUTER's handshakes that fail before ZAP */
    uint64_t jobs_out;                    /* peers' entries handed to the verifiers, not yet back */
    char bound[VF_NET_ENDPOINT_MAX + 64]; /* where the ROUTER listens, resolved */
    uint64_t inbound;                     /* connections it accepted that are still open */
    uint64_t inbound_max;                 /* half the files this process may open */
    int64_t relisten_at;                  /* not listening until then (0: listening) */
    uint64_t refused_early;               /* those, since this start */
} s_engine_t;

/* --------------------------------------------------------------- peers */

static s_peer_t *
s_peer_by_key (s_engine_t *e, const uint8_t key[VF_KEY_BYTES])
{
    for (size_t k = 0; k < e->npeers; k++)
        if (memcmp (e->peers[k]->key, key, VF_KEY_BYTES) == 0)
            return e->peers[k];
    return NULL;
}

static s_peer_t *
s_peer_by_text (s_engine_t *e, const char *text)
{
    uint8_t key[VF_KEY_BYTES];
    return text && vf_text_decode (key, VF_TEXT_KEY, text, NULL) == 0 ? s_peer_by_key (e, key)
                                                                      : NULL;
}

static bool
s_connected (const s_peer_t *p)
{
    return p->out_ok || p->in_ok;
}

/*  Which of the networks we share by our file p named as shared by its. */
static void
s_match_named (s_engine_t *e, s_peer_t *p)
{
    p->theirs = 0;
    for (size_t k = 0; k < vf_nets_count (e->nets); k++)
        for (size_t i = 0; i < p->nnamed; i++)
            if (memcmp (vf_nets_get (e->nets, k)->id, p->named[i], VF_KEY_BYTES) == 0)
                p->theirs |= (uint64_t) 1 << k;
}

/*  The networks we send p entries of and reconcile with it: those both
    files list (until it named its own, ours). What it sends us is judged
    by our file alone. */
static uint64_t
s_both (const s_peer_t *p)
{
    return p->heard ? p->shared & p->theirs : p->shared;
}

static void
s_peer_destroy (s_peer_t **p_p)
{
    s_peer_t *p = *p_p;
    if (!p)
        return;
    zsock_destroy (&p->dealer);
    zframe_destroy (&p->route);
    free (p->have);
    free (p->wants);
    free (p->backlog);
    free (p->named);
    free (p);
    *p_p = NULL;
}

/*  Dial p's endpoint with CurveZMQ (its key as the server key). */
static void
s_dial (s_engine_t *e, s_peer_t *p)
{
    if (!p->endpoint[0] || p->dealer || p->banned_until > zclock_mono ())
        return;
    p->dealer = zsock_new (ZMQ_DEALER);
    if (!p->dealer)
        return;
    zsock_set_curve_serverkey_bin (p->dealer, p->curve);
    zsock_set_curve_publickey_bin (p->dealer, vf_identity_curve_public (e->a->identity));
    zsock_set_curve_secretkey_bin (p->dealer, vf_identity_curve_secret (e->a->identity));
    zsock_set_maxmsgsize (p->dealer, VF_WIRE_FRAME_MAX);
    zsock_set_sndhwm (p->dealer, VF_PEER_SNDHWM);
    zsock_set_rcvhwm (p->dealer, VF_PEER_RCVHWM);
    zsock_set_linger (p->dealer, 0);
    if (zsock_connect (p->dealer, "%s", p->endpoint) != 0) {
        VF_LOG_WARNING ("peer %s: cannot dial %s", p->name, p->endpoint);
        zsock_destroy (&p->dealer);
        return;
    }
    zpoller_add (e->poller, p->dealer);
    p->last_hello = 0;
}

static void
s_undial (s_engine_t *e, s_peer_t *p)
{
    if (p->dealer) {
        zpoller_remove (e->poller, p->dealer);
        zsock_destroy (&p->dealer);
    }
    p->out_ok = false;
}

/*  What the state file kept of p, if it has it (at start): counters
    continue, and a ban still running goes on for the rest of its time
    (never more than peer/ban_for from now: the wall clock may have been
    set back, or peer/ban_for shortened). */
static void
s_restore (s_engine_t *e, s_peer_t *p)
{
    if (!e->state || !vf_peer_state_take (e->state, p->key, &p->k))
        return;
    int64_t left = p->k.banned_until - zclock_time ();
    if (left > e->a->ban_ms)
        left = e->a->ban_ms;
    p->k.banned_until = p->k.banned_until && left > 0 ? zclock_time () + left : 0;
    p->banned_until = p->k.banned_until ? zclock_mono () + left : 0;
    if (p->banned_until)
        VF_LOG_NOTICE ("peer %s stays banned for %lld s", p->keytext, (long long) (left / 1000));
}

/*  Make the peer list the members of our networks (keeping live sessions). */
static void
s_rebuild (s_engine_t *e)
{
    const uint8_t *self = vf_identity_public (e->a->identity);
    s_peer_t **old = e->peers;
    size_t nold = e->npeers;
    e->peers = NULL, e->npeers = 0;
    for (size_t n = 0; n < vf_nets_count (e->nets); n++) {
        const vf_network_t *net = vf_nets_get (e->nets, n);
        for (size_t m = 0; m < net->nmembers; m++) {
            const vf_member_t *mem = &net->members[m];
            if (memcmp (mem->key, self, VF_KEY_BYTES) == 0 || s_peer_by_key (e, mem->key))
                continue;
            s_peer_t *p = NULL;
            for (size_t k = 0; k < nold && !p; k++)
                if (old[k] && memcmp (old[k]->key, mem->key, VF_KEY_BYTES) == 0)
                    p = old[k], old[k] = NULL;
            if (!p && (p = calloc (1, sizeof *p))) {
                memcpy (p->key, mem->key, VF_KEY_BYTES);
                if (vf_curve_public (p->curve, p->key) != 0) { /* not a point: never admitted */
                    VF_LOG_WARNING ("member %s of %s is not a usable key", mem->name, net->name);
                    free (p);
                    continue;
                }
                vf_text_encode (p->keytext, VF_TEXT_KEY, p->key);
                s_restore (e, p);
                p->have = calloc (VF_WIRE_IDS_MAX, VF_HASH_BYTES);
                p->wants = calloc (VF_PEER_QUEUE_MAX, VF_HASH_BYTES);
            }
            if (!p || !p->have || !p->wants) {
                s_peer_destroy (&p);
                continue;
            }
            /*  the first name and the first endpoint any of our networks
                gives it */
            const char *name = mem->name, *endpoint = mem->endpoint;
            for (size_t o = n + 1; o < vf_nets_count (e->nets); o++) {
                const vf_network_t *other = vf_nets_get (e->nets, o);
                for (size_t i = 0; i < other->nmembers; i++)
                    if (memcmp (other->members[i].key, mem->key, VF_KEY_BYTES) == 0) {
                        name = name[0] ? name : other->members[i].name;
                        endpoint = endpoint[0] ? endpoint : other->members[i].endpoint;
                    }
            }
            snprintf (p->name, sizeof p->name, "%s", name[0] ? name : p->keytext);
            if (endpoint[0] && strcmp (endpoint, p->endpoint) != 0) {
                s_undial (e, p);
                snprintf (p->endpoint, sizeof p->endpoint, "%s", endpoint);
            }
            p->shared = vf_nets_of (e->nets, p->key);
            s_match_named (e, p);
            s_peer_t **more = realloc (e->peers, (e->npeers + 1) * sizeof *more);
            if (!more) {
                s_peer_destroy (&p);
                continue;
            }
            e->peers = more;
            e->peers[e->npeers++] = p;
            s_dial (e, p);
        }
    }
    for (size_t k = 0; k < nold; k++) {
        if (old[k] && old[k]->dealer)
            zpoller_remove (e->poller, old[k]->dealer);
        s_peer_destroy (&old[k]);
    }
    free (old);
}

/*  ZAP: admit a CURVE key of a member that is not banned. */
static bool
s_zap_check (void *arg, const uint8_t curve[VF_KEY_BYTES], uint8_t member[VF_KEY_BYTES])
{
    s_engine_t *e = arg;
    for (size_t k = 0; k < e->npeers; k++) {
        s_peer_t *p = e->peers[k];
        if (memcmp (p->curve, curve, VF_KEY_BYTES) == 0 && p->banned_until <= zclock_mono ()) {
            memcpy (member, p->key, VF_KEY_BYTES);
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------- sending */

/*  Which of our connections to a peer a message goes on. */
typedef enum {
    S_ANY,   /* our dialled one once welcomed, else its connection to us */
    S_ROUTER /* its connection to us: the answer to its HELLO */
} s_via_t;

static void
s_send_via (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m, s_via_t via)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    vf_err_t err = { 0 };
    if (vf_wire_encode (m, &buf, &len, &err) != 0) {
        VF_LOG_ERROR ("peer %s: cannot encode %s: %s", p->name, vf_wire_type_name (m->type),
                      err.msg);
        return;
    }
    int rc = -1;
    /*  a HELLO opens a session, an ERROR may say why one cannot be */
    bool hello = m->type == VF_WIRE_HELLO, error = m->type == VF_WIRE_ERROR;
    if (via == S_ANY && p->dealer && (p->out_ok || hello || (error && !p->route))) {
        zframe_t *body = zframe_new (buf, len);
        rc = zframe_send (&body, p->dealer, ZFRAME_DONTWAIT);
        zframe_destroy (&body);
    } else if (p->route && (p->in_ok || error)) {
        zframe_t *route = zframe_dup (p->route), *body = zframe_new (buf, len);
        rc = zframe_send (&route, e->router, ZFRAME_MORE) == 0 ? zframe_send (&body, e->router, 0)
                                                               : -1;
        zframe_destroy (&route);
        zframe_destroy (&body);
    }
    if (rc == 0) {
        p->k.msgs_out++, p->k.bytes_out += len;
        p->last_tx = zclock_mono ();
    }
    free (buf);
}

static void
s_send (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m)
{
    s_send_via (e, p, m, S_ANY);
}

static void
s_send_error (s_engine_t *e, s_peer_t *p, const char *code, const char *text)
{
    vf_wire_msg_t m = { .type = VF_WIRE_ERROR };
    snprintf (m.code, sizeof m.code, "%s", code);
    /*  cut before a character, never inside one (a store's message may
        name a path) */
    size_t len = strlen (text);
    if (len > sizeof m.text - 1)
        for (len = sizeof m.text - 1; len > 0 && ((uint8_t) text[len] & 0xC0) == 0x80;)
            len--;
    memcpy (m.text, text, len);
    m.text[len] = '\0';
    s_send (e, p, &m);
}

static void
s_send_hello (s_engine_t *e, s_peer_t *p, vf_wire_type_t type)
{
    vf_wire_msg_t m = { .type = type, .version = VF_WIRE_VERSION, .ncaps = 2 };
    memcpy (m.key, vf_identity_public (e->a->identity), VF_KEY_BYTES);
    /*  the wire holds a shorter name than the config allows: cut it
        before a character, never inside one */
    size_t len = strlen (e->a->name);
    if (len > sizeof m.name - 1)
        for (len = sizeof m.name - 1; len > 0 && ((uint8_t) e->a->name[len] & 0xC0) == 0x80;)
            len--;
    memcpy (m.name, e->a->name, len);
    m.name[len] = '\0';
    for (size_t k = 0; k < vf_nets_count (e->nets) && m.nnetworks < VF_WIRE_NETWORKS_MAX; k++)
        if (p->shared & ((uint64_t) 1 << k))
            memcpy (m.networks[m.nnetworks++], vf_nets_get (e->nets, k)->id, VF_KEY_BYTES);
    snprintf (m.caps[0], sizeof m.caps[0], "push-1");
    snprintf (m.caps[1], sizeof m.caps[1], "recon-1");
    s_send_via (e, p, &m, type == VF_WIRE_WELCOME ? S_ROUTER : S_ANY);
    if (type == VF_WIRE_HELLO) {
        p->last_hello = zclock_mono ();
    }
}

static void
s_send_number (s_engine_t *e, s_peer_t *p, vf_wire_type_t type, uint64_t n)
{
    vf_wire_msg_t m = { .type = type, .number = n };
    s_send (e, p, &m);
}

static void
s_flush_have (s_engine_t *e, s_peer_t *p)
{
    if (!p->nhave || !s_connected (p))
        return;
    vf_wire_msg_t m = { .type = VF_WIRE_HAVE, .nids = p->nhave, .ids = p->have };
    s_send (e, p, &m);
    p->nhave = 0;
}

/*  The session is over: what was owed either way is void (the next
    session grants credit afresh, and its reconciliation finds again what
    was still to be asked for). */
static void
s_session_down (s_peer_t *p)
{
    p->out_ok = p->in_ok = false;
    p->credit_out = 0;
    p->nwants = p->nbacklog = 0;
    p->asked_out = 0;
}

/* ------------------------------------------------------------- errors */

/*  Its last error (a fault, an ERROR it sent, our store failing its
    batch), kept with the recent ones. */
static void
s_note_error (s_engine_t *e, s_peer_t *p, const char *text)
{
    vf_peer_kept_error (&p->k, zclock_time (), text);
    e->changed = true;
}

/*  A fault of the peer: count it, remember it, ban past the limit. */
static void s_fault (s_engine_t *e, s_peer_t *p, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
s_fault (s_engine_t *e, s_peer_t *p, const char *fmt, ...)
{
    char text[VF_ERR_MSG_MAX];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    int64_t now = zclock_time (); /* wall clock: kept across restarts */
    s_note_error (e, p, text);
    if (p->k.last_fault && now - p->k.last_fault > VF_PEER_FAULT_FORGET_MS)
        p->k.faults_since_ban = 0; /* the last ones were long ago */
    p->k.last_fault = now;
    p->k.errors++;
    p->k.faults_since_ban++;
    VF_LOG_LIMITED ("peer-fault", VF_LOG_LEVEL_NOTICE, "peer %s: %s", p->name, text);
    if (p->k.faults_since_ban < (uint64_t) e->a->ban_after)
        return;
    VF_LOG_WARNING ("peer %s banned for %d s after %llu bad frames or entries (last: %s)", p->name,
                    e->a->ban_ms / 1000, (unsigned long long) p->k.faults_since_ban, text);
    s_send_error (e, p, "banned", "too many bad frames or entries; try again later");
    p->banned_until = zclock_mono () + e->a->ban_ms;
    p->k.banned_until = now + e->a->ban_ms;
    p->k.faults_since_ban = 0;
    s_session_down (p);
    zframe_destroy (&p->route);
    s_undial (e, p);
}

static void s_reconcile (s_engine_t *e, s_peer_t *p);

/* ------------------------------------------------------------ messages */

static void
s_on_hello (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m, bool via_router)
{
    if (m->type == VF_WIRE_HELLO && via_router && p->new_route) {
        zframe_destroy (&p->route); /* its connection from now on */
        p->route = zframe_dup (p->via);
    }
    if (m->version != VF_WIRE_VERSION) {
        char text[128];
        snprintf (text, sizeof text, "this node speaks wire protocol version %d, not %llu",
                  VF_WIRE_VERSION, (unsigned long long) m->version);
        s_send_error (e, p, "version", text);
        s_fault (e, p, "%s", text);
        return;
    }
    if (memcmp (m->key, p->key, VF_KEY_BYTES) != 0) {
        s_fault (e, p, "%s carries another key than its connection", vf_wire_type_name (m->type));
        return;
    }
    /*  the networks it shares with us by its file, whichever socket */
    void *named = m->nnetworks ? realloc (p->named, m->nnetworks * (size_t) VF_KEY_BYTES) : NULL;
    if (named || !m->nnetworks) {
        if (named)
            p->named = named;
        if (named)
            memcpy (p->named, m->networks, m->nnetworks * (size_t) VF_KEY_BYTES);
        p->nnamed = m->nnetworks;
        p->heard = true;
        s_match_named (e, p);
    }
    bool was = s_connected (p), was_out = p->out_ok;
    if (m->type == VF_WIRE_HELLO && via_router) {
        p->in_ok = true;
        s_send_hello (e, p, VF_WIRE_WELCOME);
        if (was && p->new_route) {
            /*  it dialled again while our session went on: its own is new
                (it timed us out) and forgot the credit we granted. Tell it
                what we still grant, no more: reconnecting raises nothing */
            vf_wire_msg_t left = { .type = VF_WIRE_CREDIT, .number = p->credit_in };
            s_send_via (e, p, &left, S_ROUTER);
        }
    } else if (m->type == VF_WIRE_WELCOME && !via_router && !was_out)
        p->out_ok = true;
    else
        return;
    p->greeted = zclock_mono ();
    if (!was) {
        /*  a new session: full credit, sent after the greeting on the
            connection the greeting went on */
        p->since = zclock_mono ();
        p->credit_in = e->a->credit;
        vf_wire_msg_t grant = { .type = VF_WIRE_CREDIT, .number = e->a->credit };
        s_send_via (e, p, &grant, via_router ? S_ROUTER : S_ANY);
        VF_LOG_INFO ("peer %s (%s) connected", p->name, p->keytext);
    }
    if (m->type == VF_WIRE_WELCOME && !via_router && !was_out)
        s_reconcile (e, p); /* we dialled: we start catching up */
    else if (!was)
        p->next_recon = zclock_mono () + e->a->reconcile_ms;
}

static void
s_hex_id (char out[2 * VF_HASH_BYTES + 1], const uint8_t id[VF_HASH_BYTES])
{
    for (size_t i = 0; i < VF_HASH_BYTES; i++)
        snprintf (out + 2 * i, 3, "%02x", id[i]);
}

/*  Was the id (hex) asked of a peer lately, since p last greeted us? An
    ask from before went perhaps to p's previous connection (it restarted,
    or dialled anew), which will never answer it: p's new session must be
    able to ask again at once. An ask in the greeting's own millisecond
    counts as one from before (asking twice costs a duplicate; not asking
    again, a wait for the next periodic reconciliation). */
static bool
s_asked_lately (const s_engine_t *e, const s_peer_t *p, const char *hex)
{
    int64_t until = (int64_t) (intptr_t) zhashx_lookup (e->asked, hex);
    return until && until - e->a->timeout_ms > p->greeted;
}

/*  Ask p for what is in its backlog, keeping at most VF_PEER_QUEUE_MAX
    asked and not yet come, so that an honest catch-up never overruns
    the peer's queue. */
static void
s_top_up (s_engine_t *e, s_peer_t *p)
{
    int64_t now = zclock_mono ();
    while (s_connected (p) && p->nbacklog && p->asked_out < VF_PEER_QUEUE_MAX) {
        size_t n = p->nbacklog;
        if (n > VF_WIRE_IDS_MAX)
            n = VF_WIRE_IDS_MAX;
        if (n > VF_PEER_QUEUE_MAX - p->asked_out)
            n = (size_t) (VF_PEER_QUEUE_MAX - p->asked_out);
        /*  ask only for what nobody was asked for meanwhile and we still
            lack (a backlog may hold an id twice, or one another peer sent) */
        uint8_t (*ask)[VF_HASH_BYTES] = p->backlog;
        size_t nask = 0;
        for (size_t k = 0; k < n; k++) {
            char hex[2 * VF_HASH_BYTES + 1];
            bool held = false;
            s_hex_id (hex, p->backlog[k]);
            if (s_asked_lately (e, p, hex) ||
                (vf_store_has (e->a->store, p->backlog[k], &held, NULL) == 0 && held))
                continue;
            zhashx_update (e->asked, hex, (void *) (intptr_t) (now + e->a->timeout_ms));
            memmove (ask[nask++], p->backlog[k], VF_HASH_BYTES);
        }
        if (nask) {
            vf_wire_msg_t w = { .type = VF_WIRE_WANT, .nids = nask, .ids = ask };
            s_send (e, p, &w);
        }
        memmove (p->backlog, p->backlog + n, (p->nbacklog - n) * VF_HASH_BYTES);
        p->nbacklog -= n;
        p->asked_out += nask;
        p->asked_at = now;
    }
}

/*  p holds these ids: ask for those we lack and nobody was asked for
    lately. */
static void
s_ask (s_engine_t *e, s_peer_t *p, const uint8_t (*ids)[VF_HASH_BYTES], size_t n)
{
    if (!p->backlog && !(p->backlog = calloc (VF_PEER_BACKLOG_MAX, VF_HASH_BYTES)))
        return;
    for (size_t k = 0; k < n && p->nbacklog < VF_PEER_BACKLOG_MAX; k++) {
        bool held = false;
        char hex[2 * VF_HASH_BYTES + 1];
        s_hex_id (hex, ids[k]);
        if (vf_store_has (e->a->store, ids[k], &held, NULL) != 0 || held ||
            s_asked_lately (e, p, hex))
            continue;
        memcpy (p->backlog[p->nbacklog++], ids[k], VF_HASH_BYTES);
    }
    s_top_up (e, p);
}

static void
s_on_have (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m)
{
    s_ask (e, p, (const uint8_t (*)[VF_HASH_BYTES]) m->ids, m->nids);
}

/*  Send what it asked for, as far as its credit goes, in frames of at
    most VF_WIRE_FRAME_MAX bytes; only entries it may hold. */
static void
s_serve (s_engine_t *e, s_peer_t *p)
{
    vf_entry_t *held[VF_WIRE_ENTRIES_MAX];
    size_t done = 0;
    while (done < p->nwants && p->credit_out > 0 && s_connected (p)) {
        vf_wire_msg_t m = { .type = VF_WIRE_ENTRIES };
        size_t bytes = 64;
        while (done < p->nwants && m.nentries < VF_WIRE_ENTRIES_MAX && p->credit_out > 0) {
            vf_entry_t *en = NULL;
            if (vf_store_get (e->a->store, p->wants[done], &en, NULL) != 0) {
                done++;
                continue;
            }
            if (!vf_nets_may_hold (e->nets, p->shared, en)) {
                vf_entry_destroy (&en);
                done++;
                s_fault (e, p, "asked for an entry outside the networks it shares with us");
                if (!s_connected (p))
                    break; /* banned: its queue is gone */
                continue;
            }
            if (bytes + en->blob_len + 16 > VF_WIRE_FRAME_MAX) {
                vf_entry_destroy (&en);
                break;
            }
            bytes += en->blob_len + 16;
            held[m.nentries] = en;
            m.entries[m.nentries] = en->blob;
            m.entry_lens[m.nentries++] = en->blob_len;
            p->credit_out--;
            done++;
        }
        if (m.nentries)
            s_send (e, p, &m);
        p->k.entries_out += m.nentries;
        e->changed = e->changed || m.nentries;
        for (size_t k = 0; k < m.nentries; k++)
            vf_entry_destroy (&held[k]);
    }
    if (done > p->nwants) /* the session went down meanwhile */
        done = p->nwants;
    memmove (p->wants, p->wants + done, (p->nwants - done) * VF_HASH_BYTES);
    p->nwants -= done;
}

static void
s_on_want (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m)
{
    size_t k = 0;
    for (; k < m->nids && p->nwants < VF_PEER_QUEUE_MAX; k++)
        memcpy (p->wants[p->nwants++], m->ids[k], VF_HASH_BYTES);
    if (k < m->nids) /* it will ask again; an honest peer rarely gets here */
        VF_LOG_LIMITED ("peer-wants", VF_LOG_LEVEL_NOTICE,
                        "peer %s: asked for more than %d entries at once; %zu asks ignored",
                        p->name, VF_PEER_QUEUE_MAX, m->nids - k);
    s_serve (e, p);
}

/*  The writer never splits a job this small across transactions. */
_Static_assert(VF_WIRE_ENTRIES_MAX <= VF_INGEST_BATCH_MAX,
               "a peer's job must fit in one store transaction");

/*  ENTRIES: within its credit and its networks, to the verifier pool. */
static void
s_on_entries (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m)
{
    size_t n = m->nentries;
    if (n > p->credit_in) {
        /*  Beyond our credit: dropped and asked for again. Not a fault: a
            peer that restarted, or whose session here was renewed while its
            own went on, may still count an earlier grant; the excess costs
            us one decode each and nothing is kept. */
        for (size_t k = (size_t) p->credit_in; k < n; k++) {
            vf_entry_t *en = NULL;
            if (vf_entry_load (&en, m->entries[k], m->entry_lens[k], NULL) == 0) {
                char hex[2 * VF_HASH_BYTES + 1];
                s_hex_id (hex, en->id);
                zhashx_delete (e->asked, hex);
                if (p->backlog && p->nbacklog < VF_PEER_BACKLOG_MAX)
                    memcpy (p->backlog[p->nbacklog++], en->id, VF_HASH_BYTES);
            }
            vf_entry_destroy (&en);
        }
        p->k.over_credit += n - p->credit_in;
        e->changed = true;
        n = (size_t) p->credit_in;
    }
    p->credit_in -= n;
    p->asked_out = p->asked_out > m->nentries ? p->asked_out - m->nentries : 0;
    p->asked_at = zclock_mono ();
    s_top_up (e, p);
    if (!n)
        return;
    vf_job_t *job = vf_job_new (n, 0, VF_PEER_DONE);
    if (job) {
        job->blobs = calloc (n, sizeof *job->blobs);
        job->blob_lens = calloc (n, sizeof *job->blob_lens);
    }
    if (!job || !job->blobs || !job->blob_lens) {
        vf_job_destroy (&job);
        return;
    }
    job->has_origin = true;
    memcpy (job->origin, p->key, VF_KEY_BYTES);
    for (size_t k = 0; k < n; k++) {
        vf_entry_t *en = NULL;
        vf_err_t err = { 0 };
        int rc = vf_entry_load (&en, m->entries[k], m->entry_lens[k], &err);
        if (rc == 0 && !vf_nets_may_hold (e->nets, p->shared, en))
            rc = vf_err_set (&err, VF_EPERM, "entry outside the networks this peer shares with us");
        if (rc == 0 && (job->blobs[k] = malloc (m->entry_lens[k]))) {
            memcpy (job->blobs[k], m->entries[k], m->entry_lens[k]);
            job->blob_lens[k] = m->entry_lens[k];
        } else if (rc == 0)
            rc = VF_ENOMEM;
        if (rc)
            vf_job_refuse (job, k, rc, vf_err_msg (&err, rc));
        vf_entry_destroy (&en);
    }
    if (zsock_send (e->verify, "p", job) != 0)
        vf_job_destroy (&job);
    else
        e->jobs_out++;
}

/* ------------------------------------------------------ reconciliation */

static const uint8_t s_public_net[VF_KEY_BYTES] = { 0 };

/*  May we reconcile network net with p? Public, or a network we share. */
static bool
s_shares (s_engine_t *e, const s_peer_t *p, const uint8_t net[VF_KEY_BYTES])
{
    if (memcmp (net, s_public_net, VF_KEY_BYTES) == 0)
        return true;
    for (size_t k = 0; k < vf_nets_count (e->nets); k++)
        if ((p->shared & ((uint64_t) 1 << k)) &&
            memcmp (vf_nets_get (e->nets, k)->id, net, VF_KEY_BYTES) == 0)
            return true;
    return false;
}

static void
s_send_recon (s_engine_t *e, s_peer_t *p, const uint8_t net[VF_KEY_BYTES], const uint8_t *payload,
              size_t len)
{
    vf_wire_msg_t m = { .type = VF_WIRE_RECON, .payload = payload, .payload_len = len };
    memcpy (m.network, net, VF_KEY_BYTES);
    p->last_recon = zclock_mono ();
    s_send (e, p, &m);
}

/*  Start reconciling every network we share with p, and the public entries. */
static void
s_reconcile (s_engine_t *e, s_peer_t *p)
{
    p->next_recon = zclock_mono () + e->a->reconcile_ms;
    p->recon_rounds = 0;
    p->k.recons++;
    p->k.recon_need = p->k.recon_have = 0; /* what this one finds */
    e->changed = true;
    for (size_t k = 0; k <= vf_nets_count (e->nets); k++) {
        const uint8_t *net =
            k < vf_nets_count (e->nets) ? vf_nets_get (e->nets, k)->id : s_public_net;
        if (k < vf_nets_count (e->nets) && !(s_both (p) & ((uint64_t) 1 << k)))
            continue;
        vf_store_recon_t *src = NULL;
        uint8_t *msg = NULL;
        size_t len = 0;
        vf_err_t err = { 0 };
        int rc = vf_store_recon_open (e->a->store, net, &src, &err);
        vf_recon_source_t s = src ? vf_store_recon_source (src) : (vf_recon_source_t){ 0 };
        if (rc == 0)
            rc = vf_recon_initiate (&s, NULL, &msg, &len, &err);
        if (rc == 0)
            s_send_recon (e, p, net, msg, len);
        else
            VF_LOG_ERROR ("peer %s: cannot start reconciling: %s", p->name, vf_err_msg (&err, rc));
        free (msg);
        vf_store_recon_close (&src);
    }
}

/*  Ask for what we lack (WANT), announce what it lacks (HAVE). */
static void
s_recon_results (s_engine_t *e, s_peer_t *p, const vf_recon_ids_t *have, const vf_recon_ids_t *need)
{
    p->k.recon_need += need->n;
    p->k.recon_have += have->n;
    e->changed = e->changed || need->n || have->n;
    s_ask (e, p, (const uint8_t (*)[VF_HASH_BYTES]) need->ids, need->n);
    for (size_t k = 0; k < have->n; k++) {
        memcpy (p->have[p->nhave++], have->ids[k], VF_HASH_BYTES);
        if (p->nhave == VF_WIRE_IDS_MAX)
            s_flush_have (e, p);
    }
}

static void
s_on_recon (s_engine_t *e, s_peer_t *p, const vf_wire_msg_t *m)
{
    if (!s_shares (e, p, m->network)) {
        s_fault (e, p, "reconciliation of a network it does not share with us");
        return;
    }
    p->last_recon = zclock_mono ();
    /*  per period: both sides' reconciliations of each set we share */
    uint64_t budget =
        2ull * VF_PEER_RECON_ROUNDS_MAX * (1 + (uint64_t) __builtin_popcountll (p->shared));
    if (++p->recon_rounds > budget) {
        if (p->recon_rounds == budget + 1)
            s_fault (e, p, "more than %llu reconciliation messages in one period",
                     (unsigned long long) budget);
        return;
    }
    vf_store_recon_t *src = NULL;
    vf_recon_ids_t have = { 0 }, need = { 0 };
    uint8_t *out = NULL;
    size_t outlen = 0;
    bool done = false;
    vf_err_t err = { 0 };
    int rc = vf_store_recon_open (e->a->store, m->network, &src, &err);
    if (rc == 0) {
        vf_recon_source_t s = vf_store_recon_source (src);
        rc = vf_recon_respond (&s, NULL, m->payload, m->payload_len, &out, &outlen, &have, &need,
                               &done, &err);
    }
    vf_store_recon_close (&src);
    if (rc == VF_EPARSE || rc == VF_ENONCANON || rc == VF_ETOOBIG)
        s_fault (e, p, "bad reconciliation message: %s", err.msg);
    else if (rc)
        VF_LOG_ERROR ("peer %s: reconciliation: %s", p->name, vf_err_msg (&err, rc));
    else {
        if (out)
            s_send_recon (e, p, m->network, out, outlen);
        s_recon_results (e, p, &have, &need);
    }
    free (out);
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
}

static void
s_handle (s_engine_t *e, s_peer_t *p, const uint8_t *frame, size_t len, bool via_router)
{
    vf_wire_msg_t m;
    vf_err_t err = { 0 };
    p->k.msgs_in++, p->k.bytes_in += len;
    p->last_rx = zclock_mono ();
    p->k.last_seen = zclock_time ();
    if (vf_wire_decode (&m, frame, len, &err) != 0) {
        s_fault (e, p, "bad frame: %s", err.msg);
        return;
    }
    bool greeting = m.type == VF_WIRE_HELLO || m.type == VF_WIRE_WELCOME || m.type == VF_WIRE_ERROR;
    if (!greeting && !s_connected (p)) {
        /*  a session that timed out here but not there: ignored, not a
            fault; our next HELLO starts a new one */
        VF_LOG_LIMITED ("peer-early", VF_LOG_LEVEL_DEBUG, "peer %s: %s outside a session ignored",
                        p->name, vf_wire_type_name (m.type));
        return;
    }
    switch (m.type) {
    case VF_WIRE_HELLO:
    case VF_WIRE_WELCOME:
        s_on_hello (e, p, &m, via_router);
        break;
    case VF_WIRE_ERROR: {
        char text[VF_ERR_MSG_MAX];
        snprintf (text, sizeof text, "it said %.64s: %.200s", m.code, m.text);
        s_note_error (e, p, text);
        VF_LOG_LIMITED ("peer-error", VF_LOG_LEVEL_NOTICE, "peer %s: %s", p->name, text);
        break;
    }
    case VF_WIRE_PING:
        s_send_number (e, p, VF_WIRE_PONG, m.number);
        break;
    case VF_WIRE_PONG:
        if (m.number == p->ping_nonce && p->ping_at)
            p->k.rtt_ms = zclock_mono () - p->ping_at;
        break;
    case VF_WIRE_HAVE:
        s_on_have (e, p, &m);
        break;
    case VF_WIRE_WANT:
        s_on_want (e, p, &m);
        break;
    case VF_WIRE_ENTRIES:
        s_on_entries (e, p, &m);
        break;
    case VF_WIRE_CREDIT:
        p->credit_out = m.number > VF_PEER_CREDIT_MAX * 10ull - p->credit_out
                            ? VF_PEER_CREDIT_MAX * 10ull
                            : p->credit_out + m.number;
        s_serve (e, p);
        break;
    case VF_WIRE_RECON:
        s_on_recon (e, p, &m);
        break;
    }
}

/* -------------------------------------------------------------- inputs */

static void
s_from_router (s_engine_t *e)
{
    zmsg_t *msg = zmsg_recv (e->router);
    zframe_t *route = msg ? zmsg_pop (msg) : NULL, *body = msg ? zmsg_pop (msg) : NULL;
    const char *user = body ? zframe_meta (body, "User-Id") : NULL;
    s_peer_t *p = s_peer_by_text (e, user);
    if (p && body && zmsg_size (msg) == 0 && p->banned_until <= zclock_mono ()) {
        /*  we answer on the connection it last greeted us on (s_on_hello),
            not on the one of any message: data late on a connection it
            has left (held up by a partition, read as we resume from a
            pause) must not draw our answers where nobody reads them */
        p->new_route = !p->route || !zframe_eq (p->route, route);
        if (!p->route)
            p->route = zframe_dup (route);
        p->via = route;
        s_handle (e, p, zframe_data (body), zframe_size (body), true);
        p->via = NULL;
        p->new_route = false;
    }
    zframe_destroy (&route);
    zframe_destroy (&body);
    zmsg_destroy (&msg);
}

static void
s_from_dealer (s_engine_t *e, s_peer_t *p)
{
    zframe_t *body = zframe_recv (p->dealer);
    if (body && p->banned_until <= zclock_mono ())
        s_handle (e, p, zframe_data (body), zframe_size (body), false);
    zframe_destroy (&body);
}

/*  A handshake on our ROUTER failed before any ZAP request: the client
    offered another security mechanism (NULL, PLAIN) or none that ZeroMQ
    knows, its CURVE handshake failed (it does not have our key), or it
    closed or timed out before the end of its greeting. A refusal like
    those of the ZAP check: counted and logged (rate limited). */
static void s_count_connection (s_engine_t *e, bool accepted);

static void
s_from_monitor (s_engine_t *e)
{
    zmsg_t *msg = zmsg_recv (e->monitor);
    zframe_t *f = msg ? zmsg_first (msg) : NULL;
    if (f && zframe_size (f) == 6) {
        uint16_t event = 0;
        uint32_t value = 0;
        memcpy (&event, zframe_data (f), sizeof event);
        memcpy (&value, zframe_data (f) + 2, sizeof value);
        if (event == ZMQ_EVENT_ACCEPTED || event == ZMQ_EVENT_DISCONNECTED) {
            s_count_connection (e, event == ZMQ_EVENT_ACCEPTED);
            zmsg_destroy (&msg);
            return;
        }
        /*  a rate limit per kind: a flood of one does not hide the others */
        char why[128];
        const char *kind = "handshake-other";
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
            kind = "handshake-closed";
            snprintf (why, sizeof why, "that closed or timed out during its handshake (%s)",
                      strerror ((int) value));
        } else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
            kind = "handshake-no-curve";
            snprintf (why, sizeof why, "without CURVE (another security mechanism, or none)");
        } else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
            kind = "handshake-key";
            snprintf (why, sizeof why, "whose CURVE handshake failed (it lacks this node's key)");
        } else
            snprintf (why, sizeof why, "that broke the ZeroMQ handshake (protocol error 0x%x)",
                      (unsigned) value);
        e->refused_early++;
        VF_LOG_LIMITED (kind, VF_LOG_LEVEL_NOTICE, "refused a connection %s", why);
    }
    zmsg_destroy (&msg);
}

/*  Each connection to our ROUTER holds a file descriptor until it closes,
    whoever opened it (it need not even greet). Past half of what the
    process may open, the node stops listening for VF_PEER_RELISTEN_MS,
    which also closes the connections it accepted, rather than run out:
    its store, control clients and the peers it dials need descriptors
    too, and libzmq aborts the process when a control client connects with
    none left. Peers it dials are not affected; those that dial it come
    back when it listens again. */
static void
s_count_connection (s_engine_t *e, bool accepted)
{
    if (!accepted) {
        e->inbound -= e->inbound > 0;
        return;
    }
    if (e->relisten_at || ++e->inbound < e->inbound_max)
        return;
    VF_LOG_LIMITED ("peer-too-many", VF_LOG_LEVEL_WARNING,
                    "%llu connections to %s, half the files this process may open: closing "
                    "them and listening again in %d ms",
                    (unsigned long long) e->inbound, e->bound, VF_PEER_RELISTEN_MS);
    if (zsock_unbind (e->router, "%s", e->bound) != 0)
        VF_LOG_ERROR ("cannot stop listening on %s: %s", e->bound, zmq_strerror (zmq_errno ()));
    e->relisten_at = zclock_mono () + VF_PEER_RELISTEN_MS;
    e->inbound = 0;
}

/*  The writer stored entries: announce them to every connected peer that
    may hold them, except the one they came from. */
static void
s_from_writer (s_engine_t *e)
{
    zmsg_t *msg = zmsg_recv (e->stored);
    zframe_t *origin = msg ? zmsg_pop (msg) : NULL;
    for (zframe_t *f = msg ? zmsg_first (msg) : NULL; f; f = zmsg_next (msg)) {
        vf_entry_t *en = NULL;
        if (vf_entry_load (&en, zframe_data (f), zframe_size (f), NULL) != 0)
            continue;
        for (size_t k = 0; k < e->npeers; k++) {
            s_peer_t *p = e->peers[k];
            if (!s_connected (p) || !vf_nets_may_hold (e->nets, s_both (p), en) ||
                (zframe_size (origin) == VF_KEY_BYTES &&
                 memcmp (zframe_data (origin), p->key, VF_KEY_BYTES) == 0))
                continue;
            memcpy (p->have[p->nhave++], en->id, VF_HASH_BYTES);
            if (p->nhave == VF_WIRE_IDS_MAX)
                s_flush_have (e, p);
        }
        vf_entry_destroy (&en);
    }
    /*  one commit is one announcement: no waiting for the timer */
    for (size_t k = 0; k < e->npeers; k++)
        s_flush_have (e, e->peers[k]);
    zframe_destroy (&origin);
    zmsg_destroy (&msg);
}

/*  A job of a peer's entries came back from the writer: count, and grant
    the credit it used. */
static void
s_job_done (s_engine_t *e)
{
    vf_job_t *job = NULL;
    if (zsock_recv (e->done, "p", &job) != 0 || !job)
        return;
    e->jobs_out -= e->jobs_out > 0;
    s_peer_t *p = s_peer_by_key (e, job->origin);
    /*  a job that failed in the store is not the peer's fault (a peer's job
        fits in one transaction: it failed whole or not at all) */
    for (size_t k = 0; p && !job->status && k < job->n; k++) {
        const vf_ingest_result_t *r = &job->results[k];
        if (r->outcome == VF_OUTCOME_STORED)
            p->k.entries_in++;
        else if (r->outcome == VF_OUTCOME_DUPLICATE)
            p->k.dups_in++;
        else {
            p->k.refused_in++;
            s_fault (e, p, "entry refused: %s", r->reason);
        }
    }
    if (p && job->status) {
        char text[VF_ERR_MSG_MAX];
        snprintf (text, sizeof text, "not stored here: %.280s", job->error);
        s_note_error (e, p, text);
        /*  and tell it, so that its operator sees why its entries do not
            get here (it keeps them; a reconciliation brings them once we
            have room) */
        s_send_error (e, p, job->status == VF_EFULL ? "store_full" : "store_failed", job->error);
    }
    if (p && job->n)
        e->changed = true;
    if (p && s_connected (p) && p->banned_until <= zclock_mono ()) {
        p->credit_in += job->n;
        s_send_number (e, p, VF_WIRE_CREDIT, job->n);
    }
    vf_job_destroy (&job);
}

/* ----------------------------------------------------------- persisted */

/*  Write what we keep of every peer to DIR/peers.state (only once it was
    read: a node that failed to start overwrites nothing). A failure is
    logged and tried again at the next save. */
static void
s_save (s_engine_t *e)
{
    if (!e->loaded)
        return;
    vf_peer_state_item_t *items = calloc (e->npeers + 1, sizeof *items);
    vf_err_t err = { 0 };
    int rc = items ? 0 : vf_err_set (&err, VF_ENOMEM, "out of memory");
    for (size_t k = 0; items && k < e->npeers; k++)
        items[k] = (vf_peer_state_item_t){ e->peers[k]->key, &e->peers[k]->k };
    if (rc == 0)
        rc =
            vf_peer_state_save (e->state, items, e->npeers, e->admitted0 + vf_zap_admitted (e->zap),
                                e->refused0 + vf_zap_refused (e->zap) + e->refused_early, &err);
    free (items);
    e->saved_at = zclock_mono ();
    if (rc)
        VF_LOG_LIMITED ("peer-state", VF_LOG_LEVEL_ERROR, "peer state not saved: %s",
                        vf_err_msg (&err, rc));
    else
        e->changed = false;
}

/*  Read DIR/peers.state. A bad file costs the saved state, never the
    start: it is moved aside and named in a warning. */
static int
s_load (s_engine_t *e, char *why, size_t len)
{
    vf_err_t err = { 0 };
    e->state = vf_peer_state_new (e->a->dir);
    int rc = e->state ? vf_peer_state_load (e->state, &err) : VF_ENOMEM;
    if (rc == VF_ENOMEM) {
        snprintf (why, len, "cannot read %s/" VF_PEER_STATE_FILE ": out of memory", e->a->dir);
        return -1;
    }
    if (rc)
        VF_LOG_WARNING ("%s; starting without saved peer state", vf_err_msg (&err, rc));
    vf_peer_state_handshakes (e->state, &e->admitted0, &e->refused0);
    return 0;
}

/* -------------------------------------------------------------- timers */

static void
s_tick (s_engine_t *e)
{
    int64_t now = zclock_mono ();
    for (size_t k = 0; k < e->npeers; k++) {
        s_peer_t *p = e->peers[k];
        if (p->banned_until > now)
            continue;
        if (p->banned_until) { /* its ban is over */
            p->banned_until = p->k.banned_until = 0;
            e->changed = true;
            s_dial (e, p);
        }
        if (s_connected (p) && now - p->last_rx > e->a->timeout_ms) {
            VF_LOG_INFO ("peer %s silent for %d s: greeting it again", p->name,
                         (int) ((now - p->last_rx) / 1000));
            s_session_down (p);
        }
        if (p->asked_out && now - p->asked_at > e->a->timeout_ms) {
            p->asked_out = 0; /* it did not send them: ask for the rest */
            s_top_up (e, p);
        }
        if (p->dealer && !p->out_ok && now - p->last_hello >= e->a->heartbeat_ms) {
            /*  unanswered for a heartbeat: dial again on a fresh connection
                (a refused handshake is not retried by ZeroMQ itself, and we
                may have become a member since) */
            if (p->last_hello) {
                s_undial (e, p);
                s_dial (e, p);
            }
            s_send_hello (e, p, VF_WIRE_HELLO);
        }
        if (s_connected (p) && now - p->last_tx >= e->a->heartbeat_ms) {
            p->ping_nonce++;
            p->ping_at = now;
            s_send_number (e, p, VF_WIRE_PING, p->ping_nonce);
        }
        if (s_connected (p) && p->next_recon && now >= p->next_recon)
            s_reconcile (e, p);
        s_flush_have (e, p);
    }
    if (e->relisten_at && now >= e->relisten_at) { /* after too many connections */
        e->relisten_at = zsock_bind (e->router, "%s", e->bound) < 0 ? now + VF_PEER_RELISTEN_MS : 0;
        if (!e->relisten_at)
            VF_LOG_NOTICE ("listening for peers again on %s", e->bound);
    }
    if (now >= e->next_sweep) { /* forget asks that were never answered */
        for (void *v = zhashx_first (e->asked); v; v = zhashx_next (e->asked))
            if ((int64_t) (intptr_t) v < now)
                zhashx_delete (e->asked, zhashx_cursor (e->asked));
        e->next_sweep = now + 1000;
    }
    if (now >= e->next_save) {
        if (e->changed || now - e->saved_at >= VF_PEER_STATE_IDLE_SAVE_MS)
            s_save (e);
        e->next_save = now + VF_PEER_STATE_SAVE_MS;
    }
    vf_log_tick ();
}

/* ---------------------------------------------------- control requests */

static const char *
s_state (const s_peer_t *p)
{
    if (p->banned_until > zclock_mono ())
        return "banned";
    if (s_connected (p))
        return "connected";
    return p->dealer ? "connecting" : "waiting";
}

static json_t *
s_peer_json (s_engine_t *e, const s_peer_t *p)
{
    json_t *nets = json_array ();
    for (size_t k = 0; k < vf_nets_count (e->nets); k++)
        if (p->shared & ((uint64_t) 1 << k))
            json_array_append_new (nets, json_string (vf_nets_get (e->nets, k)->name));
    json_t *j = json_pack (
        "{s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "key", p->keytext, "name", p->name, "endpoint", p->endpoint, "state", s_state (p),
        "networks", nets, "rtt_ms", (json_int_t) p->k.rtt_ms, "messages_in",
        (json_int_t) p->k.msgs_in, "messages_out", (json_int_t) p->k.msgs_out, "bytes_in",
        (json_int_t) p->k.bytes_in, "bytes_out", (json_int_t) p->k.bytes_out, "entries_in",
        (json_int_t) p->k.entries_in, "entries_out", (json_int_t) p->k.entries_out, "duplicates_in",
        (json_int_t) p->k.dups_in, "refused_in", (json_int_t) p->k.refused_in, "errors",
        (json_int_t) p->k.errors, "credit_out", (json_int_t) p->credit_out, "wanted",
        (json_int_t) p->nwants);
    /*  wall clock: it may have been seen before this node started */
    int64_t now = zclock_time ();
    json_object_set_new (
        j, "last_seen_s",
        p->k.last_seen ? json_integer (now > p->k.last_seen ? (now - p->k.last_seen) / 1000 : 0)
                       : json_null ());
    if (p->banned_until > zclock_mono ())
        json_object_set_new (
            j, "ban_left_s",
            json_integer ((p->banned_until - zclock_mono () + 999) / 1000)); /* rounded up */
    /*  how far apart we are: what the last reconciliation found on each
        side, and what is still to come from it */
    json_object_set_new (j, "reconciliations", json_integer ((json_int_t) p->k.recons));
    json_object_set_new (j, "we_lacked", json_integer ((json_int_t) p->k.recon_need));
    json_object_set_new (j, "it_lacked", json_integer ((json_int_t) p->k.recon_have));
    json_object_set_new (j, "to_fetch", json_integer ((json_int_t) (p->nbacklog + p->asked_out)));
    json_object_set_new (j, "over_credit", json_integer ((json_int_t) p->k.over_credit));
    /*  an exchange is a few round trips with no gap much longer than one:
        quiet for several round trips, it is over (vfctl sync --wait) */
    json_object_set_new (j, "recon_idle_ms",
                         p->last_recon ? json_integer (zclock_mono () - p->last_recon)
                                       : json_null ());
    if (vf_peer_kept_last_error (&p->k))
        json_object_set_new (j, "last_error", json_string (vf_peer_kept_last_error (&p->k)));
    json_t *recent = json_array ();
    for (size_t k = 0; k < p->k.nrecent; k++)
        json_array_append_new (recent,
                               json_pack ("{s:I, s:s}", "time", (json_int_t) p->k.recent[k].time,
                                          "error", p->k.recent[k].text));
    json_object_set_new (j, "recent_errors", recent);
    return j;
}

static json_t *
s_ctl_fail (const char *code, const char *msg)
{
    return json_pack ("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code, "message", msg);
}

static json_t *
s_ctl_edit (s_engine_t *e, const json_t *req, const char *what)
{
    vf_err_t err = { 0 };
    int rc;
    const char *name = json_string_value (json_object_get (req, "name"));
    if (strcmp (what, "network_add") == 0) {
        const char *idtext = json_string_value (json_object_get (req, "network_id"));
        const char *echo = json_string_value (json_object_get (req, "id"));
        uint8_t id[VF_KEY_BYTES];
        if (echo && strncmp (echo, "vfn_", 4) == 0)
            /*  "id" is the request's own id, echoed in the reply: a network
                id there would make a new network instead of joining */
            rc = vf_err_set (&err, VF_EINVAL,
                             "network_add: give the network to join as 'network_id' ('id' is the "
                             "request id the reply echoes)");
        else
            rc = idtext && vf_text_decode (id, VF_TEXT_NET, idtext, &err)
                     ? VF_EINVAL
                     : vf_nets_add_network (e->nets, name, idtext ? id : NULL, &err);
    } else {
        const char *net = json_string_value (json_object_get (req, "network"));
        const char *keytext = json_string_value (json_object_get (req, "key"));
        const vf_network_t *n = net ? vf_nets_find (e->nets, net) : NULL;
        uint8_t key[VF_KEY_BYTES];
        if (!n)
            rc = vf_err_set (&err, VF_ENOTFOUND, "this node is in no network '%s'", net ? net : "");
        else if (!keytext || vf_text_decode (key, VF_TEXT_KEY, keytext, &err))
            rc = keytext ? VF_EINVAL : vf_err_set (&err, VF_EINVAL, "'key' (vfk_...) is required");
        else
            rc = vf_nets_add_member (e->nets, n->id, key, name,
                                     json_string_value (json_object_get (req, "endpoint")), &err);
    }
    if (rc == 0)
        rc = vf_nets_save (e->nets, &err);
    if (rc == VF_EIO) {
        /*  not on disk, so not in force either: back to the file as it is
            (the write is atomic, the old file is whole) */
        vf_nets_t *was = NULL;
        vf_err_t ignored = { 0 };
        if (vf_nets_load (&was, e->a->dir, &ignored) == 0) {
            vf_nets_destroy (&e->nets);
            e->nets = was;
        }
    }
    if (rc)
        return s_ctl_fail (rc == VF_EIO ? "internal" : "bad_request", vf_err_msg (&err, rc));
    s_rebuild (e);
    /*  tell connected peers which networks we now share with them */
    for (size_t k = 0; k < e->npeers; k++) {
        s_peer_t *p = e->peers[k];
        if (p->out_ok)
            s_send_hello (e, p, VF_WIRE_HELLO);
        else if (p->in_ok)
            s_send_hello (e, p, VF_WIRE_WELCOME);
    }
    return json_pack ("{s:b, s:o}", "ok", 1, "result", vf_nets_json (e->nets));
}

static json_t *
s_ctl_answer (s_engine_t *e, const json_t *req)
{
    const char *what = json_string_value (json_object_get (req, "request"));
    if (!what)
        return s_ctl_fail ("bad_request", "'request' is required");
    if (strcmp (what, "networks") == 0)
        return json_pack ("{s:b, s:o}", "ok", 1, "result", vf_nets_json (e->nets));
    if (strcmp (what, "network_add") == 0 || strcmp (what, "peer_add") == 0)
        return s_ctl_edit (e, req, what);
    if (strcmp (what, "peers") == 0) {
        json_t *list = json_array ();
        for (size_t k = 0; k < e->npeers; k++)
            json_array_append_new (list, s_peer_json (e, e->peers[k]));
        return json_pack (
            "{s:b, s:{s:o, s:I, s:I}}", "ok", 1, "result", "peers", list, "handshakes_admitted",
            (json_int_t) (e->admitted0 + vf_zap_admitted (e->zap)), "handshakes_refused",
            (json_int_t) (e->refused0 + vf_zap_refused (e->zap) + e->refused_early));
    }
    if (strcmp (what, "sync") == 0) {
        /*  reconcile now with one peer, or with every connected one */
        const json_t *key = json_object_get (req, "key");
        s_peer_t *one = key ? s_peer_by_text (e, json_string_value (key)) : NULL;
        if (key && !one)
            return s_ctl_fail ("not_found", "no member of our networks has that key (vfk_...)");
        if (one && !s_connected (one))
            return s_ctl_fail ("not_connected", "that peer is not connected now (vfctl peers)");
        json_t *list = json_array ();
        for (size_t k = 0; k < e->npeers; k++) {
            s_peer_t *p = e->peers[k];
            if ((one && p != one) || !s_connected (p) || p->banned_until > zclock_mono ())
                continue;
            s_reconcile (e, p);
            json_array_append_new (list, json_string (p->keytext));
        }
        return json_pack ("{s:b, s:{s:o}}", "ok", 1, "result", "reconciling", list);
    }
    if (strcmp (what, "peer") == 0) {
        s_peer_t *p = s_peer_by_text (e, json_string_value (json_object_get (req, "key")));
        if (!p)
            return s_ctl_fail ("not_found", "no member of our networks has that key (vfk_...)");
        return json_pack ("{s:b, s:{s:o}}", "ok", 1, "result", "peer", s_peer_json (e, p));
    }
    return s_ctl_fail ("unknown_request", "not a peer request");
}

static void
s_ctl (s_engine_t *e)
{
    char *text = zstr_recv (e->ctl);
    json_t *req = text ? json_loads (text, 0, NULL) : NULL;
    json_t *reply = req ? s_ctl_answer (e, req) : s_ctl_fail ("bad_request", "not JSON");
    char *out = json_dumps (reply, JSON_COMPACT);
    zstr_send (e->ctl, out ? out : "{\"ok\":false}");
    free (out);
    json_decref (reply);
    json_decref (req);
    zstr_free (&text);
}

/* ---------------------------------------------------------------- main */

/*  Sockets and networks; 0, or -1 with the reason in why. */
static int
s_start (s_engine_t *e, char *why, size_t len)
{
    vf_err_t err = { 0 };
    if (vf_nets_load (&e->nets, e->a->dir, &err) != 0) {
        snprintf (why, len, "%s", err.msg);
        return -1;
    }
    if (s_load (e, why, len) != 0)
        return -1;
    e->zap = vf_zap_new (s_zap_check, e);
    e->router = zsock_new (ZMQ_ROUTER);
    e->stored = zsock_new_sub (">" VF_WRITER_STORED, "");
    e->verify = zsock_new (ZMQ_PUSH);
    e->done = zsock_new (ZMQ_PULL);
    e->ctl = zsock_new_rep ("@" VF_PEER_CTL);
    e->asked = zhashx_new ();
    if (!e->zap || !e->router || !e->stored || !e->verify || !e->done || !e->ctl || !e->asked) {
        snprintf (why, len, "cannot open its sockets");
        return -1;
    }
    zhashx_set_destructor (e->asked, NULL);
    zhashx_set_duplicator (e->asked, NULL);
    /*  inside the node, queues are unbounded: peer credit bounds the jobs
        in flight, and a full queue would block us while the writer blocks
        answering us (options before bind/connect) */
    zsock_set_sndhwm (e->verify, 0);
    zsock_set_rcvhwm (e->done, 0);
    if (zsock_bind (e->done, "%s", VF_PEER_DONE) != 0) {
        snprintf (why, len, "cannot bind " VF_PEER_DONE);
        return -1;
    }
    zsock_set_curve_server (e->router, 1);
    zsock_set_curve_secretkey_bin (e->router, vf_identity_curve_secret (e->a->identity));
    zsock_set_curve_publickey_bin (e->router, vf_identity_curve_public (e->a->identity));
    zsock_set_zap_domain (e->router, "vfnode");
    zsock_set_maxmsgsize (e->router, VF_WIRE_FRAME_MAX);
    zsock_set_sndhwm (e->router, VF_PEER_SNDHWM);
    zsock_set_rcvhwm (e->router, VF_PEER_RCVHWM);
    zsock_set_linger (e->router, 0);
    if (zmq_socket_monitor (zsock_resolve (e->router), S_MONITOR,
                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_ACCEPTED |
                                ZMQ_EVENT_DISCONNECTED) != 0 ||
        !(e->monitor = zsock_new_pair (">" S_MONITOR))) {
        snprintf (why, len, "cannot watch the handshakes of its peer socket");
        return -1;
    }
    if (e->a->bind[0] && zsock_bind (e->router, "%s", e->a->bind) < 0) {
        snprintf (why, len, "cannot listen for peers on %s (peer/bind): %s", e->a->bind,
                  zmq_strerror (zmq_errno ()));
        return -1;
    }
    char *at = e->a->bind[0] ? zsock_last_endpoint (e->router) : NULL;
    snprintf (e->bound, sizeof e->bound, "%s", at ? at : e->a->bind);
    zstr_free (&at);
    struct rlimit files;
    e->inbound_max = getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                         ? files.rlim_cur / 2
                         : UINT64_MAX;
    e->poller = zpoller_new (vf_zap_socket (e->zap), e->router, e->stored, e->done, e->ctl,
                             e->monitor, NULL);
    if (vf_verifier_connect (e->verify, e->a->verifiers) != 0 || !e->poller) {
        snprintf (why, len, "cannot connect to the verifiers");
        return -1;
    }
    size_t saved = vf_peer_state_count (e->state);
    s_rebuild (e);
    size_t dropped = vf_peer_state_count (e->state);
    vf_peer_state_forget (e->state);
    if (saved)
        VF_LOG_INFO ("%s: the state of %zu peers restored", vf_peer_state_path (e->state),
                     saved - dropped);
    if (dropped)
        VF_LOG_NOTICE ("%s: dropping the state of %zu peers no longer in networks.json",
                       vf_peer_state_path (e->state), dropped);
    e->loaded = true;
    e->changed = dropped > 0;
    e->saved_at = zclock_mono ();
    return 0;
}

static void
s_stop (s_engine_t *e)
{
    s_save (e); /* a clean stop loses nothing */
    vf_peer_state_destroy (&e->state);
    for (size_t k = 0; k < e->npeers; k++)
        s_peer_destroy (&e->peers[k]);
    free (e->peers);
    zpoller_destroy (&e->poller);
    zsock_destroy (&e->monitor);
    zsock_destroy (&e->router);
    zsock_destroy (&e->stored);
    zsock_destroy (&e->verify);
    zsock_destroy (&e->done);
    zsock_destroy (&e->ctl);
    zhashx_destroy (&e->asked);
    vf_zap_destroy (&e->zap);
    vf_nets_destroy (&e->nets);
}

/*  One message from each socket that holds one, ours first: a peer that
    sends without a pause must not starve the other peers, the writer's
    answers, control requests or a stop (zpoller_wait returns only the
    first ready socket of its list, so a busy ROUTER took every turn).
    False when the actor must stop. */
static bool
s_serve_ready (s_engine_t *e, zsock_t *pipe)
{
    if (zsock_events (pipe) & ZMQ_POLLIN) {
        char *cmd = zstr_recv (pipe);
        bool term = !cmd || streq (cmd, "$TERM");
        zstr_free (&cmd);
        if (term)
            return false;
    }
    if (zsock_events (vf_zap_socket (e->zap)) & ZMQ_POLLIN)
        vf_zap_handle (e->zap);
    if (zsock_events (e->ctl) & ZMQ_POLLIN)
        s_ctl (e);
    if (zsock_events (e->done) & ZMQ_POLLIN)
        s_job_done (e);
    if (zsock_events (e->stored) & ZMQ_POLLIN)
        s_from_writer (e);
    if (zsock_events (e->monitor) & ZMQ_POLLIN)
        s_from_monitor (e);
    if (zsock_events (e->router) & ZMQ_POLLIN)
        s_from_router (e);
    for (size_t k = 0; k < e->npeers; k++) /* a ban may close a dealer meanwhile */
        if (e->peers[k]->dealer && (zsock_events (e->peers[k]->dealer) & ZMQ_POLLIN))
            s_from_dealer (e, e->peers[k]);
    return true;
}

void
vf_peer_actor (zsock_t *pipe, void *args)
{
    s_engine_t e = { .a = args };
    char why[600] = "";
    if (s_start (&e, why, sizeof why) != 0) {
        zsock_signal (pipe, 1);
        zstr_sendf (pipe, "FAIL %s", why);
        s_stop (&e);
        return;
    }
    zpoller_add (e.poller, pipe);
    zsock_signal (pipe, 0);
    zstr_send (pipe, "OK");
    int64_t next_tick = 0;
    for (;;) {
        zpoller_wait (e.poller, 100); /* until a socket holds something, or the next tick */
        if (zpoller_terminated (e.poller) || !s_serve_ready (&e, pipe))
            break;
        if (zclock_mono () >= next_tick) {
            s_tick (&e);
            next_tick = zclock_mono () + 50;
        }
    }
    /*  what we handed to the verifiers and the writer comes back before we
        stop (they stop after us), as the control server waits for its own:
        counted and freed rather than dropped with our socket */
    for (int64_t until = zclock_mono () + 10000; e.jobs_out && zclock_mono () < until;)
        if (zsock_events (e.done) & ZMQ_POLLIN)
            s_job_done (&e);
        else
            zclock_sleep (5);
    s_stop (&e);
}
