/*  vf_vocab.h - the ValueFlows 1.0 vocabulary as tables.

    The 19 actions with their effects, and the record classes with their
    properties, exactly as the VF 1.0 TTL (valueflows/valueflows,
    mkdocs/docs/assets/all_vf.TTL) defines them. One table each; code asks
    the tables instead of testing action names. Where the TTL and the docs'
    action table disagree the TTL is followed (see docs/VOCABULARY.md).
    Everything returned points into static tables: never free it.
*/
#ifndef VF_VOCAB_H
#define VF_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

/*  The VF 1.0 namespace, and the http:// spelling the VF docs' examples use. */
#define VF_NS "https://w3id.org/valueflows/ont/vf#"
#define VF_NS_HTTP "http://w3id.org/valueflows/ont/vf#"

typedef enum {
    VF_ACTION_PRODUCE,
    VF_ACTION_CONSUME,
    VF_ACTION_USE,
    VF_ACTION_WORK,
    VF_ACTION_CITE,
    VF_ACTION_DELIVER_SERVICE,
    VF_ACTION_PICKUP,
    VF_ACTION_DROPOFF,
    VF_ACTION_ACCEPT,
    VF_ACTION_MODIFY,
    VF_ACTION_COMBINE,
    VF_ACTION_SEPARATE,
    VF_ACTION_TRANSFER,
    VF_ACTION_TRANSFER_ALL_RIGHTS,
    VF_ACTION_TRANSFER_CUSTODY,
    VF_ACTION_MOVE,
    VF_ACTION_COPY,
    VF_ACTION_RAISE,
    VF_ACTION_LOWER,
    VF_ACTION_COUNT,
    VF_ACTION_NONE = -1
} vf_action_id_t;

/*  vf:inputOutput */
typedef enum { VF_IO_NA, VF_IO_INPUT, VF_IO_OUTPUT, VF_IO_OUTPUT_INPUT } vf_io_t;
/*  vf:eventQuantity: which quantity an event of the action carries */
typedef enum { VF_QTY_RESOURCE, VF_QTY_EFFORT, VF_QTY_BOTH } vf_qty_kind_t;
/*  vf:createResource */
typedef enum { VF_CREATE_NA, VF_CREATE_OPTIONAL, VF_CREATE_OPTIONAL_TO } vf_create_t;
/*  vf:accountingEffect and vf:onhandEffect */
typedef enum {
    VF_QE_NA,
    VF_QE_INCREMENT,
    VF_QE_DECREMENT,
    VF_QE_DECREMENT_INCREMENT,
    VF_QE_INCREMENT_TO
} vf_qty_effect_t;
/*  vf:locationEffect, containedEffect, accountableEffect, stageEffect,
    stateEffect */
typedef enum { VF_SE_NA, VF_SE_NEW, VF_SE_UPDATE, VF_SE_UPDATE_TO, VF_SE_REMOVE } vf_set_effect_t;

typedef struct {
    vf_action_id_t id;
    const char *name;  /* "deliverService": the VF id */
    const char *label; /* rdfs:label in the TTL ("deliver service";
                          note that separate's label is "unpack") */
    vf_io_t io;
    vf_action_id_t pairs_with; /* VF_ACTION_NONE when not paired */
    vf_qty_kind_t quantity;
    vf_create_t create;
    vf_qty_effect_t accounting;
    vf_qty_effect_t onhand;
    vf_set_effect_t location;
    vf_set_effect_t contained;
    vf_set_effect_t accountable;
    vf_set_effect_t stage;
    vf_set_effect_t state;
    /*  What provider != receiver implies: VF_ACTION_TRANSFER (consume,
        produce, deliverService), VF_ACTION_TRANSFER_CUSTODY (pickup,
        dropoff, accept, modify), or VF_ACTION_NONE. */
    vf_action_id_t implied_transfer;
} vf_action_t;

/*  The action named name (its VF id, e.g. "transferCustody"), or NULL. */
const vf_action_t *vf_action_by_name (const char *name);
/*  The action with id (0 <= id < VF_ACTION_COUNT). */
const vf_action_t *vf_action_get (vf_action_id_t id);

/*  Record classes. The VF 1.0 classes first; node classes (confirmation,
    network membership) are added after them by later modules. */
typedef enum {
    VF_CLASS_ECONOMIC_EVENT,
    VF_CLASS_ECONOMIC_RESOURCE,
    VF_CLASS_PROCESS,
    VF_CLASS_AGENT,
    VF_CLASS_PERSON,
    VF_CLASS_ORGANIZATION,
    VF_CLASS_ECOLOGICAL_AGENT,
    VF_CLASS_RESOURCE_SPECIFICATION,
    VF_CLASS_PROCESS_SPECIFICATION,
    VF_CLASS_UNIT,
    VF_CLASS_SPATIAL_THING,
    VF_CLASS_COMMITMENT,
    VF_CLASS_INTENT,
    VF_CLASS_PLAN,
    VF_CLASS_AGREEMENT,
    VF_CLASS_AGREEMENT_BUNDLE,
    VF_CLASS_CLAIM,
    VF_CLASS_PROPOSAL,
    VF_CLASS_PROPOSAL_LIST,
    VF_CLASS_RECIPE_FLOW,
    VF_CLASS_RECIPE_PROCESS,
    VF_CLASS_RECIPE_EXCHANGE,
    VF_CLASS_RECIPE,
    VF_CLASS_BATCH_LOT_RECORD,
    VF_CLASS_COUNT, /* the number of VF 1.0 classes above */
    /*  vfnode's own classes (docs/PROTOCOL.md), after the VF ones. In JSON-LD
        they are written with the vfn: prefix ("vfn:Confirmation"). */
    VF_CLASS_CONFIRMATION = VF_CLASS_COUNT, /* an owner countersigns an event */
    VF_CLASS_ALL_COUNT,
    VF_CLASS_NONE = -1
} vf_class_id_t;

/*  How a property's value is written in a record body (see
    docs/PROTOCOL.md "Record bodies"). */
typedef enum {
    VF_PT_STRING,   /* a UTF-8 string (name, note, state, trackingIdentifier;
                       also classifiedAs and the other *ClassifiedAs, whose
                       TTL range is xsd:string: a taxonomy IRI or a tag) */
    VF_PT_IRI,      /* a reference to another record: an absolute IRI string */
    VF_PT_URI,      /* an identifier that is not a record (xsd:anyURI: image,
                       imageList, currentVirtualLocation, omUnitIdentifier):
                       an absolute IRI */
    VF_PT_MEASURE,  /* {"hasNumericalValue": canonical decimal string,
                        "hasUnit": unit label or IRI} */
    VF_PT_DATETIME, /* xsd:dateTimeStamp string: RFC 3339 with a zone */
    VF_PT_BOOL,     /* true / false */
    VF_PT_ACTION,   /* an action's VF id ("produce") */
    VF_PT_DECIMAL,  /* a canonical decimal string (lat, long, alt) */
    VF_PT_PURPOSE   /* Proposal.purpose: "offer" or "request" */
} vf_ptype_t;

typedef struct {
    const char *name; /* VF property name, camelCase ("inputOf") */
    vf_ptype_t type;
    bool many;              /* many-valued: always a JSON array in a body */
    bool required;          /* must be present (e.g. action, Unit.label) */
    vf_class_id_t target;   /* for VF_PT_IRI: the class it refers to
                               (VF_CLASS_AGENT covers its subclasses),
                               VF_CLASS_NONE if any. A VF_CLASS_UNIT
                               reference (unitOfEffort, defaultUnitOf*) may
                               also be a unit label, like a measure's hasUnit */
    const char *inverse_of; /* for the inverses the TTL declares with
                               owl:inverseOf (hasInput, stipulates, contains,
                               ...): the forward property on the target side
                               ("inputOf"); NULL for forward properties */
} vf_prop_t;

typedef struct {
    vf_class_id_t id;
    const char *name;       /* "EconomicEvent" */
    const vf_prop_t *props; /* the properties a record of the class may have */
    size_t nprops;
    bool is_flow;  /* has an action (event, commitment, intent,
                      claim, recipe flow) */
    bool is_agent; /* Agent or one of its subclasses */
} vf_class_t;

/*  The class named name (its VF local name, "EconomicEvent", or a vfnode
    class name, "Confirmation"), or NULL. */
const vf_class_t *vf_class_by_name (const char *name);
/*  The class with id (0 <= id < VF_CLASS_ALL_COUNT). */
const vf_class_t *vf_class_get (vf_class_id_t id);
/*  Is cls one of vfnode's own classes (not a VF 1.0 class)? */
bool vf_class_is_node (const vf_class_t *cls);

/*  The property of cls named name, or NULL if the class has none. */
const vf_prop_t *vf_class_prop (const vf_class_t *cls, const char *name);

#endif
