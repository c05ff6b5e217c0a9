// `dusty test` under pressure: Ctrl-C in the client mid-suite removes everything the run started, and
// runs for two apps (and twice the same app) go at once without colliding.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { dustyArgv, waitUntil } from "./harness.ts";
import { containersOf, imagesOf, startTestRunnerFixture, type TestRunnerFixture } from "./test-runner-fixture.ts";

const SLOW = "trslow";
const LEFT = "trleft";
const RIGHT = "trright";
let fx: TestRunnerFixture;

// Each app's suite waits for its own nginx on localhost, so two runs at once would collide on a port or
// a container name if anything were shared.
const app = (name: string) => `image: dusty-example/busybox:latest
test:
  image: dusty-example/busybox:latest
  once: ["echo ${name} > /who.txt"]
  suites:
    - name: hang
      services: [trsvc]
      command: ["echo started", "sleep 600"]
    - name: web
      services: [trsvc]
      command:
        - cat /who.txt
        - for i in $(seq 1 100); do wget -q -O- http://localhost:80/ >/dev/null && exit 0; sleep 0.1; done; exit 1
`;

beforeAll(async () => {
  fx = await startTestRunnerFixture({
    names: [SLOW, LEFT, RIGHT],
    repos: {},
    specs: () => ({
      "bundles/main.yml": `apps: [${SLOW}]\n`,
      "services/trsvc.yml": "image: dusty-test/nginx:latest\ncontainer_name: fixed-name\nports: ['127.0.0.1:8081:80']\n",
      [`apps/${SLOW}.yml`]: app(SLOW),
      [`apps/${LEFT}.yml`]: app(LEFT),
      [`apps/${RIGHT}.yml`]: app(RIGHT),
    }),
  });
}, 60_000);

afterAll(() => fx?.stop(), 60_000);

describe("dusty test", () => {
  test("Ctrl-C in the client stops the suite and removes its container and services", async () => {
    const client = Bun.spawn(dustyArgv(["test", SLOW, "hang"]), {
      env: { ...process.env, ...fx.daemon.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = client.stdout.getReader();
    let seen = "";
    await waitUntil(
      async () => {
        const chunk = await reader.read();
        seen += new TextDecoder().decode(chunk.value ?? new Uint8Array());
        if (chunk.done) throw new Error(`the client ended before the suite started: ${seen}`);
        return seen.includes("started");
      },
      60_000,
      () => `the suite never started: ${seen}`,
    );
    expect((await containersOf(SLOW)).length).toBe(2);
    client.kill("SIGINT");
    expect(await client.exited).toBe(130);
    await waitUntil(async () => (await containersOf(SLOW)).length === 0, 30_000, () => "the run's containers are still there");
    await fx.daemon.waitForLog(/#\d+ test: exit code 130/, 10_000);
  }, 90_000);

  test("runs for two apps, and two runs of the same app, go at once without colliding", async () => {
    const runs = await Promise.all([fx.test([LEFT, "web"]), fx.test([RIGHT, "web"]), fx.test([RIGHT, "web"])]);
    for (const [i, run] of runs.entries()) {
      expect(run.stdout).toBe(`${i === 0 ? LEFT : RIGHT}\nTESTS web PASSED\n`);
      expect(run.code).toBe(0);
    }
    // The two runs of RIGHT built its image once: one of them waited and then reused it.
    const built = runs.slice(1).filter((r) => r.stderr.includes("Creating the test image")).length;
    expect(built).toBe(1);
    expect(await imagesOf(RIGHT)).toHaveLength(1);
    expect([...(await containersOf(LEFT)), ...(await containersOf(RIGHT))]).toEqual([]);
  }, 90_000);
});
