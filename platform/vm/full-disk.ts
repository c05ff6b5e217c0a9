/**
 * A Docker host elsewhere whose disk is full: its syncs into dusty's folder there fail with rsync's or
 * mkdir's "No space left on device" deep in a command line. This wrapper turns that into one message
 * naming the host, the folder and the fix, for every command that syncs there (up, restart, sync,
 * watch, test, disk restore).
 */
import { UserError } from "../errors.ts";
import { CommandFailedError } from "../run.ts";
import type { DockerHost } from "./driver.ts";

/** Which host and folder the message names. */
export interface FullDiskWhere {
  /** `user@host`, as the connection names it. */
  label: string;
  /** dusty's folder there. */
  persistDir: string;
}

/** The host with `syncIn` and `syncPathsIn` reporting a full disk there as a UserError with the fix. */
export function reportFullDisk<T extends DockerHost>(host: T, where: FullDiskWhere): T {
  const guard = <A extends unknown[]>(sync: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
    try {
      await sync(...args);
    } catch (error) {
      const full = error instanceof CommandFailedError ? /No space left on device|Disk quota exceeded/.exec(error.result.stderr) : null;
      if (!full) throw error;
      throw new UserError(
        `The Docker host ${where.label} is out of disk space in dusty's folder ${where.persistDir}: ${full[0]}. ` +
          "Free space there (`dusty disk cleanup_containers`, `dusty disk cleanup_images`), or set docker_host_persist_dir to a folder on a larger disk of that host",
      );
    }
  };
  return { ...host, syncIn: guard(host.syncIn), syncPathsIn: guard(host.syncPathsIn) };
}
