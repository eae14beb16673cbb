/*  vf_jsonld.h - ValueFlows JSON-LD in and out.

    Import reads a JSON-LD document - one node object, a top-level array of
    them, or {"@context": ..., "@graph": [...]} - written with the VF 1.0
    vocabulary (https://w3id.org/valueflows/ont/vf#, also the http://
    spelling of the VF docs' examples) and turns each node into a record: a
    class and a body in the normal form of docs/PROTOCOL.md "Record bodies".
    Compact IRIs are expanded with the document's prefixes, references
    written as {"@id": ...} become IRI strings, embedded nodes become records
    of their own, many-valued properties are sorted, measures get exact
    canonical decimals, and OM2 unit IRIs become their labels ("kilogram").
    A node may carry "vfn:entry" (the envelope written by export: author,
    seq, time, audience, id, sig); then signing it again gives the same
    entry id.

    Whatever import would otherwise have to ignore is refused with a
    message instead, so that a signed record says everything the document
    said: other types, language tags, datatypes that do not fit, keys next
    to @graph, keyword aliases, null terms, @list, a property given twice,
    a node defined twice, remote contexts other than the VF ones, @base,
    @reverse, and JSON numbers a reader may not read exactly. The rules are
    in docs/PROTOCOL.md "JSON-LD form of an entry".

    Export writes entries back as JSON-LD nodes with that annotation and a
    context that makes them correct JSON-LD (references typed @id, the
    action @vocab, measures in OM2, the envelope under vfn:), so that
    import -> export -> import is lossless and a standard processor reads
    the same graph.
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
    bool has_envelope; /* the node had a vfn:entry */
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
    cannot hold exactly, or a JSON number with more than 15 significant
    digits: the message gives line and column), VF_ETOOBIG (over
    VF_JSONLD_MAX_BYTES or VF_GRAPH_MAX records), VF_ENOMEM. */
int vf_jsonld_import (const char *text, size_t len, vf_records_t **out, vf_err_t *err);

/*  The same for a document already parsed (the control API). The text is
    gone, so a real number's digits cannot be counted: the caller must
    have refused JSON numbers with more than 15 significant digits (a real
    quantity is still refused unless it is the double nearest to a decimal
    of at most 15 digits). Integers beyond 2^53-1 are refused here. */
int vf_jsonld_import_json (const json_t *doc, vf_records_t **out, vf_err_t *err);

void vf_records_destroy (vf_records_t **self_p);

/*  Make the records ready to sign as author: take seq, time and audience
    from each record's envelope where it had one, otherwise seq from
    *next_seq (incremented, skipping the seqs other records of the batch
    claim), time now_ms and the audience of `audience` (an entry whose
    audience fields are copied; NULL for public). Mint
    "urn:vfnode:<author key text>:<seq>" for every record without an @id or
    with a blank node id, and replace references to blank nodes (in the
    values of reference properties only) by the minted IRIs. Errors:
    VF_EINVALID (a record claims another author, two records would have
    the same seq, a reference to an undefined blank node), VF_ERANGE (seq
    beyond VF_SEQ_MAX), VF_ENOMEM. */
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
    node stands alone (JSON lines): VF as @vocab, the vfn prefix, and only
    the term definitions this node needs. Without it the node needs
    vf_jsonld_context (). NULL if out of memory. */
json_t *vf_jsonld_export_entry (const vf_entry_t *entry, bool with_context);

/*  The "@context" for any exported node (for a document that holds many):
    VF as @vocab, the vfn and om2 prefixes, every reference property typed
    @id and action typed @vocab. Caller owns it; NULL if out of memory. */
json_t *vf_jsonld_context (void);

/*  Flags for json_dumps so that quantities print as written. */
#define VF_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION (15))

#endif
