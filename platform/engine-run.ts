/**
 * Engine calls with time limits. A hung Docker Engine accepts the connection and never answers, so the
 * docker CLI (and compose) would wait for ever, and `status` or `up` with it: every engine call goes
 * through runEngine() instead of run(), and a timeout says which engine it was and what to do.
 */
import { UserError } from "./errors.ts";
import { CommandFailedError, formatArgv, run, type RunOptions, type RunResult } from "./run.ts";

/** The variables that point the docker CLI at an engine (`DockerEnv` in platform/docker.ts). */
type DockerEnv = Record<string, string>;

/**
 * How long an engine call may take before dusty gives up on it. A hung engine accepts the connection and
 * never answers, so without a limit `status` or `up` would wait for ever. Queries (version, ps, inspect)
 * answer in well under a second on a healthy engine; work (compose up, pull, build) may take minutes.
 */
export interface EngineTimeouts {
  /** DUSTY_ENGINE_TIMEOUT_MS, default 30 s. */
  queryMs: number;
  /** DUSTY_COMPOSE_TIMEOUT_MS, default 30 min. */
  workMs: number;
}

const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
const DEFAULT_WORK_TIMEOUT_MS = 30 * 60_000;
/** Where the docker CLI goes without DOCKER_HOST (and without a context, which dusty does not set). */
const DEFAULT_ENGINE = "unix:///var/run/docker.sock";

/** The limits from the daemon's environment. */
export function engineTimeouts(env: Record<string, string | undefined> = process.env): EngineTimeouts {
  const read = (value: string | undefined, fallback: number) => {
    const ms = Number(value);
    return value && Number.isFinite(ms) && ms > 0 ? ms : fallback;
  };
  return { queryMs: read(env.DUSTY_ENGINE_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS), workMs: read(env.DUSTY_COMPOSE_TIMEOUT_MS, DEFAULT_WORK_TIMEOUT_MS) };
}

/** The engine the docker CLI talks to with `env`, as users set it: DOCKER_HOST, else the default socket. */
export function describeEngine(env: DockerEnv = {}): string {
  return env.DOCKER_HOST || process.env.DOCKER_HOST || DEFAULT_ENGINE;
}

/** An engine call ran past its limit; dusty stopped the program. The message names the engine and the fix. */
export class EngineTimeoutError extends UserError {
  override name = "EngineTimeoutError";
  readonly argv: string[];

  constructor(argv: readonly string[], options: { timeoutMs: number; env?: DockerEnv; work?: boolean; what?: string }) {
    const engine = describeEngine(options.env);
    const limit = formatDuration(options.timeoutMs);
    const variable = options.work ? "DUSTY_COMPOSE_TIMEOUT_MS" : "DUSTY_ENGINE_TIMEOUT_MS";
    const command = options.what ?? formatArgv(commandWords(argv));
    const what = options.work
      ? `\`${command}\` did not finish within ${limit} on the Docker Engine at ${engine}: dusty stopped it`
      : `The Docker Engine at ${engine} did not answer \`${command}\` within ${limit}: it seems hung, so dusty stopped waiting`;
    super(
      `${what}. Check the engine with \`docker info\`, restart it (\`sudo systemctl restart docker\`) or point DOCKER_HOST at a working engine; ` +
        `on a slow engine raise ${variable} in the daemon's environment`,
    );
    this.argv = [...argv];
  }
}

/** Options of runEngine: `run()`'s, and which limit applies. */
export interface EngineRunOptions extends RunOptions {
  /** Work that may take minutes (compose up, pull, build, rm): the long limit. Default: a query. */
  work?: boolean;
  /** How a timeout message names the command, e.g. "docker compose up" (default: its first words). */
  what?: string;
}

/**
 * Runs an engine command with its time limit; a timeout becomes an EngineTimeoutError. Everything else
 * is as `run()`.
 */
export async function runEngine(argv: string[], options: EngineRunOptions = {}): Promise<RunResult> {
  const { work, what, ...runOptions } = options;
  const limits = engineTimeouts();
  const timeoutMs = runOptions.timeoutMs ?? (work ? limits.workMs : limits.queryMs);
  try {
    return await run(argv, { ...runOptions, timeoutMs });
  } catch (error) {
    if (error instanceof CommandFailedError && error.timedOut) {
      throw new EngineTimeoutError(argv, { timeoutMs, env: runOptions.env as DockerEnv | undefined, work, what });
    }
    throw error;
  }
}

/** Like `runEngine()`, but a non-zero exit code rejects with a CommandFailedError. */
export async function runEngineChecked(argv: string[], options: EngineRunOptions = {}): Promise<RunResult> {
  const result = await runEngine(argv, options);
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  return result;
}

/** `docker version`, `docker container inspect`: the words before the first flag, at most three. */
function commandWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((arg) => arg.startsWith("-"));
  return argv.slice(0, Math.min(end === -1 ? argv.length : end, 3));
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 60_000)} min`;
}

