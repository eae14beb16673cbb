/*  store_support.h - what the store tests share: a temporary directory
    per test program (s_dir, made by s_setup, removed by s_teardown) and
    deterministic identities. Included by tests/test_store.c and
    tests/test_state.c only; each defines TEST_NAME first. */
#ifndef STORE_SUPPORT_H
#define STORE_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vf_jsonld.h"
#include "vf_store.h"

static char s_dir[256];

static int
s_setup (void **state)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/vf-test-%s-XXXXXX", TEST_NAME);
    assert_non_null (mkdtemp (s_dir));
    return 0;
}

static int
s_teardown (void **state)
{
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return system (cmd);
}

static inline vf_identity_t *
s_identity (uint8_t fill)
{
    uint8_t seed[VF_SEED_BYTES];
    memset (seed, fill, sizeof seed);
    return vf_identity_new_from_seed (seed);
}

#endif
