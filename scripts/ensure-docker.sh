#!/usr/bin/env bash
# Gives a Debian machine what dusty's tests and demo need: a Docker Engine that answers, docker-compose,
# and the host programs the local test images are built from. Idempotent: when everything is in place it
# only checks, in well under a second. Prints one short line per action it takes.
#
#   bash scripts/ensure-docker.sh [--no-compose-v2]
#
# Environment: DOCKERD_LOG (default /var/log/dusty-dockerd.log), DOCKER_WAIT_SECONDS (default 30).
set -euo pipefail

# ruby and file: test/release.test.ts checks the Homebrew formula with `ruby -c` and each binary's format.
# zsh and fish: test/completion.test.ts checks their completion scripts (`zsh -n`, `fish -n`, `complete -C`).
# openssh-server and iproute2: test/remote-host.ts makes a second Docker host (its own sshd in a netns).
# sudo: that host's "docker" user stands in for a VM's, whose commands run through sudo as they do in the VM.
PACKAGES=(docker.io docker-compose rsync busybox-static nginx-light libnginx-mod-stream ruby file zsh fish openssh-server iproute2 sudo)
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dusty-dockerd.log}
DOCKER_WAIT_SECONDS=${DOCKER_WAIT_SECONDS:-30}
COMPOSE_PLUGIN=/usr/local/lib/docker/cli-plugins/docker-compose
# Compose v2 is not packaged for Debian 12; Debian 13 ships it as a plugin binary that needs only libc.
COMPOSE_V2_SUITE=trixie
COMPOSE_V2_CACHE=/var/cache/dusty/compose-v2

want_compose_v2=1
for arg in "$@"; do
  case "$arg" in
    --no-compose-v2) want_compose_v2=0 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ensure-docker: unknown argument \"$arg\" (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "ensure-docker: $*"; }
die() { echo "ensure-docker: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "cannot run \"$1\": it needs root and sudo is not installed. Run this script as root"
  fi
}

# Two runs at once (two test sessions) would race on apt and could start two dockerds.
exec 9>"/tmp/dusty-ensure-docker.lock"
flock 9

is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

install_packages() {
  if ! command -v dpkg-query >/dev/null; then
    say "not a Debian system: install Docker Engine, docker-compose, rsync, a static busybox and nginx yourself"
    return 0
  fi
  local missing=()
  for p in "${PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local started=$SECONDS
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${#missing[@]} package(s) in $((SECONDS - started)) s"
  # On a systemd machine Debian starts the nginx service on port 80; dusty only needs the binary, and
  # that service would take the port dusty's own nginx container publishes.
  if [[ " ${missing[*]} " == *" nginx-light "* ]] && [ -d /run/systemd/system ] && systemctl is-active --quiet nginx; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 && say "stopped the nginx service Debian started (dusty needs only the binary)"
  fi
  # Likewise Debian starts sshd on port 22 of every address; the tests run their own sshd in a namespace,
  # and a world-reachable sshd must not be left behind by a test setup.
  if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
    if [ -d /run/systemd/system ]; then
      if systemctl is-active --quiet ssh; then
        as_root systemctl disable --now ssh >/dev/null 2>&1 && say "stopped the ssh service Debian started (the tests run their own sshd)"
      fi
    elif [ -f /run/sshd.pid ] && kill -0 "$(cat /run/sshd.pid)" 2>/dev/null; then
      as_root /etc/init.d/ssh stop >/dev/null 2>&1 && say "stopped the ssh service Debian started (the tests run their own sshd)"
      as_root update-rc.d ssh disable >/dev/null 2>&1 || true
    fi
  fi
}

docker_answers() { docker version >/dev/null 2>&1; }

start_engine() {
  docker_answers && return 0
  if docker version 2>&1 | grep -qi "permission denied"; then
    die "the Docker Engine runs but $(id -un) may not use it: add the user to the \"docker\" group or run as root"
  fi
  if pgrep -x dockerd >/dev/null; then
    # Never start a second engine next to one that is still starting: they would fight over docker0.
    say "dockerd is running but not answering yet; waiting"
  elif [ -d /run/systemd/system ]; then
    say "starting docker.service"
    as_root systemctl start docker
  else
    say "starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid + nohup so the engine outlives this script and the terminal or test run that called it;
    # 9>&- so it does not inherit (and hold forever) this script's lock.
    as_root sh -c 'mkdir -p "$(dirname "$1")" && exec setsid nohup dockerd >>"$1" 2>&1 </dev/null' sh "$DOCKERD_LOG" 9>&- &
  fi
  local started=$SECONDS tries=$((DOCKER_WAIT_SECONDS * 5))
  until docker_answers; do
    tries=$((tries - 1))
    if [ $tries -le 0 ]; then
      tail -n 5 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "the Docker Engine did not answer within ${DOCKER_WAIT_SECONDS} s: see $DOCKERD_LOG (or journalctl -u docker)"
    fi
    sleep 0.2
  done
  say "Docker Engine $(docker version --format '{{.Server.Version}}') answers (after $((SECONDS - started)) s)"
}

# The first http(s) mirror of Debian configured here, so the download goes where apt already goes.
debian_mirror() {
  local uri
  uri=$(grep -rhoE '(URIs:|^deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -oE 'https?://[^[:space:]]+' | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Fetches the one .deb with a private apt configuration in a temporary folder, so the system's sources,
# lists and pinning stay exactly as they were, and installs only the plugin binary from it.
install_compose_v2() {
  [ "$want_compose_v2" -eq 1 ] && command -v apt-get >/dev/null || return 0
  docker compose version >/dev/null 2>&1 && return 0
  local mirror version deb
  work=$(mktemp -d /tmp/dusty-compose-v2.XXXXXX)
  trap 'as_root rm -rf "$work"' EXIT
  mirror=$(debian_mirror)
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $COMPOSE_V2_SUITE main" >"$work/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root" -qq)
  say "fetching Docker Compose v2 from Debian $COMPOSE_V2_SUITE ($mirror)"
  if ! as_root apt-get "${apt_opts[@]}" update 2>"$work/err"; then
    say "WARNING: cannot read Debian $COMPOSE_V2_SUITE's package index, keeping docker-compose v1 only: $(tail -n1 "$work/err")"
    return 0
  fi
  version=$(apt-cache "${apt_opts[@]}" show docker-compose 2>/dev/null | awk '/^Version: 2\./ { print $2; exit }')
  if [ -z "$version" ]; then
    say "WARNING: Debian $COMPOSE_V2_SUITE has no docker-compose 2.x, keeping docker-compose v1 only"
    return 0
  fi
  if ! (cd "$work" && as_root apt-get "${apt_opts[@]}" download "docker-compose=$version" 2>"$work/err"); then
    say "WARNING: cannot download docker-compose $version, keeping docker-compose v1 only: $(tail -n1 "$work/err")"
    return 0
  fi
  deb=$(ls "$work"/docker-compose_*.deb)
  as_root rm -rf "$COMPOSE_V2_CACHE"
  as_root mkdir -p "$COMPOSE_V2_CACHE"
  as_root dpkg-deb -x "$deb" "$COMPOSE_V2_CACHE"
  as_root install -D -m 0755 "$COMPOSE_V2_CACHE/usr/libexec/docker/cli-plugins/docker-compose" "$COMPOSE_PLUGIN"
  if docker compose version >/dev/null 2>&1; then
    say "installed $(docker compose version) at $COMPOSE_PLUGIN"
  else
    say "WARNING: installed $COMPOSE_PLUGIN but \`docker compose version\` does not answer; keeping docker-compose v1"
  fi
}

install_packages
start_engine
install_compose_v2
