#!/usr/bin/env bash
# Builds the images dusty's tests and demo run, from programs already installed on this machine, with
# `docker import` only: no registry is needed (or reachable) here.
#
#   dusty-example/busybox:latest  static busybox with its applets, /tmp, root in /etc/passwd; CMD ["sh"]
#   dusty-test/nginx:latest       Debian's nginx + the libraries it links + the stream module + busybox;
#                                 CMD ["nginx", "-g", "daemon off;"], config layout like the official image
#
# Each image carries a label with a hash of its inputs (this script and the files copied in), and a build
# is skipped when an image with that label exists, so a second run takes a fraction of a second.
# Needs the packages scripts/ensure-docker.sh installs. Usage: bash scripts/build-test-images.sh [--force]
set -euo pipefail

BUSYBOX_IMAGE=dusty-example/busybox:latest
NGINX_IMAGE=dusty-test/nginx:latest
HASH_LABEL=dusty.content-hash
SELF=$(readlink -f "$0")
BUSYBOX=/bin/busybox
NGINX=/usr/sbin/nginx
NGINX_MODULES=/usr/lib/nginx/modules
STREAM_MODULE=$NGINX_MODULES/ngx_stream_module.so
ROOTFS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

force=0
[ "${1:-}" = "--force" ] && force=1

say() { echo "build-test-images: $*"; }
die() { echo "build-test-images: $*" >&2; exit 1; }

# Test files and `make test` may call this at the same time; one build at a time.
exec 9>"/tmp/dusty-build-test-images.lock"
flock 9

docker version >/dev/null 2>&1 || die "the Docker Engine does not answer: run scripts/ensure-docker.sh first"
# Debian's busybox (not -static) is dynamically linked and would not run in an image without its libc.
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
  die "$BUSYBOX is missing or not static: install busybox-static (scripts/ensure-docker.sh does)"
[ -x "$NGINX" ] || die "$NGINX is missing: install nginx-light (scripts/ensure-docker.sh does)"

staging=$(mktemp -d /tmp/dusty-image.XXXXXX)
trap 'rm -rf "$staging"' EXIT

# Hash of this script and every input file, short enough to read in `docker inspect`.
content_hash() { sha256sum "$SELF" "$@" | sha256sum | cut -c1-16; }

current_hash() { docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true; }

# Imports a root folder as an image; the replaced image, now untagged, is removed unless a container uses it.
import_rootfs() {
  local root=$1 ref=$2 hash=$3 cmd=$4 old
  old=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
    docker import -c "CMD $cmd" -c "ENV PATH=$ROOTFS_PATH" -c "LABEL $HASH_LABEL=$hash" -c "LABEL dusty.test-image=true" \
      -m "built by scripts/build-test-images.sh" - "$ref" >/dev/null
  [ -n "$old" ] && docker rmi "$old" >/dev/null 2>&1 || true
}

# A minimal root: static busybox, one symlink per applet, /tmp, and root/nobody accounts.
make_busybox_root() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,run,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  # --list-full names each applet with its usual folder (bin/sh, usr/bin/wget, sbin/ip …); `--install -s`
  # would point the links at this machine's busybox path instead of the image's.
  while read -r applet; do
    [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done < <("$BUSYBOX" --list-full)
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
  printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$root/etc/nsswitch.conf"
}

# Copies a file to the same path under root, following symlinks (merged /usr makes /lib a link here).
copy_same_path() { mkdir -p "$1$(dirname "$2")" && cp -L "$2" "$1$2"; }

# Every shared library a binary loads, and the dynamic loader, as absolute paths.
shared_libraries() { ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'; }

build_busybox() {
  local hash
  hash=$(content_hash "$BUSYBOX")
  if [ $force -eq 0 ] && [ "$(current_hash "$BUSYBOX_IMAGE")" = "$hash" ]; then return 0; fi
  local started=$SECONDS root=$staging/busybox
  make_busybox_root "$root"
  import_rootfs "$root" "$BUSYBOX_IMAGE" "$hash" '["sh"]'
  [ "$(docker run --rm "$BUSYBOX_IMAGE" sh -c 'echo ok')" = ok ] || die "$BUSYBOX_IMAGE was built but cannot run sh"
  say "built $BUSYBOX_IMAGE in $((SECONDS - started)) s"
}

write_nginx_config() {
  local root=$1
  mkdir -p "$root/etc/nginx/conf.d" "$root/etc/nginx/modules-enabled" "$root/usr/share/nginx/html" \
    "$root/var/log/nginx" "$root/var/lib/nginx" "$root/var/cache/nginx" "$root/var/lock" "$root/var/www"
  cp /etc/nginx/mime.types "$root/etc/nginx/mime.types"
  # Like the official image: logs go to the container's output, so `docker logs` shows them.
  ln -s /dev/stdout "$root/var/log/nginx/access.log"
  ln -s /dev/stderr "$root/var/log/nginx/error.log"
  cat >"$root/etc/nginx/nginx.conf" <<'CONF'
# The layout of the official nginx image: mount server blocks into /etc/nginx/conf.d, or run
# `nginx -c /your/nginx.conf -g 'daemon off;'` with a whole config of your own.
include /etc/nginx/modules-enabled/*.conf;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
CONF
  cat >"$root/etc/nginx/conf.d/default.conf" <<'CONF'
server {
    listen 80 default_server;
    root /usr/share/nginx/html;
    index index.html;
}
CONF
  echo '<!doctype html><title>dusty-test/nginx</title><p>dusty-test/nginx works.</p>' >"$root/usr/share/nginx/html/index.html"
}

build_nginx() {
  local inputs=("$BUSYBOX" "$NGINX" /etc/nginx/mime.types) modules=() lib
  # The stream module is a separate Debian package; without it the image still serves http.
  [ -f "$STREAM_MODULE" ] && modules+=("$STREAM_MODULE")
  mapfile -t libs < <(for f in "$NGINX" "${modules[@]}"; do shared_libraries "$f"; done | sort -u)
  local hash
  hash=$(content_hash "${inputs[@]}" "${modules[@]}" "${libs[@]}")
  if [ $force -eq 0 ] && [ "$(current_hash "$NGINX_IMAGE")" = "$hash" ]; then return 0; fi
  local started=$SECONDS root=$staging/nginx
  make_busybox_root "$root"
  printf '%s\n' 'www-data:x:33:33:www-data:/var/www:/sbin/nologin' >>"$root/etc/passwd"
  printf '%s\n' 'www-data:x:33:' >>"$root/etc/group"
  copy_same_path "$root" "$NGINX"
  for lib in "${libs[@]}"; do copy_same_path "$root" "$lib"; done
  write_nginx_config "$root"
  if [ ${#modules[@]} -gt 0 ]; then
    copy_same_path "$root" "$STREAM_MODULE"
    echo "load_module $STREAM_MODULE;" >"$root/etc/nginx/modules-enabled/50-mod-stream.conf"
  else
    say "WARNING: $STREAM_MODULE not found (install libnginx-mod-stream): the nginx image will have no stream {}"
  fi
  import_rootfs "$root" "$NGINX_IMAGE" "$hash" '["nginx", "-g", "daemon off;"]'
  docker run --rm "$NGINX_IMAGE" nginx -t -q || die "$NGINX_IMAGE was built but \`nginx -t\` fails in it"
  say "built $NGINX_IMAGE in $((SECONDS - started)) s"
}

build_busybox
build_nginx
