// End-to-end: an app whose spec sets `compose.user` runs its command file as that user, in a real
// container. Most images let only root write `/` and /var/log; the once block must still mark the
// first start and log `once` (in /tmp then), run `once` on the first start only, and reach `always`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileEnvironment, defaultCompileOptions } from "../core/compile.ts";
import { specsFromRaw } from "../core/compile-test-helpers.ts";
import { run, runChecked } from "../platform/run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { TestContainers } from "./docker/containers.ts";
import { makeTempDir } from "./git-fixtures.ts";

const temp = makeTempDir("dusty-once-as-user-");
const containers = new TestContainers("once-as-user.test.ts");

beforeAll(async () => {
  await ensureTestImages();
});
afterAll(async () => {
  await containers.removeAll();
  temp.remove();
});

/** The compiled app's compose user and main command file, written where a container can mount it. */
function compileApp(user: string) {
  const specs = specsFromRaw({
    apps: {
      worker: {
        image: BUSYBOX_IMAGE,
        compose: { user },
        // `wait` lets the background tee finish writing the log before the container exits.
        commands: { once: ["echo once-ran", "id -un"], always: ["wait", "echo always-ran"] },
      },
    },
    bundles: { main: { apps: ["worker"] } },
  });
  const compiled = compileEnvironment(specs, { ...defaultCompileOptions(), bundles: ["main"] });
  const dir = join(temp.path, user);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const file = join(dir, "main.sh");
  writeFileSync(file, compiled.commandFiles["worker/dusty_command_file_worker.sh"] ?? "");
  chmodSync(file, 0o644);
  return { service: compiled.compose.services.worker ?? {}, dir };
}

/** A file of a (stopped) container's filesystem, or undefined when it is not there. */
async function readFromContainer(id: string, path: string): Promise<string | undefined> {
  const target = join(temp.path, `copy-${Math.random().toString(36).slice(2)}`);
  if ((await run(["docker", "cp", `${id}:${path}`, target])).exitCode !== 0) return undefined;
  return readFileSync(target, "utf8");
}

/** Starts the container once more and waits for it: its exit code and everything it printed this time. */
async function startAgain(id: string): Promise<{ code: number; output: string }> {
  const result = await run(["docker", "start", "--attach", id]);
  return { code: result.exitCode, output: result.stdout + result.stderr };
}

test("an app with compose.user nobody runs once on the first start only, logs it, and reaches always", async () => {
  const { service, dir } = compileApp("nobody");
  expect(service.user).toBe("nobody");
  expect(service.entrypoint).toEqual([]);
  const id = await containers.start({
    flags: ["--user", String(service.user), "--entrypoint", "", "-v", `${dir}:/command_files:ro`],
    command: ["sh", "/command_files/main.sh"],
  });
  const first = await runChecked(["docker", "wait", id]);
  const logs = await run(["docker", "logs", id]);
  expect({ code: first.stdout.trim(), output: logs.stdout + logs.stderr }).toEqual({ code: "0", output: "once-ran\nnobody\nalways-ran\n" });
  // The marker and the log are where nobody could write them.
  expect(await readFromContainer(id, "/tmp/dusty_once_fn.log")).toBe("once-ran\nnobody\n");
  expect(await readFromContainer(id, "/tmp/.dusty_first_time_started")).toBe("");
  // A restart (same container, same filesystem) skips once.
  expect(await startAgain(id)).toEqual({ code: 0, output: "always-ran\n" });
});

test("an app running as root keeps the marker and the log where Dusty had them", async () => {
  const { service, dir } = compileApp("root");
  const id = await containers.start({
    flags: ["--user", String(service.user), "--entrypoint", "", "-v", `${dir}:/command_files:ro`],
    command: ["sh", "/command_files/main.sh"],
  });
  expect((await runChecked(["docker", "wait", id])).stdout.trim()).toBe("0");
  expect(await readFromContainer(id, "/.dusty_first_time_started")).toBe("");
  expect(await readFromContainer(id, "/var/log/dusty_once_fn.log")).toBe("once-ran\nroot\n");
  expect(await readFromContainer(id, "/tmp/.dusty_first_time_started")).toBeUndefined();
  expect(await startAgain(id)).toEqual({ code: 0, output: "always-ran\n" });
});
