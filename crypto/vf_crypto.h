/*  vf_crypto.h - hashing, detached signatures and key conversion.

    The only module family that includes sodium.h. Sizes are fixed by the
    algorithms: Ed25519 keys (32-byte public, 32-byte seed), 64-byte
    signatures, BLAKE2b-256 (32-byte) hashes, X25519 keys for CurveZMQ.
*/
#ifndef VF_CRYPTO_H
#define VF_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"

#define VF_KEY_BYTES 32  /* Ed25519 public key, X25519 keys, network ids */
#define VF_SEED_BYTES 32 /* Ed25519 secret seed */
#define VF_SIG_BYTES 64  /* Ed25519 signature */
#define VF_HASH_BYTES 32 /* BLAKE2b-256 digest; entry ids */

/*  Initialise libsodium. Safe to call any number of times from any thread;
    every other function here calls it as needed. Returns 0 or VF_ECRYPTO. */
int vf_crypto_init (void);

/*  out = BLAKE2b-256 (data), unkeyed. This, vf_hash_init and vf_random
    cannot fail once libsodium has started; if it cannot start (no
    randomness source) they abort the process with a message. */
void vf_hash (uint8_t out[VF_HASH_BYTES], const void *data, size_t len);

/*  Streaming BLAKE2b-256 for data that arrives in pieces. */
typedef struct {
    uint8_t opaque[384] __attribute__ ((aligned (64)));
} vf_hash_state_t;
void vf_hash_init (vf_hash_state_t *st);
void vf_hash_update (vf_hash_state_t *st, const void *data, size_t len);
void vf_hash_final (vf_hash_state_t *st, uint8_t out[VF_HASH_BYTES]);

/*  Check a detached Ed25519 signature of msg by public key pk.
    Returns 0 if valid, VF_EBADSIG otherwise (including malformed keys and
    non-canonical signatures), VF_ECRYPTO if libsodium cannot start. */
int vf_verify (const uint8_t sig[VF_SIG_BYTES], const void *msg, size_t len,
               const uint8_t pk[VF_KEY_BYTES]) __attribute__ ((warn_unused_result));

/*  X25519 public key for CurveZMQ from an Ed25519 public key.
    Returns 0, VF_EINVAL if pk is not a valid Ed25519 point, or VF_ECRYPTO
    if libsodium cannot start. */
int vf_curve_public (uint8_t curve_pk[VF_KEY_BYTES], const uint8_t ed_pk[VF_KEY_BYTES]);

/*  Fill buf with len cryptographically random bytes. */
void vf_random (void *buf, size_t len);

/*  Constant-time comparison of two equal-length buffers: 0 if equal, -1
    if not (no ordering). */
int vf_memcmp_ct (const void *a, const void *b, size_t len);

#endif
