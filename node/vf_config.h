/*  vf_config.h - the node's configuration: one table of options.

    Every option is one row of the table in vf_config.c: its name
    ("section/key"), type, default, range and a one-line help. Loading,
    checking, printing, the commented default file and docs/CONFIG.md all
    come from that table, so adding an option is adding a row (and its line
    in docs/CONFIG.md, which a test checks).

    The file is ZPL (rfc.zeromq.org/spec:4/ZPL, czmq's zconfig format):

        # comment
        store
            map_size = 8G       # comment
        node
            name = "Ferme du Bec"

    Sections at column 0, keys indented by 4 spaces, values optionally
    quoted with " or '. Files this module writes load with zconfig as well.

        vf_config_t *cfg = vf_config_new ();
        vf_err_t err = { 0 };
        if (vf_config_load (cfg, "DIR/vfnode.conf", &err))
            fprintf (stderr, "vfnode: %s\n", err.msg);
            // "DIR/vfnode.conf:7: store/map_size: '12X' is not a size (e.g. 512M, 4G)"
        uint64_t map_size = vf_config_size (cfg, "store/map_size");
        vf_config_destroy (&cfg);

    Getters assert that the option exists and has the getter's type: a
    wrong name is a mistake in our code. Text from files and command lines
    is never asserted on; it is rejected with an error naming the option,
    the value and what would be accepted.
*/
#ifndef VF_CONFIG_H
#define VF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vf_error.h"

/*  The file vfnode reads in its directory: DIR/vfnode.conf. */
#define VF_CONFIG_FILE "vfnode.conf"

typedef enum {
    VF_CONFIG_STRING,  /* UTF-8 text, no control characters; max = most bytes */
    VF_CONFIG_INT,     /* decimal integer in [min, max] */
    VF_CONFIG_SIZE,    /* bytes: 123, or with K, M, G, T (powers of 1024) */
    VF_CONFIG_BOOL,    /* true|false (also yes|no, on|off, 1|0) */
    VF_CONFIG_ENUM,    /* one of choices, "a|b|c" */
    VF_CONFIG_DURATION /* milliseconds, written with a unit: 2ms, 5s, 10m, 1h (or 0) */
} vf_config_type_t;

/*  One row of the table. */
typedef struct {
    const char *name; /* "section/key" */
    vf_config_type_t type;
    int64_t fallback;          /* the default: numbers, bool 0/1 */
    const char *fallback_text; /* the default: strings and enums */
    int64_t min, max;          /* numbers: inclusive range; strings: max = most bytes */
    const char *choices;       /* enums: "a|b|c" */
    const char *help;          /* one line */
} vf_config_option_t;

typedef struct _vf_config_t vf_config_t;

/*  ---- the table ---- */

/*  Number of options, and option i (0 <= i < count) in table order. */
size_t vf_config_count (void);
const vf_config_option_t *vf_config_option (size_t i);

/*  The option called name ("store/map_size"), or NULL. */
const vf_config_option_t *vf_config_find (const char *name);

/*  "string", "int", "size", "bool", "enum", "duration". */
const char *vf_config_type_name (vf_config_type_t type);

/*  Accepted values of opt in words, e.g. "1M..16T", "1..4096",
    "error|warning|notice|info|debug", "at most 128 bytes", "true|false".
    Writes at most size bytes into buf; returns buf. */
const char *vf_config_range_text (const vf_config_option_t *opt, char *buf, size_t size);

/*  Check text as a value of opt (a row of the table, or any row built the
    same way) without setting anything. Returns 0, VF_EPARSE or VF_ERANGE
    with the message vf_config_set would give. */
int vf_config_check (const vf_config_option_t *opt, const char *text, vf_err_t *err);

/*  ---- a configuration ---- */

/*  Every option at its default. Caller owns the result (vf_config_destroy).
    NULL if out of memory. */
vf_config_t *vf_config_new (void);

/*  Free self; safe twice; NULLs *self_p. */
void vf_config_destroy (vf_config_t **self_p);

/*  Read the ZPL file at path and apply its values; options it does not set
    keep their current values. All or nothing: on error self is unchanged.
    Errors (the first one found, in err, prefixed with "PATH:LINE: "):
    VF_ENOTFOUND (no such file, unknown section or key), VF_EIO (cannot
    read), VF_ETOOBIG (file over VF_CONFIG_FILE_MAX, line over
    VF_CONFIG_LINE_MAX), VF_EPARSE (not ZPL, a value of the wrong form),
    VF_ERANGE (a number out of range), VF_EEXIST (an option set twice). */
int vf_config_load (vf_config_t *self, const char *path, vf_err_t *err);

/*  As vf_config_load, but goes on after errors and reports all of them
    (for --check-config): the first errs_max into errs[], their total into
    *errs_found (may be more than errs_max). Returns 0 when there were none,
    else the code of the first; self is changed only when there were none. */
int vf_config_load_all (vf_config_t *self, const char *path, vf_err_t *errs, size_t errs_max,
                        size_t *errs_found);

/*  Set option name ("store/map_size") from text ("8G") with the file's
    rules (text is the value without quotes). Returns 0, or VF_ENOTFOUND
    (no such option), VF_EPARSE, VF_ERANGE; on error self is unchanged. */
int vf_config_set (vf_config_t *self, const char *name, const char *text, vf_err_t *err);

/*  Values. Each asserts that name exists and has the getter's type. */
const char *vf_config_str (const vf_config_t *self, const char *name); /* string or enum */
int64_t vf_config_int (const vf_config_t *self, const char *name);
uint64_t vf_config_size (const vf_config_t *self, const char *name); /* bytes */
bool vf_config_bool (const vf_config_t *self, const char *name);
int64_t vf_config_duration (const vf_config_t *self, const char *name); /* ms */
int vf_config_enum (const vf_config_t *self, const char *name);         /* index in choices */

/*  Value of name in the file's syntax ("4G", "2ms", "info", the string
    itself), whatever its type, into buf (at most size bytes); returns buf.
    Asserts that name exists. */
const char *vf_config_text (const vf_config_t *self, const char *name, char *buf, size_t size);

/*  True if name has its default value. Asserts that name exists. */
bool vf_config_is_default (const vf_config_t *self, const char *name);

/*  Write the effective configuration to out as ZPL that vf_config_load
    reads back: every option, with "# default: X" after values that differ
    from their default. */
void vf_config_print (const vf_config_t *self, FILE *out);

/*  Create a new file at path (mode 0600; VF_EEXIST if it exists) with every
    option, each under comments giving its help, type, range and default,
    set to its default, and node/name set to name. Returns 0, or VF_EEXIST,
    VF_EIO, VF_EPARSE / VF_ERANGE (name not acceptable as node/name). */
int vf_config_write_default (const char *path, const char *name, vf_err_t *err);

/*  The node directory when none is given: $VFNODE_DIR, else
    /var/lib/vfnode for root, else $HOME/.vfnode. Returns a pointer to a
    static buffer or the environment. */
const char *vf_config_default_dir (void);

#endif
