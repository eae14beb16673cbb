/*  vf_limits.h - every limit and default of the protocol and the tools, in
    one place, each with the reason for its size. Wire-visible limits are
    part of the protocol: changing them changes which entries are valid, so
    they are documented in docs/PROTOCOL.md as well.
*/
#ifndef VF_LIMITS_H
#define VF_LIMITS_H

/*  Largest canonical entry (envelope + body), in bytes. A ValueFlows record
    is a few hundred bytes; 64 KiB leaves room for long notes and many
    references while keeping a peer's worst-case buffer per entry small. */
#define VF_ENTRY_MAX 65536

/*  Deepest nesting of maps/arrays in an entry, counting the envelope map as
    depth 1. VF records nest at most 3 deep (event > resourceQuantity > unit);
    16 is generous for extension data and still bounds recursion. */
#define VF_DEPTH_MAX 16

/*  Most networks one entry may name as its audience. An entry meant for more
    than a handful of networks should name a network of networks instead. */
#define VF_AUDIENCE_MAX 16

/*  Longest class name (e.g. "EconomicEvent"), in bytes. */
#define VF_CLASS_MAX 64

/*  The peer state file (node/vf_peer_state.c). Recent errors kept per
    peer: enough to see a pattern (a peer failing the same way, or several
    ways) while a file of 4096 peers stays a few MiB. */
#define VF_PEER_RECENT_MAX 8
/*  Largest state file read: 64 MiB holds ~20,000 peers with full error
    lists; anything larger is not a file vfnode wrote. */
#define VF_PEER_STATE_FILE_MAX (64u << 20)
/*  A change that counts (entries, faults, a ban, reconciliations) is on
    disk within 5 s; traffic alone (messages, bytes, pings: a connected
    peer changes them every heartbeat) within a minute, so an idle link
    does not mean an fsync every few seconds. */
#define VF_PEER_STATE_SAVE_MS 5000
#define VF_PEER_STATE_IDLE_SAVE_MS 60000

/*  Most items one trace request through the control API may ask for: the
    walk holds each item in memory and the reply carries them all (about
    1 KiB each). Programs linking the store directly may ask for more
    (VF_TRACE_ITEMS_MAX). */
#define VF_TRACE_API_ITEMS_MAX 100000

/*  Longest IRI accepted anywhere (record ids, references, units), in bytes.
    Common browser limit; real IRIs are far shorter. */
#define VF_IRI_MAX 2048

/*  Exact decimals: at most 18 significant digits (fits a signed 64-bit
    coefficient) and at most 18 digits after the point. Exponents written in
    input ("1.5e3") may range over +-VF_DECIMAL_EXP_MAX; results must still
    fit the digit limits. */
#define VF_DECIMAL_DIGITS_MAX 18
#define VF_DECIMAL_SCALE_MAX 18
#define VF_DECIMAL_EXP_MAX 36
/*  Longest text form of a decimal: sign, 18 digits, point, 18 leading
    zeros after the point, NUL. */
#define VF_DECIMAL_TEXT_MAX 48

/*  JSON numbers are read by the JSON parser as IEEE doubles, which carry 15
    significant decimal digits exactly. Longer values must be JSON strings. */
#define VF_JSON_NUMBER_DIGITS_MAX 15

/*  Largest integer a JSON number may hold, 2^53-1: exact in an IEEE double,
    and JavaScript's Number.MAX_SAFE_INTEGER, so that every JSON reader
    gets the same value. Larger integers must be written as strings. */
#define VF_JSON_INT_MAX 9007199254740991ull

/*  Largest entry seq and time (ms since 1970): VF_JSON_INT_MAX, so that
    both survive JSON and JavaScript exactly. Times reach it in the year
    285,000; a node that signs a million entries a second, in 285 years. */
#define VF_SEQ_MAX VF_JSON_INT_MAX
#define VF_TIME_MAX VF_JSON_INT_MAX

/*  Largest JSON-LD document the tools read (16 MiB) and most records in one
    @graph (a publish batch of 1000 plus headroom for bulk imports). */
#define VF_JSONLD_MAX_BYTES (16u * 1024 * 1024)
#define VF_GRAPH_MAX 100000

/*  Text forms of keys and ids: a 4-character kind prefix and 52 base32
    characters for 32 bytes, plus NUL. */
#define VF_TEXT_MAX 64

/*  Largest identity key file read, in bytes (docs/KEYS.md). The file
    vfnode writes is under 200 bytes; 4 KiB leaves room for comments an
    operator adds and bounds what reading a wrong file costs. */
#define VF_KEY_FILE_MAX 4096

/*  The store. Map size is the most the LMDB file may grow to (sparse: it
    costs nothing until used). 4 GiB holds a few million entries with their
    indexes; operators raise it in the config. The store warns when the map
    is more than VF_STORE_WARN_PERCENT full, early enough to grow it. */
#define VF_STORE_MAP_DEFAULT (4ull * 1024 * 1024 * 1024)
#define VF_STORE_MAP_MIN (1ull * 1024 * 1024)
#define VF_STORE_WARN_PERCENT 80
/*  A write of the store that fails with EIO while its disk has less than
    this free is reported as a full disk: LMDB turns a write cut short by
    a full disk into EIO, and a commit writes at most a few MiB. */
#define VF_STORE_DISK_LOW (16ll * 1024 * 1024)
/*  Most entries one ingest call takes (one write transaction). */
#define VF_INGEST_BATCH_MAX 4096

/*  An event orders by the time it says it happened, but by no more than
    this after the time its entry was signed: a later claim orders at the
    signing time (docs/STORE.md, "Event order"). */
#define VF_EVENT_AHEAD_MAX_MS (24ull * 3600 * 1000)

/* ---- Logging and the node's configuration (common/vf_log, node/vf_config) ---- */

/*  Longest log message after formatting, in bytes; longer ones are cut
    with "...". 1024 is the classic syslog record size (RFC 3164). */
#define VF_LOG_LINE_MAX 1024

/*  Messages a peer or client can trigger are rate limited per key: at most
    VF_LOG_LIMIT_LINES per VF_LOG_LIMIT_WINDOW_MS, then one "suppressed N"
    line. Ten lines show the pattern; a peer sending a flood of bad frames
    costs one line a second, not a full disk. */
#define VF_LOG_LIMIT_LINES 10
#define VF_LOG_LIMIT_WINDOW_MS 10000

/*  Rate-limit keys tracked at once and the longest key. Keys are constants
    in the code ("zap-refused"), a few dozen kinds at most; when all slots
    are busy, further keys share one overflow slot, so the table never grows. */
#define VF_LOG_LIMIT_KEYS 32
#define VF_LOG_KEY_MAX 32

/*  The config file: the commented default file is a few KiB, so 64 KiB is
    generous and bounds what reading a wrong file costs; lines are short. */
#define VF_CONFIG_FILE_MAX (64 * 1024)
#define VF_CONFIG_LINE_MAX 1024

/*  Longest node/name, in bytes: a co-operative's legal name fits; short
    enough for status tables and peer greetings. */
#define VF_NODE_NAME_MAX 128

/*  Largest store/map_size: far above any disk a co-op node has, low enough
    to catch a typo such as "4P". */
#define VF_STORE_MAP_MAX (16ull * 1024 * 1024 * 1024 * 1024)

/*  The writer's batches: 1000 entries amortise a commit's fsync while a
    batch still commits in milliseconds; waiting 2 ms to fill one adds no
    visible latency. Waiting over a second would stall clients. */
#define VF_INGEST_BATCH_DEFAULT 1000
#define VF_INGEST_WAIT_DEFAULT_MS 2
#define VF_INGEST_WAIT_MAX_MS 1000

/*  Most signature-verifying threads (0 in the config: one per core). */
#define VF_VERIFY_THREADS_MAX 256

/*  Control API. Largest request: a publish of the largest JSON-LD document
    (VF_JSONLD_MAX_BYTES) by default, 64 MiB at most. Requests in flight before clients are
    slowed: ten batches of VF_INGEST_BATCH_DEFAULT. */
#define VF_CONTROL_REQUEST_DEFAULT VF_JSONLD_MAX_BYTES
#define VF_CONTROL_REQUEST_MIN 1024
#define VF_CONTROL_REQUEST_MAX (64u * 1024 * 1024)
#define VF_CONTROL_QUEUE_DEFAULT 10000
#define VF_CONTROL_QUEUE_MAX 100000

/*  ---- Peers (node/vf_peer.c) ---------------------------------------------
    Defaults and bounds of the peer options. A heartbeat of 5 s and a
    timeout of three heartbeats notice a dead peer within ~15 s without
    chatter; 1000 entries of credit is one writer batch, enough to keep a
    link busy while bounding what one peer can queue at us (1000 x 64 KiB
    at worst); 20 bad frames or entries before a ban tolerates a bug or
    two in a peer's software but not a flood; a ban lasts 10 minutes. */
#define VF_PEER_PORT_DEFAULT "tcp://*:7690"
#define VF_PEER_HEARTBEAT_DEFAULT_MS 5000
#define VF_PEER_HEARTBEAT_MIN_MS 100
#define VF_PEER_HEARTBEAT_MAX_MS 3600000
#define VF_PEER_TIMEOUT_DEFAULT_MS 15000
#define VF_PEER_TIMEOUT_MIN_MS 300
#define VF_PEER_TIMEOUT_MAX_MS 86400000
#define VF_PEER_CREDIT_DEFAULT 1000
#define VF_PEER_CREDIT_MAX 100000
#define VF_PEER_BAN_AFTER_DEFAULT 20
#define VF_PEER_BAN_AFTER_MAX 1000000
#define VF_PEER_BAN_DEFAULT_MS 600000
#define VF_PEER_BAN_MIN_MS 1000
#define VF_PEER_BAN_MAX_MS 604800000
/*  Reconcile with every connected peer this often (and at connect): it
    finds what push missed (a node that was away, a lost announcement). A
    reconciliation of n differences takes a handful of rounds; more than
    VF_PEER_RECON_ROUNDS_MAX messages in one period is a peer that never
    ends it. */
#define VF_PEER_RECONCILE_DEFAULT_MS 60000
#define VF_PEER_RECONCILE_MIN_MS 1000
#define VF_PEER_RECONCILE_MAX_MS 86400000
#define VF_PEER_RECON_ROUNDS_MAX 256
/*  Ids asked for but not yet answered, per peer, on both sides: a node
    asks a peer for at most this many at a time and asks for more as
    entries come; asks beyond it are ignored by the peer that serves them
    (the asker asks again after peer/timeout without progress). */
#define VF_PEER_QUEUE_MAX 4096
/*  Messages received on one connection of a peer that may wait for the
    engine; beyond it, ZeroMQ stops reading that connection (TCP holds
    the rest and the sender's own queue fills), so a peer that sends
    faster than we handle makes us hold at most this many frames of at
    most 1 MiB (VF_WIRE_FRAME_MAX) per connection, not ZeroMQ's default
    1000. An honest peer has a few in flight: its credit is four frames
    of entries, and it waits for our answers. */
#define VF_PEER_RCVHWM 16
/*  Messages queued to send on one connection of a peer; beyond it a
    message is dropped (what is dropped is asked for or found again: WANT
    times out, reconciliation). A peer that grants credit and never reads
    makes us hold at most this many frames of at most 1 MiB per connection
    (ZeroMQ's default, 1000, allowed a gigabyte); an honest one reads
    what it asked for, a few frames at a time. */
#define VF_PEER_SNDHWM 64
/*  When connections to the peer port reach half the files the process may
    open, the node stops listening this long (node/vf_peer.c
    s_count_connection): long enough to shed a flood of connections, short
    enough that honest peers dialling in barely notice. */
#define VF_PEER_RELISTEN_MS 1000
/*  Ids we know a peer holds and we lack, waiting to be asked for (2 MiB a
    peer); beyond it they are dropped and the next reconciliation finds
    them again. */
#define VF_PEER_BACKLOG_MAX 65536
/*  A peer's faults are forgotten after this long without one, so that
    peer/ban_after counts faults close together, not over a lifetime. */
#define VF_PEER_FAULT_FORGET_MS 600000

/* ---- Set reconciliation (protocol/vf_recon, docs/RECON.md) ---- */

/*  Largest reconciliation message, in bytes. 256 KiB holds 8,000 ids or
    9,000 fingerprints: 2 ms on a 1 Gbit/s LAN, 200 ms at 10 Mbit/s, so a
    frame costs about one round trip while a side that lacks a million
    entries learns their ids in ~128 rounds (~512 with 64 KiB). It is also
    the most a peer's message makes us hold. A node may send smaller
    frames, down to VF_RECON_FRAME_MIN: room for a split into
    VF_RECON_BRANCH_MAX fingerprints (4.6 KiB) next to the deferred rest. */
#define VF_RECON_FRAME_MAX (256u * 1024)
#define VF_RECON_FRAME_MIN (16u * 1024)

/*  Most ranges in one message: the decoder's array of them stays under
    1 MiB (112 bytes a range), and the ranges of a full frame fit. */
#define VF_RECON_RANGES_MAX 8192

/*  Most of our own items read at once to answer a list of ids or to test
    "all but one" (320 KiB); a range holding more is split instead. */
#define VF_RECON_LOAD_MAX 8192

/*  Items one reply may read from the store or hash: 32 of the largest
    reads, tens of milliseconds however many ranges a hostile message asks
    about. Ranges beyond it are answered in the next round. */
#define VF_RECON_WORK_MAX (32u * 8192)

/*  Sub-ranges per split, and the id-list threshold: a range holding at
    most that many items is sent as its ids. Measured on 100k and 1M items
    (docs/RECON.md): 16 ranges settle 100 scattered differences in 4 round
    trips at ~225 bytes each; 8 saves ~20% of bytes for one more round
    trip, 32 costs 35% more. A one-id list costs about a fingerprint and
    settles its range at once; longer lists lose to the fingerprint and
    the "all but one" test. */
#define VF_RECON_BRANCH_DEFAULT 16
#define VF_RECON_BRANCH_MAX 64
#define VF_RECON_IDS_DEFAULT 1
#define VF_RECON_IDS_LIMIT 64

#endif
