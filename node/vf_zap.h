/*  vf_zap.h - who may connect: our own ZAP handler (ZeroMQ RFC 27).

    czmq's zauth reads allowed CURVE keys from a directory of certificate
    files; a node's allowed keys are the members of the networks it belongs
    to, which change at run time, and every refusal must be counted and
    logged (rate-limited). So the peer engine answers ZAP requests itself:
    a CURVE client is admitted only if its key is the X25519 form of a
    member's Ed25519 key and the member is not banned; the ZAP User-Id is
    then the member's key text (vfk_...), so every message on the ROUTER
    carries its sender's authenticated identity. Anything else (another
    mechanism, an unknown key) is refused with 400.
*/
#ifndef VF_ZAP_H
#define VF_ZAP_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

#include "vf_crypto.h"

/*  Decide on a CURVE client key: fill member (its Ed25519 key) and return
    true to admit it. */
typedef bool (*vf_zap_check_fn) (void *arg, const uint8_t curve_key[VF_KEY_BYTES],
                                 uint8_t member[VF_KEY_BYTES]);

typedef struct _vf_zap_t vf_zap_t;

/*  Bind the ZAP endpoint (inproc://zeromq.zap.01) in this thread. NULL if
    another handler holds it. */
vf_zap_t *vf_zap_new (vf_zap_check_fn check, void *arg);
void vf_zap_destroy (vf_zap_t **self_p);

/*  The socket to poll; call vf_zap_handle when it is readable. */
zsock_t *vf_zap_socket (vf_zap_t *self);
void vf_zap_handle (vf_zap_t *self);

/*  Handshakes admitted and refused since start. */
uint64_t vf_zap_admitted (const vf_zap_t *self);
uint64_t vf_zap_refused (const vf_zap_t *self);

#endif
