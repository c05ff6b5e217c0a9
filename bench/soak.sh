#!/usr/bin/env bash
# Runs every robustness soak (bench/soak-*.ts) in turn: crash trials, hostile input, load. Each prints
# its counts and figures from one run; none of them is a timed assertion, and each stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
soaks=(bench/soak-*.ts)
if [ ${#soaks[@]} -eq 0 ]; then echo "soak: no bench/soak-*.ts yet" >&2; exit 1; fi
for s in "${soaks[@]}"; do
  echo "== $s"
  ./node_modules/.bin/bun "$s"
  echo
done
