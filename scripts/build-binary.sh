#!/usr/bin/env bash
# Compiles dusty into one self-contained binary: the one place that holds the build flags, for dist/dusty
# (the Makefile) and for every release target (scripts/release.sh).
#
#   bash scripts/build-binary.sh OUT [--target darwin-arm64|darwin-x64|linux-x64|linux-arm64] [--version V]
#
# --target cross-compiles (bun fetches that target's runtime from the npm registry once, then caches it).
# --version pins the version baked in (default: package.json's; test releases use it to make a newer one).
# Environment: RELEASE_URL (the default of `dusty upgrade`), COMMIT (default: git's HEAD, "-dirty" when changed).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: build-binary.sh OUT [--target T] [--version V]}
shift
target="" version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    *) echo "build-binary: unknown argument \"$1\"" >&2; exit 2 ;;
  esac
done

if [ -z "${COMMIT:-}" ]; then
  COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT-dirty"; fi
fi

flags=(--compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig --minify --bytecode --format=esm --splitting)
flags+=(--define "DUSTY_BUILD_COMMIT=\"$COMMIT\"" --define "DUSTY_BUILD_RELEASE_URL=\"${RELEASE_URL:-}\"")
if [ -n "$target" ]; then
  flags+=(--target "bun-$target" --define "DUSTY_BUILD_TARGET=\"$target\"")
fi
[ -n "$version" ] && flags+=(--define "DUSTY_BUILD_VERSION=\"$version\"")
exec ./node_modules/.bin/bun build "${flags[@]}" --outfile "$out" cmd/main.ts
