/**
 * What the last successful `dusty up` started, kept in `<configDir>/compose/state.json`, so the next
 * `up` can tell in milliseconds that nothing changed and leave the containers alone. Written
 * atomically; a missing, unreadable or foreign file just means "unknown", never an error.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import type { Locations } from "./locations.ts";

/** The environment as the last successful `up` left it. */
export interface EnvironmentState {
  version: typeof STATE_VERSION;
  /** The compose project the containers belong to. */
  project: string;
  /** Hash of what `up` wrote: the compose YAML, command files, nginx.conf, hosts section and Compose used. */
  configHash: string;
  /** Repo URL → fingerprint of the folder that was synced for it. */
  repos: Record<string, string>;
  /** The compose services that were started. */
  services: string[];
  /** ISO time of that `up`. */
  startedAt: string;
}

const STATE_VERSION = 1;

/** Where the state lives. */
export function environmentStatePath(locations: Pick<Locations, "composeDir">): string {
  return join(locations.composeDir, "state.json");
}

/** The recorded state, or undefined when there is none (or it cannot be trusted). */
export async function readEnvironmentState(path: string): Promise<EnvironmentState | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
  return isEnvironmentState(data) ? data : undefined;
}

/** Records the state of a successful `up`. */
export async function writeEnvironmentState(path: string, state: Omit<EnvironmentState, "version">): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: STATE_VERSION, ...state }, null, 2)}\n`, { mode: 0o644 });
}

/** Forgets the state (after `stop --rm`), so the next `up` starts everything. */
export async function removeEnvironmentState(path: string): Promise<void> {
  await rm(path, { force: true });
}

function isEnvironmentState(data: unknown): data is EnvironmentState {
  if (data === null || typeof data !== "object") return false;
  const s = data as Record<string, unknown>;
  return (
    s.version === STATE_VERSION &&
    typeof s.project === "string" &&
    typeof s.configHash === "string" &&
    typeof s.startedAt === "string" &&
    Array.isArray(s.services) &&
    s.services.every((x) => typeof x === "string") &&
    s.repos !== null &&
    typeof s.repos === "object" &&
    Object.values(s.repos as object).every((x) => typeof x === "string")
  );
}
