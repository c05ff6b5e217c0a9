#!/bin/sh
# boot2docker, docker-machine and VBoxManage cannot run on Linux. test/vm-manager.ts copies this one
# script into a bin folder of the test's own under those three names, first on the daemon's PATH. It
# RECORDS every command line (one file per call in calls/, the argv NUL-separated, so a test compares
# exact argv lists) and ANSWERS as one VirtualBox VM would, whose state is the file `state` beside it
# (absent, poweroff, starting, running): `start` and `create` boot it, `stop` brings it down, and
# host keys are the stand-in's (files `address` and `host-keys`, written by the test). A command line
# it does not know fails with exit code 64, so a new command in a driver shows up as a failed test.
set -eu
here=$(dirname "$0")
name=$(basename "$0")
# Named by start time and pid: the daemon may run two at once, and the test reads them in start order.
printf '%s\0' "$name" "$@" > "$here/calls/$(date +%s%N)-$$"

vm=$(cat "$here/vm-name")
state=$(cat "$here/state")
# The drivers' HOST_KEYS_COMMAND (platform/vm/_vm-remote.ts), in single quotes: nothing expands.
keys_command='cat /usr/local/etc/ssh/ssh_host_*_key.pub 2>/dev/null || cat /etc/ssh/ssh_host_*_key.pub'

unknown() {
  echo "fake $name: unexpected command line: $*" >&2
  exit 64
}
set_state() { printf '%s\n' "$1" > "$here/state"; }
# A VM takes a while to boot, and until it has, it has no address and no ssh: so does this one.
boot() {
  set_state starting
  sleep "$(cat "$here/boot-seconds")"
  set_state running
}
need_vm() { [ "$state" != absent ] || { echo "Host does not exist: \"$vm\"" >&2; exit 1; }; }
need_running() {
  need_vm
  [ "$state" = running ] || { echo "Error: VM \"$vm\" is not running (state: $state)" >&2; exit 1; }
}
# A command a shell in the VM runs (`boot2docker ssh CMD`, `docker-machine ssh dusty CMD`): the host keys
# are the stand-in's; the boot2docker profile is a marker file here; everything else succeeds unseen.
in_vm() {
  need_running
  case "$1" in
  "$keys_command") cat "$here/host-keys" ;;
  "test -f /var/lib/boot2docker/profile") [ -f "$here/profile" ] ;;
  "sudo sh -c 'printf "*" > /var/lib/boot2docker/profile'") : > "$here/profile" ;;
  *) : ;;
  esac
}
list_vm() { printf '"%s" {4b1d6ef0-0000-4000-8000-00000000d057}\n' "$vm"; }

case "$name" in
boot2docker)
  case "${1:-}" in
  init) [ "$state" != absent ] || set_state poweroff ;;
  start) need_vm; echo "Waiting for VM and Docker daemon to start..."; [ "$state" = running ] || boot; echo "Started." ;;
  stop) need_running; set_state poweroff ;;
  status) need_vm; echo "$state" ;;
  ip) need_running; cat "$here/address" ;;
  ssh) [ $# -eq 2 ] || unknown "$@"; in_vm "$2" ;;
  *) unknown "$@" ;;
  esac ;;
docker-machine)
  [ $# -ge 2 ] && [ "$2" = "$vm" ] || [ "${1:-}" = create ] || unknown "$@"
  case "$1" in
  create) [ "$state" = absent ] || { echo "Host already exists: \"$vm\"" >&2; exit 1; }; boot ;;
  start) need_vm; echo "Starting \"$vm\"..."; [ "$state" = running ] || boot ;;
  stop) need_running; set_state poweroff; echo "Stopping \"$vm\"..." ;;
  ip) need_running; cat "$here/address" ;;
  ssh) [ $# -eq 3 ] || unknown "$@"; in_vm "$3" ;;
  *) unknown "$@" ;;
  esac ;;
VBoxManage)
  case "${1:-} ${2:-}" in
  "list vms") [ "$state" = absent ] || list_vm ;;
  "list runningvms") [ "$state" != running ] || list_vm ;;
  "showvminfo --machinereadable")
    [ "${3:-}" = "$vm" ] || unknown "$@"
    need_vm
    cat "$here/showvminfo"
    printf '\nVMState="%s"\n' "$state" ;;
  "modifyvm $vm")
    need_vm
    # As VirtualBox: a running VM's settings are locked.
    [ "$state" != running ] || { echo "VBoxManage: error: The machine '$vm' is already locked for a session (or being unlocked)" >&2; exit 1; } ;;
  *) unknown "$@" ;;
  esac ;;
*) unknown "$@" ;;
esac
