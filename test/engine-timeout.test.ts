// End-to-end: a hung Docker Engine. The engine here is a real Unix socket that accepts connections and
// never answers, with DOCKER_HOST pointing the daemon's docker CLI at it: the CLI then hangs exactly as
// it does on a hung engine. Every engine call must give up within its limit and say what to do.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childRecordPath } from "../platform/children.ts";
import { makeGitRepo, makeTempDir } from "./git-fixtures.ts";
import { RawClient, startDaemon, waitUntil, type DaemonHandle } from "./harness.ts";

const temp = makeTempDir("dusty-hung-engine-");
const engineSocket = join(temp.path, "hung-docker.sock");
const accepted: Bun.Socket<undefined>[] = [];
let engine: Bun.UnixSocketListener<undefined>;
let daemon: DaemonHandle;

beforeAll(async () => {
  engine = Bun.listen({ unix: engineSocket, socket: { open: (socket) => void accepted.push(socket), data() {} } });
  const specs = makeGitRepo(join(temp.path, "specs"), {
    "apps/web.yml": "image: busybox\ncommands:\n  always:\n    - httpd -f\n",
    "bundles/site.yml": "description: site\napps:\n  - web\n",
  });
  const configDir = join(temp.path, "etc");
  mkdirSync(configDir);
  const config = { specs_repo: specs.path, setup_has_run: true, bundles: ["site"], compose_project: "dustyhungengine" };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config));
  daemon = await startDaemon({
    env: { DOCKER_HOST: `unix://${engineSocket}`, DUSTY_ENGINE_TIMEOUT_MS: "1500", DUSTY_CONFIG_DIR: configDir, DUSTY_DEBUG_COMMANDS: "1" },
  });
});
afterAll(async () => {
  await daemon?.stop();
  for (const socket of accepted) socket.terminate();
  engine?.stop(true);
  temp.remove();
});

const HUNG = (engineUrl: string) =>
  `The Docker Engine at ${engineUrl} did not answer \`docker version\` within 1.5 s: it seems hung, so dusty stopped waiting. ` +
  "Check the engine with `docker info`, restart it (`sudo systemctl restart docker`) or point DOCKER_HOST at a working engine; " +
  "on a slow engine raise DUSTY_ENGINE_TIMEOUT_MS in the daemon's environment\n";

describe("a hung Docker Engine", () => {
  test("dusty status gives up within the engine limit and names the engine and the fix", async () => {
    const result = await daemon.run(["status"], { timeoutMs: 30_000 });
    expect(accepted.length).toBeGreaterThan(0); // the CLI really reached the hung engine
    expect(result).toEqual({ code: 1, stdout: "", stderr: HUNG(`unix://${engineSocket}`) });
  });

  test("dusty up gives up within the engine limit too, having changed nothing", async () => {
    const result = await daemon.run(["up", "--no-pull"], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(HUNG(`unix://${engineSocket}`).trimEnd());
  });
});

describe("a client that leaves", () => {
  test("a read-only command's programs end as soon as its client disconnects", async () => {
    const own = await startDaemon({
      env: { DOCKER_HOST: `unix://${engineSocket}`, DUSTY_ENGINE_TIMEOUT_MS: "600000", DUSTY_CONFIG_DIR: daemon.env.DUSTY_CONFIG_DIR! },
    });
    try {
      const client = await RawClient.connect(own.socketPath);
      client.request("status");
      const record = childRecordPath({ socketPath: own.socketPath });
      const children = () => (JSON.parse(readFileSync(record, "utf8")) as { children: { argv: string[] }[] }).children;
      // `docker version` is running against the hung engine, and the daemon's record lists it.
      await waitUntil(() => children().some((c) => c.argv.join(" ").startsWith("docker version")), 20_000, () => JSON.stringify(children()));
      client.close();
      await own.waitForLog(/client disconnected: stopping status\n/);
      // Far sooner than the 10-minute engine limit: the docker CLI was killed, and the record is empty again.
      await own.waitForLog(/status: exit code 130 in [\d.]+ s \(stopped\)\n/, 20_000);
      await waitUntil(() => children().length === 0, 10_000, () => JSON.stringify(children()));
    } finally {
      await own.stop();
    }
  });
});
