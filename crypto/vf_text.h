/*  vf_text.h - the shell-safe text form of keys and ids.

    A 32-byte value is written as a 4-character prefix naming its kind and
    52 characters of lowercase RFC 4648 base32 (alphabet a-z 2-7, no
    padding), 56 characters in all, e.g. "vfk_" + 52 chars. The prefix stops
    an entry id being pasted where a key is expected. Parsing is strict:
    exact length, exact prefix, only the alphabet, and the unused low bits of
    the last character must be zero, so each value has exactly one text form.
*/
#ifndef VF_TEXT_H
#define VF_TEXT_H

#include <stdint.h>

#include "vf_crypto.h"
#include "vf_error.h"
#include "vf_limits.h"

typedef enum {
    VF_TEXT_KEY = 0, /* "vfk_": a node's Ed25519 public key */
    VF_TEXT_ID = 1,  /* "vfe_": an entry id (BLAKE2b-256 of the entry) */
    VF_TEXT_NET = 2, /* "vfn_": a network id */
    VF_TEXT_SEED = 3 /* "vfs_": a secret seed, only in key files */
} vf_text_kind_t;

#define VF_TEXT_LEN 56 /* characters, without the NUL */

/*  Write the text form of bytes into out (VF_TEXT_LEN + 1 bytes with NUL).
    Returns out. */
char *vf_text_encode (char out[VF_TEXT_MAX], vf_text_kind_t kind,
                      const uint8_t bytes[VF_KEY_BYTES]);

/*  Parse text (NUL-terminated) of the given kind into out. Returns 0, or
    VF_EPARSE with a message naming the problem (wrong prefix: what it looks
    like instead; wrong length; bad character and its position). */
int vf_text_decode (uint8_t out[VF_KEY_BYTES], vf_text_kind_t kind, const char *text,
                    vf_err_t *err);

/*  Which kind text's prefix names, or -1 if none. */
int vf_text_kind (const char *text);

#endif
