#!/bin/sh
# Run every test binary in DIR (cmocka unit tests test_* and fuzz corpus
# replays replay_*), then print one closing line "N passed, N failed".
# A binary that dies without cmocka's summary counts as one failed test.
set -u
dir=${1:?usage: run-tests.sh BUILD/tests}
passed=0
failed=0
failed_names=""
for t in "$dir"/test_* "$dir"/replay_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$(mktemp)
    case "$name" in
        replay_*) "$t" "tests/fuzz/corpus/${name#replay_}" >"$out" 2>&1 ;;
        *) "$t" >"$out" 2>&1 ;;
    esac
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        f=1
    fi
    if [ "$f" != 0 ]; then
        cat "$out"
        failed_names="$failed_names $name"
        echo "FAIL $name ($p passed, $f failed, exit $rc)"
    else
        echo "ok   $name ($p passed)"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    rm -f "$out"
done
[ -z "$failed_names" ] || echo "failing:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
