/**
 * The one lister of a compose project's containers: one `docker ps`, read into data. `up` uses it to tell
 * whether anything needs doing and which ports are its own, `status`, `restart` and `disk` to report and
 * find containers.
 */
import { COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, DOCKER } from "./docker.ts";
import { runEngineChecked } from "./engine-run.ts";

/** One container of the project, as `docker ps` lists it. */
export interface ProjectContainer {
  id: string;
  name: string;
  /** The compose service it belongs to. */
  service: string;
  /** created, running, paused, restarting, removing, exited or dead. */
  state: string;
  running: boolean;
  /** Compose's hash of the service config it was created from (v1 and v2 label it): equal hashes, same config. */
  composeHash: string;
  /** The image as docker ps names it. */
  image: string;
  /** docker's Status text: "Up 5 minutes", "Exited (1) 2 seconds ago" (core/container-status.ts reads it). */
  status: string;
  /** docker's Ports text: "127.0.0.1:65000->8000/tcp, …". */
  ports: string;
}

/** The label in which Compose (v1 and v2) records the hash of a container's service config. */
const COMPOSE_HASH_LABEL = "com.docker.compose.config-hash";
const FIELDS = ["{{.ID}}", "{{.Names}}", "{{.State}}", `{{.Label "${COMPOSE_SERVICE_LABEL}"}}`, `{{.Label "${COMPOSE_HASH_LABEL}"}}`, "{{.Image}}", "{{.Status}}", "{{.Ports}}"];

/** Every container of a compose project, running or not, from a single `docker ps`. */
export async function listProjectContainers(project: string, env: Record<string, string> = {}): Promise<ProjectContainer[]> {
  const argv = [DOCKER, "ps", "--all", "--no-trunc", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", FIELDS.join("\t")];
  return parsePsLines((await runEngineChecked(argv, { env })).stdout);
}

/** Parses the tab-separated lines `listProjectContainers()` asks docker for. */
export function parsePsLines(stdout: string): ProjectContainer[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [id = "", name = "", state = "", service = "", composeHash = "", image = "", status = "", ports = ""] = line.split("\t");
      return { id, name, service, state, running: state === "running", composeHash, image, status, ports };
    });
}

/** The service → the state to show: "running" when any of its containers runs, else the first one's, else "none". */
export function serviceStates(containers: readonly ProjectContainer[]): Map<string, string> {
  const states = new Map<string, string>();
  for (const c of containers) {
    const seen = states.get(c.service);
    if (seen === undefined || (c.running && seen !== "running")) states.set(c.service, c.state);
  }
  return states;
}
