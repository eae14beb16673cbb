/*  fuzz_recon.c - libFuzzer target for reconciliation messages.

    The input is one message from a peer. It is answered by a small fixed
    in-memory set (200 items over 60 ms, so that fuzzed bounds fall among
    items), once with the default parameters and once with the smallest
    (branch 2, one id, 16 KiB frame); each answer is then answered by a
    second set that overlaps the first. Invariants checked on every input:
    - nothing crashes, leaks or reads out of bounds (sanitizers);
    - an input that decodes is canonical: encoding it gives back exactly
      the input bytes;
    - a message that fails to decode fails vf_recon_respond with the same
      code, leaving no output and no results;
    - every answer decodes and fits its sender's frame.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vf_recon.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define S_ITEMS 250

/*  Items k = 0..249: time k % 60, id from a fixed generator. Set A holds
    0..199, set B 50..249. */
static vf_recon_mem_t *s_sets[2];

static void
s_init (void)
{
    if (s_sets[0])
        return;
    vf_recon_item_t items[S_ITEMS];
    uint64_t x = 0x5eed;
    for (size_t k = 0; k < S_ITEMS; k++) {
        items[k].time = k % 60;
        for (size_t j = 0; j < sizeof items[k].id; j++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            items[k].id[j] = (uint8_t) (x >> 56);
        }
    }
    s_sets[0] = vf_recon_mem_new (items, 200);
    s_sets[1] = vf_recon_mem_new (items + 50, 200);
    if (!s_sets[0] || !s_sets[1])
        abort ();
}

/*  Answer msg with set `side`: returns the answer (caller frees) or NULL,
    and the code in *rc. */
static uint8_t *
s_answer (int side, const vf_recon_params_t *p, const uint8_t *msg, size_t len, size_t *outlen,
          int *rc)
{
    vf_recon_source_t src = vf_recon_mem_source (s_sets[side]);
    vf_recon_ids_t have = { 0 }, need = { 0 };
    uint8_t *out = NULL;
    bool done = false;
    vf_err_t err = { 0 };
    *rc = vf_recon_respond (&src, p, msg, len, &out, outlen, &have, &need, &done, &err);
    size_t frame = p ? p->frame_max : VF_RECON_FRAME_MAX;
    if (*rc && (out || have.n || need.n || !err.msg[0]))
        abort (); /* a failure left output, results or no message */
    if (out) {
        vf_recon_msg_t m;
        if (*outlen > frame || vf_recon_msg_decode (&m, out, *outlen, &err) != 0)
            abort (); /* our own answer is too big or malformed */
        vf_recon_msg_clear (&m);
    }
    vf_recon_ids_clear (&have);
    vf_recon_ids_clear (&need);
    return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    s_init ();
    vf_recon_msg_t msg;
    vf_err_t err = { 0 };
    int drc = vf_recon_msg_decode (&msg, data, size, &err);
    if (drc == 0) {
        uint8_t *enc = NULL;
        size_t len = 0;
        if (vf_recon_msg_encode (&msg, &enc, &len, &err) != 0)
            abort (); /* decoded but cannot re-encode */
        if (len != size || memcmp (enc, data, size) != 0)
            abort (); /* accepted a non-canonical encoding */
        free (enc);
        vf_recon_msg_clear (&msg);
    }
    static const vf_recon_params_t smallest = { 2, 1, VF_RECON_FRAME_MIN };
    const vf_recon_params_t *params[2] = { NULL, &smallest };
    for (int k = 0; k < 2; k++) {
        size_t outlen = 0, back = 0;
        int rc = 0, rc2 = 0;
        uint8_t *out = s_answer (0, params[k], data, size, &outlen, &rc);
        if (rc != drc)
            abort (); /* answering failed where decoding did not, or differently */
        uint8_t *again = out ? s_answer (1, params[k], out, outlen, &back, &rc2) : NULL;
        if (rc2 != 0)
            abort (); /* our own answer was refused */
        free (out);
        free (again);
    }
    return 0;
}
