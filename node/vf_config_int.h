/*  vf_config_int.h - what vf_config.c (the table, values) and
    vf_config_zpl.c (reading and writing files) share. Included by
    node/vf_config*.c only.
*/
#ifndef VF_CONFIG_INT_H
#define VF_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vf_config.h"

/*  A value: num for numbers, bools (0/1) and enums (index in choices);
    str (owned) for strings and enums (the choice's name); line: where a
    load being read set it (0: not set by that file). */
typedef struct {
    int64_t num;
    char *str;
    int line;
} vf_config_value_t;

struct _vf_config_t {
    size_t count;               /* vf_config_count () */
    vf_config_value_t values[]; /* one per option, in table order */
};

/*  Index of the option called name, or -1. */
int vf_config_index (const char *name);

/*  Parse text as a value of option i into *out (zeroed first; the caller
    frees out->str). Returns 0, VF_EPARSE, VF_ERANGE or VF_ENOMEM. */
int vf_config_parse_value (size_t i, const char *text, vf_config_value_t *out, vf_err_t *err);

/*  Free the strings of vf_config_count () values (not the array). */
void vf_config_values_free (vf_config_value_t *values);

/*  Value v of option i in the file's syntax, unquoted ("4G", "debug"). */
void vf_config_value_text (size_t i, const vf_config_value_t *v, char *buf, size_t size);

/*  Default of option i in the same form, and whether v equals it. */
void vf_config_default_text (size_t i, char *buf, size_t size);
bool vf_config_value_is_default (size_t i, const vf_config_value_t *v);

#endif
