/**
 * Color only where a person reads it. citty decides once, when it loads, from the environment alone,
 * so cmd/main.ts imports this module before it: it sets the environment citty reads to this decision,
 * and `restoreColorEnv()` (called once citty has loaded) puts the environment back before any program
 * is started. consola (loaded later, only by commands that log) judges by stdout; what either still
 * colors on a stream that is not to be colored is stripped where it is written (cmd/_usage.ts, cmd/_log.ts).
 */
import { wantsColor } from "../core/color.ts";

// CSI sequences (colors, cursor moves): all that citty and consola write. A regex, not node:util, to
// keep the client's start free of one more module.
const CONTROL_SEQUENCE = /\x1b\[[0-9;?]*[ -\/]*[@-~]/g;

/** Whether this process colors what it writes to each stream. */
export const COLOR = {
  stdout: wantsColor(process.env, process.stdout.isTTY === true),
  stderr: wantsColor(process.env, process.stderr.isTTY === true),
};

const saved: Record<string, string | undefined> = {};
function setForLibraries(name: string, value: string | undefined): void {
  if (!Object.hasOwn(saved, name)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

if (!COLOR.stdout && !COLOR.stderr) {
  setForLibraries("NO_COLOR", "1");
} else if (process.env.FORCE_COLOR !== undefined) {
  // citty turns color off for TEST, CI and TERM=dumb whatever FORCE_COLOR says.
  for (const name of ["TEST", "CI"]) setForLibraries(name, undefined);
  if (process.env.TERM === "dumb") setForLibraries("TERM", undefined);
}

/** Puts back the variables changed for the libraries, so that programs dusty starts see the user's environment. */
export function restoreColorEnv(): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    delete saved[name];
  }
}

/** `text` as it may be written to the stream: without escapes unless that stream is colored. */
export function forStream(stream: "stdout" | "stderr", text: string): string {
  return COLOR[stream] ? text : text.replace(CONTROL_SEQUENCE, "");
}
