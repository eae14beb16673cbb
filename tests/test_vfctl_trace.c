/*  test_vfctl_trace.c - vfctl trace, track, previous and next against a
    real vfnode, as an operator runs them.

    One node, the mill's ("Valley Mill Co-op"), holds a small chain across
    two organisations: the farm's records, signed with the farm's own key
    and imported (shearing with Ana's work, fleece produced, sold to the
    mill: 100 kg into the mill's stock, which the mill confirmed, 0.5 kg as
    a sample it did not confirm, 10 kg of lot HF-7 without naming the
    mill's resource), and the mill's (spinning: the wool, dye from a
    resource it does not hold and Ben's work in, yarn out). The farm is a
    member of the mill's network, named "Hill Farm Co-op" there. Beside the
    chain the mill holds records whose text is hostile or long (s_odd_doc).
    Each test runs the vfctl binary built next to this test and checks its
    exit status, standard output and standard error.
*/
#define TEST_NAME "vfctl-trace"
#include "node_support.h"

#include <spawn.h>

extern char **environ;

#define FARM "https://farm.example/"
#define MILL "https://mill.example/"
#define YARN MILL "stock/yarn"

static char s_node[400]; /* the mill's node directory */
static char s_farm[64];  /* the farm's key (vfk_...) */
static pid_t s_pid;      /* the mill's vfnode */
static int s_status;     /* exit status of the last vfctl run */
static char *s_out;      /* its standard output */
static char *s_err;      /* its standard error */

static const char s_farm_doc[] =
    "{\"@context\": {\"farm\": \"" FARM "\", \"mill\": \"" MILL "\"}, \"@graph\": [\n"
    " {\"@id\": \"farm:\", \"@type\": \"Organization\", \"name\": \"Hill Farm\"},\n"
    " {\"@id\": \"farm:ana\", \"@type\": \"Person\", \"name\": \"Ana\"},\n"
    " {\"@id\": \"farm:shearing\", \"@type\": \"Process\", \"name\": \"Shearing\",\n"
    "  \"hasBeginning\": \"2026-11-02T08:00:00Z\"},\n"
    " {\"@id\": \"farm:lot/wool\", \"@type\": \"EconomicResource\", \"name\": \"Fleece wool\",\n"
    "  \"conformsTo\": \"farm:spec/wool\", \"trackingIdentifier\": \"HF-7\"},\n"
    " {\"@id\": \"farm:work\", \"@type\": \"EconomicEvent\", \"action\": \"work\",\n"
    "  \"provider\": \"farm:ana\", \"receiver\": \"farm:\", \"inputOf\": \"farm:shearing\",\n"
    "  \"effortQuantity\": {\"hasNumericalValue\": 9, \"hasUnit\": \"hour\"},\n"
    "  \"hasPointInTime\": \"2026-11-02T09:00:00Z\"},\n"
    " {\"@id\": \"farm:fleece\", \"@type\": \"EconomicEvent\", \"action\": \"produce\",\n"
    "  \"provider\": \"farm:\", \"receiver\": \"farm:\", \"outputOf\": \"farm:shearing\",\n"
    "  \"resourceInventoriedAs\": \"farm:lot/wool\", \"resourceConformsTo\": \"farm:spec/wool\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 120.5, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-02T12:00:00Z\"},\n"
    " {\"@id\": \"farm:sale\", \"@type\": \"EconomicEvent\", \"action\": \"transfer\",\n"
    "  \"provider\": \"farm:\", \"receiver\": \"mill:\", \"resourceInventoriedAs\": "
    "\"farm:lot/wool\",\n"
    "  \"toResourceInventoriedAs\": \"mill:stock/wool-in\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 100, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-05T10:00:00Z\"},\n"
    " {\"@id\": \"farm:sample\", \"@type\": \"EconomicEvent\", \"action\": \"transfer\",\n"
    "  \"provider\": \"farm:\", \"receiver\": \"mill:\", \"resourceInventoriedAs\": "
    "\"farm:lot/wool\",\n"
    "  \"toResourceInventoriedAs\": \"mill:stock/sample\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 0.5, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-06T10:00:00Z\"},\n"
    " {\"@id\": \"farm:sale-hf7\", \"@type\": \"EconomicEvent\", \"action\": \"transfer\",\n"
    "  \"provider\": \"farm:\", \"receiver\": \"mill:\", \"resourceInventoriedAs\": "
    "\"farm:lot/wool\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 10, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-07T10:00:00Z\"}]}\n";

static const char s_mill_doc[] =
    "{\"@context\": {\"mill\": \"" MILL "\"}, \"@graph\": [\n"
    " {\"@id\": \"mill:\", \"@type\": \"Organization\", \"name\": \"Valley Mill\"},\n"
    " {\"@id\": \"mill:ben\", \"@type\": \"Person\", \"name\": \"Ben\"},\n"
    " {\"@id\": \"mill:stock/wool-in\", \"@type\": \"EconomicResource\", \"name\": \"Wool in\",\n"
    "  \"conformsTo\": \"mill:spec/wool\"},\n"
    " {\"@id\": \"mill:stock/sample\", \"@type\": \"EconomicResource\", \"name\": \"Wool "
    "sample\",\n"
    "  \"conformsTo\": \"mill:spec/wool\"},\n"
    " {\"@id\": \"mill:stock/wool-hf7\", \"@type\": \"EconomicResource\",\n"
    "  \"name\": \"Wool, lot HF-7\", \"conformsTo\": \"mill:spec/wool\",\n"
    "  \"trackingIdentifier\": \"HF-7\"},\n"
    " {\"@id\": \"mill:stock/yarn\", \"@type\": \"EconomicResource\", \"name\": \"Yarn\",\n"
    "  \"conformsTo\": \"mill:spec/yarn\"},\n"
    " {\"@id\": \"mill:spin\", \"@type\": \"Process\", \"name\": \"Spinning run\",\n"
    "  \"hasBeginning\": \"2026-11-09T08:00:00Z\"},\n"
    " {\"@id\": \"mill:wool-used\", \"@type\": \"EconomicEvent\", \"action\": \"consume\",\n"
    "  \"provider\": \"mill:\", \"receiver\": \"mill:\", \"inputOf\": \"mill:spin\",\n"
    "  \"resourceInventoriedAs\": \"mill:stock/wool-in\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 100, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-09T08:30:00Z\"},\n"
    " {\"@id\": \"mill:dye-used\", \"@type\": \"EconomicEvent\", \"action\": \"consume\",\n"
    "  \"provider\": \"https://dye.example/\", \"receiver\": \"mill:\", \"inputOf\": "
    "\"mill:spin\",\n"
    "  \"resourceInventoriedAs\": \"https://dye.example/lot/indigo\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 2, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-09T08:40:00Z\"},\n"
    " {\"@id\": \"mill:spinning\", \"@type\": \"EconomicEvent\", \"action\": \"work\",\n"
    "  \"provider\": \"mill:ben\", \"receiver\": \"mill:\", \"inputOf\": \"mill:spin\",\n"
    "  \"effortQuantity\": {\"hasNumericalValue\": 6.5, \"hasUnit\": \"hour\"},\n"
    "  \"hasPointInTime\": \"2026-11-10T09:00:00Z\"},\n"
    " {\"@id\": \"mill:yarn-out\", \"@type\": \"EconomicEvent\", \"action\": \"produce\",\n"
    "  \"provider\": \"mill:\", \"receiver\": \"mill:\", \"outputOf\": \"mill:spin\",\n"
    "  \"resourceInventoriedAs\": \"mill:stock/yarn\", \"resourceConformsTo\": "
    "\"mill:spec/yarn\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 90, \"hasUnit\": \"kilogram\"},\n"
    "  \"hasPointInTime\": \"2026-11-12T16:00:00Z\"}]}\n";

/*  Text meant to attack the terminal or the graph, and text long enough
    to be cut: a resource named with quotes, a backslash, a line break, a
    screen-clearing ESC sequence, a C1 CSI (U+009B), a bidi override
    (U+202E) and a Graphviz character reference; Eve, whose name sets the
    terminal's title and tries to close a DOT label and declare a node;
    an IRI with U+202E, a unit IRI with one, an agent IRI with no path and
    a long non-ASCII host; names of 200 "é", 100 4-byte emoji, exactly
    S_TEXT_MAX (60) bytes, 61 bytes ending inside the cut, and one of
    invisible characters between visible ones. */
#define EVIL MILL "stock/evil"
#define EVE_NAME "Eve\\u001b]0;t\\u0007\\\"]; evil [label=\\\"x\\\\"
#define UNIT "https://units.example/\\u202egk"
#define HOST "https://x" E10 E10 E10 E10 ".example"
#define E10 "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
#define E50 E10 E10 E10 E10 E10
#define SMILE10                                                                                    \
    "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"                                           \
    "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"
#define SMILE50 SMILE10 SMILE10 SMILE10 SMILE10 SMILE10
#define A29 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const char s_odd_doc[] =
    "{\"@context\": {\"mill\": \"" MILL "\"}, \"@graph\": [\n"
    " {\"@id\": \"mill:eve\", \"@type\": \"Person\", \"name\": \"" EVE_NAME "\"},\n"
    " {\"@id\": \"" EVIL "\", \"@type\": \"EconomicResource\", \"conformsTo\": \"mill:spec/x\",\n"
    "  \"name\": \"A \\\"q\\\" \\\\b\\ncd\\u001b[2J\\u009b31m\\u202eZ&#8238;\",\n"
    "  \"note\": \"a note \\u001b[2J\\u009b\\u202e never shown\"},\n"
    " {\"@id\": \"mill:odd-run\", \"@type\": \"Process\", \"name\": \"" E50 E50 E50 E50 "\",\n"
    "  \"hasBeginning\": \"2026-11-19T08:00:00Z\"},\n"
    " {\"@id\": \"mill:odd-in\", \"@type\": \"EconomicEvent\", \"action\": \"consume\",\n"
    "  \"provider\": \"" HOST "\", \"receiver\": \"mill:\", \"inputOf\": \"mill:odd-run\",\n"
    "  \"resourceInventoriedAs\": \"" MILL "stock/\\u202etxt.exe\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 2, \"hasUnit\": \"" UNIT "\"},\n"
    "  \"hasPointInTime\": \"2026-11-19T09:00:00Z\"},\n"
    " {\"@id\": \"mill:odd-work\", \"@type\": \"EconomicEvent\", \"action\": \"work\",\n"
    "  \"provider\": \"mill:eve\", \"receiver\": \"mill:\", \"inputOf\": \"mill:odd-run\",\n"
    "  \"effortQuantity\": {\"hasNumericalValue\": 1, \"hasUnit\": \"hour\"},\n"
    "  \"note\": \"\\u001b]0;owned\\u0007\", \"hasPointInTime\": \"2026-11-19T10:00:00Z\"},\n"
    " {\"@id\": \"mill:odd-out\", \"@type\": \"EconomicEvent\", \"action\": \"produce\",\n"
    "  \"provider\": \"mill:\", \"receiver\": \"mill:\", \"outputOf\": \"mill:odd-run\",\n"
    "  \"resourceInventoriedAs\": \"" EVIL "\", \"resourceConformsTo\": \"mill:spec/x\",\n"
    "  \"resourceQuantity\": {\"hasNumericalValue\": 5, \"hasUnit\": \"" UNIT "\"},\n"
    "  \"hasPointInTime\": \"2026-11-20T12:00:00Z\"},\n"
    " {\"@id\": \"mill:stock/smile\", \"@type\": \"EconomicResource\", \"conformsTo\": "
    "\"mill:spec/x\",\n"
    "  \"name\": \"" SMILE50 SMILE50 "\"},\n"
    " {\"@id\": \"mill:stock/sixty\", \"@type\": \"EconomicResource\", \"conformsTo\": "
    "\"mill:spec/x\",\n"
    "  \"name\": \"" A29 A29 "\\u00e9\"},\n"
    " {\"@id\": \"mill:stock/sixty-one\", \"@type\": \"EconomicResource\", \"conformsTo\": "
    "\"mill:spec/x\",\n"
    "  \"name\": \"" A29 A29 "\\u20ac\"},\n"
    " {\"@id\": \"mill:stock/invisible\", \"@type\": \"EconomicResource\", \"conformsTo\": "
    "\"mill:spec/x\",\n"
    "  \"name\": "
    "\"Wo\\u200bol\\ufeff\\u2066x\\u061c\\u00ad\\u2028|\\udb40\\udc41|\\u65e5\\u00fc\"}]}\n";

/*  The trace from the yarn, line by line (two spaces a level). */
static const char *const s_yarn_lines[] = {
    "resource Yarn  90 kilogram  [Valley Mill Co-op]",
    "  event produce  90 kilogram  2026-11-12  by Valley Mill  [Valley Mill Co-op]",
    "    process Spinning run  2026-11-09  [Valley Mill Co-op]",
    "      event consume  100 kilogram  2026-11-09  by Valley Mill  [Valley Mill Co-op]",
    "        resource Wool in  0 kilogram  [Valley Mill Co-op]",
    "          event transfer  100 kilogram  2026-11-05  by Hill Farm to Valley Mill  "
    "[Hill Farm Co-op]",
    "            resource Fleece wool  10 kilogram  [Hill Farm Co-op]",
    "              event produce  120.5 kilogram  2026-11-02  by Hill Farm  [Hill Farm Co-op]",
    "                process Shearing  2026-11-02  [Hill Farm Co-op]",
    "                  event work  9 hour  2026-11-02  by Ana to Hill Farm  [Hill Farm Co-op]",
};

/* ------------------------------------------------------------ helpers */

static char *
s_slurp (const char *path)
{
    FILE *fp = fopen (path, "r");
    assert_non_null (fp);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread (chunk, 1, sizeof chunk, fp)) > 0)
        fwrite (chunk, 1, n, mem);
    fclose (mem);
    fclose (fp);
    return buf;
}

/*  Run vfctl with the NULL-terminated arguments; its exit status, with
    its output in s_out and s_err. */
static int
s_vfctl (const char *first, ...)
{
    char prog[1200], out[400], err[400];
    s_path (prog, sizeof prog, s_bin, "vfctl");
    s_path (out, sizeof out, s_dir, "stdout.txt");
    s_path (err, sizeof err, s_dir, "stderr.txt");
    char *argv[32] = { prog, (char *) first };
    int argc = 2;
    va_list ap;
    va_start (ap, first);
    const char *a;
    while ((a = va_arg (ap, const char *)) && argc < 31)
        argv[argc++] = (char *) a;
    va_end (ap);
    argv[argc] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init (&fa);
    posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen (&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen (&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn (&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&fa);
    assert_int_equal (rc, 0);
    int ws;
    assert_int_equal (waitpid (pid, &ws, 0), pid);
    assert_true (WIFEXITED (ws));
    free (s_out);
    free (s_err);
    s_out = s_slurp (out);
    s_err = s_slurp (err);
    s_status = WEXITSTATUS (ws);
    return s_status;
}

/*  The last run exited with status and its stream ('o' or 'e') holds
    needle. */
static void
s_expect (int status, char stream, const char *needle)
{
    const char *text = stream == 'o' ? s_out : s_err;
    if (s_status != status || !strstr (text, needle))
        fail_msg ("expected exit %d and '%s' on std%s; got exit %d\nstdout: %s\nstderr: %s", status,
                  needle, stream == 'o' ? "out" : "err", s_status, s_out, s_err);
}

/*  Where in text the whole line `line` is (NULL if it is not there). */
static const char *
s_line (const char *text, const char *line)
{
    size_t n = strlen (line);
    for (const char *at = text; (at = strstr (at, line)) != NULL; at++)
        if ((at == text || at[-1] == '\n') && (at[n] == '\n' || at[n] == '\0'))
            return at;
    return NULL;
}

static const char *
s_must_line (const char *text, const char *line)
{
    const char *at = s_line (text, line);
    if (!at)
        fail_msg ("no line '%s' in:\n%s", line, text);
    return at;
}

static size_t
s_count_lines (const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/*  Fail unless text is safe to print: well-formed UTF-8 with no control
    but the line break, no C1 control, no bidi or invisible formatting
    character. Decoded the plain way, apart from cmd_trace.c's. */
static void
s_assert_safe (const char *text)
{
    const unsigned char *u = (const unsigned char *) text;
    for (size_t i = 0; u[i];) {
        size_t len = u[i] < 0x80       ? 1
                     : u[i] >> 5 == 6  ? 2
                     : u[i] >> 4 == 14 ? 3
                     : u[i] >> 3 == 30 ? 4
                                       : 0;
        uint32_t cp = len == 1 ? u[i] : len == 2 ? u[i] & 0x1F : len == 3 ? u[i] & 0x0F : u[i] & 7;
        for (size_t k = 1; k < len; k++)
            if (u[i + k] >> 6 == 2)
                cp = cp << 6 | (u[i + k] & 0x3F);
            else
                len = 0;
        bool overlong =
            (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (len == 0 || overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            fail_msg ("not UTF-8 at byte %zu:\n%s", i, text);
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x61C ||
            (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
            (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE007F))
            fail_msg ("U+%04X at byte %zu:\n%s", (unsigned) cp, i, text);
        i += len;
    }
}

static void
s_write (const char *name, const char *text)
{
    char path[400];
    s_path (path, sizeof path, s_dir, name);
    FILE *f = fopen (path, "w");
    assert_non_null (f);
    assert_true (fputs (text, f) >= 0);
    assert_int_equal (fclose (f), 0);
}

/*  The entry id (vfe_...) of the unconfirmed event that would change
    resource iri; the caller frees it. */
static char *
s_pending_event (const char *iri)
{
    json_t *r = s_request (s_node, "{\"request\": \"pending\"}");
    char *id = NULL;
    size_t k;
    const json_t *p;
    json_array_foreach (json_object_get (s_result (r), "pending"), k, p)
        if (!id && strcmp (json_string_value (json_object_get (p, "resource")), iri) == 0)
            id = strdup (json_string_value (json_object_get (p, "event")));
    json_decref (r);
    if (!id)
        fail_msg ("nothing pending for %s", iri);
    return id;
}

/*  The mill's node with the farm's and its own records, the 100 kg
    transfer confirmed, the farm named in a network. */
static int
s_group_setup (void **state)
{
    s_setup (state);
    s_path (s_node, sizeof s_node, s_dir, "mill");
    assert_int_equal (s_vfctl ("init", s_node, "--name", "Valley Mill Co-op", NULL), 0);
    s_config_edit (s_node, "bind = \"tcp://*:7690\"", "bind = \"\"");
    s_pid = s_start (s_node);

    char key[400], farm[400], entries[400], mill[400];
    s_path (key, sizeof key, s_dir, "farm.key");
    s_path (farm, sizeof farm, s_dir, "farm.jsonld");
    s_path (entries, sizeof entries, s_dir, "farm.entries");
    s_path (mill, sizeof mill, s_dir, "mill.jsonld");
    char odd[400];
    s_path (odd, sizeof odd, s_dir, "odd.jsonld");
    assert_int_equal (s_vfctl ("keygen", key, NULL), 0);
    snprintf (s_farm, sizeof s_farm, "%.*s", (int) strcspn (s_out, " \n"), s_out);
    assert_true (strncmp (s_farm, "vfk_", 4) == 0);
    s_write ("farm.jsonld", s_farm_doc);
    s_write ("mill.jsonld", s_mill_doc);
    s_write ("odd.jsonld", s_odd_doc);
    /*  signed after the events happened (2026-11-18), so that their own
        times order them */
    assert_int_equal (
        s_vfctl ("sign", "--key", key, "--seq", "1", "--time", "1795000000000", farm, NULL), 0);
    s_write ("farm.entries", s_out);
    s_vfctl ("import", "-d", s_node, entries, NULL);
    s_expect (0, 'o', "9 stored");
    s_vfctl ("publish", "-d", s_node, mill, NULL);
    s_expect (0, 'o', "11 stored");
    s_vfctl ("publish", "-d", s_node, odd, NULL);
    s_expect (0, 'o', "10 stored");
    char *sale = s_pending_event (MILL "stock/wool-in");
    s_vfctl ("confirm", "-d", s_node, sale, NULL);
    s_expect (0, 'o', "1 stored");
    free (sale);
    s_call_ok (s_node, "{\"request\": \"network_add\", \"name\": \"wool\"}");
    s_call_ok (s_node,
               "{\"request\": \"peer_add\", \"network\": \"wool\", \"key\": \"%s\", "
               "\"name\": \"Hill Farm Co-op\"}",
               s_farm);
    return 0;
}

static int
s_group_teardown (void **state)
{
    free (s_out);
    free (s_err);
    s_out = s_err = NULL;
    return s_teardown (state);
}

/* -------------------------------------------------------------- tests */

static void
test_trace_prints_an_indented_tree (void **state)
{
    s_vfctl ("trace", "-d", s_node, YARN, NULL);
    s_expect (0, 'o', "resource Yarn");
    /*  each line in its place: under the one before it, one level deeper */
    const char *prev = s_out;
    for (size_t k = 0; k < sizeof s_yarn_lines / sizeof s_yarn_lines[0]; k++) {
        const char *at = s_must_line (s_out, s_yarn_lines[k]);
        if (at < prev)
            fail_msg ("'%s' comes before the line it hangs under:\n%s", s_yarn_lines[k], s_out);
        prev = at;
    }
    /*  the other inputs of the spinning run, beside the wool */
    s_must_line (s_out, "      event work  6.5 hour  2026-11-10  by Ben to Valley Mill  "
                        "[Valley Mill Co-op]");
    s_must_line (s_out, "      event consume  2 kilogram  2026-11-09  by https://dye.example/ to "
                        "Valley Mill  [Valley Mill Co-op]");
    /*  the dye's resource is not held here: who owns it, not whose it is */
    s_must_line (s_out, "        resource https://dye.example/lot/indigo (unknown, owned by "
                        "https://dye.example/)");
    assert_int_equal (s_count_lines (s_out), 13);
    assert_string_equal (s_err, "");
}

static void
test_markers_say_how_an_item_was_reached (void **state)
{
    /*  the sample's transfer waits for the mill's confirmation: not
        crossed unless asked for, and then marked */
    s_vfctl ("trace", "-d", s_node, MILL "stock/sample", NULL);
    s_expect (0, 'o', "resource Wool sample  [Valley Mill Co-op]\n");
    assert_int_equal (s_count_lines (s_out), 1);
    s_vfctl ("trace", "-d", s_node, MILL "stock/sample", "--pending", NULL);
    s_expect (0, 'o', "resource Wool sample");
    s_must_line (s_out, "  event transfer  0.5 kilogram  2026-11-06  by Hill Farm to Valley Mill  "
                        "[Hill Farm Co-op] (pending: not confirmed by the owner)");
    s_must_line (s_out, "    resource Fleece wool  10 kilogram  [Hill Farm Co-op]");

    /*  lot HF-7 was sold without naming the mill's resource: the lot
        number links them */
    s_vfctl ("trace", "-d", s_node, MILL "stock/wool-hf7", NULL);
    s_expect (0, 'o', "resource Wool, lot HF-7  [Valley Mill Co-op]\n");
    s_must_line (s_out, "  event transfer  10 kilogram  2026-11-07  by Hill Farm to Valley Mill  "
                        "[Hill Farm Co-op] (by lot HF-7)");
    s_must_line (s_out, "    resource Fleece wool  10 kilogram  [Hill Farm Co-op]");

    /*  --boundary: the farm's transfer is shown, not followed */
    s_vfctl ("trace", "-d", s_node, YARN, "--boundary", NULL);
    s_expect (0, 'o', "resource Yarn");
    s_must_line (s_out,
                 "          event transfer  100 kilogram  2026-11-05  by Hill Farm to Valley "
                 "Mill  [Hill Farm Co-op] (boundary: another organisation, not followed)");
    assert_null (strstr (s_out, "Fleece wool"));
}

static void
test_track_previous_and_next (void **state)
{
    /*  forwards from the farm's lot to the mill's yarn */
    s_vfctl ("track", "-d", s_node, FARM "lot/wool", NULL);
    s_expect (0, 'o', "resource Fleece wool  10 kilogram  [Hill Farm Co-op]\n");
    const char *wool_in = strstr (s_out, "resource Wool in  0 kilogram  [Valley Mill Co-op]\n");
    const char *yarn = strstr (s_out, "resource Yarn  90 kilogram  [Valley Mill Co-op]\n");
    assert_non_null (wool_in);
    assert_non_null (yarn);
    assert_true (wool_in < yarn);
    /*  the yarn hangs deeper than the wool it was spun from */
    size_t in_indent = 0, yarn_indent = 0;
    while (wool_in > s_out && wool_in[-1] == ' ')
        wool_in--, in_indent++;
    while (yarn > s_out && yarn[-1] == ' ')
        yarn--, yarn_indent++;
    assert_true (yarn_indent > in_indent);

    /*  one step: the yarn and the event that produced it */
    s_vfctl ("previous", "-d", s_node, YARN, NULL);
    s_expect (0, 'o', "resource Yarn");
    s_must_line (s_out, s_yarn_lines[0]);
    s_must_line (s_out, s_yarn_lines[1]);
    assert_int_equal (s_count_lines (s_out), 2);
    /*  one step forward from the spinning run: its output */
    s_vfctl ("next", "-d", s_node, MILL "spin", NULL);
    s_expect (0, 'o', "process Spinning run");
    s_must_line (s_out, "  event produce  90 kilogram  2026-11-12  by Valley Mill  "
                        "[Valley Mill Co-op]");
    assert_int_equal (s_count_lines (s_out), 2);
}

/*  The item of the walk with @id iri. */
static const json_t *
s_item_by_id (const json_t *items, const char *iri)
{
    size_t k;
    const json_t *it;
    json_array_foreach (items, k, it)
        if (strcmp (json_string_value (json_object_get (it, "@id")), iri) == 0)
            return it;
    fail_msg ("no item %s", iri);
    return NULL;
}

/*  The --json output of a trace from the yarn (the caller decrefs it). */
static json_t *
s_trace_json (const char *extra)
{
    s_vfctl ("trace", "-d", s_node, "--json", YARN, extra, NULL);
    s_expect (0, 'o', "\"@context\"");
    json_error_t jerr;
    json_t *doc = json_loads (s_out, 0, &jerr);
    if (!doc)
        fail_msg ("--json is not JSON: %s\n%s", jerr.text, s_out);
    return doc;
}

static void
test_json_is_json_ld_with_parent_links (void **state)
{
    json_t *doc = s_trace_json (NULL);
    /*  a JSON-LD document: VF as the vocabulary, vfnode's terms in vfn: */
    const json_t *ctx = json_object_get (doc, "@context");
    assert_string_equal (json_string_value (json_object_get (ctx, "@vocab")),
                         "https://w3id.org/valueflows/ont/vf#");
    assert_string_equal (json_string_value (json_object_get (ctx, "vfn")), "urn:vfnode:");
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (ctx, "provider"), "@type")), "@id");
    assert_string_equal (json_string_value (json_object_get (doc, "direction")), "trace");
    assert_string_equal (json_string_value (json_object_get (doc, "start")), YARN);
    assert_true (json_is_false (json_object_get (doc, "truncated")));

    /*  items in walk order: each names its index, and every one but the
        start an earlier item as its parent, one level up */
    const json_t *items = json_object_get (doc, "items");
    assert_int_equal (json_array_size (items), 13);
    assert_int_equal (json_integer_value (json_object_get (doc, "visited")), 13);
    size_t k;
    const json_t *it;
    json_array_foreach (items, k, it) {
        assert_int_equal (json_integer_value (json_object_get (it, "vfn:item")), k);
        const json_t *parent = json_object_get (it, "vfn:parent");
        json_int_t depth = json_integer_value (json_object_get (it, "vfn:depth"));
        if (k == 0) {
            assert_null (parent);
            assert_int_equal (depth, 0);
            continue;
        }
        assert_true (json_is_integer (parent));
        assert_true (json_integer_value (parent) < (json_int_t) k);
        const json_t *up = json_array_get (items, (size_t) json_integer_value (parent));
        assert_int_equal (depth, json_integer_value (json_object_get (up, "vfn:depth")) + 1);
        const char *type = json_string_value (json_object_get (it, "@type"));
        assert_true (!strcmp (type, "EconomicResource") || !strcmp (type, "EconomicEvent") ||
                     !strcmp (type, "Process"));
    }
    /*  the farm's sale hangs under the mill's stock it went into */
    const json_t *sale = s_item_by_id (items, FARM "sale");
    const json_t *wool_in = s_item_by_id (items, MILL "stock/wool-in");
    assert_int_equal (json_integer_value (json_object_get (sale, "vfn:parent")),
                      json_integer_value (json_object_get (wool_in, "vfn:item")));
    assert_string_equal (json_string_value (json_object_get (sale, "action")), "transfer");
    assert_string_equal (json_string_value (json_object_get (sale, "vfn:organisation")), s_farm);
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (doc, "organisations"), s_farm)),
        "Hill Farm Co-op");
    assert_string_equal (
        json_string_value (json_object_get (json_object_get (doc, "agents"), FARM "ana")), "Ana");
    const json_t *dye = s_item_by_id (items, "https://dye.example/lot/indigo");
    assert_true (json_is_true (json_object_get (dye, "vfn:unknown")));
    assert_null (json_object_get (doc, "rollup"));
    json_decref (doc);

    /*  with --rollup the sums come along */
    doc = s_trace_json ("--rollup");
    const json_t *work = json_object_get (json_object_get (doc, "rollup"), "work");
    assert_int_equal (json_array_size (work), 2);
    assert_non_null (json_object_get (json_object_get (doc, "@context"), "rollup"));
    json_decref (doc);
}

/*  The value of attribute name (name="value") in a DOT line; "" if none. */
static void
s_dot_attr (const char *line, const char *name, char *out, size_t size)
{
    char key[64];
    snprintf (key, sizeof key, " %s=\"", name);
    const char *at = strstr (line, key);
    out[0] = '\0';
    if (at) {
        at += strlen (key);
        snprintf (out, size, "%.*s", (int) strcspn (at, "\""), at);
    }
}

static void
test_dot_is_a_graph_with_a_colour_per_organisation (void **state)
{
    json_t *doc = s_trace_json (NULL);
    const json_t *items = json_object_get (doc, "items");
    size_t n = json_array_size (items);
    s_vfctl ("trace", "-d", s_node, "--dot", YARN, NULL);
    s_expect (0, 'o', "digraph trace {\n");
    assert_true (strncmp (s_out, "digraph trace {\n", 16) == 0);
    assert_true (strlen (s_out) > 2 && strcmp (s_out + strlen (s_out) - 2, "}\n") == 0);

    /*  every item declared once, with its organisation's fill colour */
    bool declared[64] = { false };
    json_t *colour_of_org = json_object (), *org_of_colour = json_object ();
    assert_true (n <= 64);
    char *text = strdup (s_out), *save = NULL;
    size_t edges = 0;
    for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        unsigned a, b;
        if (sscanf (line, " n%u -> n%u;", &a, &b) == 2) {
            if (a >= n || b >= n || !declared[a] || !declared[b])
                fail_msg ("edge to an undeclared node: %s", line);
            edges++;
            continue;
        }
        char rest[8];
        if (sscanf (line, " n%u [%7s", &a, rest) != 2)
            continue;
        assert_true (a < n);
        assert_false (declared[a]);
        declared[a] = true;
        char fill[64];
        s_dot_attr (line, "fillcolor", fill, sizeof fill);
        const json_t *it = json_array_get (items, a);
        if (json_is_true (json_object_get (it, "vfn:unknown"))) {
            assert_non_null (strstr (line, "dashed"));
            assert_non_null (strstr (line, "unknown, owned by https://dye.example/"));
            continue;
        }
        const char *org = json_string_value (json_object_get (it, "vfn:organisation"));
        assert_non_null (org);
        assert_true (fill[0] != '\0');
        const char *had = json_string_value (json_object_get (colour_of_org, org));
        if (had)
            assert_string_equal (had, fill); /* one colour per organisation */
        else
            json_object_set_new (colour_of_org, org, json_string (fill));
        had = json_string_value (json_object_get (org_of_colour, fill));
        if (had)
            assert_string_equal (had, org); /* and no colour for two */
        else
            json_object_set_new (org_of_colour, fill, json_string (org));
    }
    free (text);
    for (size_t k = 0; k < n; k++)
        if (!declared[k])
            fail_msg ("item %zu is not in the graph:\n%s", k, s_out);
    assert_int_equal (edges, n - 1);
    assert_int_equal (json_object_size (colour_of_org), 2);
    /*  the organisations are named */
    assert_non_null (strstr (s_out, "label=\"Hill Farm Co-op\";"));
    assert_non_null (strstr (s_out, "label=\"Valley Mill Co-op\";"));
    assert_non_null (strstr (s_out, "shape=box"));     /* the processes */
    assert_non_null (strstr (s_out, "shape=ellipse")); /* the resources */
    json_decref (colour_of_org);
    json_decref (org_of_colour);
    json_decref (doc);

    /*  graphviz, if installed, draws it */
    if (system ("command -v dot >/dev/null 2>&1") != 0) {
        printf ("test_vfctl_trace: graphviz (dot) is not installed; not drawing the graph\n");
        return;
    }
    s_write ("trace.dot", s_out);
    char cmd[1200];
    snprintf (cmd, sizeof cmd, "dot -Tsvg '%s/trace.dot' -o '%s/trace.svg'", s_dir, s_dir);
    assert_int_equal (system (cmd), 0);
    s_vfctl ("trace", "-d", s_node, "--dot", "--rollup", "--pending", MILL "stock/sample", NULL);
    s_expect (0, 'o', "rollup [shape=note");
    s_write ("trace.dot", s_out);
    assert_int_equal (system (cmd), 0);
}

static void
test_rollup_shows_work_and_inputs (void **state)
{
    s_vfctl ("trace", "-d", s_node, YARN, "--rollup", NULL);
    s_expect (0, 'o', "Work per organisation and agent:\n");
    s_must_line (s_out, s_yarn_lines[0]); /* the tree first */
    s_must_line (s_out, "  organisation       agent  work");
    s_must_line (s_out, "  Valley Mill Co-op  Ben    6.5 hour");
    s_must_line (s_out, "  Hill Farm Co-op    Ana    9 hour");
    s_expect (0, 'o', "Inputs per organisation, action and specification:\n");
    s_must_line (s_out,
                 "  Valley Mill Co-op  consume  https://mill.example/spec/wool  100 kilogram");
    assert_true (strstr (s_out, "Work per") > strstr (s_out, "event work  9 hour"));
}

/*  The last run failed as a usage error saying "vfctl CMD: message". */
static void
s_expect_usage (const char *cmd, const char *message)
{
    char want[400];
    snprintf (want, sizeof want, "vfctl %s: %s\n`vfctl %s --help` shows the usage\n", cmd, message,
              cmd);
    if (s_status != 2 || strcmp (s_err, want) != 0 || s_out[0] != '\0')
        fail_msg ("expected exit 2 and on stderr:\n%sgot exit %d\nstdout: %s\nstderr: %s", want,
                  s_status, s_out, s_err);
}

static void
test_bad_options_and_unknown_iris_fail (void **state)
{
    s_vfctl ("trace", "-d", s_node, "--bogus", YARN, NULL);
    s_expect_usage ("trace", "unknown option '--bogus'");
    s_vfctl ("trace", "-d", s_node, "--bogus=1", YARN, NULL);
    s_expect_usage ("trace", "unknown option '--bogus'");
    s_vfctl ("trace", "-d", s_node, "--d", YARN, NULL);
    s_expect_usage ("trace", "option '--d' is ambiguous: --dir, --depth, --dot");
    /*  short options: only -d and -j have one */
    s_vfctl ("trace", "-d", s_node, "-x", YARN, NULL);
    s_expect_usage ("trace", "unknown option '-x'");
    s_vfctl ("trace", "-d", s_node, "-b", YARN, NULL);
    s_expect_usage ("trace", "unknown option '-b'");
    s_vfctl ("track", "-D", "3", "-d", s_node, YARN, NULL);
    s_expect_usage ("track", "unknown option '-D'");
    s_vfctl ("trace", "-d", s_node, "-jx", YARN, NULL);
    s_expect_usage ("trace", "unknown option '-x'");
    s_vfctl ("trace", "--dot", "-xj", "-d", s_node, YARN, NULL);
    s_expect_usage ("trace", "unknown option '-x'");
    /*  values: missing, or given to an option that takes none */
    s_vfctl ("trace", "-d", s_node, YARN, "--depth", NULL);
    s_expect_usage ("trace", "option '--depth' needs a value");
    s_vfctl ("trace", YARN, "--dir", NULL);
    s_expect_usage ("trace", "option '--dir' needs a value");
    s_vfctl ("trace", YARN, "-d", NULL);
    s_expect_usage ("trace", "option '-d' needs a value");
    s_vfctl ("next", YARN, "-jd", NULL);
    s_expect_usage ("next", "option '-d' needs a value");
    s_vfctl ("trace", "-d", s_node, "--json=yes", YARN, NULL);
    s_expect_usage ("trace", "option '--json' takes no value");
    s_vfctl ("previous", "-d", s_node, "--rollup=no", YARN, NULL);
    s_expect_usage ("previous", "option '--rollup' takes no value");
    s_vfctl ("trace", "-d", s_node, "--depth", "two", YARN, NULL);
    s_expect_usage ("trace", "--depth 'two': expected a whole number from 1 to 1000000");
    s_vfctl ("track", "-d", s_node, "--max-items", "0", YARN, NULL);
    s_expect_usage ("track", "--max-items '0': expected a whole number from 1 to 100000");
    s_vfctl ("trace", "-d", s_node, "--json", "--dot", YARN, NULL);
    s_expect_usage ("trace", "--json and --dot: choose one");
    s_vfctl ("previous", "-d", s_node, NULL);
    s_expect (2, 'e', "expected one IRI");
    s_vfctl ("next", "-d", s_node, YARN, MILL "spin", NULL);
    s_expect (2, 'e', "expected one IRI");
    assert_string_equal (s_out, "");

    /*  nothing held names it: a clear message and exit 1 */
    s_vfctl ("trace", "-d", s_node, MILL "stock/nothing", NULL);
    s_expect (1, 'e', "vfctl trace: ");
    s_expect (1, 'e', "(not_found)");
    assert_string_equal (s_out, "");
    /*  no node in the directory */
    char none[400];
    s_path (none, sizeof none, s_dir, "none");
    s_vfctl ("trace", "-d", none, YARN, NULL);
    s_expect (1, 'e', "no node in");
}

static void
test_a_truncated_walk_says_so (void **state)
{
    s_vfctl ("trace", "-d", s_node, "--max-items", "3", YARN, NULL);
    s_expect (0, 'e', "stopped at 3 items");
    s_expect (0, 'e', "--max-items");
    assert_int_equal (s_count_lines (s_out), 3);
    /*  --depth 1: the start and what it came from directly */
    s_vfctl ("trace", "-d", s_node, "--depth", "1", YARN, NULL);
    s_expect (0, 'o', "resource Yarn");
    assert_int_equal (s_count_lines (s_out), 2);
    assert_string_equal (s_err, "");
}

static void
test_help_names_the_commands (void **state)
{
    s_vfctl ("trace", "--help", NULL);
    s_expect (0, 'o', "usage: vfctl trace [-d DIR] [OPTIONS] IRI");
    s_expect (0, 'o', "--rollup");
    s_vfctl ("next", "-h", NULL);
    s_expect (0, 'o', "usage: vfctl next");
    s_vfctl ("--help", NULL);
    s_must_line (s_out, "  trace      where a resource came from: every step back, across co-ops");
    s_expect (0, 'o', "\n  track ");
    s_expect (0, 'o', "\n  previous ");
    s_expect (0, 'o', "\n  next ");
}

/*  U+FFFD, what cmd_trace.c shows in place of a character it must not
    print, and the "…" of a cut text. */
#define BAD "\uFFFD"
#define CUT "\u2026"
/*  How HOST is shown: its scheme and start, "…" and its end, cut between
    characters (it has no path to cut at). */
#define HOST_CUT                                                                                   \
    "https://x\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9" CUT                                      \
    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"                                                   \
    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9.example"
#define UNIT_SHOWN "https://units.example/" BAD "gk"
#define EVE_SHOWN "Eve" BAD "]0;t" BAD "\"]; evil [label=\"x\\"
#define E29                                                                                        \
    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"   \
    "\u00e9\u00e9\u00e9\u00e9\u00e9"                                                               \
    "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"

static void
test_hostile_text_reaches_the_terminal_harmless (void **state)
{
    s_vfctl ("trace", "-d", s_node, EVIL, "--rollup", NULL);
    s_expect (0, 'o', "resource A");
    s_assert_safe (s_out);
    /*  each character that could act on the terminal, or hide or reorder
        text, is one U+FFFD; quotes, backslashes and "&" are text */
    s_must_line (s_out, "resource A \"q\" \\b" BAD "cd" BAD "[2J" BAD "31m" BAD
                        "Z&#8238;  5 " UNIT_SHOWN "  [Valley Mill Co-op]");
    s_must_line (s_out, "  event produce  5 " UNIT_SHOWN "  2026-11-20  by Valley Mill  "
                        "[Valley Mill Co-op]");
    s_must_line (s_out, "    process " E29 CUT "  2026-11-19  [Valley Mill Co-op]");
    s_must_line (s_out, "      event consume  2 " UNIT_SHOWN "  2026-11-19  by " HOST_CUT
                        " to Valley Mill  [Valley Mill Co-op]");
    s_must_line (s_out,
                 "        resource " MILL "stock/" BAD "txt.exe (unknown, owned by " HOST_CUT ")");
    s_must_line (s_out, "      event work  1 hour  2026-11-19  by " EVE_SHOWN
                        " to Valley Mill  [Valley Mill Co-op]");
    /*  the rollup's cells too */
    s_must_line (s_out, "  Valley Mill Co-op  " EVE_SHOWN "  1 hour");
    s_expect (0, 'o', "  2 " UNIT_SHOWN "\n");
    assert_null (strstr (s_out, "note"));
    assert_string_equal (s_err, "");
    /*  the walk's 6 items, a line between, the work table (title,
        heading, Eve), a line between, the inputs table (the consume) */
    assert_int_equal (s_count_lines (s_out), 6 + 1 + 3 + 1 + 3);
}

static void
test_long_text_is_cut_between_characters (void **state)
{
    /*  100 emoji of 4 bytes: as many whole ones as fit in 59 bytes */
    s_vfctl ("previous", "-d", s_node, MILL "stock/smile", NULL);
    s_expect (0, 'o', "resource \U0001F600");
    assert_string_equal (
        s_out, "resource "
               "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"
               "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600" CUT
               "  [Valley Mill Co-op]\n");
    /*  exactly S_TEXT_MAX bytes: whole; one more, and the last character
        would end past the cut: it goes */
    s_vfctl ("previous", "-d", s_node, MILL "stock/sixty", NULL);
    assert_string_equal (s_out, "resource " A29 A29 "\u00e9  [Valley Mill Co-op]\n");
    s_vfctl ("previous", "-d", s_node, MILL "stock/sixty-one", NULL);
    assert_string_equal (s_out, "resource " A29 A29 CUT "  [Valley Mill Co-op]\n");
    /*  invisible characters, tags too, are shown; the visible kept */
    s_vfctl ("previous", "-d", s_node, MILL "stock/invisible", NULL);
    assert_string_equal (s_out,
                         "resource Wo" BAD "ol" BAD BAD "x" BAD BAD BAD "|" BAD "|\u65e5\u00fc"
                         "  [Valley Mill Co-op]\n");
    /*  the same cuts in the graph */
    s_vfctl ("previous", "-d", s_node, "--dot", MILL "stock/smile", NULL);
    s_assert_safe (s_out);
    s_expect (0, 'o',
              "[label=\"\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"
              "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600" CUT "\"");
}

/*  Nodes in the graph s_out as Graphviz reads it (-Tplain), after
    drawing it as SVG; -1 if Graphviz is not installed. */
static int
s_dot_nodes (void)
{
    if (system ("command -v dot >/dev/null 2>&1") != 0) {
        printf ("test_vfctl_trace: graphviz (dot) is not installed; not reading the graph\n");
        return -1;
    }
    char cmd[1200], path[400];
    s_write ("odd.dot", s_out);
    snprintf (cmd, sizeof cmd, "dot -Tsvg '%s/odd.dot' -o '%s/odd.svg'", s_dir, s_dir);
    assert_int_equal (system (cmd), 0);
    s_path (path, sizeof path, s_dir, "odd.svg");
    char *svg = s_slurp (path);
    if (strstr (svg, "\u202E")) /* "&#8238;" was read as a character */
        fail_msg ("U+202E in the SVG:\n%s", svg);
    free (svg);
    snprintf (cmd, sizeof cmd, "dot -Tplain '%s/odd.dot' > '%s/odd.plain'", s_dir, s_dir);
    assert_int_equal (system (cmd), 0);
    s_path (path, sizeof path, s_dir, "odd.plain");
    char *plain = s_slurp (path);
    int nodes = 0;
    for (const char *at = plain; (at = strstr (at, "\nnode ")) != NULL; at++)
        nodes++;
    if (strstr (plain, "\nnode evil "))
        fail_msg ("a name declared a node:\n%s", plain);
    free (plain);
    return nodes;
}

static void
test_hostile_text_cannot_break_the_graph (void **state)
{
    s_vfctl ("trace", "-d", s_node, "--dot", EVIL, NULL);
    s_expect (0, 'o', "digraph trace {\n");
    s_assert_safe (s_out);
    /*  in a label quotes and backslashes are escaped, "&" is "&amp;", and
        the items' own lines are DOT's "\n" */
    s_expect (0, 'o',
              "[label=\"A \\\"q\\\" \\\\b" BAD "cd" BAD "[2J" BAD "31m" BAD
              "Z&amp;#8238;\\n5 " UNIT_SHOWN "\", shape=ellipse");
    s_expect (0, 'o', "\\nby Eve" BAD "]0;t" BAD "\\\"]; evil [label=\\\"x\\\\ to Valley Mill\"");
    s_expect (0, 'o', "[label=\"" MILL "stock/" BAD "txt.exe\\n(unknown, owned by " HOST_CUT ")\"");
    /*  Graphviz draws it and reads just the walk's 6 items */
    int nodes = s_dot_nodes ();
    if (nodes >= 0)
        assert_int_equal (nodes, 6);
    /*  and the rollup's note */
    s_vfctl ("trace", "-d", s_node, "--dot", "--rollup", EVIL, NULL);
    s_expect (0, 'o', "rollup [shape=note");
    s_assert_safe (s_out);
    s_expect (0, 'o',
              "\\l  Valley Mill Co-op  Eve" BAD "]0;t" BAD
              "\\\"]; evil [label=\\\"x\\\\  1 hour\\l");
    nodes = s_dot_nodes ();
    if (nodes >= 0)
        assert_int_equal (nodes, 7);
}

/*  The node refuses text that is not UTF-8, so none reaches vfctl (which
    would show each such byte as U+FFFD). */
static void
test_text_that_is_not_utf8_is_refused (void **state)
{
    char path[400];
    s_path (path, sizeof path, s_dir, "bad-utf8.jsonld");
    s_write ("bad-utf8.jsonld", "{\"@id\": \"" MILL "stock/latin1\", \"@type\": "
                                "\"EconomicResource\", \"name\": \"Caf\xe9 \xc2\x9b\xff\"}\n");
    assert_int_not_equal (s_vfctl ("publish", "-d", s_node, path, NULL), 0);
    s_write ("bad-utf8.jsonld", "{\"@id\": \"" MILL "stock/latin1\", \"@type\": "
                                "\"EconomicResource\", \"name\": \"half \\ud800 a pair\"}\n");
    assert_int_not_equal (s_vfctl ("publish", "-d", s_node, path, NULL), 0);
    s_vfctl ("trace", "-d", s_node, MILL "stock/latin1", NULL);
    s_expect (1, 'e', "(not_found)");
}

/*  Last: without the daemon the walk is read from the store. */
static void
test_a_stopped_node_answers_from_its_store (void **state)
{
    assert_int_equal (s_stop (s_pid), 0);
    s_vfctl ("trace", "-d", s_node, YARN, NULL);
    s_expect (0, 'o', "resource Yarn  90 kilogram");
    s_must_line (s_out, s_yarn_lines[6]);
    assert_int_equal (s_count_lines (s_out), 13);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_trace_prints_an_indented_tree),
        cmocka_unit_test (test_markers_say_how_an_item_was_reached),
        cmocka_unit_test (test_track_previous_and_next),
        cmocka_unit_test (test_json_is_json_ld_with_parent_links),
        cmocka_unit_test (test_dot_is_a_graph_with_a_colour_per_organisation),
        cmocka_unit_test (test_rollup_shows_work_and_inputs),
        cmocka_unit_test (test_bad_options_and_unknown_iris_fail),
        cmocka_unit_test (test_a_truncated_walk_says_so),
        cmocka_unit_test (test_help_names_the_commands),
        cmocka_unit_test (test_hostile_text_reaches_the_terminal_harmless),
        cmocka_unit_test (test_long_text_is_cut_between_characters),
        cmocka_unit_test (test_hostile_text_cannot_break_the_graph),
        cmocka_unit_test (test_text_that_is_not_utf8_is_refused),
        cmocka_unit_test (test_a_stopped_node_answers_from_its_store),
    };
    return cmocka_run_group_tests (tests, s_group_setup, s_group_teardown);
}
