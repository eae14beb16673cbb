/*  vf_file.h - the node's small files (networks.json, peers.state),
    replaced whole and durably. */
#ifndef VF_FILE_H
#define VF_FILE_H

#include "vf_error.h"

/*  Write text and a newline to path atomically and durably: path.tmp
    (mode 0600), fsync, rename over path, fsync of its directory. After a
    crash path holds the old text or the new, never a mix. VF_EIO with the
    file and the system's reason. */
int vf_file_replace (const char *path, const char *text, vf_err_t *err);

#endif
