/*  test_crypto.c - hashing, signatures and key conversion, against
    published known answers.

    Reads as an example: hash with vf_hash (one shot or streaming), sign
    through a vf_identity_t, check with vf_verify, derive CurveZMQ keys.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vf_crypto.h"
#include "vf_identity.h"

/*  Decode hex into out (at most max bytes); returns the byte count. */
static size_t
s_unhex (uint8_t *out, size_t max, const char *hex)
{
    size_t n = strlen (hex) / 2;
    assert_true (n <= max && strlen (hex) % 2 == 0);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal (sscanf (hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t) v;
    }
    return n;
}

static void
s_assert_hex (const uint8_t *bytes, size_t len, const char *hex)
{
    uint8_t want[1024];
    assert_int_equal (s_unhex (want, sizeof want, hex), len);
    assert_memory_equal (bytes, want, len);
}

/*  RFC 8032 section 7.1: TEST 1, 2, 3, 1024 and SHA(abc). */
static const char s_msg_1024[] =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f5"
    "4e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37"
    "c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efc"
    "b8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b"
    "3b310da903401aa62100ab5d1a36553e06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573c"
    "b116dbefefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204"
    "ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958"
    "d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c6"
    "5adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
    "cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a"
    "71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9"
    "b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb"
    "038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f672451"
    "7b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e"
    "2ab47b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d"
    "5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0"
    "f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
    "e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa9"
    "33a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380db2eaaa707b4c4185"
    "c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8cac60c905c"
    "15fc910840b94c00a0b9d0";

static const struct {
    const char *name, *seed, *pk, *msg, *sig;
} s_rfc8032[] = {
    { "TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
    { "TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
    { "TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
      "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
    { "TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
      "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", s_msg_1024,
      "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
      "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
    { "TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
      "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
      "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

static void
test_init_is_idempotent (void **state)
{
    assert_int_equal (vf_crypto_init (), 0);
    assert_int_equal (vf_crypto_init (), 0);
}

static void
test_rfc8032_ed25519_vectors (void **state)
{
    for (size_t i = 0; i < sizeof s_rfc8032 / sizeof s_rfc8032[0]; i++) {
        uint8_t seed[VF_SEED_BYTES], pk[VF_KEY_BYTES], sig[VF_SIG_BYTES], msg[1024];
        uint8_t made[VF_SIG_BYTES];
        s_unhex (seed, sizeof seed, s_rfc8032[i].seed);
        s_unhex (pk, sizeof pk, s_rfc8032[i].pk);
        s_unhex (sig, sizeof sig, s_rfc8032[i].sig);
        size_t len = s_unhex (msg, sizeof msg, s_rfc8032[i].msg);

        vf_identity_t *id = vf_identity_new_from_seed (seed);
        assert_non_null (id);
        assert_memory_equal (vf_identity_public (id), pk, VF_KEY_BYTES);
        assert_int_equal (vf_identity_sign (id, made, msg, len), 0);
        if (memcmp (made, sig, sizeof sig) != 0)
            fail_msg ("RFC 8032 %s: signature differs", s_rfc8032[i].name);
        assert_int_equal (vf_verify (sig, msg, len, pk), 0);
        vf_identity_destroy (&id);
    }
    /* TEST 1024's message really is the RFC's 1023 bytes. */
    assert_int_equal (strlen (s_msg_1024), 2 * 1023);
}

static void
test_verify_rejects_tampering (void **state)
{
    vf_identity_t *id = vf_identity_new ();
    assert_non_null (id);
    uint8_t msg[] = "EconomicEvent produce 12 kg apples";
    uint8_t sig[VF_SIG_BYTES], pk[VF_KEY_BYTES];
    memcpy (pk, vf_identity_public (id), sizeof pk);
    assert_int_equal (vf_identity_sign (id, sig, msg, sizeof msg), 0);
    assert_int_equal (vf_verify (sig, msg, sizeof msg, pk), 0);

    /* Any flipped bit in message, signature (R and S halves) or key. */
    for (size_t bit = 0; bit < 8 * sizeof msg; bit += 7) {
        msg[bit / 8] ^= (uint8_t) (1u << (bit % 8));
        assert_int_equal (vf_verify (sig, msg, sizeof msg, pk), VF_EBADSIG);
        msg[bit / 8] ^= (uint8_t) (1u << (bit % 8));
    }
    for (size_t bit = 0; bit < 8 * VF_SIG_BYTES; bit += 5) {
        sig[bit / 8] ^= (uint8_t) (1u << (bit % 8));
        assert_int_equal (vf_verify (sig, msg, sizeof msg, pk), VF_EBADSIG);
        sig[bit / 8] ^= (uint8_t) (1u << (bit % 8));
    }
    for (size_t bit = 0; bit < 8 * VF_KEY_BYTES; bit += 3) {
        pk[bit / 8] ^= (uint8_t) (1u << (bit % 8));
        assert_int_equal (vf_verify (sig, msg, sizeof msg, pk), VF_EBADSIG);
        pk[bit / 8] ^= (uint8_t) (1u << (bit % 8));
    }
    /* A shorter message, and another identity's key. */
    assert_int_equal (vf_verify (sig, msg, sizeof msg - 1, pk), VF_EBADSIG);
    vf_identity_t *other = vf_identity_new ();
    assert_non_null (other);
    assert_int_equal (vf_verify (sig, msg, sizeof msg, vf_identity_public (other)), VF_EBADSIG);
    /* Untouched, it still verifies. */
    assert_int_equal (vf_verify (sig, msg, sizeof msg, pk), 0);
    vf_identity_destroy (&id);
    vf_identity_destroy (&other);
}

static void
test_verify_rejects_malformed_keys (void **state)
{
    uint8_t sig[VF_SIG_BYTES] = { 0 }, pk[VF_KEY_BYTES] = { 0 };
    /* The all-zero key and the identity point (small order). */
    assert_int_equal (vf_verify (sig, "", 0, pk), VF_EBADSIG);
    pk[0] = 1;
    assert_int_equal (vf_verify (sig, "", 0, pk), VF_EBADSIG);
}

/*  BLAKE2b-256 (unkeyed, 32-byte output) known answers, checked against
    Python's hashlib.blake2b (digest_size=32) as a second implementation. */
static const struct {
    const char *in, *hash;
} s_blake2b[] = {
    { "", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" },
    { "abc", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319" },
    { "The quick brown fox jumps over the lazy dog",
      "01718cec35cd3d796dd00020e0bfecb473ad23457d063b75eff29c0ffa2e58a9" },
};

static void
test_blake2b_256_known_answers (void **state)
{
    for (size_t i = 0; i < sizeof s_blake2b / sizeof s_blake2b[0]; i++) {
        uint8_t h[VF_HASH_BYTES];
        vf_hash (h, s_blake2b[i].in, strlen (s_blake2b[i].in));
        s_assert_hex (h, sizeof h, s_blake2b[i].hash);
    }
    /* bytes 00..ff repeated 4 times (1024 bytes) */
    uint8_t data[1024], h[VF_HASH_BYTES];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t) i;
    vf_hash (h, data, sizeof data);
    s_assert_hex (h, sizeof h, "f1551feeb252c7e60bb362205bd1ac2f70b145260a91d41e8c5d0a187549a5f2");
}

static void
test_streaming_hash_equals_one_shot (void **state)
{
    uint8_t data[1000], whole[VF_HASH_BYTES];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t) (i * 7 + 3);
    vf_hash (whole, data, sizeof data);
    /* Split at every interesting place: block size is 128 bytes. */
    static const size_t splits[] = { 0, 1, 63, 64, 127, 128, 129, 256, 999, 1000 };
    for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
        vf_hash_state_t st;
        uint8_t h[VF_HASH_BYTES];
        vf_hash_init (&st);
        vf_hash_update (&st, data, splits[s]);
        vf_hash_update (&st, data + splits[s], sizeof data - splits[s]);
        vf_hash_final (&st, h);
        assert_memory_equal (h, whole, sizeof h);
    }
    /* One byte at a time. */
    vf_hash_state_t st;
    uint8_t h[VF_HASH_BYTES];
    vf_hash_init (&st);
    for (size_t i = 0; i < sizeof data; i++)
        vf_hash_update (&st, data + i, 1);
    vf_hash_final (&st, h);
    assert_memory_equal (h, whole, sizeof h);
}

/*  Ed25519 -> X25519, libsodium's ed25519_convert test vector. */
static void
test_curve_conversion_known_answer (void **state)
{
    uint8_t seed[VF_SEED_BYTES], ed_pk[VF_KEY_BYTES], curve_pk[VF_KEY_BYTES];
    s_unhex (seed, sizeof seed, "421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee");
    s_unhex (ed_pk, sizeof ed_pk,
             "b5076a8474a832daee4dd5b4040983b6623b5f344aca57d4d6ee4baf3f259e6e");
    const char *x_pk = "f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50";
    const char *x_sk = "8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166";

    assert_int_equal (vf_curve_public (curve_pk, ed_pk), 0);
    s_assert_hex (curve_pk, sizeof curve_pk, x_pk);

    vf_identity_t *id = vf_identity_new_from_seed (seed);
    assert_non_null (id);
    assert_memory_equal (vf_identity_public (id), ed_pk, VF_KEY_BYTES);
    s_assert_hex (vf_identity_curve_public (id), VF_KEY_BYTES, x_pk);
    s_assert_hex (vf_identity_curve_secret (id), VF_KEY_BYTES, x_sk);
    vf_identity_destroy (&id);

    /* RFC 8032 TEST 1's public key, converted. */
    s_unhex (ed_pk, sizeof ed_pk, s_rfc8032[0].pk);
    assert_int_equal (vf_curve_public (curve_pk, ed_pk), 0);
    s_assert_hex (curve_pk, sizeof curve_pk,
                  "d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e");
}

static void
test_curve_conversion_rejects_bad_points (void **state)
{
    uint8_t ed_pk[VF_KEY_BYTES] = { 1 }, curve_pk[VF_KEY_BYTES];
    assert_int_equal (vf_curve_public (curve_pk, ed_pk), VF_EINVAL); /* identity point */
    memset (ed_pk, 0, sizeof ed_pk);
    assert_int_equal (vf_curve_public (curve_pk, ed_pk), VF_EINVAL); /* small order */
}

static void
test_random_and_constant_time_compare (void **state)
{
    uint8_t a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };
    vf_random (a, sizeof a);
    vf_random (b, sizeof b);
    assert_int_not_equal (vf_memcmp_ct (a, zero, sizeof a), 0);
    assert_int_not_equal (vf_memcmp_ct (a, b, sizeof a), 0);
    memcpy (b, a, sizeof a);
    assert_int_equal (vf_memcmp_ct (a, b, sizeof a), 0);
    b[31] ^= 1;
    assert_int_equal (vf_memcmp_ct (a, b, sizeof a), -1);
    assert_int_equal (vf_memcmp_ct (a, b, 31), 0);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_init_is_idempotent),
        cmocka_unit_test (test_rfc8032_ed25519_vectors),
        cmocka_unit_test (test_verify_rejects_tampering),
        cmocka_unit_test (test_verify_rejects_malformed_keys),
        cmocka_unit_test (test_blake2b_256_known_answers),
        cmocka_unit_test (test_streaming_hash_equals_one_shot),
        cmocka_unit_test (test_curve_conversion_known_answer),
        cmocka_unit_test (test_curve_conversion_rejects_bad_points),
        cmocka_unit_test (test_random_and_constant_time_compare),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
