/**
 * `disk backup DEST` and `disk restore SRC` (test/containers-disk.test.ts): the persist dir of the Docker host
 * (repos' copies, assets, nginx config …) mirrored to `<DEST>/dusty-backup`, and back. Both mirror with
 * --delete, as Dusty did: a restore replaces the persist dir; the client asks first.
 */
import { dirname, join, relative, resolve } from "node:path";
import { UserError } from "../../../platform/errors.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import { fileUserFor } from "../../../platform/as-caller.ts";
import { dockerHostFor } from "./_environment.ts";
import { canReadAs, chownTree, isOwnFolder, localKindAs, makeDirAs, modifiedAt } from "../../../platform/local-files.ts";
import { readState, type DaemonState } from "./_state.ts";
import type { Handler } from "./_types.ts";

/** The folder a backup goes into, under the destination the user names. */
export const BACKUP_FOLDER = "dusty-backup";

/** `disk backup DEST`: the persist dir to `<DEST>/dusty-backup`, owned by the caller afterwards. */
export const backup: Handler<"disk.backup"> = {
  async run(ctx, args) {
    const target = backupFolder(resolve(ctx.cwd, args.destination));
    const state = await readState(ctx);
    const host = dockerHostFor(state);
    const root = persistRoot(host, state);
    refuseInside(target, root, "back up into");
    const user = fileUserFor(ctx.caller);
    // Made as the caller, so they can only back up where they may write ...
    await makeDirAs(user, target);
    // ... and checked, since root writes into it next: a symlink planted there must not send root elsewhere.
    if (!(await isOwnFolder(user, target))) {
      throw new UserError(`Cannot back up into ${target}: it is not a folder of your own. Remove it or choose another destination`);
    }
    await host.ensureUp(ctx.log);
    ctx.log(`Syncing data from ${root} to ${target}...`);
    await host.syncOut(root, target, { delete: true, signal: ctx.signal, onLine: ctx.log });
    if (user) await chownTree(target, user);
    ctx.output(`Backed up ${root} to ${target}`);
    return 0;
  },
};

/** `disk restore SRC`: `<SRC>/dusty-backup` back over the persist dir, deleting what the backup lacks. */
export const restore: Handler<"disk.restore"> = {
  async run(ctx, args) {
    const source = backupFolder(resolve(ctx.cwd, args.source));
    const state = await readState(ctx);
    const host = dockerHostFor(state);
    const root = persistRoot(host, state);
    refuseInside(source, root, "restore from");
    const user = fileUserFor(ctx.caller);
    const kind = await localKindAs(user, source);
    if (kind === "missing") throw new UserError(`Can't find backup data to restore at ${source}: back up with \`dusty disk backup ${dirname(source)}\` first`);
    if (kind === "file") throw new UserError(`Cannot restore from ${source}: it is a file, not a backup folder`);
    // Root reads the backup: the caller must be able to read it too, or a restore would leak root-only files.
    if (!(await canReadAs(user, source))) {
      throw new UserError(`Cannot restore from ${source}: you cannot read it`);
    }
    await host.ensureUp(ctx.log);
    ctx.log(`Restoring your backup last modified at ${(await modifiedAt(source)).toString()}`);
    await host.syncIn(source, root, { delete: true, signal: ctx.signal, onLine: ctx.log });
    ctx.output(`Restored ${root} from ${source}`);
    return 0;
  },
};

/** `<path>/dusty-backup`, unless the path already ends with that folder (Dusty 0.7's rule, for both commands). */
export function backupFolder(path: string): string {
  const clean = resolve(path);
  return clean.split("/").at(-1) === BACKUP_FOLDER ? clean : join(clean, BACKUP_FOLDER);
}

/**
 * The persist dir on the Docker host: the local one for the native driver; for the VM drivers the
 * parent of the repos folder (/persist), as their layout puts every persistent folder there.
 */
export function persistRoot(host: DockerHost, state: DaemonState): string {
  return host.name === "native" ? resolve(state.locations.persistDir) : dirname(host.paths().reposDir);
}

// A backup inside the persist dir would copy itself into itself; a restore from there would delete itself.
function refuseInside(path: string, root: string, what: string): void {
  const inside = relative(root, path);
  if (inside === "" || (!inside.startsWith("..") && !inside.startsWith("/"))) {
    throw new UserError(`Cannot ${what} ${path}: it is inside dusty's persist dir ${root}. Choose a folder outside it`);
  }
}

