/**
 * Shell text for the command files: quoting, user command lines, and the `once` block. The block is
 * the subtle part: it must log stdout AND stderr, show them on the container's stdout, stop the
 * container when a command fails, and work under busybox sh (no pipefail, no process substitution).
 */

/** The first-start marker: touched BEFORE `once` runs, so a failing `once` is not retried on restart. */
export const FIRST_START_MARKER = "/.dusty_first_time_started";
/** Where the output of `once` is kept inside the container. */
export const ONCE_LOG = "/var/log/dusty_once_fn.log";
/**
 * Where the marker and the log go when the container's user cannot write the usual places: a spec's
 * `compose.user` wins over root, and most images let only root write `/` and `/var/log`. /tmp is in the
 * container's own filesystem too, so the marker still lasts exactly as long as the container.
 */
const FALLBACK_DIR = "/tmp";
const ONCE_PIPE = "/tmp/dusty_once_fn.pipe";
const LOG_DIR = ONCE_LOG.slice(0, ONCE_LOG.lastIndexOf("/"));

/** A word the shell reads back as exactly `text`: unquoted when that is safe, else single-quoted. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A spec's command lines as written, minus trailing whitespace and blank lines (a blank last line would eat `"$@"`). */
export function userLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
}

/**
 * Runs `once` on the first start only. `once` runs in a subshell with `set -e`, writing through a FIFO
 * to a background `tee`, which copies it to the log and the container's stdout. The original redirected
 * `2>&1 > pipe`, which sent stderr past the log; here both go in. A plain pipeline would make the script
 * wait for every process holding the pipe, so a daemon started by `once` would block `always` forever;
 * the background tee does not, and is only waited for on failure, so the error reaches the log before
 * the container stops. An image without tee or mkfifo still runs `once`, unlogged, rather than hang on
 * a FIFO nobody reads. Being a subshell, a `cd` or `export` in `once` no longer leaks into `always`,
 * which then behaves the same on the first start as on every later one. Nothing when `once` is empty.
 */
export function onceBlock(once: readonly string[]): string[] {
  if (once.length === 0) return [];
  return [
    "dusty_once_fn () {",
    ...once.map((l) => `  ${l}`),
    "}",
    // The same user finds the same place on every start: a new user means a new container anyway.
    `dusty_marker=${FIRST_START_MARKER}`,
    `[ -w / ] || dusty_marker=${FALLBACK_DIR}${FIRST_START_MARKER}`,
    'if [ ! -f "$dusty_marker" ]; then',
    '  touch "$dusty_marker"',
    // Off around the call, or a failure would end this script before its status is read; the subshell
    // turns it back on for the once commands themselves (in an `||` list sh would silently ignore it).
    "  set +e",
    "  if command -v tee > /dev/null && command -v mkfifo > /dev/null; then",
    `    dusty_once_log=${ONCE_LOG}`,
    `    mkdir -p ${LOG_DIR} 2> /dev/null`,
    `    [ -w ${LOG_DIR} ] || dusty_once_log=${FALLBACK_DIR}${ONCE_LOG.slice(LOG_DIR.length)}`,
    `    rm -f ${ONCE_PIPE}`,
    `    mkfifo ${ONCE_PIPE}`,
    `    tee "$dusty_once_log" < ${ONCE_PIPE} &`,
    `    (set -e; dusty_once_fn) > ${ONCE_PIPE} 2>&1`,
    "    dusty_once_status=$?",
    `    rm -f ${ONCE_PIPE}`,
    "  else",
    "    (set -e; dusty_once_fn)",
    "    dusty_once_status=$?",
    "  fi",
    "  set -e",
    '  if [ "$dusty_once_status" -ne 0 ]; then',
    // Only tee is this shell's job (what once started belongs to its subshell), so this cannot hang on them.
    "    wait",
    '    echo "dusty: the once commands failed with exit code $dusty_once_status" >&2',
    '    exit "$dusty_once_status"',
    "  fi",
    "fi",
  ];
}
