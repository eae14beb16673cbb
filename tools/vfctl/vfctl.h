/*  vfctl.h - the operator CLI: shared definitions for its subcommands.
    One file per subcommand (cmd_<name>.c), each with a run function and
    its help text; vfctl.c holds the dispatch table.
*/
#ifndef VFCTL_H
#define VFCTL_H

#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"

/*  Exit codes (documented in vfctl --help and README). */
enum {
    VFCTL_OK = 0,    /* success */
    VFCTL_ERROR = 1, /* the command ran and failed (invalid entry, I/O) */
    VFCTL_USAGE = 2, /* bad command line */
    VFCTL_NONODE = 3 /* the node is not running (node-backed commands) */
};

typedef struct {
    const char *name;
    const char *summary; /* one line for `vfctl --help` */
    const char *help;    /* full text for `vfctl CMD --help` */
    int (*run) (int argc, char **argv);
} vfctl_cmd_t;

extern const vfctl_cmd_t vfctl_cmd_keygen;
extern const vfctl_cmd_t vfctl_cmd_sign;
extern const vfctl_cmd_t vfctl_cmd_verify;

/*  Print "vfctl CMD: message" to stderr (printf-style); returns code. */
int vfctl_fail (const char *cmd, int code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  Usage error: message plus a pointer to --help. Returns VFCTL_USAGE. */
int vfctl_usage (const vfctl_cmd_t *cmd, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/*  If argv has -h/--help, print cmd->help and return 1. */
int vfctl_wants_help (const vfctl_cmd_t *cmd, int argc, char **argv);

/*  Read all of path ("-" for standard input) into a NUL-terminated buffer
    (caller frees *out), refusing more than max bytes. */
int vfctl_read_all (const char *path, size_t max, char **out, size_t *len, vf_err_t *err);

/*  Parse a whole unsigned decimal number; 0 on success, -1 otherwise. */
int vfctl_parse_u64 (const char *s, uint64_t *out);

/*  Milliseconds since the epoch, now. */
uint64_t vfctl_now_ms (void);

#endif
