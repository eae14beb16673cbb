/*  fuzz_entry.c - libFuzzer target for the entry decoder.

    Invariants checked on every input:
    - decoding never crashes, leaks or reads out of bounds (sanitizers);
    - an input that decodes is canonical: encoding the decoded entry gives
      back exactly the input bytes (so an id names one byte string);
    - the same bytes behind a (bogus) signature open to a decode error or
      VF_EBADSIG, never to a verified entry;
    - validation of any decoded entry returns without crashing.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vf_entry.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    vf_entry_t *e = NULL;
    vf_err_t err = { 0 };
    if (vf_entry_decode (&e, data, size, &err) == 0) {
        uint8_t *enc = NULL;
        size_t len = 0;
        if (vf_entry_encode (e, &enc, &len, &err) != 0)
            abort (); /* decoded but cannot re-encode */
        if (len != size || memcmp (enc, data, size) != 0)
            abort (); /* accepted a non-canonical encoding */
        free (enc);
        (void) vf_entry_check (e, &err);
        vf_entry_destroy (&e);

        uint8_t *blob = malloc (size + VF_SIG_BYTES);
        if (blob) {
            memset (blob, 0xa5, VF_SIG_BYTES);
            memcpy (blob + VF_SIG_BYTES, data, size);
            if (vf_entry_open (&e, blob, size + VF_SIG_BYTES, &err) != VF_EBADSIG)
                abort (); /* a bogus signature verified */
            free (blob);
        }
    }
    return 0;
}
