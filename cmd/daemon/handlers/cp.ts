/**
 * `cp`: copies a file or folder between this machine and a container, or between two containers
 * (test/containers-cp.test.ts), with `docker cp` through a staging folder `<persist>/cp/.staging/<uuid>` that is
 * removed afterwards (Dusty left its copies behind). The copy lands at exactly the destination path:
 * a folder copied onto an existing folder merges into it (same names replaced, everything else kept,
 * as `docker cp SRC/. DEST` does); a file onto a folder, or a folder onto a file, is refused.
 * Local paths are read and written with the caller's rights, so the daemon's root never reaches them.
 * On a Docker host elsewhere (the ssh driver) the same steps work unchanged: docker cp streams the staged
 * copy as a tar through the engine API, which rides the daemon's one ssh connection (platform/ssh.ts), so
 * nothing of the client's folders has to be mounted or even visible there (test/remote-cp.test.ts). Not
 * through the host's cp folder (`<cpDir>/<name>` mounted at /cp): docker made that folder as root, so an
 * ssh user in the docker group could not write into it, and a container running as a user of its own
 * could not copy to or from /cp; the engine's copy works whoever either of them is.
 */
import { basename, dirname, join, posix } from "node:path";
import { copyFromContainer, copyToContainer, type DockerEnv } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import { describeCpEndpoint, parseCpArgs, type CpEndpoint } from "../../_cp-paths.ts";
import { fileUserFor, type FileUser } from "../../../platform/as-caller.ts";
import { inspectContainerPath, makeContainerDir } from "../../../platform/container-files.ts";
import { dockerHostFor, runningContainer } from "./_environment.ts";
import { chownTree, copyTreeAs, createStaging, localKindAs, makeDirAs, makeOwnerReadable, removeStaging, type PathKind } from "../../../platform/local-files.ts";
import { readState, type DaemonState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";

/** Under the cp folder; spec names never start with ".", so this never meets a container's /cp mount. */
export const STAGING_FOLDER = ".staging";

const ROOT = { uid: 0, gid: 0 };

/** One side of the copy, resolved: where the data is (or goes) and what is there now. */
interface Side {
  endpoint: CpEndpoint;
  kind: PathKind;
  /** The container's id, for container sides. */
  id?: string;
  /** Where to copy from or to: the path with symlinks resolved for a container source. */
  path: string;
  /** The Docker host's environment, for container sides. */
  env: DockerEnv;
}

const handler: Handler<"cp"> = {
  async run(ctx, args) {
    const parsed = parseCpArgs(args.source, args.destination, ctx.cwd);
    if (!parsed.ok) throw new UserError(parsed.error);
    const state = await readState(ctx);
    const user = fileUserFor(ctx.caller);
    const env = await dockerHostFor(state).dockerEnv();

    const source = await resolveSide(parsed.source, { state, user, env });
    if (source.kind === "missing") throw new UserError(missingMessage(source.endpoint));
    const destination = await resolveSide(parsed.destination, { state, user, env });
    checkConflict(source, destination);

    const staging = await createStaging(join(state.locations.persistDir, "cp", STAGING_FOLDER), user);
    try {
      const item = join(staging, "item");
      await stage(source, item, user, ctx);
      await deliver(source.kind === "dir", item, destination, user, ctx);
    } finally {
      await removeStaging(staging);
    }
    ctx.log(`Copied ${describeCpEndpoint(source.endpoint)} to ${describeCpEndpoint(destination.endpoint)}`);
    return 0;
  },
};

export default handler;

async function resolveSide(endpoint: CpEndpoint, where: { state: DaemonState; user: FileUser; env: DockerEnv }): Promise<Side> {
  const { state, user, env } = where;
  if (endpoint.kind === "local") return { endpoint, kind: await localKindAs(user, endpoint.path), path: endpoint.path, env };
  const container = await runningContainer(state, endpoint.name, { env });
  const found = await inspectContainerPath(container.id, endpoint.path, { name: endpoint.name, env });
  return { endpoint, kind: found.kind, id: container.id, path: found.realPath, env };
}

function missingMessage(endpoint: CpEndpoint): string {
  return endpoint.kind === "local"
    ? `Path ${endpoint.path} does not exist`
    : `Path ${endpoint.path} does not exist inside container ${endpoint.name}`;
}

/** A file never replaces a folder and a folder never replaces a file: either would lose data. */
function checkConflict(source: Side, destination: Side): void {
  const from = describeCpEndpoint(source.endpoint);
  const to = describeCpEndpoint(destination.endpoint);
  if (source.kind === "file" && destination.kind === "dir") {
    const example = `${to}/${basename(source.endpoint.path)}`;
    throw new UserError(`Cannot copy the file ${from} to ${to}: a folder is there. Give the full path of the file to write, e.g. ${example}`);
  }
  if (source.kind === "dir" && destination.kind === "file") {
    throw new UserError(`Cannot copy the folder ${from} to ${to}: a file is there. Remove it or choose another path`);
  }
}

/** Copies the source to `item`: a local one as the caller, a container's with docker cp. */
async function stage(source: Side, item: string, user: FileUser, ctx: CommandContext): Promise<void> {
  if (source.endpoint.kind === "local") {
    await copyTreeAs(user, { source: source.path, dest: item, sourceIsDir: source.kind === "dir", signal: ctx.signal });
    // docker cp keeps the local uids; what lands in a container belongs to root there instead, as docker's own
    // docs promise, not to a uid the container may not know. (Only root can give files away.)
    if (process.getuid?.() === 0) await chownTree(item, ROOT);
    return;
  }
  await copyFromContainer(source.id!, source.path, item, { env: source.env });
}

/** Copies `item` to the destination: into a container with docker cp, to a local path as the caller. */
async function deliver(isDir: boolean, item: string, destination: Side, user: FileUser, ctx: CommandContext): Promise<void> {
  const { endpoint } = destination;
  if (endpoint.kind === "container") {
    const { env } = destination;
    if (destination.kind === "missing") await makeContainerDir(destination.id!, posix.dirname(endpoint.path), { name: endpoint.name, env });
    // "SRC/." copies a folder's contents: into the folder when it exists, else into a new one at DEST.
    await copyToContainer(isDir ? `${item}/.` : item, destination.id!, endpoint.path, { env });
    return;
  }
  if (destination.kind === "missing") await makeDirAs(user, dirname(endpoint.path));
  if (user) {
    await chownTree(item, user);
    await makeOwnerReadable(item);
  }
  await copyTreeAs(user, { source: item, dest: endpoint.path, sourceIsDir: isDir, signal: ctx.signal });
}

