/**
 * The host ports an environment publishes, and whether something other than the environment itself
 * holds one. `up` refuses to start while one is taken (before it touches any container: a compose
 * that fails on a taken port has already stopped what it was recreating), and `doctor` reports the
 * same check.
 */
import type { PortPlan } from "../../../core/ports.ts";
import { parsePublishedPorts } from "../../../core/container-status.ts";
import type { DockerEnv } from "../../../platform/docker.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import { UserError } from "../../../platform/errors.ts";
import { findTakenPorts, formatTakenPorts, type TakenPort } from "../../../platform/ports-free.ts";
import { parseSsListeners, portsHeldOn } from "../../../core/listening-ports.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";

/** The ports compose publishes on the bind address: nginx's host ports and each forwarding's published port, sorted. */
export function plannedHostPorts(plan: PortPlan): number[] {
  return [...new Set(plan.routes.flatMap((r) => [r.hostPort, r.publishedPort]))].sort((a, b) => a - b);
}

/** Host ports the project's running containers publish: they are the environment's own, not taken. */
export async function ownPublishedPorts(project: string, env: DockerEnv): Promise<Set<number>> {
  return publishedHostPorts(await listProjectContainers(project, env));
}

/** The host ports the running ones among `containers` publish. */
export function publishedHostPorts(containers: readonly ProjectContainer[]): Set<number> {
  return new Set(containers.filter((c) => c.running).flatMap((c) => parsePublishedPorts(c.ports).map((p) => p.hostPort)));
}

/** The planned ports something else holds on `address` (the environment's own ones excepted). */
export async function takenHostPorts(address: string, ports: readonly number[], own: ReadonlySet<number>): Promise<TakenPort[]> {
  return findTakenPorts(address, ports.filter((port) => !own.has(port)));
}

/** What to do about `count` taken ports; the same advice from `up` and `doctor`. */
export function takenPortsFix(count: number): string {
  return `Stop what holds ${count === 1 ? "it" : "them"}, or change port_base / the specs' host_port`;
}

/** Throws when a planned port is taken on `address`, naming each port and what holds it. */
export async function requireFreeHostPorts(plan: PortPlan, options: { address: string; containers: readonly ProjectContainer[] }): Promise<void> {
  const ports = plannedHostPorts(plan);
  if (ports.length === 0) return;
  const taken = await takenHostPorts(options.address, ports, publishedHostPorts(options.containers));
  if (taken.length === 0) return;
  const one = taken.length === 1;
  throw new UserError(`port${one ? "" : "s"} ${formatTakenPorts(taken)} on ${options.address} ${one ? "is" : "are"} not free. ${takenPortsFix(taken.length)}`);
}

/**
 * The same check on a Docker host elsewhere (ssh): its listeners as `ss -Htln` there reports them
 * (`tcpListeners()`: the ssh driver reads them in ensureUp()'s session). A host without ss is not checked
 * (compose then reports the port, and the failed `up` is undone).
 */
export async function requireFreeRemotePorts(plan: PortPlan, options: { host: DockerHost; address: string; containers: readonly ProjectContainer[] }): Promise<void> {
  const own = publishedHostPorts(options.containers);
  const ports = plannedHostPorts(plan).filter((port) => !own.has(port));
  if (ports.length === 0) return;
  const listeners = await options.host.tcpListeners?.();
  if (listeners === undefined) return;
  const held = portsHeldOn(parseSsListeners(listeners), options.address, ports);
  if (held.length === 0) return;
  const one = held.length === 1;
  const where = `${options.address}:${held.join(`, ${options.address}:`)}`;
  throw new UserError(
    `Cannot publish port${one ? "" : "s"} ${held.join(", ")} on the Docker host ${options.host.label}: something there already listens on ${where}. ` +
      `Stop what holds ${one ? "it" : "them"} on that host, or change port_base / the specs' host_port`,
  );
}
