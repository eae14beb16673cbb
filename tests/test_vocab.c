/*  test_vocab.c - the VF 1.0 vocabulary tables against the TTL.

    The expectations are written out here in the TTL's own terms ("input",
    "decrementIncrement", "updateTo"), copied from the action named
    individuals and property domains of the VF 1.0.0 all_vf.TTL, so that a
    slip in protocol/vf_vocab.c shows up as a difference from the TTL.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vf_vocab.h"

/*  The TTL name of each enum value. */
static const char *
s_io (vf_io_t v)
{
    static const char *const t[] = { "notApplicable", "input", "output", "outputInput" };
    return t[v];
}

static const char *
s_qty (vf_qty_kind_t v)
{
    static const char *const t[] = { "resource", "effort", "both" };
    return t[v];
}

static const char *
s_create (vf_create_t v)
{
    static const char *const t[] = { "notApplicable", "optional", "optionalTo" };
    return t[v];
}

static const char *
s_qe (vf_qty_effect_t v)
{
    static const char *const t[] = { "notApplicable", "increment", "decrement",
                                     "decrementIncrement", "incrementTo" };
    return t[v];
}

static const char *
s_se (vf_set_effect_t v)
{
    static const char *const t[] = { "notApplicable", "new", "update", "updateTo", "remove" };
    return t[v];
}

static const char *
s_action_name (vf_action_id_t id)
{
    return id == VF_ACTION_NONE ? "notApplicable" : vf_action_get (id)->name;
}

/*  One row per vf:Action individual in the TTL, in its order of columns:
    inputOutput, pairsWith, eventQuantity, createResource, accountingEffect,
    onhandEffect, locationEffect, containedEffect, accountableEffect,
    stageEffect, stateEffect; then the implied transfer of
    concepts/transfers.md ("notApplicable" when there is none). */
typedef struct {
    const char *name, *label, *io, *pairs, *qty, *create, *accounting, *onhand, *location,
        *contained, *accountable, *stage, *state, *implied;
} s_action_row_t;

#define NA "notApplicable"
static const s_action_row_t s_ttl_actions[] = {
    { "produce", "produce", "output", NA, "resource", "optional", "increment", "increment", "new",
      NA, "new", "update", "update", "transfer" },
    { "consume", "consume", "input", NA, "resource", NA, "decrement", "decrement", NA, NA, NA, NA,
      "update", "transfer" },
    { "use", "use", "input", NA, "both", NA, NA, NA, NA, NA, NA, NA, "update", NA },
    { "work", "work", "input", NA, "effort", NA, NA, NA, NA, NA, NA, NA, NA, NA },
    { "cite", "cite", "input", NA, "resource", NA, NA, NA, NA, NA, NA, NA, "update", NA },
    { "deliverService", "deliver service", "outputInput", NA, "resource", NA, NA, NA, NA, NA, NA,
      NA, NA, "transfer" },
    { "pickup", "pickup", "input", "dropoff", "resource", NA, NA, "decrement", "update", NA, NA, NA,
      "update", "transferCustody" },
    { "dropoff", "dropoff", "output", "pickup", "resource", NA, NA, "increment", "update", NA, NA,
      "update", "update", "transferCustody" },
    { "accept", "accept", "input", "modify", "resource", NA, NA, "decrement", "update", NA, NA, NA,
      "update", "transferCustody" },
    { "modify", "modify", "output", "accept", "resource", NA, NA, "increment", "update", NA, NA,
      "update", "update", "transferCustody" },
    { "combine", "combine", "input", NA, "resource", NA, NA, "decrement", NA, "update", NA, NA,
      "update", NA },
    { "separate", "unpack", "output", NA, "resource", NA, NA, "increment", NA, "remove", NA,
      "update", "update", NA },
    { "transfer", "transfer", NA, NA, "resource", "optionalTo", "decrementIncrement",
      "decrementIncrement", "updateTo", NA, "updateTo", NA, "updateTo", NA },
    { "transferAllRights", "transfer all rights", NA, NA, "resource", "optionalTo",
      "decrementIncrement", NA, NA, NA, "updateTo", NA, "updateTo", NA },
    { "transferCustody", "transfer custody", NA, NA, "resource", "optionalTo", NA,
      "decrementIncrement", "updateTo", NA, NA, NA, "updateTo", NA },
    { "move", "move", NA, NA, "resource", "optionalTo", "decrementIncrement", "decrementIncrement",
      "updateTo", NA, NA, NA, "updateTo", NA },
    { "copy", "copy", NA, NA, "resource", "optionalTo", "incrementTo", "incrementTo", "new", NA,
      "new", NA, "updateTo", NA },
    { "raise", "raise", NA, NA, "resource", "optional", "increment", "increment", NA, NA, "new", NA,
      "update", NA },
    { "lower", "lower", NA, NA, "resource", "optional", "decrement", "decrement", NA, NA, "new", NA,
      "update", NA },
};
#undef NA

static void
test_all_19_actions_by_id_and_name (void **state)
{
    assert_int_equal (VF_ACTION_COUNT, 19);
    assert_int_equal (sizeof s_ttl_actions / sizeof s_ttl_actions[0], 19);
    for (int i = 0; i < VF_ACTION_COUNT; i++) {
        const vf_action_t *a = vf_action_get ((vf_action_id_t) i);
        assert_non_null (a);
        assert_int_equal (a->id, i);
        assert_ptr_equal (vf_action_by_name (a->name), a);
        /* the enum order is the TTL table order used above */
        assert_string_equal (a->name, s_ttl_actions[i].name);
    }
    assert_int_equal (vf_action_by_name ("transferCustody")->id, VF_ACTION_TRANSFER_CUSTODY);
    assert_int_equal (vf_action_by_name ("deliverService")->id, VF_ACTION_DELIVER_SERVICE);
}

/*  got must be the TTL's value want for action's column. */
static void
s_column (const char *action, const char *column, const char *got, const char *want)
{
    if (strcmp (got, want) != 0)
        fail_msg ("%s %s is %s, the TTL says %s", action, column, got, want);
}

static void
test_every_action_column_matches_the_ttl (void **state)
{
    for (size_t i = 0; i < sizeof s_ttl_actions / sizeof s_ttl_actions[0]; i++) {
        const s_action_row_t *x = &s_ttl_actions[i];
        const vf_action_t *a = vf_action_by_name (x->name);
        assert_non_null (a);
        s_column (x->name, "rdfs:label", a->label, x->label);
        s_column (x->name, "inputOutput", s_io (a->io), x->io);
        s_column (x->name, "pairsWith", s_action_name (a->pairs_with), x->pairs);
        s_column (x->name, "eventQuantity", s_qty (a->quantity), x->qty);
        s_column (x->name, "createResource", s_create (a->create), x->create);
        s_column (x->name, "accountingEffect", s_qe (a->accounting), x->accounting);
        s_column (x->name, "onhandEffect", s_qe (a->onhand), x->onhand);
        s_column (x->name, "locationEffect", s_se (a->location), x->location);
        s_column (x->name, "containedEffect", s_se (a->contained), x->contained);
        s_column (x->name, "accountableEffect", s_se (a->accountable), x->accountable);
        s_column (x->name, "stageEffect", s_se (a->stage), x->stage);
        s_column (x->name, "stateEffect", s_se (a->state), x->state);
        s_column (x->name, "implied transfer", s_action_name (a->implied_transfer), x->implied);
    }
}

/*  The examples the brief names, spelt out with the enum values a store
    will test. */
static void
test_action_examples (void **state)
{
    const vf_action_t *tc = vf_action_by_name ("transferCustody");
    assert_int_equal (tc->onhand, VF_QE_DECREMENT_INCREMENT);
    assert_int_equal (tc->accounting, VF_QE_NA);
    assert_int_equal (tc->location, VF_SE_UPDATE_TO);

    const vf_action_t *copy = vf_action_by_name ("copy");
    assert_int_equal (copy->accounting, VF_QE_INCREMENT_TO);
    assert_int_equal (copy->onhand, VF_QE_INCREMENT_TO);
    assert_int_equal (copy->create, VF_CREATE_OPTIONAL_TO);

    assert_int_equal (vf_action_by_name ("combine")->contained, VF_SE_UPDATE);
    assert_int_equal (vf_action_by_name ("separate")->contained, VF_SE_REMOVE);

    /* TTL, not the docs table: work is effort only; the transport and
       repair actions create no resource */
    assert_int_equal (vf_action_by_name ("work")->quantity, VF_QTY_EFFORT);
    assert_int_equal (vf_action_by_name ("use")->quantity, VF_QTY_BOTH);
    assert_int_equal (vf_action_by_name ("pickup")->create, VF_CREATE_NA);
    assert_int_equal (vf_action_by_name ("modify")->create, VF_CREATE_NA);
    assert_int_equal (vf_action_by_name ("deliverService")->io, VF_IO_OUTPUT_INPUT);
}

static void
test_action_pairs_are_symmetric (void **state)
{
    assert_int_equal (vf_action_by_name ("pickup")->pairs_with, VF_ACTION_DROPOFF);
    assert_int_equal (vf_action_by_name ("dropoff")->pairs_with, VF_ACTION_PICKUP);
    assert_int_equal (vf_action_by_name ("accept")->pairs_with, VF_ACTION_MODIFY);
    assert_int_equal (vf_action_by_name ("modify")->pairs_with, VF_ACTION_ACCEPT);
    /* not paired since VF 0.8 */
    assert_int_equal (vf_action_by_name ("combine")->pairs_with, VF_ACTION_NONE);
    assert_int_equal (vf_action_by_name ("separate")->pairs_with, VF_ACTION_NONE);
    int paired = 0;
    for (int i = 0; i < VF_ACTION_COUNT; i++) {
        const vf_action_t *a = vf_action_get ((vf_action_id_t) i);
        if (a->pairs_with == VF_ACTION_NONE)
            continue;
        paired++;
        assert_int_equal (vf_action_get (a->pairs_with)->pairs_with, a->id);
        /* a pair is one input and one output of the same process */
        assert_int_not_equal (a->io, vf_action_get (a->pairs_with)->io);
    }
    assert_int_equal (paired, 4);
}

static void
test_implied_transfers (void **state)
{
    const char *full[] = { "consume", "produce", "deliverService" };
    const char *custody[] = { "pickup", "dropoff", "accept", "modify" };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal (vf_action_by_name (full[i])->implied_transfer, VF_ACTION_TRANSFER);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal (vf_action_by_name (custody[i])->implied_transfer,
                          VF_ACTION_TRANSFER_CUSTODY);
    int n = 0;
    for (int i = 0; i < VF_ACTION_COUNT; i++)
        n += vf_action_get ((vf_action_id_t) i)->implied_transfer != VF_ACTION_NONE;
    assert_int_equal (n, 7);
    /* the transfers themselves imply nothing more */
    assert_int_equal (vf_action_by_name ("transfer")->implied_transfer, VF_ACTION_NONE);
}

static void
test_unknown_actions (void **state)
{
    const char *bad[] = {
        "pass",   "fail",    "improve",  "transferComplete", "pack",       "unpack", "load",
        "unload", "Produce", "produce ", "deliver service",  "vf:produce", ""
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null (vf_action_by_name (bad[i]));
    assert_null (vf_action_by_name (NULL));
}

/*  Every class, with its flags. */
static const struct {
    const char *name;
    vf_class_id_t id;
    bool flow, agent;
} s_ttl_classes[] = {
    { "EconomicEvent", VF_CLASS_ECONOMIC_EVENT, true, false },
    { "EconomicResource", VF_CLASS_ECONOMIC_RESOURCE, false, false },
    { "Process", VF_CLASS_PROCESS, false, false },
    { "Agent", VF_CLASS_AGENT, false, true },
    { "Person", VF_CLASS_PERSON, false, true },
    { "Organization", VF_CLASS_ORGANIZATION, false, true },
    { "EcologicalAgent", VF_CLASS_ECOLOGICAL_AGENT, false, true },
    { "ResourceSpecification", VF_CLASS_RESOURCE_SPECIFICATION, false, false },
    { "ProcessSpecification", VF_CLASS_PROCESS_SPECIFICATION, false, false },
    { "Unit", VF_CLASS_UNIT, false, false },
    { "SpatialThing", VF_CLASS_SPATIAL_THING, false, false },
    { "Commitment", VF_CLASS_COMMITMENT, true, false },
    { "Intent", VF_CLASS_INTENT, true, false },
    { "Plan", VF_CLASS_PLAN, false, false },
    { "Agreement", VF_CLASS_AGREEMENT, false, false },
    { "AgreementBundle", VF_CLASS_AGREEMENT_BUNDLE, false, false },
    { "Claim", VF_CLASS_CLAIM, true, false },
    { "Proposal", VF_CLASS_PROPOSAL, false, false },
    { "ProposalList", VF_CLASS_PROPOSAL_LIST, false, false },
    { "RecipeFlow", VF_CLASS_RECIPE_FLOW, true, false },
    { "RecipeProcess", VF_CLASS_RECIPE_PROCESS, false, false },
    { "RecipeExchange", VF_CLASS_RECIPE_EXCHANGE, false, false },
    { "Recipe", VF_CLASS_RECIPE, false, false },
    { "BatchLotRecord", VF_CLASS_BATCH_LOT_RECORD, false, false },
};

static void
test_every_class_lookup (void **state)
{
    size_t n = sizeof s_ttl_classes / sizeof s_ttl_classes[0];
    assert_int_equal (n, VF_CLASS_COUNT);
    for (size_t i = 0; i < n; i++) {
        const vf_class_t *c = vf_class_by_name (s_ttl_classes[i].name);
        assert_non_null (c);
        assert_int_equal (c->id, s_ttl_classes[i].id);
        assert_ptr_equal (vf_class_get (c->id), c);
        assert_string_equal (c->name, s_ttl_classes[i].name);
        assert_int_equal (c->is_flow, s_ttl_classes[i].flow);
        assert_int_equal (c->is_agent, s_ttl_classes[i].agent);
        assert_true (c->nprops > 0);
    }
}

static void
test_unknown_classes (void **state)
{
    /* removed before 1.0, or not spelt as VF spells them */
    const char *bad[] = { "AgentRelationship",
                          "AgentRelationshipRole",
                          "Fulfillment",
                          "Satisfaction",
                          "Settlement",
                          "Appreciation",
                          "RecipeResource",
                          "Scenario",
                          "economicEvent",
                          "vf:EconomicEvent",
                          "Measure",
                          "Action",
                          "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null (vf_class_by_name (bad[i]));
    assert_null (vf_class_by_name (NULL));
}

/*  Every property of every class, from the TTL rdfs:domain (and the
 *Domain unions). The tables must hold exactly these names. */
static const struct {
    const char *cls;
    const char *props;
} s_ttl_props[] = {
    { "EconomicEvent",
      "action inputOf outputOf provider receiver resourceInventoriedAs toResourceInventoriedAs "
      "resourceConformsTo resourceClassifiedAs resourceQuantity effortQuantity hasBeginning hasEnd "
      "hasPointInTime created toLocation state fulfills satisfies settles realizationOf "
      "reciprocalRealizationOf corrects image note" },
    { "EconomicResource",
      "name conformsTo classifiedAs trackingIdentifier ofBatchLot accountingQuantity "
      "onhandQuantity "
      "unitOfEffort primaryAccountable currentLocation currentVirtualLocation "
      "currentCurrencyLocation containedIn contains stage state image imageList note" },
    { "Process",
      "name basedOn classifiedAs hasBeginning hasEnd finished plannedWithin inScopeOf hasInput "
      "hasOutput note" },
    { "Agent", "name image note primaryLocation" },
    { "Person", "name image note primaryLocation" },
    { "Organization", "name image note primaryLocation classifiedAs" },
    { "EcologicalAgent", "name image note primaryLocation classifiedAs" },
    { "ResourceSpecification",
      "name resourceClassifiedAs defaultUnitOfResource defaultUnitOfEffort substitutable "
      "mediumOfExchange image imageList note" },
    { "ProcessSpecification", "name image note" },
    { "Unit", "label symbol omUnitIdentifier classifiedAs" },
    { "SpatialThing", "name mappableAddress lat long alt hasDetailedGeometry note" },
    { "Commitment",
      "action inputOf outputOf provider receiver resourceInventoriedAs resourceConformsTo "
      "resourceClassifiedAs resourceQuantity effortQuantity hasBeginning hasEnd hasPointInTime due "
      "created finished stage state satisfies clauseOf reciprocalClauseOf independentDemandOf "
      "plannedWithin note" },
    { "Intent",
      "action name inputOf outputOf provider receiver resourceInventoriedAs resourceConformsTo "
      "resourceClassifiedAs resourceQuantity effortQuantity availableQuantity minimumQuantity "
      "hasBeginning hasEnd hasPointInTime due finished stage state plannedWithin image imageList "
      "note" },
    { "Plan", "name created due hasIndependentDemand planIncludes note" },
    { "Agreement",
      "name created stipulates stipulatesReciprocal realizes realizesReciprocal bundledIn note" },
    { "AgreementBundle", "name created bundles note" },
    { "Claim", "action provider receiver resourceConformsTo resourceClassifiedAs resourceQuantity "
               "effortQuantity due created finished triggeredBy note" },
    { "Proposal",
      "name purpose publishes reciprocal unitBased eligibleLocation hasBeginning hasEnd created "
      "proposedTo listedIn note" },
    { "ProposalList", "name created lists proposedTo note" },
    { "RecipeFlow",
      "action resourceConformsTo resourceClassifiedAs resourceQuantity effortQuantity stage state "
      "recipeInputOf recipeOutputOf recipeClauseOf recipeReciprocalClauseOf note" },
    { "RecipeProcess",
      "name processConformsTo processClassifiedAs hasDuration hasRecipeInput hasRecipeOutput image "
      "note" },
    { "RecipeExchange", "name recipeStipulates recipeStipulatesReciprocal note" },
    { "Recipe", "name primaryOutput recipeIncludes note" },
    { "BatchLotRecord", "batchLotCode expirationDate" },
};

static void
test_every_class_has_exactly_its_ttl_properties (void **state)
{
    assert_int_equal (sizeof s_ttl_props / sizeof s_ttl_props[0], VF_CLASS_COUNT);
    for (size_t i = 0; i < VF_CLASS_COUNT; i++) {
        const vf_class_t *c = vf_class_by_name (s_ttl_props[i].cls);
        assert_non_null (c);
        char list[1024];
        snprintf (list, sizeof list, "%s", s_ttl_props[i].props);
        size_t n = 0;
        for (char *save, *p = strtok_r (list, " ", &save); p; p = strtok_r (NULL, " ", &save)) {
            if (!vf_class_prop (c, p))
                fail_msg ("%s has no property %s", c->name, p);
            assert_string_equal (vf_class_prop (c, p)->name, p);
            n++;
        }
        if (n != c->nprops)
            fail_msg ("%s has %zu properties, the TTL %zu", c->name, c->nprops, n);
    }
}

/*  Properties that VF 1.0 does not have on these classes (some are in
    vf-graphql or hREA, some in older VF). */
static void
test_properties_not_in_vf_1_0 (void **state)
{
    static const char *const absent[][2] = {
        { "EconomicEvent", "stage" },
        { "EconomicEvent", "due" },
        { "EconomicEvent", "atLocation" },
        { "EconomicEvent", "triggeredBy" },
        { "EconomicEvent", "inScopeOf" },
        { "EconomicEvent", "agreedIn" },
        { "EconomicEvent", "resourceEffect" },
        { "Intent", "created" },
        { "Intent", "satisfies" },
        { "Intent", "independentDemandOf" },
        { "Intent", "clauseOf" },
        { "Claim", "inputOf" },
        { "Claim", "hasBeginning" },
        { "Commitment", "toResourceInventoriedAs" },
        { "Commitment", "corrects" },
        { "Person", "classifiedAs" },
        { "Agent", "classifiedAs" },
        { "Unit", "note" },
        { "Unit", "name" },
        { "BatchLotRecord", "note" },
        { "Process", "image" },
        { "EconomicResource", "custodian" },
        { "EconomicResource", "resourceConformsTo" },
        { "ResourceSpecification", "classifiedAs" },
        { "EconomicEvent", "Action" },
        { "EconomicEvent", "" },
        { "EconomicEvent", "@id" },
    };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        const vf_class_t *c = vf_class_by_name (absent[i][0]);
        if (vf_class_prop (c, absent[i][1]))
            fail_msg ("%s should not have %s", absent[i][0], absent[i][1]);
    }
    assert_null (vf_class_prop (vf_class_by_name ("EconomicEvent"), NULL));
}

/*  Shapes of properties, as the importer and the validator read them. */
static void
test_property_shapes (void **state)
{
    static const struct {
        const char *cls, *prop;
        vf_ptype_t type;
        bool many, required;
        vf_class_id_t target;
        const char *inverse_of;
    } x[] = {
        { "EconomicEvent", "action", VF_PT_ACTION, false, true, VF_CLASS_NONE, NULL },
        { "EconomicEvent", "provider", VF_PT_IRI, false, false, VF_CLASS_AGENT, NULL },
        { "EconomicEvent", "inputOf", VF_PT_IRI, false, false, VF_CLASS_PROCESS, NULL },
        { "EconomicEvent", "resourceInventoriedAs", VF_PT_IRI, false, false,
          VF_CLASS_ECONOMIC_RESOURCE, NULL },
        { "EconomicEvent", "resourceQuantity", VF_PT_MEASURE, false, false, VF_CLASS_NONE, NULL },
        { "EconomicEvent", "hasPointInTime", VF_PT_DATETIME, false, false, VF_CLASS_NONE, NULL },
        { "EconomicEvent", "fulfills", VF_PT_IRI, true, false, VF_CLASS_COMMITMENT, NULL },
        { "EconomicEvent", "settles", VF_PT_IRI, true, false, VF_CLASS_CLAIM, NULL },
        { "EconomicEvent", "corrects", VF_PT_IRI, false, false, VF_CLASS_ECONOMIC_EVENT, NULL },
        { "EconomicEvent", "resourceClassifiedAs", VF_PT_STRING, true, false, VF_CLASS_NONE, NULL },
        { "EconomicEvent", "image", VF_PT_URI, false, false, VF_CLASS_NONE, NULL },
        { "EconomicEvent", "state", VF_PT_STRING, false, false, VF_CLASS_NONE, NULL },
        { "EconomicResource", "accountingQuantity", VF_PT_MEASURE, false, false, VF_CLASS_NONE,
          NULL },
        { "EconomicResource", "containedIn", VF_PT_IRI, true, false, VF_CLASS_ECONOMIC_RESOURCE,
          NULL },
        { "EconomicResource", "contains", VF_PT_IRI, true, false, VF_CLASS_ECONOMIC_RESOURCE,
          "containedIn" },
        { "EconomicResource", "unitOfEffort", VF_PT_IRI, false, false, VF_CLASS_UNIT, NULL },
        { "EconomicResource", "currentVirtualLocation", VF_PT_URI, false, false, VF_CLASS_NONE,
          NULL },
        { "EconomicResource", "imageList", VF_PT_URI, true, false, VF_CLASS_NONE, NULL },
        { "EconomicResource", "stage", VF_PT_IRI, false, false, VF_CLASS_PROCESS_SPECIFICATION,
          NULL },
        { "Process", "hasInput", VF_PT_IRI, true, false, VF_CLASS_NONE, "inputOf" },
        { "Process", "finished", VF_PT_BOOL, false, false, VF_CLASS_NONE, NULL },
        { "Process", "inScopeOf", VF_PT_IRI, false, false, VF_CLASS_AGENT, NULL },
        { "Unit", "label", VF_PT_STRING, false, true, VF_CLASS_NONE, NULL },
        { "Unit", "omUnitIdentifier", VF_PT_URI, false, false, VF_CLASS_NONE, NULL },
        { "SpatialThing", "lat", VF_PT_DECIMAL, false, false, VF_CLASS_NONE, NULL },
        { "Proposal", "purpose", VF_PT_PURPOSE, false, false, VF_CLASS_NONE, NULL },
        { "Proposal", "publishes", VF_PT_IRI, true, false, VF_CLASS_INTENT, NULL },
        { "Agreement", "stipulates", VF_PT_IRI, true, false, VF_CLASS_COMMITMENT, "clauseOf" },
        { "Plan", "planIncludes", VF_PT_IRI, true, false, VF_CLASS_NONE, "plannedWithin" },
        { "RecipeProcess", "hasDuration", VF_PT_MEASURE, false, false, VF_CLASS_NONE, NULL },
        { "RecipeFlow", "recipeInputOf", VF_PT_IRI, false, false, VF_CLASS_RECIPE_PROCESS, NULL },
        { "Claim", "triggeredBy", VF_PT_IRI, false, false, VF_CLASS_ECONOMIC_EVENT, NULL },
        { "BatchLotRecord", "expirationDate", VF_PT_DATETIME, false, false, VF_CLASS_NONE, NULL },
    };
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        const vf_prop_t *p = vf_class_prop (vf_class_by_name (x[i].cls), x[i].prop);
        if (!p || p->type != x[i].type || p->many != x[i].many || p->required != x[i].required ||
            p->target != x[i].target || (p->inverse_of == NULL) != (x[i].inverse_of == NULL) ||
            (p->inverse_of && strcmp (p->inverse_of, x[i].inverse_of)))
            fail_msg ("%s.%s does not have the expected shape", x[i].cls, x[i].prop);
    }
}

/*  Invariants every row keeps. */
static void
test_table_invariants (void **state)
{
    for (int i = 0; i < VF_CLASS_COUNT; i++) {
        const vf_class_t *c = vf_class_get ((vf_class_id_t) i);
        const vf_prop_t *action = vf_class_prop (c, "action");
        /* flows, and only flows, have the required action */
        assert_int_equal (c->is_flow, action != NULL);
        if (action)
            assert_true (action->required && action->type == VF_PT_ACTION && !action->many);
        for (size_t j = 0; j < c->nprops; j++) {
            const vf_prop_t *p = &c->props[j];
            /* names are unique within a class */
            assert_ptr_equal (vf_class_prop (c, p->name), p);
            assert_true (p->target == VF_CLASS_NONE ||
                         (p->target >= 0 && p->target < VF_CLASS_COUNT));
            if (p->type != VF_PT_IRI)
                assert_int_equal (p->target, VF_CLASS_NONE);
            if (p->required)
                assert_false (p->many);
            /* many-valued properties hold strings (vf_validate's
               uniqueness check relies on it) */
            if (p->many)
                assert_true (p->type == VF_PT_STRING || p->type == VF_PT_IRI ||
                             p->type == VF_PT_URI);
            if (!p->inverse_of)
                continue;
            /* an inverse is many-valued and its forward property exists on
               the class it points at (or, for union ranges, on a flow) */
            assert_true (p->many && p->type == VF_PT_IRI);
            const vf_class_t *t = p->target == VF_CLASS_NONE ? vf_class_by_name ("Commitment")
                                                             : vf_class_get (p->target);
            const vf_prop_t *fwd = vf_class_prop (t, p->inverse_of);
            if (!fwd)
                fail_msg ("%s.%s: no %s on %s", c->name, p->name, p->inverse_of, t->name);
            assert_true (fwd->type == VF_PT_IRI && fwd->inverse_of == NULL);
            assert_int_equal (fwd->target, c->id);
        }
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_all_19_actions_by_id_and_name),
        cmocka_unit_test (test_every_action_column_matches_the_ttl),
        cmocka_unit_test (test_action_examples),
        cmocka_unit_test (test_action_pairs_are_symmetric),
        cmocka_unit_test (test_implied_transfers),
        cmocka_unit_test (test_unknown_actions),
        cmocka_unit_test (test_every_class_lookup),
        cmocka_unit_test (test_unknown_classes),
        cmocka_unit_test (test_every_class_has_exactly_its_ttl_properties),
        cmocka_unit_test (test_properties_not_in_vf_1_0),
        cmocka_unit_test (test_property_shapes),
        cmocka_unit_test (test_table_invariants),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
