/*  vf_trace.h - track and trace: where did this come from, where did it
    go, across co-ops (ValueFlows 1.0, algorithms/track.md).

    A walk starts from an EconomicResource, an EconomicEvent or a Process
    and follows, one step at a time, what the store's indexes say:
    backwards (trace) a resource comes from the events that produced it,
    transferred or moved it into this resource, or raised or lowered it;
    an output event from its process; a process from its input events; an
    input event from the resource it took. Forwards (track) is the mirror
    image. Only what this node holds is walked; a reference to a record it
    does not hold appears as an "unknown" item with what is known of its
    owner. The rules (pairing, breadcrumbs, tracking identifiers, causal
    order) are written out in docs/TRACE.md. Every step is an index lookup:
    the cost grows with what is visited, not with the store.
*/
#ifndef VF_TRACE_H
#define VF_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vf_error.h"
#include "vf_store.h"

/*  Most items one walk returns unless the caller asks for fewer; a walk
    that reaches it stops and says so ("truncated"). */
#define VF_TRACE_ITEMS_DEFAULT 10000
#define VF_TRACE_ITEMS_MAX 1000000

typedef struct {
    bool forward;          /* track (where did it go); false: trace */
    bool one_step;         /* previous / next: the start and its direct neighbours */
    size_t max_depth;      /* items this many steps from the start are not expanded; 0: no limit */
    size_t max_items;      /* 0: VF_TRACE_ITEMS_DEFAULT; at most VF_TRACE_ITEMS_MAX */
    size_t max_reads;      /* records the walk may read; 0: 100 per item it may return, at
                              least 100,000 (the bound on its cost, whatever the graph) */
    bool stop_at_boundary; /* do not walk past items of another organisation than the start's */
    bool include_pending;  /* also walk events their resource's owner has not confirmed */
    bool rollup;           /* add the value rollup (work and inputs per organisation) */
} vf_trace_opts_t;

/*  Walk from iri (a resource, event or process IRI, or "vfe_..." for one
    event entry). *out (caller owns it) is one JSON object:
      "direction": "trace" | "track" | "previous" | "next",
      "start": the start IRI,
      "items": [ ... ] in walk order (depth first); each item is the
        record as the store knows it ("@id", "@type" and its fields; a
        resource with its current state, as vf_store_resource) with
        "vfn:item" (its index), "vfn:parent" (the index of the item it
        was reached from; absent for the start), "vfn:depth",
        "vfn:organisation" (vfk_... of the co-op that authored the event
        or the process record, or owns the resource), and where they
        apply "vfn:entry" (events: vfe_... of the entry), "vfn:via" (how
        it was reached when not by a plain reference: "previousEvent",
        "stock", "renamed", "trackingIdentifier", "ofBatchLot"),
        "vfn:pending": true (an event the resource owner has not
        confirmed), "vfn:boundary": true (not expanded: another
        organisation), "vfn:unknown": true (the node does not hold the
        record) with "vfn:agent" (the agent the referring event names as
        its provider or receiver) and "vfn:owner" (the key an IRI minted
        by vfnode claims; a claim, not a proof). "vfn:organisation" is
        absent where the node holds nothing that says it,
      "agents": { agent IRI: name } for the agents events name, where
        the node holds the agent's record,
      "visited": number of items, "reads": records the walk read,
      "truncated": true when the walk stopped early, with "limit":
        "max_items", "reads" (max_reads) or "memory" (steps held),
      "rollup" (when asked): { "work": [ {organisation, agent, unit,
        total} ], "inputs": [ {organisation, action, spec, unit, total} ] }
        summed exactly over the events of the walk.
    VF_ENOTFOUND when nothing held names iri, VF_EINVAL for bad options. */
int vf_store_trace (vf_store_t *self, const char *iri, const vf_trace_opts_t *opts, json_t **out,
                    vf_err_t *err);

#endif
