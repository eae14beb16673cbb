#!/bin/sh
# check-faults.sh BUILD/tests - run the fault tests in their long form and
# print one table (docs/FAULTS.md).
#
# Runs every BUILD/tests/test_faults_* binary and BUILD/tests/test_hostile
# with VF_FAULTS_LONG=1 (VF_FAULTS_SEED and the other VF_* variables pass
# through), one after the other, each with its output in
# BUILD/faults/NAME.log. Each scenario a test ran printed one line
#     FAULTS<TAB>name<TAB>rounds<TAB>acked<TAB>lost<TAB>bad_inputs<TAB>crashes
# and those lines make the table, with a row of totals; then each binary's
# result: pass, FAIL, or skipped (every test of it was skipped, e.g.
# "skipped: needs root (...)" when not run as root), with the reasons it
# gave for what it skipped.
#
# Exit 1 if a binary failed (or died, or timed out, or printed a FAULTS
# line that does not follow the protocol), or if any lost or crashes is
# above 0; otherwise 0. Skipped tests are not failures.
#
# CHECK_FAULTS_TIMEOUT: seconds one binary may take (default 3600); its
# process group (the test and the nodes it started) is then killed.
set -u
dir=${1:?usage: check-faults.sh BUILD/tests}
limit=${CHECK_FAULTS_TIMEOUT:-3600}
mkdir -p "$dir/../faults" || exit 1
logs=$(cd "$dir/../faults" && pwd)
rows=$(mktemp)
results=$(mktemp)
trap 'rm -f "$rows" "$results"' EXIT
VF_FAULTS_LONG=1
export VF_FAULTS_LONG

failed=0
ran=0
for t in "$dir"/test_faults_* "$dir"/test_hostile; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    log="$logs/$name.log"
    ran=$((ran + 1))
    echo "check-faults: running $name (log: $log)"
    start=$(date +%s)
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 10 "$limit" "$t" >"$log" 2>&1
    else
        "$t" >"$log" 2>&1
    fi
    rc=$?
    secs=$(($(date +%s) - start))
    # cmocka's summary: tests passed, failed and skipped
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    # the protocol's lines, checked: 7 fields, the last five integers
    bad=$(awk -F '\t' '$1 == "FAULTS" && (NF != 7 || $2 == "" ||
              $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ ||
              $6 !~ /^[0-9]+$/ || $7 !~ /^[0-9]+$/)' "$log" | head -n 1)
    awk -F '\t' -v bin="$name" '$1 == "FAULTS" && NF == 7 {
              print bin "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 }' "$log" >>"$rows"
    why=$(grep -i 'skipped:' "$log" | grep -v '^\[' | sed 's/^# *//; s/^[Ss]kipped: *//' | sort -u |
          tr '\n' ';' | sed 's/;$//; s/;/; /g')
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        result="FAIL"
        note="timed out after ${limit} s"
    elif [ "$rc" != 0 ] || [ "$f" != 0 ]; then
        result="FAIL"
        note="exit $rc, $f failed"
    elif [ -n "$bad" ]; then
        result="FAIL"
        note="a FAULTS line off the protocol: $(printf '%s' "$bad" | tr '\t' ' ')"
    elif [ "$p" = 0 ] && [ "$s" != 0 ]; then
        result="skipped"
        note="$s skipped"
    else
        result="pass"
        note="$p passed"
        [ "$s" = 0 ] || note="$note, $s skipped"
    fi
    [ -z "$why" ] || note="$note: $why"
    [ "$result" != FAIL ] || failed=$((failed + 1))
    printf '%s\t%s\t%s\t%s\n' "$name" "$result" "$secs" "$note" >>"$results"
    echo "check-faults: $name: $result ($note, ${secs} s)"
    if [ "$result" = FAIL ]; then
        echo "---- last lines of $log"
        tail -n 40 "$log"
        echo "----"
    fi
done

if [ "$ran" = 0 ]; then
    echo "check-faults: no test_faults_* or test_hostile binary in $dir" >&2
    exit 1
fi

echo
awk -F '\t' '
    BEGIN { fmt = "%-22s %-24s %7s %10s %6s %11s %8s\n"
            printf fmt, "binary", "test", "rounds", "acked", "lost", "bad_inputs", "crashes" }
    { printf fmt, $1, $2, $3, $4, $5, $6, $7
      r += $3; a += $4; l += $5; b += $6; c += $7 }
    END { printf fmt, "total", "", r + 0, a + 0, l + 0, b + 0, c + 0 }' "$rows"
lost=$(awk -F '\t' '{ n += $5 } END { print n + 0 }' "$rows")
crashes=$(awk -F '\t' '{ n += $7 } END { print n + 0 }' "$rows")

echo
awk -F '\t' '{ printf "%-22s %-8s %6s s  %s\n", $1, $2, $3, $4 }' "$results"
passed=$(awk -F '\t' '$2 == "pass"' "$results" | wc -l)
skipped=$(awk -F '\t' '$2 == "skipped"' "$results" | wc -l)
echo
echo "check-faults: $ran binaries: $passed passed, $failed failed, $skipped skipped;" \
    "entries lost $lost, crashes $crashes"
[ "$failed" = 0 ] && [ "$lost" = 0 ] && [ "$crashes" = 0 ]
