/*  fuzz_wire.c - libFuzzer target for the peer message decoder: never a
    crash, and a frame that decodes is canonical (it re-encodes to itself). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vf_wire.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    vf_wire_msg_t m;
    if (vf_wire_decode (&m, data, size, NULL) != 0)
        return 0;
    uint8_t *again = NULL;
    size_t len = 0;
    if (vf_wire_encode (&m, &again, &len, NULL) != 0 || len != size ||
        memcmp (again, data, size) != 0)
        abort ();
    free (again);
    return 0;
}
