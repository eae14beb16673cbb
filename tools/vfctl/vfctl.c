/*  vfctl.c - the operator CLI: option-free entry point and dispatch. */
#include "vfctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vf_config.h"
#include "vf_crypto.h"

static const vfctl_cmd_t *s_commands[] = {
    &vfctl_cmd_init,    &vfctl_cmd_id,       &vfctl_cmd_status,    &vfctl_cmd_publish,
    &vfctl_cmd_events,  &vfctl_cmd_show,     &vfctl_cmd_resources, &vfctl_cmd_resource,
    &vfctl_cmd_process, &vfctl_cmd_trace,    &vfctl_cmd_track,     &vfctl_cmd_previous,
    &vfctl_cmd_next,    &vfctl_cmd_pending,  &vfctl_cmd_confirm,   &vfctl_cmd_export,
    &vfctl_cmd_import,  &vfctl_cmd_networks, &vfctl_cmd_network,   &vfctl_cmd_peers,
    &vfctl_cmd_peer,    &vfctl_cmd_sync,     &vfctl_cmd_keygen,    &vfctl_cmd_sign,
    &vfctl_cmd_verify,  &vfctl_cmd_db,
};
#define NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

static void
s_main_help (FILE *out)
{
    fprintf (out, "usage: vfctl COMMAND [OPTIONS] [ARGS]\n\n"
                  "vfctl creates, steers and queries a vfnode (the daemon of a co-op's node),\n"
                  "and works with identities and signed ValueFlows entries offline.\n\n"
                  "Commands:\n");
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf (out, "  %-10s %s\n", s_commands[k]->name, s_commands[k]->summary);
    fprintf (out, "\n`vfctl COMMAND --help` explains one command, with an example.\n\n"
                  "Exit codes: 0 success, 1 the command failed (e.g. an entry did not verify),\n"
                  "2 usage error, 3 the node is not running.\n");
}

int
main (int argc, char **argv)
{
    if (argc < 2) {
        s_main_help (stderr);
        return VFCTL_USAGE;
    }
    if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0 ||
        strcmp (argv[1], "help") == 0) {
        s_main_help (stdout);
        return VFCTL_OK;
    }
    if (vf_crypto_init () != 0) {
        fprintf (stderr, "vfctl: libsodium failed to initialise\n");
        return VFCTL_ERROR;
    }
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp (argv[1], s_commands[k]->name) == 0)
            return s_commands[k]->run (argc - 1, argv + 1);
    fprintf (stderr, "vfctl: unknown command '%s'; `vfctl --help` lists the commands\n", argv[1]);
    return VFCTL_USAGE;
}

int
vfctl_fail (const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "vfctl %s: ", cmd);
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
    return code;
}

int
vfctl_usage (const vfctl_cmd_t *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "vfctl %s: ", cmd->name);
    vfprintf (stderr, fmt, ap);
    fprintf (stderr, "\n`vfctl %s --help` shows the usage\n", cmd->name);
    va_end (ap);
    return VFCTL_USAGE;
}

int
vfctl_wants_help (const vfctl_cmd_t *cmd, int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        if (strcmp (argv[k], "--") == 0)
            break;
        if (strcmp (argv[k], "-h") == 0 || strcmp (argv[k], "--help") == 0) {
            fputs (cmd->help, stdout);
            return 1;
        }
    }
    return 0;
}

int
vfctl_read_all (const char *path, size_t max, char **out, size_t *len, vf_err_t *err)
{
    FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
    if (!f)
        return vf_err_set (err, errno == ENOENT ? VF_ENOTFOUND : VF_EIO, "cannot open %s: %s", path,
                           strerror (errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc (cap + 1);
    int rc = buf ? 0 : VF_ENOMEM;
    while (rc == 0) {
        if (n == cap) {
            if (cap > max) {
                rc = vf_err_set (err, VF_ETOOBIG, "%s is larger than %zu bytes", path, max);
                break;
            }
            char *bigger = realloc (buf, 2 * cap + 1);
            if (!bigger) {
                rc = VF_ENOMEM;
                break;
            }
            buf = bigger, cap *= 2;
        }
        size_t got = fread (buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror (f))
                rc = vf_err_set (err, VF_EIO, "cannot read %s: %s", path, strerror (errno));
            break;
        }
    }
    if (rc == 0 && n > max)
        rc = vf_err_set (err, VF_ETOOBIG, "%s is larger than %zu bytes", path, max);
    if (f != stdin)
        fclose (f);
    if (rc) {
        free (buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int
vfctl_print_json (const json_t *v)
{
    size_t flags = JSON_INDENT (2) | JSON_REAL_PRECISION (15);
    char *text = json_dumps (v, flags | (isatty (STDOUT_FILENO) ? JSON_ENSURE_ASCII : 0));
    if (text)
        puts (text);
    free (text);
    return text ? 0 : -1;
}

int
vfctl_parse_u64 (const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9') /* no sign, no leading space (strtoull takes both) */
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull (s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

const char *
vfctl_node_dir (const char *opt)
{
    return opt && *opt ? opt : vf_config_default_dir ();
}

uint64_t
vfctl_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}
