/*  vf_identity.h - a node's identity: one Ed25519 keypair.

    The secret part lives in sodium_malloc memory (guarded, locked, never
    swapped) and is wiped when the identity is destroyed. It never leaves
    crypto/: callers sign through vf_identity_sign and get CurveZMQ keys
    through vf_identity_curve_secret, which points into guarded memory.

    On disk a node directory holds two files (format in docs/KEYS.md):
      identity.key   secret seed, mode 0600; refused if group or others
                     may read or write it
      identity.pub   public key in its text form (vf_text.h), mode 0644
*/
#ifndef VF_IDENTITY_H
#define VF_IDENTITY_H

#include <stdint.h>

#include "vf_crypto.h"
#include "vf_error.h"

typedef struct _vf_identity_t vf_identity_t;

/*  A fresh random identity, or NULL if out of (guarded) memory. */
vf_identity_t *vf_identity_new (void);

/*  The identity whose Ed25519 seed is seed (deterministic: tests, known
    answers, key files). NULL if out of memory. */
vf_identity_t *vf_identity_new_from_seed (const uint8_t seed[VF_SEED_BYTES]);

/*  Wipe and free; safe to call twice; sets *self_p to NULL. */
void vf_identity_destroy (vf_identity_t **self_p);

/*  The Ed25519 public key (VF_KEY_BYTES), owned by the identity. */
const uint8_t *vf_identity_public (const vf_identity_t *self);

/*  sig = Ed25519 detached signature of msg. Returns 0 or VF_ECRYPTO. */
int vf_identity_sign (const vf_identity_t *self, uint8_t sig[VF_SIG_BYTES], const void *msg,
                      size_t len);

/*  CurveZMQ (X25519) keys derived from the Ed25519 keys. The secret pointer
    refers to guarded, read-only memory owned by the identity; valid until
    destroy. Copy it only into memory that is wiped after use. */
const uint8_t *vf_identity_curve_public (const vf_identity_t *self);
const uint8_t *vf_identity_curve_secret (const vf_identity_t *self);

/*  Write dir/identity.key (0600) and dir/identity.pub (0644). dir is
    created with mode 0700 if it does not exist (its parent must). Refuses
    (VF_EEXIST) to overwrite an existing identity.key; identity.pub is
    derived from the key and is replaced. Each file is written to a
    temporary name in dir, synced, then linked (key) or renamed (pub) into
    place, so a crash never leaves a half-written key. Errors: VF_EIO,
    VF_EEXIST, VF_EINVAL (path too long), VF_ENOMEM. */
int vf_identity_save (const vf_identity_t *self, const char *dir, vf_err_t *err);

/*  Load dir/identity.key into *out (caller owns it; destroy with
    vf_identity_destroy). Errors: VF_ENOTFOUND (no file), VF_EPERM (file
    readable or writable by group/others: the message says
    "chmod 600 PATH"), VF_EPARSE (malformed, not a regular file, or over
    VF_KEY_FILE_MAX bytes), VF_EIO, VF_ENOMEM, VF_EINVAL (path too long). */
int vf_identity_load (vf_identity_t **out, const char *dir, vf_err_t *err);

/*  The same, for a key file path instead of a node directory. */
int vf_identity_load_file (vf_identity_t **out, const char *path, vf_err_t *err);

/*  Write a key file at path (mode 0600, not overwriting). Errors as save. */
int vf_identity_save_file (const vf_identity_t *self, const char *path, vf_err_t *err);

#endif
