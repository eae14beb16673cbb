/*  vfctl.h - the operator CLI: shared definitions for its subcommands.
    One file per subcommand (cmd_<name>.c), each with a run function and
    its help text; vfctl.c holds the dispatch table.
*/
#ifndef VFCTL_H
#define VFCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_error.h"
#include "vf_jsonld.h"

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
extern const vfctl_cmd_t vfctl_cmd_db;
extern const vfctl_cmd_t vfctl_cmd_init, vfctl_cmd_id, vfctl_cmd_status, vfctl_cmd_publish,
    vfctl_cmd_events, vfctl_cmd_show, vfctl_cmd_resources, vfctl_cmd_resource, vfctl_cmd_process,
    vfctl_cmd_pending, vfctl_cmd_confirm, vfctl_cmd_export, vfctl_cmd_import, vfctl_cmd_networks,
    vfctl_cmd_network, vfctl_cmd_peers, vfctl_cmd_peer, vfctl_cmd_sync;
extern const vfctl_cmd_t vfctl_cmd_trace, vfctl_cmd_track, vfctl_cmd_previous, vfctl_cmd_next;

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

/*  Print v as indented JSON on standard output. On a terminal every
    character beyond ASCII is escaped (\uXXXX): record text may hold C1
    controls or bidi overrides that would act on the terminal (jansson
    escapes only those below U+0020); piped, the text is written as it is.
    0, or -1 out of memory. */
int vfctl_print_json (const json_t *v);

/*  Parse a whole unsigned decimal number: digits only (no sign, no
    spaces), at most UINT64_MAX; 0 on success, -1 otherwise. */
int vfctl_parse_u64 (const char *s, uint64_t *out);

/*  Called for each record read by vfctl_read_entries: rec is a record to
    check (the callee may take rec->entry, leaving NULL), or NULL with msg
    saying why the input at `where` could not be read. A non-zero return
    stops the reading and is returned. */
typedef int (*vfctl_entry_fn) (vf_record_t *rec, const char *where, const char *msg, void *arg);

/*  Read signed entries from path ("-": standard input): a JSON-LD document
    or JSON lines. Returns fn's first non-zero result, VFCTL_ERROR if the
    file cannot be read (reported), else 0. */
int vfctl_read_entries (const char *cmd, const char *path, vfctl_entry_fn fn, void *arg);

/*  The node directory: opt if given, else $VFNODE_DIR, else
    /var/lib/vfnode for root, else $HOME/.vfnode. */
const char *vfctl_node_dir (const char *opt);

/*  Send request req (taken) to the node in dir and put its result into
    *result (caller owns it). When the node is not running, read_only
    requests are answered from the store directly; others fail with
    VFCTL_NONODE and a message saying how to start the node. Error replies
    are printed as "vfctl CMD: message (code)" and return VFCTL_ERROR. */
int vfctl_call (const char *cmd, const char *dir, json_t *req, bool read_only, json_t **result);

/*  Milliseconds since the epoch, now. */
uint64_t vfctl_now_ms (void);

#endif
