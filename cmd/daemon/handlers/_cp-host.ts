/**
 * `cp`'s container side on a Docker host elsewhere (the ssh driver): the staged copy travels to and from
 * the host's cp folder with rsync over the daemon's one connection (compressed, and never a bind mount of
 * a client path), and the container copies it from and to its own `/cp` mount (`<cpDir>/<name>:/cp`,
 * core/compose.ts). Each copy has a folder of its own there, `.dusty-cp-<uuid>` (spec names never start
 * with "."), removed afterwards. A container without that mount (nginx) is copied with docker cp instead.
 */
import { randomUUID } from "node:crypto";
import { posix } from "node:path";
import { containerMountDestinations, copyFromContainer, copyToContainer, execInContainer, type DockerEnv } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";

/** Where the container sees its cp folder. */
const CONTAINER_CP_DIR = "/cp";

/** The container end of one copy. */
export interface HostCpContainer {
  id: string;
  /** The app or service: its cp folder on the host is `<cpDir>/<name>`. */
  name: string;
  /** The path inside the container (symlinks resolved for a source). */
  path: string;
  env: DockerEnv;
}

// "$1" is the staged item under /cp, "$2" the container path: paths are arguments, never script text.
// A folder merges into what is at "$2" (made if missing), as docker cp's "SRC/." does.
const INTO_SCRIPT = 'if [ -d "$1" ]; then mkdir -p "$2" && cp -a "$1"/. "$2"; else cp -a "$1" "$2"; fi';
const OUT_OF_SCRIPT = 'mkdir -p "$(dirname "$2")" && cp -a "$1" "$2"';

/** One copy into a container: the local staged `item`, a folder or not. */
export interface HostCpInto {
  item: string;
  isDir: boolean;
  to: HostCpContainer;
  signal?: AbortSignal;
}

/** One copy out of a container to the local path `item` (which must not exist yet). */
export interface HostCpOutOf {
  from: HostCpContainer;
  item: string;
  signal?: AbortSignal;
}

/** Copies the local staged item to `to.path` in the container, through the host's cp folder. */
export async function copyIntoContainerViaHost(host: DockerHost, copy: HostCpInto): Promise<void> {
  const { item, isDir, to, signal } = copy;
  if (!(await hasCpMount(to))) return copyToContainer(isDir ? `${item}/.` : item, to.id, to.path, { env: to.env });
  await withCopyFolder(host, to, async (folder) => {
    await host.syncIn(item, `${folder.onHost}/item`, { delete: false, signal });
    await inContainer(to, [INTO_SCRIPT, `${folder.inContainer}/item`, to.path], "copy into");
  });
}

/** Copies `from.path` out of the container to the local staged item, through the host's cp folder. */
export async function copyOutOfContainerViaHost(host: DockerHost, copy: HostCpOutOf): Promise<void> {
  const { from, item, signal } = copy;
  if (!(await hasCpMount(from))) return copyFromContainer(from.id, from.path, item, { env: from.env });
  await withCopyFolder(host, from, async (folder) => {
    await inContainer(from, [OUT_OF_SCRIPT, from.path, `${folder.inContainer}/item`], "copy out of");
    await host.syncOut(`${folder.onHost}/item`, item, { delete: false, signal });
  });
}

/** A fresh copy folder in the container's cp folder, removed afterwards whatever happened. */
async function withCopyFolder(host: DockerHost, container: HostCpContainer, body: (folder: { onHost: string; inContainer: string }) => Promise<void>): Promise<void> {
  const name = `.dusty-cp-${randomUUID()}`;
  const folder = { onHost: posix.join(host.paths().cpDir, container.name, name), inContainer: posix.join(CONTAINER_CP_DIR, name) };
  try {
    await body(folder);
  } finally {
    // The container's copies belong to its root, which the ssh user may not be: it removes them itself first.
    await execInContainer(container.id, ["rm", "-rf", "--", folder.inContainer], { env: container.env }).catch(() => {});
    await host.runOnHost(["rm", "-rf", "--", folder.onHost]);
  }
}

async function inContainer(container: HostCpContainer, script: [string, string, string], what: string): Promise<void> {
  const [text, ...args] = script;
  const result = await execInContainer(container.id, ["sh", "-c", text, "sh", ...args], { env: container.env });
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split("\n").at(-1) || `cp exited with code ${result.exitCode}`;
    throw new UserError(`Cannot ${what} the container of ${container.name}: ${why}`);
  }
}

/** Whether the container mounts its cp folder (every app and service does; nginx does not). */
async function hasCpMount(container: HostCpContainer): Promise<boolean> {
  return (await containerMountDestinations(container.id, { env: container.env })).includes(CONTAINER_CP_DIR);
}
