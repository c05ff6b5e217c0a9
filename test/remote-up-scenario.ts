/**
 * The `up` scenario on an ssh Docker host, run under Compose v2 (test/remote-up.test.ts) and v1
 * (test/remote-up-compose-v1.test.ts). Each file starts its own namespace host.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { NOBODY } from "./client-env.ts";
import { dustyArgv, waitUntil } from "./harness.ts";
import { startRemoteExample, type RemoteExample } from "./remote-example.ts";
import type { ComposeCommand } from "./up-example.ts";

const NAMES = ["local.api.website.com", "local.website.com"];

/** Registers the scenario's tests for one Compose. */
export function describeRemoteUp(compose: ComposeCommand): void {
  let remote: RemoteExample;
  beforeAll(async () => {
    remote = await startRemoteExample({ compose });
  }, 120_000);
  afterAll(async () => {
    await remote?.cleanup();
  });
  const execIn = async (service: string, argv: string[]) => {
    const id = (await remote.remoteContainers())[service]!.id;
    return remote.host.docker(["exec", id, ...argv]);
  };

  describe(`dusty up on an ssh Docker host (${compose})`, () => {
    test("up starts the example on the remote engine: code synced there, names mapped to its address, pages served by name", async () => {
      const result = await remote.env.dusty(["up"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Connected to the Docker host root@${remote.host.address}`);
      for (const name of NAMES) expect(remote.hostsAddress(name)).toBe(remote.host.address);
      expect((await remote.fetchByName("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
      // The greeting lib was installed into the api on the remote.
      expect(await remote.fetchByName("local.api.website.com", "/greeting.txt")).toEqual({ status: 200, text: "Hello, dusty, from the greeting lib!\n" });
      // The repos and nginx.conf were copied into dusty's folder there.
      const listing = await remote.host.exec(["ls", join(remote.remotePersistDir, "repos/usr/local/share/dusty/example/website/public"), join(remote.remotePersistDir, "nginx")]);
      expect(listing.stdout).toContain("index.html");
      expect(listing.stdout).toContain("nginx.conf");
      expect(await remote.localContainers()).toEqual({});
    });

    test("every mount is in dusty's folder on the remote and every published port is on the host's address only", async () => {
      const containers = await remote.remoteContainers();
      expect(Object.keys(containers).sort()).toEqual(["api", "cache", "dustyInternalNginx", "website"]);
      for (const { id } of Object.values(containers)) {
        const inspect = JSON.parse((await remote.host.docker(["inspect", id])).stdout)[0];
        for (const mount of inspect.Mounts as { Type: string; Source: string }[]) {
          if (mount.Type === "bind") expect(mount.Source).toStartWith(`${remote.remotePersistDir}/`);
        }
        for (const bindings of Object.values((inspect.NetworkSettings.Ports ?? {}) as Record<string, { HostIp: string }[] | null>)) {
          for (const binding of bindings ?? []) expect(binding.HostIp).toBe(remote.host.address);
        }
      }
    });

    test("containers reach a service by name and an app by its host name", async () => {
      expect((await execIn("api", ["sh", "-c", "nc cache 7000 < /dev/null"])).stdout.trim()).toBe("PONG");
      const greeting = await execIn("website", ["wget", "-qO-", `http://local.api.website.com:${remote.env.httpPort}/greeting.txt`]);
      expect(greeting.stdout).toBe("Hello, dusty, from the greeting lib!\n");
    });

    test("an unchanged up skips compose and keeps every container", async () => {
      const before = await remote.remoteContainers();
      const result = await remote.env.dusty(["up", "--no-pull"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("Nothing changed since the last up: 4 containers running");
      expect(await remote.remoteContainers()).toEqual(before);
    });

    test("status says which engine and lists the containers running there", async () => {
      const result = await remote.env.dusty(["status"]);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).toContain(`root@${remote.host.address}`);
      expect(result.stdout).toContain("website");
    });

    test("restart --repos carries a local edit and a local delete to the remote", async () => {
      const website = remote.env.repos.website!;
      writeFileSync(join(website.path, "public", "index.html"), "<h1>edited here</h1>\n");
      writeFileSync(join(website.path, "public", "doomed.html"), "doomed\n");
      expect((await remote.env.dusty(["restart", "--repos", "website"])).code).toBe(0);
      expect((await remote.fetchByName("local.website.com")).text).toBe("<h1>edited here</h1>\n");
      expect((await remote.fetchByName("local.website.com", "/doomed.html")).status).toBe(200);
      const remoteFile = join(remote.remotePersistDir, "repos/usr/local/share/dusty/example/website/public/doomed.html");
      expect((await remote.host.exec(["test", "-f", remoteFile])).exitCode).toBe(0);

      Bun.spawnSync(["rm", join(website.path, "public", "doomed.html")]);
      const result = await remote.env.dusty(["restart", "--repos", "website"]);
      expect(result.code).toBe(0);
      expect((await remote.host.exec(["test", "-e", remoteFile])).exitCode).toBe(1);
      expect((await remote.fetchByName("local.website.com", "/doomed.html")).status).toBe(404);
      expect(await remote.localContainers()).toEqual({});
    });

    test("logs and shell reach the containers on the remote engine", async () => {
      const logs = await remote.env.dusty(["logs", "api"]);
      expect(logs.code).toBe(0);
      expect(logs.stdout + logs.stderr).toContain("first start of the api");
      const apiId = (await remote.remoteContainers()).api!.id;
      const shell = await remote.env.daemon.run(["shell", "api"], { stdin: "cat /etc/hostname\n" });
      expect(shell.code).toBe(0);
      expect(apiId).toStartWith(shell.stdout.trim());
    });

    test("logs -f follows a container on the remote engine until interrupted", async () => {
      const child = Bun.spawn(dustyArgv(["logs", "-f", "api"]), { env: { ...process.env, ...remote.env.daemon.env }, stdout: "pipe", stderr: "pipe" });
      let out = "";
      const reading = (async () => {
        for await (const chunk of child.stdout) out += new TextDecoder().decode(chunk);
      })();
      try {
        await waitUntil(() => out.includes("first start of the api"), 30_000, () => `no earlier line in: ${out}`);
        // A line written now, to the container's own output: only a follow that still runs shows it.
        const marker = `followed-${crypto.randomUUID()}`;
        expect((await execIn("api", ["sh", "-c", `echo ${marker} > /proc/1/fd/1`])).exitCode).toBe(0);
        await waitUntil(() => out.includes(marker), 30_000, () => `no ${marker} in: ${out}`);
      } finally {
        child.kill("SIGINT");
      }
      expect(await child.exited).toBe(130);
      await reading;
    });

    test("shell and logs run by another user than root reach the remote engine through a socket of that user's own", async () => {
      // Let nobody reach the daemon's socket (as test/containers-env.ts does): pass-through folders, root as an extra group.
      for (const dir of [remote.root, remote.env.daemon.dir, dirname(remote.env.daemon.socketPath)]) chmodSync(dir, 0o711);
      const asNobody = async (args: string[], stdin = "") => {
        const argv = ["setpriv", `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--groups=0", "--", ...dustyArgv(args)];
        const child = Bun.spawn(argv, { env: { PATH: process.env.PATH!, HOME: "/tmp", ...remote.env.daemon.env }, stdin: new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
        const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
        return { code, stdout, stderr };
      };
      const shell = await asNobody(["shell", "api"], "cat /etc/hostname\n");
      expect({ code: shell.code, stderr: shell.stderr }).toEqual({ code: 0, stderr: "" });
      expect((await remote.remoteContainers()).api!.id).toStartWith(shell.stdout.trim());
      const logs = await asNobody(["logs", "api"]);
      expect(logs.stdout + logs.stderr).toContain("first start of the api");
      // The daemon's own socket stays in its root-only folder; nobody's is nobody's alone.
      const clients = join(dirname(remote.env.daemon.socketPath), "ssh-clients");
      const sockets = readdirSync(clients).map((name) => statSync(join(clients, name)));
      expect(sockets.map((info) => ({ uid: info.uid, mode: info.mode & 0o777, socket: info.isSocket() }))).toEqual([{ uid: NOBODY.uid, mode: 0o600, socket: true }]);
      expect(statSync(join(dirname(remote.env.daemon.socketPath), "ssh")).mode & 0o777).toBe(0o700);
    });

    test("a port taken on the remote fails up naming the host, and leaves the hosts file, compose file and config as they were", async () => {
      const composeFile = join(remote.env.configDir, "compose", "docker-compose.yml");
      const configFile = join(remote.env.configDir, "config.yml");
      // Something else of the remote host's holds a port of the plan: the first up after stop --rm must fail on it.
      expect((await remote.env.dusty(["stop", "--rm"])).code).toBe(0);
      const hostsBefore = readFileSync(remote.env.hostsFile);
      const configBefore = readFileSync(configFile);
      const composeBefore = readFileSync(composeFile);
      const squatter = await remote.host.docker(["run", "-d", "-p", `${remote.host.address}:${remote.env.httpPort}:80`, "dusty-example/busybox:latest", "sleep", "600"]);
      expect(squatter.exitCode).toBe(0);
      try {
        const result = await remote.env.dusty(["up", "--no-pull"]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`Cannot publish port ${remote.env.httpPort} on the Docker host root@${remote.host.address}: something there already listens on ${remote.host.address}:${remote.env.httpPort}`);
        expect(readFileSync(remote.env.hostsFile)).toEqual(hostsBefore);
        expect(readFileSync(configFile)).toEqual(configBefore);
        expect(readFileSync(composeFile)).toEqual(composeBefore);
        expect(await remote.remoteContainers()).toEqual({});
      } finally {
        await remote.host.docker(["rm", "-f", squatter.stdout.trim()]);
      }
    });

    test("stop --rm leaves no container or network of the project on the remote", async () => {
      expect((await remote.env.dusty(["up", "--no-pull"])).code).toBe(0);
      const stop = await remote.env.dusty(["stop"]);
      expect(stop.code).toBe(0);
      expect(Object.values(await remote.remoteContainers()).map((c) => c.running)).toEqual([false, false, false, false]);
      const result = await remote.env.dusty(["stop", "--rm"]);
      expect(result.code).toBe(0);
      expect(await remote.remoteContainers()).toEqual({});
      expect(await remote.remoteNetworks()).toEqual([]);
      expect(await remote.localContainers()).toEqual({});
    });
  });
}
