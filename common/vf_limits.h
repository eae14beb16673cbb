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
/*  Most entries one ingest call takes (one write transaction). */
#define VF_INGEST_BATCH_MAX 4096

#endif
