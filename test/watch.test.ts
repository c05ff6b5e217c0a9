// `dusty sync`, `dusty watch` and the fingerprint of `up`, on an environment of their own: two apps
// sharing a lib, served by busybox httpd straight from the synced folder, fetched through nginx.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRepo } from "../core/repos.ts";
import { run } from "../platform/run.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { git } from "./git-fixtures.ts";
import { waitUntil } from "./harness.ts";
import { startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";
import { startWatch, treeDigest } from "./watch-client.ts";

const WEB = "/srv/dusty-test/web";
const API = "/srv/dusty-test/api";
const SHARED = "/srv/dusty-test/shared";
const app = (name: string, repo: string, host: string) =>
  [
    `repo: ${repo}`,
    `mount: /${name}`,
    `image: ${BUSYBOX_IMAGE}`,
    "depends:\n  libs:\n    - shared",
    `host_forwarding:\n  - host_name: ${host}\n    host_port: {HTTP_PORT}\n    container_port: 8000`,
    `commands:\n  always:\n    - httpd -f -p 8000 -h /${name}`,
    "",
  ].join("\n");
const SPECS = {
  "libs/shared.yml": `repo: ${SHARED}\nmount: /shared\n`,
  "apps/web.yml": app("web", WEB, "local.web.test"),
  "apps/api.yml": app("api", API, "local.api.test"),
  "bundles/all.yml": "apps:\n  - web\n  - api\n",
};

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({
    compose: "docker compose",
    specFiles: SPECS,
    repos: { [WEB]: { "index.html": "web v1\n" }, [API]: { "index.html": "api v1\n" }, [SHARED]: { "lib.txt": "lib v1\n" } },
    bundles: ["all"],
  });
  const up = await env.dusty(["up", "--no-pull"]);
  if (up.code !== 0) throw new Error(`dusty up failed:\n${up.stderr}`);
});
afterAll(async () => {
  await env?.cleanup();
});

const local = (url: string) => env.repos[url.split("/").pop()!]!.path;
const hostCopy = (url: string) => join(env.persistDir, "repos", parseRepo(url).relPath);
const inSync = (url: string) => {
  const host = treeDigest(hostCopy(url));
  return host !== "changing" && host === treeDigest(local(url));
};
const startedAt = async (service: string) =>
  (await run(["docker", "inspect", "--format", "{{.State.StartedAt}}", (await env.containers())[service]!.id])).stdout.trim();
/** Waits until the host's copy of `url` equals the checkout by content. */
const converged = (url: string, what: string) =>
  waitUntil(() => inSync(url), 30_000, () => `the host's copy of ${url} never matched the checkout after ${what}`);

describe("dusty sync", () => {
  test("dusty sync web copies an edit to the Docker host and restarts nothing", async () => {
    const before = await startedAt("web");
    writeFileSync(join(local(WEB), "index.html"), "web v2 by sync\n");
    const result = await env.dusty(["sync", "web"]);
    expect(result.stderr).toContain(`Syncing overridden repo ${WEB}`);
    expect(result.stderr).not.toContain(API);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Synced 1 repo to the Docker host \\(\\d+ ms\\): ${WEB}\\n$`));
    expect(inSync(WEB)).toBe(true);
    expect((await env.fetchPage("local.web.test", "/index.html")).text).toBe("web v2 by sync\n");
    expect(await startedAt("web")).toBe(before);
  });

  test("dusty sync with no names syncs every active repo; an unknown or inactive name is refused", async () => {
    writeFileSync(join(local(SHARED), "lib.txt"), "lib v2 by sync\n");
    const all = await env.dusty(["sync"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Synced 3 repos to the Docker host`);
    expect(inSync(SHARED)).toBe(true);
    const unknown = await env.dusty(["sync", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Cannot sync nope: not a repo (Short repo name nope does not match any known repos)");
  });
});

describe("dusty up after git work that changed no file", () => {
  test("an empty commit and a git status in an override restart nothing", async () => {
    git(local(WEB), ["add", "--all"]);
    git(local(WEB), ["commit", "--quiet", "--allow-empty", "-m", "sync test"]);
    const settle = await env.dusty(["up", "--no-pull"]); // delivers the sync tests' edits: restarts are fine here
    expect(settle.code).toBe(0);
    const before = await startedAt("web");
    git(local(WEB), ["commit", "--quiet", "--allow-empty", "-m", "nothing changed"]);
    git(local(WEB), ["status"]);
    const result = await env.dusty(["up", "--no-pull"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Nothing changed since the last up");
    expect(result.stderr).not.toContain("its code changed");
    expect(await startedAt("web")).toBe(before);
  });
});

describe("dusty watch", () => {
  test("dusty watch mirrors every kind of change, each batch on one line, and ends on Ctrl-C", async () => {
    const watch = startWatch(env.daemon);
    await watch.waitForLine(/^synced api, shared, web in full \(\d+ ms\); watching for changes \(Ctrl-C stops\)$/);
    await watch.waitForStderr(/Watching api \(/);
    const web = local(WEB);
    const shared = local(SHARED);
    const step = async (what: string, change: () => void, url = WEB) => {
      const from = watch.lines.length;
      change();
      await watch.waitForLine(/^synced .* \(\d+ ms\)$/, from);
      await converged(url, what);
    };

    await step("an edit", () => writeFileSync(join(web, "index.html"), "web v3 by watch\n"));
    expect((await env.fetchPage("local.web.test", "/index.html")).text).toBe("web v3 by watch\n");
    await step("a new file with spaces and non-ASCII", () => writeFileSync(join(web, "größe mit space.html"), "umlaut\n"));
    expect((await env.fetchPage("local.web.test", "/gr%C3%B6%C3%9Fe%20mit%20space.html")).text).toBe("umlaut\n");
    await step("a rename", () => renameSync(join(web, "größe mit space.html"), join(web, "renamed.html")));
    expect((await env.fetchPage("local.web.test", "/renamed.html")).text).toBe("umlaut\n");
    await step("a delete", () => rmSync(join(web, "renamed.html")));
    expect((await env.fetchPage("local.web.test", "/renamed.html")).status).toBe(404);
    await step("an atomic save", () => {
      writeFileSync(join(web, ".index.html.swp~"), "web v4 saved atomically\n");
      renameSync(join(web, ".index.html.swp~"), join(web, "index.html"));
    });
    expect((await env.fetchPage("local.web.test", "/index.html")).text).toBe("web v4 saved atomically\n");
    await step("a new folder tree", () => {
      mkdirSync(join(web, "docs", "deep"), { recursive: true });
      writeFileSync(join(web, "docs", "deep", "page.html"), "deep\n");
      writeFileSync(join(web, "docs", "top.html"), "top\n");
    });
    expect((await env.fetchPage("local.web.test", "/docs/deep/page.html")).text).toBe("deep\n");
    await step("a symlink", () => symlinkSync("docs/top.html", join(web, "link.html")));
    expect((await env.fetchPage("local.web.test", "/link.html")).text).toBe("top\n");
    await step("a folder delete", () => rmSync(join(web, "docs"), { recursive: true }));
    expect((await env.fetchPage("local.web.test", "/docs/top.html")).status).toBe(404);

    // The lib both apps use: one sync of it, named once.
    const from = watch.lines.length;
    writeFileSync(join(shared, "lib.txt"), "lib v3 by watch\n");
    const at = await watch.waitForLine(/^synced /, from);
    expect(watch.lines[at]).toMatch(/^synced 1 file to shared \(\d+ ms\)$/);
    await converged(SHARED, "a lib edit");

    // 5,000 files at once, and an edit while their sync runs: the host ends up equal to the checkout.
    const burst = watch.lines.length;
    mkdirSync(join(shared, "burst"));
    for (let i = 0; i < 5000; i++) writeFileSync(join(shared, "burst", `f${i}.txt`), `file ${i}\n`);
    await watch.waitForLine(/^synced /, burst);
    writeFileSync(join(shared, "lib.txt"), "lib v4, written while the burst synced\n");
    writeFileSync(join(web, "index.html"), "web v5 during the burst\n");
    await converged(SHARED, "a 5,000-file burst");
    await converged(WEB, "an edit during the burst");
    expect((await env.fetchPage("local.web.test", "/index.html")).text).toBe("web v5 during the burst\n");

    watch.signal("SIGINT");
    expect(await watch.exited).toBe(130);
    await env.daemon.waitForLog(/ watch: exit code \d+ in [\d.]+ s \(stopped\)/);
    // The watchers are closed before the command ends: an edit now stays on this side.
    writeFileSync(join(web, "index.html"), "web v6 after the watch\n");
    await Bun.sleep(300);
    expect(inSync(WEB)).toBe(false);
  }, 120_000);

  test("dusty stop ends a running watch, and a dropped client ends its watch", async () => {
    const stopped = startWatch(env.daemon, ["api"]);
    await stopped.waitForLine(/watching for changes/);
    const stop = await env.dusty(["stop", "api"]);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain("Ended 1 running `dusty watch`");
    expect(await stopped.exited).toBe(0);
    expect(stopped.stderr()).toContain("Stopped watching: `dusty stop api` ran");
    expect((await env.dusty(["up", "--no-pull"])).code).toBe(0);

    const dropped = startWatch(env.daemon, ["web"]);
    await dropped.waitForLine(/watching for changes/);
    const ended = () => env.daemon.log().match(/ watch: exit code \d+ in [\d.]+ s \(stopped\)/g)?.length ?? 0;
    const before = ended();
    dropped.signal("SIGKILL");
    await dropped.exited;
    await waitUntil(() => ended() > before, 10_000, () => `the daemon kept watching:\n${env.daemon.log()}`);
  }, 120_000);

  test("dusty watch --restart web restarts web after a batch that changed its code, and only web", async () => {
    const watch = startWatch(env.daemon, ["--restart", "web"]);
    await watch.waitForLine(/watching for changes/);
    await watch.waitForStderr(/Watching shared \(/);
    const web = await startedAt("web");
    const api = await startedAt("api");
    const from = watch.lines.length;
    writeFileSync(join(local(SHARED), "lib.txt"), "lib v5, restart\n");
    await watch.waitForLine(/^restarted web$/, from);
    expect(await startedAt("web")).not.toBe(web);
    expect(await startedAt("api")).toBe(api);
    watch.signal("SIGINT");
    expect(await watch.exited).toBe(130);
  }, 120_000);

  test("dusty watch refuses when nothing it would watch is overridden, and names an unknown one", async () => {
    const unknown = await env.dusty(["watch", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Cannot watch nope: not an active app or a repo");
  });
});
