/**
 * The ssh Docker host driver against a real second host (test/remote-host.ts): its own sshd, dockerd
 * and filesystem in namespaces, reached at the namespace's address only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../platform/errors.ts";
import { run } from "../platform/run.ts";
import { detectCompose } from "../platform/compose.ts";
import { createSshConnection } from "../platform/ssh.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { createSshHost } from "../platform/vm/ssh-host.ts";
import { waitUntil } from "./harness.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";

const clientDir = mkdtempSync(join(tmpdir(), "dusty-ssh-host-test-"));
let host: RemoteHost;
let driver: ReturnType<typeof createSshHost>;
const lines: string[] = [];

beforeAll(async () => {
  await ensureTestImages();
  host = await startRemoteHost({ hide: [clientDir] });
  driver = createSshHost({
    dockerHost: host.dockerHostUrl,
    sshConfigFile: host.sshConfigFile,
    remotePersistDir: join(host.remoteRoot, "dusty"),
    controlDir: join(clientDir, "ssh"),
  });
  await driver.ensureUp((line) => lines.push(line));
});

afterAll(async () => {
  await driver?.connection.close();
  await host?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

/** Variables for a docker CLI that uses the driver's connection. */
async function dockerThroughDriver(args: string[]) {
  return run(["docker", ...args], { env: await driver.dockerEnv() });
}

describe("createSshHost()", () => {
  test("ensureUp() logs in once and makes dusty's folders on the remote host only", async () => {
    expect(lines).toEqual([`Connected to the Docker host root@${host.address}`, expect.stringMatching(/^Docker Engine \S+ is running on root@/)]);
    const ls = await host.exec(["ls", join(host.remoteRoot, "dusty")]);
    expect(ls.stdout.split("\n").filter(Boolean).sort()).toEqual(["assets", "command_files", "cp", "nginx", "repos"]);
    expect(existsSync(join(host.remoteRoot, "dusty"))).toBe(false); // the client does not see the remote's folders
    expect(await driver.hostAddress()).toBe(host.address);
  });

  test("docker calls, commands and syncs all ride the one master connection", async () => {
    const before = host.acceptedLogins();
    for (let i = 0; i < 5; i++) expect((await dockerThroughDriver(["version", "--format", "{{.Server.Version}}"])).exitCode).toBe(0);
    expect((await driver.runOnHost(["true"])).exitCode).toBe(0);
    const src = join(clientDir, "one");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "a.txt"), "a\n");
    await driver.syncIn(src, join(driver.paths().reposDir, "one"));
    expect(host.acceptedLogins()).toBe(before);
    expect(before).toBe(1);
  });

  test("a locally built image loaded into the remote engine runs there, not on the local engine", async () => {
    await host.loadImage(BUSYBOX_IMAGE);
    const name = `dusty-ssh-host-test-${crypto.randomUUID().slice(0, 8)}`;
    const result = await dockerThroughDriver(["run", "--name", name, "--rm", BUSYBOX_IMAGE, "sh", "-c", "echo ran on $(hostname)"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^ran on \w+/) });
    const remoteInfo = await dockerThroughDriver(["info", "--format", "{{.DockerRootDir}}"]);
    expect(remoteInfo.stdout.trim()).toBe((await host.docker(["info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
    expect(remoteInfo.stdout.trim()).not.toBe((await run(["docker", "info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
  });

  // ensure-docker.sh installs Compose v2 when Debian's archive is reachable; without it only v1 runs.
  const hasComposeV2 = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  for (const preference of ["docker-compose", "docker compose"] as const) {
    test.skipIf(preference === "docker compose" && !hasComposeV2)(`${preference} runs a project on the remote engine through the forwarded socket, published on the host's address`, async () => {
      await host.loadImage(BUSYBOX_IMAGE);
      const compose = await detectCompose(preference);
      const project = `dustysshtest${compose.kind}${crypto.randomUUID().slice(0, 6)}`;
      const file = join(clientDir, `${project}.yml`);
      // The page is written inside the container: a bind mount of a client path would find the tmpfs.
      // httpd as PID 1 ignores SIGTERM, hence `down -t 0`.
      writeFileSync(file, [
        "services:",
        "  web:",
        `    image: ${BUSYBOX_IMAGE}`,
        `    command: ["sh", "-c", "mkdir -p /www && echo served by ${project} > /www/index.html && exec httpd -f -p 8080 -h /www"]`,
        `    ports: ["${host.address}::8080"]`,
        "",
      ].join("\n"));
      const env = await driver.dockerEnv();
      try {
        expect((await run(compose.argv(file, project, "up", "-d"), { env })).exitCode).toBe(0);
        const port = (await run(compose.argv(file, project, "port", "web", "8080"), { env })).stdout.trim().split(":").at(-1);
        let body = "";
        for (let i = 0; i < 100 && !body.includes("served"); i++) {
          body = await fetch(`http://${host.address}:${port}/`).then((r) => r.text(), () => "");
          if (!body.includes("served")) await Bun.sleep(100);
        }
        expect(body).toBe(`served by ${project}\n`);
        // Nothing of the project on the local engine.
        expect((await run(["docker", "ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])).stdout).toBe("");
      } finally {
        expect((await run(compose.argv(file, project, "down", "-v", "-t", "0"), { env })).exitCode).toBe(0);
      }
      expect((await host.docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])).stdout).toBe("");
    });
  }

  test("syncIn() carries a local delete over and skips nested .git; syncPathsIn() and syncOut() work over the master", async () => {
    const src = join(clientDir, "repo");
    mkdirSync(join(src, "lib/.git"), { recursive: true });
    mkdirSync(join(src, ".git"), { recursive: true });
    writeFileSync(join(src, "keep.txt"), "keep\n");
    writeFileSync(join(src, "gone.txt"), "gone\n");
    writeFileSync(join(src, ".git/HEAD"), "ref\n");
    writeFileSync(join(src, "lib/.git/HEAD"), "nested\n");
    const dest = join(driver.paths().reposDir, "repo");
    await driver.syncIn(src, dest, { excludeNestedGit: true });
    const listing = async () => (await host.exec(["find", dest, "-type", "f"])).stdout.split("\n").filter(Boolean).map((p) => p.slice(dest.length + 1)).sort();
    expect(await listing()).toEqual([".git/HEAD", "gone.txt", "keep.txt"]);

    rmSync(join(src, "gone.txt"));
    await driver.syncIn(src, dest, { excludeNestedGit: true });
    expect(await listing()).toEqual([".git/HEAD", "keep.txt"]);

    writeFileSync(join(src, "keep.txt"), "edited\n");
    writeFileSync(join(src, "new.txt"), "new\n");
    await driver.syncPathsIn(src, dest, ["keep.txt", "new.txt"]);
    expect((await host.exec(["cat", join(dest, "keep.txt"), join(dest, "new.txt")])).stdout).toBe("edited\nnew\n");

    // A single file (a command file, nginx.conf) lands at exactly the path given, its folder made.
    const commandFile = join(driver.paths().commandFilesDir, "web", "run.sh");
    await driver.syncIn(join(src, "keep.txt"), commandFile);
    expect((await host.exec(["cat", commandFile])).stdout).toBe("edited\n");

    const back = join(clientDir, "back");
    await driver.syncOut(dest, back);
    expect(readFileSync(join(back, "new.txt"), "utf8")).toBe("new\n");
    expect(existsSync(join(back, "gone.txt"))).toBe(false);
  });

  /** A driver on the host that records the argv of every program it starts. */
  const countingHost = () => {
    const started: string[][] = [];
    const counting = createSshHost({
      dockerHost: host.dockerHostUrl,
      sshConfigFile: host.sshConfigFile,
      remotePersistDir: join(host.remoteRoot, "dusty"),
      controlDir: join(clientDir, "ssh"),
      runner: (argv, options) => (started.push(argv), run(argv, options)),
    });
    return { started, counting };
  };

  test("syncIn() starts rsync alone: the remote folders are made by its server's command, not by a round trip of their own", async () => {
    const { started, counting } = countingHost();
    const src = join(clientDir, "alone");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "a.txt"), "a\n");
    const dest = join(counting.paths().reposDir, "deep", "er", "alone");
    const before = host.acceptedLogins();
    await counting.syncIn(src, dest);
    await counting.syncIn(join(src, "a.txt"), join(counting.paths().commandFilesDir, "new", "dir", "a.txt"));
    expect(started.map((argv) => argv[0])).toEqual(["rsync", "rsync"]);
    expect(host.acceptedLogins()).toBe(before); // both rode the master
    expect((await host.exec(["cat", join(dest, "a.txt"), join(counting.paths().commandFilesDir, "new", "dir", "a.txt")])).stdout).toBe("a\na\n");
  });

  test("syncFoldersIn() mirrors several folders in one rsync over the master, deleting only inside them", async () => {
    const { started, counting } = countingHost();
    const { commandFilesDir, nginxDir, reposDir } = counting.paths();
    const persist = join(host.remoteRoot, "dusty");
    expect(await host.exec(["sh", "-c", 'mkdir -p "$1/old" "$2/kept" && touch "$1/old/x.sh" "$2/kept/a.txt" "$3/top.txt"', "sh", commandFilesDir, reposDir, persist])).toMatchObject({ exitCode: 0 });
    const staged = join(clientDir, "published");
    mkdirSync(join(staged, "command_files", "api"), { recursive: true });
    mkdirSync(join(staged, "nginx"), { recursive: true });
    writeFileSync(join(staged, "command_files", "api", "start.sh"), "echo hi\n");
    writeFileSync(join(staged, "nginx", "nginx.conf"), "events {}\n");
    const before = host.acceptedLogins();
    await counting.syncFoldersIn!(staged, persist, ["command_files", "nginx"], { delete: true });
    expect(started.map((argv) => argv[0])).toEqual(["rsync"]);
    expect(host.acceptedLogins()).toBe(before);
    const tree = await host.exec(["find", persist, "-type", "f"]);
    expect(tree.stdout.split("\n").filter(Boolean).map((path) => path.slice(persist.length + 1)).sort()).toEqual(
      expect.arrayContaining(["command_files/api/start.sh", "nginx/nginx.conf", "repos/kept/a.txt", "top.txt"]),
    );
    expect((await host.exec(["test", "-e", join(commandFilesDir, "old", "x.sh")])).exitCode).not.toBe(0);
    expect((await host.exec(["cat", join(nginxDir, "nginx.conf")])).stdout).toBe("events {}\n");
    // Every destination is one of dusty's folders, and no name may widen what --delete reaches.
    await expect(counting.syncFoldersIn!(staged, "/etc", ["nginx"])).rejects.toThrow(/outside dusty's folder/);
    await expect(counting.syncFoldersIn!(staged, persist, ["../.."])).rejects.toThrow(/outside dusty's folder|Refusing to sync folders named/);
    await expect(counting.syncFoldersIn!(staged, persist, ["*"])).rejects.toThrow("Refusing to sync folders named");
    expect(started).toHaveLength(1);
    await host.exec(["rm", "-rf", join(reposDir, "kept"), join(persist, "top.txt")]);
  });

  test("syncIn() refuses a remote path outside dusty's folder", async () => {
    await expect(driver.syncIn(clientDir, "/etc")).rejects.toThrow(/outside dusty's folder/);
  });

  test("diskUsage() reads the remote folder's filesystem", async () => {
    const usage = await driver.diskUsage();
    expect(usage).toMatchObject({ total: expect.stringMatching(/^\d/), free: expect.stringMatching(/^\d/), usagePercent: expect.stringMatching(/%$/) });
  });

  test("ensureUp() (on this connection or a new one), and a sync on a connection that checked before, say so when rsync is missing on the host", async () => {
    const message = `Cannot sync code to the Docker host root@${host.address}: rsync is not installed there. Install it on that host (\`apt-get install rsync\`)`;
    await driver.ensureUp(() => {});
    // Inside the host's own mount namespace only: this machine's rsync stays as it is.
    const rsync = (await host.exec(["sh", "-c", "command -v rsync"])).stdout.trim();
    expect((await host.exec(["mount", "--bind", "/dev/null", rsync])).exitCode).toBe(0);
    try {
      // The connection checked rsync a moment ago: the sync itself tells, and ensureUp() asks again.
      await expect(driver.syncIn(clientDir, join(driver.paths().reposDir, "norsync"))).rejects.toThrow(message);
      await expect(driver.ensureUp(() => {})).rejects.toThrow(message);
      await driver.connection.close();
      await expect(driver.ensureUp(() => {})).rejects.toThrow(message);
    } finally {
      await host.exec(["umount", rsync]);
    }
    await driver.ensureUp(() => {});
  });

  test("ensureUp() names the host and the fix when its engine does not answer", async () => {
    // The engine's socket hidden in the host's own mount namespace: sshd can no longer reach it.
    expect((await host.exec(["mount", "--bind", "/dev/null", "/var/run/docker.sock"])).exitCode).toBe(0);
    try {
      const error = await driver.ensureUp(() => {}).catch((e: Error) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toBe(
        `Cannot reach the Docker Engine on root@${host.address}: no engine socket at /var/run/docker.sock there. Start it there (\`sudo systemctl start docker\`), and check that root may use /var/run/docker.sock`,
      );
    } finally {
      await host.exec(["umount", "/var/run/docker.sock"]);
    }
    await driver.ensureUp(() => {});
  });

  test("the control folder and the forwarded docker socket are root's alone", () => {
    expect(statSync(join(clientDir, "ssh")).mode & 0o777).toBe(0o700);
    expect(statSync(driver.connection.dockerSocket).mode & 0o077).toBe(0);
  });
});

describe("SshConnection", () => {
  test("a user's forwarded socket goes with the master: close() removes it, and so does an open() that finds the master dead", async () => {
    const nobody = { uid: 65534, gid: 65534 };
    const clients = join(clientDir, "ssh-clients");
    const socketOf = async () => (await driver.dockerEnvFor!(nobody)).DOCKER_HOST!.replace(/^unix:\/\//, "");
    const first = await socketOf();
    expect(first.startsWith(`${clients}/`) && statSync(first).isSocket()).toBe(true);
    // Another file there, and a link named like a socket of dusty's, are not dusty's sockets: they stay.
    writeFileSync(join(clients, "notes.txt"), "keep\n");
    symlinkSync(first, join(clients, "0123456789abcdef.7.sock"));
    await driver.connection.close();
    expect(readdirSync(clients).sort()).toEqual(["0123456789abcdef.7.sock", "notes.txt"]);
    // A master that died without dusty (killed, or its network gone) leaves its socket: the next open() removes it.
    const second = await socketOf();
    const pid = await driver.connection.masterPid();
    process.kill(pid!, "SIGKILL");
    await waitUntil(async () => !(await driver.connection.isOpen()), 10_000, () => `the master ${pid} did not end`);
    expect(existsSync(second)).toBe(true);
    await driver.connection.open();
    expect(existsSync(second)).toBe(false);
    rmSync(join(clients, "notes.txt"));
    rmSync(join(clients, "0123456789abcdef.7.sock"));
  });

  test("close() ends the master and removes the forwarded socket; the next call opens a new one", async () => {
    const logins = host.acceptedLogins();
    await driver.connection.close();
    expect(await driver.connection.isOpen()).toBe(false);
    expect(existsSync(driver.connection.dockerSocket)).toBe(false);
    expect((await dockerThroughDriver(["version", "--format", "{{.Server.Version}}"])).exitCode).toBe(0);
    expect(host.acceptedLogins()).toBe(logins + 1);
  });

  test("connections opened at once to one host share one master", async () => {
    await driver.connection.close();
    const logins = host.acceptedLogins();
    const options = { target: { user: host.user, host: host.address }, configFile: host.sshConfigFile, controlDir: join(clientDir, "ssh") };
    await Promise.all([1, 2, 3].map(() => createSshConnection(options).open()));
    expect(host.acceptedLogins()).toBe(logins + 1);
    expect((await dockerThroughDriver(["version", "--format", "{{.Server.Version}}"])).exitCode).toBe(0);
  });
});

describe("createSshConnection() errors", () => {
  const connect = (configText: string, target = { user: "root", host: host.address }) => {
    const dir = mkdtempSync(join(clientDir, "conn-"));
    writeFileSync(join(dir, "ssh_config"), configText);
    return createSshConnection({ target, configFile: join(dir, "ssh_config"), controlDir: join(dir, "ctl") });
  };
  const configWith = (knownHosts: string, key = host.keyPath) => {
    const file = join(mkdtempSync(join(clientDir, "kh-")), "known_hosts");
    writeFileSync(file, knownHosts);
    return `Host *\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile ${file}\n  GlobalKnownHostsFile /dev/null\n`;
  };

  test("an unknown host key is refused, naming the host and how to add the key", async () => {
    const error = await connect(configWith("")).open().catch((e: Error) => e);
    expect(error).toBeInstanceOf(UserError);
    const configFile = (error as Error).message.match(/ssh_config (\S+)\)/)![1];
    expect((error as Error).message).toBe(
      `Cannot connect to the Docker host root@${host.address}: its host key is not in known_hosts (ssh_config ${configFile}). Check the key's fingerprint, then add it where the daemon's ssh (as root) reads it: \`ssh-keyscan -H ${host.address} | sudo tee -a /etc/ssh/ssh_known_hosts\`, or the known_hosts file ${configFile} names`,
    );
  });

  test("a changed host key is refused as a possible interception", async () => {
    const other = join(clientDir, "other_key");
    await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other]);
    const otherLine = readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    const error = await connect(configWith(`${host.address} ${otherLine}\n`)).open().catch((e: Error) => e);
    expect((error as Error).message).toContain(`Cannot connect to the Docker host root@${host.address}: its host key has changed`);
    expect((error as Error).message).toContain(`ssh-keygen -R ${host.address}`);
  });

  test("a key the host does not accept is an authentication error with the fix", async () => {
    const stranger = join(clientDir, "stranger_key");
    await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger]);
    const error = await connect(configWith(`${host.address} ${host.hostKeyLine}\n`, stranger)).open().catch((e: Error) => e);
    expect((error as Error).message).toStartWith(`Cannot log in to the Docker host root@${host.address}: root@${host.address}: Permission denied (publickey)`);
    expect((error as Error).message).toContain("authorized_keys");
  });

  test("an unreachable host says so, naming it", async () => {
    // A port nothing listens on: bound and released.
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = listener.port;
    listener.stop(true);
    const error = await connect(configWith(""), { user: "root", host: "127.0.0.1", port } as never).open().catch((e: Error) => e);
    expect((error as Error).message).toStartWith(`Cannot reach the Docker host root@127.0.0.1:${port}: ssh: connect to host 127.0.0.1 port ${port}: Connection refused. Check that the host is up`);
  });
});
