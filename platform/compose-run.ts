/**
 * The one way dusty runs Compose on the environment (`up`, `stop`, `test`'s services…): the same project,
 * the same project folder (the real compose file's, so relative paths in a spec mean the same for a
 * staged file too), the engine's time limit, and the output streamed line by line.
 */
import type { ComposeRunner } from "./compose.ts";
import { runEngine } from "./engine-run.ts";
import { formatArgv, type RunResult } from "./run.ts";

/** Which compose file of which project, on which engine, and where its output goes. */
export interface ComposeRunOptions {
  compose: ComposeRunner;
  file: string;
  project: string;
  projectDir: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  /** Each non-empty line of Compose's output. */
  log: (line: string) => void;
  /** Backpressure: the next line waits for the returned promise (a paused client slows only its command). */
  drained?: () => unknown;
}

/** Runs `compose --file F --project-name P --project-directory D <sub…>`; the result says how it went. */
export async function runComposeOn(sub: readonly string[], options: ComposeRunOptions): Promise<RunResult> {
  const { compose } = options;
  const argv = compose.argv(options.file, options.project, "--project-directory", options.projectDir, ...sub);
  return runEngine(argv, {
    env: options.env,
    signal: options.signal,
    work: true,
    what: formatArgv([...compose.command, ...sub.slice(0, 1)]),
    onLine: (line) => {
      if (line.trim() !== "") options.log(line);
      return options.drained?.();
    },
  });
}
