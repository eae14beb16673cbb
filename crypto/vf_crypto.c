/*  vf_crypto.c - hashing, detached signatures and key conversion over
    libsodium. */
#include "vf_crypto.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

_Static_assert(sizeof (crypto_generichash_state) <= sizeof (vf_hash_state_t),
               "vf_hash_state_t must hold a crypto_generichash_state");
_Static_assert(_Alignof(crypto_generichash_state) <= _Alignof(vf_hash_state_t),
               "vf_hash_state_t must be aligned for crypto_generichash_state");
_Static_assert(VF_KEY_BYTES == crypto_sign_PUBLICKEYBYTES, "Ed25519 public key size");
_Static_assert(VF_SEED_BYTES == crypto_sign_SEEDBYTES, "Ed25519 seed size");
_Static_assert(VF_SIG_BYTES == crypto_sign_BYTES, "Ed25519 signature size");
_Static_assert(VF_KEY_BYTES == crypto_scalarmult_curve25519_BYTES, "X25519 key size");
_Static_assert(VF_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
                   VF_HASH_BYTES <= crypto_generichash_BYTES_MAX,
               "BLAKE2b output size");

static atomic_bool s_ready;

int
vf_crypto_init (void)
{
    if (atomic_load_explicit (&s_ready, memory_order_acquire))
        return 0;
    if (sodium_init () < 0) /* thread-safe; 1 means "already done" */
        return VF_ECRYPTO;
    atomic_store_explicit (&s_ready, true, memory_order_release);
    return 0;
}

/*  For functions that cannot report an error: libsodium failing to start
    (no randomness source) leaves nothing safe to do. */
static void
s_need_init (void)
{
    if (vf_crypto_init () != 0) {
        fprintf (stderr, "vfnode: libsodium failed to initialise\n");
        abort ();
    }
}

void
vf_hash (uint8_t out[VF_HASH_BYTES], const void *data, size_t len)
{
    s_need_init ();
    crypto_generichash (out, VF_HASH_BYTES, data, len, NULL, 0);
}

void
vf_hash_init (vf_hash_state_t *st)
{
    s_need_init ();
    crypto_generichash_init ((crypto_generichash_state *) st, NULL, 0, VF_HASH_BYTES);
}

void
vf_hash_update (vf_hash_state_t *st, const void *data, size_t len)
{
    crypto_generichash_update ((crypto_generichash_state *) st, data, len);
}

void
vf_hash_final (vf_hash_state_t *st, uint8_t out[VF_HASH_BYTES])
{
    crypto_generichash_final ((crypto_generichash_state *) st, out, VF_HASH_BYTES);
}

int
vf_verify (const uint8_t sig[VF_SIG_BYTES], const void *msg, size_t len,
           const uint8_t pk[VF_KEY_BYTES])
{
    if (vf_crypto_init () != 0)
        return VF_ECRYPTO;
    if (crypto_sign_verify_detached (sig, msg, len, pk) != 0)
        return VF_EBADSIG;
    return 0;
}

int
vf_curve_public (uint8_t curve_pk[VF_KEY_BYTES], const uint8_t ed_pk[VF_KEY_BYTES])
{
    if (vf_crypto_init () != 0)
        return VF_ECRYPTO;
    if (crypto_sign_ed25519_pk_to_curve25519 (curve_pk, ed_pk) != 0)
        return VF_EINVAL;
    return 0;
}

void
vf_random (void *buf, size_t len)
{
    s_need_init ();
    randombytes_buf (buf, len);
}

int
vf_memcmp_ct (const void *a, const void *b, size_t len)
{
    return sodium_memcmp (a, b, len) == 0 ? 0 : -1;
}
