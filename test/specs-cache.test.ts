// End-to-end: the daemon's specs cache (cmd/daemon/handlers/_specs-cache.ts). Concurrent read-only commands
// share one load of unchanged specs, every kind of change is seen by the next command, and the answers
// are the same as a daemon's without the cache (DUSTY_SPEC_CACHE=0). Loads are counted by the
// "specs loaded" line the daemon logs for each real load.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RACY_WINDOW_MS } from "../platform/specs-cache.ts";
import { SPECS_FILES } from "./_setup-fixture.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { RawClient, startDaemon, type DaemonHandle } from "./harness.ts";

const temp = makeTempDir("dusty-specs-cache-");
const specsPath = join(temp.path, "specs");
let cached: DaemonHandle;
let uncached: DaemonHandle;

beforeAll(async () => {
  for (const [path, text] of Object.entries(SPECS_FILES)) {
    mkdirSync(join(specsPath, path, ".."), { recursive: true });
    writeFileSync(join(specsPath, path), text);
  }
  [cached, uncached] = await Promise.all([startDaemon(), startDaemon({ env: { DUSTY_SPEC_CACHE: "0" } })]);
  // A project of this test's own: `status` lists containers of nobody else.
  const project = `dustytest${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const url = "https://example.invalid/specs.git";
  const config = { bundles: ["site"], specs_repo: url, repo_overrides: { [url]: specsPath }, setup_has_run: true, compose_project: project };
  for (const daemon of [cached, uncached]) writeFileSync(join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml"), JSON.stringify(config));
  await settle();
});
afterAll(async () => {
  await Promise.all([cached?.stop(), uncached?.stop()]);
  temp.remove();
});

// Files changed within the racy window are loaded again by every command, whatever the cache holds:
// wait it out, so what a test counts is the cache's own decision.
const settle = () => Bun.sleep(RACY_WINDOW_MS + 200);

const loadsOf = (daemon: DaemonHandle) => daemon.log().match(/specs loaded \(/g)?.length ?? 0;

/** Sends one request on a raw connection and returns the exit code, the output and the errors. */
async function ask(daemon: DaemonHandle, command: string, args: Record<string, unknown> = {}): Promise<string> {
  const client = await RawClient.connect(daemon.socketPath);
  client.request(command, args);
  const messages = await client.collect(30_000);
  const output = messages.flatMap((m) => (m.type === "output" ? [m.text] : [])).join("");
  const errors = messages.flatMap((m) => (m.type === "error" ? [m.text] : [])).join("");
  const warnings = messages.flatMap((m) => (m.type === "warning" ? [`warning: ${m.text}\n`] : [])).join("");
  const done = messages.find((m) => m.type === "done");
  return `exit ${done?.type === "done" ? done.exitCode : "none"}\n${output}${warnings}${errors && `error: ${errors}`}`;
}

/** `bundles list` and `status --json` from both daemons; they must agree. Returns `bundles list`'s answer. */
async function askBoth(): Promise<string> {
  return (await askBothAnswers()).list;
}

async function askBothAnswers(): Promise<{ list: string; status: string }> {
  const [list, status, uncachedList, uncachedStatus] = await Promise.all([
    ask(cached, "bundles.list"),
    ask(cached, "status", { json: true }),
    ask(uncached, "bundles.list"),
    ask(uncached, "status", { json: true }),
  ]);
  expect(list).toBe(uncachedList);
  expect(status).toBe(uncachedStatus);
  return { list, status };
}

describe("the daemon's specs cache", () => {
  test("concurrent bundles list and status share one load of unchanged specs, with the uncached daemon's answers", async () => {
    await askBoth(); // fills the cache
    const before = { cached: loadsOf(cached), uncached: loadsOf(uncached) };
    const requests = (daemon: DaemonHandle) => [
      ...Array.from({ length: 15 }, () => ask(daemon, "bundles.list")),
      ...Array.from({ length: 15 }, () => ask(daemon, "status", { json: true })),
    ];
    const [fromCache, fromLoads] = await Promise.all([Promise.all(requests(cached)), Promise.all(requests(uncached))]);
    expect(fromCache).toEqual(fromLoads);
    expect(fromCache[0]).toStartWith("exit 0\nName ");
    expect(fromCache[15]).toStartWith("exit 0\n{");
    expect(loadsOf(cached) - before.cached).toBe(0);
    expect(loadsOf(uncached) - before.uncached).toBe(30);
  });

  test("a spec file rewritten with other content of the same size is seen by the next command", async () => {
    writeFileSync(join(specsPath, "bundles", "site.yml"), "description: The public web sitE\napps:\n  - web\n");
    expect(await askBoth()).toContain("site     The public web sitE ");
  });

  test("a touched spec file makes the next command load again", async () => {
    await settle();
    await askBoth();
    const before = loadsOf(cached);
    const later = new Date(Date.now() - 60_000);
    utimesSync(join(specsPath, "apps", "web.yml"), later, later);
    await askBoth();
    expect(loadsOf(cached) - before).toBe(2);
  });

  test("a new spec file is seen by the next command", async () => {
    await settle();
    await askBoth();
    writeFileSync(join(specsPath, "bundles", "extra.yml"), "description: Added later\napps:\n  - worker\n");
    expect(await askBoth()).toContain("extra    Added later");
  });

  test("a deleted spec file is gone for the next command", async () => {
    await settle();
    await askBoth();
    unlinkSync(join(specsPath, "bundles", "extra.yml"));
    expect(await askBoth()).not.toContain("extra");
  });

  test("broken specs give the same errors from the cache, and the next fix is seen", async () => {
    await settle();
    writeFileSync(join(specsPath, "bundles", "site.yml"), "description: The public web site\napps:\n  - wbe\n");
    await settle();
    // status refuses broken specs; bundles list still lists the bundles and warns (so they can be changed).
    const broken = await askBothAnswers();
    expect(broken.status).toStartWith("exit 1\nerror: ");
    expect(broken.status).toContain('bundles/site.yml:3:5: apps[0]: no app named "wbe" (did you mean "web"?)');
    expect(broken.list).toStartWith("exit 0\n");
    expect(broken.list).toContain('bundles/site.yml:3:5: warning: apps[0]: no app named "wbe" (did you mean "web"?)');
    const before = loadsOf(cached);
    await askBothAnswers();
    expect(loadsOf(cached) - before).toBe(0);
    writeFileSync(join(specsPath, "bundles", "site.yml"), "description: The public web site\napps:\n  - web\n");
    expect(await askBoth()).toContain("site     The public web site ");
  });
});
