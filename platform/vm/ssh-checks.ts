/**
 * What `dusty doctor` checks on the ssh driver's host, one probe each (the login itself is
 * `host.connection.open()`): the engine answers through the connection, rsync is installed there, and
 * how much room dusty's folder has. Each problem comes back as its message with the fix, never thrown.
 */
import { run } from "../run.ts";
import { parseDfOutput, type DiskUsage } from "./disk-usage.ts";
import type { createSshHost } from "./ssh-host.ts";

/** The ssh driver's DockerHost, with its connection. */
export type SshDockerHost = ReturnType<typeof createSshHost>;

/** Where the remote engine listens (the socket the connection forwards). */
const REMOTE_DOCKER_SOCKET = "/var/run/docker.sock";

/** The remote engine's version, or what is wrong there and the fix. */
export async function probeRemoteEngine(host: SshDockerHost): Promise<{ ok: true; version: string } | { ok: false; problem: string }> {
  const env = await host.dockerEnv();
  const version = await run(["docker", "version", "--format", "{{.Server.Version}}"], { env, timeoutMs: 30_000 }).catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message }));
  if (version.exitCode === 0) return { ok: true, version: version.stdout.trim() };
  // Through the forward the CLI sees only a closed stream ("EOF"): say what is missing there if we can.
  const socketThere = (await host.connection.run(["test", "-S", REMOTE_DOCKER_SOCKET])).exitCode === 0;
  const detail = socketThere ? version.stderr.trim().split("\n").at(-1) ?? "" : `no engine socket at ${REMOTE_DOCKER_SOCKET} there`;
  return { ok: false, problem: `Cannot reach the Docker Engine on ${host.connection.label}: ${detail}. Start it there (\`sudo systemctl start docker\`), and check that the ssh user may use ${REMOTE_DOCKER_SOCKET}` };
}

/** Why code cannot be synced there (rsync missing), with the fix; undefined when rsync is there. */
export async function probeRemoteRsync(host: SshDockerHost): Promise<string | undefined> {
  if ((await host.connection.run(["sh", "-c", "command -v rsync"])).exitCode === 0) return undefined;
  return `Cannot sync code to the Docker host ${host.connection.label}: rsync is not installed there. Install it on that host (\`apt-get install rsync\`)`;
}

/** The free space of dusty's folder there (`persistDir`), or of its nearest existing parent before the first `up` made it. */
export async function probeRemoteFolderUsage(host: SshDockerHost, persistDir: string): Promise<DiskUsage> {
  const script = 'd=$1; while [ ! -e "$d" ]; do d=$(dirname "$d"); done; LC_ALL=C exec df -P -h -- "$d"';
  const result = await host.connection.run(["sh", "-c", script, "sh", persistDir]);
  if (result.exitCode !== 0) throw new Error(`df failed there with exit code ${result.exitCode}: ${result.stderr.trim()}`);
  return parseDfOutput(result.stdout);
}
