/*  vf_file.c - replacing a small file whole and durably (vf_file.h). */
#include "vf_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
vf_file_replace (const char *path, const char *text, vf_err_t *err)
{
    char tmp[4200], dir[4200];
    if (snprintf (tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp)
        return vf_err_set (err, VF_EINVAL, "path too long: %.64s...", path);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t len = strlen (text);
    bool ok = fd >= 0 && write (fd, text, len) == (ssize_t) len && write (fd, "\n", 1) == 1 &&
              fsync (fd) == 0;
    int e = errno;
    if (fd >= 0)
        close (fd);
    if (ok && rename (tmp, path) != 0)
        ok = false, e = errno;
    if (!ok) {
        unlink (tmp);
        return vf_err_set (err, VF_EIO, "cannot write %s: %s", path, strerror (e));
    }
    /*  the rename itself must survive a crash */
    snprintf (dir, sizeof dir, "%s", path);
    char *slash = strrchr (dir, '/');
    if (slash)
        *slash = '\0';
    int dfd = open (slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = dfd >= 0 && fsync (dfd) == 0;
    e = errno;
    if (dfd >= 0)
        close (dfd);
    if (!ok)
        return vf_err_set (err, VF_EIO, "cannot sync the directory of %s: %s", path, strerror (e));
    return 0;
}
