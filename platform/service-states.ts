/**
 * What the Docker host says about each service of a compose project right now: the newest container's
 * state, exit code and start time, and its last log lines. `up`'s wait (cmd/daemon/handlers/_up-wait.ts)
 * polls this until every app has stayed up or exited.
 */
import { COMPOSE_SERVICE_LABEL, DOCKER, dockerLogsArgv, type DockerEnv } from "./docker.ts";
import { listProjectContainers } from "./project-containers.ts";
import { run } from "./run.ts";

/** One service's newest container as `docker container inspect` shows it. */
export interface ServiceState {
  id: string;
  /** running, exited, dead, restarting, created … */
  state: string;
  exitCode: number;
  /** Changes at each (re)start of the container. */
  startedAt: string;
}

/** Each of `services`' newest container in `project`, from one `docker ps` and one `docker inspect`; a service without one is absent. */
export async function inspectServiceStates(project: string, services: readonly string[], env: DockerEnv): Promise<Map<string, ServiceState>> {
  const containers = (await listProjectContainers(project, env)).filter((c) => services.includes(c.service));
  const found = new Map<string, ServiceState>();
  if (containers.length === 0) return found;
  const format = `{{.Id}}\t{{.State.Status}}\t{{.State.ExitCode}}\t{{.State.StartedAt}}\t{{.Created}}\t{{index .Config.Labels "${COMPOSE_SERVICE_LABEL}"}}`;
  // A container removed meanwhile makes docker exit 1 after printing the others: what it printed counts.
  const result = await run([DOCKER, "container", "inspect", "--format", format, ...containers.map((c) => c.id)], { env });
  const created = new Map<string, string>();
  for (const line of result.stdout.split("\n").filter(Boolean)) {
    const [id = "", state = "", exitCode = "0", startedAt = "", createdAt = "", service = ""] = line.split("\t");
    // After a re-create an old container may linger: the newest one is the service's.
    if ((created.get(service) ?? "") > createdAt) continue;
    created.set(service, createdAt);
    found.set(service, { id, state, exitCode: Number(exitCode), startedAt });
  }
  return found;
}

/** The container's last `count` log lines; none when docker cannot show them. */
export async function lastLogLines(id: string, env: DockerEnv, count: number): Promise<string[]> {
  const lines: string[] = [];
  const result = await run(dockerLogsArgv(id, { tail: count }), { env, onLine: (line) => lines.push(line) }).catch(() => undefined);
  return result?.exitCode === 0 ? lines.slice(-count) : [];
}
