// `dusty logs` on real containers: several names at once, -n/--tail, --since, and -f that keeps
// following across a restart of the container.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";
import { dustyArgv, ROOT, waitUntil } from "./harness.ts";

const talker = (name: string) =>
  [
    `repo: /srv/dusty-test/${name}`,
    `mount: /${name}`,
    `image: ${BUSYBOX_IMAGE}`,
    `commands:\n  always:\n    - echo "${name} line one"\n    - echo "${name} line two"\n    - exec sleep 100000`,
    "",
  ].join("\n");

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({
    compose: "docker compose",
    specFiles: { "apps/alpha.yml": talker("alpha"), "apps/beta.yml": talker("beta"), "bundles/all.yml": "apps:\n  - alpha\n  - beta\n" },
    repos: { "/srv/dusty-test/alpha": { "a.txt": "a\n" }, "/srv/dusty-test/beta": { "b.txt": "b\n" } },
    bundles: ["all"],
  });
  const up = await env.dusty(["up", "--no-pull"]);
  if (up.code !== 0) throw new Error(`dusty up failed:\n${up.stderr}`);
  await waitUntil(async () => (await env.dusty(["logs", "beta"])).stdout.includes("beta line two"), 20_000, () => "beta never logged");
  await waitUntil(async () => (await env.dusty(["logs", "alpha"])).stdout.includes("alpha line two"), 20_000, () => "alpha never logged");
});
afterAll(async () => {
  await env?.cleanup();
});

describe("dusty logs", () => {
  test("dusty logs -n 1 alpha shows alpha's last line (-n is --tail, not a name)", async () => {
    const result = await env.dusty(["logs", "-n", "1", "alpha"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("alpha line two\n");
  });

  test("dusty logs alpha beta prefixes each line with its container's name", async () => {
    const result = await env.dusty(["logs", "--tail=2", "alpha", "beta"]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").filter(Boolean).sort()).toEqual(["alpha | alpha line one", "alpha | alpha line two", "beta  | beta line one", "beta  | beta line two"]);
  });

  test("dusty logs --since keeps only later lines", async () => {
    expect((await env.dusty(["logs", "--since", "2000-01-01T00:00:00", "alpha"])).stdout).toContain("alpha line one");
    const future = await env.dusty(["logs", "--since", "2999-01-01T00:00:00", "alpha"]);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe("");
  });

  test("dusty logs -f alpha beta goes on following alpha after dusty restart alpha, and Ctrl-C ends it", async () => {
    const child = Bun.spawn(dustyArgv(["logs", "-f", "alpha", "beta"]), {
      env: { ...process.env, ...env.daemon.env },
      cwd: ROOT,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    let out = "";
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout) out += decoder.decode(chunk, { stream: true });
    })();
    const count = (line: string) => out.split("\n").filter((l) => l === line).length;
    await waitUntil(() => count("alpha | alpha line two") === 1 && count("beta  | beta line two") === 1, 20_000, () => `logs -f printed:\n${out}`);
    const restart = await env.dusty(["restart", "--no-sync", "alpha"]);
    expect(restart.code).toBe(0);
    await waitUntil(() => count("alpha | alpha line two") === 2, 30_000, () => `logs -f did not follow the restarted alpha:\n${out}`);
    // Each line once: the first run's lines are not printed again after the restart.
    expect(count("alpha | alpha line one")).toBe(2);
    expect(count("beta  | beta line one")).toBe(1);
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
  }, 90_000);
});
