import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { UserError } from "../errors.ts";
import { runChecked } from "../run.ts";
import { parseSize } from "./disk-usage.ts";
import { createNativeHost } from "./native.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-native-")));
afterEach(() => temp.remove());

test("paths() puts every folder under the persist dir", () => {
  const host = createNativeHost({ persistDir: "/var/lib/dusty" });
  expect(host.paths()).toEqual({
    reposDir: "/var/lib/dusty/repos",
    commandFilesDir: "/var/lib/dusty/command_files",
    cpDir: "/var/lib/dusty/cp",
    assetsDir: "/var/lib/dusty/assets",
    nginxDir: "/var/lib/dusty/nginx",
  });
});

test("hostAddress() is the bind address (127.0.0.1 by default) and dockerEnv() is empty", async () => {
  expect(await createNativeHost({ persistDir: temp.path }).hostAddress()).toBe("127.0.0.1");
  expect(await createNativeHost({ persistDir: temp.path, bindAddress: "127.0.0.2" }).hostAddress()).toBe("127.0.0.2");
  expect(await createNativeHost({ persistDir: temp.path }).dockerEnv()).toEqual({});
});

test("ensureUp() checks the engine answers and creates the persist folders", async () => {
  const persist = join(temp.path, "persist");
  const log: string[] = [];
  await createNativeHost({ persistDir: persist }).ensureUp((line) => log.push(line));
  expect(log).toHaveLength(1);
  expect(log[0]).toMatch(/^Docker Engine \S+ is running$/);
  expect(readdirSync(persist).sort()).toEqual(["assets", "command_files", "cp", "nginx", "repos"]);
});

test("ensureUp() without an engine fails with a UserError saying how to start one", async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${join(temp.path, "no-docker.sock")}`;
  try {
    const error = await createNativeHost({ persistDir: temp.path }).ensureUp(() => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toStartWith(`Cannot reach the Docker Engine at ${process.env.DOCKER_HOST} (from the daemon's DOCKER_HOST): `);
    expect((error as Error).message).toEndWith("Start it (`sudo systemctl start docker`), or point DOCKER_HOST or your Docker context at a running engine");
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

test("syncIn() and syncOut() round-trip a folder through the persist dir, deleting what the source lacks", async () => {
  const persist = join(temp.path, "persist");
  const host = createNativeHost({ persistDir: persist });
  const src = join(temp.path, "src");
  mkdirSync(join(src, "lib", ".git"), { recursive: true });
  writeFileSync(join(src, "app.py"), "print(1)\n");
  writeFileSync(join(src, "lib", ".git", "HEAD"), "ref\n");
  const inPersist = join(host.paths().reposDir, "github.com/org/app");
  await host.syncIn(src, inPersist, { excludeNestedGit: true });
  expect(readFileSync(join(inPersist, "app.py"), "utf8")).toBe("print(1)\n");
  expect(existsSync(join(inPersist, "lib", ".git"))).toBe(false);

  writeFileSync(join(inPersist, "made-in-container.txt"), "x");
  const back = join(temp.path, "back");
  mkdirSync(back);
  writeFileSync(join(back, "stale.txt"), "old");
  await host.syncOut(inPersist, back);
  expect(readdirSync(back).sort()).toEqual(["app.py", "lib", "made-in-container.txt"]);
});

test("syncIn() and syncOut() refuse paths outside the persist dir", async () => {
  const host = createNativeHost({ persistDir: join(temp.path, "persist") });
  writeFileSync(join(temp.path, "f"), "f");
  await expect(host.syncIn(join(temp.path, "f"), join(temp.path, "persist-other", "f"))).rejects.toThrow(/outside dusty's persist dir/);
  await expect(host.syncOut("/etc", join(temp.path, "etc"))).rejects.toThrow(/outside dusty's persist dir/);
  await expect(host.syncIn(join(temp.path, "f"), join(temp.path, "persist", "..", "f"))).rejects.toThrow(/outside/);
});

test("diskUsage() reports the persist dir's filesystem, matching df's block counts", async () => {
  // The persist dir does not exist yet: its nearest existing parent's filesystem counts.
  const host = createNativeHost({ persistDir: join(temp.path, "not", "yet") });
  const usage = await host.diskUsage();
  const df = (await runChecked(["df", "-P", "-k", temp.path])).stdout.trim().split("\n")[1]!.split(/\s+/);
  const [totalKiB, , freeKiB] = [Number(df[1]), Number(df[2]), Number(df[3])];
  // df -h rounds up to 2 significant digits at most, so allow one unit of its last digit.
  expect(Math.abs(parseSize(usage.total) / 1024 - totalKiB) / totalKiB).toBeLessThan(0.1);
  expect(Math.abs(parseSize(usage.free) / 1024 - freeKiB) / Math.max(freeKiB, 1)).toBeLessThan(0.1);
  expect(usage.usagePercent).toMatch(/^\d+%$/);
  expect(usage.low).toBe(freeKiB < 1024 * 1024);
});

test("runOnHost() runs the program on this machine", async () => {
  const host = createNativeHost({ persistDir: temp.path });
  const result = await host.runOnHost(["ls", temp.path]);
  expect(result.exitCode).toBe(0);
  expect((await host.runOnHost(["test", "-d", join(temp.path, "missing")])).exitCode).toBe(1);
});

test("hostAddress() is the engine's machine when a tcp:// or ssh:// engine runs elsewhere, else the bind address", async () => {
  const elsewhere = createNativeHost({ persistDir: temp.path, bindAddress: "127.0.0.1", engine: { source: "DOCKER_HOST", host: "tcp://10.9.8.7:2376" } });
  expect(await elsewhere.hostAddress()).toBe("10.9.8.7");
  expect(await elsewhere.engineElsewhere?.()).toBe("10.9.8.7");
  for (const host of ["tcp://127.0.0.1:2375", "unix:///var/run/docker.sock", undefined]) {
    const here = createNativeHost({ persistDir: temp.path, bindAddress: "127.0.0.2", engine: host ? { source: "DOCKER_HOST", host } : { source: "default" } });
    expect([host, await here.hostAddress(), await here.engineElsewhere?.()]).toEqual([host, "127.0.0.2", undefined]);
  }
});

test("dockerEnvFor() hands the client's own docker the ssh:// endpoint, not root's forwarded socket", async () => {
  const host = createNativeHost({ persistDir: temp.path, engine: { source: "DOCKER_HOST", host: "ssh://al@10.9.8.7" }, engineSsh: { controlDir: join(temp.path, "ssh") } });
  expect(await host.dockerEnvFor?.({ uid: 4242, gid: 4242 })).toEqual({ DOCKER_HOST: "ssh://al@10.9.8.7", DOCKER_CERT_PATH: "", DOCKER_TLS_VERIFY: "" });
  expect(createNativeHost({ persistDir: temp.path }).dockerEnvFor).toBeUndefined();
});
