// `dusty up` after an `up` that was stopped midway, end to end on the real Docker Engine with Compose v2:
// the daemon SIGKILLed while compose runs, and the half-made containers such a kill leaves behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { findComposeProcesses } from "../platform/processes.ts";
import { run } from "../platform/run.ts";
import { dustyArgv, startDaemon, waitUntil, type DaemonHandle } from "./harness.ts";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

let env: ExampleEnvironment;
const restarted: DaemonHandle[] = [];
let daemon: DaemonHandle;
beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker compose" });
  daemon = env.daemon;
});
afterAll(async () => {
  for (const handle of restarted) await handle.stop();
  await env?.cleanup();
});

const dusty = (args: string[]) => daemon.run(args, { timeoutMs: 110_000 });

describe("dusty up after an interrupted up", () => {
  test("a daemon SIGKILLed while compose runs: the next daemon ends that compose, and the next up works", async () => {
    expect((await dusty(["up", "--no-pull"])).code).toBe(0);
    await run(["docker", "rm", "-f", ...Object.values(await env.containers()).map((c) => c.id)]);
    const client = Bun.spawn(dustyArgv(["up", "--no-pull"]), { env: { ...process.env, ...daemon.env }, stdout: "ignore", stderr: "pipe" });
    let stderr = "";
    void (async () => {
      for await (const chunk of client.stderr) stderr += new TextDecoder().decode(chunk);
    })();
    await waitUntil(() => findComposeProcesses(env.project).length > 0, 60_000, () => `compose never started: ${stderr}`);
    process.kill(daemon.pid, "SIGKILL");
    await daemon.exited;
    await client.exited;
    // What the issue saw: compose goes on without its daemon.
    const leftovers = findComposeProcesses(env.project);
    expect(leftovers.length).toBeGreaterThan(0);
    // Held where it is, so it cannot finish on its own before the next daemon starts (on a busy machine it
    // would, and there would be nothing left to end): only the next daemon's SIGKILL can end it now.
    for (const pid of leftovers) process.kill(pid, "SIGSTOP");

    daemon = await startDaemon({ env: daemon.env });
    restarted.push(daemon);
    // The killed daemon's listening socket can linger in the kernel a moment after it is reaped and
    // answer the harness's probe: the new daemon is ready once it says so.
    await daemon.waitForLog(/listening on/, 30_000);
    expect(daemon.log()).toMatch(/Ended 1 program a previous daemon left running: pid \d+ \(docker compose --file/);
    expect(findComposeProcesses(env.project)).toEqual([]);

    const followUp = await dusty(["up", "--no-pull"]);
    expect(followUp.stderr).not.toContain("already in use");
    expect(followUp.code).toBe(0);
    expect(Object.values(await env.containers()).every((c) => c.running)).toBe(true);
  });

  test("up waits for a compose that is still working on the project before it starts its own", async () => {
    // Known by its command line, as a compose started by hand or by a daemon that kept no record would be.
    const other = Bun.spawn(["sh", "-c", "sleep 2", "docker-compose", "--project-name", env.project]);
    try {
      expect((await dusty(["env", "set", "api", "WAIT_TEST", "1"])).code).toBe(0);
      const result = await dusty(["up", "--no-pull"]);
      expect(result.stderr).toContain(`Waiting for the compose already working on project ${env.project} (pid ${other.pid}) to finish`);
      expect(other.exitCode).toBe(0); // it had finished before this up's compose started
      expect(result.code).toBe(0);
    } finally {
      other.kill();
    }
  });

  test("containers compose left half-made (never started, under its temporary name) are removed before compose runs", async () => {
    expect((await dusty(["up", "--no-pull"])).code).toBe(0);
    const api = (await env.containers()).api!;
    // What compose leaves when stopped while recreating api: the new container, created but not yet
    // started, under the temporary name `<old id>_<name>` that the next recreate of api uses again.
    const temporary = `${api.id.slice(0, 12)}_${api.name}`;
    const labels = ["com.docker.compose.project", env.project, "com.docker.compose.service", "api", "com.docker.compose.container-number", "1"];
    const label = (i: number) => ["--label", `${labels[i]}=${labels[i + 1]}`];
    const created = await run(["docker", "create", "--name", temporary, ...label(0), ...label(2), ...label(4), "dusty-example/busybox:latest", "true"]);
    expect(created.exitCode).toBe(0);
    // Something for compose to do: api's environment changes, so it recreates api.
    expect((await dusty(["env", "set", "api", "INTERRUPTED_TEST", "1"])).code).toBe(0);

    const result = await dusty(["up", "--no-pull"]);
    expect(result.stderr).toContain(`Removing 1 container an interrupted \`dusty up\` left half-made: ${temporary} (created)`);
    expect(result.stderr).not.toContain("already in use");
    expect(result.code).toBe(0);
    const containers = await env.containers();
    expect(Object.values(containers).every((c) => c.running)).toBe(true);
    expect(containers.api!.name).toBe(api.name);
  });
});
