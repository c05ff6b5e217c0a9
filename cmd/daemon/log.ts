/**
 * The daemon's own log: one line per event on stderr, with a timestamp, because the daemon runs for
 * days under a service manager and its log is read afterwards. (Client-facing text goes over the socket.)
 */

type LogSink = (line: string) => void;

const writeToStderr: LogSink = (line) => void process.stderr.write(line);
let sink: LogSink = writeToStderr;

/** Writes one line to the daemon's log. */
export function logDaemon(text: string): void {
  sink(`${formatTimestamp(new Date())} ${text}\n`);
}

/** Sends the log somewhere else (tests collect it); no argument restores stderr. */
export function setDaemonLogSink(next: LogSink = writeToStderr): void {
  sink = next;
}

/** Writes an error to the daemon's log, with its stack when it is not one of dusty's expected errors. */
export function logDaemonError(text: string, error?: unknown): void {
  const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? "" : `: ${String(error)}`;
  logDaemon(`ERROR ${text}${detail}`);
}

/** `2025-01-31 23:59:58.123`, in local time like the original's log. */
export function formatTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}
