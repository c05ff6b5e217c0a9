/**
 * The Docker host of Dusty 0.4 on macOS: the boot2docker VirtualBox VM, driven through the boot2docker
 * CLI (boot2docker.test.ts pins the argv). Every VM command runs demoted to the VM's owner; rsync runs as root unless asked.
 */
import type { RunOptions, RunResult } from "../run.ts";
import { demotingRunner, homeOf, memoryOf, parseExportLines, shellCommand, sshOptions, writeFileCommand } from "./_vm-shell.ts";
import { check, syncIntoVm, syncOutOfVm, syncPathsIntoVm, type VmConnection } from "./_vm-sync.ts";
import { parseDfOutput } from "./disk-usage.ts";
import { VM_PATHS, VM_SSH_USER, type DockerHost, type LogLine, type VmDriverOptions } from "./driver.ts";

/** The VirtualBox name of boot2docker's VM. */
export const BOOT2DOCKER_VM = "boot2docker-vm";
/** The localhost port boot2docker forwards to the VM's sshd. */
export const BOOT2DOCKER_SSH_PORT = "2022";

const PROFILE = "/var/lib/boot2docker/profile";
// boot2docker 1.7 raced its TLS certificates against eth1 coming up; waiting for eth1 in the profile
// (boot2docker issue #938) avoids it.
const CERT_HACK_PROFILE = `wait4eth1() {
  CNT=0
  until ip a show eth1 | grep -q UP; do
    [ $CNT -ge 60 ] && break
    CNT=$((CNT + 1))
    sleep 1
  done
  sleep 1
}
wait4eth1
`;
/** After the cert hack: rsync for syncs (tce-load exits 1 on a first install that worked, hence twice), /persist on the disk, /cp. */
const INIT_COMMANDS = [
  "tce-load -wi rsync || tce-load -wi rsync",
  "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi",
  "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi",
  "if [ ! -d /cp ]; then sudo mkdir /cp; fi",
];
const DOCKER_ENV_KEYS = ["DOCKER_HOST", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY"] as const;

/** A DockerHost on the boot2docker VM. */
export function createBoot2dockerHost(options: VmDriverOptions): DockerHost {
  const demoted = demotingRunner(options.runner, options.user);
  const boot2docker = (args: string[], log?: LogLine): Promise<RunResult> =>
    demoted(["boot2docker", ...args], log ? { onLine: (line) => log(line) } : {});
  const inVm = (command: string, log?: LogLine) => boot2docker(["ssh", command], log);
  const vm: VmConnection = {
    runner: options.runner,
    user: options.user,
    remoteShell: ["ssh", "-p", BOOT2DOCKER_SSH_PORT, ...sshOptions(`${homeOf(options)}/.ssh/id_boot2docker`)],
    sshTarget: `${VM_SSH_USER}@localhost`,
    runInVm: (command) => inVm(command),
  };

  /** Reference "VM ensure-started", then "VM initialize". */
  async function ensureUp(log: LogLine): Promise<void> {
    check(await boot2docker(["init"], log)); // exits 0 when the VM already exists
    // Fails harmlessly while the VM runs: memory changes apply at the next cold start.
    await demoted(["VBoxManage", "modifyvm", BOOT2DOCKER_VM, "--memory", memoryOf(options)]);
    check(await boot2docker(["start"], log));
    if ((await inVm(`test -f ${PROFILE}`)).exitCode !== 0) {
      log("Applying boot2docker 1.7 cert hack");
      check(await inVm(writeFileCommand(PROFILE, CERT_HACK_PROFILE), log));
      check(await inVm("sudo /etc/init.d/docker restart", log));
    }
    for (const command of INIT_COMMANDS) check(await inVm(command, log));
  }

  async function dockerEnv(): Promise<Record<string, string>> {
    const env = options.env ?? process.env;
    // A shell already set up with `$(boot2docker shellinit)` wins, as in Dusty.
    if (DOCKER_ENV_KEYS.every((key) => env[key])) return Object.fromEntries(DOCKER_ENV_KEYS.map((key) => [key, env[key]!]));
    const result = check(await boot2docker(["shellinit"]));
    return parseExportLines(`${result.stdout}\n${result.stderr}`);
  }

  return {
    name: "boot2docker",
    ensureUp,
    hostAddress: async () => check(await boot2docker(["ip"])).stdout.trimEnd(),
    dockerEnv,
    paths: () => ({ ...VM_PATHS }),
    syncIn: (localPath, hostPath, syncOptions) => syncIntoVm(vm, localPath, hostPath, syncOptions),
    syncPathsIn: async (localRoot, hostRoot, paths, syncOptions) => syncPathsIntoVm(vm, localRoot, hostRoot, paths, syncOptions),
    syncOut: (hostPath, localPath, syncOptions) => syncOutOfVm(vm, hostPath, localPath, syncOptions),
    // Separate words, as Dusty passed them: boot2docker ssh joins them and the VM's shell runs the pipe.
    diskUsage: async () => parseDfOutput(check(await boot2docker(["ssh", "df", "-h", "|", "grep", "/dev/sda1"])).stdout),
    runOnHost: (argv: string[], runOptions?: RunOptions) => demoted(["boot2docker", "ssh", shellCommand(argv)], runOptions),
    shutdown: async (log) => {
      // `boot2docker status` prints the VM's state: "running", "poweroff", "saved" …
      if ((await boot2docker(["status"])).stdout.trim() !== "running") return log("Dusty VM is already shut down");
      log("Shutting down Dusty VM");
      check(await boot2docker(["stop"], log));
      log("Dusty VM was shut down");
    },
  };
}
