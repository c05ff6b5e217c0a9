#!/usr/bin/env bash
# The README's `./dev demo`: the built-in example, running for real. Run as root after `make build` and
# `make images` (`./dev demo` does both). Starts a daemon unless one answers, sets dusty up with the
# built-in example unless it is set up already, activates the `everything` bundle, runs `dusty up`,
# fetches http://local.website.com/ through 127.0.0.1 and shows `dusty status`.
#
# The example's website answers on port 80 of 127.0.0.1: when another program holds that port, the demo
# sets nothing up and says so. Respects DUSTY_SOCKET_PATH, DUSTY_CONFIG_DIR, DUSTY_HOSTS_FILE and
# DUSTY_PERSIST_DIR (to try it without touching /etc), and DUSTY_DEMO_LOG (the daemon's log).
set -euo pipefail
cd "$(dirname "$0")/.."

DUSTY="$PWD/dist/dusty"
EXAMPLE_IMAGE=dusty-example/busybox:latest
DEMO_NGINX_IMAGE=dusty-test/nginx:latest
LOG=${DUSTY_DEMO_LOG:-/var/log/dusty-demo.log}

say() { echo "demo: $*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ -x "$DUSTY" ] || die "dist/dusty is missing: run \`make build\` first (\`./dev demo\` does)"
[ "$(id -u)" -eq 0 ] || die "run the demo as root (sudo ./dev demo): the daemon writes the hosts file and publishes port 80"
docker version >/dev/null 2>&1 || die "the Docker Engine does not answer: run \`make docker\` first (\`./dev demo\` does)"
docker image inspect "$EXAMPLE_IMAGE" >/dev/null 2>&1 || die "the image $EXAMPLE_IMAGE is missing: run \`make images\` first (\`./dev demo\` does)"

# Port 80 first, before anything is changed: the only thing on it may be dusty's own nginx from an earlier demo.
dusty_nginx_on_80() {
  docker ps --filter label=com.docker.compose.service=dustyInternalNginx --format '{{.Ports}}' | grep -q '127\.0\.0\.1:80->'
}
if (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null && ! dusty_nginx_on_80; then
  die "port 80 on 127.0.0.1 is taken by another program, and the example's website must listen there.
demo: Nothing was set up. Free the port (\`ss -ltnp 'sport = :80'\` shows who holds it) and run the demo again."
fi

# The daemon: reuse one that answers, else start one that outlives this script.
if "$DUSTY" version >/dev/null 2>&1; then
  say "a dusty daemon already answers; using it"
else
  touch "$LOG" 2>/dev/null || LOG=$(mktemp /tmp/dusty-demo.XXXXXX.log)
  setsid "$DUSTY" -d >>"$LOG" 2>&1 </dev/null &
  daemon_pid=$!
  for _ in $(seq 1 100); do
    "$DUSTY" version >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || die "the daemon exited at start; its log ($LOG) says why:
$(tail -n 20 "$LOG")"
    sleep 0.1
  done
  "$DUSTY" version >/dev/null 2>&1 || die "the daemon did not answer within 10 s; see $LOG"
  say "started the dusty daemon (pid $daemon_pid), logging to $LOG"
  say "it keeps running after the demo; stop it with: kill $daemon_pid"
fi

# Setup with the built-in example, non-interactively (no terminal on stdin: setup takes its defaults).
if "$DUSTY" config listvalues 2>/dev/null | grep -q '^setup_has_run: true'; then
  say "dusty is set up already; the demo uses that setup as it is"
else
  say "dusty setup (with the built-in example)"
  "$DUSTY" setup </dev/null
fi
# No registry is needed: use the locally built nginx unless the configured image is here.
nginx_image=$("$DUSTY" config listvalues | sed -n 's/^nginx_image: *//p')
if ! docker image inspect "${nginx_image:-nginx:1.27-alpine}" >/dev/null 2>&1; then
  "$DUSTY" config set nginx_image "$DEMO_NGINX_IMAGE" >/dev/null
  say "nginx_image is now $DEMO_NGINX_IMAGE (${nginx_image:-the default} is not on this machine)"
fi

say "dusty bundles activate everything"
"$DUSTY" bundles activate everything
say "dusty up"
"$DUSTY" up

say "GET http://local.website.com/ (through 127.0.0.1, with the Host header):"
# bash's /dev/tcp, so the demo needs no curl: one HTTP/1.0 request, headers cut off.
fetch_page() {
  exec 3<>/dev/tcp/127.0.0.1/80 || return 1
  printf 'GET / HTTP/1.0\r\nHost: local.website.com\r\n\r\n' >&3
  local response
  response=$(timeout 5 cat <&3) || true
  exec 3<&-
  [[ "$response" == "HTTP/1."?" 200"* ]] || return 1
  printf '%s\n' "$response" | tr -d '\r' | sed '1,/^$/d'
}
page=""
for _ in $(seq 1 50); do
  page=$(fetch_page 2>/dev/null) && break
  sleep 0.2
done
printf '%s\n' "$page" | head -n 8 | sed 's/^/    /'

say "dusty status"
"$DUSTY" status
say "done. Open http://local.website.com/ in a browser on this machine; \`dusty stop --rm\` takes the example down."
