/*  cmd_keygen.c - vfctl keygen: make a new identity key file. */
#include <stdio.h>
#include <string.h>

#include "vf_identity.h"
#include "vf_text.h"
#include "vfctl.h"

static int s_run (int argc, char **argv);

const vfctl_cmd_t vfctl_cmd_keygen = {
    "keygen",
    "create a new Ed25519 identity key file",
    "usage: vfctl keygen KEYFILE\n"
    "\n"
    "Create a new random node identity (an Ed25519 keypair) and write its secret\n"
    "seed to KEYFILE with mode 0600. The file must not exist yet: an identity is\n"
    "never overwritten. Prints the public key (vfk_...) on standard output.\n"
    "The key file format is in docs/KEYS.md.\n"
    "\n"
    "Example:\n"
    "  vfctl keygen farm.key\n"
    "  vfk_... (the farm's public key)\n",
    s_run,
};

static int
s_run (int argc, char **argv)
{
    const vfctl_cmd_t *cmd = &vfctl_cmd_keygen;
    if (vfctl_wants_help (cmd, argc, argv))
        return VFCTL_OK;
    if (argc != 2 || argv[1][0] == '-')
        return vfctl_usage (cmd, "expected exactly one argument, the key file to create");
    vf_identity_t *id = vf_identity_new ();
    if (!id)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "out of memory");
    vf_err_t err = { 0 };
    int rc = vf_identity_save_file (id, argv[1], &err);
    if (rc == 0) {
        char text[VF_TEXT_MAX];
        printf ("%s\n", vf_text_encode (text, VF_TEXT_KEY, vf_identity_public (id)));
    }
    vf_identity_destroy (&id);
    if (rc)
        return vfctl_fail (cmd->name, VFCTL_ERROR, "%s", vf_err_msg (&err, rc));
    return VFCTL_OK;
}
