/**
 * The Docker host on Linux: the engine runs on this machine, so "the host" is a folder here (the persist
 * dir), syncs are local rsyncs, and host names point at the address ports are published on. The engine
 * followed from the client (a tcp:// or ssh:// one) may run elsewhere: then the names point at its machine
 * (platform/engine-machine.ts), and an ssh:// one is reached over dusty's own connection (_native-ssh.ts).
 */
import { chmod, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { HostPaths } from "../../core/compile.ts";
import { engineFix, type EngineChoice } from "../../core/docker-engine.ts";
import { dockerServerVersion } from "../docker.ts";
import { describeEngineChoice, engineEnv, type EngineCaller } from "../docker-endpoint.ts";
import { engineMachineAddress } from "../engine-machine.ts";
import { UserError } from "../errors.ts";
import { localKind, syncFolder, syncPaths, type SyncOptions } from "../rsync.ts";
import { CommandFailedError, run, runChecked } from "../run.ts";
import { parseDfOutput } from "./disk-usage.ts";
import type { DockerHost, HostSyncOptions } from "./driver.ts";
import { createNativeSshEngine, type NativeSshSettings } from "./_native-ssh.ts";

/** Settings of the native driver. */
export interface NativeHostOptions {
  /** dusty's persist dir (`Locations.persistDir`): everything containers mount lives under it. */
  persistDir: string;
  /** The address ports are published on and host names point at (default 127.0.0.1). */
  bindAddress?: string;
  /** Which engine: the config's pin, else the client's DOCKER_HOST or Docker context (default: the daemon's own). */
  engine?: EngineChoice;
  /** The client asking, so a socket or TLS folder of another user is refused (null: unknown). */
  caller?: EngineCaller;
  /** For an ssh:// engine: where dusty keeps the caller's connection, and the caller's agent (platform/vm/_native-ssh.ts). */
  engineSsh?: NativeSshSettings;
}

/** dusty's folders under the persist dir. */
export function nativePaths(persistDir: string): HostPaths {
  return {
    reposDir: join(persistDir, "repos"),
    commandFilesDir: join(persistDir, "command_files"),
    cpDir: join(persistDir, "cp"),
    assetsDir: join(persistDir, "assets"),
    nginxDir: join(persistDir, "nginx"),
  };
}

/** A DockerHost on this machine's Docker Engine. */
export function createNativeHost(options: NativeHostOptions): DockerHost {
  const persistDir = resolve(options.persistDir);
  const paths = nativePaths(persistDir);
  const engine = options.engine ?? { source: "default" };
  const caller = options.caller ?? null;
  const sshEngine = engine.host?.startsWith("ssh://") && options.engineSsh ? createNativeSshEngine({ ...engine, host: engine.host }, options.engineSsh, caller) : undefined;
  // engineEnv() checks the endpoint first, whatever reaches it then.
  const dockerEnv = async () => {
    const env = await engineEnv(engine, caller);
    return sshEngine ? sshEngine.dockerEnv() : env;
  };
  let elsewhere: Promise<string | undefined> | undefined;
  const engineElsewhere = () => (elsewhere ??= engineMachineAddress(engine.host));

  async function ensureUp(log: (line: string) => void): Promise<void> {
    const version = await engineVersion(engine, await dockerEnv());
    log(`Docker Engine ${version} is running${engine.source === "default" ? "" : ` at ${describeEngineChoice(engine)}`}`);
    for (const dir of Object.values(paths)) await mkdir(dir, { recursive: true });
    // Assets hold secrets: only root may list or read them (mkdir's mode does not apply to an existing folder).
    await chmod(paths.assetsDir, 0o700);
  }

  // Every sync runs as root with --delete, so a wrong path must never reach rsync.
  function insidePersist(hostPath: string): string {
    const path = resolve(hostPath);
    if (path !== persistDir && !path.startsWith(`${persistDir}/`)) {
      throw new Error(`Refusing to sync "${hostPath}": it is outside dusty's persist dir "${persistDir}"`);
    }
    return path;
  }

  return {
    name: "native",
    ensureUp,
    // An engine on another machine publishes there: the names must point at it.
    hostAddress: async () => (await engineElsewhere()) ?? options.bindAddress ?? "127.0.0.1",
    engineElsewhere,
    dockerEnv,
    // The client's own docker reaches an ssh:// engine with the client's own ssh; the forwarded socket is root's.
    ...(sshEngine && { dockerEnvFor: async () => ({ DOCKER_HOST: engine.host!, DOCKER_CERT_PATH: "", DOCKER_TLS_VERIFY: "" }) }),
    paths: () => ({ ...paths }),
    syncIn: async (localPath, hostPath, syncOptions = {}) => syncFolder(localPath, insidePersist(hostPath), rsyncOptions(syncOptions)),
    syncPathsIn: async (localRoot, hostRoot, relPaths, syncOptions = {}) => syncPaths(localRoot, insidePersist(hostRoot), relPaths, rsyncOptions(syncOptions)),
    syncOut: async (hostPath, localPath, syncOptions = {}) => syncFolder(insidePersist(hostPath), localPath, rsyncOptions(syncOptions)),
    diskUsage: async () => {
      // LC_ALL=C: "1.5G", never "1,5G"; -P: one line per filesystem, whatever the device name's length.
      const result = await runChecked(["df", "-P", "-h", "--", await nearestExisting(persistDir)], { env: { LC_ALL: "C" } });
      return parseDfOutput(result.stdout);
    },
    runOnHost: (argv, runOptions) => run(argv, runOptions),
  };
}

/** The engine's version, or a UserError naming the engine, where that choice came from, and how to fix it. */
async function engineVersion(engine: EngineChoice, env: Record<string, string>): Promise<string> {
  try {
    return await dockerServerVersion({ env });
  } catch (error) {
    if (!(error instanceof CommandFailedError)) throw error; // CommandNotFoundError already says to install docker
    const detail = error.stderrTail.split("\n")[0] || `docker exited with code ${error.exitCode}`;
    const fix = /x509:|tls:|certificate/.test(detail) && engine.certPath !== undefined ? tlsFix(engine.certPath) : engineFix(engine);
    throw new UserError(`Cannot reach the Docker Engine at ${describeEngineChoice(engine)}: ${detail}. ${fix.charAt(0).toUpperCase()}${fix.slice(1)}`);
  }
}

/** A TLS failure is fixed in the certificates, not by starting the engine. */
function tlsFix(certPath: string): string {
  return `check the TLS material in "${certPath}" (ca.pem, cert.pem, key.pem): ca.pem must be the CA that signed the engine's certificate, and cert.pem with key.pem a client certificate the engine accepts`;
}

function rsyncOptions(options: HostSyncOptions): SyncOptions {
  // Both ends are this machine's rsync, so times can be compared to the nanosecond.
  return { delete: options.delete, excludeNestedGit: options.excludeNestedGit, signal: options.signal, onLine: options.onLine, exactTimes: true };
}

/** df needs an existing path; before the first `up` the persist dir may not exist yet. */
async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while ((await localKind(current)) === "missing" && dirname(current) !== current) current = dirname(current);
  return current;
}
