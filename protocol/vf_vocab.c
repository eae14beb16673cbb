/*  vf_vocab.c - the ValueFlows 1.0 vocabulary tables.

    Transcribed from the VF 1.0.0 TTL (valueflows/valueflows,
    "major-release-doc/VF Release 1.0.0/all_vf.TTL", the released copy of
    mkdocs/docs/assets/all_vf.TTL): the action named individuals with every
    effect column, and for each class the properties whose rdfs:domain
    (directly or through one of the *Domain unions) names it.
    docs/VOCABULARY.md lists both tables and every choice made here.
*/
#include "vf_vocab.h"

#include <assert.h>
#include <string.h>

/*  The actions, in vf_action_id_t order. Columns as in the TTL:
    inputOutput, pairsWith, eventQuantity, createResource, accountingEffect,
    onhandEffect, locationEffect, containedEffect, accountableEffect,
    stageEffect, stateEffect ("cont" = contained, "accbl" = accountable);
    then the transfer that provider != receiver implies
    (concepts/transfers.md; not a TTL property).
    The docs' action table (vf-actions.png/.ods) differs in two places and
    the TTL is followed: work's eventQuantity is effort (table: both), and
    pickup, dropoff, accept, modify have createResource notApplicable
    (table: optionalTo). */

/* clang-format off */
#define A(id, name, label, io, pair, qty, cr, acc, onh, loc, cont, accb, stg, st, impl) \
    { VF_ACTION_##id, name, label, VF_IO_##io, VF_ACTION_##pair, VF_QTY_##qty,             \
      VF_CREATE_##cr, VF_QE_##acc, VF_QE_##onh, VF_SE_##loc, VF_SE_##cont, VF_SE_##accb,   \
      VF_SE_##stg, VF_SE_##st, VF_ACTION_##impl }
static const vf_action_t s_actions[VF_ACTION_COUNT] = {
/*id                   name                 label                  io            pairs    qty       create       accounting          onhand              location   cont    accbl      stage   state      implied */
A(PRODUCE,             "produce",           "produce",             OUTPUT,       NONE,    RESOURCE, OPTIONAL,    INCREMENT,          INCREMENT,          NEW,       NA,     NEW,       UPDATE, UPDATE,    TRANSFER),
A(CONSUME,             "consume",           "consume",             INPUT,        NONE,    RESOURCE, NA,          DECREMENT,          DECREMENT,          NA,        NA,     NA,        NA,     UPDATE,    TRANSFER),
A(USE,                 "use",               "use",                 INPUT,        NONE,    BOTH,     NA,          NA,                 NA,                 NA,        NA,     NA,        NA,     UPDATE,    NONE),
A(WORK,                "work",              "work",                INPUT,        NONE,    EFFORT,   NA,          NA,                 NA,                 NA,        NA,     NA,        NA,     NA,        NONE),
A(CITE,                "cite",              "cite",                INPUT,        NONE,    RESOURCE, NA,          NA,                 NA,                 NA,        NA,     NA,        NA,     UPDATE,    NONE),
A(DELIVER_SERVICE,     "deliverService",    "deliver service",     OUTPUT_INPUT, NONE,    RESOURCE, NA,          NA,                 NA,                 NA,        NA,     NA,        NA,     NA,        TRANSFER),
A(PICKUP,              "pickup",            "pickup",              INPUT,        DROPOFF, RESOURCE, NA,          NA,                 DECREMENT,          UPDATE,    NA,     NA,        NA,     UPDATE,    TRANSFER_CUSTODY),
A(DROPOFF,             "dropoff",           "dropoff",             OUTPUT,       PICKUP,  RESOURCE, NA,          NA,                 INCREMENT,          UPDATE,    NA,     NA,        UPDATE, UPDATE,    TRANSFER_CUSTODY),
A(ACCEPT,              "accept",            "accept",              INPUT,        MODIFY,  RESOURCE, NA,          NA,                 DECREMENT,          UPDATE,    NA,     NA,        NA,     UPDATE,    TRANSFER_CUSTODY),
A(MODIFY,              "modify",            "modify",              OUTPUT,       ACCEPT,  RESOURCE, NA,          NA,                 INCREMENT,          UPDATE,    NA,     NA,        UPDATE, UPDATE,    TRANSFER_CUSTODY),
A(COMBINE,             "combine",           "combine",             INPUT,        NONE,    RESOURCE, NA,          NA,                 DECREMENT,          NA,        UPDATE, NA,        NA,     UPDATE,    NONE),
A(SEPARATE,            "separate",          "unpack",              OUTPUT,       NONE,    RESOURCE, NA,          NA,                 INCREMENT,          NA,        REMOVE, NA,        UPDATE, UPDATE,    NONE),
A(TRANSFER,            "transfer",          "transfer",            NA,           NONE,    RESOURCE, OPTIONAL_TO, DECREMENT_INCREMENT, DECREMENT_INCREMENT, UPDATE_TO, NA,     UPDATE_TO, NA,     UPDATE_TO, NONE),
A(TRANSFER_ALL_RIGHTS, "transferAllRights", "transfer all rights", NA,           NONE,    RESOURCE, OPTIONAL_TO, DECREMENT_INCREMENT, NA,                 NA,        NA,     UPDATE_TO, NA,     UPDATE_TO, NONE),
A(TRANSFER_CUSTODY,    "transferCustody",   "transfer custody",    NA,           NONE,    RESOURCE, OPTIONAL_TO, NA,                 DECREMENT_INCREMENT, UPDATE_TO, NA,     NA,        NA,     UPDATE_TO, NONE),
A(MOVE,                "move",              "move",                NA,           NONE,    RESOURCE, OPTIONAL_TO, DECREMENT_INCREMENT, DECREMENT_INCREMENT, UPDATE_TO, NA,     NA,        NA,     UPDATE_TO, NONE),
A(COPY,                "copy",              "copy",                NA,           NONE,    RESOURCE, OPTIONAL_TO, INCREMENT_TO,       INCREMENT_TO,       NEW,       NA,     NEW,       NA,     UPDATE_TO, NONE),
A(RAISE,               "raise",             "raise",               NA,           NONE,    RESOURCE, OPTIONAL,    INCREMENT,          INCREMENT,          NA,        NA,     NEW,       NA,     UPDATE,    NONE),
A(LOWER,               "lower",             "lower",               NA,           NONE,    RESOURCE, OPTIONAL,    DECREMENT,          DECREMENT,          NA,        NA,     NEW,       NA,     UPDATE,    NONE),
};
#undef A
/* clang-format on */

const vf_action_t *
vf_action_by_name (const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < VF_ACTION_COUNT; i++)
        if (strcmp (s_actions[i].name, name) == 0)
            return &s_actions[i];
    return NULL;
}

const vf_action_t *
vf_action_get (vf_action_id_t id)
{
    assert (id >= 0 && id < VF_ACTION_COUNT);
    return &s_actions[id];
}

/*  Property rows. The shorthands say the value shape; the class each
    reference points at is the TTL rdfs:range. Single-valued means the TTL
    gives owl:maxCardinality 1 (or owl:cardinality 1, then required);
    properties without a cardinality are many-valued. */
#define P(n, t, m, r, tgt)                                                                         \
    {                                                                                              \
        n, VF_PT_##t, m, r, VF_CLASS_##tgt, NULL                                                   \
    }
#define STR(n) P (n, STRING, false, false, NONE)
#define TAGS(n) P (n, STRING, true, false, NONE)
#define REF(n, tgt) P (n, IRI, false, false, tgt)
#define REFS(n, tgt) P (n, IRI, true, false, tgt)
#define INV(n, tgt, of)                                                                            \
    {                                                                                              \
        n, VF_PT_IRI, true, false, VF_CLASS_##tgt, of                                              \
    }
#define URI(n) P (n, URI, false, false, NONE)
#define URIS(n) P (n, URI, true, false, NONE)
#define MEAS(n) P (n, MEASURE, false, false, NONE)
#define TIME(n) P (n, DATETIME, false, false, NONE)
#define BOOL(n) P (n, BOOL, false, false, NONE)
#define DEC(n) P (n, DECIMAL, false, false, NONE)
#define ACTION P ("action", ACTION, false, true, NONE)

static const vf_prop_t s_economic_event[] = {
    ACTION,
    REF ("inputOf", PROCESS),
    REF ("outputOf", PROCESS),
    REF ("provider", AGENT),
    REF ("receiver", AGENT),
    REF ("resourceInventoriedAs", ECONOMIC_RESOURCE),
    REF ("toResourceInventoriedAs", ECONOMIC_RESOURCE),
    REF ("resourceConformsTo", RESOURCE_SPECIFICATION),
    TAGS ("resourceClassifiedAs"),
    MEAS ("resourceQuantity"),
    MEAS ("effortQuantity"),
    TIME ("hasBeginning"),
    TIME ("hasEnd"),
    TIME ("hasPointInTime"),
    TIME ("created"),
    REF ("toLocation", SPATIAL_THING),
    STR ("state"),
    REFS ("fulfills", COMMITMENT),
    REFS ("satisfies", INTENT),
    REFS ("settles", CLAIM),
    REF ("realizationOf", AGREEMENT),
    REF ("reciprocalRealizationOf", AGREEMENT),
    REF ("corrects", ECONOMIC_EVENT),
    URI ("image"),
    STR ("note"),
};

static const vf_prop_t s_economic_resource[] = {
    STR ("name"),
    REF ("conformsTo", RESOURCE_SPECIFICATION),
    TAGS ("classifiedAs"),
    STR ("trackingIdentifier"),
    REF ("ofBatchLot", BATCH_LOT_RECORD),
    MEAS ("accountingQuantity"),
    MEAS ("onhandQuantity"),
    REF ("unitOfEffort", UNIT),
    REF ("primaryAccountable", AGENT),
    REF ("currentLocation", SPATIAL_THING),
    URI ("currentVirtualLocation"),
    STR ("currentCurrencyLocation"),
    REFS ("containedIn", ECONOMIC_RESOURCE),
    INV ("contains", ECONOMIC_RESOURCE, "containedIn"),
    REF ("stage", PROCESS_SPECIFICATION),
    STR ("state"),
    URI ("image"),
    URIS ("imageList"),
    STR ("note"),
};

static const vf_prop_t s_process[] = {
    STR ("name"),
    REF ("basedOn", PROCESS_SPECIFICATION),
    TAGS ("classifiedAs"),
    TIME ("hasBeginning"),
    TIME ("hasEnd"),
    BOOL ("finished"),
    REF ("plannedWithin", PLAN),
    REF ("inScopeOf", AGENT),
    INV ("hasInput", NONE, "inputOf"),
    INV ("hasOutput", NONE, "outputOf"),
    STR ("note"),
};

/*  Agent and Person: NameDomain, ImageDomain, NoteDomain, primaryLocation.
    Organization and EcologicalAgent are also in ClassifiedAsDomain. */
static const vf_prop_t s_agent[] = {
    STR ("name"),
    URI ("image"),
    STR ("note"),
    REF ("primaryLocation", SPATIAL_THING),
};

static const vf_prop_t s_classified_agent[] = {
    STR ("name"),          URI ("image"), STR ("note"), REF ("primaryLocation", SPATIAL_THING),
    TAGS ("classifiedAs"),
};

static const vf_prop_t s_resource_specification[] = {
    STR ("name"),
    TAGS ("resourceClassifiedAs"),
    REF ("defaultUnitOfResource", UNIT),
    REF ("defaultUnitOfEffort", UNIT),
    BOOL ("substitutable"),
    BOOL ("mediumOfExchange"),
    URI ("image"),
    URIS ("imageList"),
    STR ("note"),
};

static const vf_prop_t s_process_specification[] = {
    STR ("name"),
    URI ("image"),
    STR ("note"),
};

static const vf_prop_t s_unit[] = {
    P ("label", STRING, false, true, NONE),
    STR ("symbol"),
    URI ("omUnitIdentifier"),
    TAGS ("classifiedAs"),
};

static const vf_prop_t s_spatial_thing[] = {
    STR ("name"), STR ("mappableAddress"),
    DEC ("lat"),  DEC ("long"),
    DEC ("alt"),  REFS ("hasDetailedGeometry", NONE),
    STR ("note"),
};

static const vf_prop_t s_commitment[] = {
    ACTION,
    REF ("inputOf", PROCESS),
    REF ("outputOf", PROCESS),
    REF ("provider", AGENT),
    REF ("receiver", AGENT),
    REF ("resourceInventoriedAs", ECONOMIC_RESOURCE),
    REF ("resourceConformsTo", RESOURCE_SPECIFICATION),
    TAGS ("resourceClassifiedAs"),
    MEAS ("resourceQuantity"),
    MEAS ("effortQuantity"),
    TIME ("hasBeginning"),
    TIME ("hasEnd"),
    TIME ("hasPointInTime"),
    TIME ("due"),
    TIME ("created"),
    BOOL ("finished"),
    REF ("stage", PROCESS_SPECIFICATION),
    STR ("state"),
    REFS ("satisfies", INTENT),
    REF ("clauseOf", AGREEMENT),
    REF ("reciprocalClauseOf", AGREEMENT),
    REF ("independentDemandOf", PLAN),
    REF ("plannedWithin", PLAN),
    STR ("note"),
};

static const vf_prop_t s_intent[] = {
    ACTION,
    STR ("name"),
    REF ("inputOf", PROCESS),
    REF ("outputOf", PROCESS),
    REF ("provider", AGENT),
    REF ("receiver", AGENT),
    REF ("resourceInventoriedAs", ECONOMIC_RESOURCE),
    REF ("resourceConformsTo", RESOURCE_SPECIFICATION),
    TAGS ("resourceClassifiedAs"),
    MEAS ("resourceQuantity"),
    MEAS ("effortQuantity"),
    MEAS ("availableQuantity"),
    MEAS ("minimumQuantity"),
    TIME ("hasBeginning"),
    TIME ("hasEnd"),
    TIME ("hasPointInTime"),
    TIME ("due"),
    BOOL ("finished"),
    REF ("stage", PROCESS_SPECIFICATION),
    STR ("state"),
    REF ("plannedWithin", PLAN),
    URI ("image"),
    URIS ("imageList"),
    STR ("note"),
};

static const vf_prop_t s_plan[] = {
    STR ("name"),
    TIME ("created"),
    TIME ("due"),
    INV ("hasIndependentDemand", COMMITMENT, "independentDemandOf"),
    INV ("planIncludes", NONE, "plannedWithin"),
    STR ("note"),
};

static const vf_prop_t s_agreement[] = {
    STR ("name"),
    TIME ("created"),
    INV ("stipulates", COMMITMENT, "clauseOf"),
    INV ("stipulatesReciprocal", COMMITMENT, "reciprocalClauseOf"),
    INV ("realizes", ECONOMIC_EVENT, "realizationOf"),
    INV ("realizesReciprocal", ECONOMIC_EVENT, "reciprocalRealizationOf"),
    REF ("bundledIn", AGREEMENT_BUNDLE),
    STR ("note"),
};

static const vf_prop_t s_agreement_bundle[] = {
    STR ("name"),
    TIME ("created"),
    INV ("bundles", AGREEMENT, "bundledIn"),
    STR ("note"),
};

static const vf_prop_t s_claim[] = {
    ACTION,
    REF ("provider", AGENT),
    REF ("receiver", AGENT),
    REF ("resourceConformsTo", RESOURCE_SPECIFICATION),
    TAGS ("resourceClassifiedAs"),
    MEAS ("resourceQuantity"),
    MEAS ("effortQuantity"),
    TIME ("due"),
    TIME ("created"),
    BOOL ("finished"),
    REF ("triggeredBy", ECONOMIC_EVENT),
    STR ("note"),
};

static const vf_prop_t s_proposal[] = {
    STR ("name"),
    P ("purpose", PURPOSE, false, false, NONE),
    REFS ("publishes", INTENT),
    REFS ("reciprocal", INTENT),
    BOOL ("unitBased"),
    REF ("eligibleLocation", SPATIAL_THING),
    TIME ("hasBeginning"),
    TIME ("hasEnd"),
    TIME ("created"),
    REFS ("proposedTo", AGENT),
    REFS ("listedIn", PROPOSAL_LIST),
    STR ("note"),
};

static const vf_prop_t s_proposal_list[] = {
    STR ("name"), TIME ("created"), INV ("lists", PROPOSAL, "listedIn"), REFS ("proposedTo", AGENT),
    STR ("note"),
};

static const vf_prop_t s_recipe_flow[] = {
    ACTION,
    REF ("resourceConformsTo", RESOURCE_SPECIFICATION),
    TAGS ("resourceClassifiedAs"),
    MEAS ("resourceQuantity"),
    MEAS ("effortQuantity"),
    REF ("stage", PROCESS_SPECIFICATION),
    STR ("state"),
    REF ("recipeInputOf", RECIPE_PROCESS),
    REF ("recipeOutputOf", RECIPE_PROCESS),
    REF ("recipeClauseOf", RECIPE_EXCHANGE),
    REF ("recipeReciprocalClauseOf", RECIPE_EXCHANGE),
    STR ("note"),
};

static const vf_prop_t s_recipe_process[] = {
    STR ("name"),
    REF ("processConformsTo", PROCESS_SPECIFICATION),
    TAGS ("processClassifiedAs"),
    MEAS ("hasDuration"),
    INV ("hasRecipeInput", RECIPE_FLOW, "recipeInputOf"),
    INV ("hasRecipeOutput", RECIPE_FLOW, "recipeOutputOf"),
    URI ("image"),
    STR ("note"),
};

static const vf_prop_t s_recipe_exchange[] = {
    STR ("name"),
    INV ("recipeStipulates", RECIPE_FLOW, "recipeClauseOf"),
    INV ("recipeStipulatesReciprocal", RECIPE_FLOW, "recipeReciprocalClauseOf"),
    STR ("note"),
};

static const vf_prop_t s_recipe[] = {
    STR ("name"),
    REF ("primaryOutput", RESOURCE_SPECIFICATION),
    REFS ("recipeIncludes", RECIPE_PROCESS),
    STR ("note"),
};

static const vf_prop_t s_batch_lot_record[] = {
    STR ("batchLotCode"),
    TIME ("expirationDate"),
};

/*  vfnode: the owner of a resource countersigns another author's event on
    it, naming the event both by IRI and by entry id (docs/PROTOCOL.md). */
static const vf_prop_t s_confirmation[] = {
    P ("confirmsEvent", IRI, false, true, ECONOMIC_EVENT),
    P ("confirmsEntry", STRING, false, true, NONE),
    STR ("note"),
};

#undef P
#undef STR
#undef TAGS
#undef REF
#undef REFS
#undef INV
#undef URI
#undef URIS
#undef MEAS
#undef TIME
#undef BOOL
#undef DEC
#undef ACTION

/*  The classes, in vf_class_id_t order. */
#define C(id, name, props, flow, agent)                                                            \
    {                                                                                              \
        VF_CLASS_##id, name, props, sizeof (props) / sizeof (props)[0], flow, agent                \
    }
static const vf_class_t s_classes[VF_CLASS_COUNT] = {
    C (ECONOMIC_EVENT, "EconomicEvent", s_economic_event, true, false),
    C (ECONOMIC_RESOURCE, "EconomicResource", s_economic_resource, false, false),
    C (PROCESS, "Process", s_process, false, false),
    C (AGENT, "Agent", s_agent, false, true),
    C (PERSON, "Person", s_agent, false, true),
    C (ORGANIZATION, "Organization", s_classified_agent, false, true),
    C (ECOLOGICAL_AGENT, "EcologicalAgent", s_classified_agent, false, true),
    C (RESOURCE_SPECIFICATION, "ResourceSpecification", s_resource_specification, false, false),
    C (PROCESS_SPECIFICATION, "ProcessSpecification", s_process_specification, false, false),
    C (UNIT, "Unit", s_unit, false, false),
    C (SPATIAL_THING, "SpatialThing", s_spatial_thing, false, false),
    C (COMMITMENT, "Commitment", s_commitment, true, false),
    C (INTENT, "Intent", s_intent, true, false),
    C (PLAN, "Plan", s_plan, false, false),
    C (AGREEMENT, "Agreement", s_agreement, false, false),
    C (AGREEMENT_BUNDLE, "AgreementBundle", s_agreement_bundle, false, false),
    C (CLAIM, "Claim", s_claim, true, false),
    C (PROPOSAL, "Proposal", s_proposal, false, false),
    C (PROPOSAL_LIST, "ProposalList", s_proposal_list, false, false),
    C (RECIPE_FLOW, "RecipeFlow", s_recipe_flow, true, false),
    C (RECIPE_PROCESS, "RecipeProcess", s_recipe_process, false, false),
    C (RECIPE_EXCHANGE, "RecipeExchange", s_recipe_exchange, false, false),
    C (RECIPE, "Recipe", s_recipe, false, false),
    C (BATCH_LOT_RECORD, "BatchLotRecord", s_batch_lot_record, false, false),
};
static const vf_class_t s_node_classes[VF_CLASS_ALL_COUNT - VF_CLASS_COUNT] = {
    C (CONFIRMATION, "Confirmation", s_confirmation, false, false),
};
#undef C

const vf_class_t *
vf_class_by_name (const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < VF_CLASS_COUNT; i++)
        if (strcmp (s_classes[i].name, name) == 0)
            return &s_classes[i];
    for (size_t i = 0; i < VF_CLASS_ALL_COUNT - VF_CLASS_COUNT; i++)
        if (strcmp (s_node_classes[i].name, name) == 0)
            return &s_node_classes[i];
    return NULL;
}

const vf_class_t *
vf_class_get (vf_class_id_t id)
{
    assert (id >= 0 && id < VF_CLASS_ALL_COUNT);
    return id < VF_CLASS_COUNT ? &s_classes[id] : &s_node_classes[id - VF_CLASS_COUNT];
}

bool
vf_class_is_node (const vf_class_t *cls)
{
    return cls->id >= VF_CLASS_COUNT;
}

const vf_prop_t *
vf_class_prop (const vf_class_t *cls, const char *name)
{
    assert (cls);
    if (!name)
        return NULL;
    for (size_t i = 0; i < cls->nprops; i++)
        if (strcmp (cls->props[i].name, name) == 0)
            return &cls->props[i];
    return NULL;
}
