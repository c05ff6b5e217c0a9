/**
 * What goes wrong with an ssh Docker host, for real on a namespace host (test/remote-example.ts): an
 * unknown host key, a host nothing answers on, an engine that does not answer, rsync missing there, an
 * image the remote engine lacks (compose fails there and is undone), and a key held only in the user's
 * SSH agent. Each failed `up` names the host and the fix and leaves the
 * hosts file, compose file and config as they were.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sshControlDir } from "../cmd/daemon/handlers/_environment.ts";
import { createSshConnection } from "../platform/ssh.ts";
import { startRemoteExample, type RemoteExample } from "./remote-example.ts";

let remote: RemoteExample;
let agent: Subprocess | undefined;
beforeAll(async () => {
  remote = await startRemoteExample({ compose: "docker compose" });
  const up = await remote.env.dusty(["up"]);
  if (up.code !== 0) throw new Error(`the first up failed: ${up.stderr}`);
}, 120_000);
afterAll(async () => {
  agent?.kill();
  await remote?.cleanup();
});

const configFile = () => join(remote.env.configDir, "config.yml");
const composeFile = () => join(remote.env.configDir, "compose", "docker-compose.yml");
const label = () => `root@${remote.host.address}`;

/** Ends the daemon's master connection (through the same code the daemon uses), so the next command logs in anew. */
async function closeMaster(): Promise<void> {
  const target = { user: remote.host.user, host: remote.host.address };
  await createSshConnection({ target, configFile: remote.host.sshConfigFile, controlDir: sshControlDir({ socketPath: remote.env.daemon.socketPath }) }).close();
}

/** Sets config keys with the real client. */
async function configSet(key: string, value: string): Promise<void> {
  const result = await remote.env.dusty(["config", "set", key, value]);
  if (result.code !== 0) throw new Error(`config set ${key} failed: ${result.stderr}`);
}

/** A changed spec, so that `up` has work to do and cannot skip as unchanged. */
function changeASpec(): void {
  const path = "apps/website.yml";
  const text = readFileSync(join(remote.env.specs.path, path), "utf8");
  remote.env.specs.commit({ [path]: text.replace("httpd -f -p 8000", `echo ${crypto.randomUUID()}; httpd -f -p 8000`) });
}

/** Runs `up`, expects it to fail with `message` and to leave the hosts file, compose file and config byte for byte. */
async function expectFailedUp(message: string, env?: Record<string, string | undefined>): Promise<string> {
  const before = [remote.env.hostsFile, composeFile(), configFile()].map((file) => readFileSync(file));
  const containers = await remote.remoteContainers();
  const result = await remote.env.daemon.run(["up"], { env, timeoutMs: 110_000 });
  expect(result.stderr).toContain(message);
  expect(result.code).toBe(1);
  expect([remote.env.hostsFile, composeFile(), configFile()].map((file) => readFileSync(file))).toEqual(before);
  expect(await remote.remoteContainers()).toEqual(containers);
  return result.stderr;
}

/** An ssh_config for the host with `lines` (known_hosts, key) as given. */
function writeSshConfig(name: string, lines: string[]): string {
  const file = join(remote.env.configDir, name);
  writeFileSync(file, ["Host *", ...lines.map((l) => `  ${l}`), "  GlobalKnownHostsFile /dev/null", "  ConnectTimeout 10", ""].join("\n"));
  return file;
}

describe("ssh Docker host errors", () => {
  test("an unknown host key stops up, names the host and says how to add the key", async () => {
    const emptyKnownHosts = join(remote.env.configDir, "empty_known_hosts");
    writeFileSync(emptyKnownHosts, "");
    await configSet("docker_host_ssh_config", writeSshConfig("ssh_config_no_key", [`IdentityFile ${remote.host.keyPath}`, "IdentitiesOnly yes", "IdentityAgent none", `UserKnownHostsFile ${emptyKnownHosts}`]));
    await closeMaster();
    changeASpec();
    try {
      await expectFailedUp(`Cannot connect to the Docker host ${label()}: its host key is not in known_hosts`);
      const status = await remote.env.dusty(["status"]);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain(`ssh-keyscan -H ${remote.host.address} | sudo tee -a /etc/ssh/ssh_known_hosts`);
    } finally {
      await configSet("docker_host_ssh_config", remote.host.sshConfigFile);
    }
  });

  test("a host where nothing answers on the ssh port stops up, naming it", async () => {
    await configSet("docker_host", `ssh://root@${remote.host.address}:2222`);
    try {
      await expectFailedUp(`Cannot reach the Docker host root@${remote.host.address}:2222: ssh: connect to host ${remote.host.address} port 2222: Connection refused. Check that the host is up, that sshd runs there, and the address and port in docker_host`);
    } finally {
      await configSet("docker_host", remote.host.dockerHostUrl);
    }
  });

  test("an engine that does not answer stops up and status, naming the host and the fix", async () => {
    // Hidden in the host's own mount namespace only: sshd there can no longer reach the engine's socket.
    expect((await remote.host.exec(["mount", "--bind", "/dev/null", "/var/run/docker.sock"])).exitCode).toBe(0);
    try {
      await expectFailedUp(`Cannot reach the Docker Engine on ${label()}: no engine socket at /var/run/docker.sock there. Start it there`);
      const status = await remote.env.dusty(["status"]);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain(`Cannot show the status: the Docker Engine on ${label()} does not answer`);
    } finally {
      await remote.host.exec(["umount", "/var/run/docker.sock"]);
    }
  });

  test("rsync missing on the host stops up before any sync, naming the host and the fix", async () => {
    const rsync = (await remote.host.exec(["sh", "-c", "command -v rsync"])).stdout.trim();
    expect((await remote.host.exec(["mount", "--bind", "/dev/null", rsync])).exitCode).toBe(0);
    try {
      // A connection checks rsync when it opens (and a sync would tell too): a new one.
      await closeMaster();
      await expectFailedUp(`Cannot sync code to the Docker host ${label()}: rsync is not installed there. Install it on that host`);
    } finally {
      await remote.host.exec(["umount", rsync]);
    }
  });

  test("an image the remote engine lacks fails compose there; the previous environment runs again and the files are as they were", async () => {
    const path = "services/cache.yml";
    const text = readFileSync(join(remote.env.specs.path, path), "utf8");
    remote.env.specs.commit({ [path]: text.replace(/^image: .*$/m, "image: dusty-test/not-on-the-remote:latest") });
    try {
      const stderr = await expectFailedUp("dusty up stopped while starting the containers: `docker compose up` exited with code");
      expect(stderr).toContain("The previous environment was restored: api, cache, nginx and website run again as before");
    } finally {
      remote.env.specs.commit({ [path]: text });
    }
  });

  test("a key held only in the user's SSH agent opens the connection for up, status and logs; without the agent login fails", async () => {
    const socket = join(remote.env.configDir, "agent.sock");
    agent = Bun.spawn(["ssh-agent", "-D", "-a", socket], { stdio: ["ignore", "ignore", "ignore"] });
    for (let i = 0; i < 100 && (await Bun.file(socket).exists()) === false; i++) await Bun.sleep(50);
    const add = Bun.spawnSync(["ssh-add", remote.host.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    expect(add.exitCode).toBe(0);
    // No IdentityFile: the key is only in the agent.
    await configSet("docker_host_ssh_config", writeSshConfig("ssh_config_agent", ["IdentitiesOnly no", "IdentityFile /nonexistent", `UserKnownHostsFile ${remote.host.knownHostsFile}`]));
    try {
      await closeMaster();
      const without = await remote.env.daemon.run(["status"], { env: { SSH_AUTH_SOCK: undefined } });
      expect(without.code).toBe(1);
      expect(without.stderr).toContain(`Cannot log in to the Docker host ${label()}`);
      for (const args of [["status"], ["logs", "cache"], ["up"]]) {
        await closeMaster();
        const result = await remote.env.daemon.run(args, { env: { SSH_AUTH_SOCK: socket }, timeoutMs: 110_000 });
        expect({ args, code: result.code, stderr: result.code === 0 ? "" : result.stderr }).toEqual({ args, code: 0, stderr: "" });
      }
    } finally {
      await configSet("docker_host_ssh_config", remote.host.sshConfigFile);
    }
  });
});
