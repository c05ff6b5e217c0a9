#!/usr/bin/env bash
# Builds a release: for each target a tarball `dusty-<version>-<os>-<arch>.tar.gz` (the binary, README.md,
# completions/ and man/, generated from the command definitions), a .deb for each Linux target, and SHA256SUMS; with every
# target built and --formula given, also the Homebrew formula for them.
#
#   bash scripts/release.sh [--out DIR] [--version V] [--formula FILE] [TARGET...]
#
# TARGETs: darwin-arm64 darwin-x64 linux-x64 linux-arm64 (default: all). --out defaults to dist/release
# (emptied first). --version defaults to package.json's. Environment: RELEASE_URL (see the Makefile),
# GZIP_LEVEL (default 6).
set -euo pipefail
cd "$(dirname "$0")/.."
BUN=./node_modules/.bin/bun
ALL_TARGETS=(darwin-arm64 darwin-x64 linux-x64 linux-arm64)

out=dist/release version="" formula="" targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --formula) formula=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "release: unknown option \"$1\" (try --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "release: unknown target \"$t\": expected one of ${ALL_TARGETS[*]}" >&2; exit 2; }
done
[ -n "$version" ] || version=$($BUN -p 'require("./package.json").version')
export RELEASE_URL=${RELEASE_URL:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/dusty-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# One target: binary, tarball and (on Linux) .deb, in $work/<target>/ so that targets build side by side.
build_target() {
  local target=$1 folder="dusty-$version-$1" dir="$work/$1"
  mkdir -p "$dir/$folder"
  bash scripts/build-binary.sh "$dir/$folder/dusty" --target "$target" --version "$version" >"$dir/build.log" 2>&1 ||
    { cat "$dir/build.log" >&2; echo "release: cannot build $target (bun's output above)" >&2; return 1; }
  echo "release: $target: $(file -b "$dir/$folder/dusty" | cut -d, -f1-2)"
  cp README.md "$dir/$folder/"
  local extra
  for extra in completions man; do if [ -d "$work/docs/$extra" ]; then cp -R "$work/docs/$extra" "$dir/$folder/"; fi; done
  # Same bytes for the same binary: fixed owner and times, sorted names, no gzip timestamp.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" -cf - "$folder" | gzip "-$level" -n >"$out/$folder.tar.gz"
  case "$target" in linux-*)
    $BUN scripts/release-files.ts deb --version "$version" --target "$target" --binary "$dir/$folder/dusty" --docs "$work/docs" --out "$dir/deb"
    dpkg-deb --root-owner-group -Zgzip "-z$level" --build "$dir/deb" "$out/$(cat "$dir/deb.name")" >/dev/null
    ;;
  esac
  rm -rf "${dir:?}"
}

# gzip -6 by default; tests pass GZIP_LEVEL=1 (2.4 times faster here, 7 % bigger).
level=${GZIP_LEVEL:-6}
$BUN scripts/generate-docs.ts "$work/docs" >/dev/null
pids=()
for target in "${targets[@]}"; do
  build_target "$target" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "release: stopped: a target failed to build (above); $out is incomplete" >&2; exit 1; }

(cd "$out" && sha256sum -- *.tar.gz $(ls *.deb 2>/dev/null) >SHA256SUMS)
if [ -n "$formula" ]; then
  if [ ${#targets[@]} -eq ${#ALL_TARGETS[@]} ]; then
    mkdir -p "$(dirname "$formula")"
    url=$RELEASE_URL
    if [ -z "$url" ]; then
      url=https://dusty.invalid/releases
      echo "release: RELEASE_URL is not set: $formula points at the placeholder $url" >&2
    fi
    $BUN scripts/release-files.ts formula --version "$version" --url "$url" --sums "$out/SHA256SUMS" --out "$formula"
    cp "$formula" "$out/dusty.rb"
  else
    echo "release: not writing $formula: the formula needs every target (${ALL_TARGETS[*]})" >&2
  fi
fi
echo "release: dusty $version in $out:"
(cd "$out" && ls -l | tail -n +2 | awk '{ printf "  %s  %d MB\n", $NF, $5 / 1048576 }')
