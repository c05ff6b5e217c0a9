/**
 * A stand-in for platform/run.ts's `run` for programs that cannot run here (VirtualBox, boot2docker and
 * docker-machine need a Mac): it records every argv and answers from a script of canned replies.
 */
import type { RunOptions, RunResult } from "../run.ts";
import type { Runner } from "./driver.ts";

/** One scripted answer. */
export interface CannedReply {
  /** The exact argv answered, or a test on it. */
  argv: string[] | ((argv: string[]) => boolean);
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Answer only the first matching call; later calls fall through to the next matching reply. */
  once?: boolean;
}

/** A runner that remembers what it was asked to run. */
export interface Recorder {
  run: Runner;
  /** Every argv, in call order. */
  calls: string[][];
  /** The stdin given to each call (undefined when none), in call order. */
  inputs: (string | undefined)[];
}

/** A recorder answering from `script` (first unused match wins); unmatched calls succeed with no output. */
export function createRecorder(script: CannedReply[] = []): Recorder {
  const used = new Set<CannedReply>();
  const calls: string[][] = [];
  const inputs: (string | undefined)[] = [];
  const run = async (argv: string[], options: RunOptions = {}): Promise<RunResult> => {
    options.signal?.throwIfAborted();
    calls.push([...argv]);
    inputs.push(options.input);
    const reply = script.find((entry) => !used.has(entry) && matches(entry, argv));
    if (reply?.once) used.add(reply);
    const result = { argv, exitCode: reply?.exitCode ?? 0, stdout: reply?.stdout ?? "", stderr: reply?.stderr ?? "" };
    // Like run(): the caller sees the output line by line.
    for (const stream of ["stdout", "stderr"] as const) {
      for (const line of result[stream].split("\n").slice(0, result[stream].endsWith("\n") ? -1 : undefined)) {
        if (result[stream] !== "") options.onLine?.(line, stream);
      }
    }
    return result;
  };
  return { run, calls, inputs };
}

function matches(entry: CannedReply, argv: string[]): boolean {
  if (typeof entry.argv === "function") return entry.argv(argv);
  return entry.argv.length === argv.length && entry.argv.every((arg, i) => arg === argv[i]);
}
