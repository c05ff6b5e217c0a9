/**
 * A real second Docker host for tests: a network namespace with its own address, its own dockerd and
 * its own sshd, in a mount namespace of its own where /run is fresh (so neither the local engine's
 * socket nor anything else of this machine's /run is reachable from it) and the client folders a test
 * names are hidden under a tmpfs (so a bind mount of a client path cannot pass by accident).
 *
 *   const host = await startRemoteHost({ hide: [testDir] });
 *   afterAll(() => host.stop());
 *   await host.loadImage(BUSYBOX_IMAGE);
 *   ssh -F host.sshConfigFile root@host.address …
 *
 * `ip netns exec` remounts /sys, after which dockerd fails ("Devices cgroup isn't mounted"); entering
 * the network namespace with nsenter and a mount namespace of our own (held by one `sleep`) keeps the
 * cgroups. Traffic goes only to the namespace's address. `stop()` removes everything this made.
 */
import type { Subprocess } from "bun";
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, readdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runChecked, type RunOptions, type RunResult } from "../platform/run.ts";
import { isProcessAlive } from "../platform/processes.ts";
import { cleanUpAtRunEnd } from "./_cleanup.ts";
import { makeEngineCertificates } from "./tls-certs.ts";

/** Options of `startRemoteHost()`. */
export interface RemoteHostOptions {
  /** Client folders the remote host must not see: each gets an empty tmpfs over it there. */
  hide?: string[];
  /**
   * The user ssh logs in as (default root). Any other name is an account of the host's alone (its own
   * /etc/passwd, group, shadow and sudoers, bind-mounted there only) in the docker group, with
   * password-less sudo: the shape of a boot2docker VM's "docker" user.
   */
  user?: string;
  /**
   * Absolute folders that exist on the remote host only (an empty tmpfs each), such as a VM's /persist.
   * One missing on this machine is made here as a mount point (holding only a marker file) and removed
   * by the `stop()` of the last host that has its own folder there.
   */
  ownFolders?: string[];
  /**
   * Let the host's dockerd listen on tcp://ADDRESS:2376 too, with --tlsverify and certificates made by
   * test/tls-certs.ts (the server's for the namespace's address): `RemoteHost.tls` has the client side.
   */
  dockerTls?: boolean;
}

/** The client side of a host's TLS engine. */
export interface RemoteHostTls {
  /** `tcp://ADDRESS:2376`. */
  readonly endpoint: string;
  /** ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH takes them. */
  readonly clientDir: string;
}

/** A running namespace host. */
export interface RemoteHost {
  /** The namespace's IPv4 address (sshd listens on port 22 there). */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** `ssh://USER@ADDRESS`, the form `docker_host` takes. */
  readonly dockerHostUrl: string;
  /** The client's private key (no passphrase) the host accepts. */
  readonly keyPath: string;
  /** A known_hosts file holding the host's key. */
  readonly knownHostsFile: string;
  /** An ssh_config naming the key and known_hosts file, for `ssh -F`. */
  readonly sshConfigFile: string;
  /** A folder only the remote host sees (a tmpfs there): put its persist folder under it. */
  readonly remoteRoot: string;
  /** The host's public key line, for known_hosts files a test writes itself. */
  readonly hostKeyLine: string;
  /** With `dockerTls`: the engine's TLS endpoint and a client folder it accepts. */
  readonly tls?: RemoteHostTls;
  /** Runs `docker ARGS` against the remote engine (inside the namespaces). */
  docker(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs any program inside the host's namespaces. */
  exec(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Copies a local image into the remote engine (`docker save | docker load`). */
  loadImage(image: string): Promise<void>;
  /** How many ssh logins sshd has accepted so far (one per handshake). */
  acceptedLogins(): number;
  /** What of this host still exists (empty once `stop()` has finished). */
  leftovers(): Promise<string[]>;
  /** Stops every process this started, by pid, and removes the namespaces, veth, mounts and folders. */
  stop(): Promise<void>;
}

const REQUIRED = ["ip", "nsenter", "unshare", "dockerd", "/usr/sbin/sshd", "ssh-keygen"];
const READY_TIMEOUT_MS = 60_000;
/** The port Docker's documentation gives a TLS engine. */
const DOCKER_TLS_PORT = 2376;

/** Starts a namespace host; throws (after removing what it made) when any part does not come up. */
export async function startRemoteHost(options: RemoteHostOptions = {}): Promise<RemoteHost> {
  if (process.getuid?.() !== 0) throw new Error("startRemoteHost(): needs root (network and mount namespaces)");
  for (const program of REQUIRED) {
    if (!Bun.which(program)) throw new Error(`startRemoteHost(): "${program}" is missing. Run \`bash scripts/ensure-docker.sh\` (installs openssh-server and iproute2)`);
  }
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
  const name = `dusty-rh-${id}`;
  const vethHost = `drh${id}a`;
  const vethRemote = `drh${id}b`;
  const state = await mkdtemp(join(tmpdir(), "dusty-remote-host-"));
  const netnsPath = `/var/run/netns/${name}`;
  const { vethNet, bip } = await pickSubnets();
  const clientAddress = `${vethNet}.1`;
  const address = `${vethNet}.2`;
  const children: Subprocess[] = [];
  let holder: Subprocess | undefined;
  let netnsMade = false;
  const remoteRoot = join(state, "remote-fs");
  const nsPrefix = () => ["nsenter", `--mount=/proc/${holder!.pid}/ns/mnt`, `--net=${netnsPath}`];
  const exec = (argv: string[], runOptions?: RunOptions) => run([...nsPrefix(), ...argv], runOptions);
  const docker = (args: string[], runOptions?: RunOptions) => exec(["docker", ...args], runOptions);
  const sshdLog = join(state, "sshd.log");
  const dockerdLog = join(state, "dockerd.log");
  const user = options.user ?? "root";
  // Mount points made on this machine for own folders carry a marker file (hidden under each host's
  // tmpfs): the last host that stops while the folder holds nothing else removes it.
  const ownFolders = options.ownFolders ?? [];
  const removeMadeFolders = () => {
    for (const dir of [...ownFolders].reverse()) {
      // Another host started meanwhile mounts its own folder there. rmdir here would succeed and silently
      // unmount it in that host's namespace, after which its writes (rsync, mkdir -p) land on this
      // machine's disk: so the folder stays for the last host that uses it.
      if (!madeByAHost(dir) || mountedInAnotherNamespace(dir)) continue;
      try {
        if (readdirSync(dir).length !== 1) continue; // more than the marker: left for a look, never removed with its contents
        rmSync(join(dir, MADE_MARKER));
        rmdirSync(dir);
      } catch {
        // Another host removed it first.
      }
    }
  };

  // Whatever happens to the test process (a failed assertion before stop(), an exception), the daemons
  // and the namespace do not outlive it: under bun test (which fires no exit handlers) stop() runs at the
  // end of the run (test/_cleanup.ts); under plain bun (bench/ scripts) this synchronous exit handler does.
  const onExit = () => {
    for (const child of [...children, holder]) child?.kill("SIGKILL");
    Bun.spawnSync(["ip", "link", "del", vethHost], { stdio: ["ignore", "ignore", "ignore"] });
    if (netnsMade) Bun.spawnSync(["ip", "netns", "del", name], { stdio: ["ignore", "ignore", "ignore"] });
    removeMadeFolders();
    try {
      rmSync(state, { recursive: true, force: true });
    } catch {
      // A process still dying may hold a file; the folder is in the temp dir.
    }
  };
  process.on("exit", onExit);
  const unregister = cleanUpAtRunEnd(() => stop());

  async function stop(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    const dockerd = children[0];
    if (holder && dockerd && dockerd.exitCode === null) {
      await attempt("remove the remote containers", async () => {
        const ids = (await docker(["ps", "-aq"], { timeoutMs: 20_000 })).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await docker(["rm", "-f", "-v", ...ids], { timeoutMs: 30_000 });
      });
    }
    for (const child of [...children].reverse()) await attempt(`stop pid ${child.pid}`, () => stopProcess(child));
    // sshd's sessions, containerd and its shims: every process in our mount namespace is ours.
    if (holder) {
      const mountNs = readNs(holder.pid);
      for (const pid of mountNs ? pidsInMountNs(mountNs) : []) {
        if (pid !== holder.pid) await attempt(`kill pid ${pid}`, async () => process.kill(pid, "SIGKILL"));
      }
      await attempt(`stop pid ${holder.pid}`, () => stopProcess(holder!));
    }
    // Deleting one end of the veth deletes both; netns teardown alone would do it only later.
    await attempt("delete the veth", () => run(["ip", "link", "del", vethHost]));
    if (netnsMade) await attempt("delete the netns", () => runChecked(["ip", "netns", "del", name]));
    removeMadeFolders();
    await attempt("remove the folder", () => rm(state, { recursive: true, force: true }));
    process.off("exit", onExit);
    unregister();
    if (problems.length > 0) throw new Error(`RemoteHost.stop(): ${problems.join("; ")}`);
  }

  async function leftovers(): Promise<string[]> {
    const left: string[] = [];
    if (existsSync(netnsPath)) left.push(`netns ${name}`);
    if ((await run(["ip", "link", "show", vethHost])).exitCode === 0) left.push(`veth ${vethHost}`);
    for (const child of [...children, holder]) if (child && isProcessAlive(child.pid)) left.push(`pid ${child.pid}`);
    if (existsSync(state)) left.push(`folder ${state}`);
    if (readFileSync("/proc/self/mountinfo", "utf8").includes(state)) left.push(`a mount under ${state}`);
    for (const dir of ownFolders) if (madeByAHost(dir) && !mountedInAnotherNamespace(dir)) left.push(`folder ${dir}`);
    return left;
  }

  try {
    await runChecked(["ip", "netns", "add", name]);
    netnsMade = true;
    await runChecked(["ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethRemote]);
    await runChecked(["ip", "link", "set", vethRemote, "netns", name]);
    await runChecked(["ip", "addr", "add", `${clientAddress}/30`, "dev", vethHost]);
    await runChecked(["ip", "link", "set", vethHost, "up"]);
    for (const args of [["addr", "add", `${address}/30`, "dev", vethRemote], ["link", "set", vethRemote, "up"], ["link", "set", "lo", "up"]]) {
      await runChecked(["nsenter", `--net=${netnsPath}`, "ip", ...args]);
    }

    // The mount namespace lives as long as this sleep; nsenter and unshare exec, so its pid is the sleep's.
    holder = Bun.spawn(["nsenter", `--net=${netnsPath}`, "unshare", "--mount", "--propagation", "private", "sleep", "infinity"], { stdio: ["ignore", "ignore", "ignore"] });
    await waitFor("the mount namespace", () => readNs(holder!.pid) !== undefined && readNs(holder!.pid) !== readNs(process.pid), () => "");
    await mkdir(remoteRoot);
    for (const dir of options.ownFolders ?? []) {
      if (!dir.startsWith("/") || dir === "/") throw new Error(`startRemoteHost(): ownFolders needs absolute folders, not "${dir}"`);
      if (!existsSync(dir)) {
        try {
          mkdirSync(dir);
        } catch (error) {
          // Another host made it at the same moment.
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        writeFileSync(join(dir, MADE_MARKER), "");
      }
    }
    for (const dir of ["/run", remoteRoot, ...(options.hide ?? []), ...(options.ownFolders ?? [])]) {
      await runChecked(["nsenter", `--mount=/proc/${holder.pid}/ns/mnt`, "mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", dir]);
    }

    // The host's own keys and a client key it accepts.
    const keyPath = join(state, "client_key");
    await runChecked(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dusty-test-client", "-f", keyPath]);
    await runChecked(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(state, "host_key")]);
    const hostKeyLine = readFileSync(join(state, "host_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
    const knownHostsFile = join(state, "known_hosts");
    writeFileSync(knownHostsFile, `${address} ${hostKeyLine}\n`);
    const sshConfigFile = join(state, "ssh_config");
    writeFileSync(sshConfigFile, sshConfig({ keyPath, knownHostsFile }));
    // StrictModes: the authorized keys and every folder above them must be root's and not group/world
    // writable, which /tmp is not: so they live in the host's own /run.
    await exec(["install", "-d", "-m", "755", "/run/sshd"]).then(checked);
    // sshd reads the keys as the user logging in: readable by all when that is not root (a public key).
    await exec(["install", "-D", "-m", user === "root" ? "600" : "644", `${keyPath}.pub`, "/run/dusty-remote-host/authorized_keys"]).then(checked);
    if (user !== "root") await addAccount(user, state, exec);
    const sshdConfig = join(state, "sshd_config");
    writeFileSync(sshdConfig, sshdConfigText({ address, hostKey: join(state, "host_key"), pidFile: join(state, "sshd.pid") }));

    const tcpTls = options.dockerTls ? await makeEngineCertificates(join(state, "tls"), address) : undefined;
    const tlsArgs = tcpTls ? ["-H", `tcp://${address}:${DOCKER_TLS_PORT}`, "--tlsverify", "--tlscacert", tcpTls.server.ca, "--tlscert", tcpTls.server.cert, "--tlskey", tcpTls.server.key] : [];
    const daemonJson = join(state, "daemon.json");
    writeFileSync(daemonJson, "{}\n"); // never this machine's /etc/docker/daemon.json
    children.push(
      Bun.spawn([...nsPrefix(), "dockerd", "--config-file", daemonJson, "--data-root", join(state, "docker"), "--exec-root", join(state, "docker-exec"), "--pidfile", join(state, "dockerd.pid"), "-H", "unix:///var/run/docker.sock", ...tlsArgs, "--bip", bip], {
        stdio: ["ignore", Bun.file(dockerdLog), Bun.file(dockerdLog)],
      }),
    );
    children.push(Bun.spawn([...nsPrefix(), "/usr/sbin/sshd", "-D", "-e", "-f", sshdConfig], { stdio: ["ignore", Bun.file(sshdLog), Bun.file(sshdLog)] }));
    await waitFor("sshd", () => readText(sshdLog).includes("Server listening on"), () => readText(sshdLog), children[1]);
    await waitFor("dockerd", async () => (await docker(["version", "--format", "{{.Server.Version}}"])).exitCode === 0, () => readText(dockerdLog), children[0]);

    return {
      address,
      port: 22,
      user,
      dockerHostUrl: `ssh://${user}@${address}`,
      keyPath,
      knownHostsFile,
      sshConfigFile,
      remoteRoot,
      hostKeyLine,
      ...(tcpTls && { tls: { endpoint: `tcp://${address}:${DOCKER_TLS_PORT}`, clientDir: tcpTls.clientDir } }),
      docker,
      exec,
      loadImage: async (image) => {
        const save = Bun.spawn(["docker", "save", image], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
        const load = Bun.spawn([...nsPrefix(), "docker", "load", "-q"], { stdin: save.stdout, stdout: "pipe", stderr: "pipe" });
        const [saved, loaded] = await Promise.all([save.exited, load.exited]);
        if (saved !== 0 || loaded !== 0) {
          throw new Error(`Cannot load ${image} into the remote engine: ${await new Response(save.stderr).text()}${await new Response(load.stderr).text()}`);
        }
      },
      acceptedLogins: () => readText(sshdLog).split("\n").filter((line) => line.startsWith("Accepted publickey")).length,
      leftovers,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/**
 * Gives the host an account of its own: copies of this machine's passwd, group and shadow with the user
 * added (a free uid, the docker group, a home in the host's /run) and a sudoers letting it run anything,
 * bind-mounted over the originals in the host's mount namespace only. Before dockerd starts, so that
 * its socket gets the docker group the user is in.
 */
async function addAccount(user: string, state: string, exec: (argv: string[]) => Promise<RunResult>): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new Error(`startRemoteHost(): "${user}" is not a user name`);
  const passwd = readFileSync("/etc/passwd", "utf8");
  const uids = new Set(passwd.split("\n").map((line) => Number(line.split(":")[2])));
  let uid = 4100;
  while (uids.has(uid)) uid++;
  const home = `/run/dusty-remote-host/home-${user}`;
  let group = readFileSync("/etc/group", "utf8").replace(/\n?$/, "\n");
  const gids = new Set(group.split("\n").map((line) => Number(line.split(":")[2])));
  let gid = 4100;
  while (gids.has(gid) || uids.has(gid)) gid++;
  group += `${user}:x:${gid}:\n`;
  if (!/^docker:/m.test(group)) group += `docker:x:${gid + 1}:${user}\n`;
  else group = group.replace(/^(docker:[^:]*:\d+:)(.*)$/m, (_, head: string, members: string) => `${head}${members ? `${members},` : ""}${user}`);
  const files: Record<string, { text: string; mode: number }> = {
    passwd: { text: `${passwd.replace(/\n?$/, "\n")}${user}:x:${uid}:${gid}::${home}:/bin/sh\n`, mode: 0o644 },
    group: { text: group, mode: 0o644 },
    // "*": no password, and not a locked account, which sshd would refuse even with a key.
    shadow: { text: `${readFileSync("/etc/shadow", "utf8").replace(/\n?$/, "\n")}${user}:*:19000:0:99999:7:::\n`, mode: 0o640 },
    sudoers: { text: `Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n${user} ALL=(ALL:ALL) NOPASSWD: ALL\n`, mode: 0o440 },
  };
  for (const [file, { text, mode }] of Object.entries(files)) {
    const copy = join(state, `etc-${file}`);
    writeFileSync(copy, text, { mode });
    chmodSync(copy, mode);
    await exec(["mount", "--bind", copy, `/etc/${file}`]).then(checked);
  }
  await exec(["install", "-d", "-m", "700", "-o", String(uid), "-g", String(gid), home]).then(checked);
}

/** The client side: only this key, only this known_hosts (never the machine's), no agent, no prompts. */
function sshConfig(paths: { keyPath: string; knownHostsFile: string }): string {
  return [
    "Host *",
    `  IdentityFile ${paths.keyPath}`,
    "  IdentitiesOnly yes",
    "  IdentityAgent none",
    `  UserKnownHostsFile ${paths.knownHostsFile}`,
    "  GlobalKnownHostsFile /dev/null",
    "  ConnectTimeout 20",
    "",
  ].join("\n");
}

function sshdConfigText(paths: { address: string; hostKey: string; pidFile: string }): string {
  return [
    `ListenAddress ${paths.address}:22`,
    `HostKey ${paths.hostKey}`,
    "AuthorizedKeysFile /run/dusty-remote-host/authorized_keys",
    `PidFile ${paths.pidFile}`,
    "UsePAM no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    // The docker socket is forwarded as a unix-socket stream, which "AllowTcpForwarding no" forbids too.
    "AllowTcpForwarding local",
    "AllowStreamLocalForwarding local",
    "X11Forwarding no",
    // One "Accepted publickey" line per login: how tests count handshakes.
    "LogLevel VERBOSE",
    "MaxStartups 100:30:200",
    "",
  ].join("\n");
}

/** A /30 for the veth and a /24 for the remote docker0 in 10.0.0.0/8, overlapping nothing routed here. */
async function pickSubnets(): Promise<{ vethNet: string; bip: string }> {
  const used = [...(await runChecked(["ip", "-4", "route", "show", "table", "all"])).stdout.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)].map((m) => [toInt(m[1]!), Number(m[2] ?? 32)] as const);
  const addrs = [...(await runChecked(["ip", "-4", "-o", "addr"])).stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/g)].map((m) => [toInt(m[1]!), Number(m[2])] as const);
  const taken = [...used, ...addrs].filter(([, bits]) => bits > 0);
  const free = (base: number, bits: number) => taken.every(([net, netBits]) => !overlaps(base, bits, net, netBits));
  const pick = (exclude: number[]): number => {
    for (let i = 0; i < 1000; i++) {
      const base = toInt(`10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0`);
      if (free(base, 24) && !exclude.includes(base)) return base;
    }
    throw new Error("startRemoteHost(): no free /24 in 10.200.0.0/14");
  };
  const veth = pick([]);
  const bridge = pick([veth]);
  return { vethNet: fromInt(veth).split(".").slice(0, 3).join("."), bip: `${fromInt(bridge + 1)}/24` };
}

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function overlaps(a: number, aBits: number, b: number, bBits: number): boolean {
  const bits = Math.min(aBits, bBits);
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, log: () => string, child?: Subprocess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ready())) {
    if (child && child.exitCode !== null) throw new Error(`startRemoteHost(): ${what} exited with code ${child.exitCode}: ${log().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`startRemoteHost(): ${what} not ready after ${READY_TIMEOUT_MS} ms: ${log().slice(-2000)}`);
    await Bun.sleep(100);
  }
}

async function stopProcess(child: Subprocess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killed = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
  if (!killed) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

/** The mount namespace of a process (`mnt:[…]`), or undefined once it is gone. */
export function readNs(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** Every process in that mount namespace. */
export function pidsInMountNs(ns: string): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => readNs(pid) === ns);
}

/** The file in an own folder's mount point on this machine that says a host made it (so one may remove it). */
const MADE_MARKER = ".made-by-dusty-remote-host";

function madeByAHost(dir: string): boolean {
  return existsSync(join(dir, MADE_MARKER));
}

/** Whether a mount namespace other than this process's has something mounted on `dir` (another host's own folder). */
export function mountedInAnotherNamespace(dir: string): boolean {
  const own = readNs(process.pid);
  const seen = new Set<string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ns = readNs(Number(entry));
    if (!ns || ns === own || seen.has(ns)) continue;
    seen.add(ns);
    // mountinfo's fifth field is the mount point.
    if (readText(`/proc/${entry}/mountinfo`).split("\n").some((line) => line.split(" ")[4] === dir)) return true;
  }
  return false;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function checked(result: RunResult): RunResult {
  if (result.exitCode !== 0) throw new Error(`"${result.argv.join(" ")}" failed: ${result.stderr}`);
  return result;
}

