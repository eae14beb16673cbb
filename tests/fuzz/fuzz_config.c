/*  fuzz_config.c - libFuzzer target for the config file reader: the input
    is DIR/vfnode.conf (written to a file in a temporary directory, as the
    reader only takes paths).

    Invariants, besides no crash, leak or hang:
    - vf_config_load and vf_config_load_all agree: the same first error
      (code and message), or both succeed; load_all reports at least one
      error when it fails, and each message names the file;
    - a failed load leaves the configuration as it was (all or nothing);
    - every option of a loaded configuration reads back with its getter
      within its range, and as text;
    - what vf_config_print writes loads again to the same values.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char s_dir[256], s_path[300], s_again[300];

static void
s_cleanup (void)
{
    unlink (s_path);
    unlink (s_again);
    rmdir (s_dir);
}

static void
s_init (void)
{
    const char *tmp = getenv ("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmpfs: fast */
    snprintf (s_dir, sizeof s_dir, "%s/vf-fuzz-config-XXXXXX", tmp);
    if (!mkdtemp (s_dir))
        abort ();
    snprintf (s_path, sizeof s_path, "%s/%s", s_dir, VF_CONFIG_FILE);
    snprintf (s_again, sizeof s_again, "%s/printed.conf", s_dir);
    atexit (s_cleanup);
}

static void
s_write (const char *path, const void *data, size_t size)
{
    FILE *f = fopen (path, "wb");
    if (!f || fwrite (data, 1, size, f) != size || fclose (f) != 0)
        abort ();
}

/*  Read every option with its getter; check it against its row. */
static void
s_read_all (const vf_config_t *cfg)
{
    for (size_t i = 0; i < vf_config_count (); i++) {
        const vf_config_option_t *opt = vf_config_option (i);
        char text[2048];
        int64_t n = 0;
        vf_config_text (cfg, opt->name, text, sizeof text);
        vf_config_is_default (cfg, opt->name);
        switch (opt->type) {
        case VF_CONFIG_STRING:
            if ((int64_t) strlen (vf_config_str (cfg, opt->name)) > opt->max)
                abort ();
            continue;
        case VF_CONFIG_ENUM:
            if (vf_config_enum (cfg, opt->name) < 0 ||
                strcmp (vf_config_str (cfg, opt->name), text) != 0)
                abort ();
            continue;
        case VF_CONFIG_BOOL:
            n = vf_config_bool (cfg, opt->name);
            break;
        case VF_CONFIG_INT:
            n = vf_config_int (cfg, opt->name);
            break;
        case VF_CONFIG_SIZE:
            n = (int64_t) vf_config_size (cfg, opt->name);
            break;
        case VF_CONFIG_DURATION:
            n = vf_config_duration (cfg, opt->name);
            break;
        }
        if (n < opt->min || n > opt->max)
            abort (); /* a value out of its range got in */
        if (vf_config_check (opt, text, NULL) != 0)
            abort (); /* its own text does not parse */
    }
}

static bool
s_same (const vf_config_t *a, const vf_config_t *b)
{
    for (size_t i = 0; i < vf_config_count (); i++) {
        char x[2048], y[2048];
        const char *name = vf_config_option (i)->name;
        if (strcmp (vf_config_text (a, name, x, sizeof x), vf_config_text (b, name, y, sizeof y)))
            return false;
    }
    return true;
}

/*  Print cfg, load the print into a fresh configuration: the same. */
static void
s_round_trip (const vf_config_t *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&text, &len);
    if (!mem)
        abort ();
    vf_config_print (cfg, mem);
    if (fclose (mem) != 0)
        abort ();
    s_write (s_again, text, len);
    free (text);
    vf_config_t *again = vf_config_new ();
    vf_err_t err = { 0 };
    if (!again)
        abort ();
    if (vf_config_load (again, s_again, &err) != 0) {
        fprintf (stderr, "printed config does not load: %s\n", err.msg);
        abort ();
    }
    if (!s_same (cfg, again))
        abort ();
    vf_config_destroy (&again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_dir[0])
        s_init ();
    s_write (s_path, data, size);

    vf_config_t *one = vf_config_new (), *all = vf_config_new (), *fresh = vf_config_new ();
    if (!one || !all || !fresh)
        abort ();
    vf_err_t first = { 0 }, errs[4];
    size_t found = 0;
    memset (errs, 0, sizeof errs);
    int rc = vf_config_load (one, s_path, &first);
    int rc_all = vf_config_load_all (all, s_path, errs, 4, &found);
    if (rc != rc_all || (rc != 0) != (found != 0))
        abort ();
    if (rc) {
        if (strcmp (first.msg, errs[0].msg) != 0 || first.code != errs[0].code)
            abort (); /* the two loads disagree on the first error */
        for (size_t k = 0; k < found && k < 4; k++)
            if (strncmp (errs[k].msg, s_path, strlen (s_path)) != 0)
                abort (); /* an error that does not name the file */
        if (!s_same (one, fresh) || !s_same (all, fresh))
            abort (); /* a failed load changed something */
    } else {
        if (!s_same (one, all))
            abort ();
        s_read_all (one);
        s_round_trip (one);
    }
    vf_config_destroy (&one);
    vf_config_destroy (&all);
    vf_config_destroy (&fresh);
    return 0;
}
