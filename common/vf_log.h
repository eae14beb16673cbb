/*  vf_log.h - the one logging module: levels, function and line, stderr in
    the foreground or syslog as a daemon, rate limits for what peers trigger.

        VF_LOG_INFO ("listening on %s", endpoint);
        VF_LOG_LIMITED ("zap-refused", VF_LOG_LEVEL_WARNING,
                        "refused peer %s: not a member", key_text);

    The level is checked before the arguments are evaluated or formatted,
    so debug lines cost one comparison when debug is off.

    On stderr every message is one line:

        2026-11-23T10:00:00.123Z vfnode[4242] warning s_accept:88: refused ...

    (UTC time to the millisecond, ident, pid, level, function:line, message).
    Control characters in the message are written as '?', so outside input
    cannot forge extra lines. Messages longer than VF_LOG_LINE_MAX are cut.

    NEVER LOG SECRETS. This module cannot tell a secret key from any other
    text: callers must never pass key material, seeds, passwords or tokens
    to it, not even in debug lines. Log the public key or the key file's path.

    Anything a peer or client can trigger (bad frames, refused handshakes,
    invalid entries) goes through VF_LOG_LIMITED with a short constant key:
    at most VF_LOG_LIMIT_LINES lines per key per VF_LOG_LIMIT_WINDOW_MS, then
    one "suppressed N similar messages" line when the window ends.

    All functions are thread-safe. Depends on libc and syslog only.
*/
#ifndef VF_LOG_H
#define VF_LOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*  Levels, most severe first. The values are syslog's priorities. */
typedef enum {
    VF_LOG_LEVEL_ERROR = 3,   /* something failed; the node may not work */
    VF_LOG_LEVEL_WARNING = 4, /* something is wrong but the node goes on */
    VF_LOG_LEVEL_NOTICE = 5,  /* normal but significant (start, stop, peers) */
    VF_LOG_LEVEL_INFO = 6,    /* what the node is doing */
    VF_LOG_LEVEL_DEBUG = 7    /* details for developers */
} vf_log_level_t;

/*  Messages of this level or more severe are written. Read it through
    vf_log_enabled; set it with vf_log_set_level. */
extern atomic_int vf_log_threshold_;

static inline bool
vf_log_enabled (int level)
{
    return level <= atomic_load_explicit (&vf_log_threshold_, memory_order_relaxed);
}

#define VF_LOG(level, ...)                                                                         \
    do {                                                                                           \
        if (vf_log_enabled (level))                                                                \
            vf_log_write ((level), __func__, __LINE__, __VA_ARGS__);                               \
    } while (0)

#define VF_LOG_ERROR(...) VF_LOG (VF_LOG_LEVEL_ERROR, __VA_ARGS__)
#define VF_LOG_WARNING(...) VF_LOG (VF_LOG_LEVEL_WARNING, __VA_ARGS__)
#define VF_LOG_NOTICE(...) VF_LOG (VF_LOG_LEVEL_NOTICE, __VA_ARGS__)
#define VF_LOG_INFO(...) VF_LOG (VF_LOG_LEVEL_INFO, __VA_ARGS__)
#define VF_LOG_DEBUG(...) VF_LOG (VF_LOG_LEVEL_DEBUG, __VA_ARGS__)

/*  Rate-limited message under key (a short constant such as "zap-refused",
    at most VF_LOG_KEY_MAX - 1 bytes; longer keys are cut). The arguments
    are not evaluated when the message is suppressed. */
#define VF_LOG_LIMITED(key, level, ...)                                                            \
    do {                                                                                           \
        if (vf_log_enabled (level) && vf_log_allow ((key), (level), __func__, __LINE__))           \
            vf_log_write ((level), __func__, __LINE__, __VA_ARGS__);                               \
    } while (0)

/*  Write messages of level and more severe ones (default: info). */
void vf_log_set_level (vf_log_level_t level);
vf_log_level_t vf_log_level (void);

/*  "error", "warning", "notice", "info", "debug"; "?" for other values. */
const char *vf_log_level_name (int level);

/*  Level named name (as vf_log_level_name writes it) into *level.
    Returns 0, or VF_EPARSE (and leaves *level alone) for another name. */
int vf_log_level_parse (const char *name, vf_log_level_t *level);

/*  Name written before [pid] (default "vfnode"); copied, cut at 31 bytes. */
void vf_log_set_ident (const char *ident);

/*  Write to stderr from now on (the default). Closes syslog if open. */
void vf_log_use_stderr (void);

/*  Write to syslog (facility daemon, with the pid) as ident from now on;
    ident NULL keeps the current one. */
void vf_log_open_syslog (const char *ident);

/*  Re-open the current target after SIGHUP: re-opens syslog; nothing to do
    for stderr. Call it from the main loop, not from the signal handler. */
void vf_log_reopen (void);

/*  Write the "suppressed" lines of rate-limit windows that have ended.
    Windows are also checked on every limited message; a daemon calls this
    from a timer so that the last summary of a burst is not delayed. */
void vf_log_tick (void);

/*  At exit: write every pending "suppressed" line (windows ended or not)
    and close syslog. Later messages, if any, go to stderr. */
void vf_log_close (void);

/*  Write one message; use the macros, which check the level first. */
void vf_log_write (int level, const char *func, int line, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/*  Count a rate-limited message under key; true if it may be written,
    false if it is suppressed. Used by VF_LOG_LIMITED. */
bool vf_log_allow (const char *key, int level, const char *func, int line);

/*  Tests only: the monotonic clock in ms that rate limiting reads (NULL
    restores CLOCK_MONOTONIC), and a reset of every rate-limit slot. */
void vf_log_set_clock (int64_t (*now_ms) (void));
void vf_log_reset_limits (void);

#endif
