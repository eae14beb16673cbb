#!/bin/sh
# vfnode demo: two co-ops, two nodes, one network. The nodes connect over
# CurveZMQ (each admits only members of a network they share) and gossip
# signed entries. Each co-op publishes its own ValueFlows records (a wool
# supply chain that crosses from a farm co-op to a spinning co-op); the
# farm's entries reach the mill by themselves; the mill sees the farm's
# transfer into its stock as pending, confirms it, and its stock is then
# what both co-ops' records say. A forged entry is caught.
set -eu
bin=${1:-build/bin}
top=$(cd "$(dirname "$0")/.." && pwd)
examples="$top/docs/examples"
vfctl="$bin/vfctl"
vfnode="$bin/vfnode"
work=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }
start() { # DIR: start a node, wait until it answers
    "$vfnode" -d "$1" 2>>"$1.log" &
    pids="$pids $!"
    for _ in $(seq 1 100); do
        "$vfctl" status -d "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "demo: vfnode did not start on $1:" >&2
    cat "$1.log" >&2
    exit 1
}

step "1. Two co-ops create their nodes (identity, config, store) and start them"
"$vfctl" init "$work/farm" --name "Hill Farm Co-op" >/dev/null 2>&1
"$vfctl" init "$work/mill" --name "Valley Spinning Co-op" >/dev/null 2>&1
# each node listens for peers on its own loopback port
sed -i 's|bind = "tcp://\*:7690"|bind = "tcp://127.0.0.1:17691"|' "$work/farm/vfnode.conf"
sed -i 's|bind = "tcp://\*:7690"|bind = "tcp://127.0.0.1:17692"|' "$work/mill/vfnode.conf"
start "$work/farm"
start "$work/mill"
"$vfctl" id -d "$work/farm"
"$vfctl" id -d "$work/mill"
farm_key=$("$vfctl" id -d "$work/farm" | cut -d' ' -f1)
mill_key=$("$vfctl" id -d "$work/mill" | cut -d' ' -f1)

step "2. They form a network: the farm creates it, the mill joins it by id, each adds the other"
"$vfctl" network -d "$work/farm" add wool-region >/dev/null
net=$("$vfctl" networks -d "$work/farm" | awk 'NR == 1 {print $1}')
"$vfctl" network -d "$work/mill" join "$net" wool-region >/dev/null
"$vfctl" peer -d "$work/farm" add "$mill_key" tcp://127.0.0.1:17692 --network wool-region --name "Valley Spinning"
"$vfctl" peer -d "$work/mill" add "$farm_key" tcp://127.0.0.1:17691 --network wool-region --name "Hill Farm"
for _ in $(seq 1 50); do
    "$vfctl" peers -d "$work/farm" | grep -q connected && break
    sleep 0.1
done
"$vfctl" networks -d "$work/farm"
"$vfctl" peers -d "$work/farm"

step "3. Each co-op publishes its own records: validated, signed, stored and gossiped"
"$vfctl" publish -d "$work/farm" "$examples/farm.jsonld" | tail -n 1
"$vfctl" publish -d "$work/mill" "$examples/spinning.jsonld" | tail -n 1
"$vfctl" events -d "$work/farm"
echo "farm's wool lot after shearing 120.5 kg and selling 100 kg to the mill:"
"$vfctl" resource -d "$work/farm" https://farm.coop.example/lot/wool-2026-11 |
    grep -A2 -E '"(onhandQuantity|accountingQuantity)"' | grep -E 'Quantity|NumericalValue'

step "4. The farm's entries reached the mill's node over the network"
for _ in $(seq 1 50); do
    [ "$("$vfctl" status -d "$work/mill" | awk '/^store/ {print $2}')" -ge 16 ] && break
    sleep 0.1
done
"$vfctl" status -d "$work/mill" | sed -n 2p
"$vfctl" events -d "$work/mill" --author "$farm_key"
"$vfctl" export -d "$work/farm" -o "$work/farm.entries"

step "5. The farm's transfer names the mill's stock: it waits for the mill's confirmation"
"$vfctl" pending -d "$work/mill"
echo "mill's incoming wool before confirming (the mill already consumed 100 kg of it):"
"$vfctl" resource -d "$work/mill" https://spinning.coop.example/stock/wool-in-2026-11 |
    grep -A1 '"onhandQuantity"' | tail -n 1
event=$("$vfctl" pending -d "$work/mill" | awk '{print $1; exit}')
"$vfctl" confirm -d "$work/mill" "$event" | tail -n 1
echo "after confirming: 100 kg in from the farm, 100 kg consumed by spinning:"
"$vfctl" resource -d "$work/mill" https://spinning.coop.example/stock/wool-in-2026-11 |
    grep -A1 '"onhandQuantity"' | tail -n 1
echo "the yarn made of it:"
"$vfctl" resource -d "$work/mill" https://spinning.coop.example/stock/yarn-47 |
    grep -A1 '"onhandQuantity"' | tail -n 1

step "6. A forged entry is refused: the transfer edited from 100 kg to 1000 kg"
grep sale-to-spinners "$work/farm.entries" >"$work/sale.entries"
sed 's/NumericalValue":100\([,}]\)/NumericalValue":1000\1/' "$work/sale.entries" >"$work/forged.entries"
if cmp -s "$work/sale.entries" "$work/forged.entries"; then
    echo "demo: could not edit the entry" >&2
    exit 1
fi
"$vfctl" verify "$work/sale.entries"
if "$vfctl" verify "$work/forged.entries" 2>&1; then
    echo "demo: the forgery was NOT detected" >&2
    exit 1
fi

step "7. The store is consistent: every signature, index and resource state rebuilt and compared"
"$vfctl" db check -d "$work/mill"

printf '\nDone. Next: reconciliation catches a node up on what it missed while away,\nand `vfctl trace` walks the yarn back to the farm.\n'
