#!/bin/sh
# vfnode demo: what exists today. Two co-ops make identities, sign their own
# ValueFlows records (a wool supply chain that crosses from a farm co-op to a
# spinning co-op), and anyone can verify them; a forged change and a record
# that breaks the ValueFlows rules are both caught. The node daemon,
# replication between nodes and trace arrive with the next issues and will
# grow this demo into a local federation.
set -eu
bin=${1:-build/bin}
top=$(cd "$(dirname "$0")/.." && pwd)
examples="$top/docs/examples"
vfctl="$bin/vfctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }

step "1. Two co-ops create their node identities (Ed25519; secret key files mode 0600)"
farm=$("$vfctl" keygen "$work/farm.key")
spin=$("$vfctl" keygen "$work/spin.key")
echo "Hill Farm Co-op        $farm"
echo "Valley Spinning Co-op  $spin"

step "2. Each co-op signs its own ValueFlows JSON-LD records as entries"
"$vfctl" sign --key "$work/farm.key" --seq 1 "$examples/farm.jsonld" > "$work/farm.entries"
"$vfctl" sign --key "$work/spin.key" --seq 1 "$examples/spinning.jsonld" > "$work/spin.entries"
echo "farm: $(wc -l < "$work/farm.entries") entries, spinning: $(wc -l < "$work/spin.entries") entries"
echo "one entry, as JSON-LD with its signed envelope (vfn:entry):"
sed -n 9p "$work/farm.entries" | cut -c1-400
echo "..."

step "3. Anyone verifies both: content hash = id, signature by the author, ValueFlows rules"
cat "$work/farm.entries" "$work/spin.entries" | "$vfctl" verify --list
echo
echo "The wool crosses organisations: the farm's transfer names the spinners'"
echo "resource (toResourceInventoriedAs), which the spinning co-op consumes to make yarn."

step "4. A forged change is caught: the transfer edited from 100 kg to 1000 kg"
sed '9s/"hasNumericalValue":100,/"hasNumericalValue":1000,/' "$work/farm.entries" > "$work/forged.entries"
if "$vfctl" verify "$work/forged.entries" 2>&1; then
    echo "demo: the forgery was NOT detected" >&2
    exit 1
fi

step "5. A record that breaks the ValueFlows rules is refused before it is signed"
echo '{"@type": "EconomicEvent", "@id": "https://farm.coop.example/event/bad",
       "action": "consume", "provider": "https://farm.coop.example/",
       "receiver": "https://farm.coop.example/", "resourceConformsTo": "https://farm.coop.example/spec/fleece-wool",
       "resourceQuantity": {"hasNumericalValue": "12,5", "hasUnit": "kilogram"}}' > "$work/bad.jsonld"
if "$vfctl" sign --key "$work/farm.key" --seq 10 "$work/bad.jsonld" 2>&1; then
    echo "demo: the invalid record was signed" >&2
    exit 1
fi

printf '\nDone. Next: the node daemon stores entries in LMDB, peers replicate them\nover ZeroMQ, and `vfctl trace` walks the yarn back to the farm.\n'
