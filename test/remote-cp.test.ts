/**
 * `dusty cp` and `dusty scripts` on the ssh Docker host (test/remote-env.ts), under compose v1 and v2: copies
 * in every direction reach the containers on the remote engine through the daemon's one ssh connection,
 * never through a bind mount of a client path (the remote host cannot see the client's folders), and
 * local files are read and written with the caller's rights. A script runs in the remote container
 * with its own exit code.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { NOBODY } from "./client-env.ts";
import { HAS_COMPOSE_V2, startRemoteEnv, type ComposeChoice, type RemoteEnv } from "./remote-env.ts";

const IDLE_APP = [
  "image: dusty-example/busybox:latest",
  "commands:",
  "  always:",
  "    - exec sleep 3600",
  "scripts:",
  "  - name: check",
  "    description: exits with its first argument",
  "    command:",
  '      - echo "checking $@ on $(hostname)"',
  '      - exit "$1"',
  "",
].join("\n");
const SPECS = {
  "apps/app_one.yml": IDLE_APP,
  "apps/app_two.yml": IDLE_APP,
  "bundles/main.yml": "apps:\n  - app_one\n  - app_two\n",
};

for (const compose of ["docker-compose", "docker compose"] as ComposeChoice[]) {
  describe.skipIf(compose === "docker compose" && !HAS_COMPOSE_V2)(`on the ssh Docker host with ${compose}`, () => {
    let env: RemoteEnv;
    let local: string;
    beforeAll(async () => {
      local = mkdtempSync(join(tmpdir(), "dusty-remote-cp-"));
      env = await startRemoteEnv({ specs: SPECS, bundles: ["main"], compose, hide: [local] });
      await env.up();
    }, 240_000);
    afterAll(async () => {
      await env?.stop();
      if (local) rmSync(local, { recursive: true, force: true });
    }, 120_000);

    test("the client's folders are hidden from the remote host, so only a copy over the connection can work", async () => {
      writeFileSync(join(local, "probe.txt"), "x");
      expect((await env.host.exec(["ls", "-A", local])).stdout).toBe("");
    });

    test("a local folder lands in the remote container, a file from there lands here, a file goes between two containers", async () => {
      mkdirSync(join(local, "site/css"), { recursive: true });
      writeFileSync(join(local, "site/index.html"), "page");
      writeFileSync(join(local, "site/css/a.css"), "css");
      const logins = env.host.acceptedLogins();
      const into = await env.run(["cp", join(local, "site"), "app_one:/srv/site"]);
      expect(into.stderr).toContain(`Copied ${join(local, "site")} to app_one:/srv/site`);
      expect(into.code).toBe(0);
      expect(await env.exec("app_one", ["cat", "/srv/site/index.html", "/srv/site/css/a.css"])).toBe("pagecss");

      await env.exec("app_one", ["sh", "-c", "echo made on the remote > /tmp/out.txt"]);
      const out = await env.run(["cp", "app_one:/tmp/out.txt", join(local, "back/out.txt")]);
      expect(out.code).toBe(0);
      expect(readFileSync(join(local, "back/out.txt"), "utf8")).toBe("made on the remote\n");

      const between = await env.run(["cp", "app_one:/srv/site", "app_two:/copied"]);
      expect(between.code).toBe(0);
      expect(await env.exec("app_two", ["cat", "/copied/index.html"])).toBe("page");
      // Every copy rode the daemon's one ssh master: no new login per docker call.
      expect(env.host.acceptedLogins()).toBe(logins);
      expect(await env.localContainers()).toEqual([]);
    });

    test("as on this machine: a folder merges into an existing one, copies belong to root there, a linked folder is copied as the folder", async () => {
      await env.exec("app_one", ["sh", "-c", "mkdir -p /srv/merge && echo old > /srv/merge/keep.txt && echo old > /srv/merge/index.html && mkdir -p /real/dir && echo linked > /real/dir/f.txt && ln -s /real/dir /link"]);
      mkdirSync(join(local, "merge"), { recursive: true });
      writeFileSync(join(local, "merge/index.html"), "new");
      chownSync(join(local, "merge/index.html"), 1234, 1234);
      expect((await env.run(["cp", join(local, "merge"), "app_one:/srv/merge"])).code).toBe(0);
      expect(await env.exec("app_one", ["cat", "/srv/merge/index.html", "/srv/merge/keep.txt"])).toBe("newold\n");
      expect((await env.exec("app_one", ["stat", "-c", "%u:%g", "/srv/merge/index.html"])).trim()).toBe("0:0");
      expect((await env.run(["cp", "app_one:/link", join(local, "linked")])).code).toBe(0);
      expect(readFileSync(join(local, "linked/f.txt"), "utf8")).toBe("linked\n");
    });

    test("run by another user (nobody), local files are read and written with that user's rights", async () => {
      for (const dir of [env.daemon.dir, dirname(env.daemon.socketPath)]) chmodSync(dir, 0o711);
      chmodSync(local, 0o755);
      const mine = join(local, "nobody");
      mkdirSync(mine);
      chmodSync(mine, 0o755);
      // Fetch into the caller's own folder: the file belongs to them.
      chownSync(mine, NOBODY.uid, NOBODY.gid);
      await env.exec("app_one", ["sh", "-c", "echo for nobody > /give.txt"]);
      const got = await env.runAsNobody(["cp", "app_one:/give.txt", join(mine, "got.txt")]);
      expect(got.code).toBe(0);
      expect(statSync(join(mine, "got.txt")).uid).toBe(NOBODY.uid);
      // A root-only file cannot be sent to the remote container by nobody.
      const secret = join(local, "secret.txt");
      writeFileSync(secret, "root only");
      chmodSync(secret, 0o600);
      const stolen = await env.runAsNobody(["cp", secret, "app_one:/stolen.txt"]);
      expect(stolen.stderr).toContain(`Cannot copy "${secret}"`);
      expect(stolen.stderr).toContain("Permission denied");
      expect(stolen.code).toBe(1);
      expect((await env.host.docker(["exec", await env.containerId("app_one"), "test", "-e", "/stolen.txt"])).exitCode).toBe(1);
    });

    test("a script runs in the remote container and passes its exit code on", async () => {
      const ok = await env.run(["scripts", "app_one", "check", "0"]);
      expect(ok.stdout).toContain(`checking 0 on ${(await env.exec("app_one", ["hostname"])).trim()}`);
      expect(ok.code).toBe(0);
      const failed = await env.run(["scripts", "app_one", "check", "7"]);
      expect(failed.stdout).toContain("checking 7 on");
      expect(failed.code).toBe(7);
    });

    test("a script run by another user (nobody) reaches the remote container through a socket of that user's own", async () => {
      for (const dir of [env.daemon.dir, dirname(env.daemon.socketPath)]) chmodSync(dir, 0o711);
      const ran = await env.runAsNobody(["scripts", "app_one", "check", "5"]);
      expect(ran.stderr).not.toContain("permission denied");
      expect(ran.stdout).toContain("checking 5 on");
      expect(ran.code).toBe(5);
    });
  });
}
