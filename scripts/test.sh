#!/usr/bin/env bash
# Runs every test: type-check, then bun's tests against the compiled binary and a real Docker Engine.
# Ends with one line `tests: N passed, N failed` (bun's own counts) that any CI can read.
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# End-to-end tests start real daemons, containers and git repos: give each test up to a minute on a loaded machine.
DUSTY_BIN="$PWD/dist/dusty" ./node_modules/.bin/bun test --timeout 60000 "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

passed=$(grep -Eo '^ *[0-9]+ pass$' "$out" | tail -n1 | grep -Eo '[0-9]+')
failed=$(grep -Eo '^ *[0-9]+ fail$' "$out" | tail -n1 | grep -Eo '[0-9]+')
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
# bun exits 0 when every test passed; anything else (a failed test, a crash, no tests) is a failure.
if [ "$status" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then status=1; fi
exit "$status"
