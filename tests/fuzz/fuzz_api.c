/*  fuzz_api.c - libFuzzer target for the control API: the input is the
    body of one request, taken the way the control server takes it
    (node/vf_control.c: the size check against control/max_request, JSON
    with duplicate keys refused, an object) and answered by vf_api_handle
    against a real store.

    The node is the spinning co-op of docs/examples (identity from a fixed
    seed) in a temporary directory made once ($TMPDIR, else /dev/shm, else
    /tmp): its store holds the farm's records (public, signed by the farm)
    and its own (to its network), so that get, query, resource, process,
    trace, pending and confirm find something; DIR/networks.json names
    both co-ops. It is offline
    (peer_ctl NULL): peer requests must answer not_running, and networks
    is read from the file.

    A request that makes a job (publish, confirm, import) is run the way
    the pipeline runs it, synchronously: the verifier's checks on blobs,
    then vf_store_ingest, then vf_api_finish. So that the store never grows
    and every input meets the same store, each write transaction is aborted
    where it would commit (mdb_txn_commit below; the store does not know),
    and the clock the API reads is fixed (zclock_time below).

    Invariants: nothing crashes, leaks or hangs; every request gets a reply
    that can be sent (json_dumps succeeds) with a boolean "ok", echoing the
    request's "id" when it parsed; an entry refused says why.
*/
#include <czmq.h>
#include <dlfcn.h>
#include <jansson.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_api.h"
#include "vf_jsonld.h"
#include "vf_limits.h"
#include "vf_log.h"
#include "vf_net.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/*  What the fuzzed node's clock says: 2026-12-01T00:00:00Z. */
#define S_NOW 1795996800000LL

/*  control/max_request as an operator may set it (the smallest 64 KiB of
    the range), so that inputs can reach the too_large answer. */
#define S_MAX_REQUEST (64u * 1024)

/* ------------------------------------------------- the fixed world */

/*  Only vfnode's own calls need the real commit: opening and seeding. */
static bool s_commit_for_real = true;

int
mdb_txn_commit (MDB_txn *txn)
{
    static int (*real) (MDB_txn *);
    if (!real)
        *(void **) &real = dlsym (RTLD_NEXT, "mdb_txn_commit");
    if (s_commit_for_real || !real)
        return real ? real (txn) : EINVAL;
    mdb_txn_abort (txn);
    return MDB_SUCCESS;
}

int64_t
zclock_time (void)
{
    return S_NOW;
}

static const char s_farm_doc[] =
    "{\"@context\": {\"@vocab\": \"https://w3id.org/valueflows/ont/vf#\","
    " \"farm\": \"https://farm.coop.example/\", \"spin\": \"https://spinning.coop.example/\"},"
    " \"@graph\": ["
    " {\"@id\": \"farm:\", \"@type\": \"Organization\", \"name\": \"Hill Farm Co-op\"},"
    " {\"@id\": \"farm:members/ana\", \"@type\": \"Person\", \"name\": \"Ana\"},"
    " {\"@id\": \"farm:spec/fleece-wool\", \"@type\": \"ResourceSpecification\","
    "  \"name\": \"Raw fleece wool\", \"defaultUnitOfResource\": \"kilogram\"},"
    " {\"@id\": \"farm:spec/shearing\", \"@type\": \"ProcessSpecification\", \"name\": "
    "\"Shearing\"},"
    " {\"@id\": \"farm:process/shearing-2026-11\", \"@type\": \"Process\","
    "  \"name\": \"November shearing\", \"basedOn\": \"farm:spec/shearing\","
    "  \"hasBeginning\": \"2026-11-02T07:00:00Z\", \"hasEnd\": \"2026-11-02T16:00:00Z\"},"
    " {\"@id\": \"farm:lot/wool-2026-11\", \"@type\": \"EconomicResource\","
    "  \"name\": \"Fleece wool, November lot\", \"conformsTo\": \"farm:spec/fleece-wool\","
    "  \"trackingIdentifier\": \"HF-2026-11\"},"
    " {\"@id\": \"farm:event/shearing-work\", \"@type\": \"EconomicEvent\", \"action\": \"work\","
    "  \"provider\": \"farm:members/ana\", \"receiver\": \"farm:\","
    "  \"inputOf\": \"farm:process/shearing-2026-11\","
    "  \"effortQuantity\": {\"hasNumericalValue\": 9, \"hasUnit\": \"hour\"},"
    "  \"hasPointInTime\": \"2026-11-02T16:00:00Z\"},"
    " {\"@id\": \"farm:event/fleece-out\", \"@type\": \"EconomicEvent\", \"action\": \"produce\","
    "  \"provider\": \"farm:\", \"receiver\": \"farm:\","
    "  \"outputOf\": \"farm:process/shearing-2026-11\","
    "  \"resourceInventoriedAs\": \"farm:lot/wool-2026-11\","
    "  \"resourceConformsTo\": \"farm:spec/fleece-wool\","
    "  \"resourceQuantity\": {\"hasNumericalValue\": 120.5, \"hasUnit\": \"kilogram\"},"
    "  \"hasPointInTime\": \"2026-11-02T16:00:00Z\"},"
    " {\"@id\": \"farm:event/sale-to-spinners\", \"@type\": \"EconomicEvent\", \"action\": "
    "\"transfer\","
    "  \"provider\": \"farm:\", \"receiver\": \"spin:\","
    "  \"resourceInventoriedAs\": \"farm:lot/wool-2026-11\","
    "  \"toResourceInventoriedAs\": \"spin:stock/wool-in-2026-11\","
    "  \"resourceConformsTo\": \"farm:spec/fleece-wool\","
    "  \"resourceQuantity\": {\"hasNumericalValue\": \"100\", \"hasUnit\": \"kilogram\"},"
    "  \"hasPointInTime\": \"2026-11-05T10:30:00Z\"}]}";

static const char s_spin_doc[] =
    "{\"@context\": {\"@vocab\": \"https://w3id.org/valueflows/ont/vf#\","
    " \"farm\": \"https://farm.coop.example/\", \"spin\": \"https://spinning.coop.example/\"},"
    " \"@graph\": ["
    " {\"@id\": \"spin:\", \"@type\": \"Organization\", \"name\": \"Valley Spinning Co-op\"},"
    " {\"@id\": \"spin:spec/yarn\", \"@type\": \"ResourceSpecification\", \"name\": \"Worsted "
    "yarn\","
    "  \"defaultUnitOfResource\": \"kilogram\"},"
    " {\"@id\": \"spin:process/spin-2026-11\", \"@type\": \"Process\", \"name\": \"Spinning run "
    "47\","
    "  \"hasBeginning\": \"2026-11-09T08:00:00Z\"},"
    " {\"@id\": \"spin:stock/wool-in-2026-11\", \"@type\": \"EconomicResource\","
    "  \"name\": \"Wool from Hill Farm\", \"conformsTo\": \"farm:spec/fleece-wool\","
    "  \"trackingIdentifier\": \"HF-2026-11\"},"
    " {\"@id\": \"spin:stock/yarn-47\", \"@type\": \"EconomicResource\", \"name\": \"Yarn, run "
    "47\","
    "  \"conformsTo\": \"spin:spec/yarn\"},"
    " {\"@id\": \"spin:event/wool-in\", \"@type\": \"EconomicEvent\", \"action\": \"consume\","
    "  \"provider\": \"spin:\", \"receiver\": \"spin:\","
    "  \"inputOf\": \"spin:process/spin-2026-11\","
    "  \"resourceInventoriedAs\": \"spin:stock/wool-in-2026-11\","
    "  \"resourceQuantity\": {\"hasNumericalValue\": 100, \"hasUnit\": \"kilogram\"},"
    "  \"hasPointInTime\": \"2026-11-09T08:05:00Z\"},"
    " {\"@id\": \"spin:event/yarn-out\", \"@type\": \"EconomicEvent\", \"action\": \"produce\","
    "  \"provider\": \"spin:\", \"receiver\": \"spin:\","
    "  \"outputOf\": \"spin:process/spin-2026-11\","
    "  \"resourceInventoriedAs\": \"spin:stock/yarn-47\","
    "  \"resourceQuantity\": {\"hasNumericalValue\": 91.25, \"hasUnit\": \"kilogram\"},"
    "  \"hasPointInTime\": \"2026-11-12T17:00:00Z\"}]}";

static char s_dir[256];
static vf_identity_t *s_farm, *s_spin;
static vf_store_t *s_store;
static vf_api_t s_api;
static uint64_t s_next_seq; /* the node's next seq in the fixed store */
static bool s_verbose;      /* VF_FUZZ_API_VERBOSE: print each reply */

static void
s_cleanup (void)
{
    vf_store_destroy (&s_store);
    vf_identity_destroy (&s_farm);
    vf_identity_destroy (&s_spin);
    if (s_dir[0]) {
        char cmd[300];
        snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
        if (system (cmd) != 0)
            fprintf (stderr, "fuzz_api: cannot remove %s\n", s_dir);
    }
}

/*  Sign doc as author (audience: the network net, or public when NULL)
    and store it for real. */
static void
s_seed (const char *doc, const vf_identity_t *author, const uint8_t *net)
{
    vf_records_t *recs = NULL;
    vf_entry_t *aud = net ? vf_entry_new () : NULL;
    vf_err_t err = { 0 };
    uint64_t seq = 1;
    if (net && (!aud || vf_entry_add_network (aud, net) != 0))
        abort ();
    if (vf_jsonld_import (doc, strlen (doc), &recs, &err) ||
        vf_records_prepare (recs, vf_identity_public (author), &seq, S_NOW - 86400000, aud, &err)) {
        fprintf (stderr, "fuzz_api: seed: %s\n", err.msg);
        abort ();
    }
    vf_entry_t *list[64];
    vf_ingest_result_t res[64];
    if (recs->n > 64)
        abort ();
    for (size_t k = 0; k < recs->n; k++) {
        if (vf_entry_sign (recs->items[k].entry, author, &err))
            abort ();
        list[k] = recs->items[k].entry;
    }
    if (vf_store_ingest (s_store, list, recs->n, res, &err)) {
        fprintf (stderr, "fuzz_api: seed: %s\n", err.msg);
        abort ();
    }
    for (size_t k = 0; k < recs->n; k++)
        if (res[k].outcome != VF_OUTCOME_STORED) {
            fprintf (stderr, "fuzz_api: seed record %zu: %s\n", k, res[k].reason);
            abort ();
        }
    vf_records_destroy (&recs);
    vf_entry_destroy (&aud);
}

/*  DIR/networks.json: the wool network of both co-ops, and one more. */
static void
s_networks (const uint8_t wool[VF_KEY_BYTES])
{
    vf_nets_t *nets = NULL;
    vf_err_t err = { 0 };
    uint8_t other[VF_KEY_BYTES];
    memset (other, 0x6b, sizeof other);
    if (vf_nets_load (&nets, s_dir, &err) ||
        vf_nets_add_network (nets, "wool-region", wool, &err) ||
        vf_nets_add_member (nets, wool, vf_identity_public (s_farm), "Hill Farm",
                            "tcp://farm.example:7690", &err) ||
        vf_nets_add_member (nets, wool, vf_identity_public (s_spin), "Valley Spinning", "", &err) ||
        vf_nets_add_network (nets, "knitters", other, &err) || vf_nets_save (nets, &err)) {
        fprintf (stderr, "fuzz_api: networks: %s\n", err.msg);
        abort ();
    }
    vf_nets_destroy (&nets);
}

static void
s_init (void)
{
    uint8_t seed[VF_SEED_BYTES], wool[VF_KEY_BYTES];
    const char *tmp = getenv ("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; /* tmpfs: fast */
    snprintf (s_dir, sizeof s_dir, "%s/vf-fuzz-api-XXXXXX", tmp);
    if (!mkdtemp (s_dir))
        abort ();
    atexit (s_cleanup);
    vf_log_set_level (VF_LOG_LEVEL_ERROR);
    s_verbose = getenv ("VF_FUZZ_API_VERBOSE") != NULL;
    memset (seed, 0x46, sizeof seed);
    s_farm = vf_identity_new_from_seed (seed);
    memset (seed, 0x53, sizeof seed);
    s_spin = vf_identity_new_from_seed (seed);
    memset (wool, 0x77, sizeof wool);
    char path[300];
    snprintf (path, sizeof path, "%s/store", s_dir);
    vf_store_opts_t opts = { 16u << 20, false };
    vf_err_t err = { 0 };
    if (!s_farm || !s_spin || vf_store_open (&s_store, path, &opts, &err)) {
        fprintf (stderr, "fuzz_api: %s\n", err.msg);
        abort ();
    }
    s_seed (s_farm_doc, s_farm, NULL);
    s_seed (s_spin_doc, s_spin, wool);
    s_networks (wool);
    uint64_t last = 0;
    if (vf_store_last_seq (s_store, vf_identity_public (s_spin), &last, &err))
        abort ();
    s_next_seq = last + 1;
    s_commit_for_real = false; /* from here on the store stays as it is */
}

/* ------------------------------------------------------ one request */

/*  The pipeline, synchronously: the verifier's checks of blobs
    (node/vf_verifier.c), then one ingest as the writer makes it
    (node/vf_writer.c; a job of the API is never larger than a batch). */
static void
s_run_job (vf_job_t *job)
{
    for (size_t k = 0; job->blobs && k < job->n; k++) {
        if (job->entries[k] || job->results[k].outcome || !job->blobs[k])
            continue;
        vf_err_t err = { 0 };
        int rc = vf_entry_open (&job->entries[k], job->blobs[k], job->blob_lens[k], &err);
        if (rc == 0)
            rc = vf_entry_check (job->entries[k], &err);
        if (rc)
            vf_job_refuse (job, k, rc, vf_err_msg (&err, rc));
        free (job->blobs[k]);
        job->blobs[k] = NULL;
    }
    if (job->n > VF_INGEST_BATCH_MAX)
        abort (); /* the API let through a job the writer would split */
    vf_entry_t **batch = calloc (job->n ? job->n : 1, sizeof *batch);
    vf_ingest_result_t *res = calloc (job->n ? job->n : 1, sizeof *res);
    size_t *slot = calloc (job->n ? job->n : 1, sizeof *slot);
    if (!batch || !res || !slot)
        abort ();
    size_t n = 0;
    for (size_t k = 0; k < job->n; k++)
        if (job->entries[k] && !job->results[k].outcome) {
            batch[n] = job->entries[k];
            slot[n++] = k;
        }
    vf_err_t err = { 0 };
    int rc = n ? vf_store_ingest (s_store, batch, n, res, &err) : 0;
    if (rc) {
        job->status = rc;
        snprintf (job->error, sizeof job->error, "%s", vf_err_msg (&err, rc));
    } else
        for (size_t i = 0; i < n; i++)
            job->results[slot[i]] = res[i];
    free (batch);
    free (res);
    free (slot);
}

/*  The control server's answer to a body it cannot hand to the API. */
static json_t *
s_refuse (const uint8_t *data, size_t size, json_t **req)
{
    json_error_t jerr;
    if (size > S_MAX_REQUEST)
        return vf_api_error (NULL, VF_API_TOO_LARGE,
                             "request of %zu bytes; at most %u (control/max_request)", size,
                             S_MAX_REQUEST);
    *req = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (*req && json_is_object (*req))
        return NULL;
    json_t *reply =
        vf_api_error (NULL, VF_API_BAD_REQUEST,
                      *req ? "a request is a JSON object" : "not JSON: line %d column %d: %s",
                      jerr.line, jerr.column, jerr.text);
    json_decref (*req);
    *req = NULL;
    return reply;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_store)
        s_init ();
    /*  the node as it is after start, whatever the last input did */
    memset (&s_api, 0, sizeof s_api);
    s_api.store = s_store;
    s_api.identity = s_spin;
    s_api.name = "Valley Spinning Co-op";
    s_api.dir = s_dir;
    s_api.next_seq = s_next_seq;
    s_api.started = S_NOW - 60000;
    s_api.peer_ctl = NULL; /* offline */

    json_t *req = NULL;
    json_t *reply = s_refuse (data, size, &req);
    if (req) {
        vf_job_t *job = NULL;
        vf_api_handle (&s_api, req, &reply, &job);
        if (job) {
            if (reply)
                abort (); /* a reply and a job */
            s_run_job (job);
            reply = vf_api_finish (&s_api, req, job); /* takes the job */
        }
    }
    /*  every request is answered with something the server can send */
    char *text = reply ? json_dumps (reply, JSON_COMPACT) : NULL;
    if (!text || !json_is_boolean (json_object_get (reply, "ok")))
        abort ();
    const json_t *id = json_object_get (req, "id");
    if (id && !json_equal (id, json_object_get (reply, "id")))
        abort ();
    size_t k;
    const json_t *one;
    json_array_foreach (json_object_get (json_object_get (reply, "result"), "entries"), k, one) {
        const char *outcome = json_string_value (json_object_get (one, "outcome"));
        if (outcome && strcmp (outcome, "refused") == 0 &&
            !json_is_string (json_object_get (one, "reason")))
            abort (); /* a refused entry says why */
    }
    if (s_verbose)
        fprintf (stderr, "%s\n", text);
    free (text);
    json_decref (reply);
    json_decref (req);
    return 0;
}
