/*  vf_net.c - networks and members, kept in DIR/networks.json. */
#include "vf_net.h"

#include "vf_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vf_crypto.h"
#include "vf_text.h"

struct _vf_nets_t {
    char path[1024];
    vf_network_t nets[VF_NET_MAX];
    size_t n;
};

void
vf_nets_destroy (vf_nets_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    for (size_t k = 0; k < (*self_p)->n; k++)
        free ((*self_p)->nets[k].members);
    free (*self_p);
    *self_p = NULL;
}

static int
s_text (const json_t *obj, const char *key, char *out, size_t max, bool required, const char *where,
        vf_err_t *err)
{
    const json_t *v = json_object_get (obj, key);
    out[0] = '\0';
    if (!v && !required)
        return 0;
    if (!json_is_string (v) || json_string_length (v) > max)
        return vf_err_set (err, VF_EINVALID, "%s: '%s' must be a string of at most %zu bytes",
                           where, key, max);
    memcpy (out, json_string_value (v), json_string_length (v) + 1);
    return 0;
}

static int
s_member (vf_network_t *net, const json_t *m, const char *where, vf_err_t *err)
{
    vf_member_t one = { { 0 }, "", "" };
    const char *key = json_string_value (json_object_get (m, "key"));
    int rc = key ? vf_text_decode (one.key, VF_TEXT_KEY, key, err)
                 : vf_err_set (err, VF_EINVALID, "'key' (vfk_...) is required");
    if (rc == 0)
        rc = s_text (m, "name", one.name, VF_NET_NAME_MAX, false, where, err);
    if (rc == 0)
        rc = s_text (m, "endpoint", one.endpoint, VF_NET_ENDPOINT_MAX, false, where, err);
    if (rc) {
        vf_err_prefix (err, "%s", where);
        return VF_EINVALID;
    }
    net->members[net->nmembers++] = one;
    return 0;
}

static int
s_network (vf_nets_t *self, const json_t *j, size_t k, vf_err_t *err)
{
    char where[64];
    snprintf (where, sizeof where, "networks[%zu]", k);
    vf_network_t *net = &self->nets[self->n];
    const char *id = json_string_value (json_object_get (j, "id"));
    const json_t *members = json_object_get (j, "members");
    int rc = id ? vf_text_decode (net->id, VF_TEXT_NET, id, err)
                : vf_err_set (err, VF_EINVALID, "'id' (vfn_...) is required");
    static const uint8_t zero[VF_KEY_BYTES] = { 0 };
    if (rc == 0 && memcmp (net->id, zero, VF_KEY_BYTES) == 0)
        rc = vf_err_set (err, VF_EINVALID, "the all-zero id means \"public\", not a network");
    if (rc == 0)
        rc = s_text (j, "name", net->name, VF_NET_NAME_MAX, true, where, err);
    for (size_t i = 0; rc == 0 && i < self->n; i++)
        if (memcmp (self->nets[i].id, net->id, VF_KEY_BYTES) == 0 ||
            strcmp (self->nets[i].name, net->name) == 0)
            rc = vf_err_set (err, VF_EINVALID, "the same id or name as networks[%zu]", i);
    if (rc == 0 && members &&
        (!json_is_array (members) || json_array_size (members) > VF_NET_MEMBERS_MAX))
        rc = vf_err_set (err, VF_EINVALID, "'members' must be a list of at most %d members",
                         VF_NET_MEMBERS_MAX);
    if (rc) {
        vf_err_prefix (err, "%s", where);
        return VF_EINVALID;
    }
    net->members = calloc (json_array_size (members) + 1, sizeof *net->members);
    if (!net->members)
        return VF_ENOMEM;
    self->n++;
    for (size_t m = 0; m < json_array_size (members) && rc == 0; m++) {
        char w[96];
        snprintf (w, sizeof w, "%s.members[%zu]", where, m);
        rc = s_member (net, json_array_get (members, m), w, err);
    }
    return rc;
}

int
vf_nets_load (vf_nets_t **out, const char *dir, vf_err_t *err)
{
    *out = NULL;
    vf_nets_t *self = calloc (1, sizeof *self);
    if (!self)
        return VF_ENOMEM;
    snprintf (self->path, sizeof self->path, "%s/networks.json", dir);
    json_error_t jerr;
    json_t *doc = json_load_file (self->path, JSON_REJECT_DUPLICATES, &jerr);
    int rc = 0;
    if (!doc && access (self->path, F_OK) == 0)
        rc = vf_err_set (err, VF_EPARSE, "%s:%d: %s", self->path, jerr.line, jerr.text);
    const json_t *nets = json_object_get (doc, "networks");
    if (rc == 0 && doc && (!json_is_array (nets) || json_array_size (nets) > VF_NET_MAX))
        rc = vf_err_set (err, VF_EINVALID, "%s: 'networks' must be a list of at most %d networks",
                         self->path, VF_NET_MAX);
    for (size_t k = 0; rc == 0 && k < json_array_size (nets); k++)
        if ((rc = s_network (self, json_array_get (nets, k), k, err)))
            vf_err_prefix (err, "%s", self->path);
    json_decref (doc);
    if (rc)
        vf_nets_destroy (&self);
    *out = self;
    return rc;
}

json_t *
vf_nets_json (const vf_nets_t *self)
{
    json_t *nets = json_array ();
    for (size_t k = 0; nets && k < self->n; k++) {
        const vf_network_t *n = &self->nets[k];
        char text[VF_TEXT_MAX];
        json_t *members = json_array ();
        for (size_t m = 0; members && m < n->nmembers; m++) {
            json_t *one = json_pack ("{s:s, s:s}", "key",
                                     vf_text_encode (text, VF_TEXT_KEY, n->members[m].key), "name",
                                     n->members[m].name);
            if (one && n->members[m].endpoint[0])
                json_object_set_new (one, "endpoint", json_string (n->members[m].endpoint));
            json_array_append_new (members, one);
        }
        json_array_append_new (nets, json_pack ("{s:s, s:s, s:o}", "id",
                                                vf_text_encode (text, VF_TEXT_NET, n->id), "name",
                                                n->name, "members", members));
    }
    return json_pack ("{s:o}", "networks", nets);
}

int
vf_nets_save (const vf_nets_t *self, vf_err_t *err)
{
    json_t *doc = vf_nets_json (self);
    char *text = doc ? json_dumps (doc, JSON_INDENT (2)) : NULL;
    json_decref (doc);
    if (!text)
        return VF_ENOMEM;
    int rc = vf_file_replace (self->path, text, err);
    free (text);
    return rc;
}

const vf_network_t *
vf_nets_find (const vf_nets_t *self, const char *name_or_id)
{
    uint8_t id[VF_KEY_BYTES];
    bool by_id = vf_text_decode (id, VF_TEXT_NET, name_or_id, NULL) == 0;
    for (size_t k = 0; k < self->n; k++)
        if (by_id ? memcmp (self->nets[k].id, id, VF_KEY_BYTES) == 0
                  : strcmp (self->nets[k].name, name_or_id) == 0)
            return &self->nets[k];
    return NULL;
}

int
vf_nets_add_network (vf_nets_t *self, const char *name, const uint8_t *id, vf_err_t *err)
{
    if (!name || !*name || strlen (name) > VF_NET_NAME_MAX)
        return vf_err_set (err, VF_EINVAL, "a network name is 1-%d bytes", VF_NET_NAME_MAX);
    if (self->n == VF_NET_MAX)
        return vf_err_set (err, VF_ETOOBIG, "this node is in %d networks already", VF_NET_MAX);
    if (vf_nets_find (self, name))
        return vf_err_set (err, VF_EEXIST, "a network named '%s' exists", name);
    static const uint8_t zero[VF_KEY_BYTES] = { 0 };
    if (id && memcmp (id, zero, VF_KEY_BYTES) == 0)
        return vf_err_set (err, VF_EINVAL, "the all-zero id means \"public\", not a network");
    vf_network_t *n = &self->nets[self->n];
    memset (n, 0, sizeof *n);
    if (id)
        memcpy (n->id, id, VF_KEY_BYTES);
    else {
        uint8_t seed[32];
        vf_random (seed, sizeof seed);
        vf_hash (n->id, seed, sizeof seed);
    }
    for (size_t k = 0; k < self->n; k++)
        if (memcmp (self->nets[k].id, n->id, VF_KEY_BYTES) == 0)
            return vf_err_set (err, VF_EEXIST, "that network id is already here (as '%s')",
                               self->nets[k].name);
    snprintf (n->name, sizeof n->name, "%s", name);
    if (!(n->members = calloc (1, sizeof *n->members)))
        return VF_ENOMEM;
    self->n++;
    return 0;
}

int
vf_nets_add_member (vf_nets_t *self, const uint8_t net[VF_KEY_BYTES],
                    const uint8_t key[VF_KEY_BYTES], const char *name, const char *endpoint,
                    vf_err_t *err)
{
    vf_network_t *n = NULL;
    for (size_t k = 0; k < self->n; k++)
        if (memcmp (self->nets[k].id, net, VF_KEY_BYTES) == 0)
            n = &self->nets[k];
    if (!n)
        return vf_err_set (err, VF_ENOTFOUND, "this node is in no such network");
    uint8_t curve[VF_KEY_BYTES];
    if (vf_curve_public (curve, key) != 0)
        return vf_err_set (err, VF_EINVAL, "that key is not a usable Ed25519 public key");
    if ((name && strlen (name) > VF_NET_NAME_MAX) ||
        (endpoint && strlen (endpoint) > VF_NET_ENDPOINT_MAX))
        return vf_err_set (err, VF_EINVAL, "member name at most %d bytes, endpoint at most %d",
                           VF_NET_NAME_MAX, VF_NET_ENDPOINT_MAX);
    vf_member_t *m = NULL;
    for (size_t k = 0; k < n->nmembers; k++)
        if (memcmp (n->members[k].key, key, VF_KEY_BYTES) == 0)
            m = &n->members[k];
    if (!m) {
        if (n->nmembers == VF_NET_MEMBERS_MAX)
            return vf_err_set (err, VF_ETOOBIG, "network '%s' has %d members already", n->name,
                               VF_NET_MEMBERS_MAX);
        vf_member_t *more = realloc (n->members, (n->nmembers + 1) * sizeof *more);
        if (!more)
            return VF_ENOMEM;
        n->members = more;
        m = &n->members[n->nmembers++];
        memset (m, 0, sizeof *m);
        memcpy (m->key, key, VF_KEY_BYTES);
    }
    if (name)
        snprintf (m->name, sizeof m->name, "%s", name);
    if (endpoint)
        snprintf (m->endpoint, sizeof m->endpoint, "%s", endpoint);
    return 0;
}

size_t
vf_nets_count (const vf_nets_t *self)
{
    return self->n;
}

const vf_network_t *
vf_nets_get (const vf_nets_t *self, size_t k)
{
    return k < self->n ? &self->nets[k] : NULL;
}

uint64_t
vf_nets_of (const vf_nets_t *self, const uint8_t key[VF_KEY_BYTES])
{
    uint64_t bits = 0;
    for (size_t k = 0; k < self->n; k++)
        for (size_t m = 0; m < self->nets[k].nmembers; m++)
            if (memcmp (self->nets[k].members[m].key, key, VF_KEY_BYTES) == 0)
                bits |= (uint64_t) 1 << k;
    return bits;
}

bool
vf_nets_may_hold (const vf_nets_t *self, uint64_t shared, const vf_entry_t *e)
{
    if (e->is_public)
        return shared != 0;
    for (size_t k = 0; k < self->n; k++)
        if (shared & ((uint64_t) 1 << k))
            for (size_t a = 0; a < e->naudience; a++)
                if (memcmp (self->nets[k].id, e->audience[a], VF_KEY_BYTES) == 0)
                    return true;
    return false;
}
