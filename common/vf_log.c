/*  vf_log.c - levels, stderr or syslog, rate limits. See vf_log.h. */
#include "vf_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "vf_error.h"
#include "vf_limits.h"

_Static_assert(VF_LOG_LEVEL_ERROR == LOG_ERR && VF_LOG_LEVEL_WARNING == LOG_WARNING &&
                   VF_LOG_LEVEL_NOTICE == LOG_NOTICE && VF_LOG_LEVEL_INFO == LOG_INFO &&
                   VF_LOG_LEVEL_DEBUG == LOG_DEBUG,
               "log levels are syslog priorities");

atomic_int vf_log_threshold_ = VF_LOG_LEVEL_INFO;

#define S_IDENT_MAX 32

/*  One rate-limit key and its current window. A slot whose window has
    ended is free again (key[0] == 0). */
typedef struct {
    char key[VF_LOG_KEY_MAX];
    int64_t start;       /* window start, ms on the rate-limit clock */
    unsigned written;    /* lines written in this window */
    unsigned suppressed; /* lines suppressed in this window */
    int level;           /* of the last message, for the summary line */
    const char *func;    /* __func__ of the last message (static storage) */
    int line;
} s_slot_t;

/*  Everything below is guarded by s_mutex. */
static pthread_mutex_t s_mutex = PTHREAD_MUTEX_INITIALIZER;
static char s_ident[S_IDENT_MAX] = "vfnode";
static bool s_syslog = false;
static s_slot_t s_slots[VF_LOG_LIMIT_KEYS + 1]; /* the last one is shared overflow */
static int64_t (*s_clock) (void);

static const char *s_level_names[] = { "error", "warning", "notice", "info", "debug" };

const char *
vf_log_level_name (int level)
{
    if (level < VF_LOG_LEVEL_ERROR || level > VF_LOG_LEVEL_DEBUG)
        return "?";
    return s_level_names[level - VF_LOG_LEVEL_ERROR];
}

int
vf_log_level_parse (const char *name, vf_log_level_t *level)
{
    for (int l = VF_LOG_LEVEL_ERROR; l <= VF_LOG_LEVEL_DEBUG; l++)
        if (name && strcmp (name, s_level_names[l - VF_LOG_LEVEL_ERROR]) == 0) {
            *level = (vf_log_level_t) l;
            return 0;
        }
    return VF_EPARSE;
}

void
vf_log_set_level (vf_log_level_t level)
{
    if (level < VF_LOG_LEVEL_ERROR)
        level = VF_LOG_LEVEL_ERROR;
    if (level > VF_LOG_LEVEL_DEBUG)
        level = VF_LOG_LEVEL_DEBUG;
    atomic_store_explicit (&vf_log_threshold_, (int) level, memory_order_relaxed);
}

vf_log_level_t
vf_log_level (void)
{
    return (vf_log_level_t) atomic_load_explicit (&vf_log_threshold_, memory_order_relaxed);
}

/*  ---- targets ---- */

static void
s_openlog_locked (void)
{
    openlog (s_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
vf_log_set_ident (const char *ident)
{
    pthread_mutex_lock (&s_mutex);
    snprintf (s_ident, sizeof s_ident, "%s", ident ? ident : "vfnode");
    if (s_syslog)
        s_openlog_locked (); /* openlog keeps the pointer: same buffer, new text */
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_use_stderr (void)
{
    pthread_mutex_lock (&s_mutex);
    if (s_syslog)
        closelog ();
    s_syslog = false;
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_open_syslog (const char *ident)
{
    pthread_mutex_lock (&s_mutex);
    if (ident)
        snprintf (s_ident, sizeof s_ident, "%s", ident);
    s_syslog = true;
    s_openlog_locked ();
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_reopen (void)
{
    pthread_mutex_lock (&s_mutex);
    if (s_syslog) {
        closelog ();
        s_openlog_locked ();
    }
    pthread_mutex_unlock (&s_mutex);
}

/*  ---- writing ---- */

/*  Write all of buf to fd, retrying after signals. Errors are ignored:
    there is nowhere left to report them. */
static void
s_write_all (int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write (fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t) n;
    }
}

/*  Write one message (already formatted and cleaned) to the target. */
static void
s_emit_locked (int level, const char *func, int line, const char *msg)
{
    if (s_syslog) {
        syslog (level, "%s:%d: %s", func, line, msg);
        return;
    }
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r (&ts.tv_sec, &tm);
    char stamp[32];
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    char buf[VF_LOG_LINE_MAX + 256];
    int n =
        snprintf (buf, sizeof buf, "%s.%03ldZ %s[%ld] %s %s:%d: %s\n", stamp, ts.tv_nsec / 1000000,
                  s_ident, (long) getpid (), vf_log_level_name (level), func, line, msg);
    if (n < 0)
        return;
    size_t len = (size_t) n;
    if (len >= sizeof buf) { /* cannot happen with sane func names; keep one line */
        len = sizeof buf - 1;
        buf[len - 1] = '\n';
    }
    s_write_all (STDERR_FILENO, buf, len);
}

void
vf_log_write (int level, const char *func, int line, const char *fmt, ...)
{
    char msg[VF_LOG_LINE_MAX];
    va_list ap;
    va_start (ap, fmt);
    int n = vsnprintf (msg, sizeof msg, fmt, ap);
    va_end (ap);
    if (n < 0)
        snprintf (msg, sizeof msg, "(unformattable message)");
    else if ((size_t) n >= sizeof msg)
        memcpy (msg + sizeof msg - 4, "...", 4);
    for (char *p = msg; *p; p++)
        if ((unsigned char) *p < 0x20 || *p == 0x7f)
            *p = '?'; /* one line per message, whatever the input held */

    pthread_mutex_lock (&s_mutex);
    s_emit_locked (level, func, line, msg);
    pthread_mutex_unlock (&s_mutex);
}

/*  ---- rate limits ---- */

static int64_t
s_monotonic_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
s_now_locked (void)
{
    return s_clock ? s_clock () : s_monotonic_ms ();
}

/*  Write the summary of slot, if it suppressed anything, and free it. */
static void
s_close_window_locked (s_slot_t *slot)
{
    if (slot->suppressed > 0) {
        char msg[VF_LOG_KEY_MAX + 96];
        snprintf (msg, sizeof msg, "%s: suppressed %u similar messages in %d s", slot->key,
                  slot->suppressed, VF_LOG_LIMIT_WINDOW_MS / 1000);
        s_emit_locked (slot->level, slot->func, slot->line, msg);
    }
    memset (slot, 0, sizeof *slot);
}

static void
s_close_ended_locked (int64_t now)
{
    for (size_t i = 0; i < VF_LOG_LIMIT_KEYS + 1; i++)
        if (s_slots[i].key[0] && now - s_slots[i].start >= VF_LOG_LIMIT_WINDOW_MS)
            s_close_window_locked (&s_slots[i]);
}

/*  The slot of key: its open window, a free slot, or the overflow slot. */
static s_slot_t *
s_slot_locked (const char *key, int64_t now)
{
    s_slot_t *free_slot = NULL;
    for (size_t i = 0; i < VF_LOG_LIMIT_KEYS; i++) {
        if (s_slots[i].key[0] == 0) {
            if (!free_slot)
                free_slot = &s_slots[i];
        } else if (strncmp (s_slots[i].key, key, VF_LOG_KEY_MAX - 1) == 0)
            return &s_slots[i];
    }
    s_slot_t *slot = free_slot;
    if (!slot) {
        slot = &s_slots[VF_LOG_LIMIT_KEYS];
        key = "other keys";
        if (slot->key[0])
            return slot;
    }
    snprintf (slot->key, sizeof slot->key, "%s", key);
    slot->start = now;
    return slot;
}

bool
vf_log_allow (const char *key, int level, const char *func, int line)
{
    pthread_mutex_lock (&s_mutex);
    int64_t now = s_now_locked ();
    s_close_ended_locked (now);
    s_slot_t *slot = s_slot_locked (key && key[0] ? key : "?", now);
    slot->level = level;
    slot->func = func;
    slot->line = line;
    bool allowed = slot->written < VF_LOG_LIMIT_LINES;
    if (allowed)
        slot->written++;
    else
        slot->suppressed++;
    pthread_mutex_unlock (&s_mutex);
    return allowed;
}

void
vf_log_tick (void)
{
    pthread_mutex_lock (&s_mutex);
    s_close_ended_locked (s_now_locked ());
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_close (void)
{
    pthread_mutex_lock (&s_mutex);
    for (size_t i = 0; i < VF_LOG_LIMIT_KEYS + 1; i++)
        if (s_slots[i].key[0])
            s_close_window_locked (&s_slots[i]);
    if (s_syslog)
        closelog ();
    s_syslog = false;
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_set_clock (int64_t (*now_ms) (void))
{
    pthread_mutex_lock (&s_mutex);
    s_clock = now_ms;
    pthread_mutex_unlock (&s_mutex);
}

void
vf_log_reset_limits (void)
{
    pthread_mutex_lock (&s_mutex);
    memset (s_slots, 0, sizeof s_slots);
    pthread_mutex_unlock (&s_mutex);
}
