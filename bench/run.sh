#!/usr/bin/env bash
# Runs every benchmark in turn; each prints its figures and ratios measured side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in bench/compile.ts bench/roundtrip.ts bench/up.ts bench/remote-up.ts bench/remote-call.ts bench/remote-resync.ts bench/test-runner.ts bench/watch.ts; do
  if [ -f "$b" ]; then
    echo "== $b"
    ./node_modules/.bin/bun "$b"
    echo
  fi
done
