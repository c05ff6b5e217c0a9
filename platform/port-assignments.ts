/**
 * The published ports `up` gave each app, kept in `<configDir>/ports.json` so that the next plans keep
 * them (core/ports.ts). Written atomically after a successful `up`; a missing or unreadable file means
 * "none remembered" (a fresh install's plan), never an error.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PortAssignments } from "../core/ports.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import type { Locations } from "./locations.ts";

/** Where the assignments live. */
export function portAssignmentsPath(locations: Pick<Locations, "configDir">): string {
  return join(locations.configDir, "ports.json");
}

/** The remembered assignments; {} when there are none or the file cannot be trusted. */
export async function readPortAssignments(path: string): Promise<PortAssignments> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return {};
  }
  return isPortAssignments(data) ? data : {};
}

/** Replaces the remembered assignments. */
export async function writePortAssignments(path: string, assignments: PortAssignments): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(assignments, null, 2)}\n`, { mode: 0o644 });
}

function isPortAssignments(data: unknown): data is PortAssignments {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return false;
  return Object.values(data).every(
    (ports) =>
      ports !== null &&
      typeof ports === "object" &&
      !Array.isArray(ports) &&
      Object.entries(ports as Record<string, unknown>).every(([containerPort, port]) => /^\d+$/.test(containerPort) && isPortNumber(port)),
  );
}

function isPortNumber(port: unknown): boolean {
  return typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65536;
}
