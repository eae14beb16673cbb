/*  vf_config_zpl.c - the node's configuration as a ZPL file: reading
    (every error with its line), printing and the commented default file.

    Why our own ZPL reader rather than zconfig_load: zconfig keeps no line
    numbers, stops at the first error (printing it to stderr itself) and
    silently cuts long lines, while an operator needs "PATH:LINE: option:
    what is wrong" for every error at once (--check-config). ZPL is small
    (RFC 4: indentation, name, optional "= value", quotes, # comments), and
    vfnode's options are only two levels deep, so the reader is short. It
    reads the syntax zconfig reads (a test loads our files with zconfig
    too) and refuses what vfnode would otherwise misread.
*/
#include "vf_config.h"
#include "vf_config_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_limits.h"

/*  ---- the ZPL reader ---- */

/*  Where load reports errors: the first errs_max, a count of all. */
typedef struct {
    const char *path;
    vf_err_t *errs;
    size_t errs_max;
    size_t found;
    int first;
    bool all; /* go on after an error */
} s_report_t;

static int
s_report (s_report_t *r, int line, vf_err_t *e)
{
    if (line > 0)
        vf_err_prefix (e, "%s:%d", r->path, line);
    else
        vf_err_prefix (e, "%s", r->path);
    if (r->found < r->errs_max)
        r->errs[r->found] = *e;
    if (r->found++ == 0)
        r->first = e->code;
    return e->code;
}

#define S_FAIL(r, line, code, ...)                                                                 \
    do {                                                                                           \
        vf_err_t e_ = { 0 };                                                                       \
        vf_err_set (&e_, code, __VA_ARGS__);                                                       \
        s_report (r, line, &e_);                                                                   \
    } while (0)

/*  State of one load: the current section and the values being read. */
typedef struct {
    s_report_t *r;
    vf_config_value_t *values; /* a copy of the config's, applied if no error */
    char section[VF_CONFIG_LINE_MAX + 1];
    int section_state; /* 0 none yet, 1 known, -1 unknown (reported) */
} s_load_t;

static bool
s_same_section (const char *a, const char *b)
{
    size_t la = strcspn (a, "/"), lb = strcspn (b, "/");
    return la == lb && strncmp (a, b, la) == 0;
}

/*  True if option i is the first of its section in the table. */
static bool
s_first_in_section (size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (s_same_section (vf_config_option (j)->name, vf_config_option (i)->name))
            return false;
    return true;
}

static bool
s_section_known (const char *section)
{
    for (size_t i = 0; i < vf_config_count (); i++)
        if (strlen (section) == strcspn (vf_config_option (i)->name, "/") &&
            s_same_section (vf_config_option (i)->name, section))
            return true;
    return false;
}

/*  "a, b, c": the sections (section NULL), or the keys of section. */
static const char *
s_names (const char *section, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < vf_config_count () && o < size; i++) {
        const char *name = vf_config_option (i)->name;
        size_t slen = strcspn (name, "/");
        if (section ? slen != strlen (section) || strncmp (name, section, slen)
                    : !s_first_in_section (i))
            continue;
        const char *item = section ? name + slen + 1 : name;
        int ilen = section ? (int) strlen (item) : (int) slen;
        o += (size_t) snprintf (buf + o, size - o, "%s%.*s", o ? ", " : "", ilen, item);
    }
    return buf;
}

static bool
s_is_namechar (char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr ("$-_@.&+/", c));
}

/*  Set key (in the current section) to value, from line lineno. */
static void
s_assign (s_load_t *ld, int lineno, const char *key, const char *value)
{
    char full[2 * VF_CONFIG_LINE_MAX + 2], q[VF_QUOTE_MAX], list[200];
    snprintf (full, sizeof full, "%s/%s", ld->section, key);
    int i = vf_config_index (full);
    if (i < 0) {
        S_FAIL (ld->r, lineno, VF_ENOTFOUND, "unknown key %s in section %s (it has: %s)",
                vf_quote (q, sizeof q, key, strlen (key)), ld->section,
                s_names (ld->section, list, sizeof list));
        return;
    }
    vf_config_value_t *old = &ld->values[i];
    if (old->line) {
        S_FAIL (ld->r, lineno, VF_EEXIST, "%s is set twice (first on line %d)", full, old->line);
        return;
    }
    old->line = lineno;
    vf_config_value_t v;
    vf_err_t e = { 0 };
    if (vf_config_parse_value ((size_t) i, value, &v, &e)) {
        s_report (ld->r, lineno, &e);
        return;
    }
    free (old->str);
    old->str = v.str;
    old->num = v.num;
}

/*  A name with a value at column 0: not how options are written. */
static void
s_outside (s_load_t *ld, int lineno, const char *name)
{
    char q[VF_QUOTE_MAX], list[200];
    vf_quote (q, sizeof q, name, strlen (name));
    if (vf_config_index (name) >= 0)
        S_FAIL (ld->r, lineno, VF_EPARSE,
                "%s: write the section on its own line, then the key indented by 4 spaces "
                "(\"%.*s\", then \"    %s = ...\")",
                name, (int) strcspn (name, "/"), name, strchr (name, '/') + 1);
    else if (s_section_known (name))
        S_FAIL (ld->r, lineno, VF_EPARSE,
                "%s is a section: it takes no value; its keys go below it, indented by 4 "
                "spaces",
                q);
    else
        S_FAIL (ld->r, lineno, VF_ENOTFOUND, "%s = ... is not in a section (sections: %s)", q,
                s_names (NULL, list, sizeof list));
}

/*  Start the section name (a line at column 0 without a value). */
static void
s_section (s_load_t *ld, int lineno, const char *name)
{
    snprintf (ld->section, sizeof ld->section, "%s", name);
    ld->section_state = s_section_known (name) ? 1 : -1;
    if (ld->section_state < 0) {
        char q[VF_QUOTE_MAX], list[200];
        S_FAIL (ld->r, lineno, VF_ENOTFOUND, "unknown section %s (sections: %s)",
                vf_quote (q, sizeof q, name, strlen (name)), s_names (NULL, list, sizeof list));
    }
}

/*  Split "name = value # comment" in place: *value is NULL when the line
    has no '='. Returns 0 or reports the error and returns it. */
static int
s_split (s_load_t *ld, int lineno, char *p, char **name, char **value)
{
    char q[VF_QUOTE_MAX];
    *name = p;
    while (s_is_namechar (*p))
        p++;
    char *name_end = p;
    if (p == *name) {
        S_FAIL (ld->r, lineno, VF_EPARSE, "expected a name, found %s",
                vf_quote (q, sizeof q, p, strlen (p)));
        return VF_EPARSE;
    }
    p += strspn (p, " \t");
    *value = NULL;
    if (*p == '=') {
        p++;
        p += strspn (p, " \t");
        if (*p == '"' || *p == '\'') {
            char *end = strchr (p + 1, *p);
            if (!end) {
                S_FAIL (ld->r, lineno, VF_EPARSE, "missing closing %c in %s", *p,
                        vf_quote (q, sizeof q, p, strlen (p)));
                return VF_EPARSE;
            }
            *end++ = 0;
            *value = p + 1;
            end += strspn (end, " \t");
            if (*end && *end != '#') {
                S_FAIL (ld->r, lineno, VF_EPARSE, "unexpected %s after the quoted value",
                        vf_quote (q, sizeof q, end, strlen (end)));
                return VF_EPARSE;
            }
        } else {
            char *hash = strchr (p, '#');
            if (hash)
                *hash = 0;
            size_t len = strlen (p);
            while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                p[--len] = 0;
            *value = p;
        }
    } else if (*p && *p != '#') {
        char n[VF_QUOTE_MAX];
        S_FAIL (ld->r, lineno, VF_EPARSE, "expected '=' after %s, found %s",
                vf_quote (n, sizeof n, *name, (size_t) (name_end - *name)),
                vf_quote (q, sizeof q, p, strlen (p)));
        return VF_EPARSE;
    }
    *name_end = 0;
    return 0;
}

/*  One line of the file (NUL-terminated, without its line ending). */
static void
s_line (s_load_t *ld, int lineno, char *line)
{
    size_t indent = strspn (line, " ");
    char *p = line + indent;
    if (*p == '\t') {
        S_FAIL (ld->r, lineno, VF_EPARSE, "indent with 4 spaces per level, not tabs");
        return;
    }
    if (*p == 0 || *p == '#')
        return;
    if (indent % 4) {
        S_FAIL (ld->r, lineno, VF_EPARSE, "indent with 4 spaces per level, not %zu", indent);
        return;
    }
    char *name, *value;
    if (s_split (ld, lineno, p, &name, &value))
        return;
    if (indent == 0) {
        if (value)
            s_outside (ld, lineno, name);
        else
            s_section (ld, lineno, name);
    } else if (indent > 4)
        S_FAIL (ld->r, lineno, VF_EPARSE,
                "indented too deep: options are a section, then \"    key = value\"");
    else if (ld->section_state == 0) {
        char q[VF_QUOTE_MAX];
        S_FAIL (ld->r, lineno, VF_EPARSE, "%s is indented but no section comes before it",
                vf_quote (q, sizeof q, name, strlen (name)));
    } else if (ld->section_state < 0)
        ; /* in an unknown section, already reported */
    else if (!value)
        S_FAIL (ld->r, lineno, VF_EPARSE, "%s/%s: expected \"%s = VALUE\"", ld->section, name,
                name);
    else
        s_assign (ld, lineno, name, value);
}

/*  Read all of path (at most VF_CONFIG_FILE_MAX bytes) into *data (caller
    frees) and *len. */
static int
s_read_file (s_report_t *r, char **data, size_t *len)
{
    int fd = open (r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        S_FAIL (r, 0, errno == ENOENT ? VF_ENOTFOUND : VF_EIO, "%s", strerror (errno));
        return r->first;
    }
    int rc = 0;
    size_t n = 0;
    char *buf = malloc (VF_CONFIG_FILE_MAX + 1);
    if (!buf) {
        S_FAIL (r, 0, rc = VF_ENOMEM, "out of memory");
        goto out;
    }
    while (n <= VF_CONFIG_FILE_MAX) {
        ssize_t got = read (fd, buf + n, VF_CONFIG_FILE_MAX + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            S_FAIL (r, 0, rc = VF_EIO, "%s", strerror (errno));
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t) got;
    }
    if (n > VF_CONFIG_FILE_MAX) {
        S_FAIL (r, 0, rc = VF_ETOOBIG, "larger than %d bytes: not a config file?",
                VF_CONFIG_FILE_MAX);
        goto out;
    }
    *data = buf;
    buf = NULL; /* transferred */
    *len = n;
out:
    free (buf);
    close (fd);
    return rc;
}

/*  Apply the file in r->path to self, all or nothing. Errors go to r. */
static void
s_load (vf_config_t *self, s_report_t *r)
{
    char *data = NULL;
    size_t len = 0;
    size_t count = vf_config_count ();
    s_load_t ld = { .r = r };
    vf_config_value_t *scratch = calloc (count, sizeof *scratch);
    if (!scratch) {
        S_FAIL (r, 0, VF_ENOMEM, "out of memory");
        return;
    }
    ld.values = scratch;
    if (s_read_file (r, &data, &len))
        goto out;
    for (size_t i = 0; i < count; i++) {
        scratch[i].num = self->values[i].num;
        if (self->values[i].str && !(scratch[i].str = strdup (self->values[i].str))) {
            S_FAIL (r, 0, VF_ENOMEM, "out of memory");
            goto out;
        }
    }
    const char *nul = memchr (data, 0, len);
    size_t pos = 0;
    for (int lineno = 1; pos < len && (r->all || !r->found); lineno++) {
        size_t end = pos;
        while (end < len && data[end] != '\n' && data[end] != '\r')
            end++;
        if (nul && nul < data + end) {
            S_FAIL (r, lineno, VF_EPARSE, "a NUL byte: not a text file");
            break;
        }
        if (end - pos > VF_CONFIG_LINE_MAX)
            S_FAIL (r, lineno, VF_ETOOBIG, "line longer than %d bytes", VF_CONFIG_LINE_MAX);
        else {
            char line[VF_CONFIG_LINE_MAX + 1];
            memcpy (line, data + pos, end - pos);
            line[end - pos] = 0;
            s_line (&ld, lineno, line);
        }
        pos = end + (end + 1 < len && data[end] == '\r' && data[end + 1] == '\n' ? 2 : 1);
    }
    if (!r->found) {
        vf_config_values_free (self->values);
        for (size_t i = 0; i < count; i++) {
            self->values[i].num = scratch[i].num;
            self->values[i].str = scratch[i].str;
            scratch[i].str = NULL; /* transferred */
        }
    }
out:
    vf_config_values_free (scratch);
    free (scratch);
    free (data);
}

int
vf_config_load (vf_config_t *self, const char *path, vf_err_t *err)
{
    assert (self && path);
    vf_err_t first = { 0 };
    s_report_t r = { .path = path, .errs = &first, .errs_max = 1 };
    s_load (self, &r);
    if (r.found && err)
        *err = first;
    return r.found ? r.first : 0;
}

int
vf_config_load_all (vf_config_t *self, const char *path, vf_err_t *errs, size_t errs_max,
                    size_t *errs_found)
{
    assert (self && path && (errs || !errs_max));
    s_report_t r = { .path = path, .errs = errs, .errs_max = errs_max, .all = true };
    s_load (self, &r);
    if (errs_found)
        *errs_found = r.found;
    return r.found ? r.first : 0;
}

/*  ---- writing ZPL ---- */

/*  Text after "key = " for a value of option i: strings quoted. */
static void
s_zpl_value (size_t i, const char *text, char *buf, size_t size)
{
    if (vf_config_option (i)->type == VF_CONFIG_STRING) {
        char quote = strchr (text, '"') ? '\'' : '"';
        snprintf (buf, size, "%c%s%c", quote, text, quote);
    } else
        snprintf (buf, size, "%s", text);
}

static const char s_file_head[] =
    "# vfnode configuration, read from DIR/" VF_CONFIG_FILE " when vfnode starts.\n"
    "#\n"
    "# The format is ZPL (rfc.zeromq.org/spec:4/ZPL): a section name at the start\n"
    "# of a line, its options below it, indented by 4 spaces, as \"key = value\".\n"
    "# '#' starts a comment; quote a value that contains '#' with \" or '.\n"
    "# Sizes take K, M, G, T (powers of 1024); durations take ms, s, m, h.\n"
    "# Every option is listed here at its default; docs/CONFIG.md describes\n"
    "# them. Check the file with: vfnode --check-config\n";

/*  self as ZPL: with each option's help and range (commented), or with
    "# default: X" after values that differ from the default. */
static int
s_write (const vf_config_t *self, FILE *out, bool commented)
{
    fputs (commented ? s_file_head : "# vfnode configuration in effect\n", out);
    for (size_t i = 0; i < vf_config_count (); i++) {
        if (!s_first_in_section (i))
            continue;
        const char *section = vf_config_option (i)->name;
        fprintf (out, "\n%.*s\n", (int) strcspn (section, "/"), section);
        for (size_t j = i; j < vf_config_count (); j++) {
            const vf_config_option_t *opt = vf_config_option (j);
            if (!s_same_section (opt->name, section))
                continue;
            char text[VF_CONFIG_LINE_MAX], value[VF_CONFIG_LINE_MAX], def[VF_CONFIG_LINE_MAX],
                range[96];
            vf_config_value_text (j, &self->values[j], text, sizeof text);
            s_zpl_value (j, text, value, sizeof value);
            vf_config_default_text (j, text, sizeof text);
            s_zpl_value (j, text, def, sizeof def);
            const char *key = strchr (opt->name, '/') + 1;
            if (commented)
                fprintf (out, "    # %s\n    # %s, %s; default %s\n    %s = %s\n", opt->help,
                         vf_config_type_name (opt->type),
                         vf_config_range_text (opt, range, sizeof range), def, key, value);
            else if (vf_config_value_is_default (j, &self->values[j]))
                fprintf (out, "    %s = %s\n", key, value);
            else
                fprintf (out, "    %s = %s    # default: %s\n", key, value, def);
        }
    }
    return ferror (out) ? VF_EIO : 0;
}

void
vf_config_print (const vf_config_t *self, FILE *out)
{
    assert (self && out);
    s_write (self, out, false);
}

int
vf_config_write_default (const char *path, const char *name, vf_err_t *err)
{
    assert (path);
    int rc = 0, fd = -1;
    FILE *f = NULL;
    bool created = false;
    vf_config_t *cfg = vf_config_new ();
    if (!cfg)
        return vf_err_set (err, VF_ENOMEM, "out of memory");
    rc = vf_config_set (cfg, "node/name", name ? name : "", err);
    if (rc)
        goto out;
    fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            rc = vf_err_set (err, VF_EEXIST, "%s already exists", path);
        else
            rc = vf_err_set (err, VF_EIO, "%s: %s", path, strerror (errno));
        goto out;
    }
    created = true;
    f = fdopen (fd, "w");
    if (!f) {
        rc = vf_err_set (err, VF_EIO, "%s: %s", path, strerror (errno));
        goto out;
    }
    fd = -1; /* transferred */
    if (s_write (cfg, f, true) || fflush (f) || fsync (fileno (f))) {
        rc = vf_err_set (err, VF_EIO, "%s: %s", path, strerror (errno));
        goto out;
    }
    int closed = fclose (f);
    f = NULL;
    if (closed)
        rc = vf_err_set (err, VF_EIO, "%s: %s", path, strerror (errno));
out:
    if (f)
        fclose (f);
    if (fd >= 0)
        close (fd);
    if (rc && created)
        unlink (path);
    vf_config_destroy (&cfg);
    return rc;
}
