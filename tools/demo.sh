#!/bin/sh
# vfnode demo: three co-ops, three nodes, two networks. A farm co-op and a
# spinning co-op share the network "wool-region"; the spinning co-op and a
# knitting co-op share "yarn-market", so the spinning co-op's node is the
# bridge. Nodes connect over CurveZMQ (each admits only members of a network
# they share) and gossip signed entries: public entries travel hop by hop
# through the bridge, entries addressed to one network never leave it. Each
# co-op publishes its own part of a supply chain (fleece -> yarn ->
# sweaters); transfers into another co-op's stock wait for that co-op's
# confirmation. A node that was away catches up by reconciliation, a forged
# entry is caught, every store checks clean, and the knitters trace their
# sweaters back to the farm's shearing (build/demo/sweaters-trace.dot, and
# .svg when graphviz is installed).
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
stop() { # DIR: stop the node (SIGTERM), wait until it is gone
    pid=$(cat "$1/vfnode.lock")
    kill "$pid"
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
}
entries() { "$vfctl" status -d "$1" | awk '/^store/ {print $2}'; }
wait_entries() { # DIR N: wait (at most 10 s) until the node holds N entries
    for _ in $(seq 1 100); do
        [ "$(entries "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    echo "demo: $1 holds $(entries "$1") entries, expected $2" >&2
    exit 1
}
wait_connected() { # DIR N: wait until N peers are connected
    for _ in $(seq 1 100); do
        [ "$("$vfctl" peers -d "$1" | grep -c ' connected ')" -ge "$2" ] && return 0
        sleep 0.1
    done
}
stored() { awk '/stored/ {print $1}'; }
quantity() { # DIR IRI FIELD: the resource's quantity
    "$vfctl" resource -d "$1" "$2" | grep -A1 "\"$3\"" | awk -F'"' '/NumericalValue/ {print $4}'
}

step "1. Three co-ops create their nodes (identity, config, store) and start them"
port=17691
for coop in farm mill knit; do
    case $coop in
    farm) name="Hill Farm Co-op" ;;
    mill) name="Valley Spinning Co-op" ;;
    knit) name="Harbour Knitting Co-op" ;;
    esac
    "$vfctl" init "$work/$coop" --name "$name" >/dev/null 2>&1
    # each node listens for peers on its own loopback port
    sed -i "s|bind = \"tcp://\*:7690\"|bind = \"tcp://127.0.0.1:$port\"|" "$work/$coop/vfnode.conf"
    port=$((port + 1))
    start "$work/$coop"
    "$vfctl" id -d "$work/$coop"
done
farm_key=$("$vfctl" id -d "$work/farm" | cut -d' ' -f1)
mill_key=$("$vfctl" id -d "$work/mill" | cut -d' ' -f1)
knit_key=$("$vfctl" id -d "$work/knit" | cut -d' ' -f1)

step "2. Two networks: wool-region (farm, mill) and yarn-market (mill, knitters); the mill bridges them"
"$vfctl" network -d "$work/farm" add wool-region >/dev/null
wool=$("$vfctl" networks -d "$work/farm" | awk 'NR == 1 {print $1}')
"$vfctl" network -d "$work/mill" join "$wool" wool-region >/dev/null
"$vfctl" network -d "$work/knit" add yarn-market >/dev/null
yarn=$("$vfctl" networks -d "$work/knit" | awk 'NR == 1 {print $1}')
"$vfctl" network -d "$work/mill" join "$yarn" yarn-market >/dev/null
"$vfctl" peer -d "$work/farm" add "$mill_key" tcp://127.0.0.1:17692 --network wool-region --name "Valley Spinning" >/dev/null
"$vfctl" peer -d "$work/mill" add "$farm_key" tcp://127.0.0.1:17691 --network wool-region --name "Hill Farm" >/dev/null
"$vfctl" peer -d "$work/mill" add "$knit_key" tcp://127.0.0.1:17693 --network yarn-market --name "Harbour Knitting" >/dev/null
"$vfctl" peer -d "$work/knit" add "$mill_key" tcp://127.0.0.1:17692 --network yarn-market --name "Valley Spinning" >/dev/null
wait_connected "$work/mill" 2
"$vfctl" networks -d "$work/mill"
"$vfctl" peers -d "$work/mill"

step "3. Each co-op publishes its own records: validated, signed, stored, then gossiped"
echo "the farm, in public:"
n_farm=$("$vfctl" publish -d "$work/farm" "$examples/farm.jsonld" | tail -n 1 | tee /dev/stderr | stored)
echo "the spinning co-op, in public:"
n_mill=$("$vfctl" publish -d "$work/mill" "$examples/spinning.jsonld" | tail -n 1 | tee /dev/stderr | stored)
echo "the spinning co-op's sale of yarn, to yarn-market only:"
n_sale=$("$vfctl" publish -d "$work/mill" --audience "$yarn" "$examples/yarn-sale.jsonld" | tail -n 1 | tee /dev/stderr | stored)
echo "the knitters, to yarn-market only:"
n_knit=$("$vfctl" publish -d "$work/knit" --audience "$yarn" "$examples/knitting.jsonld" | tail -n 1 | tee /dev/stderr | stored)

step "4. Gossip: public entries reach every node (the farm's reach the knitters through the bridge); yarn-market entries never reach the farm"
public=$((n_farm + n_mill))
wait_entries "$work/mill" $((public + n_sale + n_knit))
wait_entries "$work/knit" $((public + n_sale + n_knit))
wait_entries "$work/farm" "$public"
sleep 0.5 # anything more would have come by now
for coop in farm mill knit; do
    printf '%-5s ' "$coop"
    "$vfctl" status -d "$work/$coop" | sed -n 2p
done
echo "the farm's events, as the knitters' node holds them (two hops away):"
"$vfctl" events -d "$work/knit" --author "$farm_key"
echo "the knitters' entries on the farm's node (not in its networks): $("$vfctl" events -d "$work/farm" --author "$knit_key" | wc -l)"
if [ "$(entries "$work/farm")" -ne "$public" ]; then
    echo "demo: the farm holds entries outside its networks" >&2
    exit 1
fi

step "5. Transfers into another co-op's stock wait for that co-op: each confirms what it received"
"$vfctl" pending -d "$work/mill"
"$vfctl" pending -d "$work/knit"
for coop in mill knit; do
    event=$("$vfctl" pending -d "$work/$coop" | awk '{print $1; exit}')
    "$vfctl" confirm -d "$work/$coop" "$event" | tail -n 1
done
echo "farm's wool lot: $(quantity "$work/farm" https://farm.coop.example/lot/wool-2026-11 onhandQuantity) kg (120.5 shorn, 100 sold)"
echo "mill's incoming wool: $(quantity "$work/mill" https://spinning.coop.example/stock/wool-in-2026-11 onhandQuantity) kg (100 bought, 100 spun)"
echo "mill's yarn: $(quantity "$work/mill" https://spinning.coop.example/stock/yarn-47 onhandQuantity) kg (91.25 spun, 40 sold)"
echo "knitters' yarn: $(quantity "$work/knit" https://knitting.coop.example/stock/yarn-in-2026-11 onhandQuantity) kg (40 bought, 40 knitted)"
echo "knitters' sweaters: $(quantity "$work/knit" https://knitting.coop.example/stock/sweaters-2026-11 onhandQuantity)"

step "6. The farm's node goes away; the mill plans its next run meanwhile; back, the farm catches up"
had=$(entries "$work/farm")
stop "$work/farm"
"$vfctl" publish -d "$work/mill" "$examples/spinning-note.jsonld" | tail -n 1
start "$work/farm"
wait_connected "$work/farm" 1
"$vfctl" sync -d "$work/farm" --wait
wait_entries "$work/farm" $((had + 1))
echo "the farm held $had entries and now holds $(entries "$work/farm")"
"$vfctl" peers -d "$work/farm"

step "7. A forged entry is refused: the farm's sale edited from 100 kg to 1000 kg"
"$vfctl" export -d "$work/farm" -o "$work/farm.entries"
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

step "8. Every store is consistent: signatures, indexes and resource states rebuilt and compared"
for coop in farm mill knit; do
    "$vfctl" db check -d "$work/$coop" | sed "s/^/$coop: /"
done

step "9. Where did the sweaters come from? The knitters' node traces them back across the three co-ops"
sweaters=https://knitting.coop.example/stock/sweaters-2026-11
"$vfctl" trace -d "$work/knit" "$sweaters" --rollup
if ! "$vfctl" trace -d "$work/knit" "$sweaters" --json | grep -q 'farm.coop.example/event/shearing-work'; then
    echo "demo: the trace does not reach the farm's shearing" >&2
    exit 1
fi
out="$top/build/demo"
mkdir -p "$out"
"$vfctl" trace -d "$work/knit" "$sweaters" --dot >"$out/sweaters-trace.dot"
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg "$out/sweaters-trace.dot" -o "$out/sweaters-trace.svg"
    echo "the trace as a graph: $out/sweaters-trace.dot and $out/sweaters-trace.svg"
else
    echo "the trace as a graph: $out/sweaters-trace.dot (install graphviz for an SVG: dot -Tsvg)"
fi
echo
echo "the farm's node tracks its wool forward: it sees the yarn, not who bought it (yarn-market only):"
"$vfctl" track -d "$work/farm" https://farm.coop.example/lot/wool-2026-11

printf '\nDone.\n'
