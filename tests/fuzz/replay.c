/*  replay.c - run a fuzz target over every file of its corpus, without
    libFuzzer, so that `make test` replays the corpora under ASan/UBSan with
    gcc. Usage: replay_NAME CORPUS_DIR... Prints a cmocka-style summary
    counting each input as one test; any crash fails the run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
s_cmp (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
s_replay_file (const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        perror (path);
        return -1;
    }
    fseek (f, 0, SEEK_END);
    long size = ftell (f);
    rewind (f);
    uint8_t *buf = malloc (size > 0 ? (size_t) size : 1);
    size_t got = buf ? fread (buf, 1, (size_t) size, f) : 0;
    fclose (f);
    if (!buf || got != (size_t) size) {
        fprintf (stderr, "%s: cannot read\n", path);
        free (buf);
        return -1;
    }
    LLVMFuzzerTestOneInput (buf, got);
    free (buf);
    return 0;
}

static int
s_replay_dir (const char *dir, size_t *count)
{
    DIR *d = opendir (dir);
    if (!d) {
        perror (dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir (d))) {
        if (de->d_name[0] == '.')
            continue;
        char **more = realloc (names, (n + 1) * sizeof *names);
        if (!more)
            break;
        names = more;
        names[n++] = strdup (de->d_name);
    }
    closedir (d);
    if (n)
        qsort (names, n, sizeof *names, s_cmp);
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        char path[4096];
        snprintf (path, sizeof path, "%s/%s", dir, names[k]);
        if (s_replay_file (path) == 0)
            (*count)++;
        else
            rc = -1;
        free (names[k]);
    }
    free (names);
    return rc;
}

int
main (int argc, char **argv)
{
    size_t count = 0;
    int failed = 0;
    for (int k = 1; k < argc; k++)
        if (s_replay_dir (argv[k], &count) != 0)
            failed = 1;
    if (count == 0) {
        fprintf (stderr, "replay: no corpus inputs found\n");
        failed = 1;
    }
    printf ("[==========] %zu input(s) replayed.\n", count);
    if (failed) {
        printf ("[  FAILED  ] 1 test(s)\n");
        return 1;
    }
    printf ("[  PASSED  ] %zu test(s).\n", count);
    return 0;
}
