/**
 * `doctor` on the ssh driver: nothing to repair from here, so it checks, one line each, what every command
 * relies on there: the host answers over ssh with a known host key and an accepted login, its Docker
 * Engine answers through the connection, rsync is installed there, and dusty's folder has room. A
 * failed check names the host and says how to fix it; the checks that need a login are skipped without one.
 */
import { formatDiskUsage } from "../../../platform/vm/index.ts";
import { probeRemoteEngine, probeRemoteFolderUsage, probeRemoteRsync } from "../../../platform/vm/ssh-checks.ts";
import type { SshDockerHost } from "../../../platform/vm/ssh-checks.ts";
import { errorMessage } from "../../../platform/errors.ts";
import type { CommandContext } from "./_types.ts";

/** The host to check, dusty's folder there and the ssh_config file dusty gives ssh, if any. */
export interface SshDoctorTarget {
  host: SshDockerHost;
  persistDir: string;
  sshConfigFile?: string;
}

/** Runs the checks and prints one line per check; exit code 1 when any failed. */
export async function checkSshHost(ctx: CommandContext, target: SshDoctorTarget): Promise<number> {
  const { host, persistDir, sshConfigFile } = target;
  const label = host.connection.label;
  const failures: string[] = [];
  const report = (ok: boolean, line: string) => {
    ctx.output(`${ok ? "OK  " : "FAIL"} ${line}`);
    if (!ok) failures.push(line);
  };
  const login = await host.connection.open().then(
    () => undefined,
    (error: unknown) => errorMessage(error),
  );
  report(login === undefined, login ?? `${label} answers over ssh, its host key is known and the login is accepted${sshConfigFile ? ` (ssh_config ${sshConfigFile})` : ""}`);
  if (login !== undefined) {
    ctx.output("SKIP the Docker Engine, rsync and free disk there: they need a login");
  } else {
    const engine = await probeRemoteEngine(host);
    report(engine.ok, engine.ok ? `Docker Engine ${engine.version} answers on ${label}` : engine.problem);
    const rsync = await probeRemoteRsync(host);
    report(rsync === undefined, rsync ?? `rsync is installed on ${label}`);
    const disk = await probeRemoteFolderUsage(host, persistDir).then(
      (usage) => ({ ok: !usage.low, text: usage.low
        ? `${label} is low on disk where dusty keeps its files (${persistDir}): ${usage.free} free. Free space with \`dusty disk cleanup_containers\` and \`dusty disk cleanup_images\`, or set docker_host_persist_dir to a folder on a larger disk there`
        : `${usage.free} free on ${label} where dusty keeps its files (${persistDir}); ${formatDiskUsage(usage).split("\n")[0]}` }),
      (error: unknown) => ({ ok: false, text: `Cannot tell how much disk ${label} has left at ${persistDir}: ${errorMessage(error)}` }),
    );
    report(disk.ok, disk.text);
  }
  ctx.output(failures.length === 0 ? "Doctor found no problems" : `Doctor found ${failures.length} problem${failures.length === 1 ? "" : "s"}`);
  return failures.length === 0 ? 0 : 1;
}
