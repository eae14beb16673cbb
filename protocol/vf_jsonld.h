/*  vf_jsonld.h - ValueFlows JSON-LD in and out.

    Import reads a JSON-LD document - one node object, a top-level array of
    them, or {"@context": ..., "@graph": [...]} - written with the VF 1.0
    vocabulary (https://w3id.org/valueflows/ont/vf#, also the http://
    spelling of the VF docs' examples) and turns each node into a record: a
    class and a body in the normal form of docs/PROTOCOL.md "Record bodies".
    Compact IRIs are expanded with the document's prefixes, references
    written as {"@id": ...} become IRI strings, embedded nodes become records
    of their own, measures get exact canonical decimals, and OM2 unit IRIs
    become their labels ("kilogram"). A node may carry "vfn:entry" (the
    envelope written by export: author, seq, time, audience, id, sig); then
    signing it again gives the same entry id.

    Export writes entries back as JSON-LD nodes with that annotation, so
    import -> export -> import is lossless.

    What import does not do: fetch remote contexts (only the VF context
    URLs are recognised), @base / relative IRIs, @reverse, language maps.
    Each is refused with a message naming it.
*/
#ifndef VF_JSONLD_H
#define VF_JSONLD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vf_entry.h"
#include "vf_error.h"

/*  The prefix and IRI of the vfnode annotation vocabulary. */
#define VF_VFN_PREFIX "vfn"
#define VF_VFN_NS "urn:vfnode:"

/*  One imported record: the entry's class and body are set; the envelope
    fields are set only where the document's "vfn:entry" gave them. Until
    vf_records_prepare runs, the body's "@id" may be absent or a blank node
    ("_:b1"). */
typedef struct {
    vf_entry_t *entry;
    bool has_author, has_seq, has_time, has_audience, has_id, has_sig;
} vf_record_t;

typedef struct {
    vf_record_t *items;
    size_t n;
    size_t cap;
} vf_records_t;

/*  Import a JSON-LD text of len bytes. *out is set to the records (caller
    owns them: vf_records_destroy). Errors: VF_EPARSE (not JSON: the message
    gives line and column), VF_EINVALID (not a VF document we accept; the
    message names the node, e.g. "@graph[2]: ..."), VF_ERANGE (a quantity we
    cannot hold exactly), VF_ETOOBIG (over VF_JSONLD_MAX_BYTES or
    VF_GRAPH_MAX records), VF_ENOMEM. */
int vf_jsonld_import (const char *text, size_t len, vf_records_t **out, vf_err_t *err);

/*  The same for a document already parsed (the control API). */
int vf_jsonld_import_json (const json_t *doc, vf_records_t **out, vf_err_t *err);

void vf_records_destroy (vf_records_t **self_p);

/*  Make the records ready to sign as author: take seq, time and audience
    from each record's envelope where it had one, otherwise seq from
    *next_seq (incremented), time now_ms and the audience of `audience`
    (an entry whose audience fields are copied; NULL for public). Mint
    "urn:vfnode:<author key text>:<seq>" for every record without an @id or
    with a blank node id, and replace references to blank nodes by the
    minted IRIs. Errors: VF_EINVALID (a record claims another author, a
    reference to an undefined blank node). */
int vf_records_prepare (vf_records_t *recs, const uint8_t author[VF_KEY_BYTES], uint64_t *next_seq,
                        uint64_t now_ms, const vf_entry_t *audience, vf_err_t *err);

/*  Rebuild the signed entry a record's "vfn:entry" describes (it must give
    author, seq, time, audience and sig): encode, compute the id, compare it
    with the claimed id if any, and verify the signature. On success the
    record's entry is signed (id, sig, blob set). Errors: VF_EINVALID
    (envelope incomplete), VF_EBADSIG, and those of vf_entry_encode. */
int vf_record_verify (vf_record_t *rec, vf_err_t *err);

/*  One entry as a JSON-LD node object with its "vfn:entry" annotation
    (caller owns the result). with_context adds the "@context" so that the
    node stands alone (JSON lines). NULL if out of memory. */
json_t *vf_jsonld_export_entry (const vf_entry_t *entry, bool with_context);

/*  The "@context" vfnode writes: VF as @vocab plus the vfn prefix. */
json_t *vf_jsonld_context (void);

/*  Flags for json_dumps so that quantities print as written. */
#define VF_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION (15))

#endif
