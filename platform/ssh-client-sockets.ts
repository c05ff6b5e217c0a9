/**
 * The per-user engine sockets a master forwards (`dockerEnvFor`: a docker CLI the client runs as its
 * user). ssh leaves a forward's socket file behind when its master ends, so dusty removes them itself:
 * when it ends a master, when it finds a master dead, and when the daemon starts and stops. Only files
 * dusty names so, that are sockets, in a folder of the daemon's own that nobody else may write to.
 */
import { lstat, readdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The folders of per-user sockets beside the connections' control folder: the ssh driver's, the VM drivers'. */
export const CLIENT_SOCKET_FOLDERS = { ssh: "ssh-clients", vm: "vm-ssh-clients" } as const;

/** The per-user socket of `uid` on the master whose control socket is `<key>.ctl`. */
export function clientSocketName(key: string, uid: number): string {
  return `${key}.${uid}.sock`;
}

const CLIENT_SOCKET = /^([0-9a-f]{16})\.\d+\.sock$/;

/**
 * Removes the per-user sockets in `dir` (those of the master `key` only, when given) and returns their
 * names. A folder that is missing, is a link, is not the daemon's or others may write to is left alone:
 * whatever is in it may not be dusty's.
 */
export async function removeClientSockets(dir: string, key?: string): Promise<string[]> {
  const folder = await lstat(dir).catch(() => undefined);
  if (!folder?.isDirectory() || (process.getuid && folder.uid !== process.getuid()) || (folder.mode & 0o022) !== 0) return [];
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const match = CLIENT_SOCKET.exec(name);
    if (!match || (key !== undefined && match[1] !== key)) continue;
    const path = join(dir, name);
    // lstat, and unlink never follows a link: a link or a plain file of that name stays.
    if (!(await lstat(path).catch(() => undefined))?.isSocket()) continue;
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    removed.push(name);
  }
  return removed;
}

/**
 * Removes every per-user socket in both folders beside `controlDir` (the daemon starting or stopping:
 * it grants them, so none outlives it) and returns their paths.
 */
export async function removeClientSocketsBeside(controlDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of Object.values(CLIENT_SOCKET_FOLDERS)) {
    const dir = join(dirname(controlDir), folder);
    removed.push(...(await removeClientSockets(dir)).map((name) => join(dir, name)));
  }
  return removed;
}
