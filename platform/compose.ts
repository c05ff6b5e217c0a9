/**
 * Finds the Docker Compose on this machine: the v2 plugin (`docker compose`) or the v1 program
 * (`docker-compose`). Both read the same Compose Specification files and label containers the same
 * way; they differ in container names (dusty_web_1 vs dusty-web-1) and progress output.
 */
import { CommandNotFoundError, run, type RunOptions } from "./run.ts";

/** Which Compose to use: the config's `compose_command`, or "auto" to prefer v2. */
export type ComposePreference = "auto" | "docker-compose" | "docker compose";

/** A Compose found on this machine, and how to build its command lines. */
export interface ComposeRunner {
  kind: "v1" | "v2";
  /** As the program prints it, e.g. "1.29.2" or "2.26.1-4". */
  version: string;
  /** The program part of every command line: ["docker-compose"] or ["docker", "compose"]. */
  command: string[];
  /** A whole command line: `run(runner.argv(file, "dusty", "up", "-d"), { onLine })`. */
  argv(file: string, project: string, ...sub: string[]): string[];
}

/** Where to look for Compose; `env` mainly lets tests hide programs by changing PATH. */
export interface DetectComposeOptions {
  env?: RunOptions["env"];
}

const V2_COMMAND = ["docker", "compose"];
const V1_COMMAND = ["docker-compose"];
const INSTALL_FIX = "Install Docker Compose (on Debian: `bash scripts/ensure-docker.sh`), or set compose_command";

/** Finds the Compose to use: with "auto" the v2 plugin when it answers, else docker-compose. */
export async function detectCompose(preference: ComposePreference = "auto", options: DetectComposeOptions = {}): Promise<ComposeRunner> {
  if (preference !== "docker-compose") {
    // Asked for explicitly, a missing docker CLI is reported as such rather than as a missing plugin.
    const version = await probeVersion(V2_COMMAND, options, preference === "docker compose");
    if (version !== undefined) return composeRunner(V2_COMMAND, version);
    if (preference === "docker compose") {
      throw new CommandNotFoundError("docker compose", {
        reason: "the Compose v2 plugin is not installed (`docker compose version` fails)",
        fix: "Install it (on Debian: `bash scripts/ensure-docker.sh`), or set compose_command to docker-compose",
      });
    }
  }
  const version = await probeVersion(V1_COMMAND, options);
  if (version !== undefined) return composeRunner(V1_COMMAND, version);
  if (preference === "docker-compose") throw new CommandNotFoundError("docker-compose");
  throw new CommandNotFoundError("docker-compose", {
    reason: "neither `docker compose` (v2) nor `docker-compose` (v1) is installed",
    fix: INSTALL_FIX,
  });
}

/** A runner for a Compose whose command and version are known (the kind follows from the version). */
export function composeRunner(command: readonly string[], version: string): ComposeRunner {
  const program = [...command];
  return {
    // A `docker-compose` program can be v2 too (Debian 13 links it to the plugin).
    kind: version.startsWith("1.") ? "v1" : "v2",
    version,
    command: program,
    argv: (file, project, ...sub) => [...program, "--file", file, "--project-name", project, ...sub],
  };
}

/** The version a Compose command prints, or undefined when it is not installed. */
async function probeVersion(command: string[], options: DetectComposeOptions, throwIfMissing = false): Promise<string | undefined> {
  try {
    // `docker compose` exits non-zero when the plugin is missing; neither form contacts the engine.
    const result = await run([...command, "version", "--short"], { env: options.env, timeoutMs: 30_000 });
    return result.exitCode === 0 && result.stdout.trim() ? result.stdout.trim().replace(/^v/, "") : undefined;
  } catch (error) {
    if (error instanceof CommandNotFoundError && !throwIfMissing) return undefined;
    throw error;
  }
}

// Finding Compose costs a program start (docker-compose v1 is Python: about half a second), and it
// does not change while the daemon runs, so each preference is looked up once.
const found = new Map<ComposePreference, Promise<ComposeRunner>>();

/** The Compose for `preference`, found once per daemon. */
export function composeFor(preference: ComposePreference): Promise<ComposeRunner> {
  let runner = found.get(preference);
  if (!runner) {
    runner = detectCompose(preference);
    found.set(preference, runner);
    // A failed lookup is not remembered: the user may install Compose and try again.
    runner.catch(() => found.delete(preference));
  }
  return runner;
}
