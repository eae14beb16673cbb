/*  vf_zap.c - the node's ZAP handler. */
#include "vf_zap.h"

#include "vf_log.h"
#include "vf_text.h"

struct _vf_zap_t {
    zsock_t *rep;
    vf_zap_check_fn check;
    void *arg;
    uint64_t admitted, refused;
};

vf_zap_t *
vf_zap_new (vf_zap_check_fn check, void *arg)
{
    vf_zap_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->check = check, self->arg = arg;
    self->rep = zsock_new (ZMQ_REP);
    if (!self->rep || zsock_bind (self->rep, "inproc://zeromq.zap.01") != 0)
        vf_zap_destroy (&self);
    return self;
}

void
vf_zap_destroy (vf_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    /*  the name is free again when this returns (closing frees it later) */
    if ((*self_p)->rep)
        zsock_unbind ((*self_p)->rep, "inproc://zeromq.zap.01");
    zsock_destroy (&(*self_p)->rep);
    free (*self_p);
    *self_p = NULL;
}

zsock_t *
vf_zap_socket (vf_zap_t *self)
{
    return self->rep;
}

uint64_t
vf_zap_admitted (const vf_zap_t *self)
{
    return self->admitted;
}

uint64_t
vf_zap_refused (const vf_zap_t *self)
{
    return self->refused;
}

/*  A ZAP request: version, request id, domain, address, identity,
    mechanism, credentials... (RFC 27). */
void
vf_zap_handle (vf_zap_t *self)
{
    zmsg_t *req = zmsg_recv (self->rep);
    if (!req)
        return;
    char *version = zmsg_popstr (req), *request_id = zmsg_popstr (req);
    char *domain = zmsg_popstr (req), *address = zmsg_popstr (req);
    char *identity = zmsg_popstr (req), *mechanism = zmsg_popstr (req);
    zframe_t *cred = zmsg_pop (req);
    uint8_t member[VF_KEY_BYTES];
    char user[VF_TEXT_MAX] = "";
    bool ok = version && streq (version, "1.0") && mechanism && streq (mechanism, "CURVE") &&
              cred && zframe_size (cred) == VF_KEY_BYTES &&
              self->check (self->arg, zframe_data (cred), member);
    if (ok) {
        self->admitted++;
        vf_text_encode (user, VF_TEXT_KEY, member);
    } else {
        self->refused++;
        VF_LOG_LIMITED ("zap-refused", VF_LOG_LEVEL_NOTICE,
                        "refused a %s connection from %s: not a member of a network we share "
                        "(or banned)",
                        mechanism ? mechanism : "?", address ? address : "?");
    }
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "1.0");
    zmsg_addstr (reply, request_id ? request_id : "");
    zmsg_addstr (reply, ok ? "200" : "400");
    zmsg_addstr (reply, ok ? "OK" : "not a member of a shared network");
    zmsg_addstr (reply, user);
    zmsg_addmem (reply, "", 0); /* metadata */
    zmsg_send (&reply, self->rep);
    zframe_destroy (&cred);
    zstr_free (&version);
    zstr_free (&request_id);
    zstr_free (&domain);
    zstr_free (&address);
    zstr_free (&identity);
    zstr_free (&mechanism);
    zmsg_destroy (&req);
}
