// `dusty watch` on an ssh Docker host (test/remote-host.ts): the checkout stays here, every change is
// rsynced into dusty's folder on the remote, where the app's container reads it; `--restart` restarts the
// container on the remote engine. What the remote holds is read there (in its namespace and in
// the app's container), never on this side, whose folders the remote host cannot see.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sshControlDir } from "../cmd/daemon/handlers/_environment.ts";
import { parseRepo } from "../core/repos.ts";
import { createSshConnection } from "../platform/ssh.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { waitUntil } from "./harness.ts";
import { HAS_COMPOSE_V2 } from "./remote-env.ts";
import { startRemoteExample, type RemoteExample } from "./remote-example.ts";
import { startWatch } from "./watch-client.ts";
import type { ComposeCommand } from "./up-example.ts";

const WEB = "/srv/dusty-test/remote-web";
const SPECS = {
  "apps/web.yml": [
    `repo: ${WEB}`,
    "mount: /web",
    `image: ${BUSYBOX_IMAGE}`,
    "host_forwarding:\n  - host_name: local.web.test\n    host_port: {HTTP_PORT}\n    container_port: 8000",
    "commands:\n  always:\n    - httpd -f -p 8000 -h /web",
    "",
  ].join("\n"),
  "bundles/all.yml": "apps:\n  - web\n",
};
/** Generous: a batch is one rsync over the held ssh connection, well under a second here. */
const SEEN_WITHIN_MS = 30_000;

function describeRemoteWatch(compose: ComposeCommand): void {
  describe(`dusty watch on an ssh Docker host (${compose})`, () => {
    let remote: RemoteExample;
    beforeAll(async () => {
      remote = await startRemoteExample({ compose, specFiles: SPECS, repos: { [WEB]: { "index.html": "web v1\n", "keep.txt": "kept\n" } }, bundles: ["all"] });
      const up = await remote.env.dusty(["up", "--no-pull"]);
      if (up.code !== 0) throw new Error(`dusty up failed:\n${up.stdout}${up.stderr}\n${remote.env.daemon.log().slice(-3000)}`);
    }, 180_000);
    afterAll(async () => {
      await remote?.cleanup();
    });

    const local = () => remote.env.repos["remote-web"]!.path;
    const remoteCopy = () => join(remote.remotePersistDir, "repos", parseRepo(WEB).relPath);
    const webId = async () => (await remote.remoteContainers()).web!.id;
    /** A file as the remote host's copy and the app's container there hold it; undefined where it is missing. */
    const remoteFile = async (name: string) => {
      const onHost = await remote.host.exec(["cat", join(remoteCopy(), name)]);
      const inApp = await remote.host.docker(["exec", await webId(), "cat", `/web/${name}`]);
      return { host: onHost.exitCode === 0 ? onHost.stdout : undefined, app: inApp.exitCode === 0 ? inApp.stdout : undefined };
    };
    /** Polls until the remote holds `name` with `text` (undefined: has no `name`) on the host and in the app. */
    const seenThere = async (name: string, text: string | undefined, what: string) => {
      let last: unknown;
      await waitUntil(
        async () => {
          last = await remoteFile(name);
          return JSON.stringify(last) === JSON.stringify({ host: text, app: text });
        },
        SEEN_WITHIN_MS,
        () => `after ${what}, the remote never held ${name} as ${JSON.stringify(text)}: ${JSON.stringify(last)}`,
      );
    };
    const startedAt = async () => (await remote.host.docker(["inspect", "--format", "{{.State.StartedAt}}", await webId()])).stdout.trim();

    test("an edit, a new file, a delete and a rename each reach the remote host's copy and the app's container", async () => {
      const before = await startedAt();
      const watch = startWatch(remote.env.daemon);
      try {
        await watch.waitForLine(/^synced remote-web in full \(\d+ ms\); watching for changes \(Ctrl-C stops\)$/);
        const step = async (what: string, change: () => void, name: string, text: string | undefined) => {
          const from = watch.lines.length;
          change();
          await watch.waitForLine(/^synced \d+ files? to remote-web \(\d+ ms\)$/, from);
          await seenThere(name, text, what);
        };
        await step("an edit", () => writeFileSync(join(local(), "index.html"), "web v2 by watch\n"), "index.html", "web v2 by watch\n");
        await step("a new file", () => writeFileSync(join(local(), "new.html"), "new here\n"), "new.html", "new here\n");
        await step("a delete", () => rmSync(join(local(), "keep.txt")), "keep.txt", undefined);
        await step("a rename", () => renameSync(join(local(), "new.html"), join(local(), "renamed.html")), "renamed.html", "new here\n");
        await seenThere("new.html", undefined, "a rename");
        // A name the remote shell would split or mangle if it were ever passed there as an argument.
        await step("a new file in a new folder, with spaces and non-ASCII", () => {
          mkdirSync(join(local(), "docs and more"));
          writeFileSync(join(local(), "docs and more", "größe $HOME 'q'.html"), "umlaut\n");
        }, "docs and more/größe $HOME 'q'.html", "umlaut\n");
        // Served from the remote's copy, by name at the address the hosts file gives.
        expect((await remote.fetchByName("local.web.test", "/renamed.html")).text).toBe("new here\n");
        expect(await remote.localContainers()).toEqual({});
        // Without --restart nothing restarts.
        expect(await startedAt()).toBe(before);
      } finally {
        watch.signal("SIGINT");
      }
      expect(await watch.exited).toBe(130);
    }, 120_000);

    test("a watch whose ssh master ends (as ControlPersist expiring would) carries the next edit over a new login", async () => {
      const watch = startWatch(remote.env.daemon);
      try {
        await watch.waitForLine(/watching for changes/);
        const target = { user: remote.host.user, host: remote.host.address };
        await createSshConnection({ target, configFile: remote.host.sshConfigFile, controlDir: sshControlDir({ socketPath: remote.env.daemon.socketPath }) }).close();
        const logins = remote.host.acceptedLogins();
        const from = watch.lines.length;
        writeFileSync(join(local(), "index.html"), "web after the master ended\n");
        await watch.waitForLine(/^synced 1 file to remote-web \(\d+ ms\)$/, from);
        await seenThere("index.html", "web after the master ended\n", "an edit after the master ended");
        expect(remote.host.acceptedLogins()).toBeGreaterThan(logins);
      } finally {
        watch.signal("SIGINT");
      }
      expect(await watch.exited).toBe(130);
    }, 120_000);

    test("dusty watch --restart web restarts the container on the remote engine after a batch", async () => {
      const watch = startWatch(remote.env.daemon, ["--restart", "web"]);
      try {
        await watch.waitForLine(/watching for changes/);
        const before = await startedAt();
        const from = watch.lines.length;
        writeFileSync(join(local(), "index.html"), "web v3, restart\n");
        await watch.waitForLine(/^restarted web$/, from);
        await seenThere("index.html", "web v3, restart\n", "an edit with --restart");
        expect(await startedAt()).not.toBe(before);
        expect((await remote.remoteContainers()).web!.running).toBe(true);
        expect(await remote.localContainers()).toEqual({});
      } finally {
        watch.signal("SIGINT");
      }
      expect(await watch.exited).toBe(130);
    }, 120_000);
  });
}

if (HAS_COMPOSE_V2) describeRemoteWatch("docker compose");
describeRemoteWatch("docker-compose");
