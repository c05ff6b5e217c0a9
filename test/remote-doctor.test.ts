/**
 * `dusty doctor` on the ssh driver against a real second host (test/remote-host.ts): each problem is made
 * for real on that host (nothing listening on the ssh port, a known_hosts without its key, the engine's
 * socket gone, rsync hidden, dusty's folder on a nearly full disk) and doctor names the host and the fix.
 * `dusty dump` says which driver, host and engine, and the ssh settings, without secrets.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startRemoteEnv, type RemoteEnv } from "./remote-env.ts";

const SPECS = {
  "apps/web.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
  "bundles/main.yml": "apps:\n  - web\n",
};

let env: RemoteEnv;
let label: string;
let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "dusty-remote-doctor-"));
  env = await startRemoteEnv({ specs: SPECS, bundles: ["main"], hide: [scratch] });
  label = `root@${env.host.address}`;
}, 120_000);
afterAll(async () => {
  await env?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

/** Runs doctor against what the host is now; a fresh config each time. */
async function doctor(config: Record<string, unknown> = {}) {
  env.writeConfig(config);
  return env.run(["doctor"]);
}

describe("dusty dump on the ssh driver", () => {
  test("dump names the driver, the host, the ssh settings and the remote engine, and no key", async () => {
    env.writeConfig();
    const result = await env.run(["dump"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        "COMMAND: Docker Host",
        "OUTPUT:",
        "driver: ssh",
        `docker_host: ${env.host.dockerHostUrl}`,
        `docker_host_address: not set: ${env.host.address}, docker_host's host resolved`,
        `docker_host_ssh_config: ${env.host.sshConfigFile}`,
        `docker_host_persist_dir: ${env.remotePersistDir}`,
        "connection: ",
      ].join("\n"),
    );
    const settings = result.stdout.split(`COMMAND: ssh -G ${label} (the settings every ssh to the Docker host uses)\nOUTPUT:\n`)[1]?.split("\n\n")[0] ?? "";
    expect(settings).toContain(`hostname ${env.host.address}`);
    expect(settings).toContain("user root");
    expect(settings).toContain("stricthostkeychecking true");
    expect(settings).toContain(`identityfile ${env.host.keyPath}`);
    expect(settings).toContain(`userknownhostsfile ${env.host.knownHostsFile}`);
    // The remote engine's own version block, through the connection.
    const remoteVersion = (await env.host.docker(["version", "--format", "{{.Server.Version}}"])).stdout.trim();
    expect(result.stdout).toMatch(new RegExp(`COMMAND: docker version \\(the Docker Engine on ${label}, through the ssh connection\\)\nOUTPUT:\n[^]*Server:[^]*Version: +${remoteVersion.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    // Settings only: not the private key's text.
    const key = readFileSync(env.host.keyPath, "utf8").split("\n")[1]!;
    expect(result.stdout).not.toContain(key);
  });
});

describe("dusty doctor on the ssh driver", () => {
  test("a healthy host passes every check", async () => {
    const result = await doctor();
    expect(result.stdout).toContain(`OK   ${label} answers over ssh, its host key is known and the login is accepted (ssh_config ${env.host.sshConfigFile})`);
    expect(result.stdout).toMatch(new RegExp(`OK   Docker Engine \\S+ answers on ${label}`));
    expect(result.stdout).toContain(`OK   rsync is installed on ${label}`);
    expect(result.stdout).toMatch(new RegExp(`OK   \\S+ free on ${label} where dusty keeps its files \\(${env.remotePersistDir}\\)`));
    expect(result.stdout).toContain("Doctor found no problems");
    expect(result.code).toBe(0);
  });

  test("the engine not answering there is named with the fix", async () => {
    // The engine's socket hidden in the host's own mount namespace: this machine's engine is untouched.
    expect((await env.host.exec(["mount", "--bind", "/dev/null", "/var/run/docker.sock"])).exitCode).toBe(0);
    try {
      const result = await doctor();
      expect(result.stdout).toContain(`FAIL Cannot reach the Docker Engine on ${label}: no engine socket at /var/run/docker.sock there. Start it there (\`sudo systemctl start docker\`)`);
      expect(result.stdout).toContain(`OK   rsync is installed on ${label}`);
      expect(result.stdout).toContain("Doctor found 1 problem");
      expect(result.code).toBe(1);
    } finally {
      await env.host.exec(["umount", "/var/run/docker.sock"]);
    }
  });

  test("rsync missing there is named with the fix", async () => {
    const rsync = (await env.host.exec(["sh", "-c", "command -v rsync"])).stdout.trim();
    expect((await env.host.exec(["mount", "--bind", "/dev/null", rsync])).exitCode).toBe(0);
    try {
      const result = await doctor();
      expect(result.stdout).toContain(`FAIL Cannot sync code to the Docker host ${label}: rsync is not installed there. Install it on that host (\`apt-get install rsync\`)`);
      expect(result.code).toBe(1);
    } finally {
      await env.host.exec(["umount", rsync]);
    }
  });

  test("dusty's folder on a nearly full disk there is named with the fix", async () => {
    expect((await env.host.exec(["mkdir", "-p", env.remotePersistDir])).exitCode).toBe(0);
    expect((await env.host.exec(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", env.remotePersistDir])).exitCode).toBe(0);
    try {
      const result = await doctor();
      expect(result.stdout).toMatch(new RegExp(`FAIL ${label} is low on disk where dusty keeps its files \\(${env.remotePersistDir}\\): \\S+ free\\. Free space with \`dusty disk cleanup_containers\``));
      expect(result.code).toBe(1);
    } finally {
      await env.host.exec(["umount", env.remotePersistDir]);
    }
  });

  test("a known_hosts without the host's key is refused, saying how to add it, and the rest is skipped", async () => {
    const config = join(scratch, "ssh_config_no_key");
    const knownHosts = join(scratch, "known_hosts_empty");
    writeFileSync(knownHosts, "");
    writeFileSync(config, `Host *\n  IdentityFile ${env.host.keyPath}\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile /dev/null\n`);
    // The running master would answer without a new handshake (and without a host key check).
    await env.closeMaster();
    const result = await doctor({ docker_host_ssh_config: config });
    expect(result.stdout).toContain(`FAIL Cannot connect to the Docker host ${label}: its host key is not in known_hosts (ssh_config ${config}). Check the key's fingerprint, then add it where the daemon's ssh (as root) reads it: \`ssh-keyscan -H ${env.host.address} | sudo tee -a /etc/ssh/ssh_known_hosts\`, or the known_hosts file ${config} names`);
    expect(result.stdout).toContain("SKIP the Docker Engine, rsync and free disk there: they need a login");
    expect(result.code).toBe(1);
  });

  test("a host where nothing listens on the ssh port is named as unreachable, with the fix", async () => {
    await env.closeMaster();
    // Port 2222 of the namespace host: its sshd listens on 22 only, so this is a host with no sshd.
    const result = await doctor({ docker_host: `ssh://root@${env.host.address}:2222` });
    expect(result.stdout).toContain(`FAIL Cannot reach the Docker host root@${env.host.address}:2222: ssh: connect to host ${env.host.address} port 2222: Connection refused. Check that the host is up, that sshd runs there, and the address and port in docker_host`);
    expect(result.code).toBe(1);
  });

  // Last: these stop the host's own daemons (started by this file's startRemoteHost), which stay stopped.
  test("the engine stopped there is named with the fix", async () => {
    env.writeConfig();
    const pid = readFileSync(join(dirname(env.host.sshConfigFile), "dockerd.pid"), "utf8").trim();
    expect((await env.host.exec(["kill", pid])).exitCode).toBe(0);
    for (let i = 0; i < 200 && (await env.host.exec(["test", "-S", "/var/run/docker.sock"])).exitCode === 0; i++) await Bun.sleep(100);
    const result = await doctor();
    expect(result.stdout).toContain(`FAIL Cannot reach the Docker Engine on ${label}: no engine socket at /var/run/docker.sock there. Start it there (\`sudo systemctl start docker\`)`);
    expect(result.code).toBe(1);
  });

  test("sshd stopped there makes the host unreachable, with the fix", async () => {
    await env.closeMaster();
    const pid = readFileSync(join(dirname(env.host.sshConfigFile), "sshd.pid"), "utf8").trim();
    expect((await env.host.exec(["kill", pid])).exitCode).toBe(0);
    for (let i = 0; i < 200 && (await env.host.exec(["kill", "-0", pid])).exitCode === 0; i++) await Bun.sleep(100);
    const result = await doctor();
    expect(result.stdout).toContain(`FAIL Cannot reach the Docker host ${label}: ssh: connect to host ${env.host.address} port 22: Connection refused. Check that the host is up, that sshd runs there, and the address and port in docker_host`);
    expect(result.code).toBe(1);

    // A dump is wanted most when the host is down: it still completes, saying what failed.
    const dump = await env.run(["dump"]);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toContain(`connection: no ssh master to ${label} is open`);
    expect(dump.stdout).toContain(`COMMAND: docker version (the Docker Engine on ${label}, through the ssh connection)\nOUTPUT:\nCannot reach the Docker host ${label}: ssh: connect to host ${env.host.address} port 22: Connection refused.`);
  });
});
