/**
 * `doctor` on the native driver: no VM to repair, so it checks what `up` relies on and prints each
 * check. A port that one of the environment's own running containers publishes counts as fine.
 */
import { planPorts } from "../../../core/ports.ts";
import { portAssignmentsPath, readPortAssignments } from "../../../platform/port-assignments.ts";
import { dockerServerVersion } from "../../../platform/docker.ts";
import { formatTakenPorts, portBindProblem } from "../../../platform/ports-free.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import { composeProject } from "./_environment.ts";
import { ownPublishedPorts, plannedHostPorts, takenHostPorts, takenPortsFix } from "./_up-ports.ts";
import { assembleActive, readConfiguredSpecs, type DaemonState } from "./_state.ts";
import type { CommandContext } from "./_types.ts";
import { errorMessage } from "../../../platform/errors.ts";

/** Runs the checks and prints one line per check; exit code 1 when any failed. */
export async function checkNativeHost(ctx: CommandContext, state: DaemonState, host: DockerHost): Promise<number> {
  const failures: string[] = [];
  const report = (ok: boolean, line: string) => {
    ctx.output(`${ok ? "OK  " : "FAIL"} ${line}`);
    if (!ok) failures.push(line);
  };
  const env = await host.dockerEnv();
  const engine = await dockerServerVersion({ env }).then(
    (version) => ({ ok: true, text: `Docker Engine ${version} answers` }),
    (error: unknown) => ({ ok: false, text: `Docker Engine does not answer: ${firstLine(error)}. Start it (\`sudo systemctl start docker\`)` }),
  );
  report(engine.ok, engine.text);

  const elsewhere = await host.engineElsewhere?.();
  if (elsewhere !== undefined) {
    // This machine's addresses and ports say nothing about that machine's, and only docker reaches it.
    ctx.output(`SKIP ports: the Docker Engine runs on another machine (${elsewhere}), where its containers publish; only docker reaches it, so its ports are not checked`);
  } else {
    await checkLocalPorts(ctx, state, { env, engineAnswers: engine.ok, report });
  }
  ctx.output(failures.length === 0 ? "Doctor found no problems" : `Doctor found ${failures.length} problem${failures.length === 1 ? "" : "s"}`);
  return failures.length === 0 ? 0 : 1;
}

/** The bind address and every planned port on this machine, as `up` checks them. */
async function checkLocalPorts(
  ctx: CommandContext,
  state: DaemonState,
  options: { env: Record<string, string>; engineAnswers: boolean; report: (ok: boolean, line: string) => void },
): Promise<void> {
  const { env, report } = options;
  const address = state.config.bind_address ?? "127.0.0.1";
  const bindable = await portBindProblem(address, 0);
  report(bindable === undefined, bindable === undefined ? `bind address ${address} is usable` : `bind address ${address} is not usable (${bindable}): set bind_address to an address of this machine`);

  const ports = await plannedPorts(ctx, state, address);
  if (typeof ports === "string") {
    ctx.output(`SKIP port plan: ${ports}`);
  } else {
    const own = options.engineAnswers ? await ownPublishedPorts(composeProject(state), env) : new Set<number>();
    // Run by the client (no daemon), ports below 1024 cannot be bound without root: only the daemon can tell.
    const all = await takenHostPorts(address, ports, own);
    const unknown = process.getuid?.() !== 0 ? all.filter((t) => t.code === "EACCES") : [];
    const taken = all.filter((t) => !unknown.includes(t));
    if (unknown.length > 0) ctx.output(`SKIP port${unknown.length === 1 ? "" : "s"} ${unknown.map((t) => t.port).join(", ")}: only root may bind ${unknown.length === 1 ? "it" : "them"}, so only the daemon can check`);
    const free = taken.length === 0;
    report(free, free ? `${ports.length} planned port${ports.length === 1 ? "" : "s"} on ${address} free or held by dusty's containers` : `ports in use by something else on ${address}: ${formatTakenPorts(taken)}. ${takenPortsFix(taken.length)}`);
  }
}

/** The ports `up` publishes on the bind address (nginx's host ports and each forwarding's published port), or why there is no plan. */
async function plannedPorts(ctx: CommandContext, state: DaemonState, address: string): Promise<number[] | string> {
  try {
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const previous = await readPortAssignments(portAssignmentsPath(state.locations));
    const plan = planPorts(assembleActive(specs, state.config), { hostAddress: address, portBase: state.config.port_base, previous });
    return plannedHostPorts(plan);
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split("\n")[0] ?? "";
}
