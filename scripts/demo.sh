#!/usr/bin/env bash
# The README's main job on the built-in example. For now: validate and compile it and print what `up` would write.
set -euo pipefail
cd "$(dirname "$0")/.."
./dist/dusty validate
./dist/dusty compile --print
