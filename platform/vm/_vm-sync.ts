/**
 * rsync into and out of a VM over ssh (boot2docker.test.ts pins the argv), shared by the
 * boot2docker and docker-machine drivers; they differ only in how ssh reaches the VM.
 */
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { localKind, syncFolder, syncFromRemote, syncPaths, type SyncOptions } from "../rsync.ts";
import { CommandFailedError, type RunResult } from "../run.ts";
import { demotingRunner, shellCommand } from "./_vm-shell.ts";
import { VM_SSH_USER, type HostSyncOptions, type Runner } from "./driver.ts";

/** How one VM is reached. */
export interface VmConnection {
  /** Runs root programs (rsync by default runs as root, as in Dusty). */
  runner: Runner;
  /** The VM's owner, for demoted commands. */
  user?: string;
  /** The `-e` program of rsync: ssh with port and key. */
  remoteShell: string[];
  /** Like "docker@localhost". */
  sshTarget: string;
  /** Runs a shell command inside the VM, demoted; resolves whatever its exit code. */
  runInVm(command: string): Promise<RunResult>;
}

/** Creates the target folder in the VM (owned by the ssh user), then rsyncs the local file or folder to it. */
export async function syncIntoVm(vm: VmConnection, localPath: string, vmPath: string, options: HostSyncOptions = {}): Promise<void> {
  const kind = await localKind(localPath);
  if (kind === "missing") throw new UserError(`Cannot sync "${localPath}": no such file or folder. Check the path`);
  const dir = kind === "dir" ? vmPath : posix.dirname(vmPath);
  const mkdir = `${shellCommand(["sudo", "mkdir", "-p", dir])}; ${shellCommand(["sudo", "chown", "-R", VM_SSH_USER, dir])}`;
  check(await vm.runInVm(mkdir));
  await syncFolder(localPath, `${vm.sshTarget}:${vmPath}`, rsyncOptions(vm, options));
}

/** Rsyncs the listed paths of a local folder into a VM folder that `syncIntoVm()` has made. */
export async function syncPathsIntoVm(vm: VmConnection, localRoot: string, vmRoot: string, paths: readonly string[], options: HostSyncOptions = {}): Promise<void> {
  await syncPaths(localRoot, `${vm.sshTarget}:${vmRoot}`, paths, rsyncOptions(vm, options));
}

/** Rsyncs a file or folder of the VM to a local path; `test -d` in the VM says which it is. */
export async function syncOutOfVm(vm: VmConnection, vmPath: string, localPath: string, options: HostSyncOptions = {}): Promise<void> {
  const sourceIsDir = (await vm.runInVm(shellCommand(["test", "-d", vmPath]))).exitCode === 0;
  await syncFromRemote(`${vm.sshTarget}:${vmPath}`, localPath, { ...rsyncOptions(vm, options), sourceIsDir });
}

/** Rejects a failed VM command with a CommandFailedError. */
export function check(result: RunResult): RunResult {
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  return result;
}

function rsyncOptions(vm: VmConnection, options: HostSyncOptions): SyncOptions {
  return {
    delete: options.delete,
    excludeNestedGit: options.excludeNestedGit,
    signal: options.signal,
    onLine: options.onLine,
    remoteShell: vm.remoteShell,
    // The synced files belong to root in the VM (containers run as root), so the VM's rsync needs sudo.
    rsyncPath: "sudo rsync",
    compress: true,
    runner: options.asUser ? demotingRunner(vm.runner, vm.user) : vm.runner,
  };
}
